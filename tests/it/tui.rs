//! The browser end to end, in a real pseudo-terminal: keys in, screen text out.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use crate::pty::Pty;
use crate::util::Case;

pub fn open(case: &Case, cols: u16, rows: u16, env: &[(&str, &str)]) -> Pty {
    let pty = Pty::spawn(case.path(), &["."], env, cols, rows);
    pty.wait_text("Records");
    pty
}

/// Text of the screen row (0-based).
pub fn row(pty: &Pty, n: usize) -> String {
    pty.rows()[n].clone()
}

/// The column where the detail pane's frame starts, at any width (0 when it is the only pane).
fn detail_column(pty: &Pty) -> usize {
    let top = row(pty, 1);
    top.find("┌ Detail")
        .or_else(|| top.find("┌ Claims"))
        .map_or(0, |byte| top[..byte].chars().count())
}

/// The detail pane's selected line and its row: the row drawn with the selection background.
fn selected_detail_row(pty: &Pty) -> Option<(usize, String)> {
    let column = detail_column(pty) as u16 + 8;
    let rows = pty.rows();
    (0..rows.len()).find_map(|r| {
        let selected = pty.cell_bg(r as u16, column) == Some(vt100::Color::Idx(4));
        selected.then(|| (r, rows[r].clone()))
    })
}

/// Move the detail cursor down until the selected line contains `needle`. Each step waits for
/// the selection to move, so a slow link (SSH, a loaded machine) cannot make it skip a line.
pub fn select_detail(pty: &mut Pty, needle: &str) {
    let selected = |pty: &Pty| {
        let found = std::cell::RefCell::new(None);
        pty.wait_for("a selected detail line", |screen| {
            let now = selected_detail_row(pty).map(|(r, line)| (r, line, screen.to_owned()));
            let seen = now.is_some();
            *found.borrow_mut() = now;
            seen
        });
        found.into_inner().unwrap()
    };
    pty.send("g");
    for _ in 0..40 {
        let before = selected(pty);
        if before.1.contains(needle) {
            return;
        }
        pty.send("j");
        pty.wait_for("the detail cursor to move", |_| {
            selected_detail_row(pty).is_some_and(|(r, _)| r != before.0) || pty.screen() != before.2
        });
    }
    panic!(
        "never selected a line with {needle}; screen:\n{}",
        pty.screen()
    );
}

/// Select the link whose line contains `link`, follow it, and wait for the record titled `title`.
pub fn follow(pty: &mut Pty, link: &str, title: &str) {
    select_detail(pty, link);
    pty.key("enter");
    pty.wait_for(title, |_| detail_title(pty).starts_with(title));
}

/// Search for `query` and wait until the first row of the list shows `first`.
pub fn search(pty: &mut Pty, query: &str, first: &str) {
    pty.send("/");
    pty.send(query);
    pty.wait_for(&format!("{first} listed first"), |_| {
        row(pty, 2).contains(first)
    });
}

pub fn detail_title(pty: &Pty) -> String {
    let right: String = row(pty, 2).chars().skip(detail_column(pty)).collect();
    right.trim().trim_matches('│').trim().to_owned()
}

