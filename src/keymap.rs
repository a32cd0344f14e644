//! One table of key bindings: (context, keys, command, description).
//!
//! The same table dispatches keys, draws the help screen and the key hints, so they can never
//! disagree (gitui builds its help from its command list the same way). Keys are written as
//! text (`ctrl-d`, `alt-left`, `G`, `?`) so the table reads like the help it produces. The
//! user's config changes keys through `Keymap::with_overrides`; dispatch, help and hints all
//! read the resulting `Keymap`, and the table itself stays the defaults (and the README's).
//! Commands have stable kebab-case names for the config file.

use std::collections::HashMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::model::Kind;

/// Where the keyboard is. The browser has two modes: the search box, where every printable
/// key is text, and the detail pane, where letters are commands (as in `less`); the other
/// contexts are boxes drawn over them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    /// Everywhere: only keys that can never be text (Ctrl chords, function keys).
    Global,
    /// The search box and the list of results under it.
    Search,
    /// Reading the record in the detail pane.
    Detail,
    Help,
    Viewer,
    Diagnostics,
}

impl Context {
    /// In the order of the help screen and the config file's `[keys.*]` tables.
    pub const ALL: [Context; 6] = [
        Context::Global,
        Context::Search,
        Context::Detail,
        Context::Help,
        Context::Viewer,
        Context::Diagnostics,
    ];

