//! The records of a case-file folder, as the rest of dossier sees them.
//!
//! Five kinds: people, incidents, camps, organisations and the sources they cite. Each record remembers where it
//! came from (its file and the line of each top-level field) so that jump-to-source never has to
//! guess, and every reference to another record keeps its own position so a dangling link can be
//! reported at the exact spot. Nothing here knows about YAML: the `Deserialize` impls that need
//! source positions (`At`, `Ref`, `DateText`, `Citation`, `Dates`) live in `load.rs`.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::date;
use crate::text::Text;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
)]
pub enum Kind {
    Person,
    Incident,
    Camp,
    Organization,
    Source,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Person,
        Kind::Incident,
        Kind::Camp,
        Kind::Organization,
        Kind::Source,
    ];

    /// The folder under the case-file root that holds this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Person => "people",
            Kind::Incident => "incidents",
            Kind::Camp => "camps",
            Kind::Organization => "organizations",
            Kind::Source => "sources",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Incident => "incident",
            Kind::Camp => "camp",
            Kind::Organization => "organization",
            Kind::Source => "source",
        }
    }

    /// "a" or "an", as the kind's name takes it in a sentence.
    pub fn article(self) -> &'static str {
        match self {
            Kind::Incident | Kind::Organization => "an",
            Kind::Person | Kind::Camp | Kind::Source => "a",
        }
    }

    /// One letter for narrow list rows and quick filters.
    pub fn letter(self) -> char {
        match self {
            Kind::Person => 'P',
            Kind::Incident => 'I',
            Kind::Camp => 'C',
            Kind::Organization => 'O',
            Kind::Source => 'S',
        }
    }

    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == folder)
    }

    /// Accepts what a user would type: `person`, `people`, `p`, `incidents`, `org`, ...
    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim().to_ascii_lowercase();
        if matches!(
            s.as_str(),
            "org" | "orgs" | "organisation" | "organisations"
        ) {
            return Some(Kind::Organization);
        }
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
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A value together with where it was written.
#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Ref {
    pub id: Text,
    pub pos: Pos,
}

/// A date as written, and what it means when it could be read.
#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct DateText {
    pub text: Text,
    /// `None` when the text is not a date; `load` reports it.
    pub span: Option<date::Span>,
    pub pos: Pos,
}

impl DateText {
    /// Uncertain (`?`), approximate (`~`) or a span (`2012/2016`, `2012/..`). A bare month or
    /// year is exact to what it says and is not counted.
    pub fn is_uncertain(&self) -> bool {
        self.span.is_some_and(|s| {
            s.is_uncertain() || s.is_approximate() || matches!(s, date::Span::Interval(..))
        })
    }
}

/// A claim about a date, attributed to the sources that make it.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct DateClaim {
    pub date: DateText,
    #[serde(default)]
    pub sources: Vec<Citation>,
    pub note: Option<Text>,
    /// The date is worked out, not given by a source: why.
    pub inferred: Option<Text>,
}

/// No dates, for kinds that have no date field of their own.
static NO_DATES: Dates = Dates(Vec::new());

/// A date field: nothing, one date, or several claims side by side where sources disagree.
#[derive(Clone, Debug, Default, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Dates(pub Vec<DateClaim>);

impl Dates {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Claims disagree when no single day could satisfy two of them: each date is taken as the
    /// span of days it can mean, so `2009-07` and `2009-07-28?` agree (the day is in the month),
    /// and `2013` agrees with `2013-09-01`. A claim that is not a date takes no part.
    pub fn is_disputed(&self) -> bool {
        let spans: Vec<date::Span> = self.0.iter().filter_map(|c| c.date.span).collect();
        spans.iter().enumerate().any(|(i, a)| {
            spans[i + 1..]
                .iter()
                .any(|b| a.latest() < b.earliest() || b.latest() < a.earliest())
        })
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
#[derive(Clone, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Citation {
    pub source: Ref,
    pub locator: Option<Text>,
    pub note: Option<Text>,
}

/// A number as a source gives it: exact, a range, or a vague word ("dozens").
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
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
    /// The figure is worked out, not given by a source: why.
    pub inferred: Option<Text>,
}

