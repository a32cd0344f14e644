//! The terminal: setup and restore, the event loop, and carrying out `Effect`s.
//!
//! One guard owns raw mode, the alternate screen and the mouse. It is left by `Drop`, by the
//! panic hook and by the signal thread (SIGTERM, SIGHUP from a dropped SSH link, SIGINT,
//! SIGQUIT); running the editor and Ctrl-Z go through the same guard.
//!
//! Idle means idle: the main loop blocks on one channel fed by three threads (keys, signals,
//! search results) and draws only after something arrives. The key thread can be parked while
//! the editor owns the terminal; it is woken out of its blocking read by a SIGWINCH, which the
//! terminal library turns into a resize event.

use std::io::{self, BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use crossterm::event::{
    self as term_event, EnableBracketedPaste, EnableMouseCapture, Event as TermEvent, KeyCode,
    KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use crossterm::terminal::{self, EnterAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::Terminal;

use crate::app::{self, Action, Effect, Results, SearchRequest, State, ViewRequest, Viewer};
use crate::backend::Sgr;
use crate::config::{Config, Env, WatchMode};
use crate::index::Catalog;
use crate::index_file::Loader;
use crate::keymap::{Command, Context, Keymap};
use crate::load::{LoadError, Progress};
use crate::search::Incremental;
use crate::ui::{self, Theme};
use crate::watch::Touched;

type Backend = Sgr<BufWriter<Stdout>>;

/// Whether the terminal is in our mode (raw, alternate screen, mouse) right now.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The terminal's settings as dossier found them at start. Restored exactly on the way out and
/// before taking the terminal back from the editor: the terminal library restores the settings
/// it saw when raw mode last began, and an editor that was killed (or a script that ran `stty
/// raw`) would otherwise have those be raw, leaving the shell raw after dossier quits.
static FOUND: std::sync::OnceLock<rustix::termios::Termios> = std::sync::OnceLock::new();

/// The editor's process id while it runs, 0 otherwise: the signal thread passes a SIGTERM or
/// SIGHUP on to it, and lets a SIGINT (Ctrl-C typed while it runs) be the editor's alone.
/// `EDITOR_STARTING` from just before it is started until its id is known, since it may take
/// the terminal (and the user press Ctrl-C) before this process has run again.
static EDITOR: AtomicU32 = AtomicU32::new(0);
const EDITOR_STARTING: u32 = u32::MAX;

/// When the editor last ended, in milliseconds since `EPOCH`. A Ctrl-C typed in the editor
/// reaches this process too, and the signal thread may only get to it after the editor has
/// ended and `EDITOR` is 0 again (on a loaded machine): a SIGINT that soon after is still the
/// editor's. (A real `kill -INT` that close to an editor session is not told apart.)
static EDITOR_ENDED: AtomicU64 = AtomicU64::new(0);
static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

fn millis() -> u64 {
    u64::try_from(
        EPOCH
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_millis(),
    )
    .unwrap_or(u64::MAX)
}

/// The editor runs, or has just ended (0 in `EDITOR_ENDED` is "never ran").
fn editor_has_the_terminal() -> bool {
    let ended = EDITOR_ENDED.load(Ordering::SeqCst);
    EDITOR.load(Ordering::SeqCst) != 0 || (ended != 0 && millis().saturating_sub(ended) < 1000)
}

fn remember_terminal() {
    if let Ok(settings) = rustix::termios::tcgetattr(io::stdin()) {
        let _ = FOUND.set(settings);
    }
}

fn put_back_terminal_settings() {
    if let Some(settings) = FOUND.get() {
        let _ = rustix::termios::tcsetattr(
            io::stdin(),
            rustix::termios::OptionalActions::Drain,
            settings,
        );
    }
}

/// Modes another program may have left set that change how keys arrive or where lines go:
/// application cursor keys and keypad off, and the scroll region the whole screen (the cursor
/// saved around it, since resetting the region moves it home).
macro_rules! reset_modes {
    () => {
        "\x1b[?1l\x1b>\x1b7\x1b[r\x1b8"
    };
}
const RESET_MODES: &str = reset_modes!();

/// Everything `enter_terminal` set, undone: bracketed paste and the mouse off, the alternate
/// screen left, the modes reset, the cursor shown. One constant, so that a signal handler
/// (`restore_on_abort`) can write it without formatting anything.
const RESTORE_BYTES: &[u8] = concat!(
    "\x1b[?2004l",
    "\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l",
    "\x1b[?1049l",
    reset_modes!(),
    "\x1b[?25h"
)
.as_bytes();

fn enter_terminal() -> io::Result<()> {
    put_back_terminal_settings();
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        crossterm::style::Print(RESET_MODES),
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide
    )
}

/// Put the terminal back as it was. Safe to call from anywhere, any number of times.
pub fn restore_terminal() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = out.write_all(RESTORE_BYTES);
        let _ = out.flush();
        let _ = terminal::disable_raw_mode();
        put_back_terminal_settings();
    }
}

