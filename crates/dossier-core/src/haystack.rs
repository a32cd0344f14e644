//! What search matches against: each record's names and the rest of its identifying text,
//! folded once per catalog.
//!
//! Built with the catalog (the catalog keeps one, in record order) and read only by `search`.
//! Everything a keystroke would otherwise fold is folded here, at index time (`fold`'s two
//! tables): the names with their romanisation keys, the identifiers (id, dates, a source's
//! reference and address), the other text, and the keys of the names written in that text. Beside
//! each string sits a mask of the letters it holds, so a search passes over the records that lack
//! a word without reading their strings.
//!
//! The entries are kept in rkyv's archived form, in chunks archived on their own: a catalog read
//! back from the index searches the chunks as read, and a fresh load archives what it makes, so
//! there is one form to search and the index file gets the bytes as they are.

use crate::fold;
pub(crate) use crate::fold::fold;
use crate::model::{Body, DateText, Record};
use crate::shelf::Bytes;

/// A name, alias or title, folded for matching.
#[derive(Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub(crate) struct Name {
    pub(crate) folded: Box<str>,
    /// The romanisation key (`fold::key`).
    pub(crate) key: Box<str>,
    /// Bit `i` set: a word of the name starts at byte `i` of the key (the first 128 bytes).
    starts: u128,
    /// `letters` of `folded` and of `key`.
    pub(crate) letters: u64,
    pub(crate) key_letters: u64,
}

impl Name {
    fn new(shown: &str) -> Name {
        let folded = fold(shown);
        let key = fold::key(&folded);
        let starts = key
            .starts
            .iter()
            .filter(|&&s| s < 128)
            .fold(0u128, |bits, &s| bits | 1 << s);
        Name {
            letters: letters(&folded),
            key_letters: letters(&key.text),
            folded: folded.into_boxed_str(),
            key: key.text.into_boxed_str(),
            starts,
        }
    }
}

/// Which letters and digits a folded string has, a bit each (a letter of another script is the
/// top bit). A string that lacks one of a word's bits cannot hold the word, literally or letter
/// by letter, and that is quicker to tell than to look: most records lack most words.
pub(crate) fn letters(s: &str) -> u64 {
    s.chars().fold(0, |bits, c| {
        bits | match c {
            'a'..='z' => 1 << (c as u32 - 'a' as u32),
            '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
            c if c.is_alphanumeric() => 1 << 63,
            _ => 0,
        }
    })
}

/// Has a string with the `letters` `hay` all those of `needle`?
pub(crate) fn has(hay: u64, needle: u64) -> bool {
    hay & needle == needle
}

/// What a record is matched against, built once per catalog.
#[derive(Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub(crate) struct Entry {
    /// The name, then each alias.
    pub(crate) names: Box<[Name]>,
    /// The identifiers, folded: the id, then the dates, a source's reference and address,
    /// each after ` | `. A match here outranks one in prose.
    pub(crate) ids: Box<str>,
    /// The length of the id at the start of `ids`.
    id_len: u32,
    /// The length of the record's name as written: the shorter name ranks first among equals.
    pub(crate) name_len: u32,
    /// Everything else worth finding (see `searchable`), folded and joined.
    pub(crate) text: Box<str>,
    /// The keys of the capitalised words of `text` (the names in it), each followed by a space,
    /// so that `mujahedin` finds "Mojahedin" in a summary.
    pub(crate) text_keys: Box<str>,
    /// `letters` of all the names, of all their keys, of `ids`, `text` and `text_keys`: kept
    /// here, beside each other for every record, so a record that lacks a word is passed over
    /// without reading its strings.
    pub(crate) names_letters: u64,
    pub(crate) keys_letters_of_names: u64,
    pub(crate) ids_letters: u64,
    pub(crate) text_letters: u64,
    pub(crate) keys_letters: u64,
}

impl ArchivedEntry {
    /// The record's id, folded.
    pub(crate) fn id(&self) -> &str {
        &self.ids[..self.id_len()]
    }

    pub(crate) fn id_len(&self) -> usize {
        self.id_len.to_native() as usize
    }
}

impl ArchivedName {
    pub(crate) fn starts_at(&self, at: usize) -> bool {
        at < 128 && self.starts.to_native() & (1 << at) != 0
    }
}

/// How many entries are archived together: a chunk is archived, checked and written on its
/// own, so the work is shared between cores and no archive nears rkyv's 2 GiB offsets.
pub(crate) const CHUNK: usize = 4_096;

/// One chunk's entries, as archived.
#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub(crate) struct Entries {
    pub(crate) entries: Vec<Entry>,
}

