//! One table of commands: each written once, with its name in the config file, what it does,
//! and where it is bound by default, with which keys and which words for the help.
//!
//! The same table dispatches keys, draws the help screen and the key hints, and writes the
//! README's key tables, so they can never disagree (helix's `static_commands!` and `keymap!`,
//! gitui's help built from its command list). Keys are written as text (`ctrl-d`, `alt-left`,
//! `G`, `?`) so the table reads like the help it produces, and read at compile time: a key the
//! parser does not know does not build. The user's config changes keys through
//! `Keymap::with_overrides`; dispatch, help and hints all read the resulting `Keymap`, and the
//! table itself stays the defaults (and the README's).

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
    /// Choosing one of a claim's sources to follow.
    Choose,
}

impl Context {
    /// In the order of the help screen and the config file's `[keys.*]` tables.
    pub const ALL: [Context; 7] = [
        Context::Global,
        Context::Search,
        Context::Detail,
        Context::Help,
        Context::Viewer,
        Context::Diagnostics,
        Context::Choose,
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
            Context::Choose => "choose",
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
            Context::Choose => "Choosing a source",
        }
    }
}

/// A default binding: in `context`, `keys` run `command`; `help` says what it does there.
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub command: Command,
    pub help: &'static str,
}

/// The command table. Each command: its variant, its name in the config file and what it does
/// in a few words; then each context it is bound in by default, with the keys and the help
/// line for that context. From it come the `Command` enum, `Command::ALL`, `name`, `about`
/// and `BINDINGS`.
macro_rules! commands {
    ($(
        $(#[$doc:meta])*
        $variant:ident $name:literal $about:literal {
            $( $context:ident [$($key:literal),+ $(,)?] $help:literal ),* $(,)?
        }
    )*) => {
        /// What a key asks for. `app::update` gives each its meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Command {
            $( $(#[$doc])* $variant, )*
        }

        impl Command {
            /// Every command, in the order of the table (and of the README's list).
            pub const ALL: &'static [Command] = &[$(Command::$variant),*];

            /// The command's name in the config file (`[keys.detail] j = "down"`), stable
            /// across versions.
            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name,)* }
            }

            /// What the command does, in a few words, for the README's list of command names.
            pub fn about(self) -> &'static str {
                match self { $(Command::$variant => $about,)* }
            }
        }

        /// Every default binding, in the order of the table; the help groups them by context.
        pub const BINDINGS: &[Binding] = &[$($(
            Binding {
                context: Context::$context,
                keys: &[$(Key::from_table($key)),+],
                command: Command::$variant,
                help: $help,
            },
        )*)*];
    };
}

