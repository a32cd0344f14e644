//! Live reload: files changed on disk while the browser is open show without a key press, and
//! the user keeps their place.

use crate::pty::Pty;
use crate::tui::{detail_title, follow, open, quit, row, search};
use crate::util::Case;

fn status(pty: &Pty) -> String {
    pty.rows().last().cloned().unwrap_or_default()
}

#[test]
fn a_saved_change_shows_by_itself_and_the_place_and_history_stay() {
    let case = Case::good();
    let mut pty = open(&case, 80, 24, &[]);
    search(&mut pty, "kolthoum", "P Kolthoum Sarahati");
    pty.key("enter");
    follow(
        &mut pty,
        "← I Rocket attack",
        "Rocket attack on Camp Liberty",
    );

    // An editor in another pane saves the incident with a new title.
    let file = case.path().join("incidents/rocket-attack.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "Rocket attack on Camp Liberty",
            "Rocket strike on Camp Liberty",
        ),
    )
    .unwrap();
    pty.wait_for("the new title, with no key pressed", |_| {
        detail_title(&pty).starts_with("Rocket strike on Camp Liberty")
    });
    assert!(
        status(&pty).contains("reloaded: 4 records"),
        "{}",
        pty.screen()
    );

    // The history survived the reload: back goes to the person.
    pty.send("H");
    pty.wait_for("back to the person", |_| {
        detail_title(&pty).starts_with("Kolthoum Sarahati")
    });
    quit(pty);
}

#[test]
fn a_broken_file_saved_while_browsing_is_named_in_the_status_bar() {
    let case = Case::good();
    let pty = open(&case, 120, 24, &[]);
    // A new file, as a `git pull` would bring, with a tab where YAML wants spaces.
    case.write(
        "people/new-person.yaml",
        "name: Someone New\n\tstatus: missing\n",
    );
    let line = pty.wait_for("the problem in the status bar", |_| {
        status(&pty).contains("reloaded: people/new-person.yaml:1:7: error: ")
    });
    assert!(line.contains("found a tab"), "{line}");
    // The rest still loaded.
    assert!(row(&pty, 0).contains("/5"), "{}", pty.screen());

    // Fixed again: the status bar says so.
    case.write(
        "people/new-person.yaml",
        "name: Someone New\nstatus: missing\nsources: [ai-release]\n",
    );
    pty.wait_for("the fix noticed", |_| {
        status(&pty).contains("reloaded: 1 problem fixed, 0 left")
    });
    pty.wait_for("the new person listed by name", |_| {
        pty.screen().contains("P Someone New")
    });
    quit(pty);
}

/// Context switches of every thread of a process: each wake-up of any thread counts one.
fn wakeups(pid: u32) -> u64 {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).expect("the process is running");
    tasks
        .flatten()
        .map(|t| {
            let status = std::fs::read_to_string(t.path().join("status")).unwrap_or_default();
            status
                .lines()
                .filter(|l| l.contains("ctxt_switches"))
                .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum::<u64>()
        })
        .sum()
}

#[test]
fn idle_means_idle_with_the_folder_watched() {
    let case = Case::good();
    let pty = open(&case, 80, 24, &[]);
    pty.wait_for("the first record shown", |s| {
        s.contains("Kolthoum Sarahati  person")
    });
    // Let the start settle (the first search answer, the watcher's setup), then count.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let before = wakeups(pty.pid());
    std::thread::sleep(std::time::Duration::from_secs(3));
    let after = wakeups(pty.pid());
    // A timer at even 10 Hz would wake 30 times; a blocked process wakes not at all.
    assert!(
        after - before <= 2,
        "the browser woke {} times in 3 s with nobody typing",
        after - before
    );
    quit(pty);
}

