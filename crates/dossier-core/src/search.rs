//! Query text -> ranked hits with the positions of the matched letters.
//!
//! The only module that knows the matcher. We use `nucleo-matcher` (the engine of the helix
//! editor's picker) rather than the card's `fuzzy-matcher`, which is archived and measured 2.5 to
//! 16 times slower on the same queries; `dossier bench` keeps it as the baseline. Here it finds
//! and scores letters typed in order ("fuzzy"); which spellings count as one is `fold`'s table.
//!
//! **Reading a query.** Words and scoped filters: `kolthoum kind:person camp:liberty year:2013`.
//! A word's fzf syntax is read before anything is folded: `'exact`, `^prefix`, `suffix$`,
//! `!not`, and `"a phrase"`; then the word is folded as the haystacks were (`fold`). A date as
//! people write it (`15 June 2013`, `June 2013`) is one word that also finds `2013-06-15`.
//!
//! **Matching.** Every word must match somewhere in a record. A name, alias or title is tried
//! first: literally, then by its romanisation key (a *variant*: Fatima for Fatemeh), then by
//! letters in order. The rest of the record (id, summary, notes, dates, places, participants,
//! publisher, reference...) is matched literally, and its capitalised words (the names in it)
//! by their keys too. Fuzzy letters are never looked for in long text, where they would find
//! any word in any paragraph.
//!
//! **Ranking.** Each word earns a [`Strength`]: a whole word of a name first, then the start of
//! one, a variant of a whole word, of its start, letters close together in a name, then the
//! same in other text. A record's score adds its words' strengths. Letters scattered across a
//! name, or a word found only inside a longer word of other text, are *weak*: such hits are
//! ranked after every other and marked, so the browser can leave them out and say how many.
//!
//! Everything folded is folded when the catalog is built (`Haystacks`); a keystroke folds only
//! the words typed.

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::fold::{self, fold, fold_with_map};
use crate::haystack::{
    ArchivedEntry as Entry, ArchivedName as Name, capitalised, has, letters, searchable,
};
use crate::index::{Catalog, RecordIdx};
use crate::model::{Kind, LinkField, Record};

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
        "names first, then other spellings (sarami), then all other text",
    ),
    (
        "'saremi",
        "exact: the letters together; \"camp liberty\": a phrase",
    ),
    ("^ali", "a name that starts with ali"),
    ("saremi$", "a name that ends with saremi"),
    ("!liberty", "not: leave out what matches liberty"),
];

/// The longest query read, in characters: a longer one is cut there, with a problem saying so.
/// A thousand characters is a paragraph, far more than anyone types to find a record, and it
/// bounds the work a pasted page would make each keystroke do (the browser's search box holds
/// no more).
pub const MAX_QUERY: usize = 1000;

/// A parsed query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub words: Vec<String>,
    pub filters: Vec<Filter>,
    /// Parts that looked like filters but could not be read, with why; and a query cut short.
    pub problems: Vec<String>,
}