commands! {
    Down "down" "next record, field, result, line or problem" {
        Search ["down", "ctrl-n", "ctrl-j"] "next record",
        Detail ["j", "down", "ctrl-n"] "next field or link",
        Help ["down", "ctrl-n", "ctrl-j"] "scroll down",
        Viewer ["j", "down"] "scroll down",
        Diagnostics ["j", "down"] "next problem",
        Choose ["j", "down", "ctrl-n"] "next source",
    }
    Up "up" "previous record, field, result, line or problem" {
        Search ["up", "ctrl-p", "ctrl-k"] "previous record",
        Detail ["k", "up", "ctrl-p"] "previous field or link",
        Help ["up", "ctrl-p", "ctrl-k"] "scroll up",
        Viewer ["k", "up"] "scroll up",
        Diagnostics ["k", "up"] "previous problem",
        Choose ["k", "up", "ctrl-p"] "previous source",
    }
    PageDown "page-down" "page down" {
        Search ["pgdn"] "page down",
        Detail ["pgdn", "ctrl-f", "space"] "page down",
        Help ["pgdn"] "page down",
        Viewer ["pgdn", "space", "ctrl-f"] "page down",
        Diagnostics ["pgdn", "space"] "page down",
    }
    PageUp "page-up" "page up" {
        Search ["pgup"] "page up",
        Detail ["pgup", "ctrl-b"] "page up",
        Help ["pgup"] "page up",
        Viewer ["pgup", "ctrl-b"] "page up",
        Diagnostics ["pgup"] "page up",
    }
    HalfPageDown "half-page-down" "half a page down" {
        Detail ["ctrl-d"] "half a page down",
        Viewer ["ctrl-d"] "half a page down",
    }
    HalfPageUp "half-page-up" "half a page up" {
        Detail ["ctrl-u"] "half a page up",
        Viewer ["ctrl-u"] "half a page up",
    }
    Top "top" "first record, line or problem" {
        Search ["ctrl-home"] "first record",
        Detail ["g", "home"] "top",
        Help ["home"] "top",
        Viewer ["g", "home"] "top of the file",
        Diagnostics ["g", "home"] "first problem",
    }
    Bottom "bottom" "last record, line or problem" {
        Search ["ctrl-end"] "last record",
        Detail ["G", "end"] "bottom",
        Help ["end"] "bottom",
        Viewer ["G", "end"] "end of the file",
        Diagnostics ["G", "end"] "last problem",
    }
    /// Read the selected record: the detail pane takes the keyboard.
    FocusDetail "focus-detail" "read the record: focus the detail pane" {
        Search ["enter"] "read the selected record: letters become commands",
    }
    /// Follow the selected link.
    Open "open" "follow the selected link" {
        Detail ["enter", "o", "l", "right"] "follow the selected link (a claim's sources: choose one)",
        Choose ["enter", "l", "right"] "follow the chosen source",
    }
    FocusList "focus-list" "back to the search box" {
        Detail ["esc", "h", "left", "/"] "back to the search box (the query is kept, selected: typing replaces it)",
    }
    SwitchPane "switch-pane" "switch between the search box and the detail pane" {
        Search ["tab"] "switch to the detail pane",
        Detail ["tab"] "switch to the search box",
    }
    Back "back" "back to the previous record" {
        Search ["ctrl-o", "alt-left"] "back to the previous record",
        Detail ["H", "backspace", "ctrl-o", "alt-left"] "back to the previous record",
    }
    Forward "forward" "forward again" {
        Search ["alt-right"] "forward again",
        Detail ["L", "alt-right"] "forward again",
    }
    /// Esc in the search box: undo the narrowing a layer at a time.
    Clear "clear" "clear the query, then the kind, the scope, then leave the timeline" {
        Search ["esc"] "clear the query, then the kind, the scope, the timeline (never quits)",
    }
    Edit "edit" "open the file in the editor at the line" {
        Search ["f4", "alt-e"] "open the file of the record shown in your editor at its line",
        Detail ["e", "f4", "alt-e"] "open the file at the selected field (a citation: the cited document)",
        Viewer ["e"] "open the file in the editor at the highlighted line",
        Diagnostics ["enter", "e"] "open the file at the problem in the editor",
    }
    View "view" "show the file in the built-in viewer" {
        Search ["f3", "alt-v"] "show the file of the record shown in the built-in viewer",
        Detail ["v", "f3", "alt-v"] "show the file at the selected field in the built-in viewer",
        Diagnostics ["v"] "show the file at the problem in the built-in viewer",
    }
    /// Put the record's id on the clipboard (OSC 52, so it works over SSH).
    CopyId "copy-id" "copy the record's id" {
        Detail ["y"] "copy the record's id",
    }
    /// Put `path:line` of the record, or of the selected field, on the clipboard.
    CopyLocation "copy-location" "copy path:line of the selected field" {
        Detail ["Y"] "copy path:line of the selected field",
    }
    /// Put a Markdown citation of the record on the clipboard.
    CopyCitation "copy-citation" "copy a Markdown citation of the record" {
        Search ["ctrl-y"] "copy a Markdown citation of the record shown",
        Detail ["c", "ctrl-y"] "copy a Markdown citation of the record",
    }
    /// Mark the record shown for a reference list, or unmark it.
    Mark "mark" "mark the record shown for a reference list (again: unmark)" {
        Search ["alt-m"] "mark the record shown for a reference list (again: unmark)",
        Detail ["m"] "mark the record for a reference list (again: unmark)",
    }
    /// Put a numbered Markdown list of the marked records, each with its sources, on the
    /// clipboard.
    CopyReferences "copy-references" "copy the marked records as a numbered Markdown reference list" {
        Search ["alt-y"] "copy the marked records as a numbered Markdown reference list",
        Detail ["R"] "copy the marked records as a numbered Markdown reference list",
    }
    /// The detail pane shows the record's claims side by side (again: the record).
    Claims "claims" "the record's claims side by side, each with its sources (again: the record)" {
        Search ["alt-c"] "the record's claims side by side, each with its sources (again: the record)",
        Detail ["C"] "the record's claims side by side, each with its sources (again: the record)",
    }
    /// A new record: the query is its name, the kind chosen with alt-1..alt-5 its kind; the
    /// editor opens on it, and the browser lands on it after.
    NewRecord "new-record" "a new record named as the query, of the kind chosen (alt-1..alt-5), in the editor" {
        Search ["alt-n"] "a new record named as the query, of the kind chosen (alt-1..alt-5), in the editor",
    }
    /// Incidents in date order instead of the ranked list (again: back).
    Timeline "timeline" "timeline: incidents in date order (again: every record)" {
        Search ["ctrl-t"] "timeline: incidents in date order (again: every record)",
        Detail ["t", "ctrl-t"] "timeline: incidents in date order (again: every record)",
    }
    /// The timeline of the person, camp or organisation shown: their incidents in date order.
    TimelineOf "timeline-of" "timeline of the person, camp or organisation shown" {
        Search ["alt-t"] "timeline of the person, camp or organisation shown",
        Detail ["T", "alt-t"] "timeline of this person, camp or organisation",
    }
    KindPerson "kind-person" "show only people (again: all)" {
        Search ["alt-1"] "show only people (again: all)",
    }
    KindIncident "kind-incident" "show only incidents (again: all)" {
        Search ["alt-2"] "show only incidents (again: all)",
    }
    KindCamp "kind-camp" "show only camps (again: all)" {
        Search ["alt-3"] "show only camps (again: all)",
    }
    KindSource "kind-source" "show only sources (again: all)" {
        Search ["alt-4"] "show only sources (again: all)",
    }
    KindOrganization "kind-organization" "show only organisations (again: all)" {
        Search ["alt-5"] "show only organisations (again: all)",
    }
    KindAll "kind-all" "show every kind" {
        Search ["alt-0"] "show every kind",
    }
    /// Matches that would not convince a reader (letters scattered across a title, a word
    /// inside a longer one) are left out of the list, and counted in the status bar.
    WeakMatches "weak-matches" "show the weaker matches too, after the others (again: hide them)" {
        Search ["alt-w"] "show the weaker matches too, after the others (again: hide them)",
        Detail ["W", "alt-w"] "show the weaker matches too, after the others (again: hide them)",
    }
    DeleteBack "delete-back" "delete the character before the cursor" {
        Search ["backspace", "ctrl-h"] "delete the character before the cursor (on an empty query: the scope)",
        Help ["backspace", "ctrl-h"] "delete from the filter",
    }
    DeleteForward "delete-forward" "delete the character under the cursor" {
        Search ["delete", "ctrl-d"] "delete the character under the cursor",
    }
    DeleteWord "delete-word" "delete the word before the cursor" {
        Search ["ctrl-w", "alt-backspace"] "delete the word before the cursor",
    }
    DeleteLine "delete-line" "clear the text" {
        Search ["ctrl-u"] "clear the query",
        Help ["ctrl-u"] "clear the filter",
    }
    CursorLeft "cursor-left" "cursor left" {
        Search ["left", "ctrl-b"] "cursor left",
    }
    CursorRight "cursor-right" "cursor right" {
        Search ["right", "ctrl-f"] "cursor right",
    }
    CursorHome "cursor-home" "cursor to the start" {
        Search ["home", "ctrl-a"] "cursor to the start",
    }
    CursorEnd "cursor-end" "cursor to the end" {
        Search ["end", "ctrl-e"] "cursor to the end",
    }
    Close "close" "close the help, the viewer or the list of problems" {
        Help ["esc", "f1"] "close the help",
        Viewer ["q", "esc", "v"] "close the viewer",
        Diagnostics ["q", "esc", "!"] "close the list of problems",
        Choose ["esc", "q", "h", "left"] "close the choice",
    }
    Help "help" "show every key and the search syntax" {
        Global ["f1"] "show every key and the search syntax",
        Detail ["?"] "show every key and the search syntax",
    }
    Diagnostics "diagnostics" "list the problems found in the case files" {
        Global ["f2"] "list the problems found in the case files",
        Detail ["!"] "list the problems found in the case files",
    }
    Suspend "suspend" "suspend to the shell; `fg` comes back" {
        Global ["ctrl-z"] "suspend to the shell; `fg` comes back",
    }
    Redraw "redraw" "redraw the screen" {
        Global ["ctrl-l"] "redraw the screen",
    }
    Quit "quit" "quit" {
        Global ["ctrl-c"] "quit, from anywhere",
        Detail ["q"] "quit",
    }
}