/// The same after a reload: the reload's own reads of the folder must not start another. (They
/// did, once the folder's own name was watched for its replacement: reload after reload, for
/// ever, with the list looking idle.)
#[test]
fn idle_means_idle_after_a_reload() {
    let case = Case::good();
    let pty = open(&case, 80, 24, &[]);
    pty.wait_for("the first record shown", |s| {
        s.contains("Kolthoum Sarahati  person")
    });
    retitle(
        case.path(),
        "Rocket attack on Camp Liberty",
        "Reloaded attack",
    );
    shows(&pty, "Reloaded attack");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let before = wakeups(pty.pid());
    std::thread::sleep(std::time::Duration::from_secs(3));
    let after = wakeups(pty.pid());
    assert!(
        after - before <= 2,
        "the browser woke {} times in 3 s after a reload, with nobody typing",
        after - before
    );
    quit(pty);
}

/// A copy of `tests/fixtures/good` at `dest`, with the incident's title changed to `title`.
fn good_copy(dest: &std::path::Path, title: &str) {
    let case = Case::good();
    let file = case.path().join("incidents/rocket-attack.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Rocket attack on Camp Liberty", title)).unwrap();
    std::fs::rename(case.path(), dest).unwrap();
}

/// Change the incident's title in the folder at `dir`.
fn retitle(dir: &std::path::Path, from: &str, to: &str) {
    let file = dir.join("incidents/rocket-attack.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace(from, to)).unwrap();
}

fn shows(pty: &Pty, title: &str) {
    pty.wait_for(&format!("`{title}` in the list"), |s| s.contains(title));
}

/// Issue 17, item 2: after `rm -rf DIR && cp -r ... DIR` the browser said "reload failed: no
/// such file or folder" and stayed stale for good; after `mv cf cf.old; mv cf.new cf` edits in
/// the new `cf` were ignored. The watch follows the folder by the name it was opened with.
#[test]
fn a_folder_replaced_under_its_name_is_followed() {
    let parent = tempfile::tempdir().unwrap();
    let cf = parent.path().join("cf");
    good_copy(&cf, "Rocket attack on Camp Liberty");
    let pty = Pty::spawn(parent.path(), &["cf"], &[], 100, 24);
    shows(&pty, "Rocket attack on Camp");

    // rm -rf cf && cp -r ... cf
    std::fs::remove_dir_all(&cf).unwrap();
    good_copy(&cf, "Copied attack");
    shows(&pty, "Copied attack");
    retitle(&cf, "Copied attack", "Edited copy");
    shows(&pty, "Edited copy");

    // mv cf cf.old; mv cf.new cf
    good_copy(&parent.path().join("cf.new"), "Renamed attack");
    std::fs::rename(&cf, parent.path().join("cf.old")).unwrap();
    std::fs::rename(parent.path().join("cf.new"), &cf).unwrap();
    shows(&pty, "Renamed attack");
    retitle(&cf, "Renamed attack", "Edited rename");
    shows(&pty, "Edited rename");
    quit(pty);
}

/// Issue 17, item 2: a folder opened through a symbolic link that a deploy retargets
/// (`ln -sfn rel2 tmp && mv -T tmp current`) kept showing the old target.
#[test]
fn a_symbolic_link_retargeted_is_followed() {
    let parent = tempfile::tempdir().unwrap();
    let p = parent.path();
    good_copy(&p.join("rel1"), "First release");
    good_copy(&p.join("rel2"), "Second release");
    std::os::unix::fs::symlink("rel1", p.join("current")).unwrap();
    let pty = Pty::spawn(p, &["current"], &[], 100, 24);
    shows(&pty, "First release");
    std::os::unix::fs::symlink("rel2", p.join("tmp")).unwrap();
    std::fs::rename(p.join("tmp"), p.join("current")).unwrap();
    shows(&pty, "Second release");
    retitle(&p.join("rel2"), "Second release", "Edited release");
    shows(&pty, "Edited release");
    quit(pty);
}

/// Writes `line` to the end of `path` every 100 ms until dropped.
struct Writer {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Writer {
    fn start(path: std::path::PathBuf, line: &'static str) -> Writer {
        use std::io::Write;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = std::thread::spawn({
            let stop = std::sync::Arc::clone(&stop);
            move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let mut f = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&path)
                        .unwrap();
                    f.write_all(line.as_bytes()).unwrap();
                    drop(f);
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            }
        });
        Writer {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Issue 17, item 7: a log appended to every 0.1 s in the folder put every reload off until
/// the writes stopped. Writes into files that cannot be records do not count, and a burst of
/// changes to a record file that never ends is still read once a second.
#[test]
fn constant_writes_do_not_put_a_reload_off() {
    let case = Case::good();
    let pty = open(&case, 100, 24, &[]);
    let log = Writer::start(case.path().join("notes.log"), "a line of a log\n");
    std::thread::sleep(std::time::Duration::from_millis(500));
    retitle(
        case.path(),
        "Rocket attack on Camp Liberty",
        "Logged attack",
    );
    shows(&pty, "Logged attack");
    drop(log);

    let busy = Writer::start(case.path().join("people/busy.yaml"), "# a comment\n");
    std::thread::sleep(std::time::Duration::from_millis(500));
    retitle(case.path(), "Logged attack", "Busy attack");
    shows(&pty, "Busy attack");
    drop(busy);
    quit(pty);
}

/// A folder removed while the browser shows it: the list stays, and the status bar says why
/// nothing reloads (not "reload failed: no such file or folder").
#[test]
fn a_folder_removed_keeps_the_list_and_says_so() {
    let parent = tempfile::tempdir().unwrap();
    let cf = parent.path().join("cf");
    good_copy(&cf, "Rocket attack on Camp Liberty");
    let pty = Pty::spawn(parent.path(), &["cf"], &[], 120, 24);
    shows(&pty, "Rocket attack on Camp");
    std::fs::remove_dir_all(&cf).unwrap();
    pty.wait_for("the folder said gone", |_| {
        status(&pty).contains("the folder is gone")
    });
    assert!(pty.screen().contains("Records 1/4"), "{}", pty.screen());
    // It comes back: read again.
    good_copy(&cf, "Returned attack");
    shows(&pty, "Returned attack");
    quit(pty);
}

/// Issue 17, item 22: `watch = "off"` is honoured by the browser: a change on disk does not
/// reload it (on a network folder where polling would walk the tree).
#[test]
fn watch_off_in_the_config_leaves_the_folder_unwatched() {
    let case = Case::good();
    let config = case.write("off.toml", "watch = \"off\"\n");
    let pty = Pty::spawn(
        case.path(),
        &["."],
        &[("DOSSIER_CONFIG", config.to_str().unwrap())],
        80,
        24,
    );
    pty.wait_text("Records 1/4");
    let threads = || {
        std::fs::read_dir(format!("/proc/{}/task", pty.pid()))
            .unwrap()
            .flatten()
            .map(|t| std::fs::read_to_string(t.path().join("comm")).unwrap_or_default())
            .collect::<Vec<_>>()
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !threads().iter().any(|t| t.trim() == "watch"),
        "a watch thread runs: {:?}",
        threads()
    );
    case.write(
        "people/new.yaml",
        "name: Someone New\nsources: [ai-release]\n",
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(pty.screen().contains("Records 1/4"), "{}", pty.screen());
    quit(pty);
}

#[test]
fn a_record_deleted_then_restored_is_shown_again_never_a_blank_pane() {
    let case = Case::good();
    let pty = open(&case, 100, 24, &[]);
    // Kolthoum Sarahati, first in the full list, selected.
    pty.wait_for("the person selected", |_| {
        detail_title(&pty).starts_with("Kolthoum Sarahati")
    });
    let file = case.path().join("people/kolthoum-sarahati.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    pty.wait_for("the list without her, and a record in the pane", |_| {
        row(&pty, 1).contains("Records") && !pty.screen().contains("Kolthoum Sarahati  person")
    });
    pty.wait_for("a record shown, not a blank pane", |_| {
        !detail_title(&pty).is_empty()
    });
    std::fs::write(&file, text).unwrap();
    pty.wait_for("her record listed again", |s| {
        s.contains("P Kolthoum Sarahati") && status(&pty).contains("reloaded:")
    });
    assert!(!detail_title(&pty).is_empty(), "{}", pty.screen());
    quit(pty);
}

#[test]
fn after_two_quick_reloads_the_status_bar_counts_what_the_list_shows() {
    let case = Case::good();
    let pty = open(&case, 100, 24, &[]);
    // Two files, as a `git pull` writes them: the second lands while the first reload runs.
    case.write(
        "people/one.yaml",
        "name: Person One\nsources: [ai-release]\n",
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    case.write(
        "people/two.yaml",
        "name: Person Two\nsources: [ai-release]\n",
    );
    pty.wait_for("both new records listed", |s| {
        s.contains("Person One") && s.contains("Person Two")
    });
    pty.wait_for("the status bar counting six", |_| {
        status(&pty).contains("reloaded: 6 records")
    });
    assert!(row(&pty, 0).contains("6/6"), "{}", pty.screen());
    quit(pty);
}

/// Issue 12: a save of records already listed is read alone and patched into the list shown,
/// not loaded with the whole folder again. What the browser then lists and finds is what a fresh
/// load lists and finds: the renamed person moves to her place in the list, and the records
/// that name the renamed camp are found by its new name.
#[test]
fn a_save_patched_in_lists_and_finds_what_a_fresh_load_does() {
    let case = Case::good();
    case.write(
        "people/aaron-abadi.yaml",
        "name: Aaron Abadi\nsources: [ai-release]\n",
    );
    let mut pty = open(&case, 100, 24, &[]);
    let line_of = |pty: &Pty, text: &str| pty.rows().iter().position(|r| r.contains(text));
    assert!(
        line_of(&pty, "P Aaron Abadi") < line_of(&pty, "P Kolthoum Sarahati"),
        "{}",
        pty.screen()
    );

    // Two files saved at once, as an editor's "write all" does.
    let camp = case.path().join("camps/camp-liberty.yaml");
    let text = std::fs::read_to_string(&camp).unwrap();
    std::fs::write(&camp, text.replace("Camp Liberty", "Camp Hurriya")).unwrap();
    case.write(
        "people/aaron-abadi.yaml",
        "name: Zaid Abadi\nsources: [ai-release]\n",
    );
    pty.wait_for("both saves shown", |s| {
        s.contains("C Camp Hurriya") && s.contains("P Zaid Abadi")
    });
    assert!(
        line_of(&pty, "P Kolthoum Sarahati") < line_of(&pty, "P Zaid Abadi"),
        "{}",
        pty.screen()
    );
    assert!(
        status(&pty).contains("reloaded: 5 records"),
        "{}",
        pty.screen()
    );

    // The same search, in the browser and from a fresh load without the index.
    let fresh = case
        .run(&["--no-index", "search", "hurriya", "-C", ".", "--json"])
        .json();
    let names: Vec<&str> = fresh
        .as_array()
        .unwrap()
        .iter()
        .filter(|hit| hit["weak"] == false)
        .map(|hit| hit["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Kolthoum Sarahati"), "{names:?}");
    search(&mut pty, "hurriya", "Camp Hurriya");
    let screen = pty.wait_for("every record the fresh load finds", |s| {
        names.iter().all(|n| s.contains(n))
    });
    let listed = (2..2 + names.len())
        .map(|n| row(&pty, n))
        .filter(|r| names.iter().any(|n| r.contains(n)))
        .count();
    assert_eq!(listed, names.len(), "{screen}");
    quit(pty);
}
