//! A catalog's records, in memory or left in the index file and read one at a time.
//!
//! The list and the search need only a record's id, kind and haystack; the whole record (its
//! summary, claims, citations) is needed when it is shown, copied or exported. A catalog read
//! back from the index (`index_file`) keeps its records there: each is its own rkyv archive
//! with its own checksum, read with one `pread` and validated when first asked for, then kept.
//! Text read back is cleaned for the terminal again (`text::Text`'s archive). A record that
//! cannot be read back (a damaged index, a disk error) is read from its case file instead, as a
//! load without the index would, and the damaged index is removed so the next load rebuilds it.
//! The list a first load shows while it reads on (`Catalog::partial`) has no index yet: its
//! records are read from their case files when asked for.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::load::{self, Limits};
use crate::model::{Kind, Record};

/// Where one record's archive is in the index file's records part.
#[derive(Clone, Copy, Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub(crate) struct Slot {
    pub(crate) offset: u64,
    pub(crate) len: u32,
    /// xxh3 of the archive.
    pub(crate) hash: u64,
}

/// rkyv needs an archive aligned to 16; each record's starts at a multiple of it.
pub(crate) const ALIGN: usize = 16;

/// An archive's bytes, aligned as rkyv needs.
pub(crate) type Bytes = rkyv::util::AlignedVec<ALIGN>;

pub(crate) struct Shelf {
    /// Where the records were archived; `None` for a list shown while a first load goes on
    /// (`Catalog::partial`), whose records are read from their case files when asked for.
    index: Option<Archived>,
    /// Each record's file and kind, to read it from its case file.
    paths: Vec<(Box<str>, Kind)>,
    /// Boxed: a record is 472 bytes, and most are never read (480 MB at 1,000,000 records
    /// unboxed, 16 MB boxed).
    cells: Box<[OnceLock<Box<Record>>]>,
    canonical_root: PathBuf,
    limits: Limits,
}

/// The records part of an index file.
pub(crate) struct Archived {
    pub(crate) file: std::fs::File,
    /// Where the records part starts in `file`.
    pub(crate) records_at: u64,
    pub(crate) slots: Vec<Slot>,
    /// Where the index file was opened from.
    pub(crate) path: PathBuf,
}

impl std::fmt::Debug for Shelf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shelf")
            .field("records", &self.paths.len())
            .field("archived", &self.index.is_some())
            .finish_non_exhaustive()
    }
}

impl Shelf {
    /// Records kept in an index file, or (`index: None`) in their case files; `paths` in
    /// list order, beside `index.slots`.
    pub(crate) fn new(
        index: Option<Archived>,
        paths: Vec<(Box<str>, Kind)>,
        canonical_root: PathBuf,
        limits: Limits,
    ) -> Shelf {
        debug_assert!(index.as_ref().is_none_or(|a| a.slots.len() == paths.len()));
        let cells = (0..paths.len()).map(|_| OnceLock::new()).collect();
        Shelf {
            index,
            paths,
            cells,
            canonical_root,
            limits,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.paths.len()
    }

    pub(crate) fn path(&self, i: usize) -> &str {
        &self.paths[i].0
    }

    pub(crate) fn get(&self, i: usize) -> &Record {
        self.cells[i].get_or_init(|| Box::new(self.fetch(i)))
    }

    fn fetch(&self, i: usize) -> Record {
        let (path, kind) = &self.paths[i];
        if let Some(a) = &self.index {
            if let Some(r) = read_slot(&a.file, a.records_at, a.slots[i])
                .filter(|r| *r.path == **path && r.kind == *kind)
            {
                return r;
            }
            a.remove_damaged();
        }
        load::read_again(&self.canonical_root, path, *kind, self.limits)
    }
}

impl Archived {
    /// Remove this index file, if it is still the file at its path (another process may have
    /// written a new one there meanwhile, which is left alone).
    fn remove_damaged(&self) {
        use std::os::unix::fs::MetadataExt;
        let same =
            |a: &std::fs::Metadata, b: &std::fs::Metadata| a.dev() == b.dev() && a.ino() == b.ino();
        if let (Ok(open), Ok(there)) = (self.file.metadata(), std::fs::metadata(&self.path))
            && same(&open, &there)
        {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// One archive of the index file (a record, or a chunk of search entries), if its checksum
/// matches.
pub(crate) fn read_bytes(file: &std::fs::File, part_at: u64, slot: Slot) -> Option<Bytes> {
    use std::os::unix::fs::FileExt;
    let len = usize::try_from(slot.len).ok()?;
    let mut bytes = Bytes::with_capacity(len);
    bytes.resize(len, 0);
    file.read_exact_at(&mut bytes, part_at.checked_add(slot.offset)?)
        .ok()?;
    (xxhash_rust::xxh3::xxh3_64(&bytes) == slot.hash).then_some(bytes)
}

/// One record from the index file, if its bytes check out.
pub(crate) fn read_slot(file: &std::fs::File, records_at: u64, slot: Slot) -> Option<Record> {
    let bytes = read_bytes(file, records_at, slot)?;
    let record = rkyv::from_bytes::<Record, rkyv::rancor::Error>(&bytes).ok()?;
    load::usable_id(&record.id).then_some(record)
}