/// Figures that count the same thing, in a form that compares: case and runs of spaces and
/// punctuation do not matter, nor a plural `s` (`Residents killed`, `residents-killed`,
/// `resident killed`).
pub fn figure_key(what: &str) -> String {
    let words: Vec<String> = what
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_lowercase();
            match w.strip_suffix('s') {
                Some(stem) if stem.len() > 2 && !stem.ends_with('s') => stem.to_owned(),
                _ => w,
            }
        })
        .collect();
    words.join(" ")
}

/// Which of a record's figures are disputed: two figures count the same thing (same
/// `figure_key`, dates that can overlap) and no number could satisfy both (`Figure::range`).
pub fn disputed_figures(figures: &[At<Figure>]) -> Vec<bool> {
    let key: Vec<String> = figures
        .iter()
        .map(|f| {
            f.what
                .as_ref()
                .map(|w| figure_key(w.raw()))
                .unwrap_or_default()
        })
        .collect();
    let overlap = |a: &Figure, b: &Figure| match (
        a.date.as_ref().and_then(|d| d.span),
        b.date.as_ref().and_then(|d| d.span),
    ) {
        (Some(x), Some(y)) => !(x.latest() < y.earliest() || y.latest() < x.earliest()),
        // An undated figure is compared with every figure of its kind.
        _ => true,
    };
    (0..figures.len())
        .map(|i| {
            (0..figures.len()).any(|j| {
                i != j
                    && key[i] == key[j]
                    && overlap(&figures[i], &figures[j])
                    && match (figures[i].range(), figures[j].range()) {
                        (Some((a0, a1)), Some((b0, b1))) => a1 < b0 || b1 < a0,
                        _ => false,
                    }
            })
        })
        .collect()
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
    /// The numbers the figure allows, as a closed range, so two figures can be compared: an
    /// exact count is itself; `min`/`max` are the range; "at least", "more than" and "over"
    /// leave it open above, "up to", "fewer than" and "less than" below; "about", "around",
    /// "approximately", "nearly", "almost" and "close to" allow a tenth either side (a rounded
    /// number); a vague word is the range it commonly means ("dozens" 24-199). `None` when the
    /// figure gives nothing to compare.
    pub fn range(&self) -> Option<(u64, u64)> {
        let q = self
            .qualifier
            .as_ref()
            .map(|q| q.raw().trim().to_lowercase());
        let q = q.as_deref();
        let (lo, hi) = match (self.count, self.min, self.max) {
            (Some(n), _, _) => (n, n),
            (None, Some(a), Some(b)) => (a, b),
            (None, Some(a), None) => (a, u64::MAX),
            (None, None, Some(b)) => (0, b),
            (None, None, None) => {
                return match q? {
                    "some" | "several" => Some((2, u64::MAX)),
                    "dozens" => Some((24, 199)),
                    "hundreds" => Some((200, 1999)),
                    "thousands" => Some((2000, u64::MAX)),
                    _ => None,
                };
            }
        };
        let tenth = |n: u64| n.div_ceil(10);
        Some(match q {
            Some("at least") => (lo, u64::MAX),
            Some("more than" | "over") => (lo.saturating_add(1), u64::MAX),
            Some("up to") => (0, hi),
            Some("fewer than" | "less than") => (0, hi.saturating_sub(1)),
            Some("about" | "around" | "approximately" | "close to") => {
                (lo.saturating_sub(tenth(lo)), hi.saturating_add(tenth(hi)))
            }
            Some("nearly" | "almost") => (lo.saturating_sub(tenth(lo)), hi),
            _ => (lo, hi),
        })
    }

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

/// Someone who took part in an incident: a person or an organisation on file, or a group named
/// in free text.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Participant {
    pub person: Option<Ref>,
    pub organization: Option<Ref>,
    pub group: Option<Text>,
    pub role: Option<Text>,
    pub act: Option<Text>,
    #[serde(default)]
    pub sources: Vec<Citation>,
    pub note: Option<Text>,
    /// Who took part is worked out, not named by a source: why.
    pub inferred: Option<Text>,
}

