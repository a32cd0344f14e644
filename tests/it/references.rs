//! Marking records in the browser and copying them as a numbered Markdown reference list, each
//! with its sources: keys in a real terminal, the list read off the OSC 52 clipboard write.

use crate::tui::{clipboard_writes, open, quit, row, search};
use crate::util::Case;

#[test]
fn marked_records_are_copied_as_a_numbered_reference_list_with_their_sources() {
    let case = Case::good();
    let mut pty = open(&case, 80, 24, &[]);
    // From the search box: Alt-M marks the record shown, and its row says so.
    search(&mut pty, "rocket", "I Rocket attack");
    pty.send("\x1bm");
    pty.wait_text("1 marked");
    pty.wait_for("the mark on the row", |_| {
        row(&pty, 2).contains("I•Rocket attack")
    });
    // From the detail pane: `m` marks, `R` copies.
    pty.key("esc");
    search(&mut pty, "kolthoum", "P Kolthoum Sarahati");
    pty.key("enter");
    pty.send("m");
    pty.wait_text("2 marked");
    pty.send("R");
    pty.wait_text("copied a reference list of 2 marked records");
    let writes = clipboard_writes(&pty.raw());
    assert_eq!(writes.len(), 1, "{writes:?}");
    let list: Vec<&str> = writes[0].lines().collect();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(
        list[0],
        "1. **Rocket attack on Camp Liberty** (incident, 2013-06-15, Camp Liberty). \
         Sources: Amnesty International, \u{201c}A release about the camp\u{201d} \
         (press release, 2013-06?, MDE 14/010/2013)."
    );
    assert!(
        list[1].starts_with("2. **Kolthoum Sarahati** (person"),
        "{}",
        list[1]
    );
    assert!(
        list[1].contains("Sources: Amnesty International"),
        "{}",
        list[1]
    );
    // Unmarking takes a record off the list.
    pty.send("m");
    pty.wait_text("unmarked");
    pty.wait_text("1 marked");
    quit(pty);
}