/// Quit from anywhere: Ctrl-C (in the search box `q` is a letter).
pub fn quit(mut pty: Pty) {
    pty.key("ctrl-c");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn typing_a_query_puts_the_right_record_first() {
    let case = Case::good();
    let mut pty = open(&case, 80, 24, &[]);
    search(&mut pty, "rocket", "I Rocket attack");
    assert!(row(&pty, 0).contains("/ rocket"), "{}", row(&pty, 0));
    assert!(
        detail_title(&pty).starts_with("Rocket attack on Camp Liberty  incident"),
        "{}",
        pty.screen()
    );
    // Apostrophes and case do not matter.
    pty.key("esc");
    search(&mut pty, "KOLTHOUM", "P Kolthoum Sarahati");
    pty.key("enter");
    quit(pty);
}

#[test]
fn letters_that_are_not_keys_start_a_search() {
    let case = Case::good();
    let mut pty = open(&case, 80, 24, &[]);
    pty.send("rocket");
    pty.wait_for("the rocket attack listed first", |_| {
        row(&pty, 2).contains("I Rocket attack")
    });
    assert!(row(&pty, 0).contains("/ rocket"));
    pty.key("enter");
    quit(pty);
}

#[test]
fn follow_person_incident_camp_source_then_back_and_forward() {
    let case = Case::good();
    let mut pty = open(&case, 80, 24, &[]);
    search(&mut pty, "kolthoum", "P Kolthoum Sarahati");
    pty.key("enter"); // read the record
    follow(
        &mut pty,
        "← I Rocket attack",
        "Rocket attack on Camp Liberty",
    );
    follow(&mut pty, "C Camp Liberty", "Camp Liberty  camp");
    follow(
        &mut pty,
        "S A release about the camp",
        "A release about the camp  source",
    );

    for expected in [
        "Camp Liberty  camp",
        "Rocket attack on Camp Liberty",
        "Kolthoum Sarahati  person",
    ] {
        pty.send("H");
        pty.wait_for(expected, |_| detail_title(&pty).starts_with(expected));
    }
    pty.send("L");
    pty.wait_for("forward to the incident", |_| {
        detail_title(&pty).starts_with("Rocket attack on Camp Liberty")
    });
    pty.key("ctrl-o");
    pty.wait_for("back again with Ctrl-O", |_| {
        detail_title(&pty).starts_with("Kolthoum Sarahati")
    });
    quit(pty);
}

/// A stub editor that records its arguments. It and its record live in a hidden folder of the
/// case, which the watcher ignores: a file made or removed in the folder proper is a change on
/// disk, and the reload it starts could overwrite, at any moment, the message a test waits for.
pub fn stub_editor(case: &Case) -> (String, std::path::PathBuf) {
    let out = case.path().join(".stub/editor-args.txt");
    let script = case.write(
        ".stub/stub-editor",
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n", out.display()),
    );
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script.display().to_string(), out)
}

