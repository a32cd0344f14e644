//! A record's document laid out for reading: the lines of the detail pane and of `dossier show`.
//!
//! Both read the same lines, drawn from the same [`doc::Doc`], so the terminal browser and the
//! CLI never disagree about what a record says. Each line knows the file line it came from (for
//! jump-to-source on a field) and, for links, the record it leads to; its look is a `Tone` per
//! run of text, which the theme colours. Every string here is already terminal-safe.

pub use crate::doc::Target;
use crate::doc::{self, Block, Doc, Inline, Link, Marker};
use crate::index::{Catalog, RecordIdx};
use crate::model::Pos;

/// How a piece of text should look; the theme maps these to colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Title,
    Heading,
    Label,
    Plain,
    Dim,
    Link,
    Broken,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seg {
    pub text: String,
    pub tone: Tone,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub segs: Vec<Seg>,
    /// Continuation lines of a paragraph are indented by this many columns when wrapped.
    pub indent: u16,
    pub target: Option<Target>,
    /// The place in the record's file this line shows.
    pub pos: Option<Pos>,
}

impl Line {
    fn new() -> Self {
        Self {
            segs: Vec::new(),
            indent: 0,
            target: None,
            pos: None,
        }
    }

    fn push(&mut self, text: impl Into<String>, tone: Tone) -> &mut Self {
        self.segs.push(Seg {
            text: text.into(),
            tone,
        });
        self
    }

    pub fn text(&self) -> String {
        self.segs.iter().map(|s| s.text.as_str()).collect()
    }
}

/// One screen row of a wrapped line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Index of the line this row belongs to.
    pub line: usize,
    pub segs: Vec<Seg>,
}

impl Row {
    /// Columns the row takes.
    pub fn width(&self) -> usize {
        self.segs.iter().map(|s| width(&s.text)).sum()
    }
}

/// Display width of a string in terminal columns.
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Word-wrap lines to `width` columns; continuation rows are indented by the line's `indent`.
pub fn wrap(lines: &[Line], width: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        wrap_line(n, line, width.max(1), &mut rows);
    }
    rows
}

fn wrap_line(n: usize, line: &Line, width: usize, rows: &mut Vec<Row>) {
    use unicode_width::UnicodeWidthChar;
    let indent = if usize::from(line.indent) * 2 < width {
        usize::from(line.indent)
    } else {
        0
    };
    let mut row = Row {
        line: n,
        segs: Vec::new(),
    };
    let mut used = 0;
    let push = |row: &mut Row, text: &str, tone: Tone| match row.segs.last_mut() {
        Some(last) if last.tone == tone => last.text.push_str(text),
        _ => row.segs.push(Seg {
            text: text.to_owned(),
            tone,
        }),
    };
    // End the row and start the next, indented; the columns it starts with.
    let next_row = |row: &mut Row, rows: &mut Vec<Row>| {
        let done = std::mem::replace(
            row,
            Row {
                line: n,
                segs: vec![Seg {
                    text: " ".repeat(indent),
                    tone: Tone::Plain,
                }],
            },
        );
        rows.push(done);
        indent
    };
    // Words keep their trailing space so that breaks fall between words. A word runs on across
    // segments where no space separates them, so the `;` or `)` right after a link stays on the
    // link's row.
    let mut words: Vec<Vec<(&str, Tone)>> = vec![Vec::new()];
    for seg in &line.segs {
        for piece in seg.text.split_inclusive(' ') {
            if let Some(word) = words.last_mut() {
                word.push((piece, seg.tone));
            }
            if piece.ends_with(' ') {
                words.push(Vec::new());
            }
        }
    }
    for word in words.iter().filter(|w| !w.is_empty()) {
        let w: usize = word.iter().map(|(t, _)| self::width(t)).sum();
        let trailing = word
            .last()
            .map_or(0, |(t, _)| t.len() - t.trim_end_matches(' ').len());
        let w_trim = w - trailing;
        if used + w_trim > width && used > indent {
            used = next_row(&mut row, rows);
            if w_trim == 0 {
                continue;
            }
        }
        if used + w <= width {
            for (text, tone) in word {
                push(&mut row, text, *tone);
            }
            used += w;
            continue;
        }
        if used + w_trim <= width {
            // The word fits but its trailing space does not: the row ends here.
            let last = word.len() - 1;
            for (i, (text, tone)) in word.iter().enumerate() {
                let text = if i == last {
                    text.trim_end_matches(' ')
                } else {
                    text
                };
                push(&mut row, text, *tone);
            }
            used = width;
            continue;
        }
        // A word longer than the row: break it by characters.
        for (text, tone) in word {
            for c in text.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > width && used > indent {
                    used = next_row(&mut row, rows);
                }
                let mut buf = [0; 4];
                push(&mut row, c.encode_utf8(&mut buf), *tone);
                used += cw;
            }
        }
    }
    rows.push(row);
}