impl Query {
    pub fn parse(input: &str) -> Query {
        let mut q = Query::default();
        let input = match input.char_indices().nth(MAX_QUERY) {
            Some((end, _)) => {
                q.problems.push(format!(
                    "the query is cut at {MAX_QUERY} characters; what follows is not searched"
                ));
                &input[..end]
            }
            None => input,
        };
        for token in tokens(input) {
            let quoted = token.trim_start_matches('!').starts_with(QUOTES);
            let Some((key, value)) = token.split_once(':').filter(|_| !quoted) else {
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

/// The quotation marks that open a phrase: `"`, and the typographic ones a paste brings.
const QUOTES: [char; 4] = ['"', '“', '„', '«'];
const CLOSING_QUOTES: [char; 4] = ['"', '”', '“', '»'];

/// The query's words: split at spaces, except inside a phrase (`"camp liberty"`, or `!"..."`),
/// which runs to its closing quote or the end of the query.
fn tokens(input: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = input.trim_start();
    while !rest.is_empty() {
        let body = rest.trim_start_matches('!');
        let end = match body.strip_prefix(QUOTES) {
            Some(inside) => {
                let opened = rest.len() - inside.len();
                inside
                    .find(CLOSING_QUOTES)
                    .map_or(rest.len(), |close| opened + close + 1)
            }
            None => rest.find(char::is_whitespace).unwrap_or(rest.len()),
        };
        out.push(&rest[..end]);
        rest = rest[end..].trim_start();
    }
    out
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
                .any(|i| one.keep(catalog, i))
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

/// How well one word matched a record, weakest first (see the module's notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Letters scattered across a name or title, or a word found only inside a longer word of
    /// other text: not convincing, so such hits come last and the browser can leave them out.
    Weak,
    /// An `'exact` word or a phrase found inside a longer word of other text.
    TextInside,
    /// Another spelling of the word, in other text.
    TextVariant,
    /// The start of a word of other text.
    TextStart,
    /// A whole word of other text.
    TextWord,
    /// Letters close together in a name: inside one word, or starting its words (`abdkarim`).
    NameLetters,
    /// A variant spelling of the start of a word of a name.
    NameVariantStart,
    /// A variant spelling of a whole word of a name: Fatima for Fatemeh.
    NameVariantWord,
    /// The start of a word of a name.
    NameStart,
    /// A whole word of a name.
    NameWord,
}

/// One strength is worth this much more than the one below it; within a strength a word adds
/// at most `QUALITY` for how well it matched (a nearer, fuller match).
const STEP: u32 = 256;
const QUALITY: u32 = 15;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub record: RecordIdx,
    pub score: u32,
    pub field: Field,
    /// Char positions in the shown name or alias (per `field`) to highlight, ascending.
    pub positions: Vec<u32>,
    /// Some word matched only weakly (`Strength::Weak`): ranked after every other hit.
    pub weak: bool,
}

impl Hit {
    /// A record listed with nothing matched: no query words, or the whole list.
    pub fn unranked(record: RecordIdx) -> Hit {
        Hit {
            record,
            score: 0,
            field: Field::None,
            positions: Vec::new(),
            weak: false,
        }
    }
}

/// How many hits, from the start, are not weak: the browser shows these, and the rest when
/// asked (`search` sorts every weak hit after the others).
pub fn strong_len(hits: &[Hit]) -> usize {
    hits.partition_point(|h| !h.weak)
}

/// What to say about a search's hits, beyond the query's own problems: why nothing matched (a
/// filter that alone matches nothing, else the words), or that every match is weak. How many
/// weak matches a list leaves out is the list's to say (the browser names its key).
pub fn notes(catalog: &Catalog, query: &Query, hits: &[Hit]) -> Vec<String> {
    if hits.is_empty() {
        let filters = unmatched_filters(catalog, query);
        if !filters.is_empty() {
            return filters;
        }
        return vec![nothing_matches(query)];
    }
    match strong_len(hits) {
        0 => vec![format!(
            "no close match; {} weak {} (letters scattered or inside words)",
            hits.len(),
            plural(hits.len(), "match", "matches")
        )],
        _ => Vec::new(),
    }
}

/// The words for a search that found nothing: `nothing matches “fatma sakhi”`.
pub fn nothing_matches(query: &Query) -> String {
    let words = query.words.join(" ");
    if words.is_empty() {
        "nothing matches these filters".to_owned()
    } else {
        format!(
            "nothing matches \u{201c}{}\u{201d}",
            crate::text::shown(&words)
        )
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// How a word asks to be matched: fzf's syntax, read before the word is folded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Syntax {
    /// A plain word: literally, as a variant, then by letters in order in names.
    Fuzzy,
    /// `'word`: the letters together, anywhere; no variants.
    Exact,
    /// `^word`: a name or id that starts with it.
    Prefix,
    /// `word$`: a name or id that ends with it.
    Suffix,
    /// `^word$`: a name or id that is it.
    Equal,
    /// `"a phrase"`: the words together, anywhere.
    Phrase,
    /// `15 June 2013`: any of the ways the date is written (`needles`).
    Date,
}

/// One query word, prepared for matching.
struct Word {
    syntax: Syntax,
    negative: bool,
    /// The folded word; for a date, each way of writing it; and the `letters` of each.
    needles: Vec<String>,
    needle_letters: Vec<u64>,
    /// `Fuzzy`: the romanisation key and its `letters`, and the letters-in-order matcher.
    key: String,
    key_letters: u64,
    in_order: Option<Atom>,
}

impl Word {
    /// A word as typed, or `None` if nothing is left of it (`'`, `!`, a lone quote).
    fn new(raw: &str) -> Option<Word> {
        let (negative, rest) = match raw.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let (syntax, body) = if let Some(inside) = rest.strip_prefix(QUOTES) {
            let inside = inside.strip_suffix(CLOSING_QUOTES).unwrap_or(inside);
            (Syntax::Phrase, inside)
        } else if let Some(body) = rest.strip_prefix('\'') {
            (Syntax::Exact, body)
        } else if let Some(body) = rest.strip_prefix('^') {
            match body.strip_suffix('$') {
                Some(body) => (Syntax::Equal, body),
                None => (Syntax::Prefix, body),
            }
        } else if let Some(body) = rest.strip_suffix('$').filter(|b| !b.is_empty()) {
            (Syntax::Suffix, body)
        } else {
            (Syntax::Fuzzy, rest)
        };
        let mut needle = fold(body);
        match syntax {
            // Punctuation around a plain word is the sentence's, not the word's: `15,` `al-`.
            Syntax::Fuzzy => needle = needle.trim_matches(|c: char| !c.is_alphanumeric()).into(),
            Syntax::Phrase => needle = needle.split_whitespace().collect::<Vec<_>>().join(" "),
            _ => {}
        }
        if needle.is_empty() {
            return None;
        }
        let mut word = Word::with(syntax, negative, vec![needle.clone()]);
        if syntax == Syntax::Fuzzy && !negative {
            if let Some(key) = variant_key(&needle) {
                word.key_letters = letters(&key);
                word.key = key;
            }
            word.in_order = Some(Atom::new(
                &needle,
                CaseMatching::Respect,
                Normalization::Never,
                AtomKind::Fuzzy,
                false,
            ));
        }
        Some(word)
    }

    fn with(syntax: Syntax, negative: bool, needles: Vec<String>) -> Word {
        Word {
            syntax,
            negative,
            needle_letters: needles.iter().map(|n| letters(n)).collect(),
            needles,
            key: String::new(),
            key_letters: 0,
            in_order: None,
        }
    }

    fn date(needles: Vec<String>) -> Word {
        Word::with(Syntax::Date, false, needles)
    }

    fn needle(&self) -> &str {
        &self.needles[0]
    }
}

/// The query's words, prepared: a date written in words is one word.
fn prepare(words: &[String]) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    // A word said twice asks nothing more of a record, and a pasted page says its words many
    // times: each is matched once.
    let mut seen = std::collections::HashSet::new();
    let mut i = 0;
    while i < words.len() {
        let word = match date_at(&words[i..]) {
            Some((taken, needles)) => {
                i += taken;
                Some(Word::date(needles))
            }
            None => {
                i += 1;
                Word::new(&words[i - 1])
            }
        };
        if let Some(w) = word
            && seen.insert((w.syntax, w.negative, w.needles.clone()))
        {
            out.push(w);
        }
    }
    out
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A plain word with the punctuation of a sentence around it removed: `15,` `Sept.`.
fn bare(word: &str) -> Option<String> {
    let first = word.chars().next()?;
    if !first.is_alphanumeric() {
        return None;
    }
    Some(
        fold(word)
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .to_owned(),
    )
}

/// The month a word names (`June`, `jun`, `Sept.`), 1-12.
fn month(word: &str) -> Option<u8> {
    let w = bare(word)?;
    let n = MONTHS.iter().position(|m| {
        *m == w || (w.len() == 3 && m.starts_with(&w)) || (*m == "september" && w == "sept")
    })?;
    Some(n as u8 + 1)
}

fn day(word: &str) -> Option<u8> {
    let w = bare(word)?;
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|s| w.strip_suffix(s))
        .unwrap_or(&w);
    let d: u8 = digits.parse().ok()?;
    (digits.len() <= 2 && (1..=31).contains(&d)).then_some(d)
}

fn year(word: &str) -> Option<u16> {
    let w = bare(word)?;
    let y: u16 = w.parse().ok()?;
    (w.len() == 4).then_some(y)
}

/// A date as people write it at the start of `words`: `15 June 2013`, `June 15, 2013`, `June
/// 2013`, `1 September`. How many words it takes, and the ways the record may write it: as the
/// case files do (`2013-06-15`, `2013-06`, `-09-01` for a day without its year) and in words.
fn date_at(words: &[String]) -> Option<(usize, Vec<String>)> {
    let w = |i: usize| words.get(i).map(String::as_str);
    let (taken, d, m, y) = if let (Some(d), Some(m)) = (w(0).and_then(day), w(1).and_then(month)) {
        match w(2).and_then(year) {
            Some(y) => (3, Some(d), m, Some(y)),
            None => (2, Some(d), m, None),
        }
    } else {
        let m = w(0).and_then(month)?;
        match (w(1).and_then(day), w(1).and_then(year)) {
            (Some(d), _) => match w(2).and_then(year) {
                Some(y) => (3, Some(d), m, Some(y)),
                None => (2, Some(d), m, None),
            },
            (None, Some(y)) => (2, None, m, Some(y)),
            (None, None) => return None,
        }
    };
    let name = MONTHS[m as usize - 1];
    let needles = match (d, y) {
        (Some(d), Some(y)) => vec![
            format!("{y}-{m:02}-{d:02}"),
            format!("{d} {name} {y}"),
            format!("{name} {d}, {y}"),
            format!("{name} {d} {y}"),
        ],
        (None, Some(y)) => vec![format!("{y}-{m:02}"), format!("{name} {y}")],
        (Some(d), None) => vec![
            format!("-{m:02}-{d:02}"),
            format!("{d} {name}"),
            format!("{name} {d}"),
        ],
        (None, None) => unreachable!("a date has a day or a year"),
    };
    Some((taken, needles))
}

/// Where a match sits among the words around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Inside,
    Start,
    Whole,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The best occurrence of `needle` in `hay` (a whole word, else the start of one, else the first
/// inside one), as its place and byte offset, given where words start and end.
fn find_by(
    hay: &str,
    needle: &str,
    starts: &dyn Fn(usize) -> bool,
    ends: &dyn Fn(usize) -> bool,
) -> Option<(Place, usize)> {
    if needle.is_empty() || !contains(hay, needle) {
        return None;
    }
    let mut best: Option<(Place, usize)> = None;
    // Each occurrence of the first character (found the way `memchr` finds a byte), then the
    // rest compared: quicker than a general substring search for the short words typed. A
    // letter or two occur hundreds of times in a summary: the first few occurrences decide.
    let first = needle.chars().next()?;
    let mut from = 0;
    let mut looked = 0;
    while let Some(i) = hay[from..].find(first) {
        let at = from + i;
        from = at + first.len_utf8();
        if !hay[at..].starts_with(needle) {
            continue;
        }
        looked += 1;
        if looked > MAX_OCCURRENCES {
            break;
        }
        let place = match (starts(at), ends(at + needle.len())) {
            (true, true) => Place::Whole,
            (true, false) => Place::Start,
            _ => Place::Inside,
        };
        if best.is_none_or(|(p, _)| place > p) {
            best = Some((place, at));
            if place == Place::Whole {
                break;
            }
        }
    }
    best
}

/// Does `hay` contain `needle`? Most haystacks do not, so this is the test every record meets:
/// in a short one (a name) a scan for the first byte, in a long one the standard library's
/// vectorised search. (Either is faster than setting up a full substring search per record.)
fn contains(hay: &str, needle: &str) -> bool {
    const SHORT: usize = 64;
    if hay.len() >= SHORT {
        return hay.contains(needle);
    }
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let Some(last_start) = hay.len().checked_sub(needle.len()) else {
        return false;
    };
    // UTF-8 is self-synchronising: a match of whole characters at a byte is a match.
    hay[..=last_start]
        .iter()
        .enumerate()
        .any(|(i, &b)| b == first && hay[i + 1..i + needle.len()] == *rest)
}

/// Occurrences of a word in one string that are looked at for the best one (see `find_by`).
const MAX_OCCURRENCES: usize = 24;

/// `needle` in folded text, where words are runs of letters and digits.
fn find(hay: &str, needle: &str) -> Option<(Place, usize)> {
    // A needle that begins or ends with punctuation (`al-`, `/2013`) starts or ends a word there.
    let open_start = !needle.chars().next().is_some_and(is_word_char);
    let open_end = !needle.chars().next_back().is_some_and(is_word_char);
    find_by(
        hay,
        needle,
        &|at| open_start || !hay[..at].chars().next_back().is_some_and(is_word_char),
        &|end| open_end || !hay[end..].chars().next().is_some_and(is_word_char),
    )
}

/// Words shorter than this are too vague for a variant: `mek` would find "making".
const VARIANT_MIN_LETTERS: usize = 4;

/// How a typed word's key sits in a name's or text's keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    /// A whole word: Fatima for Fatemeh.
    Word,
    /// At least half of the start of a word: `fatim` in "Fatemeh".
    Start,
    /// Less: a weak match. (Still a match, so that a word matches wherever the word with a
    /// letter more does, and typing can narrow.)
    Faint,
}

/// `key` at the start of a word of `hay` (by `starts` and `ends`); inside a word it is no
/// variant, keys being too coarse for that. (The caller asks only for words of at least
/// `VARIANT_MIN_LETTERS`.)
fn variant_in(
    hay: &str,
    key: &str,
    starts: impl Fn(usize) -> bool,
    ends: impl Fn(usize) -> bool,
) -> Option<Variant> {
    let (place, at) = find_by(hay, key, &starts, &ends)?;
    if place == Place::Inside {
        return None;
    }
    let word_end = (at + key.len()..=hay.len())
        .find(|&i| ends(i))
        .unwrap_or(hay.len());
    Some(if place == Place::Whole {
        Variant::Word
    } else if 2 * key.len() >= word_end - at {
        Variant::Start
    } else {
        Variant::Faint
    })
}

fn name_variant(name: &Name, key: &str) -> Option<Variant> {
    variant_in(
        &name.key,
        key,
        |at| name.starts_at(at),
        |end| end == name.key.len() || name.starts_at(end),
    )
}

/// In the keys of a text's capitalised words, each followed by a space.
fn text_variant(keys: &str, key: &str) -> Option<Variant> {
    variant_in(
        keys,
        key,
        |at| at == 0 || keys.as_bytes()[at - 1] == b' ',
        |end| keys.as_bytes().get(end) == Some(&b' '),
    )
}

/// Are the letters of `needle`, in order, close together in `hay`: inside one word and not far
/// apart (`kolthum` in "kolthoum"), or in pieces of two letters or more that start words
/// (`abdkarim` in "abd al-karim")? If not, they are scattered ("mek" in "medical team kept").
fn letters_close(hay: &str, needle: &str, buf: &mut (Vec<char>, Vec<char>)) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        return close(hay.as_bytes(), needle.as_bytes(), |b: u8| {
            b.is_ascii_alphanumeric()
        });
    }
    buf.0.clear();
    buf.0.extend(hay.chars());
    buf.1.clear();
    buf.1.extend(needle.chars());
    close(&buf.0, &buf.1, is_word_char)
}

fn close<T: Copy + Eq>(hay: &[T], needle: &[T], word: impl Fn(T) -> bool + Copy) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    let slack = needle.len() / 3 + 1;
    for start in (0..hay.len()).filter(|&i| hay[i] == first) {
        // Greedily, within the word that `start` is in.
        let mut n = 0;
        let mut i = start;
        while i < hay.len() && word(hay[i]) && n < needle.len() {
            if hay[i] == needle[n] {
                n += 1;
            }
            i += 1;
        }
        if n == needle.len() && i - start <= needle.len() + slack {
            return true;
        }
    }
    let mut budget = 64;
    pieces(hay, needle, 0, word, &mut budget)
}

