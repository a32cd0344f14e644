//! Source records as references for reference managers and pandoc: CSL-JSON (pandoc's
//! `--citeproc`, Zotero), BibTeX (LaTeX, pandoc, `JabRef`) and RIS (Zotero, `EndNote`, Mendeley).
//!
//! The citation key is the record's id, so `[@ai-mde-14-010-2013]` in a report keeps pointing
//! at the same source however the folder changes around it. The publisher stands as the author
//! (an organisation's name, never split into first and last names); the date is the date as
//! written, with no more precision than it has (`2013-06` is year and month, an interval keeps
//! both ends); the source's `type` in words is mapped to the nearest type each format knows
//! (one table, `TYPES`) and kept in full as the genre. Text is the terminal-safe form (control
//! and bidi characters spelled out), then escaped for the format: JSON by `serde_json`, BibTeX's
//! special characters as LaTeX commands (braces never left unbalanced), RIS one line per tag.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::date::{Point, Span};
use crate::index::{Catalog, RecordIdx};
use crate::model::{Kind, LinkField, Record};

/// The formats `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    CslJson,
    Bibtex,
    Ris,
}

/// A source's type in words, by the first keyword it contains, as CSL, BibTeX and RIS types.
/// Anything else is a `document` / `@misc` / `GEN`.
const TYPES: &[(&str, &str, &str, &str)] = &[
    ("news", "article-newspaper", "article", "NEWS"),
    ("headline", "article-newspaper", "article", "NEWS"),
    ("column", "article-newspaper", "article", "NEWS"),
    ("press release", "report", "techreport", "RPRT"),
    ("urgent action", "report", "techreport", "RPRT"),
    ("report", "report", "techreport", "RPRT"),
    ("statement", "report", "techreport", "RPRT"),
    ("opinion", "report", "techreport", "RPRT"),
    ("testimony", "speech", "misc", "HEAR"),
    ("interview", "interview", "misc", "GEN"),
    ("letter", "personal_communication", "misc", "PCOMM"),
    ("treaty", "treaty", "misc", "GEN"),
    ("agreement", "treaty", "misc", "GEN"),
    ("memorandum", "treaty", "misc", "GEN"),
    ("assurance", "treaty", "misc", "GEN"),
    ("legislation", "legislation", "misc", "STAT"),
    ("resolution", "legislation", "misc", "STAT"),
    ("page", "webpage", "misc", "ELEC"),
    ("video", "motion_picture", "misc", "VIDEO"),
];

/// CSL, BibTeX and RIS types for a source's `type`.
fn types(kind: Option<&str>) -> (&'static str, &'static str, &'static str) {
    let kind = kind.unwrap_or_default().to_lowercase();
    TYPES
        .iter()
        .find(|(word, ..)| kind.contains(word))
        .map_or(("document", "misc", "GEN"), |&(_, csl, bib, ris)| {
            (csl, bib, ris)
        })
}

/// The source records `records` stand for: a source itself, and for any other record the
/// sources it cites; each once, in the order first met.
pub fn sources_of(catalog: &Catalog, records: &[RecordIdx]) -> Vec<RecordIdx> {
    let mut out: Vec<RecordIdx> = Vec::new();
    let mut push = |idx: RecordIdx| {
        if !out.contains(&idx) {
            out.push(idx);
        }
    };
    for &idx in records {
        if catalog.get(idx).kind == Kind::Source {
            push(idx);
            continue;
        }
        for (field, to) in catalog.links(idx) {
            if let (LinkField::Source, Some(to)) = (field, to)
                && catalog.get(to).kind == Kind::Source
            {
                push(to);
            }
        }
    }
    out
}

/// What a source says of itself, as the exports use it.
struct Reference<'c> {
    record: &'c Record,
    title: String,
    publisher: Option<String>,
    kind: Option<String>,
    number: Option<String>,
    url: Option<String>,
    /// The first date claim, as written and as read.
    date: Option<(String, Option<Span>)>,
}