/// An office a person held.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Position {
    pub title: Text,
    pub organisation: Option<Text>,
    pub from: Option<DateText>,
    pub to: Option<DateText>,
    #[serde(default)]
    pub sources: Vec<Citation>,
    pub note: Option<Text>,
    /// The position is worked out, not stated by a source: why.
    pub inferred: Option<Text>,
}

/// Who ran or guarded a camp, and when.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Control {
    pub by: Text,
    pub from: Option<DateText>,
    pub to: Option<DateText>,
    #[serde(default)]
    pub sources: Vec<Citation>,
    pub note: Option<Text>,
    /// Who controlled the camp is worked out, not stated by a source: why.
    pub inferred: Option<Text>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Place {
    pub country: Option<Text>,
    pub province: Option<Text>,
    pub description: Option<Text>,
    pub coordinates: Option<Coordinates>,
}

#[derive(Clone, Copy, Debug, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
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

/// An organisation named in a field: in words, or as the organisation's record
/// (`{organization: id}`), which links to it.
#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Party {
    Named(Text),
    Organization(Ref),
}

impl Serialize for Party {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Party::Named(t) => t.serialize(s),
            Party::Organization(r) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("organization", r)?;
                m.end()
            }
        }
    }
}

#[derive(
    Clone, Debug, Default, PartialEq, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize,
)]
pub struct Person {
    pub sex: Option<At<Text>>,
    pub nationality: Option<Text>,
    pub affiliations: Vec<Party>,
    pub positions: Vec<At<Position>>,
    pub status: Option<At<Text>>,
    pub born: Dates,
    pub died: Dates,
    pub camps: Vec<Ref>,
}

#[derive(
    Clone, Debug, Default, PartialEq, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize,
)]
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

#[derive(
    Clone, Debug, Default, PartialEq, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize,
)]
pub struct Camp {
    pub location: Option<Place>,
    pub opened: Dates,
    pub closed: Dates,
    pub population: Vec<At<Figure>>,
    pub control: Vec<At<Control>>,
    pub area: Option<Text>,
}

/// An organisation: a government, an armed force, a party, an NGO, a UN body.
#[derive(
    Clone, Debug, Default, PartialEq, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize,
)]
pub struct Organization {
    /// What sort of body it is, in words ("government", "human-rights NGO").
    #[serde(rename = "type")]
    pub kind: Option<Text>,
}

#[derive(
    Clone, Debug, Default, PartialEq, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize,
)]
pub struct Source {
    pub publisher: Option<Party>,
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
            [one] if one.sources.is_empty() && one.note.is_none() && one.inferred.is_none() => {
                one.date.serialize(s)
            }
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

#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Body {
    Person(Person),
    Incident(Incident),
    Camp(Camp),
    Organization(Organization),
    Source(Source),
}

