//! The catalog: every record of a folder, built once and then only read.
//!
//! Building it checks what no single file can: that ids are unique across kinds and that every
//! reference points at a record of the right kind. It then keeps the lookups the browser and
//! the CLI need: by id, by kind, the links a record makes and the backlinks pointing at it, and
//! the search haystacks. A reload builds a new catalog, or patches one from the catalog shown
//! (`patch`), and swaps it in whole; the catalog itself never changes.

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::haystack::{ArchivedEntry, Entry, Haystacks};
use crate::layered::{Base, Layered, Place};
use crate::load::{self, Limits, LoadError};
use crate::model::{Kind, LinkField, Record, id_key, look_alike_key};
use crate::shelf::Shelf;

/// Dangling links that get a did-you-mean hint.
const MAX_SUGGESTIONS: usize = 200;

/// Position of a record in the catalog's list.
pub type RecordIdx = u32;

/// A record pointing at another one.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
)]
pub struct Backlink {
    pub from: RecordIdx,
    pub field: LinkField,
}

/// A reference made by a record, resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub field: LinkField,
    /// `None` when the id names no record (a diagnostic says so).
    pub to: Option<RecordIdx>,
}

/// A catalog's records as built: in memory, or in the index file until asked for (`shelf`).
#[derive(Debug)]
pub(crate) enum Records {
    Held(Vec<Record>),
    Shelved(Shelf),
}

impl Base for Records {
    type Item = Record;
    type Own = std::sync::Arc<Record>;

    fn len(&self) -> usize {
        match self {
            Records::Held(v) => v.len(),
            Records::Shelved(s) => s.len(),
        }
    }

    fn item(&self, i: usize) -> &Record {
        match self {
            Records::Held(v) => &v[i],
            Records::Shelved(s) => s.get(i),
        }
    }
}

impl Records {
    /// A record's file, without reading the record.
    fn path(&self, i: usize) -> &str {
        match self {
            Records::Held(v) => &v[i].path,
            Records::Shelved(s) => s.path(i),
        }
    }
}

impl load::Progress {
    /// Progress whose load, where it reads every file, hands `partial` a list of the records
    /// read so far now and then (`Catalog::partial`): after 4,096 files, then each time four
    /// times as many have been read. A load that keeps records from the index hands over none.
    pub fn with_partials(partial: impl Fn(Catalog) + Send + Sync + 'static) -> load::Progress {
        load::Progress::with_partials_after(load::first_partial(), partial)
    }

    pub(crate) fn with_partials_after(
        first: usize,
        partial: impl Fn(Catalog) + Send + Sync + 'static,
    ) -> load::Progress {
        load::Progress::with_read_so_far(
            first,
            Box::new(move |so_far| partial(Catalog::partial(so_far))),
        )
    }
}

#[derive(Debug)]
pub struct Catalog {
    pub(crate) root: PathBuf,
    /// Sorted by kind, then date (incidents) or name (`sort_key`).
    pub(crate) records: Layered<Records>,
    /// Each record's id and kind, in list order: what a lookup or a count needs without
    /// the record itself.
    pub(crate) ids: Vec<Box<str>>,
    pub(crate) kinds: Vec<Kind>,
    pub(crate) by_id: HashMap<Box<str>, RecordIdx>,
    pub(crate) backlinks: Vec<Vec<Backlink>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// In list order, beside the records.
    pub(crate) haystacks: Layered<Haystacks>,
}

impl Catalog {
    /// Load a folder and build its catalog.
    pub fn open(root: &Path, limits: Limits) -> Result<Catalog, LoadError> {
        Catalog::open_with(root, limits, &load::Progress::default())
    }

