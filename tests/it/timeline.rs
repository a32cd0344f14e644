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
    pty.key("ctrl-t");
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
    pty.send("type:attack");
    pty.wait_for("two incidents", |s| s.contains("Timeline 1/2"));
    assert!(row(&pty, 2).contains("Rocket attack"), "{}", pty.screen());
    assert!(row(&pty, 3).contains("September raid"), "{}", pty.screen());

    // The same keys: ↓ selects the next incident and shows it, the edit chord opens it.
    pty.key("down");
    pty.wait_for("September selected", |s| {
        s.contains("September raid  incident")
    });
    pty.key("f4");
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
fn the_whole_interval_shows_in_the_date_column_with_its_exactness() {
    let case = case();
    case.write(
        "incidents/long.yaml",
        "name: A long detention\ntype: detention\ndate: \"2012/2016?\"\nsources: [ai-release]\n",
    );
    case.write(
        "incidents/before.yaml",
        "name: Something before 2003\ntype: other\ndate: \"../2003\"\nsources: [ai-release]\n",
    );
    // At 100 columns the list is 40 wide: the whole interval still shows, `?` and all.
    let mut pty = open(&case, 100, 30, &[]);
    pty.key("ctrl-t");
    pty.wait_for("the timeline", |s| s.contains("Timeline 1/5"));
    let screen = pty.screen();
    assert!(screen.contains("to 2003"), "{screen}");
    assert!(screen.contains("2012–2016? A long detention"), "{screen}");
    // Wide enough, the words say it too.
    pty.resize(200, 30);
    pty.wait_for("the exactness in words", |s| {
        s.contains("2012–2016? A long detention (interval, uncertain)")
    });
    // `year:` overlaps intervals, open ones too.
    pty.send("year:2014");
    pty.wait_for("the interval found by a year inside it", |s| {
        s.contains("Timeline 1/1") && s.contains("2012–2016?")
    });
    pty.key("ctrl-u");
    pty.send("year:1990");
    pty.wait_for("the open interval found by a year before its end", |s| {
        s.contains("Timeline 1/1") && s.contains("to 2003")
    });
    quit(pty);
}

#[test]
fn the_timeline_of_a_person_holds_only_their_incidents_behind_a_chip() {
    let case = case();
    let mut pty = open(&case, 160, 24, &[]);
    pty.send("kolthoum");
    pty.wait_for("Kolthoum first", |_| {
        row(&pty, 2).contains("P Kolthoum Sarahati")
    });
    pty.key("enter");
    pty.send("T");
    pty.wait_for("her timeline", |s| s.contains("Timeline 1/1"));
    assert!(
        row(&pty, 0).contains("person: Kolthoum Sarahati ×"),
        "{}",
        row(&pty, 0)
    );
    assert!(
        row(&pty, 2).contains("2013-06-15 Rocket attack on Camp Liberty"),
        "{}",
        pty.screen()
    );
    // New typing filters within the scope, not glued to it.
    pty.send("rocket");
    pty.wait_for("the query beside the chip", |_| {
        let bar = row(&pty, 0);
        bar.contains("Kolthoum Sarahati × ")
            && bar.contains(" rocket ")
            && row(&pty, 1).contains("Timeline 1/1")
    });
    pty.key("ctrl-u");
    pty.key("backspace");
    pty.wait_for("the chip removed: every incident", |_| {
        !row(&pty, 0).contains('×') && row(&pty, 1).contains("Timeline 1/3")
    });
    // An incident has no timeline of its own: the status bar says so.
    pty.key("alt-t");
    pty.wait_for("the hint", |s| {
        s.contains("a timeline is for a person, a camp or an organisation")
    });
    quit(pty);
}