impl Body {
    pub(crate) fn empty(kind: Kind) -> Body {
        match kind {
            Kind::Person => Body::Person(Person::default()),
            Kind::Incident => Body::Incident(Incident::default()),
            Kind::Camp => Body::Camp(Camp::default()),
            Kind::Organization => Body::Organization(Organization::default()),
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
                p.affiliations.iter().for_each(|a| match a {
                    Party::Named(t) => f("affiliations", t),
                    Party::Organization(r) => f("affiliations", &r.id),
                });
                for pos in &p.positions {
                    f("positions", &pos.title);
                    pos.organisation
                        .iter()
                        .chain(&pos.note)
                        .chain(&pos.inferred)
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
                    p.person
                        .iter()
                        .chain(&p.organization)
                        .for_each(|r| f("participants", &r.id));
                    let texts = p
                        .group
                        .iter()
                        .chain(&p.role)
                        .chain(&p.act)
                        .chain(&p.note)
                        .chain(&p.inferred);
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
                    ctl.note
                        .iter()
                        .chain(&ctl.inferred)
                        .for_each(|t| f("control", t));
                    ctl.from
                        .iter()
                        .chain(&ctl.to)
                        .for_each(|d| f("control", &d.text));
                    cited_texts("control", &ctl.sources, f);
                }
                c.area.iter().for_each(|t| f("area", t));
            }
            Body::Organization(o) => o.kind.iter().for_each(|t| f("type", t)),
            Body::Source(s) => {
                match &s.publisher {
                    Some(Party::Named(t)) => f("publisher", t),
                    Some(Party::Organization(r)) => f("publisher", &r.id),
                    None => {}
                }
                for (key, t) in [
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
        c.note.iter().chain(&c.inferred).for_each(|t| f(key, t));
    }
}

fn figure_texts(key: &'static str, fs: &[At<Figure>], f: &mut impl FnMut(&'static str, &Text)) {
    for fig in fs {
        let texts = fig
            .what
            .iter()
            .chain(&fig.qualifier)
            .chain(&fig.note)
            .chain(&fig.inferred);
        texts.for_each(|t| f(key, t));
        fig.date.iter().for_each(|d| f(key, &d.text));
        cited_texts(key, &fig.sources, f);
    }
}

/// The top-level fields, the kinds each belongs to, and how a record file spells them.
pub(crate) const FIELDS: &[(&str, &[Kind])] = {
    use Kind::{Camp as C, Incident as I, Organization as O, Person as P, Source as S};
    &[
        ("id", &[P, I, C, O, S]),
        ("kind", &[P, I, C, O, S]),
        ("name", &[P, I, C, O, S]),
        ("title", &[P, I, C, O, S]),
        ("aliases", &[P, I, C, O, S]),
        ("summary", &[P, I, C, O, S]),
        ("notes", &[P, I, C, O, S]),
        ("tags", &[P, I, C, O, S]),
        ("sources", &[P, I, C, O, S]),
        ("related", &[P, I, C, O, S]),
        ("inferred", &[P, I, C, O, S]),
        ("sex", &[P]),
        ("nationality", &[P]),
        ("affiliations", &[P]),
        ("positions", &[P]),
        ("status", &[P]),
        ("born", &[P]),
        ("died", &[P]),
        ("camps", &[P]),
        ("type", &[I, O, S]),
        ("date", &[I]),
        ("camp", &[I]),
        ("place", &[I]),
        ("participants", &[I]),
        ("figures", &[I]),
        ("location", &[C]),
        ("opened", &[C]),
        ("closed", &[C]),
        ("population", &[C]),
        ("control", &[C]),
        ("area", &[C]),
        ("publisher", &[S]),
        ("issued", &[S]),
        ("reference", &[S]),
        ("url", &[S]),
        ("document", &[S]),
        ("perspective", &[S]),
    ]
};

/// The top-level field a record's name was written under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
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
#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Record {
    pub id: Box<str>,
    pub kind: Kind,
    /// Relative to the case-file folder, with `/` separators.
    pub path: Box<str>,
    /// The line where the record starts (its first field).
    pub line: u32,
    /// Every top-level field in file order, with where its key was written.
    #[rkyv(with = FieldsAt)]
    pub fields: Vec<(&'static str, Pos)>,
    pub name: Text,
    pub name_field: NameField,
    pub aliases: Vec<Text>,
    pub summary: Option<Text>,
    pub notes: Option<Text>,
    pub tags: Vec<Text>,
    pub sources: Vec<Citation>,
    pub related: Vec<Ref>,
    /// Fields whose value is worked out rather than given by a source, with why
    /// (`inferred: {nationality: "from an Iraqi office"}`).
    pub inferred: Vec<Inferred>,
    pub body: Body,
    /// The file had errors; only what could be salvaged (its id and name) is here.
    pub broken: bool,
}

/// One claim of a record and its marks (see `Record::claim_marks`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClaimMark<'r> {
    /// The field the claim is written in: `date`, `born`, `figures`, `nationality`...
    pub field: &'static str,
    /// What a figure counts, as written.
    pub what: Option<&'r str>,
    /// Another claim on the same thing cannot also be true.
    pub disputed: bool,
    /// Its date is uncertain (`?`), approximate (`~`) or a span rather than a day.
    pub uncertain: bool,
    pub inferred: bool,
}

