//! The records of a case-file folder, as the rest of dossier sees them.
//!
//! Four kinds: people, incidents, camps and the sources they cite. Each record remembers where it
//! came from (its file and the line of each top-level field) so that jump-to-source never has to
//! guess, and every reference to another record keeps its own position so a dangling link can be
//! reported at the exact spot. Nothing here knows about YAML: the `Deserialize` impls that need
//! source positions (`At`, `Ref`, `DateText`, `Citation`, `Dates`) live in `load.rs`.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::date;
use crate::text::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Person,
    Incident,
    Camp,
    Source,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Person, Kind::Incident, Kind::Camp, Kind::Source];

    /// The folder under the case-file root that holds this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Person => "people",
            Kind::Incident => "incidents",
            Kind::Camp => "camps",
            Kind::Source => "sources",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Incident => "incident",
            Kind::Camp => "camp",
            Kind::Source => "source",
        }
    }

    /// One letter for narrow list rows and quick filters.
    pub fn letter(self) -> char {
        match self {
            Kind::Person => 'P',
            Kind::Incident => 'I',
            Kind::Camp => 'C',
            Kind::Source => 'S',
        }
    }

    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == folder)
    }

    /// Accepts what a user would type: `person`, `people`, `p`, `incidents`, ...
    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim().to_ascii_lowercase();
        Kind::ALL.into_iter().find(|k| {
            s == k.name()
                || s == k.folder()
                || (s.len() == 1 && s.starts_with(k.letter().to_ascii_lowercase()))
        })
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The form in which ids are compared: Unicode NFC, so that `josé` written with a precomposed
/// `é` and with `e` plus a combining accent (as macOS writes file names) is one id. Capitals
/// count: `Case` and `case` are two ids (`check` warns that they look alike).
pub(crate) fn id_key(id: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    if id.is_ascii() || is_nfc_quick(id.chars()) == IsNormalized::Yes {
        std::borrow::Cow::Borrowed(id)
    } else {
        std::borrow::Cow::Owned(id.nfc().collect())
    }
}

/// The form in which ids look alike to a reader: compatibility-normalized (NFKC: `ﬁ` is `fi`,
/// full-width letters are letters) and in lower case.
pub(crate) fn look_alike_key(id: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    id.nfkc().flat_map(char::to_lowercase).collect()
}

/// A 1-based line and column in a case file; `0:0` when unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A value together with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> std::ops::Deref for At<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A reference to another record by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    pub id: Text,
    pub pos: Pos,
}

/// A date as written, and what it means when it could be read.
#[derive(Clone, Debug, PartialEq)]
pub struct DateText {
    pub text: Text,
    /// `None` when the text is not a date; `load` reports it.
    pub span: Option<date::Span>,
    pub pos: Pos,
}

/// A claim about a date, attributed to the sources that make it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DateClaim {
    pub date: DateText,
    #[serde(default)]
    pub sources: Vec<Citation>,
    pub note: Option<Text>,
}

/// A date field: nothing, one date, or several claims side by side where sources disagree.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dates(pub Vec<DateClaim>);

impl Dates {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Claims disagree when they name different dates.
    pub(crate) fn is_disputed(&self) -> bool {
        self.0
            .windows(2)
            .any(|w| w[0].date.text.raw() != w[1].date.text.raw())
    }

    /// The earliest day any claim could mean: the sort key.
    pub fn earliest(&self) -> Option<date::Day> {
        self.0
            .iter()
            .filter_map(|c| c.date.span.map(|s| s.earliest()))
            .min()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &DateClaim> {
        self.0.iter()
    }
}

/// A citation: which source, and where in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    pub source: Ref,
    pub locator: Option<Text>,
    pub note: Option<Text>,
}

/// A number as a source gives it: exact, a range, or a vague word ("dozens").
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub what: Option<Text>,
    pub count: Option<u64>,
    pub min: Option<u64>,
    pub max: Option<u64>,
    pub qualifier: Option<Text>,
    pub date: Option<DateText>,
    #[serde(default)]
    pub sources: Vec<Citation>,
    pub note: Option<Text>,
}

