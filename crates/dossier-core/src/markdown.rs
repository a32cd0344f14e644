//! A record as a Markdown document (`dossier show --format markdown`), the citation the copy
//! keys put on the clipboard, and the escaping that keeps record text from changing a
//! document's structure.
//!
//! The document is written from the same [`doc::Doc`] as the detail pane and `dossier show`, so
//! the three never disagree about what a record says: a field becomes a list item with its label
//! in bold, an item of a list an item, a link a reference with the record's kind and id.
//! Text is the terminal-safe form ([`crate::text::Text::shown`]) with Markdown's own characters
//! escaped, so pasting a hostile record into a report cannot open a link, a heading or HTML.

use std::fmt::Write;

use crate::doc::{self, Block, Doc, Inline, Link};
use crate::index::{Catalog, RecordIdx};
use crate::model::{Dates, Record};

/// Record text as inline Markdown that renders as written: characters that could start
/// emphasis, code, a link, HTML, an entity, a table cell, maths, a heading or its attributes
/// (`CommonMark`, GitHub's and Pandoc's extensions) are backslash-escaped, and a line break becomes
/// a space (paragraphs are split before they get here).
pub(crate) fn escape(s: &str) -> String {
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
pub(crate) fn link_destination(url: &str) -> Option<String> {
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
pub(crate) fn code(text: &str) -> String {
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

/// A reference to another record: its name (for a source, its full citation), kind and id;
/// or, when no record has the id, the id as written.
fn reference(catalog: &Catalog, link: &Link, cited: bool) -> String {
    let Some(idx) = link.record else {
        return escape(&format!("{} (not found)", link.id));
    };
    let r = catalog.get(idx);
    let shown = if cited {
        source_citation(catalog, r)
    } else {
        escape(r.name.shown())
    };
    let broken = if r.broken { ", broken" } else { "" };
    format!("{shown} ({} {}{broken})", r.kind, code(&r.id))
}

fn header(out: &mut String, doc: &Doc) {
    let _ = writeln!(out, "# {}\n", escape(&doc.name));
    let _ = writeln!(
        out,
        "{} · {} · {}",
        doc.kind,
        code(&doc.id),
        code(&format!("{}:{}", doc.path, doc.line))
    );
}

/// The whole record as a Markdown document, ending in a newline.
pub fn record(catalog: &Catalog, idx: RecordIdx) -> String {
    let doc = doc::record(catalog, idx);
    let mut out = String::new();
    header(&mut out, &doc);
    // Paragraphs and headings stand apart; the items of one list sit together.
    let mut last_was_item = false;
    for block in &doc.blocks {
        if *block == Block::Gap {
            last_was_item = false;
            continue;
        }
        let is_item = matches!(block, Block::Field { .. } | Block::Item { .. });
        if !(is_item && last_was_item) {
            out.push('\n');
        }
        last_was_item = is_item;
        let _ = match block {
            Block::Heading { text, .. } => writeln!(out, "## {}", escape(text)),
            Block::Warning(text) => writeln!(out, "> {}", escape(text.trim())),
            Block::Paragraph { text, .. } => writeln!(out, "{}", escape_line_start(text.trim())),
            Block::Field { label, value, .. } if label.is_empty() => {
                writeln!(out, "  - {}", inline(catalog, value))
            }
            Block::Field { label, value, .. } => writeln!(
                out,
                "- **{}:** {}",
                escape(label.trim()),
                inline(catalog, value)
            ),
            Block::Item { inlines, .. } => writeln!(out, "- {}", inline(catalog, inlines)),
            Block::Gap => Ok(()),
        };
    }
    out
}

/// Inlines as inline Markdown: labels in bold, a link as a reference with its id, everything
/// else as escaped text with runs of spaces made one.
fn inline(catalog: &Catalog, inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Note(t) | Inline::Invalid(t) => {
                out.push_str(&escape(&squeeze(t)));
            }
            Inline::Label(t) => {
                let label = t.trim().trim_end_matches(':');
                let _ = write!(out, "**{}:** ", escape(label));
            }
            Inline::Link(link) => out.push_str(&reference(catalog, link, false)),
            Inline::Cited {
                source,
                title,
                locator,
                note,
            } => {
                // By its short title and id: a reader of the document can look the source up.
                match source.record {
                    Some(_) => {
                        let _ = write!(out, "{} ({})", escape(title), code(&source.id));
                    }
                    None => out.push_str(&escape(&format!("{} (not found)", source.id))),
                }
                let place: Vec<&str> = locator.iter().chain(note).map(String::as_str).collect();
                if !place.is_empty() {
                    out.push_str(&escape(&format!(", {}", place.join(", "))));
                }
            }
            Inline::Citation {
                source,
                locator,
                note,
            } => {
                out.push_str(&reference(catalog, source, true));
                let extra: Vec<&str> = locator.iter().chain(note).map(String::as_str).collect();
                if !extra.is_empty() {
                    out.push_str(&escape(&format!(" — {}", extra.join("; "))));
                }
            }
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

/// A Markdown citation of a record, for pasting into a report: what it is, its date as
/// written, and each source it cites with title, publisher, type, date of issue and reference.
/// A source cites itself. Text is the terminal-safe form, with Markdown's own characters
/// escaped: a citation never carries escapes, and a name cannot turn it into a link or HTML.
pub fn citation(catalog: &Catalog, idx: RecordIdx) -> String {
    let record = catalog.get(idx);
    if let crate::model::Body::Source(_) = &record.body {
        return source_citation(catalog, record);
    }
    let mut head = format!("**{}**", escape(record.name.shown()));
    let mut facts = vec![record.kind.name().to_owned()];
    if let crate::model::Body::Incident(i) = &record.body {
        facts.extend(first_date(&i.date));
        let camp = i.camp.as_ref().map(|c| {
            catalog
                .by_id(c.id.raw())
                .map_or_else(|| escape(c.id.shown()), |r| escape(r.name.shown()))
        });
        facts.extend(camp.or_else(|| i.place.as_ref().map(|p| escape(p.shown()))));
    }
    head = format!("{head} ({})", facts.join(", "));
    let sources: Vec<String> = record
        .sources
        .iter()
        .map(|c| {
            let mut s = catalog.by_id(c.source.id.raw()).map_or_else(
                || escape(c.source.id.shown()),
                |r| source_citation(catalog, r),
            );
            if let Some(l) = &c.locator {
                s = format!("{s}, {}", escape(l.shown()));
            }
            s
        })
        .collect();
    if sources.is_empty() {
        head
    } else {
        format!("{head}. Sources: {}.", sources.join("; "))
    }
}

/// The first date claimed, as written.
fn first_date(d: &Dates) -> Option<String> {
    d.0.first().map(|c| escape(c.date.text.shown()))
}

/// `Publisher, [Title](url) (type, issued, reference)`, leaving out what the record lacks; in
/// Markdown, escaped. Only a web address becomes a link: a `javascript:` one stays out.
pub(crate) fn source_citation(catalog: &Catalog, record: &Record) -> String {
    let crate::model::Body::Source(s) = &record.body else {
        return escape(record.name.shown());
    };
    // A bracketed title describes a document that has none; it is not quoted as a title.
    let title = record.name.shown();
    let title = if title.starts_with('[') {
        escape(title)
    } else {
        format!("\u{201c}{}\u{201d}", escape(title))
    };
    let title = match s.url.as_ref().and_then(|u| link_destination(u.shown())) {
        Some(u) => format!("[{title}]({u})"),
        None => title,
    };
    let mut out = match &s.publisher {
        Some(p) => format!("{}, {title}", escape(&catalog.party_name(p))),
        None => title,
    };
    let details: Vec<String> = s
        .kind
        .iter()
        .map(|k| escape(k.shown()))
        .chain(first_date(&s.issued))
        .chain(s.reference.iter().map(|r| escape(r.shown())))
        .collect();
    if !details.is_empty() {
        out = format!("{out} ({})", details.join(", "));
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