impl ClaimMark<'_> {
    fn new(field: &'static str) -> Self {
        ClaimMark {
            field,
            ..ClaimMark::default()
        }
    }

    fn dated(mut self, date: Option<&DateText>) -> Self {
        self.uncertain = date.is_some_and(DateText::is_uncertain);
        self
    }

    fn disputed(mut self, disputed: bool) -> Self {
        self.disputed = disputed;
        self
    }

    fn inferred(mut self, inferred: bool) -> Self {
        self.inferred = inferred;
        self
    }
}

/// A field of a record marked as an inference, and the reason.
#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct Inferred {
    #[rkyv(with = FieldName)]
    pub field: &'static str,
    pub reason: Text,
    pub pos: Pos,
}

/// Where a reference was written, for backlinks ("mentioned in ... as participant").
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
)]
pub enum LinkField {
    Source,
    Related,
    Camp,
    Camps,
    Participant,
    /// An organisation that took part in an incident.
    Party,
    Affiliation,
    Publisher,
}

impl LinkField {
    pub fn label(self) -> &'static str {
        match self {
            LinkField::Source => "cites",
            LinkField::Related => "related",
            LinkField::Camp => "camp",
            LinkField::Camps => "camps",
            LinkField::Participant | LinkField::Party => "participant",
            LinkField::Affiliation => "affiliation",
            LinkField::Publisher => "publisher",
        }
    }

    /// The kind a reference in this field must point to, if any.
    pub(crate) fn target(self) -> Option<Kind> {
        match self {
            LinkField::Source => Some(Kind::Source),
            LinkField::Camp | LinkField::Camps => Some(Kind::Camp),
            LinkField::Participant => Some(Kind::Person),
            LinkField::Party | LinkField::Affiliation | LinkField::Publisher => {
                Some(Kind::Organization)
            }
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

impl Party {
    /// The organisation's record, when the field names one.
    pub fn organization(&self) -> Option<&Ref> {
        match self {
            Party::Organization(r) => Some(r),
            Party::Named(_) => None,
        }
    }

    /// The words written: the name, or the organisation's id (`Catalog::party_name` gives the
    /// organisation's name).
    pub fn written(&self) -> &Text {
        match self {
            Party::Named(t) => t,
            Party::Organization(r) => &r.id,
        }
    }
}

impl Record {
    /// Drop the spare capacity of every list, once the record is complete.
    pub fn shrink_to_fit(&mut self) {
        self.fields.shrink_to_fit();
        self.aliases.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.sources.shrink_to_fit();
        self.related.shrink_to_fit();
        self.inferred.shrink_to_fit();
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
            Body::Organization(_) => {}
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

    pub fn organization(&self) -> Option<&Organization> {
        match &self.body {
            Body::Organization(o) => Some(o),
            _ => None,
        }
    }

    /// Why a field's value is an inference, if the record marks it as one.
    pub fn inferred(&self, field: &str) -> Option<&Text> {
        self.inferred
            .iter()
            .find(|i| i.field == field)
            .map(|i| &i.reason)
    }

    /// The record's own date field: when an incident happened, a camp opened, a source was
    /// issued, a person was born.
    pub(crate) fn dates(&self) -> &Dates {
        match &self.body {
            Body::Incident(i) => &i.date,
            Body::Camp(c) => &c.opened,
            Body::Source(s) => &s.issued,
            Body::Person(p) => &p.born,
            Body::Organization(_) => &NO_DATES,
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
                out.extend(
                    p.affiliations
                        .iter()
                        .filter_map(Party::organization)
                        .map(|r| (LinkField::Affiliation, r)),
                );
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
                    out.extend(p.organization.iter().map(|r| (LinkField::Party, r)));
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
            Body::Source(s) => {
                out.extend(
                    s.publisher
                        .iter()
                        .filter_map(Party::organization)
                        .map(|r| (LinkField::Publisher, r)),
                );
                cite_dates(&mut out, &s.issued);
            }
            Body::Organization(_) => {}
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

    /// Each claim of the record with how a reader should weigh it, for the `disputed:`,
    /// `uncertain:` and `inferred:` filters: the same claims the claims view lists.
    pub fn claim_marks(&self) -> Vec<ClaimMark<'_>> {
        fn figures<'r>(out: &mut Vec<ClaimMark<'r>>, field: &'static str, f: &'r [At<Figure>]) {
            let disputed = disputed_figures(f);
            for (fig, disputed) in f.iter().zip(disputed) {
                let mut m = ClaimMark::new(field)
                    .dated(fig.date.as_ref())
                    .disputed(disputed)
                    .inferred(fig.inferred.is_some());
                m.what = fig.what.as_ref().map(Text::raw);
                out.push(m);
            }
        }
        let mut out = Vec::new();
        for i in &self.inferred {
            out.push(ClaimMark::new(i.field).inferred(true));
        }
        let dates = |out: &mut Vec<ClaimMark<'_>>, field: &'static str, d: &Dates| {
            let disputed = d.is_disputed();
            for c in d.iter() {
                out.push(
                    ClaimMark::new(field)
                        .dated(Some(&c.date))
                        .disputed(disputed)
                        .inferred(c.inferred.is_some()),
                );
            }
        };
        let ranged = |field: &'static str,
                      from: &Option<DateText>,
                      to: &Option<DateText>,
                      inferred: bool| {
            let mut m = ClaimMark::new(field).inferred(inferred);
            m.uncertain = [from, to].into_iter().flatten().any(DateText::is_uncertain);
            m
        };
        match &self.body {
            Body::Person(p) => {
                dates(&mut out, "born", &p.born);
                dates(&mut out, "died", &p.died);
                for pos in &p.positions {
                    out.push(ranged(
                        "position",
                        &pos.from,
                        &pos.to,
                        pos.inferred.is_some(),
                    ));
                }
            }
            Body::Incident(i) => {
                dates(&mut out, "date", &i.date);
                for p in &i.participants {
                    out.push(ClaimMark::new("participant").inferred(p.inferred.is_some()));
                }
                figures(&mut out, "figures", &i.figures);
            }
            Body::Camp(c) => {
                dates(&mut out, "opened", &c.opened);
                dates(&mut out, "closed", &c.closed);
                figures(&mut out, "population", &c.population);
                for ctl in &c.control {
                    out.push(ranged(
                        "control",
                        &ctl.from,
                        &ctl.to,
                        ctl.inferred.is_some(),
                    ));
                }
            }
            Body::Source(s) => dates(&mut out, "issued", &s.issued),
            Body::Organization(_) => {}
        }
        out
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
            Body::Organization(_) => {}
        }
        out
    }

    /// The one fact that tells records of a kind apart in a list: date and place for an
    /// incident, status for a person, province for a camp, publisher and date for a source.
    /// `party_name` names an organisation the record refers to (the catalog knows their names).
    pub fn subtitle(&self, party_name: &dyn Fn(&Party) -> String) -> String {
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
                s.publisher.as_ref().map(party_name).unwrap_or_default(),
                first_date(&s.issued),
            ],
            Body::Organization(o) => vec![
                o.kind
                    .as_ref()
                    .map(|t| t.shown().to_owned())
                    .unwrap_or_default(),
            ],
        };
        parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

// The index file (`index_file`) stores field names, which are `&'static str` taken from
// `FIELDS`, as their place in that table, and finds them there again when it is read: a number
// out of range makes the index unreadable, and it is rebuilt.

/// `&'static str` from `FIELDS`, archived as its place in the table.
pub(crate) struct FieldName;

/// `fields`: each name as its place in `FIELDS`, beside where it was written.
pub(crate) struct FieldsAt;

fn field_number(name: &str) -> Option<u8> {
    FIELDS.iter().position(|(n, _)| *n == name).map(|i| i as u8)
}

fn field_named<E: rkyv::rancor::Source>(n: u8) -> Result<&'static str, E> {
    FIELDS
        .get(usize::from(n))
        .map(|(name, _)| *name)
        .ok_or_else(|| E::new(UnknownField))
}

#[derive(Debug)]
struct UnknownField;

impl std::fmt::Display for UnknownField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a field name the index does not know")
    }
}

