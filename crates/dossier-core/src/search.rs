//! Query text -> ranked hits with the positions of the matched letters.
//!
//! The only module that knows the matcher. We use `nucleo-matcher` (the engine of the helix
//! editor's picker) rather than the card's `fuzzy-matcher`, which is archived and measured 2.5 to
//! 16 times slower on the same queries; `dossier bench` keeps it as the baseline.
//!
//! A query is words and scoped filters: `kolthoum kind:person camp:liberty year:2013`. Each word
//! must match somewhere in a record: fuzzily in its name, aliases or id (worth more), or as a
//! substring of its other text (summary, place, dates, tags...), where fuzzy matching would find
//! scattered letters in any long paragraph. Words take fzf's syntax: `'exact`, `^prefix`,
//! `suffix$`, `!not`. Case, accents and apostrophes never matter: haystacks and queries are folded
//! the same way once, so Ja'far, Ja’far and Jafar are one name.

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher};

use crate::haystack::{fold, fold_char, is_ignorable};
use crate::index::{Catalog, RecordIdx};
use crate::model::{Kind, LinkField, Record};

/// Weights: a hit in a name counts three times a hit in a summary.
const NAME_WEIGHT: u32 = 3;
const ID_WEIGHT: u32 = 2;
const TEXT_WEIGHT: u32 = 1;

/// A scoped filter: `kind:person`, `camp:liberty`, `year:2013`, `act:abducted`, ...
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    Kind(Vec<Kind>),
    Camp(String),
    Year(u16, u16),
    Act(String),
    Role(String),
    Status(String),
    Type(String),
    Tag(String),
    Source(String),
    Person(String),
    /// Records with a disputed claim; the value, if any, names the field or what a figure counts.
    Disputed(String),
    /// Records with a date that is uncertain, approximate or a span; the value names the field.
    Uncertain(String),
    /// Records with a value marked as inferred; the value names the field.
    Inferred(String),
    /// A record by id, exactly: for a person or an organisation, the incidents they took part
    /// in; for a camp, the camp, its incidents and its people. The browser's timeline of one person or camp.
    Scope(Kind, String),
}

/// The filter keys, for help and completion.
pub const FILTER_KEYS: &[(&str, &str)] = &[
    (
        "kind:",
        "person, incident, camp, organization or source (also p, i, c, o, s; several with commas)",
    ),
    (
        "camp:",
        "the camp itself, incidents there, people held or attacked there",
    ),
    (
        "year:",
        "any date in that year, or a range such as 2009-2013",
    ),
    (
        "act:",
        "incidents with a participant who was (or did) this, and those people",
    ),
    (
        "role:",
        "incidents with a participant in this role, and those people",
    ),
    ("status:", "people with this status"),
    ("type:", "incidents or sources of this type"),
    ("tag:", "records with a matching tag"),
    (
        "source:",
        "records citing a matching source (id, title or publisher)",
    ),
    ("person:", "incidents with a matching participant"),
    (
        "disputed:",
        "records whose sources disagree; `disputed:killed` on one figure or field",
    ),
    (
        "uncertain:",
        "records with a date marked ?, ~ or a span; `uncertain:died` on one field",
    ),
    (
        "inferred:",
        "records with a value marked as inferred; `inferred:nationality` on one field",
    ),
];

/// One example query per filter, for the help screen.
pub const FILTER_EXAMPLES: &[(&str, &str)] = &[
    ("kind:person", "only people; `k:i,c` incidents and camps"),
    (
        "camp:liberty",
        "Camp Liberty and what happened or who lived there",
    ),
    (
        "year:2013",
        "dated in 2013; `year:2009-2013` a range; intervals overlap",
    ),
    (
        "act:abducted",
        "incidents where someone was abducted, and those people",
    ),
    (
        "role:witness",
        "incidents with a witness, and the witnesses",
    ),
    ("status:executed", "people whose status is executed"),
    ("type:raid", "incidents (or sources) of that type"),
    ("tag:ashraf", "records tagged ashraf"),
    (
        "source:amnesty",
        "records citing an Amnesty International source",
    ),
    ("person:saremi", "incidents in which Ali Saremi took part"),
    (
        "disputed:",
        "sources disagree on a date or figure; `disputed:killed`",
    ),
    (
        "uncertain:",
        "a date marked ?, ~ or a span; `uncertain:date`",
    ),
    (
        "inferred:",
        "a value worked out, not given; `inferred:place`",
    ),
];

/// fzf's word syntax, for the help screen: what each form means, with an example.
pub const WORD_SYNTAX: &[(&str, &str)] = &[
    (
        "saremi",
        "fuzzy in names, aliases and ids; a substring of other text",
    ),
    ("'saremi", "exact: the letters together"),
    ("^ali", "a name that starts with ali"),
    ("saremi$", "a name that ends with saremi"),
    ("!liberty", "not: leave out what matches liberty"),
];