/// Restores the terminal when dropped, whatever the reason the loop ended.
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Put the terminal back if the process aborts: an allocation that fails (memory exhausted or
/// capped with `ulimit -v`) or any other `abort` ends the process in SIGABRT, with no unwinding,
/// no panic hook and no time for the signal thread. The handler writes the restoring bytes and
/// the settings found at start, then lets the signal end the process.
#[allow(unsafe_code)]
fn restore_on_abort() {
    use std::os::fd::AsFd;
    let handler = || {
        if ACTIVE.swap(false, Ordering::SeqCst) {
            // Only async-signal-safe calls: write(2) and tcsetattr(3) on descriptors that
            // are open for the whole run, and an atomic.
            let _ = rustix::io::write(io::stdout().as_fd(), RESTORE_BYTES);
            if let Some(settings) = FOUND.get() {
                let _ = rustix::termios::tcsetattr(
                    io::stdin().as_fd(),
                    rustix::termios::OptionalActions::Now,
                    settings,
                );
            }
        }
        // A handler replaces the default action: end the process as the abort meant to (a
        // `kill -ABRT` included), by the signal, so the shell still reports it.
        let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGABRT);
    };
    // SAFETY: the handler only touches an atomic and makes async-signal-safe system calls
    // (`io::stdout()`/`io::stdin()` were set up before the terminal was taken, so getting them
    // allocates nothing and takes no lock).
    let _ = unsafe { signal_hook::low_level::register(signal_hook::consts::SIGABRT, handler) };
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
}

enum Event {
    Term(TermEvent),
    /// Reading the terminal failed: it went away (a closed SSH link).
    TermGone,
    Signal(i32),
    Searched(Results),
    /// The catalog, read by the loader thread while the screen shows progress.
    Loaded(Box<Result<Arc<Catalog>, LoadError>>),
    /// The records a first load has read so far, while it reads the rest (`Progress::with_partials`).
    Partial(Arc<Catalog>),
    /// The folder is watched (or why it cannot be). Setting up a watch walks the whole tree,
    /// a quarter of a second at 100,000 files, so it is done on a thread of its own.
    Watching(Box<Result<crate::watch::Watch, String>>),
    /// Something changed on disk (one event per burst; see `watch`).
    Changed(crate::watch::Change),
    /// The catalog read again after a change, on a thread of its own.
    Reloaded(Box<Result<Arc<Catalog>, LoadError>>),
    /// The index could not be written after a load (a read-only or full cache folder).
    IndexNotWritten(String),
    /// The catalog shown was read from the index before the folder was looked at, and files
    /// have changed since: read them.
    Stale,
}

/// Lets the main thread park the key reader while another program owns the terminal.
#[derive(Default)]
struct Pause {
    state: Mutex<Parking>,
    changed: Condvar,
}

#[derive(Default)]
struct Parking {
    /// The main thread wants the reader parked.
    asked: bool,
    /// The reader is parked (it reads no key until `asked` is false again).
    parked: bool,
}

impl Pause {
    fn lock(&self) -> std::sync::MutexGuard<'_, Parking> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Park the reader and wait until it is parked (so it cannot steal the editor's keys).
    fn pause(&self) {
        self.lock().asked = true;
        // Wake the reader from its blocking read: the terminal library reports SIGWINCH as a resize.
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGWINCH);
        let _ = self
            .changed
            .wait_timeout_while(self.lock(), Duration::from_secs(2), |p| !p.parked)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
    }

    fn resume(&self) {
        self.lock().asked = false;
        self.changed.notify_all();
    }

    /// Called by the reader before each read: blocks while paused.
    fn checkpoint(&self) {
        let mut p = self.lock();
        while p.asked {
            p.parked = true;
            self.changed.notify_all();
            p = self
                .changed
                .wait(p)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        p.parked = false;
    }
}

/// Start a thread of the browser's. Every thread is named (so a stuck one shows by name in
/// `/proc`), and one that cannot start is an error for the caller, never a panic.
fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> anyhow::Result<()> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(f)
        .with_context(|| format!("cannot start the {name} thread"))?;
    Ok(())
}

fn spawn_reader(tx: Sender<Event>, pause: Arc<Pause>) -> anyhow::Result<()> {
    spawn("keys", move || {
        loop {
            pause.checkpoint();
            match term_event::read() {
                Ok(ev) => {
                    if tx.send(Event::Term(ev)).is_err() {
                        return;
                    }
                }
                Err(_) => {
                    let _ = tx.send(Event::TermGone);
                    return;
                }
            }
        }
    })
}

fn spawn_signals(tx: Sender<Event>) -> anyhow::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])
        .context("cannot install signal handlers")?;
    spawn("signals", move || {
        for sig in signals.forever() {
            if sig == SIGINT && editor_has_the_terminal() {
                // Ctrl-C typed in the editor reached the whole foreground group; it is the
                // editor's to act on, not a reason to quit.
                continue;
            }
            let editor = EDITOR.load(Ordering::SeqCst);
            if editor != 0 {
                // Not left behind as an orphan holding the screen: the editor hears the
                // signal too, and gets a moment to end before the terminal is restored.
                stop_editor(editor, sig);
            }
            let _ = tx.send(Event::Signal(sig));
            // The main loop normally exits at once; if it is stuck, do it from here.
            std::thread::sleep(Duration::from_secs(2));
            restore_terminal();
            std::process::exit(128 + sig);
        }
    })?;
    Ok(())
}

/// Pass `sig` on to the editor and wait up to a second for it to end.
fn stop_editor(mut editor: u32, sig: i32) {
    use rustix::process::{Pid, Signal};
    use signal_hook::consts::{SIGHUP, SIGQUIT};
    let signal = match sig {
        SIGHUP => Signal::HUP,
        SIGQUIT => Signal::QUIT,
        _ => Signal::TERM,
    };
    let mut sent = false;
    for _ in 0..20 {
        if editor == 0 {
            return;
        }
        if !sent && let Some(pid) = i32::try_from(editor).ok().and_then(Pid::from_raw) {
            let _ = rustix::process::kill_process(pid, signal);
            sent = true;
        }
        std::thread::sleep(Duration::from_millis(50));
        editor = EDITOR.load(Ordering::SeqCst);
    }
}