/// What a kind key shows: one kind (again: every kind), or every kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kinds {
    Only(Kind),
    Every,
}

/// What the copy keys put on the clipboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Copied {
    Id,
    /// `path:line` of the record, or of the selected field in the detail pane.
    Location,
    /// A Markdown citation: what it is, its date, its sources.
    Citation,
    /// The marked records, numbered, each cited with its sources.
    References,
}

impl Command {
    pub fn parse(name: &str) -> Option<Command> {
        Command::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// What a kind key shows.
    pub fn kinds(self) -> Option<Kinds> {
        match self {
            Command::KindPerson => Some(Kinds::Only(Kind::Person)),
            Command::KindIncident => Some(Kinds::Only(Kind::Incident)),
            Command::KindCamp => Some(Kinds::Only(Kind::Camp)),
            Command::KindOrganization => Some(Kinds::Only(Kind::Organization)),
            Command::KindSource => Some(Kinds::Only(Kind::Source)),
            Command::KindAll => Some(Kinds::Every),
            _ => None,
        }
    }

    /// What a copy key copies.
    pub fn copied(self) -> Option<Copied> {
        match self {
            Command::CopyId => Some(Copied::Id),
            Command::CopyLocation => Some(Copied::Location),
            Command::CopyCitation => Some(Copied::Citation),
            Command::CopyReferences => Some(Copied::References),
            _ => None,
        }
    }

    /// The contexts where the command does something: where the table binds it, and
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

/// The key table as Markdown, one section per context, for the README (a test keeps the
/// README's copy identical, so the documented keys are the dispatched keys).
#[cfg(test)]
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for context in Context::ALL {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = write!(
            out,
            "**{}**\n\n| Keys | Does |\n| --- | --- |\n",
            context.title()
        );
        for b in BINDINGS.iter().filter(|b| b.context == context) {
            let keys: Vec<String> = b
                .keys
                .iter()
                .map(|k| format!("`{}`", k.name().replace('|', "\\|")))
                .collect();
            let _ = writeln!(out, "| {} | {} |", keys.join(" "), b.help);
        }
    }
    out
}

/// The list of command names for the README: what each does and where it can be bound (a test
/// keeps the README's copy identical).
#[cfg(test)]
pub fn commands_markdown() -> String {
    use std::fmt::Write as _;
    let mut out = String::from("| Command | Does | In |\n| --- | --- | --- |\n");
    for &c in Command::ALL {
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

/// Names of the keys that are not one character, as the table and the config file write them,
/// then other spellings people bring from other programs' configs.
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
    ("return", KeyCode::Enter),
    ("escape", KeyCode::Esc),
    ("del", KeyCode::Delete),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
];

/// Why a key could not be read; `Display` says what is wrong and `todo` how to write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// Nothing after the modifiers, or nothing at all: `ctrl-`, an empty string.
    NoKey,
    /// Not a name, a single character or a function key: `enterr`, `ctrl-xy`.
    Unknown,
    /// Shift with something that is not a letter: `shift-/` (the character itself is `?`).
    ShiftedSymbol,
}

impl KeyError {
    /// How to write a key instead.
    pub fn todo(self) -> &'static str {
        match self {
            KeyError::ShiftedSymbol => {
                "write the character Shift makes instead (`?`, not `shift-/`)"
            }
            KeyError::NoKey | KeyError::Unknown => {
                "keys are written like `j`, `G`, `?`, `ctrl-d`, `alt-left`, `shift-tab`, `f1`, `space`, `enter`"
            }
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyError::NoKey => "has no key after the modifier",
            KeyError::Unknown => "is not a key",
            KeyError::ShiftedSymbol => "is a shifted symbol",
        })
    }
}