impl std::error::Error for UnknownField {}

impl rkyv::with::ArchiveWith<&'static str> for FieldName {
    type Archived = u8;
    type Resolver = ();

    fn resolve_with(field: &&'static str, (): (), out: rkyv::Place<u8>) {
        rkyv::Archive::resolve(&field_number(field).unwrap_or(u8::MAX), (), out);
    }
}

impl<S: rkyv::rancor::Fallible + ?Sized> rkyv::with::SerializeWith<&'static str, S> for FieldName
where
    S::Error: rkyv::rancor::Source,
{
    fn serialize_with(field: &&'static str, _: &mut S) -> Result<(), S::Error> {
        field_number(field)
            .map(drop)
            .ok_or_else(|| <S::Error as rkyv::rancor::Source>::new(UnknownField))
    }
}

impl<D: rkyv::rancor::Fallible + ?Sized> rkyv::with::DeserializeWith<u8, &'static str, D>
    for FieldName
where
    D::Error: rkyv::rancor::Source,
{
    fn deserialize_with(n: &u8, _: &mut D) -> Result<&'static str, D::Error> {
        field_named(*n)
    }
}

type ArchivedFieldsAt = rkyv::vec::ArchivedVec<rkyv::tuple::ArchivedTuple2<u8, ArchivedPos>>;