/// Runs searches off the input thread. A newer request cancels the search under way (the
/// worker checks `latest` between chunks of records), and requests that pile up are skipped:
/// only the newest one is answered.
struct SearchWorker {
    tx: Sender<(SearchRequest, Arc<Catalog>)>,
    latest: Arc<AtomicU64>,
}

impl SearchWorker {
    fn spawn(events: Sender<Event>) -> anyhow::Result<SearchWorker> {
        let (tx, rx) = mpsc::channel::<(SearchRequest, Arc<Catalog>)>();
        let latest = Arc::new(AtomicU64::new(0));
        let newest = Arc::clone(&latest);
        spawn("search", move || {
            let mut typing = Incremental::default();
            let mut searched: Option<Arc<Catalog>> = None;
            while let Ok(mut job) = rx.recv() {
                while let Ok(newer) = rx.try_recv() {
                    job = newer;
                }
                let (req, catalog) = job;
                if !searched.as_ref().is_some_and(|c| Arc::ptr_eq(c, &catalog)) {
                    typing.reset();
                    searched = Some(Arc::clone(&catalog));
                }
                let generation = req.generation;
                let cancelled = || newest.load(Ordering::Relaxed) != generation;
                let Some(results) = req.run(&mut typing, &catalog, &cancelled) else {
                    continue;
                };
                if events.send(Event::Searched(results)).is_err() {
                    return;
                }
            }
        })?;
        Ok(SearchWorker { tx, latest })
    }

    fn send(&self, req: SearchRequest, catalog: &Arc<Catalog>) {
        self.latest.store(req.generation, Ordering::Relaxed);
        let _ = self.tx.send((req, Arc::clone(catalog)));
    }
}

/// Run the browser until the user quits, with the user's keys, editor and colours. Returns the
/// exit code.
pub fn run(dir: &Path, loader: Loader, config: Config) -> anyhow::Result<i32> {
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        anyhow::bail!(
            "the browser needs a terminal; for scripts use `dossier list`, `search`, `show` or `check`"
        );
    }
    let theme = config.theme_for(&Env::from_process());
    let (tx, rx) = mpsc::channel();
    install_panic_hook();
    spawn_signals(tx.clone())?;
    remember_terminal();
    restore_on_abort();
    enter_terminal().context("cannot set up the terminal")?;
    let _guard = Guard;
    let backend = Sgr::new(BufWriter::with_capacity(1 << 16, io::stdout()));
    let mut terminal = Terminal::new(backend).context("cannot set up the terminal")?;
    let pause = Arc::new(Pause::default());
    spawn_reader(tx.clone(), Arc::clone(&pause))?;
    let searcher = SearchWorker::spawn(tx.clone())?;
    // Watching starts with the first load, so a save during a long load is not missed.
    if config.watch != WatchMode::Off {
        let (tx, dir) = (tx.clone(), dir.to_owned());
        let polling = config.watch == WatchMode::Poll;
        spawn("watch-start", move || {
            let events = tx.clone();
            let watch = crate::watch::follow(&dir, polling, move |change| {
                let _ = events.send(Event::Changed(change));
            });
            let _ = tx.send(Event::Watching(Box::new(watch)));
        })?;
    }

    let keymap = Arc::new(config.keymap);
    let Started {
        catalog,
        early,
        reading,
    } = match load(&mut terminal, &tx, &rx, &keymap, dir, &loader, theme)? {
        Ok(opened) => opened,
        Err(code) => return Ok(code),
    };
    let size = terminal.size()?;
    let state = State::new(&catalog, size.width, size.height).with_keymap(keymap);
    let mut app = Browser {
        catalog,
        dir: dir.to_owned(),
        loader,
        state,
        editor: config.editor,
        searcher,
        pause,
        theme,
        events: tx,
        // The rest of a first load shown in part is a reload under way: a change meanwhile
        // asks for one more after it.
        reload: if reading.is_some() {
            Reload::Running
        } else {
            Reload::Idle
        },
        reading,
        watch: None,
        held: std::collections::VecDeque::new(),
        after_edit: None,
        reload_acts: 0,
        touched: Touched::none(),
    };
    app.tick();
    for ev in early {
        if let Flow::Exit(code) = app.handle(&mut terminal, ev)? {
            return Ok(code);
        }
    }
    app.run(&mut terminal, &rx)
}

/// The catalog loaded (or a part of it), and the events that came while it loaded.
struct Started {
    catalog: Arc<Catalog>,
    early: Vec<Event>,
    /// Where the load stands when `catalog` is the records it has read so far.
    reading: Option<Arc<Progress>>,
}

/// Load a folder (on a loader or reload thread), hand the catalog to the browser, and only then
/// write its index: the list is on screen while the index is written.
fn load_then_index(
    loader: &Loader,
    dir: &Path,
    progress: &Progress,
    tx: &Sender<Event>,
    event: impl FnOnce(Result<Arc<Catalog>, LoadError>) -> Event,
) {
    match loader.load(dir, progress) {
        Ok(crate::index_file::Opened {
            catalog,
            mut report,
            pending,
        }) => {
            let catalog = Arc::new(catalog);
            let _ = tx.send(event(Ok(Arc::clone(&catalog))));
            if let Some(pending) = pending {
                pending.write(&catalog, &mut report);
                if let Some(why) = report.warning {
                    let _ = tx.send(Event::IndexNotWritten(why));
                }
            }
        }
        Err(e) => {
            let _ = tx.send(event(Err(e)));
        }
    }
}