type EntriesRef<'a> = &'a ArchivedEntries;

self_cell::self_cell!(
    /// A chunk's archive and its entries, checked once and then read where they lie.
    struct Chunk {
        owner: Bytes,
        #[covariant]
        dependent: EntriesRef,
    }
);

impl Chunk {
    /// A chunk's bytes, checked (rkyv's bytecheck).
    fn checked(bytes: Bytes) -> Result<Chunk, rkyv::rancor::Error> {
        Chunk::try_new(bytes, |b| {
            rkyv::access::<ArchivedEntries, rkyv::rancor::Error>(b)
        })
    }
}

/// Every record's entry, in list order, in rkyv's archived form: searched where it lies rather
/// than copied out (the copy was as big as the text itself), and written to the index file as
/// it is.
pub(crate) struct Haystacks {
    chunks: Vec<Chunk>,
    len: usize,
}

impl std::fmt::Debug for Haystacks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Haystacks")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl crate::layered::Base for Haystacks {
    type Item = ArchivedEntry;
    type Own = OneEntry;

    fn len(&self) -> usize {
        self.len
    }

    fn item(&self, i: usize) -> &ArchivedEntry {
        &self.chunks[i / CHUNK].borrow_dependent().entries[i % CHUNK]
    }
}

type EntryRef<'a> = &'a ArchivedEntry;

self_cell::self_cell!(
    struct OneCell {
        owner: Bytes,
        #[covariant]
        dependent: EntryRef,
    }
);

/// One entry archived on its own: one a live reload made again (`patch`).
#[derive(Clone)]
pub(crate) struct OneEntry(std::sync::Arc<OneCell>);

impl OneEntry {
    pub(crate) fn new(entry: &Entry) -> OneEntry {
        let bytes =
            rkyv::to_bytes::<rkyv::rancor::Error>(entry).expect("an entry archives into memory");
        let cell = OneCell::try_new(bytes, |b| {
            rkyv::access::<ArchivedEntry, rkyv::rancor::Error>(b)
        })
        .expect("an entry just archived checks out");
        OneEntry(std::sync::Arc::new(cell))
    }
}

impl std::ops::Deref for OneEntry {
    type Target = ArchivedEntry;

    fn deref(&self) -> &ArchivedEntry {
        self.0.borrow_dependent()
    }
}

impl Haystacks {
    /// Archive one chunk's entries, made now.
    fn archive(entries: Vec<Entry>) -> Chunk {
        // Archiving into memory fails only past rkyv's 2 GiB offsets, which a chunk of CHUNK
        // entries of files of at most the file-size limit does not reach in practice.
        let mut bytes = rkyv::to_bytes::<rkyv::rancor::Error>(&Entries { entries })
            .expect("a chunk of entries archives into memory");
        // The buffer grew by doubling: up to twice the archive, kept as long as the catalog.
        bytes.shrink_to_fit();
        Chunk::checked(bytes).expect("a chunk just archived checks out")
    }

    /// Chunks read back from the index file, each checked (rkyv's bytecheck); `None` if one
    /// does not check out or they do not hold `len` entries, `CHUNK` to each but the last.
    pub(crate) fn from_chunks(chunks: Vec<Bytes>, len: usize) -> Option<Haystacks> {
        use rayon::prelude::*;
        let chunks: Vec<Chunk> = chunks
            .into_par_iter()
            .map(|bytes| Chunk::checked(bytes).ok())
            .collect::<Option<_>>()?;
        let sizes_right = chunks.len() == len.div_ceil(CHUNK)
            && chunks
                .iter()
                .enumerate()
                .all(|(i, c)| c.borrow_dependent().entries.len() == CHUNK.min(len - i * CHUNK));
        sizes_right.then_some(Haystacks { chunks, len })
    }

    /// Each chunk's archive, to write to the index file.
    pub(crate) fn chunk_bytes(&self) -> impl Iterator<Item = &[u8]> {
        self.chunks.iter().map(|c| c.borrow_owner().as_slice())
    }
}