impl rkyv::with::ArchiveWith<Vec<(&'static str, Pos)>> for FieldsAt {
    type Archived = ArchivedFieldsAt;
    type Resolver = rkyv::vec::VecResolver;

    fn resolve_with(
        fields: &Vec<(&'static str, Pos)>,
        resolver: rkyv::vec::VecResolver,
        out: rkyv::Place<ArchivedFieldsAt>,
    ) {
        rkyv::vec::ArchivedVec::resolve_from_len(fields.len(), resolver, out);
    }
}

impl<S> rkyv::with::SerializeWith<Vec<(&'static str, Pos)>, S> for FieldsAt
where
    S: rkyv::rancor::Fallible + rkyv::ser::Allocator + rkyv::ser::Writer + ?Sized,
    S::Error: rkyv::rancor::Source,
{
    fn serialize_with(
        fields: &Vec<(&'static str, Pos)>,
        s: &mut S,
    ) -> Result<rkyv::vec::VecResolver, S::Error> {
        let numbered = fields
            .iter()
            .map(|(name, pos)| {
                field_number(name)
                    .map(|n| (n, *pos))
                    .ok_or_else(|| <S::Error as rkyv::rancor::Source>::new(UnknownField))
            })
            .collect::<Result<Vec<(u8, Pos)>, S::Error>>()?;
        rkyv::vec::ArchivedVec::serialize_from_slice(&numbered, s)
    }
}

impl<D: rkyv::rancor::Fallible + ?Sized>
    rkyv::with::DeserializeWith<ArchivedFieldsAt, Vec<(&'static str, Pos)>, D> for FieldsAt
where
    D::Error: rkyv::rancor::Source,
{
    fn deserialize_with(
        fields: &ArchivedFieldsAt,
        _: &mut D,
    ) -> Result<Vec<(&'static str, Pos)>, D::Error> {
        fields
            .iter()
            .map(|t| {
                Ok((
                    field_named(t.0)?,
                    Pos {
                        line: t.1.line.to_native(),
                        col: t.1.col.to_native(),
                    },
                ))
            })
            .collect()
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
        assert_eq!(Kind::parse("org"), Some(Kind::Organization));
        assert_eq!(Kind::parse("organisations"), Some(Kind::Organization));
        assert_eq!(Kind::parse("group"), None);
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
            inferred: None,
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