/// Load the catalog on another thread while the screen shows how far it has come, so that a
/// large folder answers at once. Keys typed meanwhile are returned to be applied to the list;
/// the quit key and signals end it (`Err(exit code)`).
fn load(
    terminal: &mut Terminal<Backend>,
    tx: &Sender<Event>,
    rx: &Receiver<Event>,
    keymap: &Keymap,
    dir: &Path,
    loader: &Loader,
    theme: Theme,
) -> anyhow::Result<Result<Started, i32>> {
    let progress = {
        let tx = tx.clone();
        Arc::new(Progress::with_partials(move |c| {
            let _ = tx.send(Event::Partial(Arc::new(c)));
        }))
    };
    // Set when the loader ends, whatever way: one that ends without sending has panicked.
    let done = Arc::new(AtomicBool::new(false));
    {
        let (tx, progress, dir, done, loader) = (
            tx.clone(),
            Arc::clone(&progress),
            dir.to_owned(),
            Arc::clone(&done),
            loader.clone(),
        );
        spawn("load", move || {
            struct Done(Arc<AtomicBool>);
            impl Drop for Done {
                fn drop(&mut self) {
                    self.0.store(true, Ordering::SeqCst);
                }
            }
            let _done = Done(done);
            // The index first, as it is: at 1,000,000 files the walk and the `stat` of every
            // file take seconds, and the list is on screen meanwhile. Then the folder is
            // looked at, and what changed is read (a reload).
            if let Some((catalog, fresh)) = loader.from_index(&dir) {
                let _ = tx.send(Event::Loaded(Box::new(Ok(Arc::new(catalog)))));
                if !loader.is_current(&dir, &fresh) {
                    let _ = tx.send(Event::Stale);
                }
                return;
            }
            load_then_index(&loader, &dir, &progress, &tx, |c| {
                Event::Loaded(Box::new(c))
            });
        })?;
    }
    let mut early = Vec::new();
    loop {
        let (found, read) = (
            progress.found.load(Ordering::Relaxed),
            progress.read.load(Ordering::Relaxed),
        );
        terminal.draw(|frame| ui::render_loading(frame, found, read, theme))?;
        // The only timer in the program: progress is redrawn while loading, never after.
        let ev = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(ev) => ev,
            Err(mpsc::RecvTimeoutError::Timeout) if done.load(Ordering::SeqCst) => {
                // It ended without sending: it panicked, and the panic hook has said why.
                anyhow::bail!(
                    "loading the case files failed; this is a bug: please report it with the message above"
                );
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(Err(1)),
        };
        match ev {
            Event::Loaded(result) => {
                let catalog = (*result).context("cannot open case files")?;
                return Ok(Ok(Started {
                    catalog,
                    early,
                    reading: None,
                }));
            }
            // At 100,000 files a first load takes many seconds: the list is shown and usable
            // from the first part read, and fills in (`Browser::partial`).
            Event::Partial(catalog) => {
                return Ok(Ok(Started {
                    catalog,
                    early,
                    reading: Some(progress),
                }));
            }
            Event::Signal(sig) => return Ok(Err(128 + sig)),
            Event::TermGone => return Ok(Err(1)),
            // Typed keys go to the search box, which is where the browser opens; only a
            // chord that quits there (Ctrl-C) ends it now.
            Event::Term(TermEvent::Key(k))
                if k.kind == KeyEventKind::Press
                    && keymap.lookup(Context::Search, k) == Some(Command::Quit) =>
            {
                return Ok(Err(0));
            }
            other => early.push(other),
        }
    }
}

struct Browser {
    catalog: Arc<Catalog>,
    dir: PathBuf,
    loader: Loader,
    state: State,
    /// The config's editor command line, if it names one.
    editor: Option<String>,
    searcher: SearchWorker,
    pause: Arc<Pause>,
    theme: Theme,
    /// For the reload thread to answer on.
    events: Sender<Event>,
    reload: Reload,
    /// While a first load goes on behind a partial list: how far it is.
    reading: Option<Arc<Progress>>,
    /// Kept so the folder stays watched.
    watch: Option<crate::watch::Watch>,
    /// Terminal events held back until the search under way answers (see `holds`).
    held: std::collections::VecDeque<TermEvent>,
    /// What the editor was opened on, said again when the reload that follows it lands, so
    /// the status bar names the record edited rather than only the reload.
    after_edit: Option<String>,
    /// `State::acts` when the reload under way began.
    reload_acts: u64,
    /// The files touched since the last reload began, for the next one to read.
    touched: Touched,
}

/// Where a reload stands. One runs at a time; changes that arrive meanwhile ask for one more,
/// so the last change is always read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reload {
    Idle,
    Running,
    RunningThenAgain,
}

enum Flow {
    Continue,
    Exit(i32),
}

impl Browser {
    fn run(
        &mut self,
        terminal: &mut Terminal<Backend>,
        rx: &Receiver<Event>,
    ) -> anyhow::Result<i32> {
        self.draw(terminal)?;
        loop {
            // Idle means idle: no timer, but while a first load goes on behind a partial list,
            // whose progress is redrawn a few times a second.
            let first = match &self.reading {
                None => rx.recv().ok(),
                Some(_) => match rx.recv_timeout(Duration::from_millis(250)) {
                    Ok(ev) => Some(ev),
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        self.tick();
                        self.draw(terminal)?;
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => None,
                },
            };
            let Some(first) = first else { return Ok(0) };
            // Take everything that is already waiting before drawing once: a burst of keys (a
            // paste, a fast typist on a slow link) costs one frame, not one per key.
            let mut events = vec![first];
            events.extend(rx.try_iter());
            for ev in events {
                match self.handle(terminal, ev)? {
                    Flow::Continue => {}
                    Flow::Exit(code) => return Ok(code),
                }
            }
            self.draw(terminal)?;
        }
    }

