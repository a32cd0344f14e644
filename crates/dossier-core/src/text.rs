//! Text from case files, made safe for a terminal once, at load.
//!
//! Case files come from other people. A name or summary may carry escape sequences (a screen clear,
//! an OSC 52 clipboard write), C1 controls, bidi overrides, or invisible characters (zero-width
//! spaces, the Hangul filler, tag characters: Unicode's default-ignorable code points) that would
//! garble the screen, hide text, or make one name look like another or like nothing. [`Text`]
//! keeps the raw string for JSON and, only when the two differ, a cleaned copy in which each such
//! character is spelled out as a visible `\u{..}` escape. Drawing code and plain CLI output only
//! ever ask for [`Text::shown`].
//!
//! A line break is spelled out too, except in the two fields shown as paragraphs (`summary` and
//! `notes`, made with [`Text::paragraph`]): a name, a status or a file name is one line wherever
//! it is printed, so a value cannot forge a line of `dossier list` or `check`.

use std::fmt;

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string from a case file: the raw value plus, where needed, its terminal-safe form.
///
/// 24 bytes, the size of one inline string: a record holds hundreds of these, and at a million
/// records their size is most of the memory.
#[derive(Clone, PartialEq, Eq, rkyv::Archive, rkyv::Serialize)]
pub struct Text(Repr);

#[derive(Clone, PartialEq, Eq, rkyv::Archive, rkyv::Serialize)]
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
    /// A value shown on one line: a line break in it is spelled out.
    pub(crate) fn new(raw: impl Into<String>) -> Self {
        Self::with(raw.into(), Lines::One)
    }

    /// A paragraph (a summary, notes): its line breaks are kept.
    pub(crate) fn paragraph(raw: impl Into<String>) -> Self {
        Self::with(raw.into(), Lines::Kept)
    }

    fn with(raw: String, lines: Lines) -> Self {
        if needs_cleaning(&raw, lines) {
            let safe = clean_with(&raw, lines).into_boxed_str();
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

    pub(crate) fn is_empty(&self) -> bool {
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

/// For `#[serde(deserialize_with)]` on the fields shown as paragraphs.
pub(crate) fn paragraph<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Text>, D::Error> {
    Option::<String>::deserialize(deserializer).map(|s| s.map(Text::paragraph))
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.raw())
    }
}

/// Whether line breaks are kept (a paragraph) or spelled out (a value shown on one line).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    One,
    Kept,
}

/// Would this character change the terminal's state, break the line, hide text, or reorder it?
/// (ZWJ, ZWNJ and the variation selectors are let through in words by `clean`.)
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        // C0 controls (newline too: a paragraph keeps it, see `Text::paragraph`), DEL, and C1.
        '\0'..='\x1f' | '\x7f'..='\u{9f}'
        // Bidi embeddings, overrides, isolates and marks: they can reorder what follows.
        | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        // Line and paragraph separators: some terminals treat them as newlines.
        | '\u{2028}' | '\u{2029}'
        // Interlinear annotation and object replacement controls.
        | '\u{fff9}'..='\u{fffb}'
    ) || is_invisible(c)
}

/// Unicode's default-ignorable code points (DerivedCoreProperties.txt, Unicode 16): drawn as
/// nothing, or as a blank, by terminals and fonts. They make a name look blank, or identical on
/// screen to another name.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}'
        | '\u{ffa0}' | '\u{fff0}'..='\u{fff8}' | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}' | '\u{e0000}'..='\u{e0fff}'
    )
}

/// ZWNJ and ZWJ: part of correct spelling in Persian and Arabic script (and in emoji).
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200c}' | '\u{200d}')
}

/// Variation selectors and Mongolian free variation selectors: they pick the form of the
/// letter or emoji before them.
fn is_selector(c: char) -> bool {
    matches!(c, '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}' | '\u{180b}'..='\u{180d}' | '\u{180f}')
}

/// Combining marks kept on one letter. Scripts need few (Vietnamese two, Arabic and Hebrew
/// pointing three or four); a letter carrying thousands ("Zalgo" text, or a hostile file) is
/// drawn by terminals as one cell holding megabytes, which overruns the status bar.
const MAX_MARKS: usize = 8;

/// A regional indicator (U+1F1E6..U+1F1FF): two make a flag, which terminals draw one or two
/// cells wide and tmux leaves behind when the screen changes. Shown as its letter instead.
fn regional_letter(c: char) -> Option<char> {
    let n = u32::from(c).checked_sub(0x1F1E6)?;
    (n < 26).then(|| char::from(b'A' + u8::try_from(n).unwrap_or(0)))
}

fn is_mark(c: char) -> bool {
    !c.is_ascii() && unicode_normalization::char::is_combining_mark(c)
}