/// Qualifiers that stand for a number on their own.
pub(crate) const VAGUE_QUANTITIES: &[&str] =
    &["some", "several", "dozens", "hundreds", "thousands", "many"];

/// Qualifiers that modify a number.
pub(crate) const NUMBER_QUALIFIERS: &[&str] = &[
    "at least",
    "about",
    "around",
    "approximately",
    "more than",
    "over",
    "nearly",
    "almost",
    "up to",
    "fewer than",
    "less than",
    "close to",
];

impl Figure {
    /// The amount in words: "at least 52", "400-800", "dozens".
    pub(crate) fn amount(&self) -> String {
        let number = match (self.count, self.min, self.max) {
            (Some(n), _, _) => Some(group_thousands(n)),
            (None, Some(a), Some(b)) => {
                Some(format!("{}-{}", group_thousands(a), group_thousands(b)))
            }
            (None, Some(a), None) => Some(format!("{}+", group_thousands(a))),
            (None, None, Some(b)) => Some(format!("up to {}", group_thousands(b))),
            (None, None, None) => None,
        };
        match (self.qualifier.as_ref().map(Text::shown), number) {
            (Some(q), Some(n)) => format!("{q} {n}"),
            (Some(q), None) => q.to_owned(),
            (None, Some(n)) => n,
            (None, None) => "?".to_owned(),
        }
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Someone who took part in an incident: a person on file, or a group named in free text.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub person: Option<Ref>,
    pub group: Option<Text>,
    pub role: Option<Text>,
    pub act: Option<Text>,
    #[serde(default)]
    pub sources: Vec<Citation>,
    pub note: Option<Text>,
}

/// An office a person held.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub title: Text,
    pub organisation: Option<Text>,
    pub from: Option<DateText>,
    pub to: Option<DateText>,
    #[serde(default)]
    pub sources: Vec<Citation>,
    pub note: Option<Text>,
}

/// Who ran or guarded a camp, and when.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub by: Text,
    pub from: Option<DateText>,
    pub to: Option<DateText>,
    #[serde(default)]
    pub sources: Vec<Citation>,
    pub note: Option<Text>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub country: Option<Text>,
    pub province: Option<Text>,
    pub description: Option<Text>,
    pub coordinates: Option<Coordinates>,
}

#[derive(Clone, Copy, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

pub(crate) const SEXES: &[&str] = &["female", "male", "unknown"];

pub const STATUSES: &[&str] = &[
    "alive",
    "abducted",
    "detained",
    "missing",
    "disappeared",
    "injured",
    "killed",
    "died",
    "executed",
    "released",
    "unknown",
];

pub(crate) const INCIDENT_TYPES: &[&str] = &[
    "attack",
    "raid",
    "abduction",
    "detention",
    "execution",
    "killing",
    "statement",
    "letter",
    "decision",
    "deadline",
    "transfer",
    "relocation",
    "agreement",
    "resignation",
    "testimony",
    "investigation",
    "siege",
    "sentence",
    "designation",
    "conference",
    "other",
];

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Person {
    pub sex: Option<At<Text>>,
    pub nationality: Option<Text>,
    pub affiliations: Vec<Text>,
    pub positions: Vec<At<Position>>,
    pub status: Option<At<Text>>,
    pub born: Dates,
    pub died: Dates,
    pub camps: Vec<Ref>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Incident {
    #[serde(rename = "type")]
    pub kind: Option<At<Text>>,
    pub date: Dates,
    pub camp: Option<Ref>,
    pub place: Option<Text>,
    pub participants: Vec<At<Participant>>,
    pub figures: Vec<At<Figure>>,
}

impl Incident {
    /// Where it happened, in a word for lists: the camp's id, else the place.
    pub fn at(&self) -> Option<&str> {
        self.camp
            .as_ref()
            .map(|c| c.id.shown())
            .or_else(|| self.place.as_ref().map(Text::shown))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Camp {
    pub location: Option<Place>,
    pub opened: Dates,
    pub closed: Dates,
    pub population: Vec<At<Figure>>,
    pub control: Vec<At<Control>>,
    pub area: Option<Text>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Source {
    pub publisher: Option<Text>,
    #[serde(rename = "type")]
    pub kind: Option<Text>,
    pub issued: Dates,
    pub reference: Option<Text>,
    pub url: Option<Text>,
    /// A local copy, relative to the case-file folder.
    pub document: Option<Text>,
    pub perspective: Option<Text>,
    /// The document was found inside the case-file folder (checked at load); only then is it opened.
    #[serde(skip)]
    pub document_ok: bool,
}

// JSON mirrors the file format: a date or citation written in short form comes out short.

impl<T: Serialize> Serialize for At<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl Serialize for Ref {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.id.serialize(s)
    }
}

impl Serialize for DateText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.text.serialize(s)
    }
}

impl Serialize for Dates {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] if one.sources.is_empty() && one.note.is_none() => one.date.serialize(s),
            claims => claims.serialize(s),
        }
    }
}