/// Can `needle` be cut into pieces of two letters or more, each the start of a later word?
fn pieces<T: Copy + Eq>(
    hay: &[T],
    needle: &[T],
    from: usize,
    word: impl Fn(T) -> bool + Copy,
    budget: &mut u32,
) -> bool {
    if needle.is_empty() {
        return true;
    }
    for w in from..hay.len() {
        let starts_word = word(hay[w]) && (w == 0 || !word(hay[w - 1]));
        if !starts_word {
            continue;
        }
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        let common = hay[w..]
            .iter()
            .zip(needle)
            .take_while(|(h, n)| h == n && word(**h))
            .count();
        for len in (2..=common).rev() {
            if pieces(hay, &needle[len..], w + len, word, budget) {
                return true;
            }
        }
    }
    false
}

/// Where a word matched a record, and how well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Match {
    strength: Strength,
    quality: u32,
    at: At,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum At {
    /// The n-th name (0 the name, then the aliases).
    Name(usize),
    Id,
    Text,
}

impl Match {
    fn points(&self) -> u32 {
        self.strength as u32 * STEP + self.quality.min(QUALITY)
    }
}

/// Keep the better of two matches; on a tie, the first (the name before its aliases).
fn better(best: &mut Option<Match>, m: Match) {
    if best.is_none_or(|b| m.points() > b.points()) {
        *best = Some(m);
    }
}

/// A name's strength for a literal match at `place`.
fn name_strength(place: Place) -> Strength {
    match place {
        Place::Whole => Strength::NameWord,
        Place::Start => Strength::NameStart,
        Place::Inside => Strength::NameLetters,
    }
}

/// Other text's strength for a literal match at `place`; inside a word it is `inside`.
fn text_strength(place: Place, inside: Strength) -> Strength {
    match place {
        Place::Whole => Strength::TextWord,
        Place::Start => Strength::TextStart,
        Place::Inside => inside,
    }
}

/// The primary name is worth a little more than an alias that matches as well.
fn name_quality(n: usize, q: u32) -> u32 {
    q + u32::from(n == 0)
}

/// Per-thread scratch: the matcher's memory (made when first needed: it is large, and most
/// highlighting never asks for it) and buffers for names that are not ASCII.
#[derive(Default)]
struct Scratch {
    matcher: Option<Matcher>,
    /// Per name: the points it earned, so the best one is highlighted.
    name_points: Vec<u32>,
    chars: Vec<char>,
    close: (Vec<char>, Vec<char>),
}

impl Scratch {
    fn matcher(matcher: &mut Option<Matcher>) -> &mut Matcher {
        matcher.get_or_insert_with(|| Matcher::new(Config::DEFAULT))
    }
}

/// `hay` as the matcher takes it.
fn utf32<'a>(hay: &'a str, chars: &'a mut Vec<char>) -> Utf32Str<'a> {
    if hay.is_ascii() {
        Utf32Str::Ascii(hay.as_bytes())
    } else {
        chars.clear();
        chars.extend(hay.chars());
        Utf32Str::Unicode(chars)
    }
}

impl Word {
    /// The best match of a positive word in a record, or `None`.
    fn best(&self, entry: &Entry, s: &mut Scratch) -> Option<Match> {
        match self.syntax {
            Syntax::Fuzzy => self.best_fuzzy(entry, s),
            Syntax::Exact | Syntax::Phrase | Syntax::Date => {
                let mut best = None;
                for (needle, &bits) in self.needles.iter().zip(&self.needle_letters) {
                    literal(entry, needle, bits, Strength::TextInside, &mut best);
                }
                best
            }
            Syntax::Prefix | Syntax::Suffix | Syntax::Equal => self.best_anchored(entry),
        }
    }

