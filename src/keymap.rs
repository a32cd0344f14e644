//! One table of key bindings: (context, keys, command, description).
//!
//! The same table dispatches keys, draws the help screen and the key hints, so they can never
//! disagree (gitui builds its help from its command list the same way). Keys are written as
//! text (`ctrl-d`, `alt-left`, `G`, `?`) so the table reads like the help it produces.

use std::collections::HashMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::model::Kind;

/// Where the keyboard is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    /// Anywhere except where text is being typed.
    Global,
    List,
    Detail,
    /// Typing a query in the search box.
    Search,
    Help,
    Viewer,
    Diagnostics,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "List",
            Context::Detail => "Detail",
            Context::Search => "Search box",
            Context::Help => "Help",
            Context::Viewer => "Viewer",
            Context::Diagnostics => "Diagnostics",
        }
    }
}

/// What a key asks for. `app::update` gives each its meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    Quit,
    Suspend,
    Redraw,
    Up,
    Down,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    Top,
    Bottom,
    /// Open the selected record or follow the selected link.
    Open,
    FocusDetail,
    FocusList,
    SwitchPane,
    Back,
    Forward,
    Search,
    /// Esc: clear the query and filters, or close what is open.
    Clear,
    KindFilter(Option<Kind>),
    /// Incidents in date order instead of the ranked list (again: back).
    Timeline,
    /// The timeline of the selected person or camp: their incidents in date order.
    TimelineOf,
    Edit,
    View,
    /// Put something about the record on the clipboard (OSC 52, so it works over SSH).
    Copy(Copy),
    Help,
    Diagnostics,
    Close,
    // Text editing in the search box and the help filter.
    Accept,
    DeleteBack,
    DeleteForward,
    DeleteWord,
    DeleteLine,
    CursorLeft,
    CursorRight,
    CursorHome,
    CursorEnd,
}

/// What the copy keys put on the clipboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Copy {
    Id,
    /// `path:line` of the record, or of the selected field in the detail pane.
    Location,
    /// A Markdown citation: what it is, its date, its sources.
    Citation,
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [&'static str],
    pub command: Command,
    pub help: &'static str,
}

const fn bind(
    context: Context,
    keys: &'static [&'static str],
    command: Command,
    help: &'static str,
) -> Binding {
    Binding {
        context,
        keys,
        command,
        help,
    }
}

use Command as C;
use Context::{Detail, Diagnostics, Global, Help, List, Search, Viewer};