/// `s[from..]` as a sub-slice (slicing by range is not yet allowed in `const fn`).
const fn tail(s: &[u8], from: usize) -> &[u8] {
    s.split_at(from).1
}

/// The one character `s` holds, if it holds exactly one.
const fn one_char(s: &[u8]) -> Option<char> {
    let (len, first) = match s {
        [b, ..] if *b < 0x80 => (1, *b as u32),
        [b, ..] if *b >> 5 == 0b110 => (2, (*b & 0x1f) as u32),
        [b, ..] if *b >> 4 == 0b1110 => (3, (*b & 0x0f) as u32),
        [b, ..] if *b >> 3 == 0b1_1110 => (4, (*b & 0x07) as u32),
        _ => return None,
    };
    if s.len() != len {
        return None;
    }
    let mut code = first;
    let mut i = 1;
    while i < len {
        code = (code << 6) | (s[i] & 0x3f) as u32;
        i += 1;
    }
    char::from_u32(code)
}

impl Key {
    /// A key of the built-in table, read when the program is compiled: a key written wrong
    /// there stops the build rather than the program.
    const fn from_table(s: &str) -> Key {
        match Key::read(s) {
            Ok(k) => k,
            Err(_) => panic!("a key in the command table cannot be read"),
        }
    }

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
    /// `G`, `ctrl-J` is `ctrl-j`, `shift-tab` is `backtab`.
    pub fn parse(s: &str) -> Result<Key, KeyError> {
        Key::read(s)
    }

