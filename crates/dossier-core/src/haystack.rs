//! What the matcher scans: each record's names, id and other text, folded once per catalog.
//!
//! Built with the catalog (the catalog keeps one, in record order) and read only by `search`.
//! Folding lives here because the haystacks and the queries must fold alike: case, accents and
//! apostrophes never matter, so Ja'far, Ja’far and Jafar are one name.

use nucleo_matcher::chars::normalize;
use nucleo_matcher::{Utf32Str, Utf32String};

use crate::model::Record;

/// Characters that vanish from haystacks and queries: apostrophes, the ayn and hamza marks of
/// Arabic transliteration, and combining accents left over after normalisation.
pub(crate) fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | '‘' | 'ʼ' | 'ʻ' | 'ʿ' | 'ʾ' | '`' | '´' | '′'
    ) || ('\u{0300}'..='\u{036f}').contains(&c)
}

/// Fold one character the way every haystack and query is folded.
pub(crate) fn fold_char(c: char) -> char {
    match c {
        '“' | '”' | '„' | '«' | '»' => '"',
        '‐' | '‑' | '‒' | '–' | '—' | '−' => '-',
        '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' => ' ',
        c => normalize(c),
    }
}

/// Fold a string for comparisons in filters: lowercase, no accents, no apostrophes.
pub(crate) fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !is_ignorable(*c))
        .map(|c| nucleo_matcher::chars::to_lower_case(fold_char(c)))
        .collect()
}

/// A string prepared for matching, with a map back to the characters shown on screen when
/// folding dropped some.
#[derive(Debug)]
pub(crate) struct Hay {
    text: Utf32String,
    /// `map[i]` is the position in the shown string of haystack character `i`.
    map: Option<Box<[u32]>>,
}

impl Hay {
    pub(crate) fn new(shown: &str) -> Hay {
        let mut chars = Vec::with_capacity(shown.len());
        let mut map = Vec::new();
        let mut dropped = false;
        for (i, c) in shown.chars().enumerate() {
            if is_ignorable(c) {
                if !dropped {
                    dropped = true;
                    map.extend(0..i as u32);
                }
                continue;
            }
            chars.push(fold_char(c));
            if dropped {
                map.push(i as u32);
            }
        }
        let text = if chars.iter().all(char::is_ascii) {
            Utf32String::Ascii(chars.into_iter().collect::<String>().into_boxed_str())
        } else {
            Utf32String::Unicode(chars.into_boxed_slice())
        };
        Hay {
            text,
            map: dropped.then(|| map.into_boxed_slice()),
        }
    }

    pub(crate) fn as_str(&self) -> Utf32Str<'_> {
        self.text.slice(..)
    }

    pub(crate) fn shown_index(&self, i: u32) -> u32 {
        self.map.as_ref().map_or(i, |m| m[i as usize])
    }
}

/// What a record is matched against, built once per catalog.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The name, then each alias.
    pub(crate) names: Vec<Hay>,
    pub(crate) id: Hay,
    /// Everything else worth finding, joined: summary, place, dates, tags, publisher...
    pub(crate) text: Hay,
}

#[derive(Debug, Default)]
pub(crate) struct Haystacks {
    pub(crate) entries: Vec<Entry>,
}

impl Haystacks {
    /// `name_of` resolves an id to the shown name of its record, so that an incident is found
    /// by the name of its camp and not only by the camp's id.
    pub(crate) fn build<'a>(
        records: &'a [Record],
        name_of: impl Fn(&str) -> Option<&'a str> + Sync,
    ) -> Haystacks {
        use rayon::prelude::*;
        Haystacks {
            entries: records.par_iter().map(|r| entry(r, &name_of)).collect(),
        }
    }
}

fn entry<'a>(r: &Record, name_of: &(impl Fn(&str) -> Option<&'a str> + Sync)) -> Entry {
    let names = std::iter::once(&r.name)
        .chain(&r.aliases)
        .map(|t| Hay::new(t.shown()))
        .collect();
    let mut text = String::new();
    let mut push = |s: &str| {
        if !s.is_empty() {
            text.push_str(s);
            // ASCII, so that an ASCII record keeps a one-byte-per-char haystack (see `Hay`).
            text.push_str(" | ");
        }
    };
    for t in r.summary.iter().chain(&r.tags) {
        push(t.shown());
    }
    for d in r.all_dates() {
        push(d.text.shown());
    }
    match &r.body {
        crate::model::Body::Person(p) => {
            for t in p.nationality.iter().chain(p.status.as_deref()) {
                push(t.shown());
            }
            for a in &p.affiliations {
                push(name_of(a.written().raw()).unwrap_or(a.written().shown()));
            }
            for pos in &p.positions {
                push(pos.title.shown());
                push(pos.organisation.as_ref().map_or("", |o| o.shown()));
            }
            for c in &p.camps {
                push(name_of(c.id.raw()).unwrap_or_default());
            }
        }
        crate::model::Body::Incident(i) => {
            for t in i.kind.as_deref().into_iter().chain(&i.place) {
                push(t.shown());
            }
            if let Some(c) = &i.camp {
                push(name_of(c.id.raw()).unwrap_or_default());
            }
            for p in &i.participants {
                for t in p.group.iter().chain(&p.role).chain(&p.act) {
                    push(t.shown());
                }
                if let Some(o) = &p.organization {
                    push(name_of(o.id.raw()).unwrap_or_default());
                }
            }
        }
        crate::model::Body::Camp(c) => {
            if let Some(l) = &c.location {
                for t in l.country.iter().chain(&l.province).chain(&l.description) {
                    push(t.shown());
                }
            }
        }
        crate::model::Body::Source(s) => {
            if let Some(p) = &s.publisher {
                push(name_of(p.written().raw()).unwrap_or(p.written().shown()));
            }
            for t in s.kind.iter().chain(&s.reference).chain(&s.perspective) {
                push(t.shown());
            }
        }
        crate::model::Body::Organization(o) => {
            if let Some(t) = &o.kind {
                push(t.shown());
            }
        }
    }
    Entry {
        names,
        id: Hay::new(&r.id),
        text: Hay::new(&text),
    }
}