/// A parsed query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub words: Vec<String>,
    pub filters: Vec<Filter>,
    /// Parts that looked like filters but could not be read, with why.
    pub problems: Vec<String>,
}

impl Query {
    pub fn parse(input: &str) -> Query {
        let mut q = Query::default();
        for token in input.split_whitespace() {
            let Some((key, value)) = token.split_once(':') else {
                q.words.push(token.to_owned());
                continue;
            };
            let value_folded = fold(value);
            let filter = match key.to_ascii_lowercase().as_str() {
                "kind" | "k" => {
                    let kinds: Option<Vec<Kind>> = value
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(Kind::parse)
                        .collect();
                    match kinds {
                        Some(k) if !k.is_empty() => Some(Filter::Kind(k)),
                        _ => {
                            q.problems.push(format!(
                                "kind:{value} is not a kind: write person, incident, camp, organization or source"
                            ));
                            continue;
                        }
                    }
                }
                "year" | "y" => match parse_years(value) {
                    Some((a, b)) => Some(Filter::Year(a, b)),
                    None if value.is_empty() => continue,
                    None => {
                        q.problems.push(format!(
                            "year:{value} is not a year: write year:2013 or year:2009-2013"
                        ));
                        continue;
                    }
                },
                "camp" => Some(Filter::Camp(value_folded)),
                "act" => Some(Filter::Act(value_folded)),
                "role" => Some(Filter::Role(value_folded)),
                "status" => Some(Filter::Status(value_folded)),
                "type" => Some(Filter::Type(value_folded)),
                "tag" => Some(Filter::Tag(value_folded)),
                "source" | "cites" => Some(Filter::Source(value_folded)),
                "person" => Some(Filter::Person(value_folded)),
                "disputed" => Some(Filter::Disputed(value_folded)),
                "uncertain" => Some(Filter::Uncertain(value_folded)),
                "inferred" => Some(Filter::Inferred(value_folded)),
                other => {
                    if looks_like_a_filter(key, value) {
                        q.problems.push(unknown_filter(other));
                    }
                    None
                }
            };
            match filter {
                // An empty value (`camp:` while typing) filters nothing yet; the marks need none
                // (`disputed:` is any disputed claim).
                Some(f)
                    if !value.is_empty()
                        || matches!(
                            f,
                            Filter::Kind(_)
                                | Filter::Year(..)
                                | Filter::Disputed(_)
                                | Filter::Uncertain(_)
                                | Filter::Inferred(_)
                        ) =>
                {
                    q.filters.push(f);
                }
                Some(_) => {}
                None => q.words.push(token.to_owned()),
            }
        }
        q
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.filters.is_empty()
    }
}

/// `word:value` where `word` is letters: meant as a filter, not as text such as `10:30` or a
/// web address.
fn looks_like_a_filter(key: &str, value: &str) -> bool {
    key.len() >= 2 && key.chars().all(|c| c.is_ascii_alphabetic()) && !value.starts_with('/')
}

