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
