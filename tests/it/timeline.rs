//! The timeline view in the real browser: incidents in date order, partial dates first in their
//! period and marked, filtered by person, with the same jump keys.

use crate::tui::{open, quit, row, stub_editor, wait_args};
use crate::util::Case;

fn case() -> Case {
    let case = Case::good();
    case.write(
        "incidents/year-only.yaml",
        "name: Shortages reported\ntype: other\ndate: \"2013\"\ncamp: camp-liberty\nsources: [ai-release]\n",
    );
    case.write(
        "incidents/september.yaml",
        "name: September raid\ntype: attack\ndate: \"2013-09-01\"\ncamp: camp-liberty\nsources: [ai-release]\n",
    );
    case
}

#[test]
fn incidents_in_date_order_with_partial_dates_first_and_marked() {
    let case = case();
    let (editor, args) = stub_editor(&case);
    let mut pty = open(&case, 160, 24, &[("EDITOR", &editor)]);
    pty.send("t");
    pty.wait_for("the timeline", |s| s.contains("Timeline 1/3"));
    assert!(
        row(&pty, 2).contains("2013       Shortages reported (year only)  camp-liberty"),
        "{}",
        pty.screen()
    );
    assert!(
        row(&pty, 3).contains("2013-06-15 Rocket attack on Camp Liberty"),
        "{}",
        pty.screen()
    );
    assert!(
        row(&pty, 4).contains("2013-09-01 September raid"),
        "{}",
        pty.screen()
    );
    assert!(row(&pty, 0).contains("[timeline]"), "{}", row(&pty, 0));

    // A query filters (here by field) and the order stays by date.
    pty.send("/type:attack");
    pty.wait_for("two incidents", |s| s.contains("Timeline 1/2"));
    assert!(row(&pty, 2).contains("Rocket attack"), "{}", pty.screen());
    assert!(row(&pty, 3).contains("September raid"), "{}", pty.screen());

    // The same jump keys: the editor opens the selected incident's file.
    pty.key("enter");
    pty.send("j");
    pty.wait_for("September selected", |s| {
        s.contains("September raid  incident")
    });
    pty.send("e");
    let file = std::path::absolute(case.path())
        .unwrap()
        .join("incidents/september.yaml");
    assert_eq!(wait_args(&args), ["+1", &file.display().to_string()]);
    pty.wait_text("Timeline");

    // Esc clears the query, then leaves the timeline.
    pty.key("esc");
    pty.wait_for("the whole timeline", |s| s.contains("Timeline 1/3"));
    pty.key("esc");
    pty.wait_for("every record again", |s| s.contains("Records 1/6"));
    quit(pty);
}

#[test]
fn the_timeline_of_a_person_holds_only_their_incidents() {
    let case = case();
    let mut pty = open(&case, 160, 24, &[]);
    pty.send("/kolthoum");
    pty.wait_for("Kolthoum first", |_| {
        row(&pty, 2).contains("P Kolthoum Sarahati")
    });
    pty.key("enter");
    pty.send("T");
    pty.wait_for("her timeline", |s| s.contains("Timeline 1/1"));
    assert!(
        row(&pty, 0).contains("person:kolthoum-sarahati"),
        "{}",
        row(&pty, 0)
    );
    assert!(
        row(&pty, 2).contains("2013-06-15 Rocket attack on Camp Liberty"),
        "{}",
        pty.screen()
    );
    // `t` goes back to the ranked list, keeping the filter in the search box.
    pty.send("t");
    pty.wait_for("the records", |s| s.contains("Records 1/1"));
    // An incident has no timeline of its own: the status bar says what to do.
    pty.send("T");
    pty.wait_for("the hint", |s| {
        s.contains("a timeline is for a person or a camp")
    });
    quit(pty);
}