    fn draw(&self, terminal: &mut Terminal<Backend>) -> anyhow::Result<()> {
        let screen = ui::Screen {
            state: &self.state,
            catalog: &self.catalog,
            theme: self.theme,
        };
        terminal.draw(|frame| ui::render(frame, &screen))?;
        Ok(())
    }

    fn handle(&mut self, terminal: &mut Terminal<Backend>, ev: Event) -> anyhow::Result<Flow> {
        let action = match ev {
            Event::Term(t) => {
                // Fault injection for the test that a panic restores the terminal; debug builds only.
                #[cfg(debug_assertions)]
                if std::env::var_os("DOSSIER_TEST_PANIC").is_some()
                    && matches!(t, TermEvent::Key(_))
                {
                    panic!("DOSSIER_TEST_PANIC is set: panicking on purpose");
                }
                if let Some((esc, key)) = self.split_alt(&t) {
                    if let exit @ Flow::Exit(_) = self.handle(terminal, esc)? {
                        return Ok(exit);
                    }
                    return self.handle(terminal, key);
                }
                if self.holds(&t) {
                    self.held.push_back(t);
                    return Ok(Flow::Continue);
                }
                self.translate(t)
            }
            Event::Searched(results) => {
                let flow = self.dispatch(terminal, Action::SearchDone(results))?;
                return match flow {
                    Flow::Continue => self.replay_held(terminal),
                    exit @ Flow::Exit(_) => Ok(exit),
                };
            }
            Event::Signal(sig) => return Ok(Flow::Exit(128 + sig)),
            Event::TermGone => return Ok(Flow::Exit(1)),
            // The last of a first load shown in part (else taken by `load` before this loop).
            Event::Loaded(result) => {
                self.reading = None;
                if result.is_err() {
                    app::update(&mut self.state, &self.catalog, Action::Reading(None));
                }
                self.reloaded(*result)
            }
            Event::Partial(catalog) => {
                self.partial(catalog);
                None
            }
            Event::Watching(watch) => match *watch {
                Ok(w) => {
                    let note = w.note();
                    self.watch = Some(w);
                    note.map(Action::Message)
                }
                Err(why) => Some(Action::Message(format!(
                    "{why}; changes show after `e` or a restart"
                ))),
            },
            Event::Changed(change) => self.changed(change),
            Event::Reloaded(result) => self.reloaded(*result),
            // Said once, in the status bar: the browser goes on without an index.
            Event::IndexNotWritten(why) => Some(Action::Message(why)),
            Event::Stale => {
                self.start_reload(Touched::All);
                None
            }
        };
        let Some(action) = action else {
            return Ok(Flow::Continue);
        };
        self.dispatch(terminal, action)
    }

    /// An Alt chord that is no command, taken apart into the Esc and the key it was: a terminal
    /// sends Alt-s as ESC then `s`, so Esc then `s` typed quickly (or sent over a slow link in
    /// one packet) arrives as Alt-s, and the letter would be lost. Only where that Esc leads to
    /// the search box, where the letters after it are text: elsewhere (closing a box over the
    /// detail pane, where letters are commands) stray bytes that look like Alt chords must not
    /// turn into commands.
    fn split_alt(&self, t: &TermEvent) -> Option<(Event, Event)> {
        let TermEvent::Key(k) = t else { return None };
        let KeyCode::Char(_) = k.code else {
            return None;
        };
        let context = self.state.context();
        let esc = crossterm::event::KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        let to_search = matches!(
            (context, self.state.keymap.lookup(context, esc)),
            (Context::Search, Some(Command::Clear)) | (Context::Detail, Some(Command::FocusList))
        );
        if !to_search
            || !k.modifiers.contains(KeyModifiers::ALT)
            || k.modifiers.contains(KeyModifiers::CONTROL)
            || self.state.keymap.lookup(context, *k).is_some()
        {
            return None;
        }
        let mut plain = *k;
        plain.modifiers.remove(KeyModifiers::ALT);
        Some((
            Event::Term(TermEvent::Key(esc)),
            Event::Term(TermEvent::Key(plain)),
        ))
    }

    /// Whether a key must wait for the search under way. Typed fast (or pasted, or sent over a
    /// slow link), `kolthoum Enter Enter e` would otherwise open the record that was first
    /// before the search answered, not the one it puts first. So a key that acts on the results
    /// waits for them, and every key after it waits too, to keep their order (and their meaning:
    /// they are read in the context the earlier keys lead to). Typing into the query never
    /// waits, and neither does quitting.
    fn holds(&self, t: &TermEvent) -> bool {
        if !matches!(
            t,
            TermEvent::Key(_) | TermEvent::Paste(_) | TermEvent::Mouse(_)
        ) {
            return false;
        }
        !self.held.is_empty() || self.must_wait(self.translate(t.clone()).as_ref())
    }

    /// A search is under way and the action depends on its results.
    fn must_wait(&self, action: Option<&Action>) -> bool {
        self.state.search_pending()
            && matches!(action, Some(Action::Command(c)) if app::waits_for_results(*c))
    }