impl Serialize for Citation {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.locator.is_none() && self.note.is_none() {
            return self.source.serialize(s);
        }
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("source", &self.source)?;
        if let Some(l) = &self.locator {
            m.serialize_entry("locator", l)?;
        }
        if let Some(n) = &self.note {
            m.serialize_entry("note", n)?;
        }
        m.end()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Person(Person),
    Incident(Incident),
    Camp(Camp),
    Source(Source),
}

impl Body {
    pub(crate) fn empty(kind: Kind) -> Body {
        match kind {
            Kind::Person => Body::Person(Person::default()),
            Kind::Incident => Body::Incident(Incident::default()),
            Kind::Camp => Body::Camp(Camp::default()),
            Kind::Source => Body::Source(Source::default()),
        }
    }
}

impl Body {
    /// Every text of the kind's own fields, with the field's key in the file.
    fn texts(&self, f: &mut impl FnMut(&'static str, &Text)) {
        match self {
            Body::Person(p) => {
                p.sex.iter().for_each(|t| f("sex", t));
                p.nationality.iter().for_each(|t| f("nationality", t));
                p.affiliations.iter().for_each(|t| f("affiliations", t));
                for pos in &p.positions {
                    f("positions", &pos.title);
                    pos.organisation
                        .iter()
                        .chain(&pos.note)
                        .for_each(|t| f("positions", t));
                    pos.from
                        .iter()
                        .chain(&pos.to)
                        .for_each(|d| f("positions", &d.text));
                    cited_texts("positions", &pos.sources, f);
                }
                p.status.iter().for_each(|t| f("status", t));
                date_texts("born", &p.born, f);
                date_texts("died", &p.died, f);
                p.camps.iter().for_each(|r| f("camps", &r.id));
            }
            Body::Incident(i) => {
                i.kind.iter().for_each(|t| f("type", t));
                date_texts("date", &i.date, f);
                i.camp.iter().for_each(|r| f("camp", &r.id));
                i.place.iter().for_each(|t| f("place", t));
                for p in &i.participants {
                    p.person.iter().for_each(|r| f("participants", &r.id));
                    let texts = p.group.iter().chain(&p.role).chain(&p.act).chain(&p.note);
                    texts.for_each(|t| f("participants", t));
                    cited_texts("participants", &p.sources, f);
                }
                figure_texts("figures", &i.figures, f);
            }
            Body::Camp(c) => {
                if let Some(l) = &c.location {
                    let texts = l.country.iter().chain(&l.province).chain(&l.description);
                    texts.for_each(|t| f("location", t));
                }
                date_texts("opened", &c.opened, f);
                date_texts("closed", &c.closed, f);
                figure_texts("population", &c.population, f);
                for ctl in &c.control {
                    f("control", &ctl.by);
                    ctl.note.iter().for_each(|t| f("control", t));
                    ctl.from
                        .iter()
                        .chain(&ctl.to)
                        .for_each(|d| f("control", &d.text));
                    cited_texts("control", &ctl.sources, f);
                }
                c.area.iter().for_each(|t| f("area", t));
            }
            Body::Source(s) => {
                for (key, t) in [
                    ("publisher", &s.publisher),
                    ("type", &s.kind),
                    ("reference", &s.reference),
                    ("url", &s.url),
                    ("document", &s.document),
                    ("perspective", &s.perspective),
                ] {
                    if let Some(t) = t {
                        f(key, t);
                    }
                }
                date_texts("issued", &s.issued, f);
            }
        }
    }
}

fn cited_texts(key: &'static str, cs: &[Citation], f: &mut impl FnMut(&'static str, &Text)) {
    for c in cs {
        f(key, &c.source.id);
        c.locator.iter().chain(&c.note).for_each(|t| f(key, t));
    }
}

