//! The browser against hostile case files and a hostile world: escape sequences never reach the
//! terminal, odd file names reach the editor intact, failures leave dossier running, and every
//! way out restores the terminal.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::pty::Pty;
use crate::util::{BIN, Case, snapshot};

/// Byte sequences that must never be written: each would act on the terminal (clipboard write,
/// hyperlink, full reset, scrollback clear, cursor jump, C1 CSI, BEL) or reorder/hide text.
const FORBIDDEN: &[(&str, &[u8])] = &[
    ("OSC 52 clipboard write", b"\x1b]52"),
    ("OSC 8 hyperlink", b"\x1b]8;"),
    ("full reset", b"\x1bc"),
    ("scrollback clear", b"\x1b[3J"),
    ("cursor jump from the file", b"\x1b[99;99H"),
    ("C1 CSI", "\u{9b}".as_bytes()),
    ("BEL", b"\x07"),
    ("bidi override", "\u{202e}".as_bytes()),
    ("zero-width space", "\u{200b}".as_bytes()),
];

fn assert_clean(raw: &[u8], when: &str) {
    for (what, seq) in FORBIDDEN {
        assert!(
            !raw.windows(seq.len()).any(|w| w == *seq),
            "{what} reached the terminal {when}"
        );
    }
}

fn script(case: &Case, name: &str, body: &str) -> String {
    let path = case.write(name, format!("#!/bin/sh\n{body}\n"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

#[test]
fn hostile_text_is_shown_as_text_in_every_pane_and_nothing_is_written() {
    let case = Case::bad("terminal-escapes");
    // Raw control bytes in a file (not YAML escapes): the viewer and the diagnostics show them.
    case.write(
        "people/raw-bytes.yaml",
        b"name: Raw\n# \x1b]52;c;UmF3\x07 \x1b[99;99H \xc2\x9b31m\nsources: [ai-release]\n",
    );
    case.write(
        "people/evil\x1b]8;;x\x1b\\name.yaml",
        "name: Evil File Name\nsources: [ai-release]\n",
    );
    let noop_editor = script(&case, "noop-editor", "exit 0");
    let before = snapshot(case.path());

    let mut pty = Pty::spawn(case.path(), &["."], &[("EDITOR", &noop_editor)], 160, 40);
    pty.wait_text("Records");
    pty.send("/");
    pty.send("mallory");
    let screen = pty.wait_text("Mallory \\u{1b}]52;c;SGFja2Vk\\u{7} clipboard");
    assert!(
        screen.contains("~\\u{1b}]8;;http") || screen.contains("Mallory"),
        "{screen}"
    );
    pty.key("enter");
    let screen = pty.wait_text("and rings \\u{7} the bell");
    assert!(
        screen.contains("clears the screen \\u{1b}[2J\\u{1b}[H"),
        "{screen}"
    );
    assert!(screen.contains("abc\\u{202e}fed bidi"), "{screen}");
    assert!(screen.contains("zero\\u{200b}width"), "{screen}");
    pty.send("v");
    pty.wait_text("▌ name: \"Mallory");
    pty.send("q");
    pty.send("e");
    pty.wait_text("Records");
    pty.send("!");
    let screen = pty.wait_text("Problems in the case files");
    assert!(
        screen.contains("people/evil\\u{1b}]8;;x\\u{1b}\\name.yaml"),
        "{screen}"
    );
    pty.send("j");
    pty.send("v");
    pty.wait_text("\\u{1b}]52;c;UmF3\\u{7}");
    pty.send("q");
    pty.send("q");
    pty.send("?");
    pty.wait_text("Keys — type to filter");
    pty.send("\x1b]52;c;UGFzdGU=\x07");
    pty.key("esc");
    pty.key("esc");
    pty.key("ctrl-c");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
    assert_clean(&pty.raw(), "while browsing hostile records");
    assert_eq!(snapshot(case.path()), before, "a case file was written");
}

#[test]
fn odd_file_names_reach_the_editor_as_one_argument() {
    let case = Case::good();
    let name = "-rf a b'c\";$(touch pwned)`touch pwned2`";
    case.write(
        &format!("people/{name}.yaml"),
        "name: Oddly Named\nsources: [ai-release]\n",
    );
    let out = case.path().join("args.txt");
    let editor = script(
        &case,
        "stub-editor",
        &format!("printf '%s\\n' \"$@\" > '{}'", out.display()),
    );
    let mut pty = Pty::spawn(case.path(), &["."], &[("EDITOR", &editor)], 80, 24);
    pty.wait_text("Records");
    pty.send("/");
    pty.send("oddly");
    pty.wait_text("Oddly Named");
    pty.key("enter");
    pty.send("e");
    let args = wait_file(&out);
    let expected = std::path::absolute(case.path())
        .unwrap()
        .join(format!("people/{name}.yaml"));
    assert_eq!(args, ["+1".to_owned(), expected.display().to_string()]);
    pty.wait_text("Records");
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    assert!(!case.path().join("pwned").exists() && !case.path().join("pwned2").exists());
}

fn wait_file(path: &Path) -> Vec<String> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(15) {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.ends_with('\n')
        {
            let _ = std::fs::remove_file(path);
            return text.lines().map(str::to_owned).collect();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the editor never ran");
}

#[test]
fn an_editor_that_fails_or_crashes_leaves_dossier_running() {
    let case = Case::good();
    let failing = script(&case, "failing-editor", "exit 3");
    let mut pty = Pty::spawn(case.path(), &["."], &[("EDITOR", &failing)], 80, 24);
    pty.wait_text("Records");
    pty.key("f4");
    pty.wait_text("exited with exit status: 3");
    pty.key("ctrl-c");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();

    let crashing = script(&case, "crashing-editor", "kill -SEGV $$");
    let mut pty = Pty::spawn(case.path(), &["."], &[("EDITOR", &crashing)], 80, 24);
    pty.wait_text("Records");
    pty.key("f4");
    pty.wait_text("signal: 11");
    pty.key("down");
    pty.wait_text("Records 2/4");
    pty.key("ctrl-c");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn sighup_ignored_by_the_parent_still_ends_dossier() {
    let case = Case::good();
    let cmd = format!("trap '' HUP; exec '{BIN}' .");
    let mut pty = Pty::spawn_program(case.path(), "bash", &["-c", &cmd], &[], 80, 24);
    pty.wait_text("Records");
    pty.signal("HUP");
    assert_eq!(pty.wait_exit(), 129);
    pty.assert_restored();
}

#[test]
fn the_terminal_closing_under_dossier_ends_it_promptly() {
    // `script` gives dossier a terminal of its own; killing `script` closes that terminal, as a
    // dropped SSH link closes the session's.
    let case = Case::good();
    let cmd = format!("'{BIN}' .");
    let pty = Pty::spawn_program(
        case.path(),
        "script",
        &["-qfec", &cmd, "/dev/null"],
        &[],
        80,
        24,
    );
    pty.wait_text("Records");
    let script_pid = pty.pid();
    let children =
        std::fs::read_to_string(format!("/proc/{script_pid}/task/{script_pid}/children")).unwrap();
    let dossier: u32 = children
        .split_whitespace()
        .next()
        .expect("dossier runs under script")
        .parse()
        .unwrap();
    pty.signal("KILL");
    let start = Instant::now();
    while Path::new(&format!("/proc/{dossier}")).exists() {
        let proc_stat =
            std::fs::read_to_string(format!("/proc/{dossier}/stat")).unwrap_or_default();
        if proc_stat.split_whitespace().nth(2) == Some("Z") {
            break; // exited, waiting to be reaped
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "dossier still running 5 s after its terminal closed: {proc_stat}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_panic_restores_the_terminal() {
    let case = Case::good();
    let mut pty = Pty::spawn(
        case.path(),
        &["."],
        &[("DOSSIER_TEST_PANIC", "1"), ("RUST_BACKTRACE", "0")],
        80,
        24,
    );
    pty.wait_text("Records");
    pty.send("j");
    assert_eq!(pty.wait_exit(), 101);
    pty.assert_restored();
    assert!(
        pty.screen().contains("panicking on purpose"),
        "{}",
        pty.screen()
    );
}

/// `stty -a` before dossier ran and after it quit, from the shell that ran it, with keys sent
/// while it ran.
fn terminal_settings_around(
    case: &Case,
    editor: &str,
    keys: impl FnOnce(&mut Pty),
) -> (String, String, Pty) {
    let cmd = format!(
        "stty -a > before.txt; EDITOR='{editor}' '{BIN}' .; stty -a > after.txt; echo done"
    );
    let mut pty = Pty::spawn_program(case.path(), "bash", &["--norc", "-c", &cmd], &[], 80, 24);
    pty.wait_text("Records");
    keys(&mut pty);
    pty.wait_exit();
    let read = |f: &str| std::fs::read_to_string(case.path().join(f)).unwrap_or_default();
    (read("before.txt"), read("after.txt"), pty)
}

#[test]
fn an_editor_that_leaves_the_terminal_raw_leaves_the_shell_as_it_was() {
    // The regression: the terminal library saved the editor's raw settings as the ones to
    // restore, and the shell was left `-icanon -echo -isig` after quitting. The editor also
    // leaves a scroll region, application cursor keys and keypad.
    let case = Case::good();
    let editor = script(
        &case,
        "raw-editor",
        "stty raw -echo; printf '\\033[5;10r\\033[?1h\\033='; exit 0",
    );
    let (before, after, pty) = terminal_settings_around(&case, &editor, |pty| {
        pty.key("f4");
        pty.wait_text("back from");
        pty.key("down");
        pty.wait_text("Records 2/4");
        pty.key("ctrl-c");
    });
    assert!(before.contains("icanon"), "{before}");
    assert_eq!(after, before, "the shell's terminal settings changed");
    assert!(pty.screen().contains("done"), "{}", pty.screen());
    pty.assert_restored();
    assert!(!pty.application_keypad(), "keypad left in application mode");
    assert!(
        !pty.application_cursor(),
        "cursor keys left in application mode"
    );
}

#[test]
fn an_editor_killed_while_it_runs_leaves_dossier_and_the_shell_whole() {
    // As `kill -KILL <vim>` leaves it: raw, no echo.
    let case = Case::good();
    let editor = script(&case, "killed-editor", "stty raw -echo; kill -KILL $$");
    let (before, after, pty) = terminal_settings_around(&case, &editor, |pty| {
        pty.key("f4");
        pty.wait_text("signal: 9");
        pty.key("ctrl-c");
    });
    assert_eq!(after, before, "the shell's terminal settings changed");
    pty.assert_restored();
}

#[test]
fn ctrl_c_in_a_waiting_editor_reaches_the_editor_only() {
    // `code -w`-style: the editor waits; Ctrl-C typed meanwhile is a SIGINT to the whole
    // foreground group. The editor ends; dossier must not.
    let case = Case::good();
    let editor = script(&case, "waiting-editor", "echo waiting; exec sleep 30");
    let mut pty = Pty::spawn(case.path(), &["."], &[("EDITOR", &editor)], 80, 24);
    pty.wait_text("Records");
    pty.key("f4");
    pty.wait_text("waiting");
    pty.key("ctrl-c");
    pty.wait_text("Records 1/4");
    assert!(
        pty.screen().contains("signal: 2"),
        "the editor was interrupted, and the status bar says so:\n{}",
        pty.screen()
    );
    pty.key("ctrl-c");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn sigterm_while_the_editor_runs_ends_the_editor_too() {
    // Under a shell, as users run it: the shell leads the session, so nothing but dossier
    // would end the editor when dossier goes (the regression: it stayed, PPID 1, screen up).
    let case = Case::good();
    let pidfile = case.path().join("editor.pid");
    let editor = script(
        &case,
        "waiting-editor",
        &format!(
            "echo $$ > '{}'; echo waiting; exec sleep 30",
            pidfile.display()
        ),
    );
    let cmd = format!("EDITOR='{editor}' '{BIN}' .; echo dossier ended; sleep 30");
    let mut pty = Pty::spawn_program(case.path(), "bash", &["--norc", "-c", &cmd], &[], 80, 24);
    pty.wait_text("Records");
    let shell = pty.pid();
    let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).unwrap();
    let dossier = children
        .split_whitespace()
        .next()
        .expect("dossier runs")
        .to_owned();
    pty.key("f4");
    pty.wait_text("waiting");
    let editor_pid = std::fs::read_to_string(&pidfile).unwrap().trim().to_owned();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &dossier])
        .status()
        .unwrap();
    assert!(killed.success());
    pty.wait_text("dossier ended");
    let start = Instant::now();
    while Path::new(&format!("/proc/{editor_pid}")).exists() {
        let proc_stat =
            std::fs::read_to_string(format!("/proc/{editor_pid}/stat")).unwrap_or_default();
        if proc_stat.split_whitespace().nth(2) == Some("Z") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the editor was left running as an orphan: {proc_stat}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    pty.assert_restored();
}

/// Issue 17, item 6: `v` on a record whose file became a pipe blocked the browser (`q` and
/// Ctrl-C did nothing). The viewer opens files by the loader's rules: never blocking.
#[test]
fn the_viewer_does_not_block_on_a_file_that_became_a_pipe() {
    let case = Case::good();
    let mut pty = Pty::spawn(
        case.path(),
        &["."],
        &[("EDITOR", "/nonexistent/editor")],
        80,
        24,
    );
    pty.wait_text("Records 1/4");
    let file = case.path().join("people/kolthoum-sarahati.yaml");
    std::fs::remove_file(&file).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&file)
        .status()
        .unwrap();
    assert!(made.success());
    pty.key("f3");
    pty.wait_text("cannot read");
    pty.key("ctrl-c");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

/// An unreadable folder is listed among the problems; Enter on it says what it is rather than
/// opening a folder as a file.
#[test]
fn enter_on_an_unreadable_folder_in_the_problems_says_what_it_is() {
    let case = Case::good();
    let locked = case.path().join("people");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(case.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // Root reads any folder: drop to nobody for the permission to bite.
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .unwrap()
        .stdout
        == b"0\n";
    let mut pty = if root {
        let args = [
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            BIN,
            ".",
        ];
        Pty::spawn_program(case.path(), "setpriv", &args, &[], 100, 24)
    } else {
        Pty::spawn(case.path(), &["."], &[], 100, 24)
    };
    pty.wait_text("Records");
    pty.key("f2");
    pty.wait_text("cannot read this folder");
    pty.key("enter");
    pty.wait_text("is a folder, not a file to open");
    pty.key("ctrl-c");
    assert_eq!(pty.wait_exit(), 0);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn an_abort_restores_the_terminal_and_the_shells_settings() {
    // An allocation that fails (memory exhausted, or capped with `ulimit -v`) aborts: SIGABRT,
    // with no unwinding and no panic hook. The terminal must still come back whole.
    let case = Case::good();
    let (before, after, pty) = terminal_settings_around(&case, "true", |pty| {
        let shell = pty.pid();
        let children =
            std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).unwrap();
        let dossier = children
            .split_whitespace()
            .next()
            .expect("dossier runs under the shell");
        let status = std::process::Command::new("kill")
            .args(["-ABRT", dossier])
            .status()
            .unwrap();
        assert!(status.success());
        pty.wait_text("done");
    });
    assert!(before.contains("icanon"), "{before}");
    assert_eq!(after, before, "the shell's terminal settings changed");
    pty.assert_restored();
}

#[test]
fn flags_and_a_letter_piled_with_marks_keep_the_screen_in_its_cells() {
    // A flag is two regional indicators that terminals draw one or two cells wide (tmux leaves
    // stale glyphs behind); a letter with 300,000 combining marks is one huge cell that overran
    // the status bar.
    let case = Case::good();
    let marks = "\u{301}".repeat(300_000);
    case.write(
        "people/flag.yaml",
        format!(
            "name: \"\u{1f1ee}\u{1f1f7} Flag Person\"\nsummary: \"a{marks}b\"\nsources: [ai-release]\n"
        ),
    );
    let mut pty = Pty::spawn(case.path(), &["."], &[], 80, 24);
    pty.wait_text("Records");
    pty.send("flag");
    pty.wait_text("IR Flag Person");
    let rows = pty.rows();
    // Every pane row ends with the detail pane's border, and the status bar is whole.
    for (n, row) in rows.iter().enumerate().take(23).skip(2) {
        assert!(
            row.trim_end().ends_with('│') || row.trim_end().ends_with('┘'),
            "row {n} lost its border:\n{}",
            pty.screen()
        );
    }
    assert!(rows[23].starts_with(" SEARCH"), "{}", pty.screen());
    pty.key("ctrl-c");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn a_four_megabyte_summary_costs_no_more_per_key_than_a_short_one() {
    // The detail pane wraps a record once per width, not on every key and frame: a 4 MB
    // one-line summary (under the 4 MiB cap) cost about 50 ms of CPU per key when it was
    // wrapped per key. A hundred keys then took seconds of CPU; the bound is far above what
    // wrapping once costs, and far below what wrapping per key did.
    let case = Case::good();
    let summary = "word ".repeat(800_000);
    case.write(
        "people/long.yaml",
        format!("name: Long Summary\nsummary: {summary}\nsources: [ai-release]\n"),
    );
    let mut pty = Pty::spawn(case.path(), &["."], &[], 80, 24);
    pty.wait_text("Records");
    pty.send("long summary");
    pty.wait_text("Long Summary  person");
    pty.key("enter");
    pty.wait_for("the detail pane focused", |_| {
        pty.rows()[23].starts_with(" READ")
    });
    let before = crate::search::cpu_seconds(pty.pid());
    for _ in 0..50 {
        pty.send("j");
        pty.send("\x04"); // Ctrl-D: half a page down
    }
    pty.send("G");
    pty.wait_text("Detail 100%");
    let spent = crate::search::cpu_seconds(pty.pid()) - before;
    println!("{spent:.2} s of CPU for 101 keys");
    assert!(spent < 2.0, "{spent:.2} s of CPU for 101 keys");
    pty.key("ctrl-c");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}
