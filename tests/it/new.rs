//! `dossier new KIND NAME`: a record file from a template, its id from its name, the editor at
//! the first field to fill (in a real terminal, with a stub editor that records its arguments),
//! the record's checks after; and every refusal one line, exit 2, nothing written.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::pty::Pty;
use crate::util::{BIN, Case, run_command, snapshot};

#[test]
fn new_writes_a_template_named_after_the_record_and_checks_it() {
    let case = Case::good();
    let run = case.run(&["new", "person", "Ja’far Kazemi", "-C", "."]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.lines(),
        [
            "created people/jafar-kazemi.yaml (person `jafar-kazemi`)",
            "people/jafar-kazemi.yaml:1:1: warning: person record cites no source",
            "  hint: add `sources:` with the id of the source record each claim comes from",
            "checked people/jafar-kazemi.yaml: 0 errors, 1 warning",
        ]
    );
    let text = std::fs::read_to_string(case.path().join("people/jafar-kazemi.yaml")).unwrap();
    assert!(text.starts_with("name: Ja’far Kazemi\n"), "{text}");
    // The vocabularies `check` knows, in the comments.
    assert!(
        text.contains("\nstatus: ") && text.contains("executed"),
        "{text}"
    );
    // The new record is a record like any other.
    let show = case.run(&["show", "jafar-kazemi", "-C", "."]);
    assert_eq!(show.code, Some(0), "{}", show.stderr);
    assert!(
        show.stdout.starts_with("Ja’far Kazemi  person"),
        "{}",
        show.stdout
    );
    // A kind whose folder does not exist yet gets its folder.
    let org = case.run(&[
        "-C",
        ".",
        "new",
        "org",
        "Iraqi Security Forces",
        "--no-edit",
    ]);
    assert_eq!(org.code, Some(0), "{}", org.stderr);
    assert!(
        case.path()
            .join("organizations/iraqi-security-forces.yaml")
            .is_file()
    );
    let check = case.run(&["check", "."]);
    assert_eq!(check.code, Some(0), "{}", check.stdout);
}