    const fn read(s: &str) -> Result<Key, KeyError> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s.as_bytes();
        loop {
            let prefixes: [(&[u8], KeyModifiers); 3] = [
                (b"ctrl-", KeyModifiers::CONTROL),
                (b"alt-", KeyModifiers::ALT),
                (b"shift-", KeyModifiers::SHIFT),
            ];
            let mut found = false;
            let mut i = 0;
            while i < prefixes.len() {
                let (prefix, m) = prefixes[i];
                if rest.len() > prefix.len()
                    && rest.split_at(prefix.len()).0.eq_ignore_ascii_case(prefix)
                {
                    mods = mods.union(m);
                    rest = tail(rest, prefix.len());
                    found = true;
                    break;
                }
                i += 1;
            }
            if !found {
                break;
            }
        }
        if rest.is_empty() {
            return Err(KeyError::NoKey);
        }
        let mut code = None;
        let mut i = 0;
        while i < NAMED.len() {
            if rest.eq_ignore_ascii_case(NAMED[i].0.as_bytes()) {
                code = Some(NAMED[i].1);
                break;
            }
            i += 1;
        }
        let code = match code {
            Some(c) => c,
            None => match one_char(rest) {
                Some(c) => KeyCode::Char(c),
                None => match function_key(rest) {
                    Some(n) => KeyCode::F(n),
                    None if rest[rest.len() - 1] == b'-' => return Err(KeyError::NoKey),
                    None => return Err(KeyError::Unknown),
                },
            },
        };
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) => {
                if !c.is_ascii_alphabetic() {
                    return Err(KeyError::ShiftedSymbol);
                }
                mods = mods.difference(KeyModifiers::SHIFT);
                KeyCode::Char(c.to_ascii_uppercase())
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods = mods.difference(KeyModifiers::SHIFT);
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
}