fn date_texts(key: &'static str, d: &Dates, f: &mut impl FnMut(&'static str, &Text)) {
    for c in &d.0 {
        f(key, &c.date.text);
        cited_texts(key, &c.sources, f);
        c.note.iter().for_each(|t| f(key, t));
    }
}

fn figure_texts(key: &'static str, fs: &[At<Figure>], f: &mut impl FnMut(&'static str, &Text)) {
    for fig in fs {
        let texts = fig.what.iter().chain(&fig.qualifier).chain(&fig.note);
        texts.for_each(|t| f(key, t));
        fig.date.iter().for_each(|d| f(key, &d.text));
        cited_texts(key, &fig.sources, f);
    }
}

/// The top-level field a record's name was written under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameField {
    Name,
    Title,
}

impl NameField {
    pub fn key(self) -> &'static str {
        match self {
            NameField::Name => "name",
            NameField::Title => "title",
        }
    }
}

/// One case-file record.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub id: Box<str>,
    pub kind: Kind,
    /// Relative to the case-file folder, with `/` separators.
    pub path: Box<str>,
    /// The line where the record starts (its first field).
    pub line: u32,
    /// Every top-level field in file order, with where its key was written.
    pub fields: Vec<(&'static str, Pos)>,
    pub name: Text,
    pub name_field: NameField,
    pub aliases: Vec<Text>,
    pub summary: Option<Text>,
    pub notes: Option<Text>,
    pub tags: Vec<Text>,
    pub sources: Vec<Citation>,
    pub related: Vec<Ref>,
    pub body: Body,
    /// The file had errors; only what could be salvaged (its id and name) is here.
    pub broken: bool,
}

/// Where a reference was written, for backlinks ("mentioned in ... as participant").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkField {
    Source,
    Related,
    Camp,
    Camps,
    Participant,
}

impl LinkField {
    pub fn label(self) -> &'static str {
        match self {
            LinkField::Source => "cites",
            LinkField::Related => "related",
            LinkField::Camp => "camp",
            LinkField::Camps => "camps",
            LinkField::Participant => "participant",
        }
    }

    /// The kind a reference in this field must point to, if any.
    pub(crate) fn target(self) -> Option<Kind> {
        match self {
            LinkField::Source => Some(Kind::Source),
            LinkField::Camp | LinkField::Camps => Some(Kind::Camp),
            LinkField::Participant => Some(Kind::Person),
            LinkField::Related => None,
        }
    }
}

/// Give back the spare capacity of every list in a record. Lists grow by doubling while they
/// are parsed; over a large catalog the slack is a fifth of the memory.
trait Shrink {
    fn shrink(&mut self);
}

impl<T: Shrink> Shrink for Vec<T> {
    fn shrink(&mut self) {
        self.iter_mut().for_each(Shrink::shrink);
        self.shrink_to_fit();
    }
}

impl<T: Shrink> Shrink for At<T> {
    fn shrink(&mut self) {
        self.value.shrink();
    }
}

impl Shrink for Dates {
    fn shrink(&mut self) {
        self.0.shrink();
    }
}

/// The parts of a record whose only list is their citations.
macro_rules! shrink_sources {
    ($($t:ty),*) => {
        $(impl Shrink for $t {
            fn shrink(&mut self) {
                self.sources.shrink_to_fit();
            }
        })*
    };
}