    /// `open`, counting files in `progress` as they are read.
    pub fn open_with(
        root: &Path,
        limits: Limits,
        progress: &load::Progress,
    ) -> Result<Catalog, LoadError> {
        let loaded = load::load_dir_with(root, limits, progress)?;
        // Absolute, so the editor gets a path that works from any directory.
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_owned());
        Ok(Catalog::assemble(root, loaded))
    }

    pub fn build(root: PathBuf, records: Vec<Record>, diagnostics: Vec<Diagnostic>) -> Catalog {
        Catalog::assemble(
            root,
            load::Loaded {
                records,
                diagnostics,
                unread: Vec::new(),
            },
        )
    }

    pub(crate) fn assemble(root: PathBuf, loaded: load::Loaded) -> Catalog {
        Catalog::assemble_keeping(root, loaded, HashMap::new(), &HashSet::new())
    }

    /// `assemble`, keeping the search entries of `kept` (by file) for records that link to
    /// none of the ids in `changed` (the records read again, added or gone): the names an entry
    /// holds of the records it links to are then still true.
    pub(crate) fn assemble_keeping(
        root: PathBuf,
        loaded: load::Loaded,
        mut kept: HashMap<Box<str>, Entry>,
        changed: &HashSet<String>,
    ) -> Catalog {
        let load::Loaded {
            mut records,
            mut diagnostics,
            unread,
        } = loaded;
        // Keys computed once per record, not per comparison.
        records.par_sort_by_cached_key(sort_key);

        drop_duplicate_ids(&mut records, &mut diagnostics);

        let by_id: HashMap<Box<str>, RecordIdx> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (id_key(&r.id).into(), i as RecordIdx))
            .collect();

        let unread = UnreadFolders::new(&unread);
        let backlinks = resolve_links(&records, &by_id, &unread, Some(&mut diagnostics));
        unread.note_consequences(&mut diagnostics);

        // A folder that could not be read first: the rest may follow from it. Then errors, then
        // warnings, each in file order: what stops a record loading is what to fix first, and
        // what the status bar names first.
        diagnostics.sort_by(|a, b| {
            (
                !unread.caused(a),
                a.severity,
                a.path.as_str(),
                a.line,
                a.column,
            )
                .cmp(&(
                    !unread.caused(b),
                    b.severity,
                    b.path.as_str(),
                    b.line,
                    b.column,
                ))
        });
        diagnostics.dedup();
        let kept: Vec<Option<Entry>> = records
            .iter()
            .map(|r| {
                kept.remove(&*r.path).filter(|_| {
                    r.links()
                        .iter()
                        .all(|(_, to)| !changed.contains(&*id_key(to.id.raw())))
                })
            })
            .collect();
        let haystacks = entries(&records, &by_id, kept);
        Catalog {
            root,
            ids: records.iter().map(|r| r.id.clone()).collect(),
            kinds: records.iter().map(|r| r.kind).collect(),
            records: Layered::new(Records::Held(records)),
            by_id,
            backlinks,
            diagnostics,
            haystacks: Layered::new(haystacks),
        }
    }

    /// A catalog as `assemble` built it before, read back from the index file: only the
    /// lookup by id is built again.
    pub(crate) fn from_parts(
        root: PathBuf,
        records: Shelf,
        (ids, kinds): (Vec<Box<str>>, Vec<Kind>),
        backlinks: Vec<Vec<Backlink>>,
        diagnostics: Vec<Diagnostic>,
        haystacks: Haystacks,
    ) -> Catalog {
        let by_id = ids
            .par_iter()
            .enumerate()
            .map(|(i, id)| (id_key(id).into(), i as RecordIdx))
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        Catalog {
            root,
            records: Layered::new(Records::Shelved(records)),
            ids,
            kinds,
            by_id,
            backlinks,
            diagnostics,
            haystacks: Layered::new(haystacks),
        }
    }

    /// A list of the records a first load has read so far (`load::Progress::with_partials`),
    /// for the browser to show while it reads the rest. Their search entries and the links
    /// between them are made as a load makes them; each record is read again from its file
    /// when shown (`Shelf` without an index), since the load keeps its own. Nothing is said
    /// of problems: a link may name a record not read yet, and the load says the rest.
    pub(crate) fn partial(so_far: load::ReadSoFar) -> Catalog {
        let load::ReadSoFar {
            records: mut read,
            abs_root,
            canonical_root,
            limits,
        } = so_far;
        read.par_sort_by_cached_key(|r| sort_key(r));
        // The first of two records with one id (a load drops both, and says so).
        let mut by_id = HashMap::with_capacity(read.len());
        let mut records = Vec::with_capacity(read.len());
        for r in read {
            if let std::collections::hash_map::Entry::Vacant(v) = by_id.entry(id_key(&r.id).into())
            {
                v.insert(records.len() as RecordIdx);
                records.push(r);
            }
        }
        let backlinks = resolve_links(&records, &by_id, &UnreadFolders::new(&[]), None);
        let haystacks = entries(&records, &by_id, Vec::new());
        let shelf = Shelf::new(
            None,
            records.iter().map(|r| (r.path.clone(), r.kind)).collect(),
            canonical_root.to_owned(),
            limits,
        );
        Catalog {
            root: abs_root.to_owned(),
            ids: records.iter().map(|r| r.id.clone()).collect(),
            kinds: records.iter().map(|r| r.kind).collect(),
            records: Layered::new(Records::Shelved(shelf)),
            by_id,
            backlinks,
            diagnostics: Vec::new(),
            haystacks: Layered::new(haystacks),
        }
    }

    /// What `from_parts` takes, to write the index file; `None` for a patched catalog, whose
    /// entries are not in one list (its index is written by the next load).
    pub(crate) fn parts(&self) -> Option<Parts<'_>> {
        let haystacks = self.haystacks.unpatched()?;
        Some((&self.backlinks, &self.diagnostics, haystacks))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every record, in list order. A catalog read back from the index reads each from there
    /// as it goes: a caller that needs only ids or kinds asks for those (`id`, `kind`).
    pub fn records(&self) -> impl ExactSizeIterator<Item = &Record> + '_ {
        (0..self.records.len()).map(|i| self.records.get(i))
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.len() == 0
    }

    pub fn get(&self, idx: RecordIdx) -> &Record {
        self.records.get(idx as usize)
    }

    /// A record's id, without reading the record.
    pub fn id(&self, idx: RecordIdx) -> &str {
        &self.ids[idx as usize]
    }

    pub fn kind(&self, idx: RecordIdx) -> Kind {
        self.kinds[idx as usize]
    }

    /// The record with this id; ids compare in Unicode NFC (see `model::id_key`).
    pub fn idx(&self, id: &str) -> Option<RecordIdx> {
        self.by_id.get(&*id_key(id)).copied()
    }

    pub fn by_id(&self, id: &str) -> Option<&Record> {
        self.idx(id).map(|i| self.get(i))
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// A record's search entry.
    pub(crate) fn entry(&self, idx: RecordIdx) -> &ArchivedEntry {
        self.haystacks.get(idx as usize)
    }

    /// A record's file, relative to the root, without reading the record.
    pub(crate) fn path(&self, idx: RecordIdx) -> &str {
        match self.records.place(idx as usize) {
            Place::Base(j) => self.records.base().path(j as usize),
            Place::Own(_) => &self.get(idx).path,
        }
    }

    /// The records pointing at this one ("mentioned in").
    /// An organisation as a field names it: the organisation's name when the field links to
    /// a record of it, else the words written.
    pub fn party_name(&self, party: &crate::model::Party) -> String {
        match party {
            crate::model::Party::Named(t) => t.shown().to_owned(),
            crate::model::Party::Organization(r) => self
                .by_id(r.id.raw())
                .map_or_else(|| r.id.shown().to_owned(), |o| o.name.shown().to_owned()),
        }
    }

    /// The fact that tells a record apart in a list (see `Record::subtitle`).
    pub fn subtitle(&self, record: &Record) -> String {
        record.subtitle(&|p| self.party_name(p))
    }

    pub fn backlinks(&self, idx: RecordIdx) -> &[Backlink] {
        &self.backlinks[idx as usize]
    }

    /// The references a record makes, resolved, in the order they were written.
    pub fn links(&self, idx: RecordIdx) -> Vec<(LinkField, Option<RecordIdx>)> {
        self.get(idx)
            .links()
            .into_iter()
            .map(|(field, r)| (field, self.idx(r.id.raw())))
            .collect()
    }

    /// Count of records by kind, in `Kind::ALL` order.
    pub fn counts(&self) -> [usize; Kind::ALL.len()] {
        let mut counts = [0; Kind::ALL.len()];
        for &k in &self.kinds {
            counts[k as usize] += 1;
        }
        counts
    }

    /// The absolute path of a record's file.
    pub fn file_path(&self, record: &Record) -> PathBuf {
        self.root.join(&*record.path)
    }
}

