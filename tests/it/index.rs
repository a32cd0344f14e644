//! The index file (issue 12): whatever happens to the files or to the index itself, a command
//! answers exactly as one that read every file (`--no-index`) does, and the index is used when
//! it can be.
//!
//! A file changed in the last two seconds is read again on the next load whatever its identity
//! (git's "racily clean" rule), so the tests that need files the index may reuse wait for them
//! to settle once, after writing them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use proptest::prelude::*;

use crate::util::{BIN, Case, Run, run_command};

/// Long enough for files written now to be trusted by the index (see above).
const SETTLE: Duration = Duration::from_millis(2_100);

/// Run dossier in `dir` with its index kept in `cache`.
fn run_with(dir: &Path, cache: &Path, args: &[&str], extra_env: &[(&str, &str)]) -> Run {
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(["-C", "."])
        .args(args)
        .current_dir(dir)
        .env_remove("DOSSIER_DIR")
        .env_remove("DOSSIER_CONFIG")
        .env_remove("DOSSIER_NO_INDEX")
        .env("XDG_CONFIG_HOME", dir)
        .env("XDG_CACHE_HOME", cache)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    run_command(cmd)
}

/// A case-file folder with its own cache folder beside it (not inside it).
struct Indexed {
    case: Case,
    cache: tempfile::TempDir,
}

