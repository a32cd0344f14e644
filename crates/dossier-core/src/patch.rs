//! A live reload of the few files a save touched, without reading the folder again.
//!
//! At 100,000 records a load that reuses the index still walks and `stat`s every file, reads
//! every record back and links them all again: seconds, where an edit should be on screen as
//! soon as it is saved. A patch reads only the files touched, and makes the new catalog from
//! the one on screen: the records and search entries not touched are shared with it
//! (`layered`), the links and the order mended where the touched records are.
//!
//! It does so only where the result is sure to be what a load would make: each touched file
//! held a record before and still does, with the same id and kind, and neither the old version
//! nor the new one has a problem or a link to no record. Anything else (a file added, removed or
//! renamed, an id changed, a mistake made or fixed) may change what other records say of each
//! other, duplicates and dangling links, and is left to a load.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::haystack::{OneEntry, entry};
use crate::index::{Backlink, Catalog, RecordIdx, sort_key};
use crate::layered::{Item, Layered};
use crate::load::{self, Limits};
use crate::model::Record;

impl Catalog {
    /// The catalog with the files `touched` (relative paths) read again, or `None` where only a
    /// load can tell what changed.
    pub(crate) fn patch(&self, touched: &[String], limits: Limits) -> Option<Catalog> {
        let new = self.read_touched(touched, limits)?;
        let order = self.new_order(&new);
        let n = self.len();
        let mut removed = vec![false; n];
        let mut old_to_new = vec![0 as RecordIdx; n];
        for (at, src) in order.iter().enumerate() {
            let was = src.was(&new);
            removed[was] = matches!(src, Src::New(_));
            old_to_new[was] = at as RecordIdx;
        }
        let was = |src: &Src| src.was(&new);

        // Ids and kinds are the same; only their places moved.
        let ids = order.iter().map(|s| self.ids[was(s)].clone()).collect();
        let kinds = order.iter().map(|s| self.kinds[was(s)]).collect();
        // Cloned, then renumbered in place: no key hashed or placed again.
        let mut by_id = self.by_id.clone();
        for i in by_id.values_mut() {
            *i = old_to_new[*i as usize];
        }
        let backlinks = self.mend_backlinks(&order, &new, &removed, &old_to_new);
        let haystacks = self.mend_entries(&order, &new, &removed);
        let mut new_records: Vec<Option<Arc<Record>>> =
            new.into_iter().map(|(_, r)| Some(Arc::new(r))).collect();
        let records = self.records.rearranged(order.iter().map(|s| match *s {
            Src::Old(i) => Item::Kept(i),
            Src::New(k) => Item::New(new_records[k].take().expect("each touched record once")),
        }));
        Some(Catalog {
            root: self.root().to_owned(),
            records,
            ids,
            kinds,
            by_id,
            backlinks,
            diagnostics: self.diagnostics.clone(),
            haystacks,
        })
    }

    /// The records of the touched files read again, beside their place in this catalog; `None`
    /// unless each touched file held a record with no problem and still does, with the same id
    /// and kind, and all its links, then and now, name records of the kinds they want.
    fn read_touched(&self, touched: &[String], limits: Limits) -> Option<Vec<(RecordIdx, Record)>> {
        // A save touches a file or a few: sorted and searched, not hashed, for each of the
        // million paths it is looked for among.
        let mut touched: Vec<&str> = touched.iter().map(String::as_str).collect();
        touched.sort_unstable();
        touched.dedup();
        if touched.is_empty() {
            return None;
        }
        let shown: HashSet<std::borrow::Cow<'_, str>> =
            touched.iter().map(|p| crate::text::shown(p)).collect();
        if self
            .diagnostics
            .iter()
            .any(|d| shown.contains(d.path.as_str()))
        {
            return None;
        }
        let old: Vec<RecordIdx> = (0..self.len() as RecordIdx)
            .into_par_iter()
            .filter(|&i| touched.binary_search(&self.path(i)).is_ok())
            .collect();
        if old.len() != touched.len() {
            return None;
        }
        let canonical_root = self.root().canonicalize().ok()?;
        old.into_iter()
            .map(|i| {
                let was = self.get(i);
                let meta = std::fs::symlink_metadata(canonical_root.join(&*was.path)).ok()?;
                if !meta.is_file() || !self.links_resolve(was) {
                    return None;
                }
                let c = load::Candidate::file(&canonical_root, &was.path, was.kind);
                let read = load::read_record(&canonical_root, &c, limits, None);
                let mut r = read.record.filter(|_| read.diagnostics.is_empty())?;
                let documents = load::check_document(&canonical_root, &mut r);
                let same = r.id == was.id && r.kind == was.kind;
                (documents.is_empty() && !r.broken && same && self.links_resolve(&r))
                    .then_some((i, r))
            })
            .collect()
    }

