//! A record laid out for reading: the lines of the detail pane and of `dossier show`.
//!
//! Both front ends read the same lines, so the terminal browser and the CLI never disagree
//! about what a record says. Each line knows the file line it came from (for jump-to-source on
//! a field) and, for links, the record it leads to. Every string here is already terminal-safe.

use crate::index::{Catalog, RecordIdx};
use crate::model::{Citation, Dates, Figure, Kind, LinkField, Pos, Record};
use crate::text::Text;

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

/// Where a line leads when followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Record(RecordIdx),
    /// A citation of a source: the source record, and the locator within it.
    Citation {
        source: RecordIdx,
        locator: Option<String>,
    },
}

impl Target {
    pub fn record(&self) -> RecordIdx {
        match self {
            Target::Record(r) | Target::Citation { source: r, .. } => *r,
        }
    }
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

    pub fn is_link(&self) -> bool {
        self.target.is_some()
    }
}

/// One screen row of a wrapped line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Index of the line this row belongs to.
    pub line: usize,
    pub segs: Vec<Seg>,
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
    for seg in &line.segs {
        // Words keep their trailing space so that breaks fall between words.
        for word in seg.text.split_inclusive(' ') {
            let w = self::width(word);
            let w_trim = self::width(word.trim_end_matches(' '));
            if used + w_trim > width && used > indent {
                rows.push(std::mem::replace(
                    &mut row,
                    Row {
                        line: n,
                        segs: Vec::new(),
                    },
                ));
                push(&mut row, &" ".repeat(indent), Tone::Plain);
                used = indent;
                if word.trim().is_empty() {
                    continue;
                }
            }
            if used + w <= width {
                push(&mut row, word, seg.tone);
                used += w;
                continue;
            }
            if used + w_trim <= width {
                // The word fits but its trailing space does not: the row ends here.
                push(&mut row, word.trim_end_matches(' '), seg.tone);
                used = width;
                continue;
            }
            // A word longer than the row: break it by characters.
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > width && used > indent {
                    rows.push(std::mem::replace(
                        &mut row,
                        Row {
                            line: n,
                            segs: Vec::new(),
                        },
                    ));
                    push(&mut row, &" ".repeat(indent), Tone::Plain);
                    used = indent;
                }
                let mut buf = [0; 4];
                push(&mut row, c.encode_utf8(&mut buf), seg.tone);
                used += cw;
            }
        }
    }
    rows.push(row);
}

/// Width of the label column.
const LABEL: usize = 13;

struct Builder<'a> {
    catalog: &'a Catalog,
    record: &'a Record,
    lines: Vec<Line>,
}