/// How lines are drawn for: the detail pane, or plain text (`dossier show`), where colour
/// cannot say that a link leads to a broken record, so words do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum For {
    Pane,
    Text,
}

struct Lines {
    out: For,
    lines: Vec<Line>,
}

impl Lines {
    /// A blank line, unless there is one already (or nothing yet).
    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.segs.is_empty()) {
            self.lines.push(Line::new());
        }
    }

    /// A link: the kind's letter, then the name; or the id, when no record has it.
    fn link(&self, l: &mut Line, link: &Link) {
        match link.kind {
            Some(kind) => {
                l.push(format!("{} ", kind.letter()), Tone::Dim);
                let tone = if link.broken {
                    Tone::Broken
                } else {
                    Tone::Link
                };
                l.push(link.name.clone(), tone);
                if link.broken && self.out == For::Text {
                    l.push(" [broken]", Tone::Plain);
                }
            }
            None => {
                l.push(format!("{} (not found)", link.id), Tone::Broken);
            }
        }
    }

    fn inlines(&self, l: &mut Line, inlines: &[Inline]) {
        for inline in inlines {
            match inline {
                Inline::Text(t) => {
                    l.push(t.clone(), Tone::Plain);
                }
                Inline::Label(t) => {
                    l.push(t.clone(), Tone::Label);
                }
                Inline::Note(t) => {
                    l.push(t.clone(), Tone::Dim);
                }
                Inline::Invalid(t) => {
                    l.push(t.clone(), Tone::Broken);
                    if self.out == For::Text {
                        l.push(" [broken]", Tone::Plain);
                    }
                }
                Inline::Link(link) => self.link(l, link),
                Inline::Cited {
                    source,
                    title,
                    locator,
                    note,
                } => {
                    // Drawn as a link: the line leads to it.
                    let tone = match source.record {
                        Some(_) if source.broken => Tone::Broken,
                        Some(_) => Tone::Link,
                        None => Tone::Broken,
                    };
                    l.push(title.clone(), tone);
                    if source.record.is_none() {
                        l.push(" (not found)", Tone::Broken);
                    }
                    let place: Vec<&str> = locator.iter().chain(note).map(String::as_str).collect();
                    if !place.is_empty() {
                        l.push(format!(", {}", place.join(", ")), Tone::Dim);
                    }
                }
                Inline::Citation {
                    source,
                    locator,
                    note,
                } => {
                    self.link(l, source);
                    let extra: Vec<&str> = locator.iter().chain(note).map(String::as_str).collect();
                    if !extra.is_empty() {
                        l.push(format!(" — {}", extra.join("; ")), Tone::Dim);
                    }
                }
            }
        }
    }

    fn block(&mut self, block: &Block) {
        let mut l = Line::new();
        match block {
            Block::Heading { text, pos } => {
                self.blank();
                l.push(text.clone(), Tone::Heading);
                l.pos = *pos;
            }
            Block::Field {
                label,
                value,
                pos,
                target,
            } => {
                l.push(format!("{label:<LABEL$}"), Tone::Label);
                self.inlines(&mut l, value);
                // A link's continuation rows line up with its name, past the kind's letter.
                let past_letter = if matches!(value.first(), Some(Inline::Link(_))) {
                    2
                } else {
                    0
                };
                l.indent = (LABEL + past_letter) as u16;
                l.pos = *pos;
                l.target.clone_from(target);
            }
            Block::Item {
                marker,
                inlines,
                pos,
                target,
            } => {
                let (prefix, indent) = match marker {
                    Marker::Out => ("  → ", 6),
                    Marker::In => ("  ← ", 6),
                    Marker::None => ("  ", 4),
                    Marker::Unlinked => ("    ", 6),
                };
                let tone = if matches!(marker, Marker::Out | Marker::In) {
                    Tone::Label
                } else {
                    Tone::Plain
                };
                l.push(prefix, tone);
                self.inlines(&mut l, inlines);
                l.indent = indent;
                l.pos = *pos;
                l.target.clone_from(target);
            }
            Block::Paragraph { text, pos } => {
                l.push(format!("  {text}"), Tone::Plain);
                l.indent = 2;
                l.pos = *pos;
            }
            Block::Warning(text) => {
                l.push(text.clone(), Tone::Warning);
            }
            Block::Gap => {
                self.blank();
                return;
            }
        }
        self.lines.push(l);
    }
}