/// `f1` to `f24`, any case.
const fn function_key(s: &[u8]) -> Option<u8> {
    match s {
        [b'f' | b'F', d] if d.is_ascii_digit() && *d != b'0' => Some(*d - b'0'),
        [b'f' | b'F', a, b] if a.is_ascii_digit() && b.is_ascii_digit() && *a != b'0' => {
            let n = (*a - b'0') * 10 + (*b - b'0');
            if n <= 24 { Some(n) } else { None }
        }
        _ => None,
    }
}

impl Key {
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
pub struct Bound {
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
    rows: Vec<Bound>,
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
        // The help lists the contexts in order, each with its commands in the table's order.
        let mut rows: Vec<Bound> = Context::ALL
            .into_iter()
            .flat_map(|context| BINDINGS.iter().filter(move |b| b.context == context))
            .map(|b| Bound {
                context: b.context,
                command: b.command,
                keys: b.keys.to_vec(),
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
                Bound {
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
    pub fn rows(&self) -> impl Iterator<Item = &Bound> {
        self.rows.iter().filter(|r| !r.keys.is_empty())
    }

    /// Keys the default table binds in a context that are bound to nothing there now (the
    /// config's `"none"`), in the table's order.
    pub fn unbound(&self, context: Context) -> Vec<Key> {
        let mut out: Vec<Key> = Vec::new();
        for b in BINDINGS.iter().filter(|b| b.context == context) {
            for &key in b.keys {
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
    fn no_key_is_bound_twice_in_one_context() {
        let mut seen = HashMap::new();
        for b in BINDINGS {
            for &key in b.keys {
                if let Some(prev) = seen.insert((b.context, key), b.command) {
                    panic!(
                        "{} in {:?} bound to {prev:?} and {:?}",
                        key.name(),
                        b.context,
                        b.command
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
                    !k.is_text(),
                    "`{}` would run {:?} instead of typing in {:?}",
                    k.name(),
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
    fn every_command_has_a_unique_name_that_parses_back_and_a_binding() {
        let mut seen = std::collections::HashSet::new();
        for &c in Command::ALL {
            assert!(seen.insert(c.name()), "{} named twice", c.name());
            assert_eq!(Command::parse(c.name()), Some(c));
            assert!(!c.contexts().is_empty(), "{} is bound nowhere", c.name());
        }
    }

    #[test]
    fn the_readme_lists_every_command_name() {
        crate::assert_readme_has("list of commands", &commands_markdown());
    }

    #[test]
    fn key_names_read_back_and_match_what_the_terminal_sends() {
        for b in BINDINGS {
            for &k in b.keys {
                assert_eq!(Key::parse(&k.name()), Ok(k));
            }
        }
        assert_eq!(Key::parse("ctrl-"), Err(KeyError::NoKey));
        assert_eq!(Key::parse("enterr"), Err(KeyError::Unknown));
        assert_eq!(Key::parse("shift-/"), Err(KeyError::ShiftedSymbol));
        assert_eq!(
            Key::parse("f24"),
            Ok(Key {
                code: KeyCode::F(24),
                mods: KeyModifiers::NONE
            })
        );
        assert_eq!(
            Key::parse("é"),
            Ok(Key {
                code: KeyCode::Char('é'),
                mods: KeyModifiers::NONE
            })
        );
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
        let rows: Vec<&Bound> = km.rows().collect();
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