impl Builder<'_> {
    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.segs.is_empty()) {
            self.lines.push(Line::new());
        }
    }

    fn heading(&mut self, text: &str, field: Option<&str>) {
        self.blank();
        let mut l = Line::new();
        l.push(text, Tone::Heading);
        l.pos = field.and_then(|f| self.record.field_pos(f));
        self.lines.push(l);
    }

    /// `Label        value`, at the line of `field`.
    fn field(&mut self, label: &str, value: &str, field: &str) {
        if value.is_empty() {
            return;
        }
        let mut l = Line::new();
        l.push(format!("{label:<LABEL$}"), Tone::Label)
            .push(value, Tone::Plain);
        l.indent = LABEL as u16;
        l.pos = self.record.field_pos(field);
        self.lines.push(l);
    }

    fn paragraph(&mut self, label: &str, text: &str, field: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.heading(label, Some(field));
        let pos = self.record.field_pos(field);
        for para in text.trim_end().split('\n') {
            let mut l = Line::new();
            l.push(format!("  {para}"), Tone::Plain);
            l.indent = 2;
            l.pos = pos;
            self.lines.push(l);
        }
    }

    /// A link to another record, or the id in red if it names none.
    fn link_segs(&self, l: &mut Line, id: &str) -> Option<RecordIdx> {
        match self.catalog.idx(id) {
            Some(i) => {
                let r = self.catalog.get(i);
                l.push(format!("{} ", r.kind.letter()), Tone::Dim);
                l.push(
                    r.name.shown(),
                    if r.broken { Tone::Broken } else { Tone::Link },
                );
                Some(i)
            }
            None => {
                l.push(
                    format!("{} (not found)", crate::text::shown(id)),
                    Tone::Broken,
                );
                None
            }
        }
    }

    fn link_line(&mut self, prefix: &str, id: &str, pos: Pos, extra: &str) {
        let mut l = Line::new();
        l.push(prefix, Tone::Label);
        let target = self.link_segs(&mut l, id);
        if !extra.is_empty() {
            l.push(format!(" — {extra}"), Tone::Dim);
        }
        l.indent = prefix.chars().count() as u16 + 2;
        l.target = target.map(Target::Record);
        l.pos = Some(pos);
        self.lines.push(l);
    }

    fn citation_line(&mut self, prefix: &str, c: &Citation) {
        let mut l = Line::new();
        l.push(prefix, Tone::Label);
        let target = self.link_segs(&mut l, c.source.id.raw());
        let mut extra = Vec::new();
        if let Some(loc) = &c.locator {
            extra.push(loc.shown().to_owned());
        }
        if let Some(note) = &c.note {
            extra.push(note.shown().to_owned());
        }
        if !extra.is_empty() {
            l.push(format!(" — {}", extra.join("; ")), Tone::Dim);
        }
        l.indent = prefix.chars().count() as u16 + 2;
        l.target = target.map(|source| Target::Citation {
            source,
            locator: c.locator.as_ref().map(|t| t.raw().to_owned()),
        });
        l.pos = Some(c.source.pos);
        self.lines.push(l);
    }

    /// "according to a, b": the ids of the sources, short enough for one line.
    fn attribution(cites: &[Citation]) -> String {
        if cites.is_empty() {
            return String::new();
        }
        let ids: Vec<&str> = cites.iter().map(|c| c.source.id.shown()).collect();
        format!("according to {}", ids.join(", "))
    }

    /// A date field: one line per claim; disputed claims side by side, each with its source.
    fn dates(&mut self, label: &str, dates: &Dates, field: &str) {
        let disputed = dates.is_disputed();
        for (n, claim) in dates.iter().enumerate() {
            let mut l = Line::new();
            let label = if n == 0 { label } else { "" };
            l.push(format!("{label:<LABEL$}"), Tone::Label);
            let broken = claim.date.span.is_none();
            l.push(
                claim.date.text.shown(),
                if broken { Tone::Broken } else { Tone::Plain },
            );
            let mut notes = Vec::new();
            if let Some(d) = claim.date.span.and_then(|s| s.describe()) {
                notes.push(d);
            }
            if broken {
                notes.push("not a date".into());
            }
            if disputed && n == 0 {
                notes.push("disputed".into());
            }
            let who = Self::attribution(&claim.sources);
            if !who.is_empty() {
                notes.push(who);
            }
            if let Some(note) = &claim.note {
                notes.push(note.shown().to_owned());
            }
            if !notes.is_empty() {
                l.push(format!("  ({})", notes.join("; ")), Tone::Dim);
            }
            l.indent = LABEL as u16;
            l.pos = Some(claim.date.pos)
                .filter(|p| p.line > 0)
                .or_else(|| self.record.field_pos(field));
            l.target = claim
                .sources
                .first()
                .and_then(|c| self.catalog.idx(c.source.id.raw()))
                .map(Target::Record);
            self.lines.push(l);
        }
    }

    fn figure(&mut self, f: &crate::model::At<Figure>) {
        let mut l = Line::new();
        let what = f.what.as_ref().map_or("", |w| w.shown());
        l.push("  ", Tone::Plain);
        if !what.is_empty() {
            l.push(format!("{what}: "), Tone::Label);
        }
        l.push(f.amount(), Tone::Plain);
        let mut notes = Vec::new();
        if let Some(d) = &f.date {
            notes.push(format!("as of {}", d.text.shown()));
        }
        let who = Self::attribution(&f.sources);
        if !who.is_empty() {
            notes.push(who);
        }
        if let Some(n) = &f.note {
            notes.push(n.shown().to_owned());
        }
        if !notes.is_empty() {
            l.push(format!("  ({})", notes.join("; ")), Tone::Dim);
        }
        l.indent = 4;
        l.pos = Some(f.pos);
        l.target = f
            .sources
            .first()
            .and_then(|c| self.catalog.idx(c.source.id.raw()))
            .map(Target::Record);
        self.lines.push(l);
    }

    fn figures(&mut self, label: &str, figures: &[crate::model::At<Figure>], field: &str) {
        if figures.is_empty() {
            return;
        }
        self.heading(label, Some(field));
        // Figures about the same thing from different sources sit together, so a disagreement
        // is seen at a glance.
        let mut order: Vec<usize> = (0..figures.len()).collect();
        order.sort_by_key(|&i| {
            let what = figures[i].what.as_ref().map(|w| w.raw().to_lowercase());
            (
                figures
                    .iter()
                    .position(|f| f.what.as_ref().map(|w| w.raw().to_lowercase()) == what),
                i,
            )
        });
        for i in order {
            self.figure(&figures[i]);
        }
    }

    /// The records that point here: "mentioned in", or "cited by" for a source. Each record
    /// once, however many of its fields point here (the ways are joined), and none that the
    /// record's own "Related" list already shows.
    fn backlinks(&mut self, idx: RecordIdx) {
        let (catalog, record) = (self.catalog, self.record);
        let related: Vec<RecordIdx> = record
            .related
            .iter()
            .filter_map(|r| catalog.idx(r.id.raw()))
            .collect();
        // A camp can be pointed at by thousands of records: group by a map, not a scan.
        let mut froms: Vec<(RecordIdx, Vec<LinkField>)> = Vec::new();
        let mut at: std::collections::HashMap<RecordIdx, usize> = std::collections::HashMap::new();
        for link in catalog.backlinks(idx) {
            if related.contains(&link.from) {
                continue;
            }
            match at.get(&link.from) {
                Some(&i) if !froms[i].1.contains(&link.field) => froms[i].1.push(link.field),
                Some(_) => {}
                None => {
                    at.insert(link.from, froms.len());
                    froms.push((link.from, vec![link.field]));
                }
            }
        }
        if froms.is_empty() {
            return;
        }
        self.heading(
            match record.kind {
                Kind::Source => "Cited by",
                _ => "Mentioned in",
            },
            None,
        );
        for (from_idx, fields) in froms {
            let from = catalog.get(from_idx);
            let mut l = Line::new();
            l.push("  ← ", Tone::Label);
            l.push(format!("{} ", from.kind.letter()), Tone::Dim);
            l.push(
                from.name.shown(),
                if from.broken {
                    Tone::Broken
                } else {
                    Tone::Link
                },
            );
            let mut extra = vec![from.subtitle()];
            for field in fields {
                if field != LinkField::Source || record.kind != Kind::Source {
                    extra.push(backlink_role(from, record, field));
                }
            }
            let extra: Vec<String> = extra.into_iter().filter(|e| !e.is_empty()).collect();
            if !extra.is_empty() {
                l.push(format!(" — {}", extra.join("; ")), Tone::Dim);
            }
            l.indent = 6;
            l.target = Some(Target::Record(from_idx));
            self.lines.push(l);
        }
    }

    fn person(&mut self, p: &crate::model::Person) {
        self.field(
            "Status",
            p.status.as_ref().map_or("", |s| s.shown()),
            "status",
        );
        self.field("Sex", p.sex.as_ref().map_or("", |s| s.shown()), "sex");
        self.field(
            "Nationality",
            p.nationality.as_ref().map_or("", |s| s.shown()),
            "nationality",
        );
        let aff: Vec<&str> = p.affiliations.iter().map(Text::shown).collect();
        self.field("Affiliations", &aff.join("; "), "affiliations");
        self.dates("Born", &p.born, "born");
        self.dates("Died", &p.died, "died");
        if !p.positions.is_empty() {
            self.heading("Positions", Some("positions"));
            for pos in &p.positions {
                let mut l = Line::new();
                l.push(format!("  {}", pos.title.shown()), Tone::Plain);
                if let Some(org) = &pos.organisation {
                    l.push(format!(", {}", org.shown()), Tone::Plain);
                }
                let span = match (&pos.from, &pos.to) {
                    (None, None) => String::new(),
                    (f, t) => format!(
                        " ({}–{})",
                        f.as_ref().map_or("", |d| d.text.shown()),
                        t.as_ref().map_or("", |d| d.text.shown())
                    ),
                };
                l.push(span, Tone::Dim);
                let who = Self::attribution(&pos.sources);
                if !who.is_empty() {
                    l.push(format!("  ({who})"), Tone::Dim);
                }
                l.indent = 4;
                l.pos = Some(pos.pos);
                l.target = pos
                    .sources
                    .first()
                    .and_then(|c| self.catalog.idx(c.source.id.raw()))
                    .map(Target::Record);
                self.lines.push(l);
            }
        }
        if !p.camps.is_empty() {
            self.heading("Camps", Some("camps"));
            for c in &p.camps {
                self.link_line("  → ", c.id.raw(), c.pos, "");
            }
        }
    }

    fn incident(&mut self, i: &crate::model::Incident) {
        self.field("Type", i.kind.as_ref().map_or("", |s| s.shown()), "type");
        self.dates("Date", &i.date, "date");
        if let Some(c) = &i.camp {
            self.link_line(&format!("{:<LABEL$}", "Camp"), c.id.raw(), c.pos, "");
        }
        self.field("Place", i.place.as_ref().map_or("", |s| s.shown()), "place");
        if !i.participants.is_empty() {
            self.heading("Participants", Some("participants"));
            for p in &i.participants {
                let mut what: Vec<String> = p
                    .role
                    .iter()
                    .chain(&p.act)
                    .map(|t| t.shown().to_owned())
                    .collect();
                let who = Self::attribution(&p.sources);
                if !who.is_empty() {
                    what.push(who);
                }
                if let Some(n) = &p.note {
                    what.push(n.shown().to_owned());
                }
                match (&p.person, &p.group) {
                    (Some(person), _) => {
                        self.link_line("  → ", person.id.raw(), p.pos, &what.join("; "));
                    }
                    (None, group) => {
                        let mut l = Line::new();
                        l.push("    ", Tone::Plain);
                        l.push(group.as_ref().map_or("?", |g| g.shown()), Tone::Plain);
                        if !what.is_empty() {
                            l.push(format!(" — {}", what.join("; ")), Tone::Dim);
                        }
                        l.indent = 6;
                        l.pos = Some(p.pos);
                        self.lines.push(l);
                    }
                }
            }
        }
        self.figures("Figures", &i.figures, "figures");
    }

    fn camp(&mut self, c: &crate::model::Camp) {
        if let Some(loc) = &c.location {
            let place: Vec<&str> = loc
                .province
                .iter()
                .chain(&loc.country)
                .map(Text::shown)
                .collect();
            self.field("Location", &place.join(", "), "location");
            if let Some(d) = &loc.description {
                self.field("", d.shown(), "location");
            }
            if let Some(xy) = loc.coordinates {
                self.field(
                    "Coordinates",
                    &format!("{:.5}, {:.5}", xy.lat, xy.lon),
                    "location",
                );
            }
        }
        self.dates("Opened", &c.opened, "opened");
        self.dates("Closed", &c.closed, "closed");
        self.field("Area", c.area.as_ref().map_or("", |s| s.shown()), "area");
        self.figures("Population", &c.population, "population");
        if !c.control.is_empty() {
            self.heading("Control", Some("control"));
            for ctl in &c.control {
                let mut l = Line::new();
                l.push(format!("  {}", ctl.by.shown()), Tone::Plain);
                let from = ctl.from.as_ref().map_or("", |d| d.text.shown());
                let to = ctl.to.as_ref().map_or("", |d| d.text.shown());
                if !from.is_empty() || !to.is_empty() {
                    l.push(format!(" ({from}–{to})"), Tone::Dim);
                }
                let mut notes = Vec::new();
                let who = Self::attribution(&ctl.sources);
                if !who.is_empty() {
                    notes.push(who);
                }
                if let Some(n) = &ctl.note {
                    notes.push(n.shown().to_owned());
                }
                if !notes.is_empty() {
                    l.push(format!("  ({})", notes.join("; ")), Tone::Dim);
                }
                l.indent = 4;
                l.pos = Some(ctl.pos);
                l.target = ctl
                    .sources
                    .first()
                    .and_then(|c| self.catalog.idx(c.source.id.raw()))
                    .map(Target::Record);
                self.lines.push(l);
            }
        }
    }

    fn source(&mut self, s: &crate::model::Source) {
        self.field(
            "Publisher",
            s.publisher.as_ref().map_or("", |t| t.shown()),
            "publisher",
        );
        self.field("Type", s.kind.as_ref().map_or("", |t| t.shown()), "type");
        self.dates("Issued", &s.issued, "issued");
        self.field(
            "Reference",
            s.reference.as_ref().map_or("", |t| t.shown()),
            "reference",
        );
        self.field(
            "Perspective",
            s.perspective.as_ref().map_or("", |t| t.shown()),
            "perspective",
        );
        self.field("URL", s.url.as_ref().map_or("", |t| t.shown()), "url");
        self.field(
            "Document",
            s.document.as_ref().map_or("", |t| t.shown()),
            "document",
        );
    }
}

