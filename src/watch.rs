//! Live reload: tell the browser when the case files change on disk (an editor's save, a
//! `git pull`), once per burst of changes, and keep following the folder by the name the user
//! gave when the folder itself is replaced.
//!
//! File events come from the operating system (inotify, kqueue, `FSEvents`) through `notify`,
//! and a burst of them becomes one call after the files have been quiet for `QUIET`, or at
//! most `MAX_WAIT` after the first: a `git pull` touching 500 files is one reload, and a file
//! written without pause (a log) cannot put reloads off for ever. Events that cannot change the
//! catalog are dropped before they count: reads, and writes into files that are not YAML (a
//! source's local document is looked at only for whether it exists).
//!
//! A watch follows a folder, not a name; so after each burst the name is looked up again. If it
//! leads to another folder now (`rm -rf DIR && cp -r ... DIR`, `mv cf.new cf`, a symbolic link
//! retargeted as deploys do with `ln -sfn release2 tmp && mv -T tmp current`), the new folder is
//! watched instead and the browser told ([`Change::Replaced`]). The folder's parent is watched
//! too, but only while it is needed: while the name is a symbolic link (retargeting it changes
//! nothing inside the folder) or leads nowhere (to see the folder come back).
//!
//! Where file events cannot be had (the inotify watch limit reached, some network file
//! systems), the folder is polled instead, and the browser says so. A poll walks the folder
//! without reading any file, and the walks space out while nothing changes (see
//! [`next_poll`]), so a large tree does not cost a core.
//!
//! The debouncing is ours, a dozen lines, because neither of notify's debouncers fits:
//! `notify-debouncer-mini` drops the kind of each event, so the reads of a reload (inotify
//! reports opens) would start the next reload, for ever; `notify-debouncer-full` wakes on a
//! timer even when nothing happens. Here every thread blocks until the kernel reports
//! something: with file events, idle stays idle.

use std::collections::{BTreeSet, HashSet};
use std::hash::{Hash, Hasher};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, Weak, mpsc};
use std::time::{Duration, Instant};

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

/// How long the files must be quiet before a reload: long enough to take a `git pull` or an
/// editor's write-rename-delete as one change, short enough to feel immediate.
pub const QUIET: Duration = Duration::from_millis(100);

/// The longest a burst of changes can put a reload off: files that never stop changing still
/// show, once a second.
pub const MAX_WAIT: Duration = Duration::from_secs(1);

/// How soon the folder is walked again, where file events are not available, after a change.
pub const POLL_EVERY: Duration = Duration::from_secs(2);

/// The longest wait between two walks, however long nothing has changed.
pub const POLL_AT_MOST: Duration = Duration::from_secs(30);

/// A walk may take at most one part in this many of the time: a tree that takes 0.5 s to walk
/// is walked every 10 s at the most, whatever `POLL_EVERY` says.
const POLL_SHARE: u32 = 20;

/// What the browser is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Files changed: read them again.
    Files(Touched),
    /// The folder's name leads to another folder now (the folder was replaced, or a symbolic
    /// link retargeted); that one is watched from now on. Read the folder again.
    Replaced,
    /// The folder's name leads nowhere now (removed, or moved away); it is watched for the
    /// folder's return. Reading it fails: keep what is shown.
    Gone,
    /// Live reload has stopped, and why: changes show only after `e` or a restart.
    Stopped(String),
}

/// Which files a burst of events touched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Touched {
    /// These, relative to the folder, with `/` between names.
    Files(BTreeSet<String>),
    /// Any of them: events were lost or could not be read, the folder itself changed, or it
    /// was polled.
    All,
}

impl Touched {
    pub fn none() -> Touched {
        Touched::Files(BTreeSet::new())
    }

    /// What this and `more` touched.
    pub fn add(&mut self, more: Touched) {
        match (&mut *self, more) {
            (Touched::Files(have), Touched::Files(more)) => have.extend(more),
            (_, Touched::All) | (Touched::All, _) => *self = Touched::All,
        }
    }
}