/// Width of the label column.
const LABEL: usize = doc::LABEL;

/// A document as lines, top to bottom: its name and place, then its blocks.
fn lines(doc: &Doc, out: For) -> Vec<Line> {
    let mut b = Lines {
        out,
        lines: Vec::new(),
    };
    let mut title = Line::new();
    title.push(doc.name.clone(), Tone::Title);
    title.push(format!("  {}", doc.kind), Tone::Dim);
    title.pos = doc.name_pos;
    b.lines.push(title);
    let mut origin = Line::new();
    origin.push(format!("{} · {}:{}", doc.id, doc.path, doc.line), Tone::Dim);
    origin.pos = Some(Pos {
        line: doc.line,
        col: 1,
    });
    b.lines.push(origin);
    let warnings = doc
        .blocks
        .iter()
        .take_while(|b| matches!(b, Block::Warning(_)))
        .count();
    for block in &doc.blocks[..warnings] {
        b.block(block);
    }
    b.blank();
    for block in &doc.blocks[warnings..] {
        b.block(block);
    }
    b.lines
}

/// What the detail pane shows of a record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Page {
    /// The record as written: its fields, links and the records that mention it.
    #[default]
    Record,
    /// Its claims side by side, each with what is said of it and its sources.
    Claims,
}

impl Page {
    fn doc(self, catalog: &Catalog, idx: RecordIdx) -> doc::Doc {
        match self {
            Page::Record => doc::record(catalog, idx),
            Page::Claims => doc::claims(catalog, idx),
        }
    }
}

/// The lines of the detail pane for record `idx`.
pub fn detail(catalog: &Catalog, idx: RecordIdx, page: Page) -> Vec<Line> {
    lines(&page.doc(catalog, idx), For::Pane)
}