/// What an index file is written from, beside the records.
pub(crate) type Parts<'a> = (&'a [Vec<Backlink>], &'a [Diagnostic], &'a Haystacks);

/// The list order: by kind, then incidents by their earliest possible day, then by name
/// folded (so Ja’far sorts with Jafar and accents do not push a name to the end), then by
/// file.
pub(crate) fn sort_key(r: &Record) -> (Kind, Option<crate::date::Day>, String, Box<str>) {
    let day = match r.kind {
        Kind::Incident => r.dates().earliest(),
        _ => None,
    };
    (
        r.kind,
        day,
        crate::haystack::fold(r.name.raw()),
        r.path.clone(),
    )
}

/// The first file (in path order) keeps a duplicated id; the others are reported and left out.
/// Ids are the same when their NFC forms are (a name typed on Linux and one saved by macOS);
/// ids that differ only in capitals (or in compatibility forms: `ﬁ` and `fi`) are two records,
/// but look alike, so the second gets a warning naming the first.
fn drop_duplicate_ids(records: &mut Vec<Record>, diagnostics: &mut Vec<Diagnostic>) {
    let mut first_path: HashMap<std::borrow::Cow<'_, str>, (&str, &str)> = HashMap::new();
    let mut first_alike: HashMap<String, (&str, &str)> = HashMap::new();
    let mut duplicates = Vec::new();
    let mut by_path: Vec<usize> = (0..records.len()).collect();
    by_path.sort_by(|&a, &b| records[a].path.cmp(&records[b].path));
    for i in by_path {
        let r = &records[i];
        let at = crate::model::Pos {
            line: r.line,
            col: 1,
        };
        let key = id_key(&r.id);
        if let Some(&(first, first_id)) = first_path.get(&key) {
            let d = if first_id == &*r.id {
                Diagnostic::error(&r.path, at, format!("duplicate id `{}`: also used by {first}", r.id))
                    .hint("ids are unique across all kinds; rename one of the files (or change its `id:`)")
            } else {
                // The two names look the same on screen: spell them out to tell them apart.
                Diagnostic::error(
                    &r.path,
                    at,
                    format!(
                        "duplicate id `{}`: {first} has the same name with its accents written differently (`{}` here, `{}` there)",
                        r.id,
                        code_points(&r.id),
                        code_points(first_id)
                    ),
                )
                .hint("ids are compared in Unicode NFC; rename one of the files")
            };
            diagnostics.push(d);
            duplicates.push(i);
            continue;
        }
        let alike = look_alike_key(&r.id);
        if let Some(&(first, first_id)) = first_alike.get(&alike) {
            diagnostics.push(
                Diagnostic::warning(
                    &r.path,
                    at,
                    format!("id `{}` looks like `{first_id}` of {first}", r.id),
                )
                .hint("links name ids exactly, capitals included; on macOS and Windows the two files would be one: rename one of them"),
            );
        } else {
            first_alike.insert(alike, (&r.path, &r.id));
        }
        first_path.insert(key, (&r.path, &r.id));
    }
    drop(first_path);
    drop(first_alike);
    // One pass, not a `remove` per duplicate: a folder of copies must not load in quadratic time.
    let mut duplicate = vec![false; records.len()];
    for i in duplicates {
        duplicate[i] = true;
    }
    let mut i = 0;
    records.retain(|_| {
        i += 1;
        !duplicate[i - 1]
    });
}