impl<'c> Reference<'c> {
    fn of(catalog: &'c Catalog, idx: RecordIdx) -> Option<Reference<'c>> {
        let record = catalog.get(idx);
        let source = record.source()?;
        let shown = |t: &crate::text::Text| t.shown().trim().to_owned();
        Some(Reference {
            record,
            title: shown(&record.name),
            publisher: source
                .publisher
                .as_ref()
                .map(|p| crate::text::shown(&catalog.party_name(p)).trim().to_owned())
                .filter(|p| !p.is_empty()),
            kind: source.kind.as_ref().map(shown).filter(|s| !s.is_empty()),
            number: source
                .reference
                .as_ref()
                .map(shown)
                .filter(|s| !s.is_empty()),
            url: source.url.as_ref().map(shown).filter(|s| !s.is_empty()),
            date: source
                .issued
                .0
                .first()
                .map(|c| (shown(&c.date.text), c.date.span)),
        })
    }
}

/// Write the references of `sources` (source records; others are skipped) in `format`.
/// `keys` is told of each id that is not a usable key in the format and the key used instead.
pub fn write(
    catalog: &Catalog,
    sources: &[RecordIdx],
    format: Format,
    keys: &mut dyn FnMut(&str, &str),
) -> String {
    let refs: Vec<Reference<'_>> = sources
        .iter()
        .filter_map(|&i| Reference::of(catalog, i))
        .collect();
    match format {
        Format::CslJson => {
            let items: Vec<Value> = refs.iter().map(csl_item).collect();
            let mut s = serde_json::to_string_pretty(&items).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Bibtex => refs.iter().map(|r| bibtex_entry(r, keys)).collect(),
        Format::Ris => refs.iter().map(ris_entry).collect(),
    }
}

fn parts(p: Point) -> Vec<u16> {
    let mut v = vec![p.year];
    v.extend(p.month.map(u16::from));
    v.extend(p.day.map(u16::from));
    v
}

/// A CSL date: `date-parts` with as many parts as were written, both ends of an interval,
/// `circa` where the date is approximate or uncertain; a date that cannot be read, as written.
fn csl_date(text: &str, span: Option<Span>) -> Value {
    let mut m = Map::new();
    match span {
        Some(Span::Interval(Some(a), Some(b))) => {
            m.insert("date-parts".into(), json!([parts(a), parts(b)]));
        }
        // An open interval: the end that is known (the whole as written goes in the note).
        Some(Span::Point(p) | Span::Interval(Some(p), None) | Span::Interval(None, Some(p))) => {
            m.insert("date-parts".into(), json!([parts(p)]));
        }
        Some(Span::Interval(None, None)) | None => {
            m.insert("literal".into(), json!(text));
        }
    }
    if span.is_some_and(|s| s.is_approximate() || s.is_uncertain()) {
        m.insert("circa".into(), json!(true));
    }
    Value::Object(m)
}

fn csl_item(r: &Reference<'_>) -> Value {
    let (csl, _, _) = types(r.kind.as_deref());
    let mut m = Map::new();
    m.insert("id".into(), json!(&*r.record.id));
    m.insert("type".into(), json!(csl));
    m.insert("title".into(), json!(r.title));
    if let Some(p) = &r.publisher {
        m.insert("author".into(), json!([{ "literal": p }]));
        m.insert("publisher".into(), json!(p));
    }
    if let Some(k) = &r.kind {
        m.insert("genre".into(), json!(k));
    }
    if let Some((text, span)) = &r.date {
        m.insert("issued".into(), csl_date(text, *span));
        if matches!(span, Some(Span::Interval(a, b)) if a.is_none() || b.is_none()) {
            m.insert("note".into(), json!(format!("date: {text}")));
        }
    }
    if let Some(n) = &r.number {
        m.insert("number".into(), json!(n));
    }
    if let Some(u) = &r.url {
        m.insert("URL".into(), json!(u));
    }
    Value::Object(m)
}

/// A BibTeX key: the id where BibTeX can take it (letters, digits and `-_:.+/`), else the id
/// with every other character made `-`.
fn bibtex_key(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.' | '+' | '/') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Text as a BibTeX field value inside braces: LaTeX's special characters as commands, line
/// breaks as spaces. Braces are the delicate part: classic BibTeX counts every brace, escaped
/// or not, to find where a field ends, so `\{` is safe only where the text's braces balance;
/// otherwise they become `\textbraceleft{}` and `\textbraceright{}`, which can never end a
/// field early (some readers, pandoc among them, then drop them: lost, never harmful).
pub fn bibtex_escape(s: &str) -> String {
    let balanced = {
        let mut depth: i64 = 0;
        s.chars().all(|c| {
            depth += match c {
                '{' => 1,
                '}' => -1,
                _ => 0,
            };
            depth >= 0
        }) && depth == 0
    };
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' if balanced => out.push_str("\\{"),
            '}' if balanced => out.push_str("\\}"),
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            '#' | '$' | '%' | '&' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A URL in BibTeX: a verbatim field (`%`, `_` and `#` stay as they are), with braces and
/// blanks percent-encoded so that nothing in it can end the field.
fn bibtex_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '\\' => out.push_str("%5C"),
            c if c.is_whitespace() => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn bibtex_entry(r: &Reference<'_>, keys: &mut dyn FnMut(&str, &str)) -> String {
    let (_, entry, _) = types(r.kind.as_deref());
    let key = bibtex_key(&r.record.id);
    if key != *r.record.id {
        keys(&r.record.id, &key);
    }
    let mut fields: Vec<(&str, String)> = Vec::new();
    // Double braces keep the title's capitals as written.
    fields.push(("title", format!("{{{}}}", bibtex_escape(&r.title))));
    if let Some(p) = &r.publisher {
        // An organisation: in braces, so it is never split into first and last names.
        fields.push(("author", format!("{{{}}}", bibtex_escape(p))));
        let place = match entry {
            "techreport" => "institution",
            "article" => "journal",
            _ => "publisher",
        };
        fields.push((place, bibtex_escape(p)));
    }
    if let Some(k) = &r.kind {
        fields.push(("type", bibtex_escape(k)));
    }
    if let Some(n) = &r.number {
        fields.push(("number", bibtex_escape(n)));
    }
    if let Some((text, span)) = &r.date {
        let first = span.and_then(|s| match s {
            Span::Point(p) | Span::Interval(Some(p), _) | Span::Interval(None, Some(p)) => Some(p),
            Span::Interval(None, None) => None,
        });
        if let Some(p) = first {
            fields.push(("year", p.year.to_string()));
            if let Some(m) = p.month {
                fields.push(("month", MONTHS[usize::from(m - 1)].to_owned()));
            }
        }
        // biblatex reads the date as written, EDTF and all: `2013-06-15/2013-12-31`, `2013?`.
        fields.push(("date", bibtex_escape(text)));
    }
    if let Some(u) = &r.url {
        fields.push(("url", bibtex_url(u)));
    }
    let mut s = format!("@{entry}{{{key},\n");
    for (name, value) in fields {
        // `month` is a macro (`jun`), not text.
        if name == "month" {
            let _ = writeln!(s, "  {name} = {value},");
        } else {
            let _ = writeln!(s, "  {name} = {{{value}}},");
        }
    }
    s.push_str("}\n\n");
    s
}

/// A RIS value: one line, whatever the text held.
fn ris_value(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

fn ris_entry(r: &Reference<'_>) -> String {
    let (_, _, ty) = types(r.kind.as_deref());
    let mut lines: Vec<(&str, String)> =
        vec![("TY", ty.to_owned()), ("ID", r.record.id.to_string())];
    lines.push(("TI", r.title.clone()));
    if let Some(p) = &r.publisher {
        lines.push(("AU", p.clone()));
        lines.push(("PB", p.clone()));
    }
    if let Some((text, span)) = &r.date {
        let first = span.and_then(|s| match s {
            Span::Point(p) | Span::Interval(Some(p), _) | Span::Interval(None, Some(p)) => Some(p),
            Span::Interval(None, None) => None,
        });
        if let Some(p) = first {
            lines.push(("PY", p.year.to_string()));
            let month = p.month.map(|m| format!("{m:02}")).unwrap_or_default();
            let day = p.day.map(|d| format!("{d:02}")).unwrap_or_default();
            // The fourth part is free text: the date as written, where it says more than the parts.
            let more = if p.approximate || p.uncertain || !matches!(span, Some(Span::Point(_))) {
                text.as_str()
            } else {
                ""
            };
            lines.push(("DA", format!("{}/{month}/{day}/{more}", p.year)));
        } else {
            lines.push(("DA", text.clone()));
        }
    }
    if let Some(k) = &r.kind {
        lines.push(("M3", k.clone()));
    }
    if let Some(n) = &r.number {
        lines.push((if ty == "RPRT" { "SN" } else { "M1" }, n.clone()));
    }
    if let Some(u) = &r.url {
        lines.push(("UR", u.clone()));
    }
    let mut s = String::new();
    for (tag, value) in lines {
        let _ = writeln!(s, "{tag}  - {}", ris_value(&value));
    }
    s.push_str("ER  - \n\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_types_map_to_the_nearest_type_of_each_format() {
        assert_eq!(
            types(Some("press release")),
            ("report", "techreport", "RPRT")
        );
        assert_eq!(
            types(Some("News article")),
            ("article-newspaper", "article", "NEWS")
        );
        assert_eq!(types(Some("advocacy page (list of excerpts)")).0, "webpage");
        assert_eq!(
            types(Some("caption (probably of an embedded video)")).0,
            "motion_picture"
        );
        assert_eq!(types(None), ("document", "misc", "GEN"));
    }

    #[test]
    fn bibtex_special_characters_never_unbalance_a_field() {
        for hostile in [
            "}{ 50% & $x_1$ #2 ~^ \\end{document}",
            "x}, author = {y",
            "{{{",
        ] {
            let e = bibtex_escape(hostile);
            // Every brace counted, escaped or not: never below zero, zero at the end.
            let mut depth = 0;
            for c in e.chars() {
                depth += match c {
                    '{' => 1,
                    '}' => -1,
                    _ => 0,
                };
                assert!(depth >= 0, "{e}");
            }
            assert_eq!(depth, 0, "{e}");
            assert!(!e.contains("\\end{document}"), "{e}");
        }
        assert_eq!(bibtex_escape("AI {x}"), "AI \\{x\\}");
        assert_eq!(
            bibtex_url("https://e.org/a_b%20c}"),
            "https://e.org/a_b%20c%7D"
        );
        assert_eq!(bibtex_key("a b,c{d}"), "a-b-c-d-");
    }
}
