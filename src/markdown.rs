//! A record as a Markdown document (`dossier show --format markdown`), and the escaping that
//! keeps record text from changing a document's structure (also used by the copied citation).
//!
//! The document is drawn from the same [`view::Line`]s as the detail pane and `dossier show`, so
//! the three never disagree about what a record says: tones and indents carry the structure
//! (a heading, a label, a link, a hanging indent for a list item), and only the header and the
//! references to other records (which carry an id) are written from the records themselves.
//! Text is the terminal-safe form ([`crate::text::Text::shown`]) with Markdown's own characters
//! escaped, so pasting a hostile record into a report cannot open a link, a heading or HTML.

use std::fmt::Write;

use crate::index::{Catalog, RecordIdx};
use crate::model::Record;
use crate::view::{self, Line, Target, Tone};

/// Record text as inline Markdown that renders as written: characters that could start
/// emphasis, code, a link, HTML, an entity, a table cell, maths, a heading or its attributes
/// (`CommonMark`, GitHub's and Pandoc's extensions) are backslash-escaped, and a line break becomes
/// a space (paragraphs are split before they get here).
pub fn escape(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '[' | ']' | '<' | '|' | '~' | '^' | '#' | '$' | '{' => {
                out.push('\\');
                out.push(c);
            }
            // Inside a word `_` cannot emphasise (`alleged_perpetrator` stays readable).
            '_' if !(prev.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric)) =>
            {
                out.push_str("\\_");
            }
            // Only `&name;` and `&#..;` are entities; `AT&T` and a lone `&` are text.
            '&' if entity_follows(&chars[i + 1..]) => out.push_str("\\&"),
            c => out.push(c),
        }
    }
    out
}

/// A web address as a Markdown link destination, or none if it is not one: spaces, brackets
/// and angle brackets are percent-encoded so the link ends where the address does.
pub fn link_destination(url: &str) -> Option<String> {
    let url = url.trim();
    let scheme = url.split_once(':')?.0.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https") {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '\\' | '`' | '"' => {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("%{:02X}", c as u32));
            }
            c => out.push(c),
        }
    }
    Some(out)
}

fn entity_follows(rest: &[char]) -> bool {
    let name = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .count();
    name > 0 && rest.get(name) == Some(&';')
}

/// Escaped text that starts a line of its own: a leading `>`, `-`, `+`, `=`, `:` or `1.` would
/// make a quote, a list, a heading underline, a definition or a numbered list of it.
fn escape_line_start(s: &str) -> String {
    let text = escape(s.trim_start());
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let numbered = digits > 0 && matches!(text[digits..].chars().next(), Some('.' | ')'));
    match text.chars().next() {
        Some('>' | '-' | '+' | '=' | ':') => format!("\\{text}"),
        _ if numbered => format!("{}\\{}", &text[..digits], &text[digits..]),
        _ => text,
    }
}

