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
use crate::model::{Citation, Dates, Figure, Kind, LinkField, Pos, Record};
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
}

impl Target {
    pub fn record(&self) -> RecordIdx {
        match self {
            Target::Record(r) | Target::Citation { source: r, .. } => *r,
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

/// "according to a, b": the ids of the sources, short enough for one line.
fn attribution(cites: &[Citation]) -> String {
    if cites.is_empty() {
        return String::new();
    }
    let ids: Vec<&str> = cites.iter().map(|c| c.source.id.shown()).collect();
    format!("according to {}", ids.join(", "))
}

/// Notes in parentheses after a value: who says so, then the record's own note.
fn notes_after(mut notes: Vec<String>, cites: &[Citation], note: Option<&Text>) -> Option<Inline> {
    let who = attribution(cites);
    if !who.is_empty() {
        notes.push(who);
    }
    if let Some(n) = note {
        notes.push(n.shown().to_owned());
    }
    (!notes.is_empty()).then(|| Inline::Note(format!("  ({})", notes.join("; "))))
}

impl Builder<'_> {
    /// The first source cited, which following the line leads to.
    fn first_source(&self, cites: &[Citation]) -> Option<Target> {
        cites
            .first()
            .and_then(|c| self.catalog.idx(c.source.id.raw()))
            .map(Target::Record)
    }

    fn heading(&mut self, text: &str, field: Option<&str>) {
        self.blocks.push(Block::Heading {
            text: text.to_owned(),
            pos: field.and_then(|f| self.record.field_pos(f)),
        });
    }

    /// `Label  value`, at the line of `field`; nothing when the value is empty.
    fn field(&mut self, label: &str, value: &str, field: &str) {
        if value.is_empty() {
            return;
        }
        self.blocks.push(Block::Field {
            label: label.to_owned(),
            value: vec![Inline::Text(value.to_owned())],
            pos: self.record.field_pos(field),
            target: None,
        });
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
            value.extend(notes_after(notes, &claim.sources, claim.note.as_ref()));
            self.blocks.push(Block::Field {
                label: if n == 0 { label } else { "" }.to_owned(),
                value,
                pos: Some(claim.date.pos)
                    .filter(|p| p.line > 0)
                    .or_else(|| self.record.field_pos(field)),
                target: self.first_source(&claim.sources),
            });
        }
    }

    fn figure(&mut self, f: &crate::model::At<Figure>) {
        let what = f.what.as_ref().map_or("", |w| w.shown());
        let mut inlines = Vec::new();
        if !what.is_empty() {
            inlines.push(Inline::Label(format!("{what}: ")));
        }
        inlines.push(Inline::Text(f.amount()));
        let notes = f
            .date
            .iter()
            .map(|d| format!("as of {}", d.text.shown()))
            .collect();
        inlines.extend(notes_after(notes, &f.sources, f.note.as_ref()));
        self.blocks.push(Block::Item {
            marker: Marker::None,
            inlines,
            pos: Some(f.pos),
            target: self.first_source(&f.sources),
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
            let mut extra = vec![from.subtitle()];
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
        let aff: Vec<&str> = p.affiliations.iter().map(Text::shown).collect();
        self.field("Affiliations", &aff.join("; "), "affiliations");
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
                let who = attribution(&pos.sources);
                if !who.is_empty() {
                    inlines.push(Inline::Note(format!("  ({who})")));
                }
                self.blocks.push(Block::Item {
                    marker: Marker::None,
                    inlines,
                    pos: Some(pos.pos),
                    target: self.first_source(&pos.sources),
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
                let mut what: Vec<String> = p
                    .role
                    .iter()
                    .chain(&p.act)
                    .map(|t| t.shown().to_owned())
                    .collect();
                let who = attribution(&p.sources);
                if !who.is_empty() {
                    what.push(who);
                }
                if let Some(n) = &p.note {
                    what.push(n.shown().to_owned());
                }
                if let Some(person) = &p.person {
                    self.link_item(person.id.raw(), p.pos, &what.join("; "));
                } else {
                    let mut inlines = vec![Inline::Text(
                        p.group.as_ref().map_or("?", |g| g.shown()).to_owned(),
                    )];
                    if !what.is_empty() {
                        inlines.push(Inline::Note(format!(" — {}", what.join("; "))));
                    }
                    self.blocks.push(Block::Item {
                        marker: Marker::Unlinked,
                        inlines,
                        pos: Some(p.pos),
                        target: None,
                    });
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
                let mut inlines = vec![Inline::Text(ctl.by.shown().to_owned())];
                let from = ctl.from.as_ref().map_or("", |d| d.text.shown());
                let to = ctl.to.as_ref().map_or("", |d| d.text.shown());
                if !from.is_empty() || !to.is_empty() {
                    inlines.push(Inline::Note(format!(" ({from}–{to})")));
                }
                inlines.extend(notes_after(Vec::new(), &ctl.sources, ctl.note.as_ref()));
                self.blocks.push(Block::Item {
                    marker: Marker::None,
                    inlines,
                    pos: Some(ctl.pos),
                    target: self.first_source(&ctl.sources),
                });
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