/// Every binding. Order is the order of the help screen; the first key is the one shown in hints.
pub const BINDINGS: &[Binding] = &[
    bind(Global, &["q"], C::Quit, "quit"),
    bind(Global, &["ctrl-c"], C::Quit, "quit, from anywhere"),
    bind(
        Global,
        &["?", "f1"],
        C::Help,
        "show every key (type to filter)",
    ),
    bind(
        Global,
        &["ctrl-z"],
        C::Suspend,
        "suspend to the shell; `fg` comes back",
    ),
    bind(Global, &["ctrl-l"], C::Redraw, "redraw the screen"),
    bind(
        Global,
        &["!"],
        C::Diagnostics,
        "list the problems found in the case files",
    ),
    bind(List, &["/"], C::Search, "search: type to filter and rank"),
    bind(List, &["j", "down", "ctrl-n"], C::Down, "next record"),
    bind(List, &["k", "up", "ctrl-p"], C::Up, "previous record"),
    bind(List, &["ctrl-d"], C::HalfPageDown, "half a page down"),
    bind(List, &["ctrl-u"], C::HalfPageUp, "half a page up"),
    bind(List, &["pgdn", "ctrl-f"], C::PageDown, "page down"),
    bind(List, &["pgup", "ctrl-b"], C::PageUp, "page up"),
    bind(List, &["g", "home"], C::Top, "first record"),
    bind(List, &["G", "end"], C::Bottom, "last record"),
    bind(
        List,
        &["enter", "l", "right"],
        C::FocusDetail,
        "read the record: focus the detail pane",
    ),
    bind(
        List,
        &["tab"],
        C::SwitchPane,
        "switch between list and detail",
    ),
    bind(
        List,
        &["1"],
        C::KindFilter(Some(Kind::Person)),
        "show only people (again: all)",
    ),
    bind(
        List,
        &["2"],
        C::KindFilter(Some(Kind::Incident)),
        "show only incidents (again: all)",
    ),
    bind(
        List,
        &["3"],
        C::KindFilter(Some(Kind::Camp)),
        "show only camps (again: all)",
    ),
    bind(
        List,
        &["4"],
        C::KindFilter(Some(Kind::Source)),
        "show only sources (again: all)",
    ),
    bind(List, &["0"], C::KindFilter(None), "show every kind"),
    bind(
        List,
        &["t"],
        C::Timeline,
        "timeline: incidents in date order (again: every record)",
    ),
    bind(
        List,
        &["T"],
        C::TimelineOf,
        "timeline of the selected person or camp",
    ),
    bind(
        List,
        &["esc"],
        C::Clear,
        "clear the query and the kind filter, then leave the timeline",
    ),
    bind(
        List,
        &["e"],
        C::Edit,
        "open the record's file in $VISUAL/$EDITOR at its line",
    ),
    bind(
        List,
        &["v"],
        C::View,
        "show the record's file in the built-in viewer",
    ),
    bind(
        List,
        &["ctrl-y"],
        C::Copy(Copy::Citation),
        "copy a Markdown citation of the record",
    ),
    bind(
        List,
        &["H", "ctrl-o", "alt-left", "backspace"],
        C::Back,
        "back to the previous record",
    ),
    bind(List, &["L", "alt-right"], C::Forward, "forward again"),
    bind(
        Detail,
        &["j", "down", "ctrl-n"],
        C::Down,
        "next field or link",
    ),
    bind(
        Detail,
        &["k", "up", "ctrl-p"],
        C::Up,
        "previous field or link",
    ),
    bind(Detail, &["ctrl-d"], C::HalfPageDown, "half a page down"),
    bind(Detail, &["ctrl-u"], C::HalfPageUp, "half a page up"),
    bind(
        Detail,
        &["pgdn", "ctrl-f", "space"],
        C::PageDown,
        "page down",
    ),
    bind(Detail, &["pgup", "ctrl-b"], C::PageUp, "page up"),
    bind(Detail, &["g", "home"], C::Top, "top"),
    bind(Detail, &["G", "end"], C::Bottom, "bottom"),
    bind(
        Detail,
        &["enter", "o", "l", "right"],
        C::Open,
        "follow the selected link",
    ),
    bind(
        Detail,
        &["h", "left", "esc"],
        C::FocusList,
        "back to the list",
    ),
    bind(
        Detail,
        &["tab"],
        C::SwitchPane,
        "switch between list and detail",
    ),
    bind(Detail, &["/"], C::Search, "search"),
    bind(
        Detail,
        &["t"],
        C::Timeline,
        "timeline: incidents in date order (again: every record)",
    ),
    bind(
        Detail,
        &["T"],
        C::TimelineOf,
        "timeline of this person or camp",
    ),
    bind(
        Detail,
        &["e"],
        C::Edit,
        "open the file at the selected field (a citation: the cited document)",
    ),
    bind(
        Detail,
        &["v"],
        C::View,
        "show the file at the selected field in the built-in viewer",
    ),
    bind(Detail, &["y"], C::Copy(Copy::Id), "copy the record's id"),
    bind(
        Detail,
        &["Y"],
        C::Copy(Copy::Location),
        "copy path:line of the selected field",
    ),
    bind(
        Detail,
        &["c", "ctrl-y"],
        C::Copy(Copy::Citation),
        "copy a Markdown citation of the record",
    ),
    bind(
        Detail,
        &["H", "ctrl-o", "alt-left", "backspace"],
        C::Back,
        "back to the previous record",
    ),
    bind(Detail, &["L", "alt-right"], C::Forward, "forward again"),
    bind(
        Search,
        &["enter"],
        C::Accept,
        "keep the query and browse the results",
    ),
    bind(
        Search,
        &["esc"],
        C::Clear,
        "clear the query and leave the search box",
    ),
    bind(
        Search,
        &["down", "ctrl-n", "ctrl-j"],
        C::Down,
        "next result",
    ),
    bind(
        Search,
        &["up", "ctrl-p", "ctrl-k"],
        C::Up,
        "previous result",
    ),
    bind(Search, &["pgdn"], C::PageDown, "page down"),
    bind(Search, &["pgup"], C::PageUp, "page up"),
    bind(Search, &["tab"], C::FocusDetail, "read the selected record"),
    bind(
        Search,
        &["backspace", "ctrl-h"],
        C::DeleteBack,
        "delete the character before the cursor",
    ),
    bind(
        Search,
        &["delete", "ctrl-d"],
        C::DeleteForward,
        "delete the character under the cursor",
    ),
    bind(
        Search,
        &["ctrl-w", "alt-backspace"],
        C::DeleteWord,
        "delete the word before the cursor",
    ),
    bind(Search, &["ctrl-u"], C::DeleteLine, "clear the query"),
    bind(Search, &["left", "ctrl-b"], C::CursorLeft, "cursor left"),
    bind(Search, &["right", "ctrl-f"], C::CursorRight, "cursor right"),
    bind(
        Search,
        &["home", "ctrl-a"],
        C::CursorHome,
        "cursor to the start",
    ),
    bind(
        Search,
        &["end", "ctrl-e"],
        C::CursorEnd,
        "cursor to the end",
    ),
    bind(Search, &["ctrl-c"], C::Quit, "quit"),
    bind(Help, &["esc", "?", "f1"], C::Close, "close the help"),
    bind(Help, &["down", "ctrl-n", "ctrl-j"], C::Down, "scroll down"),
    bind(Help, &["up", "ctrl-p", "ctrl-k"], C::Up, "scroll up"),
    bind(Help, &["pgdn"], C::PageDown, "page down"),
    bind(Help, &["pgup"], C::PageUp, "page up"),
    bind(
        Help,
        &["backspace", "ctrl-h"],
        C::DeleteBack,
        "delete from the filter",
    ),
    bind(Help, &["ctrl-u"], C::DeleteLine, "clear the filter"),
    bind(Help, &["ctrl-c"], C::Quit, "quit"),
    bind(Viewer, &["q", "esc", "v"], C::Close, "close the viewer"),
    bind(Viewer, &["j", "down"], C::Down, "scroll down"),
    bind(Viewer, &["k", "up"], C::Up, "scroll up"),
    bind(Viewer, &["ctrl-d"], C::HalfPageDown, "half a page down"),
    bind(Viewer, &["ctrl-u"], C::HalfPageUp, "half a page up"),
    bind(
        Viewer,
        &["pgdn", "space", "ctrl-f"],
        C::PageDown,
        "page down",
    ),
    bind(Viewer, &["pgup", "ctrl-b"], C::PageUp, "page up"),
    bind(Viewer, &["g", "home"], C::Top, "top of the file"),
    bind(Viewer, &["G", "end"], C::Bottom, "end of the file"),
    bind(
        Viewer,
        &["e"],
        C::Edit,
        "open the file in the editor at the highlighted line",
    ),
    bind(
        Diagnostics,
        &["q", "esc", "!"],
        C::Close,
        "close the list of problems",
    ),
    bind(Diagnostics, &["j", "down"], C::Down, "next problem"),
    bind(Diagnostics, &["k", "up"], C::Up, "previous problem"),
    bind(Diagnostics, &["g", "home"], C::Top, "first problem"),
    bind(Diagnostics, &["G", "end"], C::Bottom, "last problem"),
    bind(
        Diagnostics,
        &["enter", "e"],
        C::Edit,
        "open the file at the problem in the editor",
    ),
    bind(
        Diagnostics,
        &["v"],
        C::View,
        "show the file at the problem in the built-in viewer",
    ),
];