/// `text` as a code span, whatever backticks it holds.
pub fn code(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A reference to another record: its name (for a source, its full citation), kind and id.
fn reference(catalog: &Catalog, target: &Target) -> String {
    let r = catalog.get(target.record());
    let shown = match target {
        Target::Citation { .. } => view::source_citation(r),
        Target::Record(_) => escape(r.name.shown()),
    };
    let broken = if r.broken { ", broken" } else { "" };
    format!("{shown} ({} {}{broken})", r.kind, code(&r.id))
}

fn header(out: &mut String, record: &Record) {
    let _ = writeln!(out, "# {}\n", escape(record.name.shown()));
    let _ = writeln!(
        out,
        "{} · {} · {}",
        record.kind,
        code(&record.id),
        code(&format!(
            "{}:{}",
            crate::text::shown(&record.path),
            record.line
        ))
    );
}

/// The whole record as a Markdown document, ending in a newline.
pub fn record(catalog: &Catalog, idx: RecordIdx) -> String {
    let record = catalog.get(idx);
    let mut out = String::new();
    header(&mut out, record);
    let lines = view::detail(catalog, idx);
    // The first two lines are the name, and the id with its place: written above, with code
    // spans.
    let body = lines.iter().skip(2);
    let mut blank = true;
    let mut last_was_item = false;
    for line in body {
        let text = line.text();
        if text.trim().is_empty() {
            blank = true;
            continue;
        }
        let block = block(catalog, line);
        let is_item = matches!(block, Block::Item(_) | Block::SubItem(_));
        // Paragraphs and headings stand apart; items of one list sit together.
        if blank || !(is_item && last_was_item) {
            out.push('\n');
        }
        blank = false;
        last_was_item = is_item;
        let _ = match block {
            Block::Heading(t) => writeln!(out, "## {t}"),
            Block::Warning(t) => writeln!(out, "> {t}"),
            Block::Paragraph(t) => writeln!(out, "{t}"),
            Block::Item(t) => writeln!(out, "- {t}"),
            Block::SubItem(t) => writeln!(out, "  - {t}"),
        };
    }
    out
}

enum Block {
    Heading(String),
    Warning(String),
    Paragraph(String),
    Item(String),
    SubItem(String),
}

/// What one line of the detail pane is in a document. A label at the start names a field (an
/// empty one continues the field above, an arrow starts a link); a line whose continuation
/// rows hang further in than its first is an item of a list; any other line is a paragraph.
fn block(catalog: &Catalog, line: &Line) -> Block {
    if let Some(first) = line.segs.first() {
        match first.tone {
            Tone::Heading => return Block::Heading(escape(first.text.trim())),
            Tone::Warning => return Block::Warning(escape(line.text().trim())),
            Tone::Label => {
                let label = first.text.trim();
                let rest = inline(catalog, line, 1);
                return if label.is_empty() {
                    Block::SubItem(rest)
                } else if !label.chars().any(char::is_alphanumeric) {
                    Block::Item(rest)
                } else {
                    Block::Item(format!("**{}:** {rest}", escape(label)))
                };
            }
            _ => {}
        }
    }
    let text = line.text();
    let lead = text.len() - text.trim_start().len();
    if usize::from(line.indent) > lead {
        Block::Item(inline(catalog, line, 0))
    } else {
        Block::Paragraph(escape_line_start(text.trim()))
    }
}

/// The segments from `from` on as inline Markdown: labels in bold, a link as a reference with
/// its id, everything else as escaped text with runs of spaces made one.
fn inline(catalog: &Catalog, line: &Line, from: usize) -> String {
    let segs = &line.segs[from..];
    let mut out = String::new();
    for (i, seg) in segs.iter().enumerate() {
        let next_is_link = segs
            .get(i + 1)
            .is_some_and(|n| matches!(n.tone, Tone::Link | Tone::Broken));
        match (&line.target, seg.tone) {
            // The kind letter before a link: the reference below names the kind in full.
            (Some(t), Tone::Dim)
                if next_is_link
                    && seg.text == format!("{} ", catalog.get(t.record()).kind.letter()) => {}
            (Some(t), Tone::Link | Tone::Broken) => out.push_str(&reference(catalog, t)),
            (_, Tone::Label) => {
                let label = seg.text.trim().trim_end_matches(':');
                let _ = write!(out, "**{}:** ", escape(label));
            }
            _ => out.push_str(&escape(&squeeze(&seg.text))),
        }
    }
    squeeze(out.trim())
}

/// Runs of spaces as one: the detail pane aligns columns with them, a document does not.
fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_structure_characters_as_text() {
        assert_eq!(
            escape("# [x](y) *b* `c` <i> a|b"),
            r"\# \[x\](y) \*b\* \`c\` \<i> a\|b"
        );
        assert_eq!(
            escape("alleged_perpetrator _x_"),
            r"alleged_perpetrator \_x\_"
        );
        assert_eq!(escape("AT&T &amp; 5 & 6"), r"AT&T \&amp; 5 & 6");
        assert_eq!(escape("one\ntwo"), "one two");
        assert_eq!(escape(r"a\u{1b}b"), r"a\\u\{1b}b");
        assert_eq!(escape("US$5"), r"US\$5");
    }

    #[test]
    fn line_starts_that_would_make_blocks_are_escaped() {
        assert_eq!(escape_line_start("> quote"), r"\> quote");
        assert_eq!(escape_line_start("- item"), r"\- item");
        assert_eq!(escape_line_start("==="), r"\===");
        assert_eq!(escape_line_start("1984. A year"), r"1984\. A year");
        assert_eq!(escape_line_start("1984 was a year"), "1984 was a year");
        assert_eq!(escape_line_start("    code?"), "code?");
    }

    #[test]
    fn code_spans_hold_any_backticks() {
        assert_eq!(code("abc"), "`abc`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }
}