/// The problem with an unknown filter name: the nearest known one, if any, and what happens.
fn unknown_filter(key: &str) -> String {
    let keys = FILTER_KEYS.iter().map(|(k, _)| k.trim_end_matches(':'));
    let near = crate::diagnostic::did_you_mean(&key.to_ascii_lowercase(), keys.clone());
    match near {
        Some(near) => format!("{key}: is not a filter; did you mean {near}:? (searched as text)"),
        None => format!(
            "{key}: is not a filter (filters: {}); searched as text",
            keys.collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Why a query found nothing, when a filter alone matches no record: `camp:nowhere` names no
/// camp, `status:foo` no person. Empty when each filter matches something (then it is their
/// combination, or the words, that find nothing).
pub fn unmatched_filters(catalog: &Catalog, query: &Query) -> Vec<String> {
    use rayon::prelude::*;
    query
        .filters
        .iter()
        .filter(|f| !matches!(f, Filter::Kind(_) | Filter::Scope(..)))
        .filter(|f| {
            let one = Filters::new(catalog, std::slice::from_ref(*f));
            !(0..catalog.len() as RecordIdx)
                .into_par_iter()
                .any(|i| one.keep(catalog, i, catalog.get(i)))
        })
        .map(|f| format!("{} matches nothing", f.written()))
        .collect()
}

impl Filter {
    /// The filter as a query writes it (folded values), for messages.
    fn written(&self) -> String {
        match self {
            Filter::Kind(k) => format!(
                "kind:{}",
                k.iter().map(|k| k.name()).collect::<Vec<_>>().join(",")
            ),
            Filter::Year(a, b) if a == b => format!("year:{a}"),
            Filter::Year(a, b) => format!("year:{a}-{b}"),
            Filter::Camp(v) => format!("camp:{v}"),
            Filter::Act(v) => format!("act:{v}"),
            Filter::Role(v) => format!("role:{v}"),
            Filter::Status(v) => format!("status:{v}"),
            Filter::Type(v) => format!("type:{v}"),
            Filter::Tag(v) => format!("tag:{v}"),
            Filter::Source(v) => format!("source:{v}"),
            Filter::Person(v) => format!("person:{v}"),
            Filter::Disputed(v) => format!("disputed:{v}"),
            Filter::Uncertain(v) => format!("uncertain:{v}"),
            Filter::Inferred(v) => format!("inferred:{v}"),
            Filter::Scope(k, id) => format!("{}:{id}", k.name()),
        }
    }
}

fn parse_years(v: &str) -> Option<(u16, u16)> {
    let year = |s: &str| (s.len() == 4).then(|| s.parse::<u16>().ok()).flatten();
    match v.split_once("..").or_else(|| v.split_once('-')) {
        Some((a, b)) => {
            let (a, b) = (year(a)?, year(b)?);
            (a <= b).then_some((a, b))
        }
        None => year(v).map(|y| (y, y)),
    }
}

/// Which of a record's strings the query matched best.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    /// The n-th alias.
    Alias(usize),
    Id,
    /// The summary or other text.
    Text,
    /// Nothing to match: the query had only filters.
    None,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub record: RecordIdx,
    pub score: u32,
    pub field: Field,
    /// Char positions in the shown name or alias (per `field`) to highlight, ascending.
    pub positions: Vec<u32>,
}

impl Hit {
    /// A record listed with nothing matched: no query words, or the whole list.
    pub fn unranked(record: RecordIdx) -> Hit {
        Hit {
            record,
            score: 0,
            field: Field::None,
            positions: Vec::new(),
        }
    }
}

/// One query word, ready for each kind of haystack.
struct Word {
    /// For names and ids: as the user wrote it (fuzzy unless marked otherwise).
    name: Atom,
    /// For long text: fuzzy becomes substring.
    text: Atom,
    negative: bool,
}

impl Word {
    fn new(raw: &str) -> Option<Word> {
        let folded: String = raw
            .chars()
            .filter(|c| !is_ignorable(*c))
            .map(fold_char)
            .collect();
        let name = Atom::parse(&folded, CaseMatching::Ignore, Normalization::Smart);
        if name.needle_text().is_empty() {
            return None;
        }
        let text = if name.kind == AtomKind::Fuzzy {
            let needle: String = name.needle_text().chars().collect();
            Atom::new(
                &needle,
                CaseMatching::Ignore,
                Normalization::Smart,
                AtomKind::Substring,
                false,
            )
        } else {
            name.clone()
        };
        Some(Word {
            negative: name.negative,
            name,
            text,
        })
    }
}

/// A reusable searcher: holds the matcher's scratch memory between queries.
pub struct Searcher {
    matcher: Matcher,
}

impl Default for Searcher {
    fn default() -> Self {
        Self {
            matcher: Matcher::new(Config::DEFAULT),
        }
    }
}

/// Records per parallel job: large enough that a job outweighs its scheduling.
const CHUNK: usize = 2048;

/// Hits that get their matched letters computed; nobody scrolls further, and computing them
/// for every hit of a one-letter query over a million records would cost more than the search.
pub(crate) const HIGHLIGHTED: usize = 1000;

impl Searcher {
    /// All records that match, best first; with an empty query, every record in catalog order.
    pub fn search(&mut self, catalog: &Catalog, query: &Query) -> Vec<Hit> {
        self.search_within(catalog, query, None)
    }

    /// Search only `candidates` (ascending), for narrowing a previous result as the user types.
    pub(crate) fn search_within(
        &mut self,
        catalog: &Catalog,
        query: &Query,
        candidates: Option<&[RecordIdx]>,
    ) -> Vec<Hit> {
        self.search_cancellable(catalog, query, candidates, &|| false)
            .unwrap_or_default()
    }

    /// The search, on every core, giving up (`None`) as soon as `cancelled` says a newer
    /// query has arrived.
    pub(crate) fn search_cancellable(
        &mut self,
        catalog: &Catalog,
        query: &Query,
        candidates: Option<&[RecordIdx]>,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<Hit>> {
        use rayon::prelude::*;
        let words: Vec<Word> = query.words.iter().filter_map(|w| Word::new(w)).collect();
        let filters = Filters::new(catalog, &query.filters);
        let all: Vec<RecordIdx>;
        let ids = match candidates {
            Some(c) => c,
            None => {
                all = (0..catalog.len() as RecordIdx).collect();
                &all
            }
        };
        let chunks: Vec<Vec<Hit>> = ids
            .par_chunks(CHUNK)
            .map_init(
                || (Matcher::new(Config::DEFAULT), Vec::new()),
                |(m, scratch), chunk| {
                    if cancelled() {
                        return Vec::new();
                    }
                    chunk
                        .iter()
                        .filter_map(|&i| score(m, scratch, catalog, &filters, &words, i))
                        .collect()
                },
            )
            .collect();
        if cancelled() {
            return None;
        }
        let mut hits: Vec<Hit> = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        hits.extend(chunks.into_iter().flatten());
        if !words.is_empty() {
            hits.par_sort_unstable_by(|a, b| {
                b.score
                    .cmp(&a.score)
                    .then_with(|| {
                        catalog
                            .get(a.record)
                            .name
                            .raw()
                            .len()
                            .cmp(&catalog.get(b.record).name.raw().len())
                    })
                    .then_with(|| a.record.cmp(&b.record))
            });
            for hit in hits.iter_mut().take(HIGHLIGHTED) {
                positions(&mut self.matcher, catalog, &words, hit);
            }
        }
        Some(hits)
    }
}

/// Whether every record that matches `new` also matches `old`, so that `new` need only search
/// `old`'s results: `new` adds letters or words to `old`, and the word it extends neither is nor
/// becomes a filter, a negation or an anchored suffix (extending those can widen).
pub(crate) fn narrows(old: &str, new: &str) -> bool {
    let Some(added) = new.strip_prefix(old) else {
        return false;
    };
    if old.trim().is_empty() {
        return false;
    }
    let extends_last_word =
        !added.starts_with(char::is_whitespace) && !old.ends_with(char::is_whitespace);
    if !extends_last_word {
        return true;
    }
    // The word being extended, as it now reads: `ki` becoming `kind:` turns into a filter.
    let last = old.split_whitespace().next_back().unwrap_or_default();
    let rest = added.split_whitespace().next().unwrap_or_default();
    !last.contains([':', '!', '$']) && !rest.contains([':', '!', '$'])
}

/// Searching as the user types: a query that narrows the previous one searches only the
/// previous results, so each keystroke of a growing query costs less than the one before.
#[derive(Default)]
pub struct Incremental {
    searcher: Searcher,
    /// The last completed query, the filters the screen added to it, and the records it
    /// found, ascending.
    last: Option<(String, Vec<Filter>, Vec<RecordIdx>)>,
}

impl Incremental {
    /// Forget the previous results (the catalog changed).
    pub fn reset(&mut self) {
        self.last = None;
    }

    /// The hits for `text` with the screen's own filters (`fixed`: the kind, the scope), or
    /// `None` if `cancelled` before the end.
    pub fn search(
        &mut self,
        catalog: &Catalog,
        text: &str,
        fixed: &[Filter],
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<Hit>> {
        let mut query = Query::parse(text);
        query.filters.extend_from_slice(fixed);
        let candidates = match &self.last {
            Some((old, old_fixed, records)) if old_fixed == fixed && narrows(old, text) => {
                Some(records.as_slice())
            }
            _ => None,
        };
        let hits = self
            .searcher
            .search_cancellable(catalog, &query, candidates, cancelled)?;
        // Nothing narrows an empty query (see `narrows`): do not sort every record to keep them.
        self.last = (!text.trim().is_empty()).then(|| {
            let mut records: Vec<RecordIdx> = hits.iter().map(|h| h.record).collect();
            records.sort_unstable();
            (text.to_owned(), fixed.to_vec(), records)
        });
        Some(hits)
    }
}

/// A record's score against every word, or `None` when a word misses or a filter excludes it.
/// `name_scores` is scratch space, kept between records to spare an allocation each.
fn score(
    m: &mut Matcher,
    name_scores: &mut Vec<u32>,
    catalog: &Catalog,
    filters: &Filters,
    words: &[Word],
    idx: RecordIdx,
) -> Option<Hit> {
    let record = catalog.get(idx);
    if !filters.keep(catalog, idx, record) {
        return None;
    }
    if words.is_empty() {
        return Some(Hit::unranked(idx));
    }
    let entry = &catalog.haystacks().entries[idx as usize];
    let mut total = 0u32;
    // Per name haystack, the score it earned, so the best one is highlighted.
    name_scores.clear();
    name_scores.resize(entry.names.len(), 0);
    let mut id_score = 0u32;
    for w in words {
        if w.negative {
            let hit_anywhere = entry
                .names
                .iter()
                .any(|h| w.name.score(h.as_str(), m).is_none())
                || w.name.score(entry.id.as_str(), m).is_none()
                || w.text.score(entry.text.as_str(), m).is_none();
            if hit_anywhere {
                return None;
            }
            continue;
        }
        let mut best: Option<(u32, Option<usize>)> = None;
        for (n, hay) in entry.names.iter().enumerate() {
            if let Some(s) = w.name.score(hay.as_str(), m) {
                let s = u32::from(s) * NAME_WEIGHT;
                name_scores[n] += s;
                best = best.max(Some((s, Some(n))));
            }
        }
        if let Some(s) = w.name.score(entry.id.as_str(), m) {
            let s = u32::from(s) * ID_WEIGHT;
            id_score += s;
            best = best.max(Some((s, None)));
        }
        if let Some(s) = w.text.score(entry.text.as_str(), m) {
            best = best.max(Some((u32::from(s) * TEXT_WEIGHT, None)));
        }
        total += best?.0;
    }
    // Prefer the name over an alias that scores the same.
    let (best_name, best_name_score) = name_scores
        .iter()
        .enumerate()
        .fold((0, 0), |acc, (i, &s)| if s > acc.1 { (i, s) } else { acc });
    let field = if best_name_score > 0 && best_name_score >= id_score {
        if best_name == 0 {
            Field::Name
        } else {
            Field::Alias(best_name - 1)
        }
    } else if id_score > 0 {
        Field::Id
    } else {
        Field::Text
    };
    Some(Hit {
        record: idx,
        score: total,
        field,
        positions: Vec::new(),
    })
}

/// Fill in the letters of the hit's name, alias or id that the words matched.
fn positions(m: &mut Matcher, catalog: &Catalog, words: &[Word], hit: &mut Hit) {
    let entry = &catalog.haystacks().entries[hit.record as usize];
    let hay = match hit.field {
        Field::Name => entry.names.first(),
        Field::Alias(n) => entry.names.get(n + 1),
        Field::Id => Some(&entry.id),
        Field::Text | Field::None => None,
    };
    let Some(hay) = hay else { return };
    let positions = &mut hit.positions;
    for w in words.iter().filter(|w| !w.negative) {
        w.name.indices(hay.as_str(), m, positions);
    }
    for p in positions.iter_mut() {
        *p = hay.shown_index(*p);
    }
    positions.sort_unstable();
    positions.dedup();
}

/// Filters with their values resolved against the catalog once per query.
struct Filters<'a> {
    filters: &'a [Filter],
    /// Camps matching each `camp:` filter, by index.
    camps: Vec<Vec<RecordIdx>>,
}

impl<'a> Filters<'a> {
    fn new(catalog: &Catalog, filters: &'a [Filter]) -> Self {
        let camps = filters
            .iter()
            .filter_map(|f| match f {
                Filter::Camp(v) => Some(
                    (0..catalog.len() as RecordIdx)
                        .filter(|&i| {
                            let r = catalog.get(i);
                            r.kind == Kind::Camp && names_contain(r, v)
                        })
                        .collect(),
                ),
                _ => None,
            })
            .collect();
        Filters { filters, camps }
    }

    fn keep(&self, catalog: &Catalog, idx: RecordIdx, r: &Record) -> bool {
        let mut camps = self.camps.iter();
        self.filters.iter().all(|f| match f {
            Filter::Kind(kinds) => kinds.contains(&r.kind),
            Filter::Year(lo, hi) => r.all_dates().iter().any(|d| {
                d.span.is_some_and(|s| {
                    let (a, b) = s.years();
                    a <= *hi && b >= *lo
                })
            }),
            Filter::Camp(_) => {
                let wanted = camps.next().map_or(&[][..], Vec::as_slice);
                at_camp(catalog, idx, r, wanted)
            }
            Filter::Act(v) => participation(catalog, idx, r, |p| {
                p.act
                    .as_ref()
                    .is_some_and(|a| fold(a.raw()).contains(v.as_str()))
            }),
            Filter::Role(v) => participation(catalog, idx, r, |p| {
                p.role
                    .as_ref()
                    .is_some_and(|a| fold(a.raw()).contains(v.as_str()))
            }),
            Filter::Status(v) => r
                .person()
                .and_then(|p| p.status.as_ref())
                .is_some_and(|s| fold(s.raw()).contains(v.as_str())),
            Filter::Type(v) => {
                let t = r
                    .incident()
                    .and_then(|i| i.kind.as_deref())
                    .or_else(|| r.source().and_then(|s| s.kind.as_ref()));
                t.is_some_and(|t| fold(t.raw()).contains(v.as_str()))
            }
            Filter::Tag(v) => r.tags.iter().any(|t| fold(t.raw()).contains(v.as_str())),
            Filter::Source(v) => catalog.links(idx).iter().any(|(field, to)| {
                *field == LinkField::Source
                    && to.is_some_and(|s| {
                        let s = catalog.get(s);
                        names_contain(s, v)
                            || s.source()
                                .and_then(|s| s.publisher.as_ref())
                                .is_some_and(|p| fold(&catalog.party_name(p)).contains(v.as_str()))
                    })
            }),
            Filter::Scope(Kind::Camp, id) => catalog
                .idx(id)
                .is_some_and(|camp| at_camp(catalog, idx, r, &[camp])),
            Filter::Scope(_, id) => {
                *r.id == **id
                    || r.incident().is_some_and(|i| {
                        i.participants.iter().any(|p| {
                            p.person
                                .iter()
                                .chain(&p.organization)
                                .any(|p| p.id.raw() == id)
                        })
                    })
            }
            Filter::Disputed(v) => marked(r, v, |m| m.disputed),
            Filter::Uncertain(v) => marked(r, v, |m| m.uncertain),
            Filter::Inferred(v) => marked(r, v, |m| m.inferred),
            Filter::Person(v) => r.incident().is_some_and(|i| {
                i.participants.iter().any(|p| {
                    p.person
                        .as_ref()
                        .and_then(|p| catalog.by_id(p.id.raw()))
                        .is_some_and(|p| names_contain(p, v))
                })
            }),
        })
    }
}

/// Does the record have a claim with this mark, in a field (or a figure counting what) the folded
/// value names, or anywhere when it names nothing?
fn marked(r: &Record, folded: &str, mark: impl Fn(&crate::model::ClaimMark) -> bool) -> bool {
    r.claim_marks().iter().any(|m| {
        mark(m)
            && (folded.is_empty()
                || m.field.contains(folded)
                || m.what.is_some_and(|w| fold(w).contains(folded)))
    })
}

/// Does the record's id, name or an alias contain the folded value?
fn names_contain(r: &Record, folded: &str) -> bool {
    fold(&r.id).contains(folded)
        || std::iter::once(&r.name)
            .chain(&r.aliases)
            .any(|n| fold(n.raw()).contains(folded))
}

fn at_camp(catalog: &Catalog, idx: RecordIdx, r: &Record, camps: &[RecordIdx]) -> bool {
    let is_wanted = |id: &str| catalog.idx(id).is_some_and(|i| camps.contains(&i));
    match &r.body {
        crate::model::Body::Camp(_) => camps.contains(&idx),
        crate::model::Body::Incident(i) => i.camp.as_ref().is_some_and(|c| is_wanted(c.id.raw())),
        crate::model::Body::Person(p) => {
            p.camps.iter().any(|c| is_wanted(c.id.raw()))
                || catalog.backlinks(idx).iter().any(|b| {
                    b.field == LinkField::Participant
                        && catalog
                            .get(b.from)
                            .incident()
                            .and_then(|i| i.camp.as_ref())
                            .is_some_and(|c| is_wanted(c.id.raw()))
                })
        }
        crate::model::Body::Source(_) | crate::model::Body::Organization(_) => false,
    }
}

/// For incidents: a participant satisfies `test`. For people: they are that participant somewhere.
fn participation(
    catalog: &Catalog,
    idx: RecordIdx,
    r: &Record,
    test: impl Fn(&crate::model::Participant) -> bool,
) -> bool {
    match &r.body {
        crate::model::Body::Incident(i) => i.participants.iter().any(|p| test(p)),
        crate::model::Body::Person(_) => catalog.backlinks(idx).iter().any(|b| {
            b.field == LinkField::Participant
                && catalog.get(b.from).incident().is_some_and(|i| {
                    i.participants
                        .iter()
                        .any(|p| p.person.as_ref().is_some_and(|p| p.id.raw() == &*r.id) && test(p))
                })
        }),
        _ => false,
    }
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
                "title: Iraq Government urged to investigate\npublisher: Amnesty International\ntype: press release\n",
            ),
            (
                "camps/camp-liberty.yaml",
                "name: Camp Liberty\nsources: [ai]\n",
            ),
            (
                "camps/camp-ashraf.yaml",
                "name: Camp Ashraf\naliases: [Ashraf City]\nsources: [ai]\n",
            ),
            (
                "people/jafar-kazemi.yaml",
                "name: Ja’far Kazemi\nstatus: executed\nsources: [ai]\n",
            ),
            (
                "people/kolthoum-sarahati.yaml",
                "name: Kolthoum Sarahati\nstatus: killed\nsummary: A resident of Camp Liberty.\nsources: [ai]\n",
            ),
            (
                "people/mahnaz-azizi.yaml",
                "name: Mahnaz Azizi\naliases: [Mahbobeh Lashkari]\nstatus: abducted\nsources: [ai]\n",
            ),
            (
                "incidents/rocket.yaml",
                "name: Rocket attack on Camp Liberty\ntype: attack\ndate: 2013-06-15\ncamp: camp-liberty\nparticipants:\n  - person: kolthoum-sarahati\n    role: victim\n    act: killed\nsources: [ai]\n",
            ),
            (
                "incidents/raid.yaml",
                "name: Raid on Camp Ashraf\ntype: raid\ndate: 2013-09-01\ncamp: camp-ashraf\nparticipants:\n  - person: mahnaz-azizi\n    role: victim\n    act: abducted\nsources: [ai]\n",
            ),
        ];
        let mut records = Vec::new();
        for (path, text) in files {
            let kind = Kind::from_folder(path.split('/').next().unwrap()).unwrap();
            records.extend(parse_record(path, kind, text).0);
        }
        Catalog::build(PathBuf::from("/x"), records, vec![])
    }

    fn ids(c: &Catalog, q: &str) -> Vec<String> {
        Searcher::default()
            .search(c, &Query::parse(q))
            .iter()
            .map(|h| c.get(h.record).id.to_string())
            .collect()
    }

    /// A catalog whose records carry disputed, uncertain and inferred claims.
    fn marked_catalog() -> Catalog {
        let files = [
            (
                "incidents/raid.yaml",
                "name: Raid\ndate:\n  - date: 2009-07\n  - date: 2009-07-28?\nfigures:\n  - what: residents killed\n    count: 9\n  - what: Residents-killed\n    count: 11\n  - what: residents injured\n    count: 400\n",
            ),
            (
                "incidents/agreed.yaml",
                "name: Agreed\ndate:\n  - date: 2013\n  - date: 2013-09-01\nfigures:\n  - what: residents killed\n    count: 52\n  - what: residents killed\n    qualifier: at least\n    count: 50\n",
            ),
            (
                "incidents/moved.yaml",
                "name: Moved\ndate:\n  - date: 2011-04-08\n  - date: 2011-04-09\n",
            ),
            (
                "people/guess.yaml",
                "name: Guess\nnationality: Iraqi\ninferred:\n  nationality: from an Iraqi office\n",
            ),
            (
                "people/exact.yaml",
                "name: Exact\nborn: 1950\ndied:\n  - date: 2010-01-24/..\n    inferred: sentences confirmed in 2010\n",
            ),
        ];
        let mut records = Vec::new();
        for (path, text) in files {
            let kind = Kind::from_folder(path.split('/').next().unwrap()).unwrap();
            let (record, diagnostics) = parse_record(path, kind, text);
            assert!(
                diagnostics
                    .iter()
                    .all(|d| d.severity != crate::diagnostic::Severity::Error),
                "{path}: {diagnostics:?}"
            );
            records.extend(record);
        }
        Catalog::build(PathBuf::from("/x"), records, vec![])
    }

    #[test]
    fn marks_filter_disputed_uncertain_and_inferred_claims() {
        let c = marked_catalog();
        let sorted = |q: &str| {
            let mut v = ids(&c, q);
            v.sort();
            v
        };
        // A month and a day in it agree, a range and a value inside it agree: only the killed
        // count of the raid (9 against 11) and the two days of `moved` disagree.
        assert_eq!(sorted("disputed:"), ["moved", "raid"]);
        assert_eq!(sorted("disputed:killed"), ["raid"]);
        assert_eq!(sorted("disputed:date"), ["moved"]);
        assert_eq!(sorted("disputed:injured"), Vec::<String>::new());
        // `?` and open spans are uncertain; a bare year is not.
        assert_eq!(sorted("uncertain:"), ["exact", "raid"]);
        assert_eq!(sorted("uncertain:died"), ["exact"]);
        assert_eq!(sorted("uncertain:born"), Vec::<String>::new());
        assert_eq!(sorted("inferred:"), ["exact", "guess"]);
        assert_eq!(sorted("inferred:nationality"), ["guess"]);
        let q = Query::parse("disputed:nothing");
        assert_eq!(
            unmatched_filters(&c, &q),
            ["disputed:nothing matches nothing"]
        );
    }

    #[test]
    fn apostrophes_and_case_do_not_matter() {
        let c = catalog();
        for q in ["jafar", "Ja'far", "ja’far", "JA‘FAR"] {
            assert_eq!(
                ids(&c, q).first().map(String::as_str),
                Some("jafar-kazemi"),
                "query {q}"
            );
        }
    }

    #[test]
    fn highlights_point_at_the_shown_letters_even_after_an_apostrophe() {
        let c = catalog();
        let hit = &Searcher::default().search(&c, &Query::parse("jafar"))[0];
        assert_eq!(hit.field, Field::Name);
        // "Ja’far": J=0 a=1 ’=2 f=3 a=4 r=5
        assert_eq!(hit.positions, [0, 1, 3, 4, 5]);
    }

    #[test]
    fn an_alias_match_says_which_alias() {
        let c = catalog();
        let hit = &Searcher::default().search(&c, &Query::parse("lashkari"))[0];
        assert_eq!(c.get(hit.record).id.as_ref(), "mahnaz-azizi");
        assert_eq!(hit.field, Field::Alias(0));
    }

    #[test]
    fn names_outrank_summaries() {
        let c = catalog();
        let got = ids(&c, "liberty");
        assert_eq!(got[0], "camp-liberty");
        assert!(
            got.contains(&"kolthoum-sarahati".to_owned()),
            "found through the summary: {got:?}"
        );
        let pos = |id: &str| got.iter().position(|g| g == id).unwrap();
        assert!(pos("rocket") < pos("kolthoum-sarahati"));
    }

    #[test]
    fn summaries_need_the_letters_together() {
        // "ciy" is scattered in "A resident of Camp Liberty" but is no word there.
        assert!(!ids(&catalog(), "ciy").contains(&"kolthoum-sarahati".to_owned()));
    }

    #[test]
    fn scoped_filters() {
        let c = catalog();
        assert_eq!(
            ids(&c, "kind:person"),
            ["jafar-kazemi", "kolthoum-sarahati", "mahnaz-azizi"]
        );
        assert_eq!(
            ids(&c, "k:i,c"),
            ["rocket", "raid", "camp-ashraf", "camp-liberty"]
        );
        assert_eq!(
            ids(&c, "camp:liberty"),
            ["kolthoum-sarahati", "rocket", "camp-liberty"]
        );
        assert_eq!(ids(&c, "year:2013 type:raid"), ["raid"]);
        assert_eq!(ids(&c, "act:abducted"), ["mahnaz-azizi", "raid"]);
        assert_eq!(ids(&c, "status:exec"), ["jafar-kazemi"]);
        assert_eq!(ids(&c, "person:kolthoum"), ["rocket"]);
        assert_eq!(
            ids(&c, "source:amnesty kind:camp"),
            ["camp-ashraf", "camp-liberty"]
        );
        assert!(ids(&c, "year:2014").is_empty());
    }

    #[test]
    fn fzf_syntax_words() {
        let c = catalog();
        assert_eq!(ids(&c, "camp !liberty kind:camp"), ["camp-ashraf"]);
        assert_eq!(ids(&c, "^raid"), ["raid"]);
    }

    #[test]
    fn bad_filters_are_reported_not_silently_ignored() {
        let q = Query::parse("kind:group year:13 hello");
        assert_eq!(q.words, ["hello"]);
        assert_eq!(q.problems.len(), 2);
        assert_eq!(Query::parse("10:30").words, ["10:30"]);
    }

    #[test]
    fn typing_narrows_only_where_the_answer_cannot_widen() {
        assert!(narrows("kol", "kolt"));
        assert!(narrows("kol", "kol kind:person"));
        assert!(narrows("kol ", "kol !x"));
        assert!(!narrows("", "k"), "the full list is not a search result");
        assert!(!narrows("kolt", "kol"), "deleting widens");
        assert!(
            !narrows("kind:person", "kind:person,camp"),
            "a filter value widens"
        );
        assert!(
            !narrows("year:2013", "year:20134"),
            "a broken filter is ignored"
        );
        assert!(!narrows("!ab", "!abc"), "a longer negation excludes less");
        assert!(!narrows("ab$", "ab$c"));
        assert!(!narrows("ki", "kind:"), "a word becoming a filter");
    }

    #[test]
    fn typing_gives_the_same_hits_as_searching_afresh() {
        let c = catalog();
        let mut typing = Incremental::default();
        let mut fresh = Searcher::default();
        let typed = [
            "c",
            "ca",
            "cam",
            "camp",
            "camp ",
            "camp l",
            "camp li",
            "camp",
            "k",
            "ki",
            "kind:",
            "kind:p",
            "kind:person",
            "kind:person,camp",
            "!",
            "!a",
            "!ab",
        ];
        for kind in [None, Some(Kind::Camp)] {
            for text in typed {
                let fixed: Vec<Filter> = kind.map(|k| Filter::Kind(vec![k])).into_iter().collect();
                let mut q = Query::parse(text);
                q.filters.extend_from_slice(&fixed);
                let got = typing.search(&c, text, &fixed, &|| false).unwrap();
                assert_eq!(got, fresh.search(&c, &q), "{text:?} {kind:?}");
            }
        }
    }

    #[test]
    fn a_cancelled_search_gives_nothing() {
        let c = catalog();
        let mut s = Searcher::default();
        assert_eq!(
            s.search_cancellable(&c, &Query::parse("camp"), None, &|| true),
            None
        );
    }

    #[test]
    fn narrowing_within_a_previous_result_gives_the_same_answer() {
        let c = catalog();
        let mut s = Searcher::default();
        let first: Vec<RecordIdx> = {
            let mut v: Vec<_> = s
                .search(&c, &Query::parse("ca"))
                .iter()
                .map(|h| h.record)
                .collect();
            v.sort_unstable();
            v
        };
        let narrowed = s.search_within(&c, &Query::parse("camp"), Some(&first));
        assert_eq!(narrowed, s.search(&c, &Query::parse("camp")));
    }
}
