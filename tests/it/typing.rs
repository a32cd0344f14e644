//! The browser's two promises, checked as a user meets them. **Typing is typing**: from a
//! fresh start, after `Esc Esc`, and after reading a record, any word typed lands in the query
//! unchanged and runs no command. **The record acted on is the record shown**: after following a
//! link, going back or forward, a timeline, a reload, the copy and edit keys act on the record
//! the detail pane shows, and say which.

use std::path::{Path, PathBuf};

use crate::pty::Pty;
use crate::tui::{clipboard_writes, detail_title, follow, quit, row, stub_editor, wait_args};
use crate::util::{BIN, Case};

/// The bundled case files, read in place: the browser never writes to them.
fn bundled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("casefiles")
}

/// The names of the people in the bundled case files, from `dossier list`.
fn people() -> Vec<String> {
    let out = std::process::Command::new(BIN)
        .args(["list", "--kind", "person", "--json"])
        .arg(bundled())
        .output()
        .expect("dossier list runs");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    list.as_array()
        .expect("an array")
        .iter()
        .map(|r| r["name"].as_str().expect("a name").to_owned())
        .collect()
}

/// The browser on the bundled case files with an editor that records being started.
fn open_bundled(case: &Case, editor: &str) -> Pty {
    let pty = Pty::spawn(
        case.path(),
        &[bundled().to_str().expect("a UTF-8 path")],
        &[("EDITOR", editor)],
        100,
        30,
    );
    pty.wait_text("Records 1/");
    pty
}

/// Type `text` and wait until the search bar shows exactly it and the search has answered.
fn type_query(pty: &mut Pty, text: &str) {
    pty.send(text);
    let echoed = format!(" / {text} ");
    pty.wait_for(&format!("the query {text:?} answered"), |_| {
        let bar = row(pty, 0);
        bar.starts_with(&echoed) && !bar.contains('…')
    });
}

/// Nothing but typing happened: still running, in the search box, no editor started.
fn nothing_ran(pty: &mut Pty, editor_log: &Path, after: &str) {
    assert!(
        row(pty, 29).starts_with(" SEARCH"),
        "after {after:?} the browser left the search box:\n{}",
        pty.screen()
    );
    assert!(
        pty.alternate_screen(),
        "after {after:?} the browser quit:\n{}",
        pty.screen()
    );
    assert!(
        !editor_log.exists(),
        "typing {after:?} started the editor: {:?}",
        std::fs::read_to_string(editor_log)
    );
    assert!(
        !pty.screen().contains("Keys — type") && !pty.screen().contains("▌"),
        "typing {after:?} opened a box:\n{}",
        pty.screen()
    );
}

/// Dates and words that once ran commands: `2009 raid` lost its `200`, `1 September 2013`
/// turned on the people filter.
const DATES: [&str; 3] = ["2013-06-15", "1 September 2013", "2009 raid"];

#[test]
fn any_name_or_date_typed_from_a_fresh_start_lands_in_the_query_and_runs_nothing() {
    let case = Case::empty();
    let (editor, log) = stub_editor(&case);
    let names = people();
    assert_eq!(names.len(), 35, "{names:?}");
    for text in names.iter().map(String::as_str).chain(DATES) {
        let mut pty = open_bundled(&case, &editor);
        type_query(&mut pty, text);
        nothing_ran(&mut pty, &log, text);
        if names.iter().any(|n| n == text) {
            pty.wait_for(&format!("{text} shown"), |_| {
                detail_title(&pty).starts_with(&format!("{text}  person"))
            });
        } else {
            assert!(
                !row(&pty, 2).contains("nothing matches"),
                "{text}:\n{}",
                pty.screen()
            );
        }
        quit(pty);
    }
}

#[test]
fn after_esc_esc_and_after_reading_a_record_typing_still_lands_in_the_query() {
    let case = Case::empty();
    let (editor, log) = stub_editor(&case);
    let mut pty = open_bundled(&case, &editor);
    for (n, name) in people().iter().enumerate() {
        if n % 2 == 0 {
            // Esc Esc: clear and clear again (it never quits).
            pty.key("esc");
            pty.key("esc");
        } else {
            // Read the record, then back to the search box: the old query is selected, so
            // typing replaces it rather than being glued to it.
            pty.key("enter");
            pty.wait_for("the record read", |_| row(&pty, 29).starts_with(" READ"));
            pty.key("esc");
            pty.wait_for("the search box", |_| row(&pty, 29).starts_with(" SEARCH"));
        }
        type_query(&mut pty, name);
        nothing_ran(&mut pty, &log, name);
        pty.wait_for(&format!("{name} shown"), |_| {
            detail_title(&pty).starts_with(&format!("{name}  person"))
        });
    }
    for date in DATES {
        pty.key("esc");
        pty.key("esc");
        type_query(&mut pty, date);
        nothing_ran(&mut pty, &log, date);
    }
    quit(pty);
}