/// What `clean` does with one character.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Piece {
    Keep(char),
    /// A tab, shown as a space.
    Space,
    /// Left out: the CR of a CRLF, the line breaks that end a one-line value.
    Drop,
    /// Spelled out as `\u{hex}`.
    Spell(char),
    /// Shown as this letter (a regional indicator, see `regional_letter`).
    Letter(char),
}

/// Decide each character of `s` in turn. Joiners are kept between two non-ASCII letters, and
/// selectors after one, and spelled out everywhere else, where they only hide text
/// (`Ja\u{200c}far` would look like `Jafar` but not match it).
fn pieces(s: &str, lines: Lines) -> impl Iterator<Item = Piece> + '_ {
    // Trailing line breaks of a one-line value are YAML's (`name: >`), not the author's.
    let end = match lines {
        Lines::One => s.trim_end_matches(['\n', '\r']).len(),
        Lines::Kept => s.len(),
    };
    let wordy = |c: Option<char>| c.is_some_and(|c| !c.is_ascii() && !is_unsafe(c));
    let mut chars = s.char_indices().peekable();
    // The character before was shown as a non-ASCII letter (or a joiner or selector kept in one).
    let mut in_word = false;
    // Combining marks in a row so far.
    let mut marks = 0;
    std::iter::from_fn(move || {
        let (i, c) = chars.next()?;
        let next = chars.peek().map(|&(_, n)| n);
        marks = if is_mark(c) { marks + 1 } else { 0 };
        let piece = match c {
            _ if i >= end => Piece::Drop,
            // The first mark too many is spelled out, so the reader (and `check`) sees there
            // were more; the rest are left out of what is shown.
            _ if marks == MAX_MARKS + 1 => Piece::Spell(c),
            _ if marks > MAX_MARKS + 1 => Piece::Drop,
            c if regional_letter(c).is_some() => Piece::Letter(regional_letter(c).unwrap_or(c)),
            '\t' => Piece::Space,
            '\r' if next == Some('\n') => Piece::Drop,
            '\n' if lines == Lines::Kept => Piece::Keep(c),
            c if is_joiner(c) && in_word && wordy(next) => Piece::Keep(c),
            c if is_selector(c) && in_word => Piece::Keep(c),
            c if is_unsafe(c) => Piece::Spell(c),
            c => Piece::Keep(c),
        };
        in_word = match piece {
            Piece::Keep(k) => !k.is_ascii() && k != '\n',
            _ => false,
        };
        Some(piece)
    })
}

fn needs_cleaning(s: &str, lines: Lines) -> bool {
    let mut marks = 0;
    s.chars().any(|c| {
        marks = if is_mark(c) { marks + 1 } else { 0 };
        (is_unsafe(c) && !(c == '\n' && lines == Lines::Kept))
            || marks > MAX_MARKS
            || regional_letter(c).is_some()
    })
}

/// Spell every unsafe character as `\u{hex}`, line breaks included; tabs become a space.
pub fn clean(s: &str) -> String {
    clean_with(s, Lines::One)
}

