//! Claims a reader can check: each date and figure with its sources' titles and locators,
//! disagreements computed and marked, inferences marked, the claims view and the chooser that
//! follows any one of a claim's sources.

use std::path::{Path, PathBuf};

use crate::pty::Pty;
use crate::tui::{detail_title, open, quit, row, search, select_detail};
use crate::util::{Case, run_in};

fn bundled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("casefiles")
}

/// The good fixture with a second source and an attack whose tolls disagree: 2 by the release
/// (paragraph 2), 3 by both the release (paragraph 5) and the other account (page 4), "at least
/// 2" by the other account, which agrees with both.
fn disputed_case() -> Case {
    let case = Case::good();
    case.write(
        "sources/other.yaml",
        "title: Another account\npublisher: Camp newsletter\n",
    );
    case.write(
        "incidents/rocket-attack.yaml",
        "name: Rocket attack on Camp Liberty\ntype: attack\ndate:\n  - date: 2013-06\n    sources: [other]\n  - date: 2013-06-15?\n    sources: [ai-release]\ncamp: camp-liberty\nparticipants:\n  - person: kolthoum-sarahati\n    role: victim\n    act: killed\nfigures:\n  - what: residents killed\n    count: 2\n    sources:\n      - source: ai-release\n        locator: paragraph 2\n  - what: Residents-killed\n    count: 3\n    sources:\n      - source: other\n        locator: page 4\n      - source: ai-release\n        locator: paragraph 5\n  - what: residents killed\n    qualifier: at least\n    count: 2\n    sources:\n      - source: other\n        locator: page 1\nsources: [ai-release, other]\n",
    );
    case
}

fn show(dir: &Path, id: &str, format: &str) -> String {
    let run = run_in(dir, &["show", id, "-C", ".", "--format", format]);
    assert_eq!(run.code, Some(0), "{run:?}");
    run.stdout
}

/// The line of `text` that contains every one of `needles`.
fn line_with<'a>(text: &'a str, needles: &[&str]) -> &'a str {
    text.lines()
        .find(|l| needles.iter().all(|n| l.contains(n)))
        .unwrap_or_else(|| panic!("no line with {needles:?} in:\n{text}"))
}