    /// Apply the held keys in order once the results are in, stopping again at the next key that
    /// must wait for a newer search.
    fn replay_held(&mut self, terminal: &mut Terminal<Backend>) -> anyhow::Result<Flow> {
        while let Some(t) = self.held.pop_front() {
            let action = self.translate(t.clone());
            if self.must_wait(action.as_ref()) {
                self.held.push_front(t);
                break;
            }
            if let Some(action) = action
                && let exit @ Flow::Exit(_) = self.dispatch(terminal, action)?
            {
                return Ok(exit);
            }
        }
        Ok(Flow::Continue)
    }

    /// Apply an action and carry out what it asks for, following up on the actions that
    /// effects produce.
    fn dispatch(
        &mut self,
        terminal: &mut Terminal<Backend>,
        action: Action,
    ) -> anyhow::Result<Flow> {
        let mut next = Some(action);
        while let Some(action) = next.take() {
            let Some(effect) = app::update(&mut self.state, &self.catalog, action) else {
                break;
            };
            next = match effect {
                Effect::Quit => return Ok(Flow::Exit(0)),
                Effect::Redraw => {
                    full_redraw(terminal)?;
                    None
                }
                Effect::Search(req) => {
                    self.searcher.send(req, &self.catalog);
                    None
                }
                Effect::Suspend => {
                    self.suspend(terminal)?;
                    None
                }
                Effect::View(req) => Some(open_viewer(&self.dir, &req, None)),
                Effect::Copy { text, what } => Some(copy(terminal, &text, &what)),
                Effect::Edit(req) => self.edit(terminal, &req)?,
                Effect::NewRecord { kind, name } => self.new_record(terminal, kind, &name)?,
            };
        }
        Ok(Flow::Continue)
    }