fn clean_with(s: &str, lines: Lines) -> String {
    use fmt::Write;
    let mut out = String::with_capacity(s.len() + 8);
    for piece in pieces(s, lines) {
        match piece {
            Piece::Keep(c) | Piece::Letter(c) => out.push(c),
            Piece::Space => out.push(' '),
            Piece::Drop => {}
            Piece::Spell(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    out
}

/// Clean a string that is not held in a [`Text`] (a file name, a message quoting a file): one
/// line, whatever it holds.
pub fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_cleaning(s, Lines::One) {
        std::borrow::Cow::Owned(clean(s))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The first character of a text that is spelled out where it is shown, if any: what `check`
/// warns about. `paragraph` says how the text was made (see [`Text::paragraph`]).
pub(crate) fn first_hidden(text: &Text, paragraph: bool) -> Option<char> {
    if let Repr::Plain(_) = text.0 {
        return None;
    }
    let lines = if paragraph { Lines::Kept } else { Lines::One };
    pieces(text.raw(), lines).find_map(|p| match p {
        Piece::Spell(c) => Some(c),
        _ => None,
    })
}

/// Whether a text shows nothing a reader could see: only spaces, invisible characters and
/// characters drawn as blanks (the Hangul fillers, the blank Braille pattern).
pub(crate) fn looks_blank(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_whitespace()
            || c.is_control()
            || is_invisible(c)
            || matches!(
                c,
                '\u{2800}' | '\u{3164}' | '\u{115f}' | '\u{1160}' | '\u{ffa0}'
            )
    })
}

/// Text read back from the index file is cleaned again, exactly as text read from YAML is: the
/// index lives outside the case-file folder, but it is a file, and a file is not trusted.
impl<D: rkyv::rancor::Fallible + ?Sized> rkyv::Deserialize<Text, D> for ArchivedText {
    fn deserialize(&self, _: &mut D) -> Result<Text, D::Error> {
        Ok(match &self.0 {
            ArchivedRepr::Plain(raw) => Text::with(raw.as_str().to_owned(), Lines::Kept),
            ArchivedRepr::Cleaned(both) => {
                // Whether line breaks were kept shows in the cleaned copy.
                let lines = if both.1.contains('\n') {
                    Lines::Kept
                } else {
                    Lines::One
                };
                Text::with(both.0.as_ref().to_owned(), lines)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index that says a string is plain, or gives its own "cleaned" copy, is not believed:
    /// what comes back is cleaned from the raw text, as YAML text is.
    #[test]
    fn text_read_back_from_an_index_is_cleaned_again() {
        let hostile = "Ali\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{202e}Saremi";
        let lying = [
            Text(Repr::Plain(CompactString::from(hostile))),
            Text(Repr::Cleaned(Box::new((hostile.into(), hostile.into())))),
        ];
        for text in lying {
            let bytes = rkyv::to_bytes::<rkyv::rancor::Error>(&text).unwrap();
            let back = rkyv::from_bytes::<Text, rkyv::rancor::Error>(&bytes).unwrap();
            assert_eq!(back.raw(), hostile);
            assert_eq!(back.shown(), Text::new(hostile).shown());
            assert!(!back.shown().chars().any(is_unsafe), "{:?}", back.shown());
        }
        let plain = Text::paragraph("two\nlines");
        let bytes = rkyv::to_bytes::<rkyv::rancor::Error>(&plain).unwrap();
        assert!(rkyv::from_bytes::<Text, rkyv::rancor::Error>(&bytes).unwrap() == plain);
    }

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
    fn paragraphs_keep_their_line_breaks_and_values_spell_them_out() {
        let p = Text::paragraph("one\ttwo\r\nthree\u{7}");
        assert_eq!(p.shown(), "one two\nthree\\u{7}");
        let v = Text::new("x\nperson   maryam-rajavi   Maryam Rajavi\n");
        assert_eq!(v.shown(), "x\\u{a}person   maryam-rajavi   Maryam Rajavi");
        assert_eq!(v.raw(), "x\nperson   maryam-rajavi   Maryam Rajavi\n");
        assert_eq!(shown("people/a\nb.yaml"), "people/a\\u{a}b.yaml");
        assert_eq!(
            Text::new("Long title\n").shown(),
            "Long title",
            "YAML's `>` ends with one"
        );
    }

    #[test]
    fn invisible_characters_are_spelled_out() {
        for (raw, shown) in [
            ("\u{3164}", "\\u{3164}"),
            ("Ali\u{34f}", "Ali\\u{34f}"),
            ("Ali\u{e0041}\u{e0042}", "Ali\\u{e0041}\\u{e0042}"),
            ("a\u{2062}b", "a\\u{2062}b"),
            ("jose\u{fe0f}", "jose\\u{fe0f}"),
        ] {
            assert_eq!(Text::new(raw).shown(), shown);
            assert!(first_hidden(&Text::new(raw), false).is_some());
        }
        assert!(looks_blank("\u{3164}\u{3164}"));
        assert!(looks_blank(" \u{2800} "));
        assert!(!looks_blank("\u{3164}A"));
    }

    #[test]
    fn selectors_and_joiners_stay_inside_words_and_emoji() {
        for kept in [
            "\u{2764}\u{fe0f}",
            "\u{2764}\u{fe0f}\u{200d}\u{1f525}",
            "\u{845b}\u{e0100}",
        ] {
            assert_eq!(clean(kept), kept);
            assert_eq!(first_hidden(&Text::new(kept), false), None);
        }
    }

    #[test]
    fn flags_become_letters_and_a_pile_of_marks_is_cut() {
        // 🇮🇷: two regional indicators, drawn one or two cells wide depending on the terminal.
        assert_eq!(Text::new("\u{1f1ee}\u{1f1f7} Iran").shown(), "IR Iran");
        // Vietnamese and pointed Arabic keep their marks.
        assert_eq!(Text::new("Nguyễn").shown(), "Nguyễn");
        let pointed = "e\u{301}\u{302}\u{303}";
        assert_eq!(Text::new(pointed).shown(), pointed);
        // A letter with 100,000 marks: eight kept, the ninth spelled out, the rest left out.
        let zalgo = format!("a{}b", "\u{301}".repeat(100_000));
        let shown = Text::new(zalgo.as_str()).shown().to_owned();
        assert_eq!(shown, format!("a{}\\u{{301}}b", "\u{301}".repeat(8)));
        assert_eq!(
            first_hidden(&Text::new(zalgo.as_str()), false),
            Some('\u{301}')
        );
    }

    #[test]
    fn persian_zero_width_non_joiner_is_kept_inside_a_word() {
        let persian = "می\u{200c}خواهم";
        assert_eq!(clean(persian), persian);
        assert_eq!(clean("Ja\u{200c}far"), "Ja\\u{200c}far");
    }
}