/// Keeps the folder watched; dropping it stops watching (and ends the watch's threads).
pub struct Watch {
    /// With file events: the watcher, held here only, so that dropping the `Watch` drops it (and
    /// with it the channel the debounce thread waits on).
    _events: Option<Arc<Mutex<RecommendedWatcher>>>,
    /// With polling: dropping it wakes the polling thread, which then ends.
    stop_polling: Option<mpsc::Sender<()>>,
}

impl Watch {
    /// What to tell the user about how changes are noticed, if anything is unusual.
    pub fn note(&self) -> Option<String> {
        self.is_polling().then(|| {
            format!(
                "file events are not available here; checking for changes every {} s, less often while nothing changes",
                POLL_EVERY.as_secs()
            )
        })
    }

    pub fn is_polling(&self) -> bool {
        self.stop_polling.is_some()
    }
}

/// Watch `root` and tell `on` after each burst of changes that could alter the catalog, and
/// when the folder is replaced, gone or no longer watched, which it was. `polling` asks for
/// polling even where file events are available (for network file systems whose events are
/// not to be trusted). Errors say why neither file events nor polling could start; the browser
/// then works without live reload.
pub fn follow(
    root: &Path,
    polling: bool,
    on: impl Fn(Change) + Send + 'static,
) -> Result<Watch, String> {
    let named = named(root).map_err(|e| format!("cannot watch the folder for changes ({e})"))?;
    let events = if polling {
        Err("polling asked for".to_owned())
    } else {
        Follower::start(&named)
    };
    let spawned = match events {
        Ok((follower, rx, watcher)) => std::thread::Builder::new()
            .name("watch".into())
            .spawn(move || {
                let mut follower = follower;
                debounce(&rx, |burst| {
                    if let Some(change) = follower.settle(burst) {
                        on(change);
                    }
                });
            })
            .map(|_| Watch {
                _events: Some(watcher),
                stop_polling: None,
            }),
        Err(why) => {
            let (stop, stopped) = mpsc::channel();
            let first = look(&named).ok_or_else(|| {
                format!("cannot watch the folder for changes ({why}; no such folder)")
            })?;
            std::thread::Builder::new()
                .name("watch-poll".into())
                .spawn(move || poll(&named, first, &stopped, on))
                .map(|_| Watch {
                    _events: None,
                    stop_polling: Some(stop),
                })
        }
    };
    spawned.map_err(|e| format!("cannot watch the folder for changes ({e})"))
}

/// The folder as the user named it: absolute, but with its links unresolved, since following
/// the name is the point.
fn named(root: &Path) -> std::io::Result<PathBuf> {
    let named = std::path::absolute(root)?;
    if named.file_name().is_some() {
        Ok(named)
    } else {
        // `..` or `/`: no name to follow in a parent.
        root.canonicalize()
    }
}

/// What a name leads to: the folder's canonical path and identity; `None` when it leads to no
/// folder.
/// The birth time tells a new folder from an old one whose inode number it reuses (file systems
/// hand out a freed number again at once), where the system records it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    canonical: PathBuf,
    dev: u64,
    ino: u64,
    born: Option<std::time::SystemTime>,
}