impl Indexed {
    fn new(case: Case) -> Indexed {
        Indexed {
            case,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn dir(&self) -> &Path {
        self.case.path()
    }

    fn run(&self, args: &[&str]) -> Run {
        run_with(self.dir(), self.cache.path(), args, &[])
    }

    fn run_without_index(&self, args: &[&str]) -> Run {
        let mut with_flag = vec!["--no-index"];
        with_flag.extend_from_slice(args);
        run_with(self.dir(), self.cache.path(), &with_flag, &[])
    }

    fn status(&self) -> serde_json::Value {
        let run = self.run(&["index", "--status", "--json"]);
        assert_eq!(run.code, Some(0), "{run:?}");
        run.json()
    }

    fn index_file(&self) -> PathBuf {
        PathBuf::from(self.status()["path"].as_str().unwrap())
    }

    /// Every command that reads the folder answers as it does without the index.
    fn assert_same_answers(&self, context: &str) {
        for args in [
            &["list", "--json"][..],
            &["search", "--json", "rocket"],
            &["search", "--json", "a"],
            &["search", "--json", "kind:person"],
            &["show", "--format", "json", "camp-liberty"],
        ] {
            let with = self.run(args);
            let without = self.run_without_index(args);
            assert_eq!(
                (with.code, &with.stdout, &with.stderr),
                (without.code, &without.stdout, &without.stderr),
                "{context}: `dossier {}` answers differently with the index",
                args.join(" ")
            );
        }
    }
}

fn files_of(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    files
}

#[derive(Clone, Debug)]
enum Edit {
    /// Change one letter of the file, keeping its size, and put its modification time back.
    SameSizeRewrite(usize),
    Delete(usize),
    Add(usize),
    Rename(usize),
    Break(usize),
    /// Write back what the folder first held at this file's path.
    Restore(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (0..32usize).prop_map(Edit::SameSizeRewrite),
        1 => (0..32usize).prop_map(Edit::Delete),
        1 => (0..32usize).prop_map(Edit::Add),
        1 => (0..32usize).prop_map(Edit::Rename),
        2 => (0..32usize).prop_map(Edit::Break),
        2 => (0..32usize).prop_map(Edit::Restore),
    ]
}

fn apply(dir: &Path, first: &[(PathBuf, Vec<u8>)], edit: &Edit) {
    let files = files_of(dir);
    let pick = |i: usize| files.get(i % files.len().max(1)).cloned();
    match *edit {
        Edit::SameSizeRewrite(i) => {
            let Some(path) = pick(i) else { return };
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            let mut bytes = std::fs::read(&path).unwrap();
            // A letter of the name (or anywhere) swapped for another: same size.
            if let Some(at) = bytes.iter().rposition(u8::is_ascii_lowercase) {
                bytes[at] = if bytes[at] == b'q' { b'x' } else { b'q' };
            }
            std::fs::write(&path, &bytes).unwrap();
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(modified).unwrap();
        }
        Edit::Delete(i) => {
            if let Some(path) = pick(i) {
                std::fs::remove_file(path).unwrap();
            }
        }
        Edit::Add(i) => {
            let dest = dir.join(format!("people/added-{i}.yaml"));
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::write(
                &dest,
                format!("name: Added Person {i}\nsources: [missing-source-{i}]\n"),
            )
            .unwrap();
        }
        Edit::Rename(i) => {
            if let Some(path) = pick(i) {
                let to = path.with_file_name(format!(
                    "renamed-{i}-{}",
                    path.file_name().unwrap().to_string_lossy()
                ));
                std::fs::rename(path, to).unwrap();
            }
        }
        Edit::Break(i) => {
            if let Some(path) = pick(i) {
                std::fs::write(path, "name: [unclosed\n  : : :\n").unwrap();
            }
        }
        Edit::Restore(i) => {
            let (rel, bytes) = &first[i % first.len()];
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }
}

fn generated(records: usize, seed: u64) -> Indexed {
    let case = Case::empty();
    casegen::write(case.path(), records, seed).expect("generate");
    // The fixture's records too, so the fixed queries above find something.
    let good = crate::util::fixtures().join("good");
    for f in files_of(&good) {
        let dest = case.path().join(f.strip_prefix(&good).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&f, dest).unwrap();
    }
    Indexed::new(case)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn after_any_edits_the_index_answers_as_reading_every_file_does(
        seed in 0u64..1000,
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let f = generated(24, seed);
        let first: Vec<(PathBuf, Vec<u8>)> = files_of(f.dir())
            .into_iter()
            .map(|p| (p.strip_prefix(f.dir()).unwrap().to_owned(), std::fs::read(&p).unwrap()))
            .collect();
        std::thread::sleep(SETTLE);
        let built = f.status();
        prop_assert_eq!(built["reread"].as_u64(), built["files"].as_u64());
        let again = f.status();
        prop_assert_eq!(again["whole"].as_bool(), Some(true), "nothing changed: {}", again);
        for (n, e) in edits.iter().enumerate() {
            apply(f.dir(), &first, e);
            f.assert_same_answers(&format!("after edit {n} ({e:?}) of {edits:?}"));
        }
        // The untouched files were taken from the index, not read again.
        let last = f.status();
        prop_assert!(last["reused"].as_u64().unwrap() > 0, "{}", last);
    }
}

#[test]
fn a_same_size_rewrite_with_its_time_put_back_is_read_again() {
    let f = Indexed::new(Case::good());
    std::thread::sleep(SETTLE);
    f.status();
    assert_eq!(f.status()["whole"], true);
    let path = f.dir().join("people/kolthoum-sarahati.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let renamed = text.replacen("Kolthoum", "Qolthoum", 1);
    assert_eq!(renamed.len(), text.len());
    std::fs::write(&path, &renamed).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), text.len() as u64);
    // Past the racy window: only the change time tells the file changed.
    std::thread::sleep(SETTLE);
    let found = f.run(&["search", "qolthoum"]);
    assert!(found.stdout.contains("kolthoum-sarahati"), "{found:?}");
    let status = f.status();
    assert_eq!(
        status["reread"], 0,
        "the change was already taken in: {status}"
    );
}

/// A record found by the name of one it links to (an incident by its victim's name) is found
/// by the new name after that record is renamed, though the incident's own file is taken from
/// the index: its search entry is made again, not kept.
#[test]
fn renaming_a_record_updates_the_search_text_of_those_that_name_it() {
    let f = Indexed::new(Case::good());
    std::thread::sleep(SETTLE);
    f.status();
    let person = f.dir().join("people/kolthoum-sarahati.yaml");
    let text = std::fs::read_to_string(&person).unwrap();
    std::fs::write(
        &person,
        text.replacen("Kolthoum Sarahati", "Zohreh Quillfeather", 1),
    )
    .unwrap();
    let status = f.status();
    assert_eq!(
        status["reread"], 1,
        "only the renamed file is read: {status}"
    );
    for query in ["quillfeather", "kolthoum"] {
        let args = ["search", "--json", query];
        let (with, without) = (f.run(&args), f.run_without_index(&args));
        assert_eq!(
            (with.code, &with.stdout),
            (without.code, &without.stdout),
            "{query}"
        );
    }
    let found = f.run(&["search", "quillfeather"]);
    assert!(found.stdout.contains("rocket-attack"), "{found:?}");
}

/// Damage the index in a given way: every command still answers as without it, the damage is
/// named by `index --status`, and the index is written again.
fn damaged(how: impl Fn(&Path, &mut Vec<u8>), named: &str) {
    let f = Indexed::new(Case::good());
    std::thread::sleep(SETTLE);
    let index = f.index_file();
    assert!(index.is_file());
    let mut bytes = std::fs::read(&index).unwrap();
    how(&index, &mut bytes);
    std::fs::write(&index, &bytes).unwrap();
    let status = f.status();
    assert_eq!(status["whole"], false, "{status}");
    assert_eq!(status["reread"], status["files"], "{status}");
    let ignored = status["ignored"].as_str().unwrap_or_default();
    assert!(ignored.contains(named), "expected `{named}` in {status}");
    assert_eq!(status["written"], true, "{status}");
    assert_eq!(f.status()["whole"], true, "rebuilt and used again");
    std::fs::write(&index, &bytes).unwrap();
    f.assert_same_answers(named);
}

#[test]
fn a_truncated_index_is_ignored_and_rebuilt() {
    damaged(|_, b| b.truncate(b.len() / 2), "truncated");
}

#[test]
fn a_garbled_index_is_ignored_and_rebuilt() {
    // Past the 64-byte header: the part every load reads.
    damaged(
        |_, b| {
            for x in &mut b[96..160] {
                *x ^= 0x5a;
            }
        },
        "checksum",
    );
}

/// A case with its index written, then the bytes `pick` chooses in the index garbled; the
/// index's path and its garbled bytes.
fn garbled(pick: impl FnOnce(&[u8]) -> std::ops::Range<usize>) -> (Indexed, PathBuf, Vec<u8>) {
    let f = Indexed::new(Case::good());
    std::thread::sleep(SETTLE);
    let index = f.index_file();
    let mut bytes = std::fs::read(&index).unwrap();
    let range = pick(&bytes);
    for x in &mut bytes[range] {
        *x ^= 0x5a;
    }
    std::fs::write(&index, &bytes).unwrap();
    (f, index, bytes)
}

#[test]
fn a_garbled_record_in_the_index_is_read_from_its_file_and_the_index_rebuilt() {
    // The end of the file is the last record's archive.
    let (f, _, _) = garbled(|bytes| bytes.len() - 48..bytes.len() - 16);
    // Listing reads every record: the damaged one is read from its file.
    let with = f.run(&["list", "--json"]);
    let without = f.run_without_index(&["list", "--json"]);
    assert_eq!((with.code, &with.stdout), (without.code, &without.stdout));
    let status = f.status();
    assert_eq!(status["reread"], status["files"], "rebuilt: {status}");
    assert_eq!(f.status()["whole"], true);
    f.assert_same_answers("after a garbled record");
}

#[test]
fn garbled_search_text_in_the_index_is_made_again_from_the_records() {
    let (f, index, bytes) = garbled(|bytes| {
        // The search entries follow the first part, whose size is in the header; their own
        // size is the header's last word.
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
        let (first, entries) = (word(32).div_ceil(16) * 16, word(56));
        assert!(entries > 0);
        let middle = 64 + first + entries / 2;
        middle..middle + 32
    });
    let status = f.status();
    assert_eq!(status["whole"], false, "the damage was noticed: {status}");
    assert_eq!(f.status()["whole"], true, "and the index written again");
    std::fs::write(&index, &bytes).unwrap();
    f.assert_same_answers("after garbled search text");
}

#[test]
fn an_index_of_another_format_version_is_ignored_and_rebuilt() {
    damaged(
        |_, b| b[8..12].copy_from_slice(&999u32.to_le_bytes()),
        "format 999",
    );
}

#[test]
fn an_index_from_another_machines_layout_is_ignored_and_rebuilt() {
    damaged(|_, b| b[12..16].copy_from_slice(b"be64"), "layout");
}

#[test]
fn a_file_that_is_not_an_index_is_ignored_and_rebuilt() {
    damaged(
        |_, b| *b = b"name: not an index\n".to_vec(),
        "not a dossier index",
    );
}

#[test]
fn an_index_of_another_folder_is_not_used() {
    let a = Indexed::new(Case::good());
    let b = Indexed::new(Case::bad("dangling-link"));
    std::thread::sleep(SETTLE);
    // b's index file holds a's index: same name, other content.
    let a_index = a.index_file();
    let b_index = b.index_file();
    std::fs::create_dir_all(b_index.parent().unwrap()).unwrap();
    std::fs::copy(&a_index, &b_index).unwrap();
    let status = b.status();
    assert!(
        status["ignored"]
            .as_str()
            .unwrap_or_default()
            .contains("another folder"),
        "{status}"
    );
    b.assert_same_answers("another folder's index");
}

#[test]
fn a_cache_folder_that_cannot_be_written_costs_one_line_and_nothing_else() {
    let case = Case::good();
    let blocker = tempfile::NamedTempFile::new().unwrap();
    // A path under a plain file: no folder can be made there, not even by root.
    let cache = blocker.path().join("cache");
    let with = run_with(case.path(), &cache, &["search", "--json", "rocket"], &[]);
    let without = run_with(
        case.path(),
        &cache,
        &["search", "--json", "rocket"],
        &[("DOSSIER_NO_INDEX", "1")],
    );
    assert_eq!(with.code, Some(0), "{with:?}");
    assert_eq!(with.stdout, without.stdout);
    let lines: Vec<&str> = with.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{with:?}");
    assert!(
        lines[0].starts_with("dossier: index not written to ")
            && lines[0].contains("running without one"),
        "{with:?}"
    );
    assert_eq!(without.stderr, "", "DOSSIER_NO_INDEX=1 does not try");
}

#[test]
fn no_index_reads_and_writes_no_index() {
    let f = Indexed::new(Case::good());
    f.run_without_index(&["list"]);
    run_with(
        f.dir(),
        f.cache.path(),
        &["search", "x"],
        &[("DOSSIER_NO_INDEX", "1")],
    );
    assert!(
        files_of(f.cache.path()).is_empty(),
        "{:?}",
        files_of(f.cache.path())
    );
    f.run(&["list"]);
    assert_eq!(
        files_of(f.cache.path()).len(),
        1,
        "one index for the folder"
    );
}

#[test]
fn the_index_is_never_written_inside_the_case_folder() {
    let case = Case::good();
    let before = crate::util::snapshot(case.path());
    let run = run_with(case.path(), case.path(), &["list"], &[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stderr.contains("inside the case-file folder"),
        "{run:?}"
    );
    assert_eq!(crate::util::snapshot(case.path()), before);
}

#[test]
fn processes_writing_the_index_at_once_never_leave_half_of_one() {
    let f = generated(300, 7);
    std::thread::sleep(SETTLE);
    for round in 0..4 {
        let index = f.index_file();
        std::fs::remove_file(&index).unwrap();
        let runs: Vec<_> = (0..4)
            .map(|_| {
                let (dir, cache) = (f.dir().to_owned(), f.cache.path().to_owned());
                std::thread::spawn(move || run_with(&dir, &cache, &["search", "--json", "a"], &[]))
            })
            .collect();
        let outs: Vec<Run> = runs.into_iter().map(|h| h.join().unwrap()).collect();
        for out in &outs {
            assert_eq!(out.code, Some(0), "round {round}: {out:?}");
            assert_eq!(out.stdout, outs[0].stdout, "round {round}");
            assert_eq!(out.stderr, "", "round {round}");
        }
        let status = f.status();
        assert_eq!(
            status["ignored"],
            serde_json::Value::Null,
            "round {round}: {status}"
        );
        assert_eq!(status["whole"], true, "round {round}: {status}");
        // No temporary file is left behind.
        assert_eq!(files_of(f.cache.path()).len(), 1, "round {round}");
    }
    f.assert_same_answers("after writers raced");
}

#[test]
fn a_folder_moved_elsewhere_is_read_where_it_is_now() {
    let f = Indexed::new(Case::good());
    std::thread::sleep(SETTLE);
    assert_eq!(f.status()["files"], 4);
    let moved_to = tempfile::tempdir().unwrap();
    let new_home = moved_to.path().join("moved");
    std::fs::rename(f.dir(), &new_home).unwrap();
    // Change it where it is now: its old index must not answer for it.
    std::fs::remove_file(new_home.join("incidents/rocket-attack.yaml")).unwrap();
    let status = run_with(
        &new_home,
        f.cache.path(),
        &["index", "--status", "--json"],
        &[],
    );
    let status = status.json();
    assert_eq!(status["files"], 3, "{status}");
    assert_eq!(
        status["reread"], 3,
        "a new index for the new place: {status}"
    );
    let found = run_with(&new_home, f.cache.path(), &["search", "rocket"], &[]);
    assert!(!found.stdout.contains("rocket-attack"), "{found:?}");
    let without = run_with(
        &new_home,
        f.cache.path(),
        &["--no-index", "list", "--json"],
        &[],
    );
    let with = run_with(&new_home, f.cache.path(), &["list", "--json"], &[]);
    assert_eq!(with.stdout, without.stdout);
    // Put back so the case's drop finds its folder.
    std::fs::rename(&new_home, f.dir()).unwrap();
}

#[test]
fn a_broken_file_is_reported_on_every_start_until_it_is_fixed() {
    let f = Indexed::new(Case::bad("broken-yaml"));
    std::thread::sleep(SETTLE);
    let first = f.run(&["list"]);
    let status = f.status();
    assert_eq!(status["whole"], true, "{status}");
    let again = f.run(&["list"]);
    assert!(!first.stderr.is_empty(), "{first:?}");
    assert_eq!(
        again.stderr, first.stderr,
        "the problem is still said, from the index"
    );
    let without = f.run_without_index(&["list"]);
    assert_eq!(again.stderr, without.stderr);
}

/// The browser shows the list from the index before it has looked at the folder (at 1,000,000
/// files the walk and the `stat`s take seconds); a file changed since the index was written is
/// then read and shown by itself. Where nothing changed, nothing is read again.
#[test]
fn the_browser_shows_the_index_first_then_what_changed_since() {
    use crate::pty::Pty;
    let f = Indexed::new(Case::good());
    std::thread::sleep(SETTLE);
    f.run(&["list"]);
    assert_eq!(f.status()["whole"], true);
    let env = [("XDG_CACHE_HOME", f.cache.path().to_str().unwrap())];
    let status = |pty: &Pty| pty.rows().last().cloned().unwrap_or_default();

    let pty = Pty::spawn(f.dir(), &["."], &env, 100, 24);
    pty.wait_text("P Kolthoum Sarahati");
    std::thread::sleep(Duration::from_secs(1));
    assert!(!status(&pty).contains("reloaded"), "{}", pty.screen());
    crate::tui::quit(pty);

    // Renamed while the browser was closed.
    let file = f.dir().join("people/kolthoum-sarahati.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Kolthoum", "Kolthum")).unwrap();
    let pty = Pty::spawn(f.dir(), &["."], &env, 100, 24);
    pty.wait_for("the new name, read by itself", |s| {
        s.contains("P Kolthum Sarahati") && status(&pty).contains("reloaded")
    });
    assert!(!pty.screen().contains("Kolthoum"), "{}", pty.screen());
    crate::tui::quit(pty);
}

/// With no index, the browser lists the records read so far and reads on: here the load is
/// held after its first 8 files by a debug-build hook. What is listed can be searched and read
/// before the last file is, and the rest fills in under the same query and the same record.
#[test]
fn a_first_run_lists_what_it_has_read_while_it_reads_the_rest() {
    use crate::pty::Pty;
    let case = Case::empty();
    crate::util::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("casefiles"),
        case.path(),
    );
    let files = walkdir::WalkDir::new(case.path())
        .into_iter()
        .filter(|e| e.as_ref().unwrap().path().extension() == Some("yaml".as_ref()))
        .count();
    let cache = tempfile::tempdir().unwrap();
    let gate = cache.path().join("go");
    let hook = format!("while [ ! -e '{}' ]; do sleep 0.02; done", gate.display());
    let env = [
        ("XDG_CACHE_HOME", cache.path().to_str().unwrap()),
        ("DOSSIER_TEST_FIRST_PARTIAL", "8"),
        ("DOSSIER_TEST_AFTER_PARTIAL", &hook),
    ];
    let top = |s: &str| s.lines().next().unwrap_or_default().trim_end().to_owned();
    let mut pty = Pty::spawn(case.path(), &["."], &env, 100, 24);

    // The first 8 files in path order: the 4 camps and 4 incidents, and no person yet.
    let screen = pty.wait_text(&format!("reading case files: 8 of {files}"));
    assert!(top(&screen).ends_with(" 8/8"), "{screen}");
    assert!(screen.contains("Records 1/8 · reading 3%"), "{screen}");
    assert!(screen.contains("C Camp Liberty"), "{screen}");
    assert!(!screen.contains("│P "), "no person is read yet:\n{screen}");

    // Typed without `/`, found, and read from its file.
    pty.send("liberty");
    let screen = pty.wait_for("Camp Liberty in the detail pane", |s| {
        s.contains("Temporary Transit Location")
    });
    assert!(top(&screen).contains("liberty"), "{screen}");

    std::fs::write(&gate, "").unwrap();
    let screen = pty.wait_text(&format!("every file read: {files} records"));
    assert!(
        top(&screen).contains("liberty"),
        "the query is kept:\n{screen}"
    );
    assert!(top(&screen).ends_with(&format!("/{files}")), "{screen}");
    assert!(
        screen.contains("Temporary Transit Location"),
        "the record shown is kept:\n{screen}"
    );
    assert!(!screen.contains("reading"), "{screen}");
    crate::tui::quit(pty);
}