/// A Markdown citation of a record, for pasting into a report: what it is, its date as
/// written, and each source it cites with title, publisher, type, date of issue and reference.
/// A source cites itself. Text is the terminal-safe form, with Markdown's own characters
/// escaped: a citation never carries escapes, and a name cannot turn it into a link or HTML.
pub fn citation(catalog: &Catalog, idx: RecordIdx) -> String {
    use crate::markdown::escape;
    let record = catalog.get(idx);
    if let crate::model::Body::Source(_) = &record.body {
        return source_citation(record);
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
            let mut s = catalog
                .by_id(c.source.id.raw())
                .map_or_else(|| escape(c.source.id.shown()), source_citation);
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
    d.0.first()
        .map(|c| crate::markdown::escape(c.date.text.shown()))
}

/// `Publisher, [Title](url) (type, issued, reference)`, leaving out what the record lacks; in
/// Markdown, escaped. Only a web address becomes a link: a `javascript:` one stays out.
pub fn source_citation(record: &Record) -> String {
    use crate::markdown::escape;
    let crate::model::Body::Source(s) = &record.body else {
        return escape(record.name.shown());
    };
    let title = format!("\u{201c}{}\u{201d}", escape(record.name.shown()));
    let title = match s
        .url
        .as_ref()
        .and_then(|u| crate::markdown::link_destination(u.shown()))
    {
        Some(u) => format!("[{title}]({u})"),
        None => title,
    };
    let mut out = match &s.publisher {
        Some(p) => format!("{}, {title}", escape(p.shown())),
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

/// The lines describing record `idx`, top to bottom.
pub fn detail(catalog: &Catalog, idx: RecordIdx) -> Vec<Line> {
    let record = catalog.get(idx);
    let mut b = Builder {
        catalog,
        record,
        lines: Vec::new(),
    };
    let mut title = Line::new();
    title.push(record.name.shown(), Tone::Title);
    title.push(format!("  {}", record.kind), Tone::Dim);
    title.pos = record.field_pos(record.name_field.key());
    b.lines.push(title);
    let mut origin = Line::new();
    origin.push(
        format!(
            "{} · {}:{}",
            record.id,
            crate::text::shown(&record.path),
            record.line
        ),
        Tone::Dim,
    );
    origin.pos = Some(Pos {
        line: record.line,
        col: 1,
    });
    b.lines.push(origin);
    if record.broken {
        let mut l = Line::new();
        l.push(
            "This file has errors; only its name could be read. See the diagnostics (!).",
            Tone::Warning,
        );
        b.lines.push(l);
    }
    b.blank();
    if !record.aliases.is_empty() {
        let aliases: Vec<&str> = record.aliases.iter().map(Text::shown).collect();
        b.field("Aliases", &aliases.join("; "), "aliases");
    }

    match &record.body {
        crate::model::Body::Person(p) => b.person(p),
        crate::model::Body::Incident(i) => b.incident(i),
        crate::model::Body::Camp(c) => b.camp(c),
        crate::model::Body::Source(s) => b.source(s),
    }

    if let Some(s) = &record.summary {
        b.paragraph("Summary", s.shown(), "summary");
    }
    if let Some(n) = &record.notes {
        b.paragraph("Notes", n.shown(), "notes");
    }
    if !record.tags.is_empty() {
        b.blank();
        let tags: Vec<&str> = record.tags.iter().map(Text::shown).collect();
        b.field("Tags", &tags.join(", "), "tags");
    }
    if !record.sources.is_empty() {
        b.heading("Sources", Some("sources"));
        for c in &record.sources {
            b.citation_line("  → ", c);
        }
    }
    if !record.related.is_empty() {
        b.heading("Related", Some("related"));
        for r in &record.related {
            b.link_line("  → ", r.id.raw(), r.pos, "");
        }
    }
    b.backlinks(idx);
    b.lines
}

/// How `from` mentions `to`: "as victim, killed", "cites it", "camp".
fn backlink_role(from: &Record, to: &Record, field: LinkField) -> String {
    if field == LinkField::Participant
        && let Some(i) = from.incident()
    {
        let roles: Vec<String> = i
            .participants
            .iter()
            .filter(|p| p.person.as_ref().is_some_and(|p| p.id.raw() == &*to.id))
            .map(|p| {
                p.role
                    .iter()
                    .chain(&p.act)
                    .map(|t| t.shown().to_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|s| !s.is_empty())
            .collect();
        if !roles.is_empty() {
            return format!("as {}", roles.join("; "));
        }
    }
    field.label().to_owned()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::load::parse_record;

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
        let lines = detail(&c, c.idx("raid").unwrap());
        let t = texts(&lines);
        assert!(
            t.contains(&"Date         2009-07-28  (disputed; according to ncri)".to_owned()),
            "{t:#?}"
        );
        assert!(
            t.contains(&"             2009-07  (month only; according to ai)".to_owned()),
            "{t:#?}"
        );
        let killed: Vec<_> = t
            .iter()
            .filter(|l| l.trim_start().starts_with("killed:"))
            .collect();
        assert_eq!(
            killed,
            [
                "  killed: 9  (according to ai)",
                "  killed: at least 11  (according to ncri)"
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
        let lines = detail(&c, c.idx("ks").unwrap());
        let back = lines.iter().find(|l| l.text().contains("Raid")).unwrap();
        assert_eq!(
            back.text(),
            "  ← I Raid — 2009-07-28 (disputed); as victim, killed"
        );
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
        let mut records = Vec::new();
        for (path, text) in files {
            let kind = Kind::from_folder(path.split('/').next().unwrap()).unwrap();
            records.extend(parse_record(path, kind, text).0);
        }
        let c = Catalog::build(PathBuf::from("/x"), records, vec![]);
        let t = texts(&detail(&c, c.idx("ks").unwrap()));
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
        let lines = detail(&c, c.idx("raid").unwrap());
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