shrink_sources!(DateClaim, Figure, Participant, Position, Control);

impl Record {
    /// Drop the spare capacity of every list, once the record is complete.
    pub fn shrink_to_fit(&mut self) {
        self.fields.shrink_to_fit();
        self.aliases.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.sources.shrink_to_fit();
        self.related.shrink_to_fit();
        match &mut self.body {
            Body::Person(p) => {
                p.affiliations.shrink_to_fit();
                p.positions.shrink();
                p.born.shrink();
                p.died.shrink();
                p.camps.shrink_to_fit();
            }
            Body::Incident(i) => {
                i.date.shrink();
                i.participants.shrink();
                i.figures.shrink();
            }
            Body::Camp(c) => {
                c.opened.shrink();
                c.closed.shrink();
                c.population.shrink();
                c.control.shrink();
            }
            Body::Source(s) => s.issued.shrink(),
        }
    }

    /// The line of a top-level field, if the record has it.
    pub(crate) fn field_pos(&self, key: &str) -> Option<Pos> {
        self.fields.iter().find(|(k, _)| *k == key).map(|&(_, p)| p)
    }

    pub(crate) fn person(&self) -> Option<&Person> {
        match &self.body {
            Body::Person(p) => Some(p),
            _ => None,
        }
    }

    pub fn incident(&self) -> Option<&Incident> {
        match &self.body {
            Body::Incident(i) => Some(i),
            _ => None,
        }
    }

    pub fn camp(&self) -> Option<&Camp> {
        match &self.body {
            Body::Camp(c) => Some(c),
            _ => None,
        }
    }

    pub fn source(&self) -> Option<&Source> {
        match &self.body {
            Body::Source(s) => Some(s),
            _ => None,
        }
    }

    /// The record's own date field: when an incident happened, a camp opened, a source was
    /// issued, a person was born.
    pub(crate) fn dates(&self) -> &Dates {
        match &self.body {
            Body::Incident(i) => &i.date,
            Body::Camp(c) => &c.opened,
            Body::Source(s) => &s.issued,
            Body::Person(p) => &p.born,
        }
    }