    /// The name of the context's table in the config file: `[keys.search]`.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Search => "search",
            Context::Detail => "detail",
            Context::Help => "help",
            Context::Viewer => "viewer",
            Context::Diagnostics => "diagnostics",
        }
    }

    pub fn parse(s: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Where text is typed (the search box, the help filter), and the global keys, which apply
    /// there too: a printable key must stay text in them, so none may be bound.
    pub fn typing(self) -> bool {
        matches!(self, Context::Global | Context::Search | Context::Help)
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Search => "Search box and list (letters are text)",
            Context::Detail => "Detail pane (letters are commands)",
            Context::Help => "Help",
            Context::Viewer => "Viewer",
            Context::Diagnostics => "Problems",
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

impl Command {
    /// Every command, in the order of the README's list. A test checks that every command in
    /// the table is here; `name` and `about` match on every variant, so a new command does not
    /// compile until it has a name.
    pub const ALL: [Command; 41] = [
        Command::Quit,
        Command::Suspend,
        Command::Redraw,
        Command::Help,
        Command::Diagnostics,
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::HalfPageUp,
        Command::HalfPageDown,
        Command::Top,
        Command::Bottom,
        Command::Open,
        Command::FocusDetail,
        Command::FocusList,
        Command::SwitchPane,
        Command::Back,
        Command::Forward,
        Command::Clear,
        Command::KindFilter(Some(Kind::Person)),
        Command::KindFilter(Some(Kind::Incident)),
        Command::KindFilter(Some(Kind::Camp)),
        Command::KindFilter(Some(Kind::Source)),
        Command::KindFilter(None),
        Command::Timeline,
        Command::TimelineOf,
        Command::Edit,
        Command::View,
        Command::Copy(Copy::Id),
        Command::Copy(Copy::Location),
        Command::Copy(Copy::Citation),
        Command::Close,
        Command::DeleteBack,
        Command::DeleteForward,
        Command::DeleteWord,
        Command::DeleteLine,
        Command::CursorLeft,
        Command::CursorRight,
        Command::CursorHome,
        Command::CursorEnd,
    ];

    /// The command's name in the config file (`[keys.list] j = "down"`), stable across versions.
    pub fn name(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Suspend => "suspend",
            Command::Redraw => "redraw",
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page-up",
            Command::PageDown => "page-down",
            Command::HalfPageUp => "half-page-up",
            Command::HalfPageDown => "half-page-down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Open => "open",
            Command::FocusDetail => "focus-detail",
            Command::FocusList => "focus-list",
            Command::SwitchPane => "switch-pane",
            Command::Back => "back",
            Command::Forward => "forward",
            Command::Clear => "clear",
            Command::KindFilter(None) => "kind-all",
            Command::KindFilter(Some(kind)) => match kind {
                Kind::Person => "kind-person",
                Kind::Incident => "kind-incident",
                Kind::Camp => "kind-camp",
                Kind::Source => "kind-source",
            },
            Command::Timeline => "timeline",
            Command::TimelineOf => "timeline-of",
            Command::Edit => "edit",
            Command::View => "view",
            Command::Copy(what) => match what {
                Copy::Id => "copy-id",
                Copy::Location => "copy-location",
                Copy::Citation => "copy-citation",
            },
            Command::Help => "help",
            Command::Diagnostics => "diagnostics",
            Command::Close => "close",
            Command::DeleteBack => "delete-back",
            Command::DeleteForward => "delete-forward",
            Command::DeleteWord => "delete-word",
            Command::DeleteLine => "delete-line",
            Command::CursorLeft => "cursor-left",
            Command::CursorRight => "cursor-right",
            Command::CursorHome => "cursor-home",
            Command::CursorEnd => "cursor-end",
        }
    }

    /// What the command does, in a few words, for the README's list of command names.
    pub fn about(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Suspend => "suspend to the shell; `fg` comes back",
            Command::Redraw => "redraw the screen",
            Command::Up => "previous record, field, result, line or problem",
            Command::Down => "next record, field, result, line or problem",
            Command::PageUp => "page up",
            Command::PageDown => "page down",
            Command::HalfPageUp => "half a page up",
            Command::HalfPageDown => "half a page down",
            Command::Top => "first record, line or problem",
            Command::Bottom => "last record, line or problem",
            Command::Open => "follow the selected link",
            Command::FocusDetail => "read the record: focus the detail pane",
            Command::FocusList => "back to the search box",
            Command::SwitchPane => "switch between the search box and the detail pane",
            Command::Back => "back to the previous record",
            Command::Forward => "forward again",
            Command::Clear => "clear the query, then the kind, the scope, then leave the timeline",
            Command::KindFilter(None) => "show every kind",
            Command::KindFilter(Some(kind)) => match kind {
                Kind::Person => "show only people (again: all)",
                Kind::Incident => "show only incidents (again: all)",
                Kind::Camp => "show only camps (again: all)",
                Kind::Source => "show only sources (again: all)",
            },
            Command::Timeline => "timeline: incidents in date order (again: every record)",
            Command::TimelineOf => "timeline of the person or camp shown",
            Command::Edit => "open the file in the editor at the line",
            Command::View => "show the file in the built-in viewer",
            Command::Copy(what) => match what {
                Copy::Id => "copy the record's id",
                Copy::Location => "copy path:line of the selected field",
                Copy::Citation => "copy a Markdown citation of the record",
            },
            Command::Help => "show every key",
            Command::Diagnostics => "list the problems found in the case files",
            Command::Close => "close the help, the viewer or the list of problems",
            Command::DeleteBack => "delete the character before the cursor",
            Command::DeleteForward => "delete the character under the cursor",
            Command::DeleteWord => "delete the word before the cursor",
            Command::DeleteLine => "clear the text",
            Command::CursorLeft => "cursor left",
            Command::CursorRight => "cursor right",
            Command::CursorHome => "cursor to the start",
            Command::CursorEnd => "cursor to the end",
        }
    }

    pub fn parse(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The contexts where the command does something: where the default table binds it, and
    /// everywhere for a command the table binds globally.
    pub fn contexts(self) -> Vec<Context> {
        if BINDINGS
            .iter()
            .any(|b| b.command == self && b.context == Context::Global)
        {
            return Context::ALL.to_vec();
        }
        Context::ALL
            .into_iter()
            .filter(|&c| BINDINGS.iter().any(|b| b.command == self && b.context == c))
            .collect()
    }
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
use Context::{Detail, Diagnostics, Global, Help, Search, Viewer};

/// Every binding. Order is the order of the help screen; the first key is the one shown in hints.
/// In the search box and the help filter every printable key is text, so their keys are
/// chords, function keys and named keys only (a test holds the table to that).
pub const BINDINGS: &[Binding] = &[
    bind(Global, &["ctrl-c"], C::Quit, "quit, from anywhere"),
    bind(
        Global,
        &["f1"],
        C::Help,
        "show every key and the search syntax",
    ),
    bind(
        Global,
        &["f2"],
        C::Diagnostics,
        "list the problems found in the case files",
    ),
    bind(
        Global,
        &["ctrl-z"],
        C::Suspend,
        "suspend to the shell; `fg` comes back",
    ),
    bind(Global, &["ctrl-l"], C::Redraw, "redraw the screen"),
    bind(
        Search,
        &["enter"],
        C::FocusDetail,
        "read the selected record: letters become commands",
    ),
    bind(Search, &["tab"], C::SwitchPane, "switch to the detail pane"),
    bind(
        Search,
        &["down", "ctrl-n", "ctrl-j"],
        C::Down,
        "next record",
    ),
    bind(
        Search,
        &["up", "ctrl-p", "ctrl-k"],
        C::Up,
        "previous record",
    ),
    bind(Search, &["pgdn"], C::PageDown, "page down"),
    bind(Search, &["pgup"], C::PageUp, "page up"),
    bind(Search, &["ctrl-home"], C::Top, "first record"),
    bind(Search, &["ctrl-end"], C::Bottom, "last record"),
    bind(
        Search,
        &["esc"],
        C::Clear,
        "clear the query, then the kind, the scope, the timeline (never quits)",
    ),
    bind(
        Search,
        &["ctrl-y"],
        C::Copy(Copy::Citation),
        "copy a Markdown citation of the record shown",
    ),
    bind(
        Search,
        &["f4", "alt-e"],
        C::Edit,
        "open the file of the record shown in your editor at its line",
    ),
    bind(
        Search,
        &["f3", "alt-v"],
        C::View,
        "show the file of the record shown in the built-in viewer",
    ),
    bind(
        Search,
        &["ctrl-o", "alt-left"],
        C::Back,
        "back to the previous record",
    ),
    bind(Search, &["alt-right"], C::Forward, "forward again"),
    bind(
        Search,
        &["ctrl-t"],
        C::Timeline,
        "timeline: incidents in date order (again: every record)",
    ),
    bind(
        Search,
        &["alt-t"],
        C::TimelineOf,
        "timeline of the person or camp shown",
    ),
    bind(
        Search,
        &["alt-1"],
        C::KindFilter(Some(Kind::Person)),
        "show only people (again: all)",
    ),
    bind(
        Search,
        &["alt-2"],
        C::KindFilter(Some(Kind::Incident)),
        "show only incidents (again: all)",
    ),
    bind(
        Search,
        &["alt-3"],
        C::KindFilter(Some(Kind::Camp)),
        "show only camps (again: all)",
    ),
    bind(
        Search,
        &["alt-4"],
        C::KindFilter(Some(Kind::Source)),
        "show only sources (again: all)",
    ),
    bind(Search, &["alt-0"], C::KindFilter(None), "show every kind"),
    bind(
        Search,
        &["backspace", "ctrl-h"],
        C::DeleteBack,
        "delete the character before the cursor (on an empty query: the scope)",
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
        &["esc", "h", "left", "/"],
        C::FocusList,
        "back to the search box (the query is kept, selected: typing replaces it)",
    ),
    bind(Detail, &["tab"], C::SwitchPane, "switch to the search box"),
    bind(
        Detail,
        &["e", "f4", "alt-e"],
        C::Edit,
        "open the file at the selected field (a citation: the cited document)",
    ),
    bind(
        Detail,
        &["v", "f3", "alt-v"],
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
        &["H", "backspace", "ctrl-o", "alt-left"],
        C::Back,
        "back to the previous record",
    ),
    bind(Detail, &["L", "alt-right"], C::Forward, "forward again"),
    bind(
        Detail,
        &["t", "ctrl-t"],
        C::Timeline,
        "timeline: incidents in date order (again: every record)",
    ),
    bind(
        Detail,
        &["T", "alt-t"],
        C::TimelineOf,
        "timeline of this person or camp",
    ),
    bind(
        Detail,
        &["?"],
        C::Help,
        "show every key and the search syntax",
    ),
    bind(
        Detail,
        &["!"],
        C::Diagnostics,
        "list the problems found in the case files",
    ),
    bind(Detail, &["q"], C::Quit, "quit"),
    bind(Help, &["esc", "f1"], C::Close, "close the help"),
    bind(Help, &["down", "ctrl-n", "ctrl-j"], C::Down, "scroll down"),
    bind(Help, &["up", "ctrl-p", "ctrl-k"], C::Up, "scroll up"),
    bind(Help, &["pgdn"], C::PageDown, "page down"),
    bind(Help, &["pgup"], C::PageUp, "page up"),
    bind(Help, &["home"], C::Top, "top"),
    bind(Help, &["end"], C::Bottom, "bottom"),
    bind(
        Help,
        &["backspace", "ctrl-h"],
        C::DeleteBack,
        "delete from the filter",
    ),
    bind(Help, &["ctrl-u"], C::DeleteLine, "clear the filter"),
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
    bind(Diagnostics, &["pgdn", "space"], C::PageDown, "page down"),
    bind(Diagnostics, &["pgup"], C::PageUp, "page up"),
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

/// The list of command names for the README: what each does and where it can be bound (a test
/// keeps the README's copy identical).
pub fn commands_markdown() -> String {
    use std::fmt::Write as _;
    let mut out = String::from("| Command | Does | In |\n| --- | --- | --- |\n");
    for c in Command::ALL {
        let contexts = c.contexts();
        let places = if contexts.len() == Context::ALL.len() {
            "any".to_owned()
        } else {
            contexts
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(out, "| `{}` | {} | {places} |", c.name(), c.about());
    }
    out
}

/// A key as the table writes it, reduced to what matters for matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

/// Names of the keys that are not one character, as the table and the config file write them.
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pgup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("space", KeyCode::Char(' ')),
];

/// Other spellings people bring from other programs' configs.
const ALIASES: &[(&str, &str)] = &[
    ("return", "enter"),
    ("escape", "esc"),
    ("del", "delete"),
    ("pageup", "pgup"),
    ("pagedown", "pgdn"),
];

const KEY_FORMS: &str = "keys are written like `j`, `G`, `?`, `ctrl-d`, `alt-left`, `shift-tab`, `f1`, `space`, `enter`";

impl Key {
    /// A key that types a character: where text is typed, it must never run a command.
    pub fn is_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }

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

    /// Read a key as the table or a config file writes it. Modifier and key names are not
    /// case-sensitive (`Ctrl-Enter`); a single character is (`g` and `G` differ). The key comes
    /// back in the form `from_event` gives, so it matches what the terminal sends: `shift-g` is
    /// `G`, `ctrl-J` is `ctrl-j`, `shift-tab` is `backtab`. The error says how to write it.
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            let found = [
                ("ctrl-", KeyModifiers::CONTROL),
                ("alt-", KeyModifiers::ALT),
                ("shift-", KeyModifiers::SHIFT),
            ]
            .into_iter()
            .find(|(prefix, _)| lower.starts_with(prefix) && rest.len() > prefix.len());
            match found {
                Some((prefix, m)) => {
                    mods |= m;
                    rest = &rest[prefix.len()..];
                }
                None => break,
            }
        }
        if rest.is_empty() {
            return Err(format!("`{s}` is not a key; {KEY_FORMS}"));
        }
        let lower = rest.to_ascii_lowercase();
        let lower = ALIASES
            .iter()
            .find(|(alias, _)| *alias == lower)
            .map_or(lower.as_str(), |(_, name)| name);
        let mut chars = rest.chars();
        let code = if let Some(&(_, code)) = NAMED.iter().find(|(name, _)| *name == lower) {
            code
        } else if let (Some(c), None) = (chars.next(), chars.next()) {
            KeyCode::Char(c)
        } else if let Some(n) = lower
            .strip_prefix('f')
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| (1..=24).contains(n))
        {
            KeyCode::F(n)
        } else if lower.ends_with('-') {
            return Err(format!("`{s}` has no key after the modifier; {KEY_FORMS}"));
        } else {
            return Err(format!("`{s}` is not a key; {KEY_FORMS}"));
        };
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) => {
                if !c.is_alphabetic() {
                    return Err(format!(
                        "`{s}`: write the character Shift makes instead (`?`, not `shift-/`)"
                    ));
                }
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        Ok(Key { code, mods })
    }

    /// The key as the table and the config file write it; `Key::parse` reads it back.
    pub fn name(&self) -> String {
        let mut s = String::new();
        for (m, prefix) in [
            (KeyModifiers::CONTROL, "ctrl-"),
            (KeyModifiers::ALT, "alt-"),
            (KeyModifiers::SHIFT, "shift-"),
        ] {
            if self.mods.contains(m) {
                s.push_str(prefix);
            }
        }
        match NAMED.iter().find(|(_, code)| *code == self.code) {
            Some((name, _)) => s.push_str(name),
            None => match self.code {
                KeyCode::Char(c) => s.push(c),
                KeyCode::F(n) => {
                    use std::fmt::Write as _;
                    let _ = write!(s, "f{n}");
                }
                _ => s.push('?'),
            },
        }
        s
    }
}