/// The detail pane's title, the citation the copy key puts on the clipboard, the status bar's
/// words and the file the edit key opens must all name the same record.
fn acts_on_what_is_shown(pty: &mut Pty, log: &Path, title: &str, file: &str) {
    pty.wait_for(&format!("{title} shown"), |_| {
        detail_title(pty).starts_with(title)
    });
    let before = clipboard_writes(&pty.raw()).len();
    pty.key("ctrl-y");
    pty.wait_for("the copy named in the status bar", |_| {
        row(pty, 29).contains(&format!("copied a citation of “{title}”"))
    });
    let writes = clipboard_writes(&pty.raw());
    assert_eq!(writes.len(), before + 1);
    let copied = writes.last().expect("a copy");
    assert!(
        copied.starts_with(&format!("**{title}**")),
        "the pane shows {title} but the clipboard got {copied:?}"
    );
    pty.key("f4");
    let args = wait_args(log);
    assert!(
        args.last().is_some_and(|a| a.ends_with(file)),
        "the pane shows {title} but the editor opened {args:?}"
    );
    pty.wait_for("back from the editor", |_| {
        row(pty, 29).contains(&format!("“{title}”"))
    });
}

#[test]
fn copy_and_edit_act_on_the_record_the_detail_pane_shows() {
    let case = Case::good();
    let (editor, log) = stub_editor(&case);
    let mut pty = Pty::spawn(case.path(), &["."], &[("EDITOR", &editor)], 100, 30);
    pty.wait_text("Records 1/4");
    type_query(&mut pty, "rocket");
    acts_on_what_is_shown(
        &mut pty,
        &log,
        "Rocket attack on Camp Liberty",
        "incidents/rocket-attack.yaml",
    );
    // Read the attack, follow its victim, go back to the search box: the list still selects
    // the attack, the pane shows Kolthoum Sarahati, and the keys act on her.
    pty.key("enter");
    follow(&mut pty, "P Kolthoum Sarahati", "Kolthoum Sarahati");
    pty.send("h");
    pty.wait_for("the search box", |_| row(&pty, 29).starts_with(" SEARCH"));
    assert!(row(&pty, 2).contains("I Rocket attack"), "{}", pty.screen());
    acts_on_what_is_shown(
        &mut pty,
        &log,
        "Kolthoum Sarahati",
        "people/kolthoum-sarahati.yaml",
    );
    // Back and forward, from the search box.
    pty.key("ctrl-o");
    acts_on_what_is_shown(
        &mut pty,
        &log,
        "Rocket attack on Camp Liberty",
        "incidents/rocket-attack.yaml",
    );
    pty.key("alt-right");
    acts_on_what_is_shown(
        &mut pty,
        &log,
        "Kolthoum Sarahati",
        "people/kolthoum-sarahati.yaml",
    );
    // A reload keeps what is shown, and the keys on it.
    case.write("sources/new.yaml", "title: A new source\n");
    pty.wait_for("the reload", |_| row(&pty, 0).contains("/5"));
    acts_on_what_is_shown(
        &mut pty,
        &log,
        "Kolthoum Sarahati",
        "people/kolthoum-sarahati.yaml",
    );
    // Her timeline: the list changes, and so does the pane, to the incident it selects.
    pty.key("alt-t");
    pty.wait_for("her timeline", |s| s.contains("Timeline 1/1"));
    acts_on_what_is_shown(
        &mut pty,
        &log,
        "Rocket attack on Camp Liberty",
        "incidents/rocket-attack.yaml",
    );
    // Moving the selection previews the row moved to.
    pty.key("esc");
    pty.key("esc");
    pty.wait_for("every record", |s| s.contains("Records 1/5"));
    pty.key("down");
    acts_on_what_is_shown(
        &mut pty,
        &log,
        "Rocket attack on Camp Liberty",
        "incidents/rocket-attack.yaml",
    );
    quit(pty);
}

#[test]
fn a_search_answered_late_acts_on_what_it_shows() {
    // Keys typed ahead of the search wait for it: the copy is of the record the search puts
    // first, and that record is the one shown when the copy is made.
    let case = Case::good();
    let mut pty = Pty::spawn(case.path(), &["."], &[], 100, 30);
    pty.wait_text("Records 1/4");
    pty.send("liberty\x19");
    pty.wait_for("the copy", |_| {
        row(&pty, 29).contains("copied a citation of")
    });
    let title = detail_title(&pty);
    let copied = clipboard_writes(&pty.raw()).pop().expect("a copy");
    let name = title.split("  ").next().unwrap_or_default();
    assert!(
        copied.starts_with(&format!("**{name}**")),
        "shown {title:?}, copied {copied:?}"
    );
    assert!(
        row(&pty, 29).contains(&format!("“{name}”")),
        "{}",
        row(&pty, 29)
    );
    quit(pty);
}