    /// Every reference this record makes, with the field it was made in.
    pub fn links(&self) -> Vec<(LinkField, &Ref)> {
        fn cite<'r>(out: &mut Vec<(LinkField, &'r Ref)>, cs: &'r [Citation]) {
            out.extend(cs.iter().map(|c| (LinkField::Source, &c.source)));
        }
        fn cite_dates<'r>(out: &mut Vec<(LinkField, &'r Ref)>, d: &'r Dates) {
            for c in &d.0 {
                cite(out, &c.sources);
            }
        }
        let mut out = Vec::new();
        match &self.body {
            Body::Person(p) => {
                out.extend(p.camps.iter().map(|r| (LinkField::Camps, r)));
                for pos in &p.positions {
                    cite(&mut out, &pos.sources);
                }
                cite_dates(&mut out, &p.born);
                cite_dates(&mut out, &p.died);
            }
            Body::Incident(i) => {
                out.extend(i.camp.iter().map(|r| (LinkField::Camp, r)));
                for p in &i.participants {
                    out.extend(p.person.iter().map(|r| (LinkField::Participant, r)));
                    cite(&mut out, &p.sources);
                }
                for f in &i.figures {
                    cite(&mut out, &f.sources);
                }
                cite_dates(&mut out, &i.date);
            }
            Body::Camp(c) => {
                for f in &c.population {
                    cite(&mut out, &f.sources);
                }
                for ctl in &c.control {
                    cite(&mut out, &ctl.sources);
                }
                cite_dates(&mut out, &c.opened);
                cite_dates(&mut out, &c.closed);
            }
            Body::Source(s) => cite_dates(&mut out, &s.issued),
        }
        cite(&mut out, &self.sources);
        out.extend(self.related.iter().map(|r| (LinkField::Related, r)));
        out
    }

    /// Every text in the record with the top-level field it was written under, for checks
    /// that look at all of them (invisible characters).
    pub(crate) fn texts(&self, f: &mut impl FnMut(&'static str, &Text)) {
        f(self.name_field.key(), &self.name);
        self.aliases.iter().for_each(|t| f("aliases", t));
        self.summary.iter().for_each(|t| f("summary", t));
        self.notes.iter().for_each(|t| f("notes", t));
        self.tags.iter().for_each(|t| f("tags", t));
        cited_texts("sources", &self.sources, f);
        self.related.iter().for_each(|r| f("related", &r.id));
        self.body.texts(f);
    }

    /// Every date written anywhere in the record.
    pub(crate) fn all_dates(&self) -> Vec<&DateText> {
        fn claims<'r>(out: &mut Vec<&'r DateText>, d: &'r Dates) {
            out.extend(d.0.iter().map(|c| &c.date));
        }
        let mut out: Vec<&DateText> = Vec::new();
        match &self.body {
            Body::Person(p) => {
                claims(&mut out, &p.born);
                claims(&mut out, &p.died);
                for pos in &p.positions {
                    out.extend(pos.from.iter().chain(pos.to.iter()));
                }
            }
            Body::Incident(i) => {
                claims(&mut out, &i.date);
                out.extend(i.figures.iter().filter_map(|f| f.date.as_ref()));
            }
            Body::Camp(c) => {
                claims(&mut out, &c.opened);
                claims(&mut out, &c.closed);
                out.extend(c.population.iter().filter_map(|f| f.date.as_ref()));
                for ctl in &c.control {
                    out.extend(ctl.from.iter().chain(ctl.to.iter()));
                }
            }
            Body::Source(s) => claims(&mut out, &s.issued),
        }
        out
    }

    /// The one fact that tells records of a kind apart in a list: date and place for an
    /// incident, status for a person, province for a camp, publisher and date for a source.
    pub fn subtitle(&self) -> String {
        let first_date = |d: &Dates| {
            let mut s =
                d.0.first()
                    .map(|c| c.date.text.shown().to_owned())
                    .unwrap_or_default();
            if d.is_disputed() {
                s.push_str(" (disputed)");
            }
            s
        };
        let parts: Vec<String> = match &self.body {
            Body::Incident(i) => vec![first_date(&i.date), i.at().unwrap_or_default().to_owned()],
            Body::Person(p) => vec![
                p.status
                    .as_ref()
                    .map(|s| s.shown().to_owned())
                    .unwrap_or_default(),
            ],
            Body::Camp(c) => vec![
                c.location
                    .as_ref()
                    .and_then(|l| l.province.as_ref().or(l.country.as_ref()))
                    .map(|s| s.shown().to_owned())
                    .unwrap_or_default(),
            ],
            Body::Source(s) => vec![
                s.publisher
                    .as_ref()
                    .map(|p| p.shown().to_owned())
                    .unwrap_or_default(),
                first_date(&s.issued),
            ],
        };
        parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_what_users_type() {
        assert_eq!(Kind::parse("people"), Some(Kind::Person));
        assert_eq!(Kind::parse("Person"), Some(Kind::Person));
        assert_eq!(Kind::parse("i"), Some(Kind::Incident));
        assert_eq!(Kind::parse("sources"), Some(Kind::Source));
        assert_eq!(Kind::parse("org"), None);
    }

    #[test]
    fn figure_amounts_read_as_the_source_wrote_them() {
        let f = |count, min, max, q: Option<&str>| Figure {
            what: None,
            count,
            min,
            max,
            qualifier: q.map(Text::from),
            date: None,
            sources: vec![],
            note: None,
        };
        assert_eq!(
            f(Some(52), None, None, Some("at least")).amount(),
            "at least 52"
        );
        assert_eq!(f(None, Some(400), Some(800), None).amount(), "400-800");
        assert_eq!(f(None, None, None, Some("dozens")).amount(), "dozens");
        assert_eq!(
            f(Some(3400), None, None, Some("about")).amount(),
            "about 3,400"
        );
        assert_eq!(f(Some(5_200_000), None, None, None).amount(), "5,200,000");
    }
}