    fn translate(&self, ev: TermEvent) -> Option<Action> {
        match ev {
            TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                if let Some(cmd) = self.state.keymap.lookup(self.state.context(), key) {
                    return Some(Action::Command(cmd));
                }
                // A character that is no command is text: `update` puts it in the search box
                // (or says why not, in the detail pane).
                match key.code {
                    KeyCode::Char(c)
                        if !key
                            .modifiers
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                    {
                        Some(Action::Insert(c))
                    }
                    _ => None,
                }
            }
            TermEvent::Paste(text) => Some(Action::Paste(text)),
            TermEvent::Resize(w, h) => Some(Action::Resize(w, h)),
            TermEvent::Mouse(m) => match m.kind {
                MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                    column: m.column,
                    row: m.row,
                }),
                MouseEventKind::ScrollDown => Some(Action::Scroll {
                    column: m.column,
                    row: m.row,
                    down: true,
                }),
                MouseEventKind::ScrollUp => Some(Action::Scroll {
                    column: m.column,
                    row: m.row,
                    down: false,
                }),
                _ => None,
            },
            _ => None,
        }
    }

    /// Hand the terminal to another program (the editor, the shell on Ctrl-Z) and take it back.
    fn hand_over<T>(
        &mut self,
        terminal: &mut Terminal<Backend>,
        f: impl FnOnce() -> T,
    ) -> anyhow::Result<T> {
        self.pause.pause();
        restore_terminal();
        let result = f();
        enter_terminal().context("cannot take the terminal back")?;
        self.pause.resume();
        full_redraw(terminal)?;
        Ok(result)
    }

    fn suspend(&mut self, terminal: &mut Terminal<Backend>) -> anyhow::Result<()> {
        self.hand_over(terminal, || {
            // Stops the process like Ctrl-Z in a shell; `fg` continues right here.
            let _ = signal_hook::low_level::raise(signal_hook::consts::SIGTSTP);
        })?;
        let size = terminal.size()?;
        self.state.width = size.width;
        self.state.height = size.height;
        Ok(())
    }

    /// Open the editor at the line; come back to the same record, reloaded from disk. Where no
    /// editor can start, show the built-in viewer instead.
    fn edit(
        &mut self,
        terminal: &mut Terminal<Backend>,
        req: &ViewRequest,
    ) -> anyhow::Result<Option<Action>> {
        let editor = match crate::editor::resolve(self.editor.as_deref()) {
            Ok(e) => e,
            Err(why) => return Ok(Some(open_viewer(&self.dir, req, Some(why)))),
        };
        let path = req.path.clone();
        let line = req.line;
        EDITOR.store(EDITOR_STARTING, Ordering::SeqCst);
        let status = self.hand_over(terminal, || {
            crate::editor::run(&editor, &path, line, |pid| {
                if pid == 0 {
                    // When it ended first, then that it runs no more: a Ctrl-C that ended it is
                    // read by the signal thread at about this moment, and must find one or the
                    // other (it found neither, now and then, and quit).
                    EDITOR_ENDED.store(millis().max(1), Ordering::SeqCst);
                }
                EDITOR.store(pid, Ordering::SeqCst);
            })
        });
        EDITOR_ENDED.store(millis().max(1), Ordering::SeqCst);
        EDITOR.store(0, Ordering::SeqCst);
        let status = status?;
        let size = terminal.size()?;
        let name = crate::text::shown(&editor[0]).into_owned();
        let mut note = Some(format!("back from `{name}`: {}", req.about));
        match status {
            Err(e) => {
                let why = if e.kind() == io::ErrorKind::NotFound {
                    format!(
                        "editor `{}` not found; showing the built-in viewer",
                        editor[0]
                    )
                } else {
                    format!(
                        "editor `{}` could not start ({e}); showing the built-in viewer",
                        editor[0]
                    )
                };
                return Ok(Some(open_viewer(&self.dir, req, Some(why))));
            }
            Ok(s) if !s.success() => {
                note = Some(format!(
                    "editor `{name}` exited with {s}; it had {}",
                    req.about
                ));
            }
            Ok(_) => {}
        }
        app::update(
            &mut self.state,
            &self.catalog,
            Action::Resize(size.width, size.height),
        );
        // Read the file again even where the watcher could not start: the edit shows at once.
        // Where it runs, it tells of any other file the editor wrote; where it does not, the
        // whole folder is read.
        let touched = match (&self.watch, req.path.strip_prefix(self.catalog.root())) {
            (Some(w), Ok(rel)) if !w.is_polling() => rel
                .to_str()
                .map_or(Touched::All, |rel| Touched::Files([rel.to_owned()].into())),
            _ => Touched::All,
        };
        self.start_reload(touched);
        self.after_edit.clone_from(&note);
        Ok(note.map(Action::Message))
    }

    /// Write a new record from its template (as `dossier new` does), then edit it; the reload
    /// after the editor shows it.
    fn new_record(
        &mut self,
        terminal: &mut Terminal<Backend>,
        kind: crate::model::Kind,
        name: &str,
    ) -> anyhow::Result<Option<Action>> {
        let taken = |id: &str| {
            self.catalog
                .by_id(id)
                .map(|r| r.path.to_string())
                .or_else(|| {
                    let rel = format!("{}/{id}.yaml", kind.folder());
                    self.dir.join(&rel).exists().then_some(rel)
                })
        };
        let written = crate::create::draft(kind, name, None, &taken)
            .and_then(|d| crate::create::write(&self.dir, &d).map(|path| (d, path)));
        let (draft, path) = match written {
            Ok(done) => done,
            Err(crate::create::NewError::Exists { id, path, free }) => {
                return Ok(Some(Action::Message(format!(
                    "a record with id `{id}` exists ({}); for another, name it so that its id is {free}, or use `dossier new --id {free}`",
                    crate::text::shown(&path)
                ))));
            }
            Err(e) => return Ok(Some(Action::Message(format!("not created: {e}")))),
        };
        let about = format!(
            "new {kind} \u{201c}{}\u{201d} at {}:{}",
            crate::text::shown(name),
            crate::text::shown(&draft.rel),
            draft.line
        );
        app::update(
            &mut self.state,
            &self.catalog,
            Action::Created {
                id: std::sync::Arc::from(draft.id.as_str()),
                about: about.clone(),
            },
        );
        let req = ViewRequest {
            path: std::path::absolute(&path).unwrap_or(path),
            line: draft.line,
            highlight: (draft.line, draft.line),
            about,
        };
        self.edit(terminal, &req)
    }

    /// Read the files `touched` again on a thread of its own; the list stays usable meanwhile.
    /// A save of a few records is patched into the catalog shown (`Loader::patch`, a few
    /// milliseconds); anything else is a load, which at 100,000 records takes seconds.
    fn start_reload(&mut self, touched: Touched) {
        self.touched.add(touched);
        if self.reload != Reload::Idle {
            self.reload = Reload::RunningThenAgain;
            return;
        }
        let touched = std::mem::replace(&mut self.touched, Touched::none());
        let (tx, dir, loader) = (self.events.clone(), self.dir.clone(), self.loader.clone());
        let catalog = Arc::clone(&self.catalog);
        self.reload_acts = self.state.acts;
        let spawned = spawn("reload", move || {
            if let Touched::Files(files) = touched {
                let files: Vec<String> = files.into_iter().collect();
                if let Some(patched) = loader.patch(&catalog, &files) {
                    let _ = tx.send(Event::Reloaded(Box::new(Ok(Arc::new(patched)))));
                    return;
                }
            }
            drop(catalog);
            load_then_index(&loader, &dir, &Progress::default(), &tx, |c| {
                Event::Reloaded(Box::new(c))
            });
        });
        self.reload = match spawned {
            Ok(()) => Reload::Running,
            Err(e) => {
                self.state.message = Some(format!("{e:#}; changes show after a restart"));
                Reload::Idle
            }
        };
    }

    /// What a change on disk asks for: a reload, or a word on why none is coming.
    fn changed(&mut self, change: crate::watch::Change) -> Option<Action> {
        use crate::watch::Change;
        match change {
            Change::Files(touched) => {
                self.start_reload(touched);
                None
            }
            Change::Replaced => {
                self.start_reload(Touched::All);
                Some(Action::Message(
                    "the folder was replaced: reading the new one".into(),
                ))
            }
            Change::Gone => Some(Action::Message(
                "the folder is gone (removed or moved away): showing what was read; it reloads if it comes back"
                    .into(),
            )),
            Change::Stopped(why) => {
                self.watch = None;
                Some(Action::Message(format!(
                    "live reload stopped: {why}; changes show after the editor or a restart"
                )))
            }
        }
    }

    /// How far a first load shown in part has read, if one goes on.
    fn reading(&self) -> Option<app::Reading> {
        self.reading.as_ref().map(|progress| app::Reading {
            read: progress.read.load(Ordering::Relaxed),
            found: progress.found.load(Ordering::Relaxed),
        })
    }

    /// Say how far a first load shown in part has read.
    fn tick(&mut self) {
        if let Some(reading) = self.reading() {
            app::update(
                &mut self.state,
                &self.catalog,
                Action::Reading(Some(reading)),
            );
        }
    }

    /// Swap in a longer list of the records a first load has read so far.
    fn partial(&mut self, catalog: Arc<Catalog>) {
        let Some(reading) = self.reading() else {
            return;
        };
        let old = std::mem::replace(&mut self.catalog, catalog);
        let action = Action::Partial {
            previous: Arc::clone(&old),
            reading,
        };
        if let Some(Effect::Search(req)) = app::update(&mut self.state, &self.catalog, action) {
            self.searcher.send(req, &self.catalog);
        }
        free_later(old);
    }

    /// Swap the new catalog in; the state keeps its place by id.
    fn reloaded(&mut self, result: Result<Arc<Catalog>, LoadError>) -> Option<Action> {
        let acts_at_start = self.reload_acts;
        let again = self.reload == Reload::RunningThenAgain;
        self.reload = Reload::Idle;
        if again {
            // What was read may be out of date already: read once more. It is still swapped in,
            // so files that never stop changing still show.
            self.start_reload(Touched::none());
        }
        match result {
            Ok(c) => {
                let old = std::mem::replace(&mut self.catalog, c);
                if let Some(Effect::Search(req)) = app::update(
                    &mut self.state,
                    &self.catalog,
                    Action::Reloaded {
                        previous: Arc::clone(&old),
                        // The editor's note goes with the last reload of a chain, the one the
                        // status bar keeps showing.
                        after: if again {
                            self.after_edit.clone()
                        } else {
                            self.after_edit.take()
                        },
                        acts_at_start,
                    },
                ) {
                    self.searcher.send(req, &self.catalog);
                }
                free_later(old);
                None
            }
            Err(e) => Some(Action::Message(format!(
                "reload failed: {e}; showing what was read before"
            ))),
        }
    }
}