    /// The list order after the patch: the records not touched as they were, each touched one
    /// where its key now puts it (the old list is sorted by the same key, touched records
    /// included, so a binary search over it finds the place).
    fn new_order(&self, new: &[(RecordIdx, Record)]) -> Vec<Src> {
        let n = self.len();
        let mut inserts: Vec<(usize, _, usize)> = new
            .iter()
            .enumerate()
            .map(|(k, (_, r))| {
                let key = sort_key(r);
                let at = partition(n, |i| sort_key(self.get(i as RecordIdx)) < key);
                (at, key, k)
            })
            .collect();
        inserts.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut touched: Vec<usize> = new.iter().map(|(i, _)| *i as usize).collect();
        touched.sort_unstable();
        let mut order: Vec<Src> = Vec::with_capacity(n);
        let mut next = inserts.iter().peekable();
        for i in 0..=n {
            while let Some(&&(_, _, k)) = next.peek().filter(|(at, _, _)| *at == i) {
                order.push(Src::New(k));
                next.next();
            }
            if i < n && touched.binary_search(&i).is_err() {
                order.push(Src::Old(i));
            }
        }
        order
    }

    /// Links into the touched records stay; links out of them are made again.
    fn mend_backlinks(
        &self,
        order: &[Src],
        new: &[(RecordIdx, Record)],
        removed: &[bool],
        old_to_new: &[RecordIdx],
    ) -> Vec<Vec<Backlink>> {
        let mut backlinks: Vec<Vec<Backlink>> = order
            .par_iter()
            .map(|s| {
                self.backlinks[s.was(new)]
                    .iter()
                    .filter(|b| !removed[b.from as usize])
                    .map(|b| Backlink {
                        from: old_to_new[b.from as usize],
                        field: b.field,
                    })
                    .collect()
            })
            .collect();
        let mut mended = HashSet::new();
        for (i, r) in new {
            let from = old_to_new[*i as usize];
            for (field, reference) in r.links() {
                // `read_touched` saw to it that each names a record of the right kind.
                let Some(to) = self.idx(reference.id.raw()) else {
                    continue;
                };
                let to = old_to_new[to as usize];
                backlinks[to as usize].push(Backlink { from, field });
                mended.insert(to);
            }
        }
        for to in mended {
            let list = &mut backlinks[to as usize];
            list.sort_unstable();
            list.dedup();
        }
        backlinks
    }

    /// Search entries made again: the touched records', and those of the records that name a
    /// touched one whose name changed (an entry holds the names of the records it links to).
    fn mend_entries(
        &self,
        order: &[Src],
        new: &[(RecordIdx, Record)],
        removed: &[bool],
    ) -> Layered<crate::haystack::Haystacks> {
        let touched_at = |i: RecordIdx| new.iter().position(|(was, _)| *was == i);
        let name_of = |id: &str| {
            let i = self.idx(id)?;
            Some(match touched_at(i) {
                Some(k) => new[k].1.name.shown(),
                None => self.get(i).name.shown(),
            })
        };
        let mut renamed_from = HashSet::new();
        for (i, r) in new {
            if self.get(*i).name.shown() != r.name.shown() {
                renamed_from.extend(
                    self.backlinks(*i)
                        .iter()
                        .map(|b| b.from)
                        .filter(|&f| !removed[f as usize]),
                );
            }
        }
        let mut made: std::collections::HashMap<usize, _> = renamed_from
            .into_par_iter()
            .map(|i| (i as usize, OneEntry::new(&entry(self.get(i), &name_of))))
            .collect();
        let touched: Vec<_> = new
            .par_iter()
            .map(|(_, r)| OneEntry::new(&entry(r, &name_of)))
            .collect();
        self.haystacks.rearranged(order.iter().map(|s| match *s {
            Src::Old(i) => made.remove(&i).map_or(Item::Kept(i), Item::New),
            Src::New(k) => Item::New(touched[k].clone()),
        }))
    }