    fn best_fuzzy(&self, entry: &Entry, s: &mut Scratch) -> Option<Match> {
        let needle = self.needle();
        let bits = self.needle_letters[0];
        let mut best = None;
        let in_names = has(entry.names_letters.to_native(), bits);
        for (n, name) in entry.names.iter().enumerate().filter(|_| in_names) {
            if !has(name.letters.to_native(), bits) {
                continue;
            }
            if let Some((place, _)) = find(&name.folded, needle) {
                let quality = if place == Place::Inside { QUALITY } else { 0 };
                better(
                    &mut best,
                    Match {
                        strength: name_strength(place),
                        quality: name_quality(n, quality),
                        at: At::Name(n),
                    },
                );
            }
        }
        if best.is_some_and(|b| b.strength >= Strength::NameStart) {
            return best;
        }
        let in_keys =
            !self.key.is_empty() && has(entry.keys_letters_of_names.to_native(), self.key_letters);
        for (n, name) in entry.names.iter().enumerate().filter(|_| in_keys) {
            if !has(name.key_letters.to_native(), self.key_letters) {
                continue;
            }
            let strength = match name_variant(name, &self.key) {
                Some(Variant::Word) => Strength::NameVariantWord,
                Some(Variant::Start) => Strength::NameVariantStart,
                Some(Variant::Faint) => Strength::Weak,
                None => continue,
            };
            better(
                &mut best,
                Match {
                    strength,
                    quality: name_quality(n, 0),
                    at: At::Name(n),
                },
            );
        }
        if best.is_some_and(|b| b.strength >= Strength::NameLetters) {
            return best;
        }
        if let Some(in_order) = self.in_order.as_ref().filter(|_| in_names) {
            for (n, name) in entry.names.iter().enumerate() {
                if !has(name.letters.to_native(), bits) {
                    continue;
                }
                let hay = utf32(&name.folded, &mut s.chars);
                if let Some(score) = in_order.score(hay, Scratch::matcher(&mut s.matcher)) {
                    let strength = if letters_close(&name.folded, needle, &mut s.close) {
                        Strength::NameLetters
                    } else {
                        Strength::Weak
                    };
                    let quality = (u32::from(score) / 32).min(QUALITY - 4);
                    better(
                        &mut best,
                        Match {
                            strength,
                            quality: name_quality(n, quality),
                            at: At::Name(n),
                        },
                    );
                }
            }
        }
        if best.is_some_and(|b| b.strength >= Strength::NameLetters) {
            return best;
        }
        literal_other(entry, needle, bits, Strength::Weak, &mut best);
        if best.is_none_or(|b| b.strength < Strength::TextVariant)
            && !self.key.is_empty()
            && has(entry.keys_letters.to_native(), self.key_letters)
            && let Some(v) = text_variant(&entry.text_keys, &self.key)
        {
            let strength = match v {
                Variant::Word | Variant::Start => Strength::TextVariant,
                Variant::Faint => Strength::Weak,
            };
            better(
                &mut best,
                Match {
                    strength,
                    quality: 0,
                    at: At::Text,
                },
            );
        }
        best
    }

    fn best_anchored(&self, entry: &Entry) -> Option<Match> {
        let needle = self.needle();
        let anchored = |hay: &str| -> Option<Place> {
            match self.syntax {
                Syntax::Prefix => hay.starts_with(needle).then(|| {
                    let after = hay[needle.len()..].chars().next();
                    if after.is_some_and(is_word_char) {
                        Place::Start
                    } else {
                        Place::Whole
                    }
                }),
                Syntax::Suffix => hay.ends_with(needle).then(|| {
                    let before = hay[..hay.len() - needle.len()].chars().next_back();
                    if before.is_some_and(is_word_char) {
                        Place::Inside
                    } else {
                        Place::Whole
                    }
                }),
                _ => (hay == needle).then_some(Place::Whole),
            }
        };
        let mut best = None;
        for (n, name) in entry.names.iter().enumerate() {
            if let Some(place) = anchored(&name.folded) {
                better(
                    &mut best,
                    Match {
                        strength: name_strength(place),
                        quality: name_quality(n, 0),
                        at: At::Name(n),
                    },
                );
            }
        }
        if let Some(place) = anchored(entry.id()) {
            better(
                &mut best,
                Match {
                    strength: text_strength(place, Strength::TextInside),
                    quality: 0,
                    at: At::Id,
                },
            );
        }
        best
    }

    /// Does a negative word's text occur in the record, so that the record is left out?
    fn excludes(&self, entry: &Entry) -> bool {
        match self.syntax {
            Syntax::Prefix | Syntax::Suffix | Syntax::Equal => self.best_anchored(entry).is_some(),
            _ => self.needles.iter().any(|needle| {
                entry
                    .names
                    .iter()
                    .any(|n| n.folded.contains(needle.as_str()))
                    || entry.ids.contains(needle.as_str())
                    || entry.text.contains(needle.as_str())
            }),
        }
    }
}

/// A literal match anywhere: names, then the id and other text. `bits` are the needle's
/// `letters`; `inside` is the strength of a match inside a word of other text.
fn literal(entry: &Entry, needle: &str, bits: u64, inside: Strength, best: &mut Option<Match>) {
    let in_names = has(entry.names_letters.to_native(), bits);
    for (n, name) in entry.names.iter().enumerate().filter(|_| in_names) {
        if !has(name.letters.to_native(), bits) {
            continue;
        }
        if let Some((place, _)) = find(&name.folded, needle) {
            better(
                best,
                Match {
                    strength: name_strength(place),
                    quality: name_quality(n, 0),
                    at: At::Name(n),
                },
            );
        }
    }
    if best.is_none_or(|b| b.strength < Strength::NameLetters) {
        literal_other(entry, needle, bits, inside, best);
    }
}

/// A literal match in the id (the whole id counts as a name) or the other text.
fn literal_other(
    entry: &Entry,
    needle: &str,
    bits: u64,
    inside: Strength,
    best: &mut Option<Match>,
) {
    if !has(entry.ids_letters.to_native(), bits) && !has(entry.text_letters.to_native(), bits) {
        return;
    }
    if entry.id() == needle {
        better(
            best,
            Match {
                strength: Strength::NameWord,
                quality: 0,
                at: At::Id,
            },
        );
        return;
    }
    if let Some((place, at)) =
        find(&entry.ids, needle).filter(|_| has(entry.ids_letters.to_native(), bits))
    {
        better(
            best,
            Match {
                strength: text_strength(place, inside),
                // The id (which often starts with the date) before the other identifiers.
                quality: if at < entry.id_len() { 2 } else { 1 },
                at: if at < entry.id_len() {
                    At::Id
                } else {
                    At::Text
                },
            },
        );
    }
    if has(entry.text_letters.to_native(), bits)
        && let Some((place, _)) = find(&entry.text, needle)
    {
        better(
            best,
            Match {
                strength: text_strength(place, inside),
                quality: 0,
                at: At::Text,
            },
        );
    }
}

/// Runs searches. It holds nothing between them (each thread of a search keeps its own scratch
/// memory for the matcher); the private field keeps it built by `default()` wherever it is
/// used, so it can hold something again without changing its callers.
#[derive(Default)]
pub struct Searcher {
    _private: (),
}

/// Records per parallel job: large enough that a job outweighs its scheduling.
const CHUNK: usize = 2048;

/// Words matched against records between two looks for a newer query (see
/// `search_cancellable`): a few microseconds of work, so a key is answered at once whatever
/// the query, for one load of an atomic per 256 words.
const CHECK_EVERY: usize = 256;

/// Hits that get their matched letters computed; nobody scrolls further, and computing them
/// for every hit of a one-letter query over a million records would cost more than the search.
pub(crate) const HIGHLIGHTED: usize = 1000;

