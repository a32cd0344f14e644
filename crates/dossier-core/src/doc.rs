//! A record as a document: what each part of it *is*, before anyone decides how it looks.
//!
//! The detail pane, `dossier show` (text and Markdown) and the copied citation all present the
//! same record. They read it from here, as blocks with a meaning (a heading, a field with its
//! label and value, an item of a list that may lead to another record, a paragraph of prose, a
//! warning) holding inlines with a meaning (text, a link with its target and whether it is
//! broken, a note such as an attribution, a citation of a source with its locator). Each front
//! end renders the blocks its own way (`view` for the pane and plain text, `markdown` for
//! Markdown), so none has to guess structure back from colours or indents, and none decides a
//! link is broken from its wording. Every string here is already terminal-safe.

use crate::index::{Catalog, RecordIdx};
use crate::model::{
    Citation, Dates, Figure, Kind, LinkField, Party, Pos, Record, disputed_figures,
};
use crate::text::Text;

/// Where a part of the document leads when followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Record(RecordIdx),
    /// A citation of a source: the source record, and the locator within it.
    Citation {
        source: RecordIdx,
        locator: Option<String>,
    },
    /// The sources a claim cites (a date, a figure, a participant), each with its locator:
    /// following it goes to the one, or offers a choice of them.
    Sources(Vec<(RecordIdx, Option<String>)>),
}

impl Target {
    /// The record it leads to; for a claim's sources, the first.
    pub fn record(&self) -> Option<RecordIdx> {
        match self {
            Target::Record(r) | Target::Citation { source: r, .. } => Some(*r),
            Target::Sources(s) => s.first().map(|(r, _)| *r),
        }
    }
}

/// A reference to another record by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The record it names, or `None` when no record has that id.
    pub record: Option<RecordIdx>,
    /// The id as written.
    pub id: String,
    /// The record's kind and name, when it exists.
    pub kind: Option<Kind>,
    pub name: String,
    /// The record exists, but its file has errors (only its name could be read).
    pub broken: bool,
}

impl Link {
    fn to(catalog: &Catalog, id: &str) -> Link {
        match catalog.idx(id) {
            Some(i) => {
                let r = catalog.get(i);
                Link {
                    record: Some(i),
                    id: id.to_owned(),
                    kind: Some(r.kind),
                    name: r.name.shown().to_owned(),
                    broken: r.broken,
                }
            }
            None => Link {
                record: None,
                id: crate::text::shown(id).into_owned(),
                kind: None,
                name: String::new(),
                broken: false,
            },
        }
    }
}

/// A run of text with a meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    /// A label inside an item (`killed: ` before a figure), as written.
    Label(String),
    Link(Link),
    /// A source cited, with the place in it and a note on what it says.
    Citation {
        source: Link,
        locator: Option<String>,
        note: Option<String>,
    },
    /// A source a claim rests on, by its short title (publisher and title), with the place in
    /// it (`locator`) and the citation's note.
    Cited {
        source: Link,
        title: String,
        locator: Option<String>,
        note: Option<String>,
    },
    /// Words about the value rather than the value: who says so, how exact a date is, a note.
    /// The text carries its own separator (`  (according to ai)`, ` — victim`).
    Note(String),
    /// A value that could not be read as what it should be (a date that is not one).
    Invalid(String),
}

/// How an item of a list is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// A plain entry (a figure, a position, who controlled a camp).
    None,
    /// An entry in a list of links that has no record to link to (a party to an incident
    /// known only as a group).
    Unlinked,
    /// A link to a record this one names.
    Out,
    /// A record that names this one.
    In,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A section: "Participants", "Summary", "Sources", "Mentioned in".
    Heading { text: String, pos: Option<Pos> },
    /// One fact: a label and its value. A field with an empty label goes on with the one above
    /// (a second date claimed by another source).
    Field {
        label: String,
        value: Vec<Inline>,
        pos: Option<Pos>,
        target: Option<Target>,
    },
    /// An entry of the list under a heading.
    Item {
        marker: Marker,
        inlines: Vec<Inline>,
        pos: Option<Pos>,
        target: Option<Target>,
    },
    /// One paragraph of prose (a summary, notes).
    Paragraph { text: String, pos: Option<Pos> },
    /// Something about the record the reader must know first.
    Warning(String),
    /// The end of a group of fields.
    Gap,
}