impl Haystacks {
    /// `name_of` resolves an id to the shown name of its record, so that an incident is found
    /// by the names of its camp, its participants and the organisations it names, and not only
    /// by their ids.
    ///
    /// `kept` holds, beside each record, an entry made for it before that is still true (read
    /// back from the index after a reload, where neither the record nor a record it names
    /// changed); the others are made now. It may be shorter than `records`.
    pub(crate) fn build<'a, R: std::borrow::Borrow<Record> + Sync>(
        records: &'a [R],
        kept: Vec<Option<Entry>>,
        name_of: impl Fn(&str) -> Option<&'a str> + Sync,
    ) -> Haystacks {
        use rayon::prelude::*;
        // A chunk at a time, each archived as soon as it is made: never every entry twice.
        let mut kept = kept.into_iter();
        let parts: Vec<(&[R], Vec<Option<Entry>>)> = records
            .chunks(CHUNK)
            .map(|part| (part, kept.by_ref().take(part.len()).collect()))
            .collect();
        let chunks = parts
            .into_par_iter()
            .map(|(part, mut kept)| {
                // Within a chunk too: a list of 4,096 records (the first a first load shows) is
                // one chunk.
                kept.resize_with(part.len(), || None);
                Haystacks::archive(
                    part.par_iter()
                        .zip(kept)
                        .map(|(r, kept)| kept.unwrap_or_else(|| entry(r.borrow(), &name_of)))
                        .collect(),
                )
            })
            .collect();
        Haystacks {
            chunks,
            len: records.len(),
        }
    }
}

pub(crate) fn entry<'a>(
    r: &'a Record,
    name_of: &(impl Fn(&str) -> Option<&'a str> + Sync),
) -> Entry {
    let names: Box<[Name]> = std::iter::once(&r.name)
        .chain(&r.aliases)
        .map(|t| Name::new(t.shown()))
        .collect();
    let mut ids = fold(&r.id);
    let id_len = ids.len() as u32;
    let mut text = String::new();
    let mut text_keys = String::new();
    searchable(r, name_of, &mut |field, s| {
        if IDENTIFIERS.contains(&field) {
            ids.push_str(" | ");
            ids.extend(s.chars().filter_map(fold::fold_char));
            return;
        }
        text.extend(s.chars().filter_map(fold::fold_char));
        // A separator no word contains, so that two fields never run into one word.
        text.push_str(" | ");
        for word in capitalised(s) {
            text_keys.push_str(&fold::word_key(&fold(word)));
            text_keys.push(' ');
        }
    });
    Entry {
        names_letters: names.iter().fold(0, |bits, n| bits | n.letters),
        keys_letters_of_names: names.iter().fold(0, |bits, n| bits | n.key_letters),
        names,
        ids_letters: letters(&ids),
        text_letters: letters(&text),
        keys_letters: letters(&text_keys),
        ids: ids.into_boxed_str(),
        id_len,
        name_len: r.name.raw().len().try_into().unwrap_or(u32::MAX),
        text: text.into_boxed_str(),
        text_keys: text_keys.into_boxed_str(),
    }
}

/// The fields that identify a record as its id does: a search for a date or a reference finds
/// the record dated so, or the document so numbered, before those that mention it.
const IDENTIFIERS: [&str; 3] = ["date", "reference", "url"];

/// The words of shown text that start with a capital letter: the names in a summary.
pub(crate) fn capitalised(shown: &str) -> impl Iterator<Item = &str> {
    shown
        .split(|c: char| !(c.is_alphanumeric() || fold::is_ignorable(c)))
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && w.len() > 2)
}

/// Each piece of a record's text that identifies it, other than its name and aliases, with the
/// field it is in: what the text haystack is built from, and where a snippet is looked for.
/// Identifying, not everything: a citation's locator or a figure's note is not.
pub(crate) fn searchable<'a>(
    r: &'a Record,
    name_of: &dyn Fn(&str) -> Option<&'a str>,
    push: &mut dyn FnMut(&'static str, &str),
) {
    let mut field = |label: &'static str, s: &str| {
        if !s.trim().is_empty() {
            push(label, s);
        }
    };
    if let Some(t) = &r.summary {
        field("summary", t.shown());
    }
    if let Some(t) = &r.notes {
        field("notes", t.shown());
    }
    for t in &r.tags {
        field("tag", t.shown());
    }
    // The record's own dates identify it; a figure's or an office's date only mentions one.
    let own: Vec<&DateText> = match &r.body {
        Body::Person(p) => p.died.0.iter().map(|c| &c.date).collect(),
        Body::Camp(c) => c.closed.0.iter().map(|c| &c.date).collect(),
        _ => Vec::new(),
    };
    let own: Vec<&DateText> = r.dates().0.iter().map(|c| &c.date).chain(own).collect();
    for d in r.all_dates() {
        let label = if own.iter().any(|o| std::ptr::eq(*o, d)) {
            "date"
        } else {
            "other date"
        };
        field(label, d.text.shown());
    }
    body_fields(r, name_of, &mut field);
}