    /// Whether every link a record makes names a record of the kind the link wants: a load
    /// finds no problem in them.
    fn links_resolve(&self, r: &Record) -> bool {
        r.links().into_iter().all(|(field, reference)| {
            self.idx(reference.id.raw())
                .is_some_and(|to| field.target().is_none_or(|want| self.kind(to) == want))
        })
    }
}

/// A record of the new order: one not touched (by its old index), or a touched one read again
/// (by its place in what `read_touched` gave).
#[derive(Clone, Copy)]
enum Src {
    Old(usize),
    New(usize),
}

impl Src {
    /// The record's index in the catalog patched.
    fn was(self, new: &[(RecordIdx, Record)]) -> usize {
        match self {
            Src::Old(i) => i,
            Src::New(k) => new[k].0 as usize,
        }
    }
}

/// The first index in `0..n` for which `before` is false, where it is true for a prefix.
fn partition(n: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Everything a catalog holds, in list order, as text to compare.
    fn contents(c: &Catalog) -> Vec<String> {
        let mut out = Vec::new();
        for i in 0..c.len() as RecordIdx {
            out.push(format!(
                "{} {:?} {} {:?}\n{:?}\n{:?}",
                c.id(i),
                c.kind(i),
                c.path(i),
                c.backlinks(i),
                c.get(i),
                // The entry's contents: its archive's own bytes hold offsets.
                rkyv::deserialize::<crate::haystack::Entry, rkyv::rancor::Error>(c.entry(i))
                    .unwrap()
            ));
            assert_eq!(c.idx(c.id(i)), Some(i));
        }
        out.extend(c.diagnostics().iter().map(|d| format!("{d:?}")));
        out
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "sources/ai.yaml", "title: A release\n");
        write(root, "sources/bbc.yaml", "title: A report\n");
        write(
            root,
            "camps/liberty.yaml",
            "name: Camp Liberty\nsources: [ai]\n",
        );
        write(
            root,
            "camps/ashraf.yaml",
            "name: Camp Ashraf\nsources: [bbc]\n",
        );
        for (id, name) in [("ks", "Karim S"), ("ma", "Maryam A"), ("zb", "Zahra B")] {
            write(
                root,
                &format!("people/{id}.yaml"),
                &format!("name: {name}\ncamps: [ashraf]\nsources: [ai]\n"),
            );
        }
        for (id, date, who) in [("a1", "2011-04-08", "ks"), ("a2", "2013-09-01", "ma")] {
            write(
                root,
                &format!("incidents/{id}.yaml"),
                &format!(
                    "name: Attack {id}\ndate: {date}\ncamp: ashraf\nparticipants:\n  - person: {who}\n    role: victim\nsources: [ai]\n"
                ),
            );
        }
        dir
    }

    fn open(root: &Path) -> Catalog {
        Catalog::open(root, Limits::default()).unwrap()
    }

    #[test]
    fn a_patch_makes_the_catalog_a_load_makes() {
        let dir = folder();
        let root = dir.path();
        let mut shown = open(root);
        // Each step: the files written, and whether a patch can make it.
        let steps: &[(&[(&str, &str)], bool)] = &[
            // A person renamed: moves in the list; the incident naming her is found by the new name.
            (
                &[(
                    "people/ma.yaml",
                    "name: Aaliyah M\ncamps: [ashraf]\nsources: [ai]\n",
                )],
                true,
            ),
            // An incident moved in time and to another camp and person, and a source retitled.
            (
                &[
                    (
                        "incidents/a1.yaml",
                        "name: Attack a1\ndate: 2014-01-01\ncamp: liberty\nparticipants:\n  - person: zb\nsources: [bbc]\n",
                    ),
                    ("sources/bbc.yaml", "title: A later report\n"),
                ],
                true,
            ),
            // A camp renamed, which the people and incidents in it name.
            (
                &[("camps/ashraf.yaml", "name: Camp New Iraq\nsources: [bbc]\n")],
                true,
            ),
            // A link to no record: a load says so.
            (
                &[(
                    "people/zb.yaml",
                    "name: Zahra B\ncamps: [nowhere]\nsources: [ai]\n",
                )],
                false,
            ),
            // Fixed again: the problem goes with a load.
            (
                &[("people/zb.yaml", "name: Zahra B\nsources: [ai]\n")],
                false,
            ),
            // An id changed.
            (
                &[(
                    "people/ks.yaml",
                    "id: karim\nname: Karim S\nsources: [ai]\n",
                )],
                false,
            ),
            // A syntax error.
            (&[("people/ma.yaml", "name: [\n")], false),
            (
                &[("people/ma.yaml", "name: Maryam A\nsources: [ai]\n")],
                false,
            ),
            // A new file.
            (
                &[("people/new.yaml", "name: New N\nsources: [ai]\n")],
                false,
            ),
        ];
        for (files, patched) in steps {
            for (rel, text) in *files {
                write(root, rel, text);
            }
            let touched: Vec<String> = files.iter().map(|(rel, _)| (*rel).to_owned()).collect();
            let fresh = open(root);
            match shown.patch(&touched, Limits::default()) {
                Some(p) => {
                    assert!(patched, "patched where a load was needed: {touched:?}");
                    assert_eq!(contents(&p), contents(&fresh), "{touched:?}");
                    shown = p;
                }
                None => {
                    assert!(!patched, "not patched: {touched:?}");
                    shown = fresh;
                }
            }
        }
    }

    /// Random saves, one to three files at a time: whatever a patch makes is what a load makes,
    /// and most plain edits are patched.
    #[test]
    fn random_saves_patched_match_a_fresh_load() {
        let dir = folder();
        let root = dir.path();
        let mut shown = open(root);
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut roll = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let names = [
            "Zahra B",
            "Aaliyah M",
            "Karim S",
            "Omid R",
            "Ja’far T",
            "Bahar N",
        ];
        let camps = ["ashraf", "liberty", "nowhere"];
        let (mut patched, mut loaded) = (0, 0);
        for _ in 0..150 {
            let mut touched = Vec::new();
            for _ in 0..=roll(3) {
                let (rel, text) = match roll(3) {
                    0 | 1 => {
                        let id = ["ks", "ma", "zb"][roll(3)];
                        let any = if roll(6) == 0 { 3 } else { 2 };
                        let camp = camps[roll(any)];
                        (
                            format!("people/{id}.yaml"),
                            format!(
                                "name: {}\ncamps: [{camp}]\nsources: [ai]\n",
                                names[roll(names.len())]
                            ),
                        )
                    }
                    _ => {
                        let id = ["a1", "a2"][roll(2)];
                        (
                            format!("incidents/{id}.yaml"),
                            format!(
                                "name: {}\ndate: 201{}-0{}-1{}\ncamp: {}\nparticipants:\n  - person: {}\nsources: [{}]\n",
                                names[roll(names.len())],
                                roll(10),
                                1 + roll(9),
                                roll(10),
                                camps[roll(2)],
                                ["ks", "ma", "zb"][roll(3)],
                                ["ai", "bbc"][roll(2)],
                            ),
                        )
                    }
                };
                write(root, &rel, &text);
                touched.push(rel);
            }
            touched.sort();
            touched.dedup();
            let fresh = open(root);
            match shown.patch(&touched, Limits::default()) {
                Some(p) => {
                    assert_eq!(contents(&p), contents(&fresh), "{touched:?}");
                    patched += 1;
                    shown = p;
                }
                None => {
                    loaded += 1;
                    shown = fresh;
                }
            }
        }
        assert!(patched > loaded, "{patched} patched, {loaded} loaded");
    }

    #[test]
    fn a_removed_file_is_left_to_a_load() {
        let dir = folder();
        let shown = open(dir.path());
        std::fs::remove_file(dir.path().join("people/zb.yaml")).unwrap();
        assert!(
            shown
                .patch(&["people/zb.yaml".into()], Limits::default())
                .is_none()
        );
    }
}