/// The key table as Markdown, one section per context, for the README (a test keeps the
/// README's copy identical, so the documented keys are the dispatched keys).
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut last = None;
    for b in BINDINGS {
        if last != Some(b.context) {
            if last.is_some() {
                out.push('\n');
            }
            let _ = write!(
                out,
                "**{}**\n\n| Keys | Does |\n| --- | --- |\n",
                b.context.title()
            );
            last = Some(b.context);
        }
        let keys: Vec<String> = b
            .keys
            .iter()
            .map(|k| format!("`{}`", k.replace('|', "\\|")))
            .collect();
        let _ = writeln!(out, "| {} | {} |", keys.join(" "), b.help);
    }
    out
}

/// A key as the table writes it, reduced to what matters for matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// Normalise a terminal key event: shifted letters arrive as uppercase with SHIFT, which
    /// the table writes as just `G`.
    pub fn from_event(ev: KeyEvent) -> Key {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    pub fn parse(s: &str) -> Option<Key> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                mods |= KeyModifiers::ALT;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" => KeyCode::PageUp,
            "pgdn" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            f if f.len() >= 2
                && f.starts_with('f')
                && f[1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                KeyCode::F(f[1..].parse().ok()?)
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
            _ => return None,
        };
        Some(Key { code, mods })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            _ => f.write_str("?"),
        }
    }
}

