//! Text from case files, made safe for a terminal once, at load.
//!
//! Case files come from other people. A name or summary may carry escape sequences (a screen clear,
//! an OSC 52 clipboard write), C1 controls, bidi overrides or zero-width characters that would
//! garble the screen or hide text. [`Text`] keeps the raw string for JSON and, only when the two
//! differ, a cleaned copy in which each such character is spelled out as a visible `\u{..}`
//! escape. Drawing code and plain CLI output only ever ask for [`Text::shown`].

use std::fmt;

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string from a case file: the raw value plus, where needed, its terminal-safe form.
///
/// 24 bytes, the size of one inline string: a record holds hundreds of these, and at a million
/// records their size is most of the memory.
#[derive(Clone, PartialEq, Eq)]
pub struct Text(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    /// Safe to show as written, which is nearly always. Short strings (ids, roles, dates) are
    /// stored inline, without an allocation.
    Plain(CompactString),
    /// Raw, then the cleaned copy that is shown.
    Cleaned(Box<(Box<str>, Box<str>)>),
}

impl Default for Text {
    fn default() -> Self {
        Self(Repr::Plain(CompactString::default()))
    }
}

impl Text {
    pub fn new(raw: impl Into<String>) -> Self {
        let raw: String = raw.into();
        if needs_cleaning(&raw) {
            let safe = clean(&raw).into_boxed_str();
            Self(Repr::Cleaned(Box::new((raw.into_boxed_str(), safe))))
        } else {
            Self(Repr::Plain(CompactString::from(raw)))
        }
    }

    /// The string exactly as written in the file (JSON output uses this).
    pub fn raw(&self) -> &str {
        match &self.0 {
            Repr::Plain(s) => s,
            Repr::Cleaned(b) => &b.0,
        }
    }

    /// The string as it may be written to a terminal.
    pub fn shown(&self) -> &str {
        match &self.0 {
            Repr::Plain(s) => s,
            Repr::Cleaned(b) => &b.1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.raw().trim().is_empty()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.raw(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.shown())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.raw())
    }
}

/// Would this character change the terminal's state, hide text, or reorder it?
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        // C0 controls except newline (kept: summaries are paragraphs), DEL, and C1 controls.
        '\0'..='\x09' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'
        // Bidi embeddings, overrides, isolates and marks: they can reorder what follows.
        | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        // Invisible characters that hide or split words.
        | '\u{200b}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{180e}' | '\u{00ad}'
        // Line and paragraph separators: some terminals treat them as newlines.
        | '\u{2028}' | '\u{2029}'
        // Interlinear annotation and object replacement controls.
        | '\u{fff9}'..='\u{fffb}'
        // Zero-width joiners: judged in context by `clean`.
        | '\u{200c}' | '\u{200d}'
    )
}

fn needs_cleaning(s: &str) -> bool {
    s.chars().any(is_unsafe)
}

/// ZWNJ and ZWJ are part of correct spelling in Persian and Arabic script (and in emoji); they
/// are kept between two non-ASCII letters and spelled out everywhere else, where they only hide
/// text (`Ja\u{200c}far` would look like `Jafar` but not match it).
fn joiner_in_word(prev: Option<char>, next: Option<char>) -> bool {
    let wordy = |c: Option<char>| c.is_some_and(|c| !c.is_ascii() && !is_unsafe(c));
    wordy(prev) && wordy(next)
}

/// Spell every unsafe character as `\u{hex}`; tabs become a space.
pub fn clean(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\t' => out.push(' '),
            '\r' if chars.get(i + 1) == Some(&'\n') => {}
            '\u{200c}' | '\u{200d}'
                if joiner_in_word(
                    i.checked_sub(1).map(|j| chars[j]),
                    chars.get(i + 1).copied(),
                ) =>
            {
                out.push(c);
            }
            c if is_unsafe(c) => {
                use fmt::Write;
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Clean a string that is not held in a [`Text`] (a file name, a message quoting a file).
pub fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_cleaning(s) {
        std::borrow::Cow::Owned(clean(s))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_kept_as_is_without_a_copy() {
        let t = Text::new("Kolthoum Sarahati");
        assert_eq!(t.shown(), "Kolthoum Sarahati");
        assert!(matches!(t.0, Repr::Plain(_)), "no cleaned copy");
    }

    #[test]
    fn escape_sequences_become_visible_text() {
        let t = Text::new("Ali\x1b]52;c;ZXZpbA==\x07\x1b[2J");
        assert_eq!(t.raw(), "Ali\x1b]52;c;ZXZpbA==\x07\x1b[2J");
        assert_eq!(t.shown(), "Ali\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{1b}[2J");
        assert!(!t.shown().contains('\x1b'));
    }

    #[test]
    fn c1_controls_and_bidi_overrides_are_spelled_out() {
        assert_eq!(clean("a\u{9b}31m"), "a\\u{9b}31m");
        assert_eq!(clean("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(clean("a\u{200b}b"), "a\\u{200b}b");
    }

    #[test]
    fn newlines_stay_and_tabs_become_spaces() {
        assert_eq!(clean("one\ttwo\r\nthree\u{7}"), "one two\nthree\\u{7}");
    }

    #[test]
    fn persian_zero_width_non_joiner_is_kept_inside_a_word() {
        let persian = "می\u{200c}خواهم";
        assert_eq!(clean(persian), persian);
        assert_eq!(clean("Ja\u{200c}far"), "Ja\\u{200c}far");
    }
}
