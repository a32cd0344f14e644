//! Untrusted case files: each hostile input ends within the time limit with an exact diagnostic,
//! in bounded memory, and the good records beside it still load.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::check::check;
use crate::util::{BIN, Case, Run, run_command};

/// Run `dossier ARGS` in the case folder with its address space capped, so a blow-up fails the
/// test instead of the machine.
fn check_bounded(case: &Case, args: &[&str]) -> crate::util::Run {
    let mut cmd = Command::new("prlimit");
    cmd.arg("--as=2147483648")
        .arg("--")
        .arg(BIN)
        .args(args)
        .current_dir(case.path())
        .env_remove("DOSSIER_DIR");
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    run_command(cmd)
}

#[test]
fn escape_sequences_in_records_load_as_text() {
    check(
        &Case::bad("terminal-escapes"),
        &[
            "people/hostile.yaml:2:1: warning: `name` has an invisible or control character, U+001B, shown as `\\u{1b}`",
            "people/hostile.yaml:3:1: warning: `aliases` has an invisible or control character, U+001B, shown as `\\u{1b}`",
            "people/hostile.yaml:10:1: warning: `summary` has an invisible or control character, U+001B, shown as `\\u{1b}`",
        ],
    );
    // The CLI's plain output shows them as visible escapes; none reaches the terminal raw.
    let case = Case::bad("terminal-escapes");
    for args in [
        &["list", "."][..],
        &["show", "hostile", "-C", "."],
        &["search", "-C", ".", "mallory"],
    ] {
        let run = case.run(args);
        assert!(
            run.stdout
                .contains("Mallory \\u{1b}]52;c;SGFja2Vk\\u{7} clipboard"),
            "{args:?}: {}",
            run.stdout
        );
        assert!(
            !run.stdout.contains('\x1b')
                && !run.stdout.contains('\u{9b}')
                && !run.stdout.contains('\u{202e}'),
            "{args:?}"
        );
    }
    let run = case.run(&["show", "hostile", "-C", ".", "--json"]);
    assert!(
        run.stdout
            .contains(r#""name": "Mallory \u001b]52;c;SGFja2Vk\u0007 clipboard""#),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn tabs_in_indentation() {
    check(
        &Case::bad("tabs"),
        &["people/tabbed.yaml:3:2: error: tabs disallowed within this context (block indentation)"],
    );
}

#[test]
fn crlf_line_endings_load_with_the_right_lines() {
    let case = Case::bad("crlf");
    check(&case, &[]);
    let json = case.run(&["show", "windows", "-C", ".", "--json"]).json();
    assert_eq!(json["field_lines"]["sources"], 3);
    assert_eq!(json["status"], "alive");
}

#[test]
fn nul_bytes() {
    check(
        &Case::bad("nul-bytes"),
        &["people/nul.yaml:4:23: error: unexpected character: `\\u{0}'"],
    );
}

#[test]
fn several_documents_in_one_file() {
    check(
        &Case::bad("multiple-documents"),
        &["people/two.yaml:3:1: error: more than one YAML document (`---`) in one file"],
    );
}

#[test]
fn a_list_or_a_scalar_instead_of_a_record() {
    let expected = "error: a record file must be a mapping of fields (`name: ...`), not a list or a single value";
    check(
        &Case::bad("top-level-list"),
        &[&format!("people/list.yaml:1:1: {expected}")],
    );
    check(
        &Case::bad("top-level-scalar"),
        &[&format!("people/scalar.yaml:1:1: {expected}")],
    );
}

#[test]
fn values_of_the_wrong_type() {
    check(
        &Case::bad("wrong-type"),
        &[
            "camps/nested.yaml:3:16: error: in `location`: expected a mapping (`key: value`)",
            "people/wrong.yaml:2:9: error: in `status`: expected a single value, not a list or mapping",
        ],
    );
}

#[test]
fn a_document_outside_the_folder_is_refused() {
    check(
        &Case::bad("document-outside"),
        &[
            "sources/outside.yaml:2:1: error: document `../../../../../etc/passwd` is outside the case-file folder",
        ],
    );
}

#[test]
fn a_symlink_out_of_the_folder_is_refused() {
    let case = Case::good();
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "name: Outside\nsources: [ai-release]\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), case.path().join("people/linked.yaml")).unwrap();
    check(
        &case,
        &[
            "people/linked.yaml:1:1: error: symbolic link points outside the case-file folder; not followed",
        ],
    );
    // A document reached through a symlink that leaves the folder is refused too.
    std::fs::remove_file(case.path().join("people/linked.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.path(), case.path().join("doc.txt")).unwrap();
    case.write(
        "sources/linked-doc.yaml",
        "title: Linked\ndocument: doc.txt\n",
    );
    check(
        &case,
        &[
            "sources/linked-doc.yaml:2:1: error: document `doc.txt` leads outside the case-file folder (symbolic link); it will not be opened",
        ],
    );
}

#[test]
fn a_symlink_loop_does_not_hang() {
    let case = Case::good();
    std::os::unix::fs::symlink("..", case.path().join("people/loop")).unwrap();
    std::os::unix::fs::symlink("loop2.yaml", case.path().join("people/loop1.yaml")).unwrap();
    std::os::unix::fs::symlink("loop1.yaml", case.path().join("people/loop2.yaml")).unwrap();
    let run = case.run(&["check", "."]);
    assert!(
        run.stdout
            .contains("people/loop1.yaml:1:1: error: broken symbolic link"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("people/loop2.yaml:1:1: error: broken symbolic link"),
        "{}",
        run.stdout
    );
    crate::util::assert_good_records_load(&case);
}

/// Issue 17, item 21: the warning said "skipped" while the files in the folder were loaded.
#[test]
fn a_directory_named_like_a_record() {
    let case = Case::good();
    case.write(
        "people/folder.yaml/inner.yaml",
        "name: Inner\nsources: [ai-release]\n",
    );
    check(
        &case,
        &[
            "people/folder.yaml:1:1: warning: a folder named like a record file; read as a folder, the files in it as records",
        ],
    );
    assert!(crate::util::listed_ids(&case).contains(&"inner".to_owned()));
}

/// Issue 17, item 12: a record 32 or more folders deep was skipped without a word. There is no
/// depth limit now (links to folders are not followed, so there is no loop to stop).
#[test]
fn a_record_forty_folders_deep_is_loaded() {
    let case = Case::good();
    let deep = ["d"; 40].join("/");
    case.write(
        &format!("people/{deep}/deep.yaml"),
        "name: Deep\nsources: [ai-release]\n",
    );
    check(&case, &[]);
    assert!(crate::util::listed_ids(&case).contains(&"deep".to_owned()));
}

#[test]
fn a_named_pipe_is_not_read() {
    let case = Case::good();
    let status = Command::new("mkfifo")
        .arg(case.path().join("people/pipe.yaml"))
        .status()
        .unwrap();
    assert!(status.success());
    check(
        &case,
        &["people/pipe.yaml:1:1: error: not a regular file (a pipe, socket or device); not read"],
    );
}

#[test]
fn a_200_megabyte_file_is_refused_without_reading_it() {
    let case = Case::good();
    let f = std::fs::File::create(case.path().join("people/huge.yaml")).unwrap();
    f.set_len(200 * 1024 * 1024).unwrap(); // sparse: no disk used
    let run = check_bounded(&case, &["check", "."]);
    assert!(
        run.stdout.contains("people/huge.yaml:1:1: error: file is 209715200 bytes, over the limit of 4194304 bytes; not read"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn a_10_megabyte_line_parses_in_bounded_time_and_memory_when_allowed() {
    let case = Case::good();
    let line = format!(
        "name: Long\nsources: [ai-release]\nsummary: {}\n",
        "word ".repeat(2 * 1024 * 1024)
    );
    case.write("people/long.yaml", &line);
    let run = check_bounded(&case, &["check", "."]);
    assert!(
        run.stdout.contains("people/long.yaml:1:1: error: file is "),
        "{}",
        run.stdout
    );
    let run = check_bounded(&case, &["check", ".", "--max-file-size", "20000000"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    crate::util::assert_good_records_load(&case);
}

#[test]
fn an_unreadable_file_is_reported_and_the_rest_loads() {
    let case = Case::good();
    let path = case.write(
        "people/secret.yaml",
        "name: Secret\nsources: [ai-release]\n",
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads everything, so run as nobody (setpriv, util-linux) with a readable tree.
    for dir in walkdir::WalkDir::new(case.path())
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
    {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(BIN)
        .args(["check", "."])
        .current_dir(case.path());
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let run = run_command(cmd);
    assert!(
        run.stdout
            .contains("people/secret.yaml:1:1: error: cannot read: permission denied"),
        "{run:?}"
    );
    assert!(run.stdout.contains("checked 5 records"), "{}", run.stdout);
}

/// Issue 17, item 3: a file named `people/$'x\nperson   maryam-rajavi   Maryam Rajavi  (executed)\n...'`
/// or a `name:`/`status:` holding a line break printed a forged record line in `list`,
/// `search`, `show` and `check`. One record is one line: a line break in a value is spelled out.
#[test]
fn line_breaks_in_file_names_and_fields_cannot_forge_a_line() {
    let case = Case::good();
    case.write(
        "people/x\nperson   maryam-rajavi   Maryam Rajavi  (executed)\nperson   y.yaml",
        "name: X\nsources: [ai-release]\n",
    );
    case.write(
        "people/forger.yaml",
        "name: \"Forger\\nperson   fake-name   Fake\"\nstatus: \"killed\\nperson   fake-status   Fake\"\nsources: [ai-release]\n",
    );
    let forged = |line: &str| {
        [
            "person   maryam-rajavi",
            "person   fake-name",
            "person   fake-status",
        ]
        .iter()
        .any(|f| line.starts_with(f))
    };
    for args in [
        &["list", "."][..],
        &["search", "-C", ".", "forger"],
        &["show", "forger", "-C", "."],
        &["show", "forger", "-C", ".", "--format", "citation"],
        &["check", "."],
    ] {
        let run = case.run(args);
        assert!(
            !run.stdout.lines().any(forged),
            "{args:?} printed a forged line:\n{}",
            run.stdout
        );
    }
    let run = case.run(&["list", "."]);
    assert_eq!(run.lines().len(), 5, "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "Forger\\u{a}person   fake-name   Fake  (killed\\u{a}person   fake-status   Fake)"
        ),
        "{}",
        run.stdout
    );
    check(
        &case,
        &[
            "people/forger.yaml:2:9: error: unknown status `killed\\u{a}person   fake-status   Fake`",
            "people/x\\u{a}person   maryam-rajavi   Maryam Rajavi  (executed)\\u{a}person   y.yaml:1:1: error: this file name cannot be an id; the file is not loaded",
            "people/forger.yaml:1:1: warning: `name` has a line break, shown as `\\u{a}`",
            "people/forger.yaml:2:1: warning: `status` has a line break, shown as `\\u{a}`",
        ],
    );
}

/// Issue 17, item 18: invisible characters (the Hangul filler U+3164, the combining grapheme
/// joiner U+034F, tag characters) passed `check`, made blank-looking names or names identical on
/// screen to real ones, and reached `show --format citation` raw. They are shown spelled out,
/// and `check` warns; a name with nothing visible in it is an error.
#[test]
fn invisible_characters_are_shown_and_warned_about() {
    let case = Case::bad("invisible-characters");
    check(
        &case,
        &[
            "people/filler.yaml:1:1: error: `name` looks blank: it has only invisible or blank characters",
            "people/filler.yaml:1:1: warning: `name` has an invisible or control character, U+3164, shown as `\\u{3164}`",
            "people/look-alike.yaml:1:1: warning: `name` has an invisible or control character, U+034F, shown as `\\u{34f}`",
            "people/look-alike.yaml:2:1: warning: `aliases` has an invisible or control character, U+E0041, shown as `\\u{e0041}`",
        ],
    );
    let run = case.run(&["list", "."]);
    assert!(
        run.stdout
            .contains("look-alike         Kolthoum\\u{34f} Sarahati"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("filler             \\u{3164}\n"),
        "{}",
        run.stdout
    );
    for args in [
        &["list", "."][..],
        &["search", "-C", ".", "K. S."],
        &["show", "look-alike", "-C", "."],
        &["show", "look-alike", "-C", ".", "--format", "citation"],
        &["show", "look-alike", "-C", ".", "--format", "markdown"],
    ] {
        let run = case.run(args);
        assert!(
            !run.stdout.contains(['\u{3164}', '\u{34f}', '\u{e0041}']),
            "{args:?}: {}",
            run.stdout
        );
    }
}

/// `dossier ARGS` in the case folder as the user nobody, since root reads everything: made
/// readable to nobody first, except what `unreadable` names (relative paths), which is made
/// unreadable.
fn run_as_nobody(case: &Case, unreadable: &[&str], args: &[&str]) -> Run {
    for entry in walkdir::WalkDir::new(case.path()).into_iter().flatten() {
        let mode = if entry.file_type().is_dir() {
            0o755
        } else {
            0o644
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    for rel in unreadable {
        let path = case.path().join(rel);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(BIN)
        .args(args)
        .current_dir(case.path().parent().unwrap());
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let run = run_command(cmd);
    for rel in unreadable {
        let path = case.path().join(rel);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    run
}

/// Issue 17, item 16: with `people/` unreadable, its cause ("permission denied") was the 145th
/// of 82+ problems, after a "no person with id" for every link to a person. The folder's problem
/// comes first, and the links it leaves dangling are counted in its hint, not listed.
#[test]
fn an_unreadable_folder_is_named_first_and_its_consequences_counted() {
    let case = Case::good();
    for i in 0..20 {
        case.write(
            &format!("incidents/i{i:02}.yaml"),
            "name: An incident\nparticipants:\n  - person: kolthoum-sarahati\n    role: victim\nsources: [ai-release]\n",
        );
    }
    // A link that the unreadable folder cannot explain is still reported.
    case.write(
        "incidents/other.yaml",
        "name: Other\ncamp: no-such-camp\nsources: [ai-release]\n",
    );
    let name = case
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let run = run_as_nobody(&case, &["people"], &["check", &name]);
    let lines: Vec<&str> = run.lines();
    assert_eq!(
        lines[..3],
        [
            format!("{name}/people: error: cannot read this folder: permission denied; the records in it are not loaded").as_str(),
            "  hint: check the permissions of this folder; 21 links to records that may be in it could not be checked",
            format!("{name}/incidents/other.yaml:2:7: error: no camp with id `no-such-camp`").as_str(),
        ],
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("no person with id"), "{}", run.stdout);
    assert_eq!(run.code, Some(1));
}

/// Issue 17, item 20: a folder that could not be read at all loaded as an empty catalog, with
/// an empty path in its one problem; the browser then emptied its list. Now loading it fails,
/// so `check` says so (exit 2) and the browser keeps the catalog it has.
#[test]
fn a_folder_that_cannot_be_read_is_an_error_not_an_empty_catalog() {
    let case = Case::good();
    let name = case
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let run = run_as_nobody(&case, &[""], &["check", &name]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            Some(2),
            "",
            format!("dossier: cannot open case files: {name}: permission denied\n").as_str()
        )
    );
}

/// Issue 17, item 13: `josé.yaml` saved in NFC and in NFD loaded as two records whose ids look
/// the same, and `Case.yaml` beside `case.yaml` passed unremarked. Ids compare in NFC (a link
/// written either way finds the record); ids that differ only in capitals are two records, with
/// a warning naming both files.
#[test]
fn look_alike_ids_are_one_id_or_a_warning() {
    let case = Case::good();
    let (nfc, nfd) = ("jos\u{e9}", "jose\u{301}");
    case.write(
        &format!("people/{nfd}.yaml"),
        "name: Jos\u{e9}\nsources: [ai-release]\n",
    );
    case.write(
        &format!("people/{nfc}.yaml"),
        "name: Jos\u{e9} again\nsources: [ai-release]\n",
    );
    case.write("people/Case.yaml", "name: Upper\nsources: [ai-release]\n");
    case.write(
        "people/case.yaml",
        format!("name: Lower\nsources: [ai-release]\nrelated: [{nfc}, Case]\n"),
    );
    check(
        &case,
        &[
            &format!(
                "people/{nfc}.yaml:1:1: error: duplicate id `{nfc}`: people/{nfd}.yaml has the same name with its accents written differently (`jos\\u{{e9}}` here, `jose\\u{{301}}` there)"
            ),
            "people/case.yaml:1:1: warning: id `case` looks like `Case` of people/Case.yaml",
        ],
    );
    let json = case.run(&["show", "case", "-C", ".", "--json"]).json();
    let related: Vec<&str> = json["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["field"] == "related")
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        related,
        [format!("people/{nfd}.yaml").as_str(), "people/Case.yaml"]
    );
    // `show` finds the record by either spelling.
    assert_eq!(case.run(&["show", nfc, "-C", "."]).code, Some(0));
}

/// `dossier check .` with `command` run between the scan of the folder and the reading of its
/// files (a test hook of debug builds), under a memory cap.
fn check_with_swap(case: &Case, command: &str) -> Run {
    let mut cmd = Command::new("prlimit");
    cmd.arg("--as=2147483648")
        .arg("--")
        .arg(BIN)
        .args(["check", "."])
        .current_dir(case.path())
        .env_remove("DOSSIER_DIR")
        .env("DOSSIER_TEST_AFTER_SCAN", command)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    run_command(cmd)
}

/// Issue 17, item 1: the loader judged a file during the scan, then opened it again by path,
/// following links and blocking. A file swapped after the scan for a pipe hung `check` for
/// ever (and the browser's reload thread with it); swapped for a link to /dev/zero, it was read
/// until memory ran out. Each file is now opened once, judged by what was opened, and read no
/// further than the cap.
#[test]
fn a_file_swapped_between_the_scan_and_the_read_is_judged_as_opened() {
    let expect = |case: &Case, command: &str, line: &str| {
        let run = check_with_swap(case, command);
        let problems: Vec<&str> = run
            .lines()
            .into_iter()
            .filter(|l| l.contains(": error: "))
            .collect();
        assert_eq!(problems, [line], "{command}: {run:?}");
        assert_eq!(run.code, Some(1), "{command}: {run:?}");
    };
    let case = Case::good();
    let person = "people/kolthoum-sarahati.yaml";
    let restore = format!(
        "cp {}/{person} {person}",
        crate::util::fixtures().join("good").display()
    );
    expect(
        &case,
        &format!("rm {person} && mkfifo {person}"),
        "people/kolthoum-sarahati.yaml:1:1: error: not a regular file (a pipe, socket or device); not read",
    );
    case.run(&["list", "."]); // nothing left open on the pipe
    std::fs::remove_file(case.path().join(person)).unwrap();
    shell(&case, &restore);
    expect(
        &case,
        &format!("rm {person} && ln -s /dev/zero {person}"),
        "people/kolthoum-sarahati.yaml:1:1: error: leads outside the case-file folder through a symbolic link; not read",
    );
    // A folder on the way swapped for a link out of the folder: caught on the open file.
    std::fs::remove_file(case.path().join(person)).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::copy(
        crate::util::fixtures().join("good").join(person),
        outside.path().join("kolthoum-sarahati.yaml"),
    )
    .unwrap();
    shell(&case, &restore);
    expect(
        &case,
        &format!(
            "mv people people.moved && ln -s {} people",
            outside.path().display()
        ),
        "people/kolthoum-sarahati.yaml:1:1: error: leads outside the case-file folder through a symbolic link; not read",
    );
    // A link that stays inside the folder is still followed.
    let case = Case::good();
    let run = check_with_swap(
        &case,
        &format!("mv {person} people/real.yaml && ln -s real.yaml {person}"),
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.starts_with("checked 4 records (1 person,"),
        "{run:?}"
    );
}

/// Run a shell command in the case's folder, as a user at a prompt would.
fn shell(case: &Case, command: &str) {
    let run = Command::new("sh")
        .args(["-c", command])
        .current_dir(case.path())
        .status()
        .unwrap();
    assert!(run.success(), "{command}");
}

#[test]
fn running_out_of_memory_is_said_in_a_dossier_line_first() {
    // Under a small address-space cap (`ulimit -v`, prlimit) an allocation fails and Rust
    // aborts; the user reads first what happened, in dossier's words. Several caps, since where
    // the run fails depends on the build; each run either checks the folder or says so.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failed = 0;
    for cap in [8, 16, 24, 32, 48, 64, 128] {
        let mut cmd = Command::new("prlimit");
        cmd.arg(format!("--as={}", cap * 1024 * 1024))
            .arg("--")
            .arg(BIN)
            .args(["check", "casefiles"])
            .current_dir(root)
            .env("RUST_BACKTRACE", "0");
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let run = run_command(cmd);
        // Ended by a signal with something said: the abort that follows a failed allocation.
        // (Too small a cap to map the program at all kills it before it says anything; one that
        // leaves no room for a thread's stack is a panic, exit 101, which names the thread pool.)
        let aborted = run.code.is_none() && !run.stderr.is_empty();
        if !aborted {
            continue;
        }
        failed += 1;
        assert!(
            run.stderr.starts_with("dossier: out of memory: "),
            "{cap} MB: {run:?}"
        );
        assert_eq!(
            run.stderr.matches("dossier: out of memory").count(),
            1,
            "said once: {run:?}"
        );
    }
    assert!(failed > 0, "no cap made dossier run out of memory");
}