fn look(named: &Path) -> Option<Seen> {
    let canonical = named.canonicalize().ok()?;
    let meta = std::fs::metadata(&canonical).ok()?;
    meta.is_dir().then(|| Seen {
        canonical,
        dev: meta.dev(),
        ino: meta.ino(),
        born: meta.created().ok(),
    })
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Follows the folder by its name with file events: which folder is watched now, and whether
/// the parent is watched too.
struct Follower {
    /// Only the `Watch` holds the watcher; once it is dropped there is nothing to follow.
    watcher: Weak<Mutex<RecommendedWatcher>>,
    named: PathBuf,
    /// The folder watched now; `None` while the name leads nowhere.
    seen: Option<Seen>,
    parent_watched: bool,
    /// The folder watched now, for the event handler to judge paths by.
    current: Arc<Mutex<Option<PathBuf>>>,
    /// Set by the event handler when the folder watched was itself removed or moved: its watch
    /// is gone (or follows it elsewhere), even if the name leads to a folder that looks the same.
    lost: Arc<std::sync::atomic::AtomicBool>,
}

type Started = (
    Follower,
    mpsc::Receiver<Noted>,
    Arc<Mutex<RecommendedWatcher>>,
);

impl Follower {
    /// Watch the folder `named` leads to. The handler only filters and forwards (it runs on
    /// notify's thread, which must never wait for the watcher); the rest is `settle`'s, on the
    /// debounce thread.
    fn start(named: &Path) -> Result<Started, String> {
        let seen = look(named).ok_or("no such folder")?;
        let current = Arc::new(Mutex::new(Some(seen.canonical.clone())));
        let lost = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (tx, rx) = mpsc::channel::<Noted>();
        let handler = {
            let (current, lost) = (Arc::clone(&current), Arc::clone(&lost));
            let named = named.to_owned();
            move |event: notify::Result<notify::Event>| {
                let root = current.lock().ok().and_then(|r| r.clone());
                if let (Some(root), Ok(e)) = (&root, &event)
                    && matches!(
                        e.kind,
                        EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(_))
                    )
                    && e.paths.iter().any(|p| p == root)
                {
                    lost.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                if let Some(touched) = wanted(root.as_deref(), &named, &event) {
                    let made = root
                        .as_deref()
                        .zip(event.as_ref().ok())
                        .map(|(root, e)| made(root, e))
                        .unwrap_or_default();
                    let _ = tx.send(Noted { touched, made });
                }
            }
        };
        // Symbolic links are not followed: the loader does not read through them either, and a
        // link to `/` must not make the watcher walk the whole disk.
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut watcher = RecommendedWatcher::new(handler, config).map_err(|e| e.to_string())?;
        watcher
            .watch(&seen.canonical, RecursiveMode::Recursive)
            .map_err(|e| e.to_string())?;
        let watcher = Arc::new(Mutex::new(watcher));
        let mut follower = Follower {
            watcher: Arc::downgrade(&watcher),
            named: named.to_owned(),
            seen: Some(seen),
            parent_watched: false,
            current,
            lost,
        };
        if let Ok(mut w) = watcher.lock() {
            follower.watch_parent(&mut w);
        }
        Ok((follower, rx, watcher))
    }

    /// After a burst of events: look the name up again, and if it leads to another folder now
    /// (or none), watch that one instead. `None` once the `Watch` is gone.
    fn settle(&mut self, burst: Burst) -> Option<Change> {
        let now = look(&self.named);
        let lost = self.lost.swap(false, std::sync::atomic::Ordering::Relaxed);
        if now == self.seen && !lost {
            return Some(Change::Files(match &now {
                Some(seen) => burst.settled(&seen.canonical),
                None => burst.touched,
            }));
        }
        let watcher = self.watcher.upgrade()?;
        let mut w = watcher.lock().ok()?;
        if let Some(old) = &self.seen {
            // Already gone if the folder was removed; what matters is that it is not watched.
            let _ = w.unwatch(&old.canonical);
        }
        if let Ok(mut current) = self.current.lock() {
            *current = now.as_ref().map(|s| s.canonical.clone());
        }
        let mut change = match &now {
            Some(seen) => match w.watch(&seen.canonical, RecursiveMode::Recursive) {
                Ok(()) => Change::Replaced,
                Err(e) => Change::Stopped(format!(
                    "live reload stopped: the folder was replaced and the new one cannot be watched ({e})"
                )),
            },
            None => Change::Gone,
        };
        self.seen = now;
        if let Some(why) = self.watch_parent(&mut w) {
            change = Change::Stopped(why);
        }
        Some(change)
    }

    /// Watch the parent while the name is a symbolic link (it can be retargeted with nothing
    /// changing inside the folder) or leads nowhere (to see the folder come back); not
    /// otherwise, since a busy parent (`/tmp`, a home folder) would wake the watcher for
    /// nothing. Says why live reload has stopped if the folder is gone and its return cannot be
    /// watched.
    fn watch_parent(&mut self, w: &mut RecommendedWatcher) -> Option<String> {
        let parent = self.named.parent()?;
        let wanted = self.seen.is_none() || is_symlink(&self.named);
        if wanted == self.parent_watched {
            return None;
        }
        if wanted {
            match w.watch(parent, RecursiveMode::NonRecursive) {
                Ok(()) => self.parent_watched = true,
                Err(e) if self.seen.is_none() => {
                    return Some(format!(
                        "live reload stopped: the folder is gone, and its return cannot be watched ({e})"
                    ));
                }
                // A link that cannot be watched for retargeting: changes inside still show.
                Err(_) => {}
            }
        } else {
            let _ = w.unwatch(parent);
            self.parent_watched = false;
        }
        None
    }
}

/// Whether an event is worth a look: a change inside the folder watched now (`root`) that could
/// change the catalog, a change to the entry of the folder's name in its parent, or a problem
/// with the watch itself.
/// Whether an event may change the catalog, and which files it touched if so.
fn wanted(
    root: Option<&Path>,
    named: &Path,
    event: &notify::Result<notify::Event>,
) -> Option<Touched> {
    let Ok(event) = event else {
        return Some(Touched::All);
    };
    // First: a reload opens the folder itself, and that must not start the next reload.
    if reading(event.kind) {
        return None;
    }
    if event.need_rescan() || event.paths.iter().any(|p| p == named) {
        return Some(Touched::All);
    }
    relevant(root?, event)
}

/// Opening and reading files and folders, and access times: what every reload does itself.
fn reading(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// Wait for a change, then for `QUIET` without one (but no longer than `MAX_WAIT` in all), then
/// call `flush` with what the burst touched. Ends when the watcher is dropped (the channel
/// closes).
fn debounce(rx: &mpsc::Receiver<Noted>, mut flush: impl FnMut(Burst)) {
    while let Ok(first) = rx.recv() {
        let mut burst = Burst::default();
        burst.add(first);
        let deadline = Instant::now() + MAX_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match rx.recv_timeout(QUIET.min(left)) {
                Ok(more) => burst.add(more),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        flush(burst);
    }
}

/// What one event touched, and the files it made (relative to the folder).
struct Noted {
    touched: Touched,
    made: Vec<String>,
}

/// What a burst of events touched, and which of its files it saw made before anything else
/// happened to them.
struct Burst {
    touched: Touched,
    seen: HashSet<String>,
    born: HashSet<String>,
}

impl Default for Burst {
    fn default() -> Burst {
        Burst {
            touched: Touched::none(),
            seen: HashSet::new(),
            born: HashSet::new(),
        }
    }
}

impl Burst {
    fn add(&mut self, noted: Noted) {
        for made in noted.made {
            if !self.seen.contains(&made) {
                self.born.insert(made);
            }
        }
        if let Touched::Files(files) = &noted.touched {
            self.seen.extend(files.iter().cloned());
        }
        self.touched.add(noted.touched);
    }

    /// What the burst touched, less the files it made that are gone again (the temporary file
    /// `sed -i` or an editor writes, then renames over the file it saves): they were not there
    /// before the burst and are not now, so nothing a load reads changed with them, and the
    /// save can still be patched in rather than the whole folder read.
    fn settled(self, root: &Path) -> Touched {
        match self.touched {
            Touched::Files(mut files) => {
                files.retain(|f| {
                    !self.born.contains(f) || std::fs::symlink_metadata(root.join(f)).is_ok()
                });
                Touched::Files(files)
            }
            all @ Touched::All => all,
        }
    }
}

/// The files an event made inside the folder `root`, relative to it.
fn made(root: &Path, event: &notify::Event) -> Vec<String> {
    if !matches!(event.kind, EventKind::Create(_)) {
        return Vec::new();
    }
    event
        .paths
        .iter()
        .filter_map(|p| p.strip_prefix(root).ok()?.to_str().map(str::to_owned))
        .collect()
}

/// What an event inside the folder `root` touched that can change the catalog, relative to
/// `root`; `None` if nothing. Opening and reading files (the loader's own reads among them) and
/// access times cannot change it; nor can writes into files that are not YAML (a log appended
/// to, a source's local document: only whether it exists counts). A folder's permissions can
/// (they decide what is read), and so can any file or folder made, removed or renamed.
fn relevant(root: &Path, event: &notify::Event) -> Option<Touched> {
    if reading(event.kind) {
        return None;
    }
    let mut files = BTreeSet::new();
    for p in event
        .paths
        .iter()
        .filter(|p| path_counts(root, event.kind, p))
    {
        match p.strip_prefix(root).ok().and_then(Path::to_str) {
            Some(rel) if !rel.is_empty() => {
                files.insert(rel.to_owned());
            }
            _ => return Some(Touched::All),
        }
    }
    (!files.is_empty()).then_some(Touched::Files(files))
}

/// Whether an event of `kind` at `path` can change the catalog (see `relevant`).
fn path_counts(root: &Path, kind: EventKind, p: &Path) -> bool {
    p.starts_with(root)
        && matters(root, p)
        && (is_yaml(p)
            || match kind {
                EventKind::Modify(ModifyKind::Data(_)) => false,
                EventKind::Modify(ModifyKind::Metadata(_)) => p.is_dir(),
                _ => true,
            })
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Whether a change at `path` can change what the browser shows. Hidden files and folders
/// (`.git`, an editor's `.swp`) and backup files are skipped, as the loader skips them; any
/// other file may be a record or a document a source cites.
pub fn matters(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let hidden = rel.components().any(|c| match c {
        Component::Normal(name) => name.to_string_lossy().starts_with('.'),
        _ => false,
    });
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // `4913` is the file vim creates to test that it may write in a folder.
    let scratch = name.ends_with('~') || name == "4913";
    !hidden && !scratch
}

/// Poll the folder `named` leads to until `stop` is dropped: walk it, and tell `on` when what
/// the walk saw differs from the last walk.
fn poll(named: &Path, first: Seen, stop: &mpsc::Receiver<()>, on: impl Fn(Change)) {
    let mut seen = Some(first);
    let (mut print, mut cost) = fingerprint(named);
    let mut every = POLL_EVERY;
    loop {
        match stop.recv_timeout(next_poll(every, cost)) {
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            _ => return,
        }
        let now = look(named);
        let walked = fingerprint(named);
        cost = walked.1;
        let change = if now != seen {
            if now.is_some() {
                Change::Replaced
            } else {
                Change::Gone
            }
        } else if walked.0 != print {
            Change::Files(Touched::All)
        } else {
            every = (every * 2).min(POLL_AT_MOST);
            continue;
        };
        (seen, print, every) = (now, walked.0, POLL_EVERY);
        on(change);
    }
}

/// How long to wait before the next walk: `every` (which doubles while nothing changes, up to
/// `POLL_AT_MOST`), but never so soon that walking takes more than one part in `POLL_SHARE`
/// of the time.
pub fn next_poll(every: Duration, walk: Duration) -> Duration {
    every.max(walk * POLL_SHARE)
}

/// What a walk of the folder sees that can change the catalog, as one number, and how long the
/// walk took. Every name counts (a file or folder made or removed); only record files are
/// looked at more closely (size, time and identity), so a log written to, or a large tree of
/// other files, costs no more than reading its folders. Nothing is kept per file: a tree of a
/// million files costs no memory between walks.
fn fingerprint(named: &Path) -> (u64, Duration) {
    let started = Instant::now();
    let mut hash = std::hash::DefaultHasher::new();
    let walk = walkdir::WalkDir::new(named)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || matters(Path::new(""), Path::new(e.file_name())));
    for entry in walk {
        match entry {
            Ok(e) => {
                e.path().as_os_str().as_bytes().hash(&mut hash);
                let t = e.file_type();
                (t.is_dir(), t.is_file(), t.is_symlink()).hash(&mut hash);
                if is_yaml(e.path())
                    && let Ok(m) = e.metadata()
                {
                    (m.len(), m.mtime(), m.mtime_nsec(), m.ino()).hash(&mut hash);
                }
            }
            Err(e) => {
                e.path().map(|p| p.as_os_str().as_bytes()).hash(&mut hash);
                e.io_error().map(std::io::Error::kind).hash(&mut hash);
            }
        }
    }
    (hash.finish(), started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls to `on`, as a channel.
    fn watched(dir: &Path, polling: bool) -> (Watch, mpsc::Receiver<Change>) {
        let (tx, rx) = mpsc::channel();
        let watch = follow(dir, polling, move |c| {
            let _ = tx.send(c);
        })
        .unwrap();
        (watch, rx)
    }

    fn next(rx: &mpsc::Receiver<Change>, what: &str) -> Change {
        rx.recv_timeout(Duration::from_secs(40))
            .unwrap_or_else(|_| panic!("{what}: not noticed"))
    }

    /// What a write of `rel` is told as: the file, where events name it; any file, polled.
    fn wrote(polling: bool, rel: &str) -> Change {
        Change::Files(if polling {
            Touched::All
        } else {
            Touched::Files([rel.to_owned()].into())
        })
    }

    /// Both ways of noticing changes call back once a file is written, and not for reads.
    #[test]
    fn a_write_is_noticed_with_events_and_with_polling() {
        for polling in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("a.yaml");
            std::fs::write(&file, "name: A\n").unwrap();
            let (watch, rx) = watched(dir.path(), polling);
            assert_eq!(watch.is_polling(), polling);
            assert_eq!(watch.note().is_some(), polling);
            std::thread::sleep(Duration::from_millis(200));
            let _ = std::fs::read_to_string(&file).unwrap();
            assert!(
                rx.recv_timeout(Duration::from_millis(800)).is_err(),
                "a read was taken for a change (polling: {polling})"
            );
            std::thread::sleep(Duration::from_millis(1100)); // mtime must differ for the poller
            std::fs::write(&file, "name: B\n").unwrap();
            assert_eq!(
                next(&rx, "the write"),
                wrote(polling, "a.yaml"),
                "polling: {polling}"
            );
        }
    }

    /// Wait for the calls a replacement brings; with file events, one says `Replaced`. Then
    /// wait long enough for a poller to see a later write as a change of time.
    fn settled(rx: &mpsc::Receiver<Change>, what: &str, polling: bool) {
        let mut change = next(rx, what);
        while !polling && change != Change::Replaced {
            assert!(
                matches!(change, Change::Files(_) | Change::Gone),
                "{what}: {change:?}"
            );
            change = next(rx, what);
        }
        std::thread::sleep(Duration::from_millis(1100));
        while rx.try_recv().is_ok() {}
    }

    /// Issue 17, item 2: the three ways a folder is replaced under its name. Each is followed:
    /// the new folder is watched, and a change in it is noticed.
    #[test]
    fn the_folder_is_followed_by_its_name_when_it_is_replaced() {
        for polling in [false, true] {
            let parent = tempfile::tempdir().unwrap();
            let p = parent.path();
            let cf = p.join("cf");
            std::fs::create_dir(&cf).unwrap();
            std::fs::write(cf.join("a.yaml"), "name: A\n").unwrap();
            let (_watch, rx) = watched(&cf, polling);
            // rm -rf cf && cp -r ... cf
            std::fs::remove_dir_all(&cf).unwrap();
            std::fs::create_dir(&cf).unwrap();
            std::fs::write(cf.join("b.yaml"), "name: B\n").unwrap();
            settled(&rx, "rm -rf and copy", polling);
            std::fs::write(cf.join("b.yaml"), "name: B2\n").unwrap();
            assert_eq!(next(&rx, "a write in the copy"), wrote(polling, "b.yaml"));

            // mv cf cf.old; mv cf.new cf
            let new = p.join("cf.new");
            std::fs::create_dir(&new).unwrap();
            std::fs::write(new.join("c.yaml"), "name: C\n").unwrap();
            std::fs::rename(&cf, p.join("cf.old")).unwrap();
            std::fs::rename(&new, &cf).unwrap();
            settled(&rx, "the swap by renames", polling);
            std::fs::write(cf.join("c.yaml"), "name: C2\n").unwrap();
            assert_eq!(next(&rx, "a write in the new cf"), wrote(polling, "c.yaml"));
        }
    }

    /// The deploy pattern: `current` is a link, retargeted atomically.
    #[test]
    fn a_symbolic_link_retargeted_is_followed() {
        for polling in [false, true] {
            let parent = tempfile::tempdir().unwrap();
            let p = parent.path();
            for rel in ["rel1", "rel2"] {
                std::fs::create_dir(p.join(rel)).unwrap();
                std::fs::write(p.join(rel).join("a.yaml"), format!("name: {rel}\n")).unwrap();
            }
            std::os::unix::fs::symlink("rel1", p.join("current")).unwrap();
            let (_watch, rx) = watched(&p.join("current"), polling);
            std::os::unix::fs::symlink("rel2", p.join("tmp")).unwrap();
            std::fs::rename(p.join("tmp"), p.join("current")).unwrap();
            assert_eq!(
                next(&rx, "the link retargeted"),
                Change::Replaced,
                "polling: {polling}"
            );
            std::thread::sleep(Duration::from_millis(1100));
            std::fs::write(p.join("rel2/a.yaml"), "name: rel2 again\n").unwrap();
            assert_eq!(next(&rx, "a write in rel2"), wrote(polling, "a.yaml"));
        }
    }

    /// Issue 17, item 7: events that cannot change the catalog do not count, so they cannot put
    /// a reload off.
    #[test]
    fn writes_into_files_that_are_not_records_do_not_count() {
        use notify::event::{CreateKind, DataChange};
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("people")).unwrap();
        let event = |kind, rel: &str| notify::Event::new(kind).add_path(root.join(rel));
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let chmod = EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions));
        assert!(relevant(root, &event(write, "notes.log")).is_none());
        assert!(relevant(root, &event(chmod, "notes.log")).is_none());
        assert!(relevant(root, &event(write, "people/a.yaml")).is_some());
        assert!(relevant(root, &event(chmod, "people")).is_some());
        assert!(relevant(root, &event(EventKind::Create(CreateKind::File), "doc.txt")).is_some());
        assert!(relevant(root, &event(write, ".git/index")).is_none());
        // What a save touched, for a reload that reads only those files: the records named,
        // not the editor's scratch files.
        let rename = notify::Event::new(EventKind::Modify(ModifyKind::Name(
            notify::event::RenameMode::Both,
        )))
        .add_path(root.join("people/a.yaml~"))
        .add_path(root.join("people/a.yaml"));
        assert_eq!(
            relevant(root, &rename).unwrap(),
            Touched::Files(["people/a.yaml".to_owned()].into())
        );
        let mut touched = relevant(root, &event(write, "people/b.yaml")).unwrap();
        touched.add(relevant(root, &rename).unwrap());
        assert_eq!(
            touched,
            Touched::Files(["people/a.yaml".to_owned(), "people/b.yaml".to_owned()].into())
        );
        touched.add(Touched::All);
        assert_eq!(touched, Touched::All);
        assert!(relevant(Path::new("/elsewhere"), &event(write, "people/a.yaml")).is_none());
    }

    /// Opening the folder itself (every reload does) is not a change, even though the folder's
    /// own name is watched for replacement: it made each reload start the next, for ever.
    #[test]
    fn reading_the_folder_itself_is_not_a_change() {
        use notify::event::{AccessKind, AccessMode, RemoveKind};
        let root = Path::new("/cases");
        let open = notify::Event::new(EventKind::Access(AccessKind::Open(AccessMode::Any)))
            .add_path(root.to_owned());
        assert!(wanted(Some(root), root, &Ok(open)).is_none());
        let removed =
            notify::Event::new(EventKind::Remove(RemoveKind::Folder)).add_path(root.to_owned());
        assert_eq!(wanted(Some(root), root, &Ok(removed)), Some(Touched::All));
    }

    /// `sed -i` (and editors that write a copy, then rename it over the file) make a file
    /// beside the one saved that is gone when the burst ends: the save touched the one file,
    /// and can be patched in. A file that was there before the burst and is gone after it
    /// (a document removed) still counts, and so does one made and kept.
    #[test]
    fn a_file_made_and_gone_within_a_burst_touched_nothing() {
        use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("people")).unwrap();
        std::fs::write(root.join("people/a.yaml"), "name: A\n").unwrap();
        std::fs::write(root.join("kept.txt"), "").unwrap();
        let event = |kind, rels: &[&str]| {
            rels.iter().fold(notify::Event::new(kind), |e, rel| {
                e.add_path(root.join(rel))
            })
        };
        let burst = |events: &[notify::Event]| {
            let mut burst = Burst::default();
            for e in events {
                if let Some(touched) = relevant(root, e) {
                    burst.add(Noted {
                        touched,
                        made: made(root, e),
                    });
                }
            }
            burst.settled(root)
        };
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let create = EventKind::Create(CreateKind::File);
        let remove = EventKind::Remove(RemoveKind::File);
        let sed = [
            event(create, &["people/sedX1b2c3"]),
            event(write, &["people/sedX1b2c3"]),
            event(renamed, &["people/sedX1b2c3", "people/a.yaml"]),
        ];
        assert_eq!(
            burst(&sed),
            Touched::Files(["people/a.yaml".to_owned()].into())
        );
        let kept = [event(create, &["kept.txt"])];
        assert_eq!(burst(&kept), Touched::Files(["kept.txt".to_owned()].into()));
        let removed_then_made_and_gone = [
            event(remove, &["doc.txt"]),
            event(create, &["doc.txt"]),
            event(remove, &["doc.txt"]),
        ];
        assert_eq!(
            burst(&removed_then_made_and_gone),
            Touched::Files(["doc.txt".to_owned()].into())
        );
    }

    /// ... and changes that never stop still reach the browser, once a second.
    #[test]
    fn a_burst_that_never_ends_is_flushed_at_most_a_second_apart() {
        let (tx, rx) = mpsc::channel();
        let feeding = std::thread::spawn(move || {
            for _ in 0..60 {
                let touched = Touched::none();
                tx.send(Noted {
                    touched,
                    made: Vec::new(),
                })
                .unwrap();
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        let flushed = std::cell::Cell::new(0);
        debounce(&rx, |_| {
            if !feeding.is_finished() {
                flushed.set(flushed.get() + 1);
            }
        });
        assert!(
            flushed.get() >= 2,
            "{} flushes in 3 s of changes",
            flushed.get()
        );
    }

    #[test]
    fn polls_space_out_to_a_twentieth_of_the_time() {
        assert_eq!(next_poll(POLL_EVERY, Duration::from_millis(10)), POLL_EVERY);
        assert_eq!(
            next_poll(POLL_EVERY, Duration::from_millis(500)),
            Duration::from_secs(10)
        );
    }

    #[test]
    fn records_and_documents_matter_hidden_and_scratch_files_do_not() {
        let root = Path::new("/cases");
        for p in [
            "/cases/people/a.yaml",
            "/cases/docs/report.txt",
            "/cases/new-folder",
        ] {
            assert!(matters(root, Path::new(p)), "{p}");
        }
        for p in [
            "/cases/.git/index",
            "/cases/.git/objects/ab/cdef",
            "/cases/people/.a.yaml.swp",
            "/cases/people/a.yaml~",
            "/cases/people/4913",
        ] {
            assert!(!matters(root, Path::new(p)), "{p}");
        }
    }
}