/// A whole record: who it is, then its blocks top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    pub record: RecordIdx,
    pub name: String,
    pub kind: Kind,
    pub id: String,
    /// The record's file, relative to the folder, terminal-safe, and its line.
    pub path: String,
    pub line: u32,
    /// The line of the field that gives the name.
    pub name_pos: Option<Pos>,
    pub blocks: Vec<Block>,
}

/// Width of the label column the pane aligns values to; the document keeps labels as written.
pub const LABEL: usize = 13;

struct Builder<'a> {
    catalog: &'a Catalog,
    record: &'a Record,
    blocks: Vec<Block>,
}

/// The length a source's title is cut to where a claim names it.
const SHORT_TITLE: usize = 48;

/// A source as a claim names it: its publisher and its title, the title cut to fit a line
/// (`Amnesty International, “Iraq: No Iranians in need of protection…”`). A source with no
/// record is named by its id.
pub fn short_title(catalog: &Catalog, source: &Link) -> String {
    let Some(record) = source.record.map(|i| catalog.get(i)) else {
        return source.id.clone();
    };
    let title = record.name.shown();
    let cut = match title.char_indices().nth(SHORT_TITLE) {
        Some((at, _)) => format!("{}…", title[..at].trim_end()),
        None => title.to_owned(),
    };
    // A bracketed title describes a document that has none; it is not quoted as a title.
    let quoted = if cut.starts_with('[') {
        cut
    } else {
        format!("\u{201c}{cut}\u{201d}")
    };
    match record.source().and_then(|s| s.publisher.as_ref()) {
        Some(p) => format!("{}, {quoted}", catalog.party_name(p)),
        None => quoted,
    }
}

/// Notes in parentheses after a value: what is said about it (`notes`: how exact, disputed,
/// inferred), who says so, by each source's short title with its locator, then the entry's
/// own note: `  (month only; according to NCRI page, ¶1; …)`.
fn notes_after(
    catalog: &Catalog,
    mut notes: Vec<String>,
    cites: &[Citation],
    note: Option<&Text>,
) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut open = notes.join("; ");
    if !cites.is_empty() {
        if !open.is_empty() {
            open.push_str("; ");
        }
        open.push_str("according to ");
        out.push(Inline::Note(format!("  ({open}")));
        for (n, c) in cites.iter().enumerate() {
            if n > 0 {
                out.push(Inline::Note("; ".into()));
            }
            let source = Link::to(catalog, c.source.id.raw());
            out.push(Inline::Cited {
                title: short_title(catalog, &source),
                source,
                locator: c.locator.as_ref().map(|t| t.shown().to_owned()),
                note: c.note.as_ref().map(|t| t.shown().to_owned()),
            });
        }
        notes.clear();
    } else if !open.is_empty() {
        out.push(Inline::Note(format!("  ({open}")));
    }
    if let Some(n) = note {
        out.push(Inline::Note(if out.is_empty() {
            format!("  ({}", n.shown())
        } else {
            format!("; {}", n.shown())
        }));
    }
    if !out.is_empty() {
        out.push(Inline::Note(")".into()));
    }
    out
}

/// The sources a claim cites, for following it.
fn sources_of(catalog: &Catalog, cites: &[Citation]) -> Option<Target> {
    let mut found: Vec<(RecordIdx, Option<String>)> = Vec::new();
    for c in cites {
        let Some(idx) = catalog.idx(c.source.id.raw()) else {
            continue;
        };
        let locator = c.locator.as_ref().map(|t| t.shown().to_owned());
        if !found.iter().any(|(i, l)| *i == idx && *l == locator) {
            found.push((idx, locator));
        }
    }
    (!found.is_empty()).then_some(Target::Sources(found))
}

/// "inferred: why", for notes.
fn inferred_note(reason: Option<&Text>) -> Option<String> {
    reason.map(|r| format!("inferred: {}", r.shown()))
}