/// Every character that is not ASCII as `\u{hex}`, so two spellings that look alike differ.
fn code_points(s: &str) -> String {
    use std::fmt::Write;
    s.chars().fold(String::new(), |mut out, c| {
        if c.is_ascii() {
            out.push(c);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        out
    })
}

/// Folders that could not be read, and the links their missing records leave dangling. Those
/// links are consequences, not causes: one line says how many, after the folder's own problem,
/// rather than one "no person with id" per link burying it.
struct UnreadFolders {
    /// Relative paths, as the diagnostics show them.
    folders: Vec<String>,
    /// The kinds whose records may be among the missing, with the links to them left unchecked.
    kinds: Vec<(Kind, std::cell::Cell<usize>)>,
}

impl UnreadFolders {
    fn new(folders: &[String]) -> UnreadFolders {
        let mut kinds: Vec<(Kind, std::cell::Cell<usize>)> = Vec::new();
        for f in folders {
            if let Some(k) = Kind::from_folder(f.split('/').next().unwrap_or_default())
                && !kinds.iter().any(|(have, _)| *have == k)
            {
                kinds.push((k, std::cell::Cell::new(0)));
            }
        }
        let folders = folders
            .iter()
            .map(|f| crate::text::shown(f).into_owned())
            .collect();
        UnreadFolders { folders, kinds }
    }

    /// Whether a link to no record may be to a record of an unread folder; if so it is counted.
    fn explains(&self, want: Option<Kind>) -> bool {
        let Some((_, count)) = self
            .kinds
            .iter()
            .find(|(k, _)| want.is_none_or(|w| w == *k))
        else {
            return false;
        };
        count.set(count.get() + 1);
        true
    }

    /// The problem of an unread folder, which goes first.
    fn caused(&self, d: &Diagnostic) -> bool {
        d.line == 0 && self.folders.contains(&d.path)
    }

    /// Add to each unread folder's problem how many links it left unchecked.
    fn note_consequences(&self, diagnostics: &mut [Diagnostic]) {
        for (kind, count) in &self.kinds {
            let n = count.get();
            if n == 0 {
                continue;
            }
            let folder = diagnostics
                .iter_mut()
                .find(|d| self.caused(d) && d.path.split('/').next() == Some(kind.folder()));
            if let Some(d) = folder {
                let links = crate::diagnostic::plural(n, "link");
                d.hint = Some(format!(
                    "check the permissions of this folder; {links} to records that may be in it could not be checked"
                ));
            }
        }
    }
}

/// Check every reference and collect the backlinks of each record, each link resolved through
/// `by_id`; what does not resolve is said in `diagnostics`, unless that is `None` (a partial
/// list, whose links may name records not read yet).
fn resolve_links<R: Borrow<Record>>(
    records: &[R],
    by_id: &HashMap<Box<str>, RecordIdx>,
    unread: &UnreadFolders,
    mut diagnostics: Option<&mut Vec<Diagnostic>>,
) -> Vec<Vec<Backlink>> {
    let mut backlinks: Vec<Vec<Backlink>> = vec![Vec::new(); records.len()];
    let mut suggested = 0usize;
    for (i, r) in records.iter().enumerate() {
        let r = r.borrow();
        for (field, reference) in r.links() {
            let id = reference.id.raw();
            if id.is_empty() {
                continue; // reported by the loader
            }
            match by_id.get(&*id_key(id)) {
                Some(&target) => {
                    let target_kind = records[target as usize].borrow().kind;
                    match field.target() {
                        Some(want) if want != target_kind => {
                            if let Some(diagnostics) = diagnostics.as_deref_mut() {
                                diagnostics.push(
                                    Diagnostic::error(
                                        &r.path,
                                        reference.pos,
                                        format!("`{id}` is a {target_kind}, not a {want}"),
                                    )
                                    .hint(format!("{} must name a {want}", field_phrase(field))),
                                );
                            }
                        }
                        _ => backlinks[target as usize].push(Backlink {
                            from: i as RecordIdx,
                            field,
                        }),
                    }
                }
                None if unread.explains(field.target()) => {}
                None => {
                    let Some(diagnostics) = diagnostics.as_deref_mut() else {
                        continue;
                    };
                    let want = field.target();
                    // Each suggestion scans every id: offer them for the first few dangling
                    // links only, so a folder full of broken links still loads in linear time.
                    suggested += 1;
                    let near = (suggested <= MAX_SUGGESTIONS)
                        .then(|| {
                            let candidates = records
                                .iter()
                                .map(Borrow::borrow)
                                .filter(|c: &&Record| want.is_none_or(|k| c.kind == k))
                                .map(|c| &*c.id);
                            did_you_mean(id, candidates)
                        })
                        .flatten();
                    let hint = match near {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => match want {
                            Some(k) => {
                                format!("create {}/{id}.yaml, or correct the id", k.folder())
                            }
                            None => "correct the id, or create the record".into(),
                        },
                    };
                    let what = want.map_or("record", Kind::name);
                    diagnostics.push(
                        Diagnostic::error(
                            &r.path,
                            reference.pos,
                            format!("no {what} with id `{id}`"),
                        )
                        .hint(hint),
                    );
                }
            }
        }
    }
    for list in &mut backlinks {
        list.sort_unstable();
        list.dedup();
    }
    backlinks
}

/// The search entries of `records` (`kept` where given), the ids they link to named through
/// `by_id`.
fn entries<R: Borrow<Record> + Sync>(
    records: &[R],
    by_id: &HashMap<Box<str>, RecordIdx>,
    kept: Vec<Option<Entry>>,
) -> Haystacks {
    Haystacks::build(records, kept, |id| {
        by_id
            .get(&*id_key(id))
            .map(|&i| records[i as usize].borrow().name.shown())
    })
}

fn field_phrase(field: LinkField) -> &'static str {
    match field {
        LinkField::Source => "a citation",
        LinkField::Camp => "an incident's `camp`",
        LinkField::Camps => "each of a person's `camps`",
        LinkField::Participant => "a participant's `person`",
        LinkField::Party => "a participant's `organization`",
        LinkField::Affiliation => "an affiliation's `organization`",
        LinkField::Publisher => "a publisher's `organization`",
        LinkField::Related => "`related`",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_record;

    fn catalog(files: &[(&str, &str)]) -> Catalog {
        let mut records = Vec::new();
        let mut diags = Vec::new();
        for (path, text) in files {
            let kind = Kind::from_folder(path.split('/').next().unwrap()).unwrap();
            let (r, d) = parse_record(path, kind, text);
            records.extend(r);
            diags.extend(d);
        }
        Catalog::build(PathBuf::from("/cases"), records, diags)
    }

    const SOURCE: (&str, &str) = ("sources/ai.yaml", "title: A release\n");

    #[test]
    fn links_resolve_and_backlinks_point_home() {
        let c = catalog(&[
            SOURCE,
            ("camps/liberty.yaml", "name: Camp Liberty\nsources: [ai]\n"),
            ("people/ks.yaml", "name: K S\nsources: [ai]\n"),
            (
                "incidents/attack.yaml",
                "name: Attack\ncamp: liberty\nparticipants:\n  - person: ks\n    role: victim\nsources: [ai]\n",
            ),
        ]);
        assert!(c.diagnostics().is_empty(), "{:?}", c.diagnostics());
        let ks = c.idx("ks").unwrap();
        let attack = c.idx("attack").unwrap();
        assert_eq!(
            c.backlinks(ks),
            [Backlink {
                from: attack,
                field: LinkField::Participant
            }]
        );
        let cites: Vec<_> = c
            .backlinks(c.idx("ai").unwrap())
            .iter()
            .map(|b| &*c.get(b.from).id)
            .collect();
        assert_eq!(cites, ["ks", "attack", "liberty"]);
    }

    #[test]
    fn dangling_and_wrong_kind_references_are_errors_at_the_reference() {
        let c = catalog(&[
            SOURCE,
            ("people/ks.yaml", "name: K S\nsources: [ai]\n"),
            (
                "incidents/attack.yaml",
                "name: Attack\ncamp: ks\nparticipants:\n  - person: kss\nsources: [ai, nope]\n",
            ),
        ]);
        let got: Vec<_> = c
            .diagnostics()
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{} {} / {}",
                    d.path,
                    d.line,
                    d.column,
                    d.message,
                    d.hint.as_deref().unwrap_or("")
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "incidents/attack.yaml:2:7 `ks` is a person, not a camp / an incident's `camp` must name a camp",
                "incidents/attack.yaml:4:13 no person with id `kss` / did you mean `ks`?",
                "incidents/attack.yaml:5:15 no source with id `nope` / create sources/nope.yaml, or correct the id",
            ]
        );
    }

    #[test]
    fn duplicate_ids_across_kinds_keep_the_first_file() {
        let c = catalog(&[
            SOURCE,
            ("people/ashraf.yaml", "name: Ashraf Rajavi\nsources: [ai]\n"),
            ("camps/ashraf.yaml", "name: Camp Ashraf\nsources: [ai]\n"),
        ]);
        assert_eq!(c.len(), 2);
        assert_eq!(c.by_id("ashraf").unwrap().kind, Kind::Camp);
        let d = &c.diagnostics()[0];
        assert_eq!(d.path, "people/ashraf.yaml");
        assert_eq!(
            d.message,
            "duplicate id `ashraf`: also used by camps/ashraf.yaml"
        );
    }

    #[test]
    fn links_to_a_broken_file_still_resolve() {
        let c = catalog(&[
            SOURCE,
            ("people/ks.yaml", "name: K S\nsatus: x\n"),
            (
                "incidents/a.yaml",
                "name: A\nparticipants:\n  - person: ks\nsources: [ai]\n",
            ),
        ]);
        let msgs: Vec<_> = c.diagnostics().iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs, ["unknown field `satus` in a person record"]);
        assert!(c.by_id("ks").unwrap().broken);
    }

    #[test]
    fn incidents_sort_by_earliest_possible_day() {
        let c = catalog(&[
            SOURCE,
            (
                "incidents/b.yaml",
                "name: B\ndate: 2013-09-01\nsources: [ai]\n",
            ),
            ("incidents/a.yaml", "name: A\ndate: 2013\nsources: [ai]\n"),
            (
                "incidents/c.yaml",
                "name: C\ndate: 2009-07~\nsources: [ai]\n",
            ),
        ]);
        let order: Vec<_> = c
            .records()
            .filter(|r| r.kind == Kind::Incident)
            .map(|r| &*r.id)
            .collect();
        assert_eq!(order, ["c", "a", "b"]);
    }
}