/// How a key is shown to people (help, hints): `ctrl-d` becomes `Ctrl-d`, `down` becomes `↓`.
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
            KeyCode::Insert => f.write_str("Ins"),
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
            // A chord is written with the capital, as keyboards and manuals print it: Ctrl-Y.
            KeyCode::Char(c)
                if self
                    .mods
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                write!(f, "{}", c.to_uppercase())
            }
            KeyCode::Char(c) => write!(f, "{c}"),
            _ => f.write_str("?"),
        }
    }
}

/// One line of the help screen: a command in a context, the keys that run it, and what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub context: Context,
    pub command: Command,
    pub keys: Vec<Key>,
    pub help: &'static str,
}

/// A change to the default table from the config file: in `context`, `key` runs `command`, or
/// nothing (`None`, the config's `"none"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Override {
    pub context: Context,
    pub key: Key,
    pub command: Option<Command>,
}

/// The keys in effect: the table, with the user's overrides applied. Dispatch, the help
/// screen, the key hints and `--print-config` all read this, so they agree with each other.
#[derive(Clone, Debug)]
pub struct Keymap {
    map: HashMap<(Context, Key), Command>,
    rows: Vec<Row>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::with_overrides(&[])
    }
}

impl Keymap {
    /// The default table with `overrides` applied in order: a key bound in a context replaces
    /// that key's default binding in that context; it joins the help row of the same command
    /// in that context (first, so the hints show it), or starts one after the context's last
    /// row.
    pub fn with_overrides(overrides: &[Override]) -> Keymap {
        let mut rows: Vec<Row> = BINDINGS
            .iter()
            .map(|b| Row {
                context: b.context,
                command: b.command,
                keys: b
                    .keys
                    .iter()
                    .map(|k| {
                        Key::parse(k).unwrap_or_else(|e| panic!("bad key in the keymap table: {e}"))
                    })
                    .collect(),
                help: b.help,
            })
            .collect();
        for o in overrides {
            let unchanged = rows.iter().any(|r| {
                r.context == o.context && r.keys.contains(&o.key) && Some(r.command) == o.command
            });
            if unchanged {
                // Saying again what the table says (a saved `--print-config`) changes nothing,
                // not even the key's place in the help.
                continue;
            }
            for row in rows.iter_mut().filter(|r| r.context == o.context) {
                row.keys.retain(|k| *k != o.key);
            }
            let Some(command) = o.command else { continue };
            if let Some(row) = rows
                .iter_mut()
                .find(|r| r.context == o.context && r.command == command)
            {
                // The user's own key first: it is the one the hints show.
                row.keys.insert(0, o.key);
                continue;
            }
            let help = BINDINGS
                .iter()
                .find(|b| b.command == command)
                .map_or(command.about(), |b| b.help);
            let at = rows
                .iter()
                .rposition(|r| r.context == o.context)
                .map_or(rows.len(), |i| i + 1);
            rows.insert(
                at,
                Row {
                    context: o.context,
                    command,
                    keys: vec![o.key],
                    help,
                },
            );
        }
        let mut map = HashMap::new();
        for row in &rows {
            for key in &row.keys {
                map.entry((row.context, *key)).or_insert(row.command);
            }
        }
        Keymap { map, rows }
    }

