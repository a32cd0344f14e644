//! The real binary in a real pseudo-terminal: keys in, screen text and raw bytes out.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

use crate::util::BIN;

pub struct Pty {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

/// How long to wait for the screen to show something. Generous: CI machines are slow.
pub const PATIENCE: Duration = Duration::from_secs(15);

fn size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

impl Pty {
    /// Start `dossier ARGS` in `dir` at `cols` x `rows`, with extra environment variables.
    pub fn spawn(dir: &Path, args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        Pty::spawn_program(dir, BIN, args, env, cols, rows)
    }

    pub fn spawn_program(
        dir: &Path,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Pty {
        let pair = native_pty_system()
            .openpty(size(cols, rows))
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(dir);
        for var in [
            "DOSSIER_DIR",
            "DOSSIER_CONFIG",
            "EDITOR",
            "VISUAL",
            "NO_COLOR",
            "COLORTERM",
            "TMUX",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("TERM", "xterm-256color");
        // Not the config of whoever runs the tests: the test's own folder, which has none.
        cmd.env("XDG_CONFIG_HOME", dir);
        cmd.env("XDG_CACHE_HOME", crate::util::cache_home());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair
            .slave
            .spawn_command(cmd)
            .expect("start dossier in the pty");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (Arc::clone(&parser), Arc::clone(&raw));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => {
                        // Raw bytes first: whatever the screen model shows is then already in
                        // `raw()`, so a test that waits on the screen can read the bytes behind it.
                        r.lock().unwrap().extend_from_slice(&buf[..n]);
                        p.lock().unwrap().process(&buf[..n]);
                    }
                }
            }
        });
        Pty {
            master: pair.master,
            writer,
            child,
            parser,
            raw,
        }
    }

    /// Type text as is.
    pub fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Keys sent in one burst may be read as one escape sequence; pace them like a person.
        std::thread::sleep(Duration::from_millis(30));
    }

    /// Press a named key.
    pub fn key(&mut self, name: &str) {
        let seq = match name {
            "enter" => "\r",
            "esc" => "\x1b",
            "tab" => "\t",
            "backspace" => "\x7f",
            "up" => "\x1b[A",
            "down" => "\x1b[B",
            "right" => "\x1b[C",
            "left" => "\x1b[D",
            "home" => "\x1b[H",
            "end" => "\x1b[F",
            "pgdn" => "\x1b[6~",
            "pgup" => "\x1b[5~",
            "ctrl-home" => "\x1b[1;5H",
            "ctrl-end" => "\x1b[1;5F",
            "f1" => "\x1bOP",
            "f2" => "\x1bOQ",
            "f3" => "\x1bOR",
            "f4" => "\x1bOS",
            "ctrl-c" => "\x03",
            "ctrl-n" => "\x0e",
            "ctrl-o" => "\x0f",
            "ctrl-t" => "\x14",
            "ctrl-u" => "\x15",
            "ctrl-y" => "\x19",
            "ctrl-z" => "\x1a",
            "alt-t" => "\x1bt",
            "alt-1" => "\x1b1",
            "alt-right" => "\x1b[1;3C",
            other => panic!("no key {other}"),
        };
        self.send(seq);
        if name == "esc" {
            // A lone ESC is told apart from the start of a sequence by the pause after it.
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    pub fn application_keypad(&self) -> bool {
        self.parser.lock().unwrap().screen().application_keypad()
    }

    pub fn application_cursor(&self) -> bool {
        self.parser.lock().unwrap().screen().application_cursor()
    }

    pub fn cell_bg(&self, row: u16, col: u16) -> Option<vt100::Color> {
        self.parser
            .lock()
            .unwrap()
            .screen()
            .cell(row, col)
            .map(vt100::Cell::bgcolor)
    }

    pub fn cell_fg(&self, row: u16, col: u16) -> Option<vt100::Color> {
        self.parser
            .lock()
            .unwrap()
            .screen()
            .cell(row, col)
            .map(vt100::Cell::fgcolor)
    }

    /// Whether a cell is drawn in reverse video.
    pub fn cell_inverse(&self, row: u16, col: u16) -> bool {
        self.parser
            .lock()
            .unwrap()
            .screen()
            .cell(row, col)
            .is_some_and(vt100::Cell::inverse)
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// The screen's rows, each padded to the full width.
    pub fn rows(&self) -> Vec<String> {
        let p = self.parser.lock().unwrap();
        let (_, cols) = p.screen().size();
        p.screen().rows(0, cols.get()).collect()
    }

    /// Wait until the screen satisfies `ok`; fail with the screen if it never does.
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() <= PATIENCE,
                "timed out waiting for {what}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_text(&self, text: &str) -> String {
        self.wait_for(&format!("`{text}`"), |s| s.contains(text))
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        // Resize the screen model first and hold it while the pty changes size: output drawn for
        // the new size must never be read into the old one (it would wrap there, and the
        // program's later frames only redraw what changed).
        let mut parser = self.parser.lock().unwrap();
        parser.set_size(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
        );
        self.master.resize(size(cols, rows)).unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .args([&format!("-{name}"), &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name}");
    }

    /// Wait for the process to end; its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread take the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return status.exit_code();
            }
            if start.elapsed() > PATIENCE {
                let threads = thread_states(self.pid());
                let _ = self.child.kill();
                let raw = self.raw();
                let tail =
                    String::from_utf8_lossy(&raw[raw.len().saturating_sub(600)..]).into_owned();
                panic!(
                    "dossier did not exit; its threads: {threads}\nthe screen shows:\n{}\nlast bytes: {tail:?}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// The terminal is as it was: the alternate screen left, the cursor shown, the mouse released.
    pub fn assert_restored(&self) {
        let p = self.parser.lock().unwrap();
        assert!(
            !p.screen().alternate_screen(),
            "still on the alternate screen"
        );
        assert!(!p.screen().hide_cursor(), "cursor still hidden");
        assert_eq!(
            p.screen().mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse still captured"
        );
        drop(p);
        // The last entry to the alternate screen was followed by a way out of it.
        let raw = self.raw();
        let find_last = |seq: &[u8]| raw.windows(seq.len()).rposition(|w| w == seq);
        let entered = find_last(b"\x1b[?1049h");
        let left = find_last(b"\x1b[?1049l");
        assert!(
            left > entered,
            "the alternate screen was entered and never left"
        );
    }
}

/// Each thread's name, state and kernel wait channel, for a test that finds the process stuck.
fn thread_states(pid: u32) -> String {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return "(gone)".into();
    };
    tasks
        .flatten()
        .map(|t| {
            let read = |f: &str| {
                std::fs::read_to_string(t.path().join(f))
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            };
            let stat = read("stat");
            let state = stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .next()
                .unwrap_or("?")
                .to_owned();
            format!("[{} {} {}]", read("comm"), state, read("wchan"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