#[test]
fn an_existing_id_is_never_overwritten_and_the_next_free_one_is_named() {
    let case = Case::good();
    let before = snapshot(case.path());
    let run = case.run(&["new", "person", "Kolthoum Sarahati", "-C", "."]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "dossier: a record with id `kolthoum-sarahati` exists (people/kolthoum-sarahati.yaml); for another record of that name use --id kolthoum-sarahati-2\n"
    );
    assert_eq!(snapshot(case.path()), before, "nothing written");
    // Ids are unique across kinds: a camp named like a person is refused too.
    let run = case.run(&["new", "camp", "Kolthoum Sarahati", "-C", "."]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    // The suggested id works.
    let run = case.run(&[
        "new",
        "person",
        "Kolthoum Sarahati",
        "--id",
        "kolthoum-sarahati-2",
        "-C",
        ".",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        case.path()
            .join("people/kolthoum-sarahati-2.yaml")
            .is_file()
    );
}

#[test]
fn bad_input_is_one_line_exit_2_and_nothing_written() {
    let case = Case::good();
    let before = snapshot(case.path());
    for (args, says) in [
        (
            &["new", "group", "PMOI"][..],
            "dossier: `group` is not a kind; write person, incident, camp, organization or source",
        ),
        (
            &["new", "person", ""][..],
            "dossier: the name is empty; give the record's name",
        ),
        (
            &["new", "person", " \u{200b} "][..],
            "dossier: the name is empty; give the record's name",
        ),
        (
            &["new", "person", "*** !!!"][..],
            "dossier: cannot make an id from `*** !!!`: no letter or digit is left in ASCII; give one with --id",
        ),
        (
            &["new", "person", "محمد"][..],
            "dossier: cannot make an id from `محمد`: no letter or digit is left in ASCII; give one with --id",
        ),
        (
            &["new", "person", "X", "--id", "../x"][..],
            "dossier: `../x` cannot be an id; use letters, digits and `-`",
        ),
    ] {
        let mut all = args.to_vec();
        all.extend(["-C", "."]);
        let run = case.run(&all);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr, format!("{says}\n"), "{args:?}");
    }
    assert_eq!(snapshot(case.path()), before, "nothing written");
}

#[test]
fn a_folder_that_cannot_be_written_is_one_line_and_exit_2() {
    let case = Case::good();
    // Root writes anywhere, so run as nobody (setpriv, util-linux) in a read-only tree.
    for dir in walkdir::WalkDir::new(case.path())
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
    {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let before = snapshot(case.path());
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(BIN)
        .args(["new", "person", "Ali Saremi", "-C", "."])
        // Nobody cannot write the cache either; that line is the index tests' business.
        .env("DOSSIER_NO_INDEX", "1")
        .current_dir(case.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let run = run_command(cmd);
    for dir in walkdir::WalkDir::new(case.path())
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
    {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "dossier: cannot create ./people/ali-saremi.yaml: permission denied\n"
    );
    assert_eq!(snapshot(case.path()), before, "nothing written");
}

/// A stub editor that records its arguments, then adds a line to the file it was given, as
/// a user would: here a status `check` does not know.
fn editing_stub(case: &Case, line: &str) -> (String, std::path::PathBuf) {
    let out = case.path().join(".stub/editor-args.txt");
    let script = case.write(
        ".stub/stub-editor",
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nfor f; do :; done\nprintf '%s\\n' '{line}' >> \"$f\"\n",
            out.display()
        ),
    );
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script.display().to_string(), out)
}

#[test]
fn in_a_terminal_the_editor_opens_at_the_first_field_to_fill_and_the_record_is_checked_after() {
    let case = Case::good();
    let (editor, args) = editing_stub(&case, "nationality: [Iranian, Iraqi]");
    let mut pty = Pty::spawn(
        case.path(),
        &["new", "person", "Ali Saremi", "-C", "."],
        &[("EDITOR", &editor)],
        100,
        24,
    );
    pty.wait_text("checked people/ali-saremi.yaml: 1 error");
    assert_eq!(pty.wait_exit(), 1, "{}", pty.screen());
    let file = std::path::absolute(case.path().join("people/ali-saremi.yaml")).unwrap();
    let recorded = std::fs::read_to_string(&args).unwrap();
    // `sex:`, the line after the name and the aliases, is the first field to fill.
    assert_eq!(recorded, format!("+3\n{}\n", file.display()));
    let screen = pty.screen();
    assert!(
        screen.contains("people/ali-saremi.yaml:12:1: error: duplicate key `nationality`"),
        "{screen}"
    );

    // `--no-edit` in a terminal: no editor.
    let mut pty = Pty::spawn(
        case.path(),
        &["new", "camp", "Camp New Iraq", "--no-edit", "-C", "."],
        &[("EDITOR", &editor)],
        100,
        24,
    );
    pty.wait_text("checked camps/camp-new-iraq.yaml: 0 errors");
    assert_eq!(pty.wait_exit(), 0);
    assert!(!args.exists() || std::fs::read_to_string(&args).unwrap() == recorded);
}

/// From the browser: the query is the name, `alt-1` the kind, `alt-n` writes the record and
/// opens the editor at its first field; back from the editor, the detail pane shows the new
/// record, as saved.
#[test]
fn the_browsers_new_record_key_writes_edits_and_lands_on_the_record() {
    let case = Case::good();
    let (editor, args) = editing_stub(&case, "tags: [new]");
    let mut pty = crate::tui::open(&case, 80, 24, &[("EDITOR", &editor)]);
    pty.send("Nasrin Sotoudeh");
    pty.send("\x1bn");
    // No kind chosen: nothing is written, and the status bar says what to do.
    pty.wait_text("choose its kind first");
    assert!(!case.path().join("people/nasrin-sotoudeh.yaml").exists());
    pty.key("alt-1");
    pty.wait_text("[people]");
    pty.send("\x1bn");
    let file = std::path::absolute(case.path().join("people/nasrin-sotoudeh.yaml")).unwrap();
    let recorded = crate::tui::wait_args(&args);
    assert_eq!(recorded, ["+3", file.to_str().unwrap()]);
    pty.wait_for("the new record shown", |_| {
        crate::tui::detail_title(&pty).starts_with("Nasrin Sotoudeh  person")
    });
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.ends_with("tags: [new]\n"), "{text}");
    crate::tui::quit(pty);
}