    /// The command for a key in a context: the context's own binding first, then the global one
    /// (global keys are never text, so they apply in the search box too).
    pub fn lookup(&self, context: Context, ev: KeyEvent) -> Option<Command> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        self.command(context, Key::from_event(ev))
    }

    fn command(&self, context: Context, key: Key) -> Option<Command> {
        if let Some(c) = self.map.get(&(context, key)) {
            return Some(*c);
        }
        self.map.get(&(Context::Global, key)).copied()
    }

    /// The first key that runs a command in a context, for the hints in the status bar: the
    /// context's own keys first, then the global ones that are not taken there.
    pub fn hint(&self, context: Context, command: Command) -> Option<Key> {
        let own = self.rows.iter().filter(|r| r.context == context);
        let global = self.rows.iter().filter(|r| r.context == Context::Global);
        own.chain(global)
            .filter(|r| r.command == command)
            .flat_map(|r| r.keys.iter().copied())
            .find(|&k| self.command(context, k) == Some(command))
    }

    /// Every command with at least one key, in the help screen's order.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| !r.keys.is_empty())
    }

    /// Keys the default table binds in a context that are bound to nothing there now (the
    /// config's `"none"`), in the table's order.
    pub fn unbound(&self, context: Context) -> Vec<Key> {
        let mut out: Vec<Key> = Vec::new();
        for b in BINDINGS.iter().filter(|b| b.context == context) {
            for key in b.keys.iter().filter_map(|k| Key::parse(k).ok()) {
                if !self.map.contains_key(&(context, key)) && !out.contains(&key) {
                    out.push(key);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_exactly_the_keys_dispatched() {
        crate::assert_readme_has("key table", &markdown());
    }

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn every_key_in_the_table_parses() {
        for b in BINDINGS {
            for k in b.keys {
                assert!(Key::parse(k).is_ok(), "{k}");
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
            km.lookup(Context::Detail, ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Command::Down)
        );
        assert_eq!(
            km.lookup(Context::Detail, ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Command::Quit)
        );
        assert_eq!(
            km.lookup(Context::Viewer, ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Command::Close)
        );
        assert_eq!(
            km.lookup(Context::Detail, ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Command::Bottom)
        );
        assert_eq!(
            km.lookup(
                Context::Viewer,
                ev(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Command::Quit)
        );
    }

    #[test]
    fn typing_contexts_keep_letters_for_text() {
        let km = Keymap::default();
        for c in ['q', 'j', '?', '!', '1', 'e', 'G', 'T', ' ', '/'] {
            for context in [Context::Search, Context::Help] {
                assert_eq!(
                    km.lookup(context, ev(KeyCode::Char(c), KeyModifiers::NONE)),
                    None,
                    "{c:?} in {context:?}"
                );
            }
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
    fn no_printable_key_is_bound_where_text_is_typed() {
        for b in BINDINGS.iter().filter(|b| b.context.typing()) {
            for k in b.keys {
                assert!(
                    !Key::parse(k).unwrap().is_text(),
                    "`{k}` would run {:?} instead of typing in {:?}",
                    b.command,
                    b.context
                );
            }
        }
    }

    #[test]
    fn esc_never_quits_and_quitting_is_possible_everywhere() {
        let km = Keymap::default();
        for context in Context::ALL {
            assert_ne!(
                km.lookup(context, ev(KeyCode::Esc, KeyModifiers::NONE)),
                Some(Command::Quit),
                "{context:?}"
            );
            assert_eq!(
                km.lookup(context, ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
                Some(Command::Quit),
                "{context:?}"
            );
        }
    }

    #[test]
    fn every_command_has_a_unique_name_that_parses_back() {
        let mut seen = std::collections::HashSet::new();
        for c in Command::ALL {
            assert!(seen.insert(c.name()), "{} named twice", c.name());
            assert_eq!(Command::parse(c.name()), Some(c));
            assert!(!c.contexts().is_empty(), "{} is bound nowhere", c.name());
        }
        for b in BINDINGS {
            assert!(
                Command::ALL.contains(&b.command),
                "{:?} is missing from Command::ALL",
                b.command
            );
        }
    }

    #[test]
    fn the_readme_lists_every_command_name() {
        crate::assert_readme_has("list of commands", &commands_markdown());
    }

    #[test]
    fn key_names_read_back_and_match_what_the_terminal_sends() {
        for b in BINDINGS {
            for k in b.keys {
                assert_eq!(Key::parse(k).unwrap().name(), *k);
            }
        }
        let parse = |s| Key::parse(s).unwrap();
        assert_eq!(parse("Ctrl-J"), parse("ctrl-j"));
        assert_eq!(parse("shift-g"), parse("G"));
        assert_eq!(parse("shift-tab"), parse("backtab"));
        assert_eq!(parse("PageDown"), parse("pgdn"));
        assert_eq!(parse("ctrl--").name(), "ctrl--");
        assert_eq!(
            Key::from_event(ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            parse("G")
        );
        assert_eq!(
            Key::from_event(ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            parse("shift-tab")
        );
        for bad in ["ctrl-", "alt-", "", "enterr", "ctrl-xy", "shift-/", "f99"] {
            assert!(Key::parse(bad).is_err(), "{bad:?}");
        }
    }

    fn o(context: Context, key: &str, command: Option<Command>) -> Override {
        Override {
            context,
            key: Key::parse(key).unwrap(),
            command,
        }
    }

    #[test]
    fn overrides_replace_a_key_in_its_context_only() {
        let km = Keymap::with_overrides(&[
            o(Context::Detail, "j", Some(Command::Up)),
            o(Context::Detail, "x", Some(Command::Down)),
            o(Context::Detail, "e", None),
        ]);
        let press = |c| ev(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(km.lookup(Context::Detail, press('j')), Some(Command::Up));
        assert_eq!(km.lookup(Context::Detail, press('x')), Some(Command::Down));
        assert_eq!(km.lookup(Context::Detail, press('e')), None);
        // Other contexts keep their keys.
        assert_eq!(km.lookup(Context::Viewer, press('j')), Some(Command::Down));
        assert_eq!(km.lookup(Context::Viewer, press('e')), Some(Command::Edit));
        // The help rows say so: `x` joins "next field", `j` moved to "previous field".
        let keys = |cmd| {
            km.rows()
                .find(|r| r.context == Context::Detail && r.command == cmd)
                .map(|r| r.keys.iter().map(Key::name).collect::<Vec<_>>())
        };
        assert_eq!(keys(Command::Down).unwrap(), ["x", "down", "ctrl-n"]);
        assert_eq!(keys(Command::Up).unwrap(), ["j", "k", "up", "ctrl-p"]);
        assert_eq!(keys(Command::Edit).unwrap(), ["f4", "alt-e"]);
        assert_eq!(km.unbound(Context::Detail), [Key::parse("e").unwrap()]);
    }

    #[test]
    fn a_global_command_bound_in_a_context_gets_its_own_row() {
        let km = Keymap::with_overrides(&[o(Context::Viewer, "x", Some(Command::Quit))]);
        let rows: Vec<&Row> = km.rows().collect();
        let at = rows
            .iter()
            .position(|r| r.context == Context::Viewer && r.command == Command::Quit)
            .unwrap();
        // Right after the viewer's other rows, so the help screen keeps contexts together.
        assert_eq!(rows[at - 1].context, Context::Viewer);
        assert_ne!(rows[at + 1].context, Context::Viewer);
        assert_eq!(rows[at].help, "quit, from anywhere");
    }

    #[test]
    fn hints_show_the_key_that_works_there() {
        let km = Keymap::default();
        let hint = |c, cmd| km.hint(c, cmd).map(|k| k.name());
        assert_eq!(hint(Context::Detail, Command::Edit).as_deref(), Some("e"));
        assert_eq!(hint(Context::Search, Command::Edit).as_deref(), Some("f4"));
        assert_eq!(hint(Context::Detail, Command::Quit).as_deref(), Some("q"));
        // In the viewer `q` closes it, so quitting is Ctrl-C there.
        assert_eq!(
            hint(Context::Viewer, Command::Quit).as_deref(),
            Some("ctrl-c")
        );
        let km = Keymap::with_overrides(&[
            o(Context::Detail, "e", None),
            o(Context::Detail, "E", Some(Command::Edit)),
        ]);
        assert_eq!(
            km.hint(Context::Detail, Command::Edit)
                .map(|k| k.name())
                .as_deref(),
            Some("E")
        );
    }

    #[test]
    fn keys_display_as_people_write_them() {
        let display = |k| Key::parse(k).unwrap().to_string();
        assert_eq!(display("ctrl-d"), "Ctrl-D");
        assert_eq!(display("alt-1"), "Alt-1");
        assert_eq!(display("down"), "↓");
        assert_eq!(display("alt-left"), "Alt-←");
        assert_eq!(display("G"), "G");
    }
}