pub fn wait_args(out: &std::path::Path) -> Vec<String> {
    for _ in 0..500 {
        if let Ok(text) = std::fs::read_to_string(out)
            && text.ends_with('\n')
        {
            let _ = std::fs::remove_file(out);
            return text.lines().map(str::to_owned).collect();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the editor was never started");
}

#[test]
fn jump_to_source_opens_the_editor_at_the_record_and_at_the_field() {
    let case = Case::good();
    let (editor, out) = stub_editor(&case);
    let mut pty = open(&case, 80, 24, &[("EDITOR", &editor)]);
    let root = std::path::absolute(case.path()).unwrap();
    search(&mut pty, "rocket", "I Rocket attack");
    pty.key("enter");
    pty.send("e");
    let file = root
        .join("incidents/rocket-attack.yaml")
        .display()
        .to_string();
    assert_eq!(wait_args(&out), ["+1", file.as_str()]);
    // Back from the editor: the same record, redrawn.
    pty.wait_for("the browser back", |s| {
        s.contains("Records") && detail_title(&pty).starts_with("Rocket attack")
    });

    // Still reading the incident: `e` opens the selected field's line.
    select_detail(&mut pty, "Date");
    pty.send("e");
    assert_eq!(wait_args(&out), ["+3", file.as_str()]);
    pty.wait_text("Records");
    select_detail(&mut pty, "P Kolthoum Sarahati");
    pty.send("e");
    assert_eq!(wait_args(&out), ["+6", file.as_str()]);
    pty.wait_text("Records");
    quit(pty);
}

#[test]
fn visual_wins_over_editor_and_editor_words_are_split_like_a_shell() {
    let case = Case::good();
    let (editor, out) = stub_editor(&case);
    let visual = format!("'{editor}' --wait");
    let mut pty = open(
        &case,
        80,
        24,
        &[("EDITOR", "/nonexistent/editor"), ("VISUAL", &visual)],
    );
    // From the search box the edit key is a chord: letters there are text.
    pty.key("f4");
    let args = wait_args(&out);
    assert_eq!(args[..2], ["--wait", "+1"]);
    assert!(
        args[2].ends_with("/people/kolthoum-sarahati.yaml"),
        "{args:?}"
    );
    pty.wait_text("Records");
    quit(pty);
}

#[test]
fn without_an_editor_the_built_in_viewer_shows_the_file() {
    let case = Case::good();
    let mut pty = open(&case, 80, 24, &[("EDITOR", "/nonexistent/editor")]);
    pty.key("f4");
    let screen = pty.wait_text("1 ▌ name: Kolthoum Sarahati");
    assert!(screen.contains("4 ▌ sources: [ai-release]"), "{screen}");
    assert!(
        screen.contains("editor `/nonexistent/editor` not found"),
        "{screen}"
    );
    pty.send("q");
    pty.wait_for("the viewer closed", |s| !s.contains("▌ name:"));
    // `v` opens the viewer on purpose, at the selected field.
    pty.key("tab");
    select_detail(&mut pty, "Status");
    pty.send("v");
    let screen = pty.wait_text("2 ▌ status: killed");
    assert!(
        screen.contains("1 │ name: Kolthoum Sarahati"),
        "only the field is marked:\n{screen}"
    );
    pty.send("q");
    quit(pty);
}

#[test]
fn narrow_and_tiny_terminals() {
    let case = Case::good();
    let mut pty = open(&case, 80, 24, &[]);
    pty.key("ctrl-end");
    pty.wait_for("the source selected", |_| {
        row(&pty, 1).contains("Records 4/4")
    });
    pty.resize(40, 12);
    let screen = pty.wait_for("one pane at 40 columns", |s| {
        s.contains("Records 4/4") && !s.contains("Detail")
    });
    assert!(screen.lines().all(|l| l.chars().count() <= 40));
    pty.key("tab");
    pty.wait_for("the detail pane alone", |s| {
        s.contains("Detail") && !s.contains("Records 4/4")
    });
    pty.key("tab");
    pty.resize(20, 5);
    pty.wait_for("something drawn at 20x5", |s| s.contains("Reco"));
    for key in ["down", "up", "ctrl-end", "f1"] {
        pty.key(key);
    }
    pty.wait_for("help at 20x5", |s| s.contains("filter:"));
    // Wait for each step on screen: an Esc and the next key read together would be Alt+key.
    pty.key("esc");
    pty.wait_for("help closed at 20x5", |s| !s.contains("filter:"));
    pty.resize(80, 24);
    pty.wait_for("the selection kept at 80x24", |s| {
        row(&pty, 1).contains("Records 4/4") && s.contains("Detail")
    });
    quit(pty);
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let case = Case::good();
    let mut pty = open(&case, 80, 24, &[]);
    pty.send("/");
    pty.key("ctrl-c");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for (signal, code) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let case = Case::good();
        let mut pty = open(&case, 80, 24, &[]);
        pty.signal(signal);
        assert_eq!(pty.wait_exit(), code, "SIG{signal}");
        pty.assert_restored();
    }
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_redraws() {
    // Job control needs a shell: run dossier from an interactive bash, as a user would.
    let case = Case::good();
    let mut pty = Pty::spawn_program(
        case.path(),
        "bash",
        &["--norc", "--noprofile", "-i"],
        &[("PS1", "$ ")],
        80,
        24,
    );
    pty.send(&format!("'{}' .\r", crate::util::BIN));
    pty.wait_text("Records");
    pty.key("ctrl-z");
    pty.wait_for("the shell back", |s| {
        !pty.alternate_screen() && s.contains("Stopped")
    });
    pty.send("fg\r");
    pty.wait_for("the browser redrawn", |s| {
        pty.alternate_screen() && s.contains("Records 1/4")
    });
    pty.key("ctrl-c");
    pty.wait_for("the shell prompt again", |s| {
        !pty.alternate_screen() && s.trim_end().ends_with('$')
    });
    pty.assert_restored();
    pty.send("exit\r");
    pty.wait_exit();
}

#[test]
fn a_mouse_click_selects_a_row() {
    let case = Case::good();
    let mut pty = open(&case, 80, 24, &[]);
    // SGR mouse report: button 0 pressed at column 5, row 5 (1-based): the third record.
    pty.send("\x1b[<0;5;5M\x1b[<0;5;5m");
    pty.wait_for("the camp selected", |_| {
        row(&pty, 1).contains("Records 3/4")
    });
    assert!(detail_title(&pty).starts_with("Camp Liberty"));
    quit(pty);
}

#[test]
fn help_lists_every_key_and_filters() {
    let case = Case::good();
    let mut pty = open(&case, 80, 24, &[]);
    pty.key("f1");
    let screen = pty.wait_text("Keys — type to filter");
    assert!(screen.contains("quit"));
    pty.send("viewer");
    let screen = pty.wait_text("filter: viewer");
    assert!(
        screen.contains("show the file of the record shown in the built-in viewer"),
        "{screen}"
    );
    assert!(!screen.contains("next record"), "{screen}");
    pty.key("esc");
    pty.wait_for("help closed", |s| !s.contains("Keys — type"));
    quit(pty);
}

/// A folder big enough that loading it in a debug build takes a moment.
fn large_case() -> Case {
    let case = Case::empty();
    casegen::write(&case.path().join("cases"), 6000, 1).expect("generate 6000 records");
    case
}

/// The browser on the large folder, showing its loading screen.
fn open_while_loading(case: &Case) -> Pty {
    let pty = Pty::spawn(case.path(), &["cases"], &[], 80, 24);
    pty.wait_text("loading case files");
    pty
}

#[test]
fn the_screen_answers_while_loading_and_keeps_what_was_typed() {
    let case = large_case();
    // Progress first, then the list; what was typed meanwhile becomes the query.
    let mut pty = open_while_loading(&case);
    pty.send("/");
    pty.send("hosseini");
    // The search answered: the query shown, no "…" pending mark, and fewer than all records.
    let screen = pty.wait_for("the typed-ahead query applied to the full list", |s| {
        s.lines().next().is_some_and(|l| {
            l.contains("/ hosseini") && !l.contains('…') && !l.contains("6000/6000")
        })
    });
    let first = screen.lines().nth(2).unwrap_or_default().to_owned();
    assert!(first.to_lowercase().contains("hosseini"), "{screen}");
    pty.key("enter");
    pty.wait_for("the record read", |s| s.contains("READ"));
    quit(pty);
}

#[test]
fn ctrl_c_while_loading_quits_and_restores_the_terminal() {
    let case = large_case();
    let mut pty = open_while_loading(&case);
    pty.key("ctrl-c");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

/// The text of every OSC 52 clipboard write in the output, decoded.
pub fn clipboard_writes(raw: &[u8]) -> Vec<String> {
    use base64::Engine as _;
    let text = String::from_utf8_lossy(raw);
    text.split("\u{1b}]52;c;")
        .skip(1)
        .filter_map(|rest| rest.split('\u{7}').next())
        .map(|b64| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("base64 in OSC 52");
            String::from_utf8(bytes).expect("UTF-8 on the clipboard")
        })
        .collect()
}

#[test]
fn copy_keys_put_the_id_the_location_and_a_citation_on_the_clipboard_by_osc_52() {
    let case = Case::good();
    let mut pty = open(&case, 80, 24, &[]);
    search(&mut pty, "rocket", "I Rocket attack");
    pty.key("enter");
    pty.wait_for("the detail pane focused", |_| {
        selected_detail_row(&pty).is_some()
    });
    pty.send("y");
    pty.wait_text("copied the id");
    select_detail(&mut pty, "C Camp Liberty");
    pty.send("Y");
    pty.wait_text("copied path:line");
    pty.send("c");
    pty.wait_text("copied a citation");
    let writes = clipboard_writes(&pty.raw());
    assert_eq!(writes.len(), 3, "{writes:?}");
    assert_eq!(writes[0], "rocket-attack");
    assert_eq!(
        writes[1], "incidents/rocket-attack.yaml:4",
        "the camp field's line"
    );
    assert_eq!(
        writes[2],
        "**Rocket attack on Camp Liberty** (incident, 2013-06-15, Camp Liberty). \
         Sources: Amnesty International, \u{201c}A release about the camp\u{201d} \
         (press release, 2013-06?, MDE 14/010/2013)."
    );
    quit(pty);
}

#[test]
fn keys_typed_ahead_of_the_search_act_on_its_results() {
    let case = large_case();
    let unique = case.write(
        "cases/people/zyxwv-qqq.yaml",
        "name: Zyxwv Qqq\nstatus: missing\n",
    );
    let (editor, args) = stub_editor(&case);
    let mut pty = Pty::spawn(case.path(), &["cases"], &[("EDITOR", &editor)], 80, 24);
    pty.wait_text("Records 1/6001");
    // All at once, as a paste or a fast typist over a slow link sends it: search, read the
    // first result, edit it. The edit must open what the search put first.
    pty.send("zyxwv\re");
    let file = std::path::absolute(&unique).unwrap().display().to_string();
    assert_eq!(wait_args(&args), ["+1", file.as_str()]);
    pty.wait_text("Zyxwv Qqq  person");
    quit(pty);
}