impl Searcher {
    /// All records that match, best first and weak hits last; with an empty query, every
    /// record in catalog order.
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
    #[allow(clippy::unused_self)] // a method, so that a searcher can hold state again
    pub(crate) fn search_cancellable(
        &mut self,
        catalog: &Catalog,
        query: &Query,
        candidates: Option<&[RecordIdx]>,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<Hit>> {
        use rayon::prelude::*;
        let words = &prepare(&query.words);
        let filters = Filters::new(catalog, &query.filters);
        let all: Vec<RecordIdx>;
        let ids = match candidates {
            Some(c) => c,
            None => {
                all = (0..catalog.len() as RecordIdx).collect();
                &all
            }
        };
        // A newer keystroke is looked for every `CHECK_EVERY` words matched against a record,
        // so that a long query (a pasted paragraph) gives way as quickly as a short one.
        let every = (CHECK_EVERY / words.len().max(1)).max(1);
        // Each hit with its place in the order, computed while its record is at hand: weak
        // ones last, then by score, then the shorter name first.
        let chunks: Vec<Vec<(u64, Hit)>> = ids
            .par_chunks(CHUNK)
            .map_init(Scratch::default, |scratch, chunk| {
                let mut found = Vec::new();
                for (n, &i) in chunk.iter().enumerate() {
                    if n % every == 0 && cancelled() {
                        return Vec::new();
                    }
                    if let Some(hit) = score(scratch, catalog, &filters, words, i) {
                        let name = catalog.entry(hit.record).name_len.to_native();
                        let name = (name as usize).min(0x7fff_ffff);
                        let rank = u64::from(hit.weak) << 63
                            | u64::from(u32::MAX - hit.score) << 31
                            | name as u64;
                        found.push((rank, hit));
                    }
                }
                found
            })
            .collect();
        if cancelled() {
            return None;
        }
        let mut ranked: Vec<(u64, Hit)> = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        ranked.extend(chunks.into_iter().flatten());
        if !words.is_empty() {
            ranked.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.record.cmp(&b.1.record)));
        }
        let mut hits: Vec<Hit> = ranked.into_iter().map(|(_, hit)| hit).collect();
        if !words.is_empty() {
            let top = hits.len().min(HIGHLIGHTED);
            hits[..top]
                .par_iter_mut()
                .for_each_init(Scratch::default, |s, hit| {
                    if !cancelled() {
                        positions(s, catalog, words, hit);
                    }
                });
            if cancelled() {
                return None;
            }
        }
        Some(hits)
    }
}

/// Whether every record that matches `new` also matches `old`, so that `new` need only search
/// `old`'s results (see `narrowing`).
#[cfg(test)]
fn narrows(old: &str, new: &str) -> bool {
    narrowing(old, new) == Narrowing::Within
}

/// Where the records that match a longer query are to be found.
#[derive(Debug, PartialEq, Eq)]
enum Narrowing {
    /// Among all records.
    Everywhere,
    /// Among the records the shorter query found.
    Within,
    /// Among those, and the records where this key (of the word being typed) is a variant: the
    /// word has reached the length where variants begin, or its key changed (`k` to `kh`).
    WithVariantsOf(String),
}

/// `new` adds letters or words to `old`; the word it extends neither is nor becomes a filter, a
/// negation or an anchored suffix (extending those can widen); no phrase or date is involved.
/// A plain word matched literally or letter by letter matches less as it grows; as a variant,
/// only while its key grows with it.
fn narrowing(old: &str, new: &str) -> Narrowing {
    let Some(added) = new.strip_prefix(old) else {
        return Narrowing::Everywhere;
    };
    if old.trim().is_empty() {
        return Narrowing::Everywhere;
    }
    let quoted = |s: &str| s.contains(QUOTES) || s.contains(CLOSING_QUOTES);
    if quoted(new) || has_date(old) || has_date(new) {
        return Narrowing::Everywhere;
    }
    let extends_last_word =
        !added.starts_with(char::is_whitespace) && !old.ends_with(char::is_whitespace);
    if !extends_last_word {
        return Narrowing::Within;
    }
    // The word being extended, as it now reads: `ki` becoming `kind:` turns into a filter.
    let last = old.split_whitespace().next_back().unwrap_or_default();
    let rest = added.split_whitespace().next().unwrap_or_default();
    if last.contains([':', '!', '$']) || rest.contains([':', '!', '$']) {
        return Narrowing::Everywhere;
    }
    if last.starts_with(['\'', '^']) {
        return Narrowing::Within;
    }
    match (variant_key(last), variant_key(&format!("{last}{rest}"))) {
        (_, None) => Narrowing::Within,
        (Some(before), Some(after)) if after.starts_with(&before) => Narrowing::Within,
        (_, Some(after)) => Narrowing::WithVariantsOf(after),
    }
}

/// The key a plain word is matched on as a variant, if it is long enough to have variants.
fn variant_key(word: &str) -> Option<String> {
    let folded = fold(word);
    let word = folded.trim_matches(|c: char| !c.is_alphanumeric());
    // A number is written one way: `2013` looks for no other spelling.
    let spelt =
        word.chars().count() >= VARIANT_MIN_LETTERS && word.chars().any(char::is_alphabetic);
    spelt.then(|| fold::word_key(word))
}

/// The records, ascending, where `key` is a variant of a word of a name or of the text.
fn variant_records(catalog: &Catalog, key: &str) -> Vec<RecordIdx> {
    use rayon::prelude::*;
    let bits = letters(key);
    (0..catalog.len() as RecordIdx)
        .into_par_iter()
        .filter(|&i| {
            let e = catalog.entry(i);
            (has(e.keys_letters_of_names.to_native(), bits)
                && e.names.iter().any(|n| name_variant(n, key).is_some()))
                || (has(e.keys_letters.to_native(), bits)
                    && text_variant(&e.text_keys, key).is_some())
        })
        .collect()
}