/// The fields of `searchable` that belong to one kind of record.
fn body_fields<'a>(
    r: &'a Record,
    name_of: &dyn Fn(&str) -> Option<&'a str>,
    field: &mut dyn FnMut(&'static str, &str),
) {
    // An organisation named by its record is found by the record's name; one named in words,
    // by those words.
    let party = |p: &'a crate::model::Party| {
        let written = p.written();
        match p.organization() {
            Some(r) => name_of(r.id.raw()).unwrap_or(written.shown()),
            None => written.shown(),
        }
    };
    match &r.body {
        Body::Person(p) => {
            if let Some(t) = &p.nationality {
                field("nationality", t.shown());
            }
            for a in &p.affiliations {
                field("affiliation", party(a));
            }
            if let Some(t) = &p.status {
                field("status", t.shown());
            }
            for pos in &p.positions {
                field("position", pos.title.shown());
                if let Some(o) = &pos.organisation {
                    field("position", o.shown());
                }
            }
            for c in &p.camps {
                field("camp", name_of(c.id.raw()).unwrap_or_default());
            }
        }
        Body::Incident(i) => {
            if let Some(t) = &i.kind {
                field("type", t.shown());
            }
            if let Some(t) = &i.place {
                field("place", t.shown());
            }
            if let Some(c) = &i.camp {
                field("camp", name_of(c.id.raw()).unwrap_or_default());
            }
            for p in &i.participants {
                for r in p.person.iter().chain(&p.organization) {
                    field("participant", name_of(r.id.raw()).unwrap_or_default());
                }
                if let Some(t) = &p.group {
                    field("participant", t.shown());
                }
                for t in p.role.iter().chain(&p.act) {
                    field("participant", t.shown());
                }
            }
            for f in &i.figures {
                if let Some(t) = &f.what {
                    field("figure", t.shown());
                }
            }
        }
        Body::Camp(c) => {
            if let Some(l) = &c.location {
                for t in l.country.iter().chain(&l.province).chain(&l.description) {
                    field("location", t.shown());
                }
            }
            if let Some(t) = &c.area {
                field("area", t.shown());
            }
            for ctl in &c.control {
                field("control", ctl.by.shown());
            }
        }
        Body::Source(s) => {
            if let Some(p) = &s.publisher {
                field("publisher", party(p));
            }
            if let Some(t) = &s.kind {
                field("type", t.shown());
            }
            if let Some(t) = &s.reference {
                let written = t.shown();
                field("reference", written);
                // `MDE 14/010/2013` is also typed `MDE14/010/2013`.
                let joined: String = written.split_whitespace().collect();
                if joined != written {
                    field("reference", &joined);
                }
            }
            if let Some(t) = &s.perspective {
                field("perspective", t.shown());
            }
            if let Some(t) = &s.url {
                field("url", t.shown());
            }
        }
        Body::Organization(o) => {
            if let Some(t) = &o.kind {
                field("type", t.shown());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layered::Base;

    fn people(n: usize) -> Vec<Record> {
        (0..n)
            .map(|i| {
                let (r, d) = crate::load::parse_record(
                    &format!("people/p{i}.yaml"),
                    crate::model::Kind::Person,
                    &format!("name: Person {i}\nsources: [s]\n"),
                );
                assert!(d.is_empty(), "{d:?}");
                r.unwrap()
            })
            .collect()
    }

    /// Entries past the first chunks are where their index says, as built and as read back
    /// from the bytes an index file holds.
    #[test]
    fn entries_are_found_across_chunks_built_and_read_back() {
        let n = 2 * CHUNK + 5;
        let records = people(n);
        let built = Haystacks::build(&records, (0..n).map(|_| None).collect(), |_| None);
        let chunks = |h: &Haystacks| -> Vec<Bytes> {
            h.chunk_bytes()
                .map(|b| {
                    let mut copy = Bytes::new();
                    copy.extend_from_slice(b);
                    copy
                })
                .collect()
        };
        let read_back = Haystacks::from_chunks(chunks(&built), n).expect("the chunks check out");
        for h in [&built, &read_back] {
            assert_eq!(h.len(), n);
            for i in [0, CHUNK - 1, CHUNK, 2 * CHUNK, n - 1] {
                assert_eq!(h.item(i).id(), format!("p{i}"));
                assert_eq!(&*h.item(i).names[0].folded, format!("person {i}"));
            }
        }
        assert!(Haystacks::from_chunks(chunks(&built), n + 1).is_none());
        let mut short = chunks(&built);
        short.pop();
        assert!(Haystacks::from_chunks(short, n).is_none());
    }
}