/// Record `idx` as plain text (`dossier show`): the detail pane's lines, with the words that
/// stand in for what colour says there.
pub fn text(catalog: &Catalog, idx: RecordIdx, page: Page) -> Vec<String> {
    lines(&page.doc(catalog, idx), For::Text)
        .iter()
        .map(|l| l.text().trim_end().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::load::parse_record;
    use crate::model::Kind;

    fn catalog() -> Catalog {
        let files = [
            (
                "sources/ai.yaml",
                "title: Urgent action\npublisher: Amnesty International\n",
            ),
            ("sources/ncri.yaml", "title: NCRI page\npublisher: NCRI\n"),
            (
                "people/ks.yaml",
                "name: Kolthoum Sarahati\nstatus: killed\nsources: [ai]\n",
            ),
            (
                "incidents/raid.yaml",
                "name: Raid\ndate:\n  - date: 2009-07-28\n    sources: [ncri]\n  - date: 2009-07\n    sources: [ai]\nparticipants:\n  - person: ks\n    role: victim\n    act: killed\n  - group: armed men\n    role: alleged_perpetrator\nfigures:\n  - what: killed\n    count: 9\n    sources: [ai]\n  - what: injured\n    qualifier: hundreds\n    sources: [ai]\n  - what: killed\n    count: 11\n    qualifier: at least\n    sources: [ncri]\nsources: [ai]\n",
            ),
        ];
        build(&files)
    }

    /// A catalog of the files given by path and text.
    fn build(files: &[(&str, &str)]) -> Catalog {
        let mut records = Vec::new();
        for (path, text) in files {
            let kind = Kind::from_folder(path.split('/').next().unwrap()).unwrap();
            records.extend(parse_record(path, kind, text).0);
        }
        Catalog::build(PathBuf::from("/x"), records, vec![])
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.text().trim_end().to_owned())
            .collect()
    }

    #[test]
    fn wrapping_indents_continuations_and_breaks_long_words() {
        let mut l = Line::new();
        l.push("Summary      ", Tone::Label)
            .push("one two three four", Tone::Plain);
        l.indent = 13;
        let rows = wrap(&[l], 28);
        let text: Vec<String> = rows
            .iter()
            .map(|r| r.segs.iter().map(|s| s.text.as_str()).collect())
            .collect();
        assert_eq!(text, ["Summary      one two three ", "             four"]);
        let mut long = Line::new();
        long.push("abcdefghij", Tone::Plain);
        let rows = wrap(&[long], 4);
        assert_eq!(rows.len(), 3);
        assert!(
            rows.iter()
                .all(|r| width(&r.segs.iter().map(|s| s.text.as_str()).collect::<String>()) <= 4)
        );
    }

    #[test]
    fn wide_characters_never_overflow_a_row() {
        let mut l = Line::new();
        l.push("کلثوم سراحتی 日本語テキスト", Tone::Plain);
        for w in 1..12 {
            for r in wrap(std::slice::from_ref(&l), w) {
                let t: String = r.segs.iter().map(|s| s.text.as_str()).collect();
                assert!(width(&t) <= w.max(2), "{w}: {t:?}");
            }
        }
    }

    #[test]
    fn disputed_figures_and_dates_sit_side_by_side_with_their_sources() {
        let c = catalog();
        let lines = detail(&c, c.idx("raid").unwrap(), Page::Record);
        let t = texts(&lines);
        assert!(
            t.contains(&"Date         2009-07-28  (according to NCRI, “NCRI page”)".to_owned()),
            "{t:#?}"
        );
        // The month holds the day: the two claims agree, and nothing says otherwise.
        assert!(
            t.contains(
                &"             2009-07  (month only; according to Amnesty International, “Urgent action”)"
                    .to_owned()
            ),
            "{t:#?}"
        );
        let killed: Vec<_> = t
            .iter()
            .filter(|l| l.trim_start().starts_with("killed:"))
            .collect();
        assert_eq!(
            killed,
            [
                "  killed: 9  (disputed; according to Amnesty International, “Urgent action”)",
                "  killed: at least 11  (disputed; according to NCRI, “NCRI page”)"
            ]
        );
        assert!(
            t.contains(&"  → P Kolthoum Sarahati — victim; killed".to_owned()),
            "{t:#?}"
        );
    }

    #[test]
    fn backlinks_say_how_the_record_is_mentioned() {
        let c = catalog();
        let lines = detail(&c, c.idx("ks").unwrap(), Page::Record);
        let back = lines.iter().find(|l| l.text().contains("Raid")).unwrap();
        assert_eq!(back.text(), "  ← I Raid — 2009-07-28; as victim, killed");
        assert_eq!(back.target, Some(Target::Record(c.idx("raid").unwrap())));
    }

    #[test]
    fn mentioned_in_lists_each_record_once_and_not_what_related_shows() {
        let files = [
            ("sources/ai.yaml", "title: Release\n"),
            (
                "people/ks.yaml",
                "name: Kolthoum Sarahati\nrelated: [raid-b]\nsources: [ai]\n",
            ),
            (
                "incidents/raid-a.yaml",
                "name: Raid A\nparticipants:\n  - person: ks\n    role: victim\n  - person: ks\n    role: witness\nrelated: [ks]\nsources: [ai]\n",
            ),
            (
                "incidents/raid-b.yaml",
                "name: Raid B\nparticipants:\n  - person: ks\n    role: victim\nsources: [ai]\n",
            ),
        ];
        let c = build(&files);
        let t = texts(&detail(&c, c.idx("ks").unwrap(), Page::Record));
        let mentions: Vec<&String> = t.iter().filter(|l| l.contains("← I")).collect();
        assert_eq!(mentions.len(), 1, "{t:#?}");
        assert!(mentions[0].contains("Raid A"), "{t:#?}");
        assert!(
            mentions[0].contains("victim; witness") || mentions[0].contains("as victim"),
            "{t:#?}"
        );
        assert!(mentions[0].contains("related"), "{t:#?}");
        assert!(t.iter().any(|l| l.contains("→ I Raid B")), "{t:#?}");
    }

    #[test]
    fn lines_know_their_file_line_for_jump_to_source() {
        let c = catalog();
        let lines = detail(&c, c.idx("raid").unwrap(), Page::Record);
        let participant = lines
            .iter()
            .find(|l| l.text().contains("Kolthoum"))
            .unwrap();
        assert_eq!(participant.pos.map(|p| p.line), Some(8));
        let cite = lines
            .iter()
            .rev()
            .find(|l| l.text().contains("Urgent action"))
            .unwrap();
        assert_eq!(cite.pos.map(|p| p.line), Some(24));
    }
}