#[test]
fn bad_filters_are_named_in_the_status_bar_as_you_type() {
    let case = Case::good();
    let mut pty = Pty::spawn(case.path(), &["."], &[], 120, 30);
    pty.wait_text("Records 1/4");
    for (query, said) in [
        (
            "year:20x3",
            "year:20x3 is not a year: write year:2013 or year:2009-2013",
        ),
        (
            "campp:liberty",
            "campp: is not a filter; did you mean camp:?",
        ),
        ("camp:nowhere", "camp:nowhere matches nothing"),
        ("kind:group", "kind:group is not a kind"),
    ] {
        pty.key("ctrl-u");
        type_query(&mut pty, query);
        pty.wait_for(&format!("{said:?} in the status bar"), |_| {
            row(&pty, 29).contains(said)
        });
    }
    quit(pty);
}

#[test]
fn help_lists_the_search_syntax_and_home_and_end_work_there() {
    let case = Case::good();
    let mut pty = Pty::spawn(case.path(), &["."], &[], 100, 30);
    pty.wait_text("Records 1/4");
    pty.key("f1");
    pty.wait_text("Keys — type to filter");
    pty.key("end");
    let screen = pty.wait_text("Search syntax");
    assert!(screen.contains("camp:liberty"), "{screen}");
    assert!(screen.contains("person:saremi"), "{screen}");
    pty.key("home");
    pty.wait_text("Everywhere");
    pty.send("year");
    let screen = pty.wait_text("filter: year");
    assert!(screen.contains("year:2013"), "{screen}");
    pty.key("esc");
    pty.wait_for("help closed", |s| !s.contains("Keys — type"));
    quit(pty);
}

#[test]
fn the_problems_panel_closes_itself_when_the_last_problem_is_fixed() {
    let case = Case::good();
    let broken = case.write("people/broken.yaml", "name: [unclosed\n");
    let mut pty = Pty::spawn(case.path(), &["."], &[], 100, 30);
    pty.wait_text("Records");
    pty.key("f2");
    pty.wait_text("Problems in the case files: 1");
    std::fs::write(&broken, "name: Fixed Now\nsources: [ai-release]\n").unwrap();
    pty.wait_for("the panel gone and the fix named", |s| {
        !s.contains("Problems in the case files") && s.contains("1 problem fixed")
    });
    quit(pty);
}

#[test]
fn the_selected_link_is_readable_on_the_selection() {
    // The regression: a selected link was drawn blue on the blue selection bar.
    let case = Case::good();
    let mut pty = Pty::spawn(case.path(), &["."], &[], 100, 30);
    pty.wait_text("Records 1/4");
    pty.key("enter");
    crate::tui::select_detail(&mut pty, "C Camp Liberty");
    let (r, line) = pty
        .rows()
        .into_iter()
        .enumerate()
        .find(|(_, l)| l.contains("→ C Camp Liberty"))
        .expect("the link on screen");
    let col = u16::try_from(
        line.find("Camp Liberty")
            .map_or(0, |b| line[..b].chars().count()),
    )
    .unwrap();
    let row = u16::try_from(r).unwrap();
    let (fg, bg) = (pty.cell_fg(row, col), pty.cell_bg(row, col));
    assert_eq!(bg, Some(vt100::Color::Idx(4)), "the selection bar");
    assert_ne!(fg, bg, "the link's letters vanish into the bar");
    assert_ne!(fg, Some(vt100::Color::Idx(4)));
    quit(pty);
}

#[test]
fn q_quits_only_where_letters_are_commands() {
    let case = Case::good();
    let mut pty = Pty::spawn(case.path(), &["."], &[], 100, 30);
    pty.wait_text("Records 1/4");
    type_query(&mut pty, "q");
    pty.key("ctrl-u");
    pty.key("esc");
    pty.key("esc");
    pty.wait_for("Esc says how to quit", |_| {
        row(&pty, 29).contains("nothing to clear; Ctrl-C quits")
    });
    pty.key("enter");
    pty.wait_for("the record read", |_| row(&pty, 29).starts_with(" READ"));
    pty.send("q");
    assert_eq!(pty.wait_exit(), 0);
    pty.assert_restored();
}

#[test]
fn esc_and_a_letter_arriving_together_are_both_kept() {
    // Over a slow link Esc and the next letter can come in one packet, which reads as Alt and
    // the letter. With no Alt chord bound there, it is taken for what it was: Esc, then a letter.
    let case = Case::good();
    let mut pty = Pty::spawn(case.path(), &["."], &[], 100, 30);
    pty.wait_text("Records 1/4");
    type_query(&mut pty, "kolthoum");
    pty.send("\x1brocket");
    pty.wait_for("the query replaced by the letters after Esc", |_| {
        row(&pty, 0).starts_with(" / rocket ")
    });
    // In the detail pane, Esc goes back to the search box: the letters land in the query.
    pty.key("enter");
    pty.wait_for("the record read", |_| row(&pty, 29).starts_with(" READ"));
    pty.send("\x1bsaremi");
    pty.wait_for("back in the search box with the new query", |_| {
        row(&pty, 0).starts_with(" / saremi ") && row(&pty, 29).starts_with(" SEARCH")
    });
    quit(pty);
}