/// The table, parsed once for lookups.
pub struct Keymap {
    map: HashMap<(Context, Key), Command>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut map = HashMap::new();
        for b in BINDINGS {
            for k in b.keys {
                let key =
                    Key::parse(k).unwrap_or_else(|| panic!("bad key `{k}` in the keymap table"));
                map.entry((b.context, key)).or_insert(b.command);
            }
        }
        Keymap { map }
    }
}

impl Keymap {
    /// The command for a key in a context: the context's own binding first, then the global one.
    /// Where text is typed (search box, help filter), global single-letter keys are not used.
    pub fn lookup(&self, context: Context, ev: KeyEvent) -> Option<Command> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let key = Key::from_event(ev);
        if let Some(c) = self.map.get(&(context, key)) {
            return Some(*c);
        }
        let typing = matches!(context, Context::Search | Context::Help);
        if typing
            && matches!(key.code, KeyCode::Char(_))
            && !key
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return None;
        }
        if typing {
            return None;
        }
        self.map.get(&(Context::Global, key)).copied()
    }

    /// The first key bound to a command in a context, for the hints in the status bar.
    pub fn hint(context: Context, command: Command) -> Option<&'static str> {
        BINDINGS
            .iter()
            .find(|b| {
                b.command == command && (b.context == context || b.context == Context::Global)
            })
            .and_then(|b| b.keys.first().copied())
    }
}

/// How a key from the table is shown to people: `ctrl-d` becomes `Ctrl-d`, `down` becomes `↓`.
pub fn display(key: &str) -> String {
    Key::parse(key).map_or_else(|| key.to_owned(), |k| k.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_exactly_the_keys_dispatched() {
        let readme = include_str!("../README.md");
        let table = markdown();
        assert!(
            readme.contains(&table),
            "README.md is out of date; its key table should read:\n\n{table}"
        );
    }

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn every_key_in_the_table_parses() {
        for b in BINDINGS {
            for k in b.keys {
                assert!(Key::parse(k).is_some(), "{k}");
            }
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let mut seen = HashMap::new();
        for b in BINDINGS {
            for k in b.keys {
                let key = Key::parse(k).unwrap();
                if let Some(prev) = seen.insert((b.context, key), b.command) {
                    panic!(
                        "{k} in {:?} bound to {prev:?} and {:?}",
                        b.context, b.command
                    );
                }
            }
        }
    }

    #[test]
    fn context_first_then_global() {
        let km = Keymap::default();
        assert_eq!(
            km.lookup(Context::List, ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Command::Down)
        );
        assert_eq!(
            km.lookup(Context::List, ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Command::Quit)
        );
        assert_eq!(
            km.lookup(Context::Viewer, ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Command::Close)
        );
        assert_eq!(
            km.lookup(Context::List, ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Command::Bottom)
        );
    }

    #[test]
    fn typing_contexts_keep_letters_for_text() {
        let km = Keymap::default();
        for c in ['q', 'j', '?', '!', '1'] {
            assert_eq!(
                km.lookup(Context::Search, ev(KeyCode::Char(c), KeyModifiers::NONE)),
                None,
                "{c}"
            );
        }
        assert_eq!(
            km.lookup(
                Context::Search,
                ev(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Command::Quit)
        );
        assert_eq!(
            km.lookup(
                Context::Search,
                ev(KeyCode::Char('n'), KeyModifiers::CONTROL)
            ),
            Some(Command::Down)
        );
    }

    #[test]
    fn keys_display_as_people_write_them() {
        assert_eq!(display("ctrl-d"), "Ctrl-d");
        assert_eq!(display("down"), "↓");
        assert_eq!(display("alt-left"), "Alt-←");
        assert_eq!(display("G"), "G");
    }
}