/// Let a catalog replaced go on a thread of its own: freeing the ids and links of a million
/// records takes a quarter of a second the screen need not wait for.
fn free_later(old: Arc<Catalog>) {
    let _ = std::thread::Builder::new()
        .name("free".into())
        .spawn(move || drop(old));
}

/// Put `text` on the clipboard of the terminal the user sits at, over SSH and tmux too: an OSC 52
/// sequence carries it base64-encoded, so nothing in it can act on the terminal. The message
/// says what really happened, as far as it can be known: inside tmux, tmux is asked whether it
/// passes an application's copy on (its default, `external`, drops it); elsewhere a terminal
/// that refuses OSC 52 does so silently, so the message says how to tell.
fn copy(terminal: &mut Terminal<Backend>, text: &str, what: &str) -> Action {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let backend = terminal.backend_mut();
    let sent = write!(backend, "\x1b]52;c;{encoded}\x07").and_then(|()| backend.flush());
    let n = text.chars().count();
    Action::Message(match sent {
        Err(e) => format!("could not copy {what}: {e}"),
        Ok(()) if std::env::var_os("TMUX").is_some() => match tmux_clipboard() {
            Some(setting) if setting == "on" => {
                format!("copied {what} ({n} characters) through tmux")
            }
            Some(setting) => format!(
                "NOT copied: tmux needs `set -g set-clipboard on` (now `{setting}`) to pass on {what}"
            ),
            None => format!(
                "copied {what} ({n} characters) to tmux, which passes it on only with `set -g set-clipboard on`"
            ),
        },
        Ok(()) => format!(
            "copied {what} ({n} characters); if the clipboard did not change, the terminal refuses OSC 52"
        ),
    })
}

/// tmux's `set-clipboard` setting, from the tmux this program runs in; `None` if it cannot be
/// asked. Only this option decides whether an application's OSC 52 reaches the clipboard.
fn tmux_clipboard() -> Option<String> {
    let out = std::process::Command::new("tmux")
        .args(["show-options", "-s", "-v", "set-clipboard"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let value = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !value.is_empty()).then_some(value)
}

/// Clear the screen and forget what was drawn, so the next frame is drawn whole.
/// (`Terminal::clear` would ask the terminal for the cursor position, and the answer would be
/// read by the key thread, not by the caller; resizing to the same size clears without asking.)
fn full_redraw(terminal: &mut Terminal<Backend>) -> anyhow::Result<()> {
    let size = terminal.size()?;
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
    Ok(())
}

/// The largest file the viewer reads; beyond it, the start of the file is shown.
const VIEWER_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Read a file for the viewer, scrolled so the line is in view with a little context above.
/// By the loader's rules: opened once, no link out of the folder followed, never blocking on a
/// pipe, a regular file only, at most `VIEWER_MAX_BYTES` read.
fn open_viewer(root: &Path, req: &ViewRequest, note: Option<String>) -> Action {
    let mut bytes = match crate::load::read_bounded(root, &req.path, VIEWER_MAX_BYTES) {
        Ok(bytes) => bytes,
        Err(e) => {
            let shown = crate::text::shown(&req.path.display().to_string()).into_owned();
            return Action::Message(format!("cannot read {shown}: {e}"));
        }
    };
    let cut = bytes.len() as u64 > VIEWER_MAX_BYTES;
    bytes.truncate(usize::try_from(VIEWER_MAX_BYTES).unwrap_or(usize::MAX));
    let note = note.or_else(|| {
        cut.then(|| {
            format!(
                "the file is over {} MB: its start is shown",
                VIEWER_MAX_BYTES >> 20
            )
        })
    });
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<String> = text.lines().map(crate::text::clean).collect();
    let top = (req.line as usize).saturating_sub(3);
    let viewer = Viewer {
        path: req.path.clone(),
        lines,
        top,
        highlight: req.highlight,
    };
    Action::ViewerReady {
        viewer,
        about: req.about.clone(),
        note,
    }
}