impl Builder<'_> {
    /// The sources a claim cites, which following its line leads to.
    fn cited(&self, cites: &[Citation]) -> Option<Target> {
        sources_of(self.catalog, cites)
    }

    fn notes(&self, notes: Vec<String>, cites: &[Citation], note: Option<&Text>) -> Vec<Inline> {
        notes_after(self.catalog, notes, cites, note)
    }

    fn heading(&mut self, text: &str, field: Option<&str>) {
        self.blocks.push(Block::Heading {
            text: text.to_owned(),
            pos: field.and_then(|f| self.record.field_pos(f)),
        });
    }

    /// `Label  value`, at the line of `field`; nothing when the value is empty. A value the
    /// record marks as inferred says so, and why.
    fn field(&mut self, label: &str, value: &str, field: &str) {
        if value.is_empty() {
            return;
        }
        self.field_of(label, vec![Inline::Text(value.to_owned())], field);
    }

    fn field_of(&mut self, label: &str, mut value: Vec<Inline>, field: &str) {
        if let Some(reason) = self.record.inferred(field) {
            value.push(Inline::Note(format!("  (inferred: {})", reason.shown())));
        }
        self.blocks.push(Block::Field {
            label: label.to_owned(),
            value,
            pos: self.record.field_pos(field),
            target: None,
        });
    }

    /// Organisations named in a field, in words or linked to their records, as one value.
    fn parties(&mut self, label: &str, parties: &[Party], field: &str) {
        if parties.is_empty() {
            return;
        }
        let mut value = Vec::new();
        for (n, p) in parties.iter().enumerate() {
            if n > 0 {
                value.push(Inline::Text("; ".into()));
            }
            value.push(match p {
                Party::Named(t) => Inline::Text(t.shown().to_owned()),
                Party::Organization(r) => Inline::Link(Link::to(self.catalog, r.id.raw())),
            });
        }
        self.field_of(label, value, field);
    }

    fn paragraphs(&mut self, label: &str, text: &str, field: &str) {
        if text.trim().is_empty() {
            return;
        }
        self.heading(label, Some(field));
        let pos = self.record.field_pos(field);
        for para in text.trim_end().split('\n') {
            self.blocks.push(Block::Paragraph {
                text: para.to_owned(),
                pos,
            });
        }
    }

    /// An item linking to another record, with words on how after it.
    fn link_item(&mut self, id: &str, pos: Pos, extra: &str) {
        let link = Link::to(self.catalog, id);
        let target = link.record.map(Target::Record);
        let mut inlines = vec![Inline::Link(link)];
        if !extra.is_empty() {
            inlines.push(Inline::Note(format!(" — {extra}")));
        }
        self.blocks.push(Block::Item {
            marker: Marker::Out,
            inlines,
            pos: Some(pos),
            target,
        });
    }

    fn citation_item(&mut self, c: &Citation) {
        let source = Link::to(self.catalog, c.source.id.raw());
        let target = source.record.map(|source| Target::Citation {
            source,
            locator: c.locator.as_ref().map(|t| t.raw().to_owned()),
        });
        self.blocks.push(Block::Item {
            marker: Marker::Out,
            inlines: vec![Inline::Citation {
                source,
                locator: c.locator.as_ref().map(|t| t.shown().to_owned()),
                note: c.note.as_ref().map(|t| t.shown().to_owned()),
            }],
            pos: Some(c.source.pos),
            target,
        });
    }

    /// A date field: one field per claim; disputed claims side by side, each with its sources.
    fn dates(&mut self, label: &str, dates: &Dates, field: &str) {
        let disputed = dates.is_disputed();
        for (n, claim) in dates.iter().enumerate() {
            let broken = claim.date.span.is_none();
            let text = claim.date.text.shown().to_owned();
            let mut value = vec![if broken {
                Inline::Invalid(text)
            } else {
                Inline::Text(text)
            }];
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
            notes.extend(inferred_note(claim.inferred.as_ref()));
            value.extend(self.notes(notes, &claim.sources, claim.note.as_ref()));
            self.blocks.push(Block::Field {
                label: if n == 0 { label } else { "" }.to_owned(),
                value,
                pos: Some(claim.date.pos)
                    .filter(|p| p.line > 0)
                    .or_else(|| self.record.field_pos(field)),
                target: self.cited(&claim.sources),
            });
        }
    }

    fn figure(&mut self, f: &crate::model::At<Figure>, disputed: bool) {
        let what = f.what.as_ref().map_or("", |w| w.shown());
        let mut inlines = Vec::new();
        if !what.is_empty() {
            inlines.push(Inline::Label(format!("{what}: ")));
        }
        inlines.push(Inline::Text(f.amount()));
        let mut notes: Vec<String> = Vec::new();
        if disputed {
            notes.push("disputed".into());
        }
        notes.extend(f.date.iter().map(|d| format!("as of {}", d.text.shown())));
        notes.extend(inferred_note(f.inferred.as_ref()));
        inlines.extend(self.notes(notes, &f.sources, f.note.as_ref()));
        self.blocks.push(Block::Item {
            marker: Marker::None,
            inlines,
            pos: Some(f.pos),
            target: self.cited(&f.sources),
        });
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
        let disputed = disputed_figures(figures);
        for i in order {
            self.figure(&figures[i], disputed[i]);
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
            let mut extra = vec![catalog.subtitle(from)];
            for field in fields {
                if field != LinkField::Source || record.kind != Kind::Source {
                    extra.push(backlink_role(from, record, field));
                }
            }
            let extra: Vec<String> = extra.into_iter().filter(|e| !e.is_empty()).collect();
            let mut inlines = vec![Inline::Link(Link::to(catalog, &from.id))];
            if !extra.is_empty() {
                inlines.push(Inline::Note(format!(" — {}", extra.join("; "))));
            }
            self.blocks.push(Block::Item {
                marker: Marker::In,
                inlines,
                pos: None,
                target: Some(Target::Record(from_idx)),
            });
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
        self.parties("Affiliations", &p.affiliations, "affiliations");
        self.dates("Born", &p.born, "born");
        self.dates("Died", &p.died, "died");
        if !p.positions.is_empty() {
            self.heading("Positions", Some("positions"));
            for pos in &p.positions {
                let mut inlines = vec![Inline::Text(pos.title.shown().to_owned())];
                if let Some(org) = &pos.organisation {
                    inlines.push(Inline::Text(format!(", {}", org.shown())));
                }
                let span = match (&pos.from, &pos.to) {
                    (None, None) => String::new(),
                    (f, t) => format!(
                        " ({}–{})",
                        f.as_ref().map_or("", |d| d.text.shown()),
                        t.as_ref().map_or("", |d| d.text.shown())
                    ),
                };
                inlines.push(Inline::Note(span));
                let notes = inferred_note(pos.inferred.as_ref()).into_iter().collect();
                inlines.extend(self.notes(notes, &pos.sources, pos.note.as_ref()));
                self.blocks.push(Block::Item {
                    marker: Marker::None,
                    inlines,
                    pos: Some(pos.pos),
                    target: self.cited(&pos.sources),
                });
            }
        }
        if !p.camps.is_empty() {
            self.heading("Camps", Some("camps"));
            for c in &p.camps {
                self.link_item(c.id.raw(), c.pos, "");
            }
        }
    }

    fn incident(&mut self, i: &crate::model::Incident) {
        self.field("Type", i.kind.as_ref().map_or("", |s| s.shown()), "type");
        self.dates("Date", &i.date, "date");
        if let Some(c) = &i.camp {
            let link = Link::to(self.catalog, c.id.raw());
            let target = link.record.map(Target::Record);
            self.blocks.push(Block::Field {
                label: "Camp".into(),
                value: vec![Inline::Link(link)],
                pos: Some(c.pos),
                target,
            });
        }
        self.field("Place", i.place.as_ref().map_or("", |s| s.shown()), "place");
        if !i.participants.is_empty() {
            self.heading("Participants", Some("participants"));
            for p in &i.participants {
                let what: Vec<String> = p
                    .role
                    .iter()
                    .chain(&p.act)
                    .map(|t| t.shown().to_owned())
                    .collect();
                let mut inlines = Vec::new();
                let mut target = self.cited(&p.sources);
                let marker = match (&p.person, &p.organization) {
                    (Some(r), _) | (None, Some(r)) => {
                        let link = Link::to(self.catalog, r.id.raw());
                        target = link.record.map(Target::Record).or(target);
                        inlines.push(Inline::Link(link));
                        Marker::Out
                    }
                    (None, None) => {
                        inlines.push(Inline::Text(
                            p.group.as_ref().map_or("?", |g| g.shown()).to_owned(),
                        ));
                        Marker::Unlinked
                    }
                };
                if !what.is_empty() {
                    inlines.push(Inline::Note(format!(" — {}", what.join("; "))));
                }
                let notes = inferred_note(p.inferred.as_ref()).into_iter().collect();
                inlines.extend(self.notes(notes, &p.sources, p.note.as_ref()));
                self.blocks.push(Block::Item {
                    marker,
                    inlines,
                    pos: Some(p.pos),
                    target,
                });
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
                let mut inlines = vec![Inline::Text(ctl.by.shown().to_owned())];
                let from = ctl.from.as_ref().map_or("", |d| d.text.shown());
                let to = ctl.to.as_ref().map_or("", |d| d.text.shown());
                if !from.is_empty() || !to.is_empty() {
                    inlines.push(Inline::Note(format!(" ({from}–{to})")));
                }
                let notes = inferred_note(ctl.inferred.as_ref()).into_iter().collect();
                inlines.extend(self.notes(notes, &ctl.sources, ctl.note.as_ref()));
                self.blocks.push(Block::Item {
                    marker: Marker::None,
                    inlines,
                    pos: Some(ctl.pos),
                    target: self.cited(&ctl.sources),
                });
            }
        }
    }

    fn source(&mut self, s: &crate::model::Source) {
        self.parties("Publisher", s.publisher.as_slice(), "publisher");
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

/// Record `idx` as a document.
pub fn record(catalog: &Catalog, idx: RecordIdx) -> Doc {
    let record = catalog.get(idx);
    let mut b = Builder {
        catalog,
        record,
        blocks: Vec::new(),
    };
    if record.broken {
        b.blocks.push(Block::Warning(
            "This file has errors; only its name could be read. See the diagnostics (!).".into(),
        ));
    }
    if !record.aliases.is_empty() {
        let aliases: Vec<&str> = record.aliases.iter().map(Text::shown).collect();
        b.field("Aliases", &aliases.join("; "), "aliases");
    }
    match &record.body {
        crate::model::Body::Person(p) => b.person(p),
        crate::model::Body::Incident(i) => b.incident(i),
        crate::model::Body::Camp(c) => b.camp(c),
        crate::model::Body::Source(s) => b.source(s),
        crate::model::Body::Organization(o) => {
            b.field("Type", o.kind.as_ref().map_or("", |t| t.shown()), "type");
        }
    }
    if let Some(s) = &record.summary {
        b.paragraphs("Summary", s.shown(), "summary");
    }
    if let Some(n) = &record.notes {
        b.paragraphs("Notes", n.shown(), "notes");
    }
    if !record.tags.is_empty() {
        b.blocks.push(Block::Gap);
        let tags: Vec<&str> = record.tags.iter().map(Text::shown).collect();
        b.field("Tags", &tags.join(", "), "tags");
    }
    if !record.sources.is_empty() {
        b.heading("Sources", Some("sources"));
        for c in &record.sources {
            b.citation_item(c);
        }
    }
    if !record.related.is_empty() {
        b.heading("Related", Some("related"));
        for r in &record.related {
            b.link_item(r.id.raw(), r.pos, "");
        }
    }
    b.backlinks(idx);
    Doc {
        record: idx,
        name: record.name.shown().to_owned(),
        kind: record.kind,
        id: record.id.to_string(),
        path: crate::text::shown(&record.path).into_owned(),
        line: record.line,
        name_pos: record.field_pos(record.name_field.key()),
        blocks: b.blocks,
    }
}

/// How `from` mentions `to`: "as victim, killed", "as author; as witness", "cites it", "camp".
fn backlink_role(from: &Record, to: &Record, field: LinkField) -> String {
    if matches!(field, LinkField::Participant | LinkField::Party)
        && let Some(i) = from.incident()
    {
        let roles: Vec<String> = i
            .participants
            .iter()
            .filter(|p| {
                p.person
                    .iter()
                    .chain(&p.organization)
                    .any(|r| r.id.raw() == &*to.id)
            })
            .map(|p| {
                // "as victim, killed"; with no role, the act alone ("condemned the killings").
                let act = p.act.as_ref().map(|t| t.shown().to_owned());
                match (&p.role, act) {
                    (Some(role), Some(act)) => format!("as {}, {act}", role.shown()),
                    (Some(role), None) => format!("as {}", role.shown()),
                    (None, Some(act)) => act,
                    (None, None) => String::new(),
                }
            })
            .filter(|s| !s.is_empty())
            .collect();
        if !roles.is_empty() {
            return roles.join("; ");
        }
    }
    field.label().to_owned()
}

/// A source by its short title, for a list to choose from.
pub fn source_label(catalog: &Catalog, source: RecordIdx) -> String {
    short_title(catalog, &Link::to(catalog, &catalog.get(source).id))
}

/// Record `idx`'s claims as a document: one row per claim (each date claimed, each figure,
/// each party to an incident, each position or period of control, each value marked as
/// inferred), with its value, how exact it is, whether sources dispute it or it is inferred,
/// and the sources it rests on with their locators, so a reader compares them at a glance.
pub fn claims(catalog: &Catalog, idx: RecordIdx) -> Doc {
    let record = catalog.get(idx);
    let mut b = Builder {
        catalog,
        record,
        blocks: Vec::new(),
    };
    b.claims();
    if b.blocks.is_empty() {
        b.blocks.push(Block::Warning(
            "No claims with sources: this record gives no dates, figures, parties or other attributed values."
                .into(),
        ));
    }
    Doc {
        record: idx,
        name: record.name.shown().to_owned(),
        kind: record.kind,
        id: record.id.to_string(),
        path: crate::text::shown(&record.path).into_owned(),
        line: record.line,
        name_pos: record.field_pos(record.name_field.key()),
        blocks: b.blocks,
    }
}

impl Builder<'_> {
    /// One claim: what it is about, its value, and what is said of it, by its sources.
    fn claim(
        &mut self,
        about: &str,
        value: Vec<Inline>,
        marks: Vec<String>,
        cites: &[Citation],
        pos: Option<Pos>,
    ) {
        let mut inlines = vec![Inline::Label(format!("{about}: "))];
        inlines.extend(value);
        if cites.is_empty() && marks.is_empty() {
            inlines.push(Inline::Note("  (no source given)".into()));
        }
        inlines.extend(self.notes(marks, cites, None));
        self.blocks.push(Block::Item {
            marker: Marker::None,
            inlines,
            pos,
            target: self.cited(cites),
        });
    }

    fn date_claims(&mut self, about: &str, dates: &Dates) {
        let disputed = dates.is_disputed();
        for claim in dates.iter() {
            let mut marks = Vec::new();
            match claim.date.span.and_then(|s| s.describe()) {
                Some(d) => marks.push(d),
                None if claim.date.span.is_some() => marks.push("day".into()),
                None => marks.push("not a date".into()),
            }
            if disputed {
                marks.push("disputed".into());
            }
            marks.extend(inferred_note(claim.inferred.as_ref()));
            if let Some(n) = &claim.note {
                marks.push(n.shown().to_owned());
            }
            let text = claim.date.text.shown().to_owned();
            self.claim(
                about,
                vec![Inline::Text(text)],
                marks,
                &claim.sources,
                Some(claim.date.pos).filter(|p| p.line > 0),
            );
        }
    }

    fn figure_claims(&mut self, figures: &[crate::model::At<Figure>]) {
        let disputed = disputed_figures(figures);
        for (f, disputed) in figures.iter().zip(disputed) {
            let mut marks = Vec::new();
            if disputed {
                marks.push("disputed".into());
            }
            marks.extend(f.date.iter().map(|d| format!("as of {}", d.text.shown())));
            marks.extend(inferred_note(f.inferred.as_ref()));
            marks.extend(f.note.iter().map(|n| n.shown().to_owned()));
            let what = f.what.as_ref().map_or("figure", |w| w.shown());
            self.claim(
                what,
                vec![Inline::Text(f.amount())],
                marks,
                &f.sources,
                Some(f.pos),
            );
        }
    }

    /// The record's single-valued fields marked as inferred, each a claim.
    fn inferred_claims(&mut self) {
        let (catalog, record) = (self.catalog, self.record);
        for i in &record.inferred {
            let value = match i.field {
                "nationality" => record.person().and_then(|p| p.nationality.as_ref()),
                "place" => record.incident().and_then(|i| i.place.as_ref()),
                "type" => record
                    .incident()
                    .and_then(|i| i.kind.as_deref())
                    .or_else(|| record.source().and_then(|s| s.kind.as_ref()))
                    .or_else(|| record.organization().and_then(|o| o.kind.as_ref())),
                "publisher" => record
                    .source()
                    .and_then(|s| s.publisher.as_ref())
                    .map(Party::written),
                _ => None,
            };
            let value = match (i.field, record.source().and_then(|s| s.publisher.as_ref())) {
                ("publisher", Some(p)) => catalog.party_name(p),
                _ => value.map_or_else(|| "(see the record)".to_owned(), |t| t.shown().to_owned()),
            };
            let marks = vec![format!("inferred: {}", i.reason.shown())];
            self.claim(
                i.field,
                vec![Inline::Text(value)],
                marks,
                &record.sources,
                Some(i.pos),
            );
        }
    }

    fn claims(&mut self) {
        let (catalog, record) = (self.catalog, self.record);
        self.inferred_claims();
        match &record.body {
            crate::model::Body::Person(p) => {
                self.date_claims("born", &p.born);
                self.date_claims("died", &p.died);
                for pos in &p.positions {
                    let mut value = pos.title.shown().to_owned();
                    if let Some(org) = &pos.organisation {
                        value.push_str(", ");
                        value.push_str(org.shown());
                    }
                    let mut marks: Vec<String> = Vec::new();
                    if pos.from.is_some() || pos.to.is_some() {
                        marks.push(format!(
                            "{}–{}",
                            pos.from.as_ref().map_or("", |d| d.text.shown()),
                            pos.to.as_ref().map_or("", |d| d.text.shown())
                        ));
                    }
                    marks.extend(inferred_note(pos.inferred.as_ref()));
                    self.claim(
                        "position",
                        vec![Inline::Text(value)],
                        marks,
                        &pos.sources,
                        Some(pos.pos),
                    );
                }
            }
            crate::model::Body::Incident(i) => {
                self.date_claims("date", &i.date);
                for p in &i.participants {
                    let who = match (&p.person, &p.organization) {
                        (Some(r), _) | (None, Some(r)) => {
                            Inline::Link(Link::to(catalog, r.id.raw()))
                        }
                        (None, None) => {
                            Inline::Text(p.group.as_ref().map_or("?", |g| g.shown()).to_owned())
                        }
                    };
                    let role: Vec<String> = p
                        .role
                        .iter()
                        .chain(&p.act)
                        .map(|t| t.shown().to_owned())
                        .collect();
                    let mut marks = Vec::new();
                    marks.extend(inferred_note(p.inferred.as_ref()));
                    marks.extend(p.note.iter().map(|n| n.shown().to_owned()));
                    let about = if role.is_empty() {
                        "participant".to_owned()
                    } else {
                        role.join(", ")
                    };
                    self.claim(&about, vec![who], marks, &p.sources, Some(p.pos));
                }
                self.figure_claims(&i.figures);
            }
            crate::model::Body::Camp(c) => {
                self.date_claims("opened", &c.opened);
                self.date_claims("closed", &c.closed);
                self.figure_claims(&c.population);
                for ctl in &c.control {
                    let mut marks = Vec::new();
                    if ctl.from.is_some() || ctl.to.is_some() {
                        marks.push(format!(
                            "{}–{}",
                            ctl.from.as_ref().map_or("", |d| d.text.shown()),
                            ctl.to.as_ref().map_or("", |d| d.text.shown())
                        ));
                    }
                    marks.extend(inferred_note(ctl.inferred.as_ref()));
                    marks.extend(ctl.note.iter().map(|n| n.shown().to_owned()));
                    self.claim(
                        "control",
                        vec![Inline::Text(ctl.by.shown().to_owned())],
                        marks,
                        &ctl.sources,
                        Some(ctl.pos),
                    );
                }
            }
            crate::model::Body::Source(s) => self.date_claims("issued", &s.issued),
            crate::model::Body::Organization(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_record;
    use crate::model::{Kind, figure_key};

    /// An incident with these `date:` claims and `figures:` entries (YAML flow mappings).
    fn incident(dates: &[&str], figures: &[&str]) -> Record {
        use std::fmt::Write as _;
        let mut text = String::from("name: Raid\nsources: [s]\ndate:\n");
        for d in dates {
            let _ = writeln!(text, "  - date: \"{d}\"\n    sources: [s]");
        }
        if !figures.is_empty() {
            text.push_str("figures:\n");
            for f in figures {
                let _ = writeln!(text, "  - {{{f}, sources: [s]}}");
            }
        }
        let (record, diags) = parse_record("incidents/raid.yaml", Kind::Incident, &text);
        assert!(diags.is_empty(), "{diags:?}\n{text}");
        record.expect("parsed")
    }

    fn dates_disputed(a: &str, b: &str) -> bool {
        incident(&[a, b], &[])
            .incident()
            .unwrap()
            .date
            .is_disputed()
    }

    fn figures_disputed(figures: &[&str]) -> Vec<bool> {
        disputed_figures(&incident(&["2009"], figures).incident().unwrap().figures)
    }

    #[test]
    fn dates_are_disputed_only_when_no_day_satisfies_both() {
        for (a, b) in [
            ("2009-07", "2009-07-28?"),
            ("2013", "2013-09-01"),
            ("2010-01-24/..", "2011"),
            ("2012/2016", "2014-05"),
            ("2009-07-28", "2009-07-28"),
        ] {
            assert!(!dates_disputed(a, b), "{a} and {b} can be the same day");
            assert!(!dates_disputed(b, a), "{b} and {a} can be the same day");
        }
        for (a, b) in [
            ("2009-07-27", "2009-07-28"),
            ("2009-07", "2009-08"),
            ("2010-01-24/..", "2009"),
            ("2012/2016", "2017-01"),
        ] {
            assert!(dates_disputed(a, b), "{a} and {b} cannot both be true");
            assert!(dates_disputed(b, a), "{b} and {a} cannot both be true");
        }
    }

    #[test]
    fn the_july_2009_toll_is_disputed_figure_by_figure() {
        // The four tolls the case files hold for the raid: 9, 6, 11 and at least 11.
        let tolls = [
            "what: residents killed, count: 9",
            "what: residents killed, count: 6",
            "what: Residents killed, count: 11",
            "what: residents-killed, count: 11, qualifier: at least",
        ];
        assert_eq!(figures_disputed(&tolls), [true, true, true, true]);
        // 11 and "at least 11" agree; each disagrees with 9.
        assert_eq!(figures_disputed(&tolls[2..]), [false, false]);
        assert_eq!(figures_disputed(&[tolls[0], tolls[3]]), [true, true]);
    }

    #[test]
    fn figures_within_a_range_or_rounding_agree() {
        for pair in [
            ["what: killed, min: 5, max: 10", "what: killed, count: 7"],
            [
                "what: killed, count: 100, qualifier: about",
                "what: killed, count: 105",
            ],
            [
                "what: injured, qualifier: hundreds",
                "what: injured, count: 300",
            ],
            ["what: killed, count: 9", "what: injured, count: 300"],
            [
                "what: killed, count: 9, date: \"2009\"",
                "what: killed, count: 40, date: \"2011\"",
            ],
        ] {
            assert_eq!(figures_disputed(&pair), [false, false], "{pair:?}");
        }
        for pair in [
            ["what: killed, min: 5, max: 10", "what: killed, count: 11"],
            [
                "what: killed, count: 100, qualifier: about",
                "what: killed, count: 120",
            ],
            [
                "what: injured, qualifier: dozens",
                "what: injured, count: 300",
            ],
            [
                "what: killed, count: 9, qualifier: up to",
                "what: killed, count: 10",
            ],
        ] {
            assert_eq!(figures_disputed(&pair), [true, true], "{pair:?}");
        }
    }

    #[test]
    fn figure_names_compare_without_case_punctuation_or_plural() {
        assert_eq!(
            figure_key("Residents killed"),
            figure_key("resident-killed")
        );
        assert_eq!(figure_key("people  injured"), figure_key("People injured."));
        assert_ne!(
            figure_key("residents killed"),
            figure_key("residents injured")
        );
        // A word ending in double s keeps it.
        assert_eq!(figure_key("Process"), "process");
    }
}