/// Two ascending lists of records as one.
fn union(a: &[RecordIdx], b: &[RecordIdx]) -> Vec<RecordIdx> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Does the query hold a date written in words?
fn has_date(text: &str) -> bool {
    let words: Vec<String> = tokens(text).into_iter().map(str::to_owned).collect();
    (0..words.len()).any(|i| date_at(&words[i..]).is_some())
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
        let widened: Vec<RecordIdx>;
        let candidates = match &self.last {
            Some((old, old_fixed, records)) if old_fixed == fixed => match narrowing(old, text) {
                Narrowing::Everywhere => None,
                Narrowing::Within => Some(records.as_slice()),
                Narrowing::WithVariantsOf(key) => {
                    widened = union(records, &variant_records(catalog, &key));
                    Some(widened.as_slice())
                }
            },
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
fn score(
    s: &mut Scratch,
    catalog: &Catalog,
    filters: &Filters,
    words: &[Word],
    idx: RecordIdx,
) -> Option<Hit> {
    if !filters.keep(catalog, idx) {
        return None;
    }
    if words.is_empty() {
        return Some(Hit::unranked(idx));
    }
    let entry = catalog.entry(idx);
    let mut total = 0u32;
    let mut weak = false;
    let mut name_points = std::mem::take(&mut s.name_points);
    name_points.clear();
    name_points.resize(entry.names.len(), 0);
    let mut id_points = 0u32;
    for w in words {
        if w.negative {
            if w.excludes(entry) {
                s.name_points = name_points;
                return None;
            }
            continue;
        }
        let Some(m) = w.best(entry, s) else {
            s.name_points = name_points;
            return None;
        };
        total += m.points();
        weak |= m.strength == Strength::Weak;
        // Weak matches count too (one step up), so the name they are in is the one shown.
        match m.at {
            At::Name(n) => name_points[n] += m.points() + STEP,
            At::Id => id_points += m.points() + STEP,
            At::Text => {}
        }
    }
    // The name before an alias that scores the same.
    let (best_name, best_name_points) = name_points
        .iter()
        .enumerate()
        .fold((0, 0), |acc, (i, &p)| if p > acc.1 { (i, p) } else { acc });
    s.name_points = name_points;
    let field = if best_name_points > 0 && best_name_points >= id_points {
        if best_name == 0 {
            Field::Name
        } else {
            Field::Alias(best_name - 1)
        }
    } else if id_points > 0 {
        Field::Id
    } else {
        Field::Text
    };
    Some(Hit {
        record: idx,
        score: total,
        field,
        positions: Vec::new(),
        weak,
    })
}

/// Fill in the letters of the hit's name, alias or id that the words matched.
fn positions(s: &mut Scratch, catalog: &Catalog, words: &[Word], hit: &mut Hit) {
    let record = catalog.get(hit.record);
    let entry = catalog.entry(hit.record);
    let (shown, folded) = match hit.field {
        Field::Name => (record.name.shown(), &*entry.names[0].folded),
        Field::Alias(n) => match (record.aliases.get(n), entry.names.get().get(n + 1)) {
            (Some(a), Some(name)) => (a.shown(), &*name.folded),
            _ => return,
        },
        Field::Id => (&*record.id, entry.id()),
        Field::Text | Field::None => return,
    };
    // Folding keeps every character but those it drops; where it dropped none, the positions
    // in the folded name are those on screen.
    let map = (folded.chars().count() != shown.chars().count()).then(|| fold_with_map(shown).1);
    let mut key = None;
    let positions = &mut hit.positions;
    for w in words.iter().filter(|w| !w.negative) {
        let found = locate(w, folded, &mut key, s);
        match &map {
            Some(map) => positions.extend(found.into_iter().filter_map(|i| map.get(i as usize))),
            None => positions.extend(found),
        }
    }
    positions.sort_unstable();
    positions.dedup();
}

/// The folded characters (indices) of `folded` that a word matched: literally, as a variant,
/// or letter by letter.
fn locate(w: &Word, folded: &str, key: &mut Option<fold::Key>, s: &mut Scratch) -> Vec<u32> {
    let char_at = |byte: usize| -> u32 {
        if folded.is_ascii() {
            byte as u32
        } else {
            folded[..byte].chars().count() as u32
        }
    };
    let span = |byte: usize, len: usize| -> Vec<u32> {
        let first = char_at(byte);
        let n = folded[byte..byte + len].chars().count() as u32;
        (first..first + n).collect()
    };
    match w.syntax {
        Syntax::Prefix | Syntax::Equal if folded.starts_with(w.needle()) => {
            return span(0, w.needle().len());
        }
        Syntax::Suffix if folded.ends_with(w.needle()) => {
            return span(folded.len() - w.needle().len(), w.needle().len());
        }
        Syntax::Prefix | Syntax::Suffix | Syntax::Equal => return Vec::new(),
        _ => {}
    }
    for needle in &w.needles {
        if let Some((_, at)) = find(folded, needle) {
            return span(at, needle.len());
        }
    }
    if w.syntax != Syntax::Fuzzy {
        return Vec::new();
    }
    let key = key.get_or_insert_with(|| fold::key(folded));
    let found = find_by(&key.text, &w.key, &|at| key.starts_at(at), &|end| {
        end == key.text.len() || key.starts_at(end)
    });
    if let Some((place, at)) = found
        && place >= Place::Start
        && !w.key.is_empty()
    {
        return key.sources(at..at + w.key.len()).collect();
    }
    let mut indices = Vec::new();
    if let Some(in_order) = &w.in_order {
        let hay = utf32(folded, &mut s.chars);
        in_order.indices(hay, Scratch::matcher(&mut s.matcher), &mut indices);
    }
    indices
}

/// Where in a record's text the query's words appear, to show beside a hit that matched there:
/// the field, an excerpt of it on one line, and the positions (chars) of the words in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The field it is from: `summary`, `notes`, `reference`, `participant`...
    pub field: &'static str,
    pub text: String,
    pub positions: Vec<u32>,
}

/// Characters of context each side of the first word found.
const SNIPPET_BEFORE: usize = 30;
const SNIPPET_AFTER: usize = 50;

/// The snippet for a hit: the first field (summary, notes, then the others) where a word that
/// did not match the hit's name appears, or `None` when every word is in the name.
pub fn snippet(catalog: &Catalog, query: &Query, hit: &Hit) -> Option<Snippet> {
    let record = catalog.get(hit.record);
    let shown_name = match hit.field {
        Field::Name => Some(record.name.shown()),
        Field::Alias(n) => record.aliases.get(n).map(crate::text::Text::shown),
        _ => None,
    };
    let folded_name = shown_name.map(fold);
    let mut scratch = Scratch::default();
    let words: Vec<Word> = prepare(&query.words)
        .into_iter()
        .filter(|w| {
            let anchored = matches!(w.syntax, Syntax::Prefix | Syntax::Suffix | Syntax::Equal);
            let in_name = folded_name
                .as_ref()
                .is_some_and(|n| !locate(w, n, &mut None, &mut scratch).is_empty());
            !w.negative && !anchored && !in_name
        })
        .collect();
    if words.is_empty() {
        return None;
    }
    // The field with the most of the words; the first of those.
    let name_of = |id: &str| catalog.by_id(id).map(|r| r.name.shown());
    let mut best: Option<(usize, &'static str, String, Vec<String>)> = None;
    searchable(record, &name_of, &mut |field, text| {
        let folded = fold(text);
        let mut needles = Vec::new();
        let mut count = 0;
        for w in &words {
            let before = needles.len();
            needles.extend(
                w.needles
                    .iter()
                    .filter(|n| folded.contains(n.as_str()))
                    .cloned(),
            );
            if w.syntax == Syntax::Fuzzy && !w.key.is_empty() {
                // The names in the text that are variants of the word (a short word has none).
                needles.extend(
                    capitalised(text)
                        .map(fold)
                        .filter(|word| fold::word_key(word).starts_with(&w.key)),
                );
            }
            count += usize::from(needles.len() > before);
        }
        if count > 0 && best.as_ref().is_none_or(|b| count > b.0) {
            best = Some((count, field, text.to_owned(), needles));
        }
    });
    let (_, field, text, needles) = best?;
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    let (text, positions) = excerpt(&text, &needles)?;
    Some(Snippet {
        field,
        text,
        positions,
    })
}

/// An excerpt of `shown` around the first of `needles` in it, on one line, with the positions of
/// every needle found inside it; `…` where it was cut.
fn excerpt(shown: &str, needles: &[&str]) -> Option<(String, Vec<u32>)> {
    let (folded, map) = fold_with_map(shown);
    let chars_of = |byte: usize| folded[..byte].chars().count();
    let mut spans: Vec<(usize, usize)> = Vec::new(); // folded chars [start, end)
    for needle in needles {
        let mut from = 0;
        while let Some(i) = folded[from..].find(needle) {
            let at = from + i;
            let start = chars_of(at);
            spans.push((start, start + needle.chars().count()));
            from = at + needle.len();
        }
    }
    spans.sort_unstable();
    let &(first, first_end) = spans.first()?;
    let shown_chars: Vec<char> = shown.chars().collect();
    let to_shown = |i: usize| map.get(i).map_or(shown_chars.len(), |&s| s as usize);
    let (hit_start, hit_end) = (to_shown(first), to_shown(first_end - 1) + 1);
    let mut start = hit_start.saturating_sub(SNIPPET_BEFORE);
    let mut end = (hit_end + SNIPPET_AFTER).min(shown_chars.len());
    // Cut at spaces, not inside words.
    if start > 0 {
        start = (start..hit_start)
            .find(|&i| shown_chars[i - 1].is_whitespace())
            .unwrap_or(start);
    }
    if end < shown_chars.len() {
        end = (hit_end..end)
            .rev()
            .find(|&i| shown_chars[i].is_whitespace())
            .unwrap_or(end);
    }
    let mut text = String::new();
    let lead = usize::from(start > 0);
    if start > 0 {
        text.push('…');
    }
    text.extend(
        shown_chars[start..end]
            .iter()
            .map(|&c| if c.is_whitespace() { ' ' } else { c }),
    );
    if end < shown_chars.len() {
        text.push('…');
    }
    let mut positions: Vec<u32> = spans
        .iter()
        .flat_map(|&(a, b)| (a..b).map(to_shown))
        .filter(|&p| p >= start && p < end)
        .map(|p| (p - start + lead) as u32)
        .collect();
    positions.sort_unstable();
    positions.dedup();
    Some((text, positions))
}
/// Filters with their values resolved against the catalog once per query.
struct Filters<'a> {
    list: &'a [Filter],
    /// Camps matching each `camp:` filter, by index.
    camps: Vec<Vec<RecordIdx>>,
    /// The romanisation key of each filter's value, so `person:maleki` finds Maliki.
    keys: Vec<String>,
}

impl<'a> Filters<'a> {
    fn new(catalog: &Catalog, filters: &'a [Filter]) -> Self {
        let keys: Vec<String> = filters
            .iter()
            .map(|f| match f {
                Filter::Camp(v) | Filter::Source(v) | Filter::Person(v)
                    if v.chars().count() >= VARIANT_MIN_LETTERS =>
                {
                    fold::word_key(v)
                }
                _ => String::new(),
            })
            .collect();
        let camps = filters
            .iter()
            .zip(&keys)
            .filter_map(|(f, key)| match f {
                Filter::Camp(v) => Some(
                    (0..catalog.len() as RecordIdx)
                        .filter(|&i| {
                            catalog.kind(i) == Kind::Camp && names_contain(catalog, i, v, key)
                        })
                        .collect(),
                ),
                _ => None,
            })
            .collect();
        Filters {
            list: filters,
            camps,
            keys,
        }
    }

    fn keep(&self, catalog: &Catalog, idx: RecordIdx) -> bool {
        // The kind is at hand without the record, which a catalog read back from the index
        // reads from there: with only kind filters (or none), it is not read at all.
        let kind = catalog.kind(idx);
        if self
            .list
            .iter()
            .any(|f| matches!(f, Filter::Kind(kinds) if !kinds.contains(&kind)))
        {
            return false;
        }
        if self.list.iter().all(|f| matches!(f, Filter::Kind(_))) {
            return true;
        }
        let r = catalog.get(idx);
        let mut camps = self.camps.iter();
        self.list.iter().zip(&self.keys).all(|(f, key)| match f {
            Filter::Kind(_) => true,
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
                        names_contain(catalog, s, v, key)
                            || catalog
                                .get(s)
                                .source()
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
                        .and_then(|p| catalog.idx(p.id.raw()))
                        .is_some_and(|p| names_contain(catalog, p, v, key))
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

/// Does the record's id, name or an alias contain the folded value, or a name a variant of it
/// (its key at the start of a word)?
fn names_contain(catalog: &Catalog, idx: RecordIdx, folded: &str, key: &str) -> bool {
    let entry = catalog.entry(idx);
    entry.id().contains(folded)
        || entry.names.iter().any(|n| {
            n.folded.contains(folded) || name_variant(n, key).is_some_and(|v| v != Variant::Faint)
        })
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
        assert!(narrows("kolth", "kolthou"));
        assert!(narrows("'kol", "'kolt"), "no variants for an exact word");
        assert!(
            !narrows("kol", "kolt"),
            "the key reaches the length where variants begin"
        );
        assert!(!narrows("kolt", "kolth"), "t becomes th: another key");
        assert!(!narrows("15 ju", "15 jun"), "a date in words");
        assert!(
            narrows("abduction 201", "abduction 2013"),
            "a number has no variants"
        );
        assert!(!narrows("\"camp li", "\"camp lib"), "a phrase");
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

    /// Issue 17, item 17: a pasted page searched on for seconds after a newer key, because the
    /// search looked for one only between chunks of 2,048 records. Now it looks every few
    /// hundred words matched: for a long query, at every record.
    #[test]
    fn a_long_query_looks_for_a_newer_key_at_every_record() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let c = ranked_catalog();
        let looked = AtomicUsize::new(0);
        let page = (0..300)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let hits = Searcher::default().search_cancellable(&c, &Query::parse(&page), None, &|| {
            looked.fetch_add(1, Ordering::Relaxed);
            false
        });
        assert_eq!(hits, Some(Vec::new()));
        assert!(
            looked.load(Ordering::Relaxed) >= c.len(),
            "looked {} times over {} records",
            looked.load(Ordering::Relaxed),
            c.len()
        );
        // And gives way as soon as one has come.
        let looked = AtomicUsize::new(0);
        let hits = Searcher::default().search_cancellable(&c, &Query::parse(&page), None, &|| {
            looked.fetch_add(1, Ordering::Relaxed) >= 2
        });
        assert_eq!(hits, None);
    }

    /// A pasted page says its words over and over: each is matched once, and a word said
    /// twice finds and ranks as it does once.
    #[test]
    fn a_word_said_twice_is_matched_once() {
        let c = ranked_catalog();
        let page = ["saremi", "camp"].repeat(50).join(" ");
        assert_eq!(prepare(&Query::parse(&page).words).len(), 2);
        assert_eq!(
            Searcher::default().search(&c, &Query::parse("camp saremi camp")),
            Searcher::default().search(&c, &Query::parse("saremi camp"))
        );
    }

    #[test]
    fn a_query_is_read_up_to_its_limit_and_the_cut_is_named() {
        let long = "abc ".repeat(MAX_QUERY);
        let q = Query::parse(&long);
        assert_eq!(q.words.len(), MAX_QUERY / 4);
        assert_eq!(
            q.problems,
            ["the query is cut at 1000 characters; what follows is not searched"]
        );
        assert!(Query::parse(&long[..MAX_QUERY]).problems.is_empty());
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

    /// Records for the ranking, variant and field tests: each name stands for one way a word
    /// can match "saremi".
    fn ranked_catalog() -> Catalog {
        let files = [
            (
                "sources/ai.yaml",
                "title: Iraq Government urged to investigate deadly attack\npublisher: Amnesty International\nreference: MDE 14/010/2013\nissued: 2013-06\n",
            ),
            (
                "people/ali-saremi.yaml",
                "name: Ali Saremi\nnotes: Executed at Evin Prison.\nsources: [ai]\n",
            ),
            (
                "people/saremizadeh.yaml",
                "name: Hossein Saremizadeh\nsources: [ai]\n",
            ),
            (
                "people/reza-sarami.yaml",
                "name: Reza Sarami\nsources: [ai]\n",
            ),
            (
                "people/saramizad.yaml",
                "name: Hamid Saramizad\nsources: [ai]\n",
            ),
            (
                "people/sarermi.yaml",
                "name: Zahra Sarermi\nsources: [ai]\n",
            ),
            (
                "people/mentions.yaml",
                "name: Lila Nabahat\nsummary: Held with Saremi for a year.\nsources: [ai]\n",
            ),
            (
                "incidents/scattered.yaml",
                "name: Statement about a release of members in Iraq\nsources: [ai]\n",
            ),
            (
                "people/fatema-sakhie.yaml",
                "name: Fatema Sakhie\naliases: [فاطمه سخی]\nsources: [ai]\n",
            ),
            (
                "people/nuri-al-maliki.yaml",
                "name: Nuri al-Maliki\naliases: [Maliki]\nsources: [ai]\n",
            ),
            (
                "camps/camp-ashraf.yaml",
                "name: Camp Ashraf\nlocation: {country: Iraq, province: Diyala}\nnotes: The camp of the PMOI (also MEK), whom the NCRI page calls the Mojahedin; named after Ashraf Rajavi.\nsources: [ai]\n",
            ),
            (
                "incidents/medical.yaml",
                "name: Medical team kept out of Camp Ashraf\ncamp: camp-ashraf\nsources: [ai]\n",
            ),
            (
                "incidents/rocket.yaml",
                "name: Rocket attack on Camp Liberty\ndate: 2013-06-15\nparticipants:\n  - person: fatema-sakhie\n    role: victim\nsources: [ai]\n",
            ),
        ];
        let mut records = Vec::new();
        for (path, text) in files {
            let kind = Kind::from_folder(path.split('/').next().unwrap()).unwrap();
            let (r, d) = parse_record(path, kind, text);
            assert!(d.is_empty(), "{path}: {d:?}");
            records.extend(r);
        }
        Catalog::build(PathBuf::from("/x"), records, vec![])
    }

    fn hits(c: &Catalog, q: &str) -> Vec<(String, bool)> {
        Searcher::default()
            .search(c, &Query::parse(q))
            .iter()
            .map(|h| (c.get(h.record).id.to_string(), h.weak))
            .collect()
    }

    #[test]
    fn whole_words_then_starts_then_variants_then_close_letters_then_other_text_then_weak() {
        let c = ranked_catalog();
        assert_eq!(
            hits(&c, "saremi"),
            [
                ("ali-saremi".to_owned(), false), // a whole word of the name
                ("saremizadeh".into(), false),    // the start of a word of the name
                ("reza-sarami".into(), false),    // a variant of a whole word
                ("saramizad".into(), false),      // a variant of the start of a word
                ("sarermi".into(), false),        // the letters close together in one word
                ("mentions".into(), false),       // a whole word of the summary
                ("scattered".into(), true),       // letters scattered across a title
            ]
        );
    }

    #[test]
    fn spellings_of_one_name_find_it_first() {
        let c = ranked_catalog();
        for q in ["fatima sakhie", "fatemeh sakhi", "Fatemah Sakhi"] {
            let got = Searcher::default().search(&c, &Query::parse(q));
            assert_eq!(c.get(got[0].record).id.as_ref(), "fatema-sakhie", "{q}");
            assert_eq!(got[0].field, Field::Name, "{q}");
        }
        // The letters of the variant are the ones highlighted: "Fatema Sakhie".
        let hit = &Searcher::default().search(&c, &Query::parse("fatemeh"))[0];
        assert_eq!(hit.positions, [0, 1, 2, 3, 4, 5]);
        for q in ["maleki", "al maleki", "almaliki", "el-Maleki"] {
            assert_eq!(hits(&c, q)[0].0, "nuri-al-maliki", "{q}");
        }
    }

    #[test]
    fn a_name_in_arabic_script_is_found_in_either_form_of_its_letters() {
        let c = ranked_catalog();
        // Teh marbuta for heh, Arabic yeh for Farsi yeh, a kasra and a tatweel.
        for q in ["فاطمه", "فاطمة", "سخي", "فاطِمـه"] {
            let got = Searcher::default().search(&c, &Query::parse(q));
            assert_eq!(c.get(got[0].record).id.as_ref(), "fatema-sakhie", "{q}");
            assert_eq!(got[0].field, Field::Alias(0), "{q}");
        }
    }

    #[test]
    fn fzf_syntax_is_read_before_the_apostrophe_is_folded_away() {
        let c = ranked_catalog();
        let exact: Vec<String> = hits(&c, "'saremi").into_iter().map(|h| h.0).collect();
        assert_eq!(exact, ["ali-saremi", "saremizadeh", "mentions"]);
        assert_eq!(
            hits(&c, "^saremi"),
            [("saremizadeh".to_owned(), false)],
            "only an id starts with saremi"
        );
        assert_eq!(hits(&c, "^ali")[0].0, "ali-saremi");
        assert_eq!(hits(&c, "sarami$")[0].0, "reza-sarami");
        assert_eq!(hits(&c, "^reza sarami$")[0].0, "reza-sarami");
        let not: Vec<String> = hits(&c, "saremi !ali").into_iter().map(|h| h.0).collect();
        assert!(!not.contains(&"ali-saremi".to_owned()), "{not:?}");
        assert_eq!(
            hits(&c, "\"camp ashraf\" medical")[0].0,
            "medical",
            "a phrase and a word"
        );
        assert!(
            hits(&c, "\"ashraf camp\"").is_empty(),
            "a phrase keeps its order"
        );
    }

    #[test]
    fn every_identifying_field_is_searched() {
        let c = ranked_catalog();
        let first = |q: &str| hits(&c, q).first().map(|h| h.0.clone());
        // notes
        assert_eq!(first("evin").as_deref(), Some("ali-saremi"));
        assert_eq!(first("rajavi").as_deref(), Some("camp-ashraf"));
        // a place, and an acronym in the notes before letters scattered across a title
        assert_eq!(first("diyala").as_deref(), Some("camp-ashraf"));
        assert_eq!(
            hits(&c, "mek"),
            [
                ("camp-ashraf".to_owned(), false),
                ("medical".into(), true),
                ("ai".into(), true)
            ]
        );
        // another spelling of a name in the notes
        assert_eq!(first("mujahedin").as_deref(), Some("camp-ashraf"));
        // a source's reference, however it is typed
        for q in [
            "MDE 14/010/2013",
            "mde 14 010 2013",
            "MDE14/010/2013",
            "14/010/2013",
        ] {
            assert_eq!(first(q).as_deref(), Some("ai"), "{q}");
        }
        // a date as people write it
        for q in [
            "15 June 2013",
            "June 15, 2013",
            "2013-06-15",
            "15th jun 2013",
        ] {
            assert_eq!(first(q).as_deref(), Some("rocket"), "{q}");
        }
        let june: Vec<String> = hits(&c, "June 2013").into_iter().map(|h| h.0).collect();
        assert_eq!(june, ["rocket", "ai"], "dated within June 2013");
        // a participant's name, and a variant of it
        assert_eq!(first("sakhie rocket").as_deref(), Some("rocket"));
        assert_eq!(first("fatima attack").as_deref(), Some("rocket"));
    }

    #[test]
    fn a_snippet_shows_where_the_words_not_in_the_name_are() {
        let c = ranked_catalog();
        let q = Query::parse("purification");
        assert!(Searcher::default().search(&c, &q).is_empty());
        let q = Query::parse("ashraf mojahedin");
        let hit = &Searcher::default().search(&c, &q)[0];
        let s = snippet(&c, &q, hit).expect("a snippet");
        assert_eq!(s.field, "notes");
        assert_eq!(
            s.text,
            "…whom the NCRI page calls the Mojahedin; named after Ashraf Rajavi."
        );
        let marked: String = s
            .positions
            .iter()
            .map(|&p| s.text.chars().nth(p as usize).unwrap())
            .collect();
        assert_eq!(marked, "Mojahedin");
        // A word too short for variants marks itself, not every name in the text.
        let q = Query::parse("ashraf of");
        let hits = Searcher::default().search(&c, &q);
        let hit = hits
            .iter()
            .find(|h| &*c.get(h.record).id == "camp-ashraf")
            .expect("Camp Ashraf");
        let s = snippet(&c, &q, hit).expect("a snippet");
        let marked: String = s
            .positions
            .iter()
            .map(|&p| s.text.chars().nth(p as usize).unwrap())
            .collect();
        assert_eq!(marked, "of", "{s:?}");
        // Every word in the name: nothing to show.
        let q = Query::parse("camp ashraf");
        let hit = &Searcher::default().search(&c, &q)[0];
        assert_eq!(snippet(&c, &q, hit), None);
    }

    #[test]
    fn notes_say_why_nothing_matched_or_that_every_match_is_weak() {
        let c = ranked_catalog();
        let say = |q: &str| {
            let q = Query::parse(q);
            let hits = Searcher::default().search(&c, &q);
            notes(&c, &q, &hits)
        };
        assert_eq!(say("purification"), ["nothing matches “purification”"]);
        assert!(say("saremi").is_empty(), "close matches and one weak one");
        assert!(say("nabahat").is_empty());
        assert_eq!(
            say("stmtmbrs"),
            ["no close match; 1 weak match (letters scattered or inside words)"]
        );
        assert_eq!(say("camp:nowhere"), ["camp:nowhere matches nothing"]);
    }
}