#[test]
fn the_bundled_july_2009_raid_names_each_tolls_source_and_locator_and_marks_the_dispute() {
    let root = bundled();
    let run = run_in(
        &root,
        &[
            "show",
            "2009-07-camp-ashraf-raid",
            "-C",
            ".",
            "--format",
            "claims",
        ],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    let claims = run.stdout;
    // Amnesty's 9 and 6 and the NCRI page's 11 count the same residents and cannot all be true.
    for (count, locator) in [
        ("9", "excerpt on the NCRI page"),
        ("6", "excerpt on the NCRI page"),
        ("11", "paragraph 1"),
    ] {
        let line = line_with(&claims, &[&format!("residents killed: {count} "), locator]);
        assert!(line.contains("disputed"), "{line}");
        assert!(line.contains("according to "), "{line}");
    }
    // The NCRI page's two figures are told apart by their paragraphs.
    let at_least = line_with(&claims, &["killed: at least 11"]);
    assert!(at_least.contains("paragraph 3"), "{at_least}");
    // Sources are named by title, never by their ids.
    assert!(
        !claims.contains("ncri-camp-ashraf-camp-liberty-page,"),
        "{claims}"
    );
    // The month and the uncertain day in it agree: the date is not disputed.
    let date = line_with(&claims, &["2009-07-28?"]);
    assert!(!date.contains("disputed"), "{date}");
    // And the query filter finds the raid among the records with a dispute.
    let run = run_in(&root, &["search", "disputed:killed", "-C", "."]);
    assert!(run.stdout.contains("2009-07-camp-ashraf-raid"), "{run:?}");
}

#[test]
fn figures_that_cannot_all_be_true_are_disputed_and_a_range_that_holds_them_is_not() {
    let case = disputed_case();
    let text = show(case.path(), "rocket-attack", "text");
    let two = line_with(&text, &["killed: 2 "]);
    assert!(two.contains("disputed"), "{two}");
    assert!(
        two.contains("Amnesty International, “A release about the camp”, paragraph 2"),
        "{two}"
    );
    let three = line_with(&text, &["killed: 3 "]);
    assert!(three.contains("disputed"), "{three}");
    assert!(
        three.contains("Camp newsletter, “Another account”, page 4"),
        "{three}"
    );
    let at_least = line_with(&text, &["killed: at least 2"]);
    assert!(!at_least.contains("disputed"), "{at_least}");
    // 2013-06 holds 2013-06-15?: no dispute over the date.
    let date = line_with(&text, &["2013-06 "]);
    assert!(!date.contains("disputed"), "{date}");
    // Markdown says the same, with each source's id for the writer.
    let md = show(case.path(), "rocket-attack", "markdown");
    let three = line_with(&md, &["killed:** 3 "]);
    assert!(three.contains("disputed"), "{three}");
    assert!(three.contains("(`other`)"), "{three}");
}

#[test]
fn an_inference_is_marked_with_its_reason_and_found_by_the_filter() {
    let case = Case::good();
    case.write(
        "people/kolthoum-sarahati.yaml",
        "name: Kolthoum Sarahati\nstatus: killed\nnationality: Iranian\ninferred:\n  nationality: from \"Iranian exiles\" in the release\nsources: [ai-release]\n",
    );
    let text = show(case.path(), "kolthoum-sarahati", "text");
    let nationality = line_with(&text, &["Iranian"]);
    assert!(
        nationality.contains("inferred: from \"Iranian exiles\" in the release"),
        "{text}"
    );
    let claims = show(case.path(), "kolthoum-sarahati", "claims");
    line_with(&claims, &["nationality: Iranian", "inferred: from"]);
    let run = case.run(&["search", "inferred:nationality", "-C", "."]);
    assert_eq!(run.lines().len(), 1, "{run:?}");
    assert!(run.stdout.contains("kolthoum-sarahati"), "{run:?}");
    let run = case.run(&["search", "inferred:", "-C", ".", "--kind", "incident"]);
    assert!(run.stdout.is_empty(), "{run:?}");
}

/// The claims view, opened with `C`, lists the attack's figures side by side; a claim with two
/// sources asks which to follow, and the one chosen is the record shown next.
#[test]
fn the_claims_view_compares_figures_and_a_claim_with_two_sources_asks_which_to_follow() {
    let case = disputed_case();
    let mut pty: Pty = open(&case, 100, 30, &[]);
    search(&mut pty, "rocket", "I Rocket attack");
    pty.key("enter");
    pty.wait_for("the detail pane focused", |_| {
        row(&pty, 29).starts_with(" READ")
    });
    // The record itself names each toll's source by title, with its locator, and marks the
    // dispute.
    let screen = pty.screen();
    for said in [
        "residents killed: 2",
        "disputed",
        "International, “A release about the camp”, paragraph",
        "newsletter, “Another account”, page 4",
    ] {
        assert!(screen.contains(said), "{said} in\n{screen}");
    }
    pty.send("C");
    let screen = pty.wait_text("┌ Claims");
    for count in ["killed: 2", "killed: 3", "killed: at least 2"] {
        assert!(screen.contains(count), "{count} in\n{screen}");
    }
    assert!(screen.contains("disputed"), "{screen}");
    select_detail(&mut pty, "killed: 3");
    pty.key("enter");
    let screen = pty.wait_text("Follow which of 2 sources?");
    assert!(
        screen.contains("→ Camp newsletter, “Another account”, page 4"),
        "{screen}"
    );
    assert!(
        screen.contains("→ Amnesty International, “A release about the camp”, paragraph 5"),
        "{screen}"
    );
    assert!(row(&pty, 29).starts_with(" CHOOSE"), "{}", row(&pty, 29));
    // The second source is the one followed.
    pty.send("j");
    pty.key("enter");
    pty.wait_for("the release shown", |_| {
        detail_title(&pty).starts_with("A release about the camp")
    });
    // Back lands on the attack again.
    pty.send("H");
    pty.wait_for("the attack shown again", |_| {
        detail_title(&pty).starts_with("Rocket attack on Camp Liberty")
    });
    // Esc in the chooser closes it and follows nothing.
    pty.send("C");
    pty.wait_text("┌ Claims");
    select_detail(&mut pty, "killed: 3");
    pty.key("enter");
    pty.wait_text("Follow which of 2 sources?");
    pty.key("esc");
    pty.wait_for("the chooser closed", |s| !s.contains("Follow which"));
    assert!(
        detail_title(&pty).starts_with("Rocket attack on Camp Liberty"),
        "{}",
        pty.screen()
    );
    quit(pty);
}