#[cfg(test)]
mod partial_tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A load asked for partial lists hands over the records read so far, four times as many
    /// each time; each list holds them as the whole catalog does (same order, same records read
    /// back from their files, same links where both ends are read), and says nothing of links
    /// to records not read yet. The whole catalog is what a load without lists makes.
    #[test]
    fn partial_lists_hold_the_records_read_so_far_as_the_catalog_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Path order: camps, incidents, people, sources; the incidents name people and a
        // source read later.
        write(
            root,
            "camps/liberty.yaml",
            "name: Camp Liberty\nsources: [ai]\n",
        );
        for i in 0..20 {
            write(
                root,
                &format!("incidents/attack-{i:02}.yaml"),
                &format!(
                    "name: Attack {i}\ndate: 2013-{:02}-01\ncamp: liberty\nparticipants:\n  - person: p-{i:02}\n    role: victim\nsources: [ai]\n",
                    i % 12 + 1
                ),
            );
            write(
                root,
                &format!("people/p-{i:02}.yaml"),
                &format!("name: Person {}\nsources: [ai]\n", 20 - i),
            );
        }
        write(root, "sources/ai.yaml", "title: A release\n");

        let parts = Arc::new(Mutex::new(Vec::new()));
        let progress = {
            let parts = Arc::clone(&parts);
            load::Progress::with_partials_after(3, move |c| parts.lock().unwrap().push(c))
        };
        let whole = Catalog::open_with(root, Limits::default(), &progress).unwrap();
        let plain = Catalog::open(root, Limits::default()).unwrap();
        let ids = |c: &Catalog| {
            (0..c.len() as RecordIdx)
                .map(|i| c.id(i).to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&whole), ids(&plain));
        assert_eq!(whole.diagnostics(), plain.diagnostics());

        let parts = parts.lock().unwrap();
        let sizes: Vec<usize> = parts.iter().map(Catalog::len).collect();
        assert_eq!(
            sizes,
            [3, 12],
            "42 files: after 3, then 12; 48 is past the end"
        );
        for part in parts.iter() {
            assert!(part.diagnostics().is_empty(), "{:?}", part.diagnostics());
            let mut at = Vec::new();
            for i in 0..part.len() as RecordIdx {
                let j = whole.idx(part.id(i)).unwrap();
                at.push(j);
                assert_eq!(format!("{:?}", part.get(i)), format!("{:?}", whole.get(j)));
                assert_eq!(part.kind(i), whole.kind(j));
                // Each backlink the list has, the catalog has; and the catalog's from records
                // the list holds too.
                let from_part: Vec<String> = part
                    .backlinks(i)
                    .iter()
                    .map(|b| format!("{} {:?}", part.id(b.from), b.field))
                    .collect();
                let from_whole: Vec<String> = whole
                    .backlinks(j)
                    .iter()
                    .filter(|b| part.idx(whole.id(b.from)).is_some())
                    .map(|b| format!("{} {:?}", whole.id(b.from), b.field))
                    .collect();
                assert_eq!(from_part, from_whole, "backlinks of {}", part.id(i));
            }
            assert!(at.is_sorted(), "in the catalog's order: {at:?}");
        }
        // The second list has the camp and the 11 first incidents, and finds them.
        let attacks = (0..parts[1].len() as RecordIdx)
            .filter(|&i| parts[1].id(i).starts_with("attack-"))
            .count();
        assert_eq!(attacks, 11);
        assert!(parts[1].backlinks(parts[1].idx("liberty").unwrap()).len() == 11);
    }
}
