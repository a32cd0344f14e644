//! A copy inside tmux reaches tmux's clipboard: the OSC 52 sequence is the real one, read by a
//! real terminal multiplexer, not only bytes a test looked at.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::pty::PATIENCE;
use crate::util::{BIN, Case};

/// A tmux server of the test's own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs (.ci/run installs it; on Debian: apt-get install tmux)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_screen(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.run(&["capture-pane", "-p", "-t", "t"]);
            if screen.contains(what) {
                return screen;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "never saw {what:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// dossier on the good folder inside a tmux of the test's own, with `set-clipboard` as given;
/// the rocket attack read and copied.
fn copy_inside_tmux(clipboard: &str) -> (Case, Tmux) {
    let case = Case::good();
    let conf = case.write("tmux.conf", format!("set -g set-clipboard {clipboard}\n"));
    let tmux = Tmux {
        socket: format!("dossier-test-{}-{clipboard}", std::process::id()),
    };
    let command = format!("cd '{}' && {BIN} .", case.path().display());
    tmux.run(&[
        "-f",
        &conf.display().to_string(),
        "new-session",
        "-d",
        "-s",
        "t",
        "-x",
        "120",
        "-y",
        "30",
        "-e",
        "TERM=tmux-256color",
        &command,
    ]);
    tmux.wait_screen("Records 1/4");
    tmux.run(&["send-keys", "-t", "t", "rocket", "Enter"]);
    tmux.wait_screen("Rocket attack on Camp Liberty  incident");
    tmux.run(&["send-keys", "-t", "t", "c"]);
    (case, tmux)
}

#[test]
fn a_citation_copied_inside_tmux_lands_in_its_clipboard() {
    let (_case, tmux) = copy_inside_tmux("on");
    let screen = tmux.wait_screen("through tmux");
    assert!(
        screen.contains("copied a citation of “Rocket attack on Camp Liberty”"),
        "{screen}"
    );
    let buffer = tmux.run(&["show-buffer"]);
    assert!(
        buffer.starts_with("**Rocket attack on Camp Liberty** (incident, 2013-06-15"),
        "tmux's buffer holds {buffer:?}"
    );
    tmux.run(&["send-keys", "-t", "t", "q"]);
}

#[test]
fn a_copy_that_tmux_drops_is_reported_as_not_copied_with_the_fix() {
    // tmux's default: programs' copies go nowhere. Saying "copied" would be a lie.
    let (_case, tmux) = copy_inside_tmux("external");
    let screen = tmux.wait_screen("NOT copied");
    assert!(screen.contains("set -g set-clipboard on"), "{screen}");
    assert!(
        tmux.run(&["show-buffer"]).is_empty(),
        "tmux got the copy after all: the message would be wrong"
    );
    tmux.run(&["send-keys", "-t", "t", "q"]);
}
