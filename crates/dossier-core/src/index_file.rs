//! The index file: what the last load of a folder found, kept so that the next one reads only
//! the files that changed.
//!
//! One file per case-file folder, under `$XDG_CACHE_HOME/dossier/` (else `~/.cache/dossier/`),
//! named by a hash of the folder's canonical path; never inside the folder, which people commit.
//! It holds, for every record file, its path, its identity (`load::FileId`) and what reading it
//! gave (the record, where it sits in the catalog, and its diagnostics), then the catalog built
//! from them: the records in list order, the backlinks, every diagnostic and the search
//! haystacks. A load `stat`s every file (the walk it makes anyway) and then:
//!
//! - nothing changed (same files, same identities, same documents): the catalog is read back
//!   whole and nothing is parsed or folded;
//! - some files changed: only those are read and parsed; the others' records come from the index,
//!   and the catalog is built again from all of them (links and duplicates are across files);
//! - no index, or one that cannot be trusted: every file is read, as `--no-index` does.
//!
//! The file is a header, then what the list needs (the catalog without its records and search
//! text: ids, kinds, backlinks, diagnostics, and the table of files), then the search text
//! (`haystack::Haystacks`, in chunks archived on their own), then every record as an archive of
//! its own. A catalog read back whole keeps its records in the file and reads each when it is
//! first shown (`shelf`), and searches the chunks as read, never copied out: the browser and
//! `dossier search` hold the search text and not the summaries. The layout is rkyv's, validated
//! (bytecheck) before anything in it is used; the header carries a format version, the build's
//! fingerprint (a hash of this crate's source, `build.rs`), the sizes and an xxh3 checksum of the
//! first part, and each chunk and record has its own checksum: an index that is truncated, garbled, from another build or
//! for another folder is ignored and rebuilt. Text read back is cleaned for the terminal again,
//! exactly as text read from YAML (`text::Text`'s archive), and ids must still be ids. It is
//! read rather than mapped: a mapped file truncated by another process would kill this one with
//! SIGBUS. Writes go to a temporary file renamed into place, so a reader sees the old index or
//! the new one, never half of one; a reader keeps the file it opened, so records it reads later
//! come from the index its catalog was built from.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use rayon::prelude::*;
use rkyv::rancor;
use rkyv::with::{Inline, InlineAsBox, Map};

use crate::diagnostic::{ArchivedDiagnostic, Diagnostic};
use crate::haystack::{Entry, Haystacks};
use crate::index::{Backlink, Catalog};
use crate::layered::Base;
use crate::load::{self, FileId, FileRead, Limits, LoadError, Progress};
use crate::model::{Body, Kind, id_key};
use crate::shelf::{self, ALIGN, Bytes, Shelf, Slot};

/// Bumped by hand when the header changes; the payload's layout is covered by the build's
/// fingerprint.
const FORMAT: u32 = 4;
const MAGIC: &[u8; 8] = b"dossidx\0";
/// The payload starts here: a multiple of 16, so it is aligned as rkyv needs.
const HEADER: usize = 64;
/// rkyv's default layout: little-endian, 32-bit relative pointers. Another layout is another
/// machine's file.
const LAYOUT: &[u8; 4] = b"le32";

/// How a load used the index, for `dossier index --status` and the one line on stderr.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct IndexReport {
    /// Where this folder's index is; `None` with `--no-index` or when there is no cache folder.
    pub path: Option<PathBuf>,
    /// Its size after this load.
    pub bytes: u64,
    pub files: usize,
    /// Files read and parsed by this load.
    pub reread: usize,
    /// Files whose record came from the index.
    pub reused: usize,
    /// The whole catalog came from the index (nothing had changed).
    pub whole: bool,
    pub written: bool,
    /// Why the index there was not used, when one was there.
    pub ignored: Option<String>,
    /// Why the index could not be written: said once on stderr; the load itself succeeded.
    pub warning: Option<String>,
}

/// The folder indexes are kept in: `$XDG_CACHE_HOME/dossier`, else `~/.cache/dossier`.
pub fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("dossier"))
}

/// The index of the folder whose canonical path is `canonical_root`.
fn index_path(cache: &Path, canonical_root: &Path) -> PathBuf {
    let hash = xxhash_rust::xxh3::xxh3_64(canonical_root.as_os_str().as_encoded_bytes());
    cache.join(format!("{hash:016x}.idx"))
}

/// How a folder is loaded: the caps on its files, and the folder its index is kept in (`None`:
/// no index, every file read, as `--no-index` asks).
#[derive(Clone, Debug, Default)]
pub struct Loader {
    pub limits: Limits,
    pub cache: Option<PathBuf>,
}

impl Loader {
    /// Load a folder and bring its index up to date.
    pub fn open(
        &self,
        root: &Path,
        progress: &Progress,
    ) -> Result<(Catalog, IndexReport), LoadError> {
        let Opened {
            catalog,
            mut report,
            pending,
        } = self.load(root, progress)?;
        if let Some(pending) = pending {
            pending.write(&catalog, &mut report);
        }
        Ok((catalog, report))
    }

    /// Load a folder, using its index; the index is written by the caller (`Pending::write`),
    /// which may show the catalog first.
    pub fn load(&self, root: &Path, progress: &Progress) -> Result<Opened, LoadError> {
        load_with_index(
            root,
            self.limits,
            progress,
            self.cache.as_deref().map(|c| (c, true)),
        )
    }
}

impl Loader {
    /// The catalog as the folder's index holds it, without walking or `stat`ing the folder:
    /// what the browser shows first, since a `stat` of every file takes seconds at 1,000,000
    /// files; beside it, what `is_current` needs to tell whether the folder still matches (the
    /// index's first part, as big as the search text, is let go before the search text is
    /// read). `None` where there is no index to trust (a load then reads the files).
    pub fn from_index(&self, root: &Path) -> Option<(Catalog, Freshness)> {
        let cache = self.cache.as_deref()?;
        load::check_root(root).ok()?;
        let canonical_root = root.canonicalize().ok()?;
        let abs_root = std::path::absolute(root).unwrap_or_else(|_| root.to_owned());
        let path = index_path(cache, &canonical_root);
        let mut index = Index::open(&path, self.limits).ok()?;
        let a = index.meta().ok().filter(|a| is_of(a, &canonical_root))?;
        let fresh = Freshness::of(a)?;
        let parts = parts(a)?;
        index.let_meta_go();
        let haystacks = index.haystacks(&parts.haystacks, parts.ids.len())?;
        let catalog = shelved(
            &index,
            (parts, haystacks),
            canonical_root,
            abs_root,
            self.limits,
            path,
        )
        .ok()?;
        Some((catalog, fresh))
    }

    /// Whether the folder is still what the index of `from_index` was built from: the walk
    /// and the `stat`s a load makes, and nothing read. The catalog stays valid either way;
    /// where this says no, a load (`load`) reads the files that changed.
    pub fn is_current(&self, root: &Path, fresh: &Freshness) -> bool {
        load::scan(root).is_ok_and(|scan| fresh.holds(&scan, &identities(&scan)))
    }

    /// `catalog` with the record files `touched` (relative paths) read again, as a live reload
    /// after a save can make it in milliseconds; `None` where only a load can tell what changed
    /// (see `patch`). The index is brought up to date by the next load.
    pub fn patch(&self, catalog: &Catalog, touched: &[String]) -> Option<Catalog> {
        catalog.patch(touched, self.limits)
    }
}

/// A folder loaded, how the index was used, and the index to write when it is out of date.
pub struct Opened {
    pub catalog: Catalog,
    pub report: IndexReport,
    pub pending: Option<Pending>,
}

/// An index to write for a catalog just built: what the load found of each file.
pub struct Pending {
    cache: PathBuf,
    path: PathBuf,
    canonical_root: PathBuf,
    limits: Limits,
    walk: Vec<Diagnostic>,
    unread: Vec<String>,
    files: Vec<FileMeta>,
}

impl Pending {
    /// Write the index of `catalog` (the one this load built), and say how it went in `report`.
    pub fn write(self, catalog: &Catalog, report: &mut IndexReport) {
        let written = write_index(
            &self.cache,
            &self.path,
            &self.canonical_root,
            self.limits,
            &Written {
                walk: &self.walk,
                unread: &self.unread,
                files: &self.files,
                catalog,
            },
        );
        match written {
            Ok(bytes) => {
                report.written = true;
                report.bytes = bytes;
            }
            Err(why) => report.warning = Some(why),
        }
    }
}

/// Load with the index in `cache`, or (`false` beside it) with the index there not to be
/// trusted, to be written again.
fn load_with_index(
    root: &Path,
    limits: Limits,
    progress: &Progress,
    cache: Option<(&Path, bool)>,
) -> Result<Opened, LoadError> {
    let Some((cache, trusted)) = cache else {
        let catalog = Catalog::open_with(root, limits, progress)?;
        let files = progress.found.load(Ordering::Relaxed);
        return Ok(Opened {
            catalog,
            report: IndexReport {
                files,
                reread: files,
                ..IndexReport::default()
            },
            pending: None,
        });
    };
    let scan = load::scan(root)?;
    let abs_root = std::path::absolute(root).unwrap_or_else(|_| root.to_owned());
    let path = index_path(cache, &scan.canonical_root);
    progress
        .found
        .store(scan.candidates.len(), Ordering::Relaxed);
    let mut report = IndexReport {
        path: Some(path.clone()),
        files: scan.candidates.len(),
        ..IndexReport::default()
    };
    let index = match Index::open(&path, limits) {
        Ok(_) if !trusted => {
            report.ignored = Some("its contents do not check out".into());
            None
        }
        Ok(index) => Some(index),
        Err(Missing::No) => None,
        Err(Missing::Bad(why)) => {
            report.ignored = Some(why);
            None
        }
    };
    let archived = index.as_ref().and_then(|index| match index.meta() {
        Ok(a) if is_of(a, &scan.canonical_root) => Some(a),
        Ok(_) => {
            report.ignored = Some("it is the index of another folder".into());
            None
        }
        Err(e) => {
            report.ignored = Some(format!("its contents do not check out ({e})"));
            None
        }
    });
    let identities = identities(&scan);

    if archived.is_some_and(|a| Freshness::of(a).is_some_and(|f| f.holds(&scan, &identities))) {
        // Nothing changed. What told so goes before the catalog is read out, and the first
        // part before the search text is: at 100,000 files each is tens of megabytes.
        let load::Scan { canonical_root, .. } = scan;
        drop(identities);
        let whole = archived.and_then(parts).and_then(|parts| {
            let mut index = index?;
            index.let_meta_go();
            let haystacks = index.haystacks(&parts.haystacks, parts.ids.len())?;
            Some((index, parts, haystacks))
        });
        let Some((index, parts, haystacks)) = whole else {
            // It does not check out after all: every file is read, and the index written again.
            return load_with_index(root, limits, progress, Some((cache, false)));
        };
        progress.read.store(report.files, Ordering::Relaxed);
        report.reused = report.files;
        report.whole = true;
        report.bytes = index.size;
        let catalog = shelved(
            &index,
            (parts, haystacks),
            canonical_root,
            abs_root,
            limits,
            path,
        )?;
        return Ok(Opened {
            catalog,
            report,
            pending: None,
        });
    }

    // Some files changed: read those, take the others' records from the index.
    let old = index.as_ref().zip(archived);
    let reads = read_or_reuse(old, (&scan, &abs_root), &identities, limits, progress);
    let changed = changed_ids(archived, &scan, &reads);
    drop(index);
    report.reused = reads
        .iter()
        .filter(|(_, got)| matches!(got, Got::Kept(_)))
        .count();
    report.reread = report.files - report.reused;
    let (catalog, pending) = assemble(scan, reads, &changed, abs_root, cache, path, limits);
    Ok(Opened {
        catalog,
        report,
        pending: Some(pending),
    })
}

/// Whether an index is the one of the folder at `canonical_root`.
fn is_of(a: &ArchivedSnapshot, canonical_root: &Path) -> bool {
    *a.root == *canonical_root.to_string_lossy()
}

/// Each file's identity as it is now (`load::Candidate::identity`), one `stat` each.
fn identities(scan: &load::Scan) -> Vec<Option<FileId>> {
    scan.candidates
        .par_iter()
        .map(load::Candidate::identity)
        .collect()
}

/// Each file's record and diagnostics: from the index `old` where the file is as it was then
/// (with its search entry where that can be read back too), else read and parsed now.
fn read_or_reuse(
    old: Option<(&Index, &ArchivedSnapshot)>,
    (scan, abs_root): (&load::Scan, &Path),
    identities: &[Option<FileId>],
    limits: Limits,
    progress: &Progress,
) -> Vec<(FileRead, Got)> {
    let now = load::now_ns();
    let read = |c: &load::Candidate| load::read_record(&scan.canonical_root, c, limits, Some(now));
    let Some((index, a)) = old else {
        // Nothing to keep: every file is read, and the browser may list them as they come.
        return load::read_all(
            (&scan.canonical_root, abs_root),
            &scan.candidates,
            limits,
            progress,
            |c| (read(c), Got::Read),
            |(read, _)| read.record.as_ref(),
        );
    };
    // The old search entries, to keep those still true; without them every entry is made again.
    let haystacks = chunk_slots(a).and_then(|slots| index.haystacks(&slots, a.slots.len()));
    scan.candidates
        .par_iter()
        .zip(identities)
        .map(|(c, id)| {
            let kept = reuse(index, a, haystacks.as_ref(), &c.rel, *id);
            progress.read.fetch_add(1, Ordering::Relaxed);
            match kept {
                Some((read, entry)) => (read, Got::Kept(entry)),
                None => (read(c), Got::Read),
            }
        })
        .collect()
}

/// The catalog read back whole, its records left in the index file until shown.
fn shelved(
    index: &Index,
    (parts, haystacks): (Parts, Haystacks),
    canonical_root: PathBuf,
    abs_root: PathBuf,
    limits: Limits,
    path: PathBuf,
) -> Result<Catalog, LoadError> {
    let Parts {
        slots,
        paths,
        ids,
        kinds,
        backlinks,
        diagnostics,
        haystacks: _,
    } = parts;
    let file = index.file.try_clone().map_err(|e| LoadError {
        path: path.clone(),
        message: load::io_message(&e),
    })?;
    let archived = shelf::Archived {
        file,
        records_at: index.records_at,
        slots,
        path,
    };
    let shelf = Shelf::new(Some(archived), paths, canonical_root, limits);
    Ok(Catalog::from_parts(
        abs_root,
        shelf,
        (ids, kinds),
        backlinks,
        diagnostics,
        haystacks,
    ))
}

/// Build the catalog from what each file gave, read or reused, and keep what the index needs.
fn assemble(
    scan: load::Scan,
    reads: Vec<(FileRead, Got)>,
    changed: &HashSet<String>,
    abs_root: PathBuf,
    cache: &Path,
    path: PathBuf,
    limits: Limits,
) -> (Catalog, Pending) {
    let load::Scan {
        canonical_root,
        candidates,
        diagnostics: walk,
        unread,
    } = scan;
    let mut files = Vec::with_capacity(reads.len());
    let mut records = Vec::with_capacity(reads.len());
    let mut diagnostics = walk.clone();
    let mut kept = HashMap::new();
    for (c, (read, entry)) in candidates.iter().zip(reads) {
        if let Got::Kept(Some(entry)) = entry {
            kept.insert(Box::from(c.rel.as_str()), entry);
        }
        let FileRead {
            record,
            diagnostics: diags,
            identity,
        } = read;
        let mut document = None;
        let had_record = record.is_some();
        diagnostics.extend(diags.iter().cloned());
        if let Some(mut r) = record {
            let found = load::check_document(&canonical_root, &mut r);
            if let Body::Source(s) = &r.body
                && let Some(doc) = &s.document
            {
                diagnostics.extend(found.iter().cloned());
                document = Some(DocumentCheck {
                    raw: doc.raw().into(),
                    pos: r.field_pos("document").unwrap_or_default(),
                    ok: s.document_ok,
                    diagnostics: found,
                });
            }
            records.push(r);
        }
        files.push(FileMeta {
            rel: c.rel.clone(),
            identity,
            had_record,
            diagnostics: diags,
            document,
        });
    }
    let catalog = Catalog::assemble_keeping(
        abs_root,
        load::Loaded {
            records,
            diagnostics,
            unread: unread.clone(),
        },
        kept,
        changed,
    );
    let pending = Pending {
        cache: cache.to_owned(),
        path,
        canonical_root,
        limits,
        walk,
        unread,
        files,
    };
    (catalog, pending)
}

/// How a file's record was had: read now, or taken from the index, with its search entry when
/// that could be read back too.
enum Got {
    Read,
    Kept(Option<Entry>),
}

/// What the load found of one file, beside its record (which is in the catalog).
struct FileMeta {
    rel: String,
    identity: Option<FileId>,
    had_record: bool,
    diagnostics: Vec<Diagnostic>,
    document: Option<DocumentCheck>,
}

/// What the check of a source's document found (`load::check_document`): it looks at another
/// file, so it is made again on every load and compared.
#[derive(Clone, Debug, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
struct DocumentCheck {
    raw: Box<str>,
    pos: crate::model::Pos,
    ok: bool,
    diagnostics: Vec<Diagnostic>,
}

/// The first part of the index, as written: borrowed from the load, archived as
/// `ArchivedSnapshot`. The records follow it, each archived alone (`slots` says where).
#[derive(rkyv::Archive, rkyv::Serialize)]
struct Snapshot<'a> {
    #[rkyv(with = InlineAsBox)]
    root: &'a str,
    #[rkyv(with = InlineAsBox)]
    walk: &'a [Diagnostic],
    #[rkyv(with = InlineAsBox)]
    unread: &'a [String],
    files: Vec<FileEntry<'a>>,
    /// In list order, as the rest below; counted from the start of the records part.
    slots: Vec<Slot>,
    paths: Vec<PathKind<'a>>,
    #[rkyv(with = Map<InlineAsBox>)]
    ids: Vec<&'a str>,
    #[rkyv(with = InlineAsBox)]
    backlinks: &'a [Vec<Backlink>],
    #[rkyv(with = InlineAsBox)]
    diagnostics: &'a [Diagnostic],
    /// The search entries' chunks (`haystack::CHUNK` entries each), counted from the start of
    /// the part after this one.
    haystacks: Vec<Slot>,
}

/// A record's file and kind.
#[derive(rkyv::Archive, rkyv::Serialize)]
struct PathKind<'a> {
    #[rkyv(with = InlineAsBox)]
    path: &'a str,
    kind: Kind,
}

#[derive(rkyv::Archive, rkyv::Serialize)]
struct FileEntry<'a> {
    #[rkyv(with = InlineAsBox)]
    rel: &'a str,
    /// `None`: not to be reused (it changed as it was read, is a link, or could not be read).
    identity: Option<FileId>,
    /// Where its record is in the list.
    at: Option<u32>,
    #[rkyv(with = InlineAsBox)]
    diagnostics: &'a [Diagnostic],
    #[rkyv(with = Map<Inline>)]
    document: Option<&'a DocumentCheck>,
}

struct Written<'a> {
    walk: &'a [Diagnostic],
    unread: &'a [String],
    files: &'a [FileMeta],
    catalog: &'a Catalog,
}

/// What a catalog read back whole is made of.
struct Parts {
    slots: Vec<Slot>,
    paths: Vec<(Box<str>, Kind)>,
    ids: Vec<Box<str>>,
    kinds: Vec<Kind>,
    backlinks: Vec<Vec<Backlink>>,
    diagnostics: Vec<Diagnostic>,
    /// Where the search text's chunks are, read after the first part is let go.
    haystacks: Vec<Slot>,
}

/// The index could not be used.
enum Missing {
    /// There is none (the first load of a folder).
    No,
    /// There is one, and why it is not trusted.
    Bad(String),
}

/// An index file, open, with its first part read and its header and checksum checked.
pub struct Index {
    file: std::fs::File,
    meta: Bytes,
    size: u64,
    /// Where the search entries start, after the first part.
    haystacks_at: u64,
    /// Where the records part starts.
    records_at: u64,
}

impl Index {
    fn open(path: &Path, limits: Limits) -> Result<Index, Missing> {
        use std::os::unix::fs::FileExt;
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Missing::No),
            Err(e) => {
                return Err(Missing::Bad(format!(
                    "it cannot be read: {}",
                    load::io_message(&e)
                )));
            }
        };
        let cannot = |e: std::io::Error| {
            Missing::Bad(format!("it cannot be read: {}", load::io_message(&e)))
        };
        let size = file.metadata().map_err(cannot)?.len();
        let bad = |why: &str| Err(Missing::Bad(why.to_owned()));
        let mut header = [0u8; HEADER];
        if size < HEADER as u64
            || file.read_exact_at(&mut header, 0).is_err()
            || &header[..8] != MAGIC
        {
            return bad("it is not a dossier index");
        }
        let word =
            |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().unwrap_or_default());
        let format = u32::from_le_bytes(header[8..12].try_into().unwrap_or_default());
        if format != FORMAT {
            return Err(Missing::Bad(format!(
                "it is in format {format}; this dossier writes format {FORMAT}"
            )));
        }
        if &header[12..16] != LAYOUT {
            return bad("it was written with another machine's layout");
        }
        if word(16) != build() {
            return bad("it was written by another build of dossier");
        }
        if word(24) != limits.max_file_bytes {
            return bad("it was written with another file-size limit");
        }
        let (meta_len, records_len, haystacks_len) = (word(32), word(48), word(56));
        let expected = (HEADER as u64)
            .checked_add(aligned(meta_len))
            .and_then(|n| n.checked_add(haystacks_len))
            .and_then(|n| n.checked_add(records_len));
        if expected != Some(size) {
            return bad(if expected.is_some_and(|e| e > size) {
                "it is truncated"
            } else {
                "its size is not the one its header gives"
            });
        }
        let len = usize::try_from(meta_len).map_err(|_| Missing::Bad("it is too large".into()))?;
        let mut meta = Bytes::with_capacity(len);
        // Read straight into the buffer, not over zeros written first: 30 MB at 100,000 records.
        let mut part = std::io::Read::take(&file, meta_len);
        std::io::Seek::seek(part.get_mut(), std::io::SeekFrom::Start(HEADER as u64))
            .map_err(cannot)?;
        meta.extend_from_reader(&mut part).map_err(cannot)?;
        if meta.len() != len {
            return bad("it is truncated");
        }
        if xxhash_rust::xxh3::xxh3_64(&meta) != word(40) {
            return bad("its checksum does not match (the file is damaged)");
        }
        let haystacks_at = HEADER as u64 + aligned(meta_len);
        Ok(Index {
            file,
            meta,
            size,
            haystacks_at,
            records_at: haystacks_at + haystacks_len,
        })
    }

    fn meta(&self) -> Result<&ArchivedSnapshot<'static>, rancor::Error> {
        rkyv::access::<ArchivedSnapshot, rancor::Error>(&self.meta)
    }

    /// The search entries, each chunk read with one `pread`, its checksum and its archive
    /// checked; `None` if one fails.
    fn haystacks(&self, slots: &[Slot], len: usize) -> Option<Haystacks> {
        let chunks = slots
            .par_iter()
            .map(|&slot| shelf::read_bytes(&self.file, self.haystacks_at, slot))
            .collect::<Option<Vec<_>>>()?;
        Haystacks::from_chunks(chunks, len)
    }

    /// Let the first part go (`meta` fails from now on): it is as big as the search text, and
    /// what is needed of it has been taken out (`parts`, `Freshness`).
    fn let_meta_go(&mut self) {
        self.meta = Bytes::new();
    }
}

/// `n` rounded up to a multiple of `ALIGN`.
fn aligned(n: u64) -> u64 {
    n.div_ceil(ALIGN as u64) * ALIGN as u64
}

/// The fingerprint of this build's loader and record layout (see `build.rs`).
fn build() -> u64 {
    u64::from_str_radix(env!("DOSSIER_INDEX_BUILD"), 16).unwrap_or_default()
}

/// Write the index atomically: a temporary file in the same folder, then renamed over the old.
fn write_index(
    cache: &Path,
    path: &Path,
    canonical_root: &Path,
    limits: Limits,
    w: &Written,
) -> Result<u64, String> {
    if cache.starts_with(canonical_root)
        || cache
            .canonicalize()
            .is_ok_and(|c| c.starts_with(canonical_root))
    {
        return Err(format!(
            "the cache folder {} is inside the case-file folder; index not written",
            cache.display()
        ));
    }
    let failed = |e: rancor::Error| format!("index not written: {e}");
    let catalog = w.catalog;
    // Each record alone, so that one can be read back without the others.
    let records: Vec<Bytes> = (0..catalog.len() as u32)
        .into_par_iter()
        .map(|i| rkyv::to_bytes::<rancor::Error>(catalog.get(i)))
        .collect::<Result<_, _>>()
        .map_err(failed)?;
    let Some((backlinks, diagnostics, haystacks)) = catalog.parts() else {
        return Err("a patched catalog's index is written by the next load".into());
    };
    let paths: Vec<PathKind> = catalog
        .records()
        .map(|r| PathKind {
            path: &r.path,
            kind: r.kind,
        })
        .collect();
    let at: HashMap<&str, u32> = paths
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path, i as u32))
        .collect();
    let files = w
        .files
        .iter()
        .map(|f| {
            let at = at.get(f.rel.as_str()).copied();
            FileEntry {
                rel: &f.rel,
                // A file whose record is not in the catalog (a duplicated id) is read again.
                identity: f.identity.filter(|_| at.is_some() == f.had_record),
                at,
                diagnostics: &f.diagnostics,
                document: f.document.as_ref(),
            }
        })
        .collect();
    // Places in the records part and in the search entries' part, each counted from the
    // part's start: they do not depend on the size of the first part.
    let (slots, records_len) = slots_of(records.iter().map(Bytes::as_slice));
    let chunks: Vec<&[u8]> = haystacks.chunk_bytes().collect();
    let (haystack_slots, haystacks_len) = slots_of(chunks.iter().copied());
    let root = canonical_root.to_string_lossy();
    let snapshot = Snapshot {
        root: &root,
        walk: w.walk,
        unread: w.unread,
        files,
        slots,
        paths,
        ids: (0..catalog.len() as u32).map(|i| catalog.id(i)).collect(),
        backlinks,
        diagnostics,
        haystacks: haystack_slots,
    };
    let meta = rkyv::to_bytes::<rancor::Error>(&snapshot).map_err(failed)?;
    let mut header = [0u8; HEADER];
    header[..8].copy_from_slice(MAGIC);
    header[8..12].copy_from_slice(&FORMAT.to_le_bytes());
    header[12..16].copy_from_slice(LAYOUT);
    header[16..24].copy_from_slice(&build().to_le_bytes());
    header[24..32].copy_from_slice(&limits.max_file_bytes.to_le_bytes());
    header[32..40].copy_from_slice(&(meta.len() as u64).to_le_bytes());
    header[40..48].copy_from_slice(&xxhash_rust::xxh3::xxh3_64(&meta).to_le_bytes());
    header[48..56].copy_from_slice(&records_len.to_le_bytes());
    header[56..64].copy_from_slice(&haystacks_len.to_le_bytes());

    let meta_part = [meta.as_slice()];
    let records_part: Vec<&[u8]> = records.iter().map(Bytes::as_slice).collect();
    let parts = [&meta_part[..], &chunks, &records_part];
    write_atomically(cache, path, &header, &parts).map_err(|e| {
        format!(
            "index not written to {}: {}; running without one",
            cache.display(),
            load::io_message(&e)
        )
    })?;
    Ok(HEADER as u64 + aligned(meta.len() as u64) + haystacks_len + records_len)
}

/// Where each archive goes in a part of the index, each at a multiple of `ALIGN`, and the
/// part's size.
fn slots_of<'a>(archives: impl Iterator<Item = &'a [u8]>) -> (Vec<Slot>, u64) {
    let mut offset = 0;
    let slots = archives
        .map(|a| {
            let slot = Slot {
                offset,
                len: a.len() as u32,
                hash: xxhash_rust::xxh3::xxh3_64(a),
            };
            offset += aligned(a.len() as u64);
            slot
        })
        .collect();
    (slots, offset)
}

/// Write an index (its header, then its parts, each archive at a multiple of `ALIGN`) to a
/// temporary file in `cache`, then rename it to `path`.
fn write_atomically(
    cache: &Path,
    path: &Path,
    header: &[u8],
    parts: &[&[&[u8]]],
) -> std::io::Result<()> {
    create_private_dir(cache)?;
    let tmp = cache.join(format!(
        ".{}.{}.{}.tmp",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id(),
        load::now_ns()
    ));
    let padding = [0u8; ALIGN];
    let pad = |n: usize| &padding[..(aligned(n as u64) as usize - n)];
    let written = (|| {
        let f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let mut f = std::io::BufWriter::with_capacity(1 << 20, f);
        f.write_all(header)?;
        for archive in parts.iter().copied().flatten() {
            f.write_all(archive)?;
            f.write_all(pad(archive.len()))?;
        }
        f.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_data()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// What tells whether a folder is still what an index was built from: the walk, each file's
/// path and identity, and the documents sources name. Taken out of the index's first part, so
/// that the browser can let that part go while it looks at the folder.
pub struct Freshness {
    root: Box<str>,
    walk: Vec<Diagnostic>,
    unread: Vec<String>,
    files: usize,
    /// Every file's path and identity, in walk order, hashed (`files_digest`); `None` where
    /// one has no identity to trust, and must be read again.
    digest: Option<u128>,
    documents: Vec<(Box<str>, DocumentCheck)>,
}

impl Freshness {
    fn of(a: &ArchivedSnapshot) -> Option<Freshness> {
        let documents = a
            .files
            .iter()
            .filter_map(|f| Some((f, f.document.as_ref()?)))
            .map(|(f, d)| Some((Box::from(&*f.rel), deserialize::<DocumentCheck>(d).ok()?)))
            .collect::<Option<_>>()?;
        Some(Freshness {
            root: Box::from(&*a.root),
            walk: diagnostics(&a.walk)?,
            unread: a.unread.iter().map(ToString::to_string).collect(),
            files: a.files.len(),
            digest: files_digest(a.files.iter().map(|f| {
                let identity = f.identity.as_ref().and_then(|i| deserialize(i).ok());
                (&*f.rel, identity)
            })),
            documents,
        })
    }

    /// Whether nothing the index was built from has changed: the same folder, the same walk,
    /// the same files with the same identities, and documents that check out the same.
    fn holds(&self, scan: &load::Scan, identities: &[Option<FileId>]) -> bool {
        *self.root == *scan.canonical_root.to_string_lossy()
            && self.walk == scan.diagnostics
            && self.unread == scan.unread
            && self.files == scan.candidates.len()
            && self.digest.is_some()
            && self.digest
                == files_digest(
                    scan.candidates
                        .iter()
                        .map(|c| c.rel.as_str())
                        .zip(identities.iter().copied()),
                )
            // Documents are other files: check them again and compare.
            && self.documents.iter().all(|(rel, d)| {
                let (ok, found) =
                    load::check_document_at(&scan.canonical_root, rel, d.pos, &d.raw);
                ok == d.ok && found == d.diagnostics
            })
    }
}

/// One hash of every file's path and identity, in order: two folders whose files differ in a
/// path, an order or an identity differ here (xxh3-128, whose collisions are not a concern).
/// `None` if a file has no identity to trust.
fn files_digest<'a>(files: impl Iterator<Item = (&'a str, Option<FileId>)>) -> Option<u128> {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (rel, id) in files {
        let id = id?;
        h.update(&(rel.len() as u64).to_le_bytes());
        h.update(rel.as_bytes());
        for word in [id.size, id.inode, id.device] {
            h.update(&word.to_le_bytes());
        }
        for time in [id.modified_ns, id.changed_ns] {
            h.update(&time.to_le_bytes());
        }
    }
    Some(h.digest128())
}

/// The catalog's parts as the index holds them, checked as text from a case file is.
fn parts(a: &ArchivedSnapshot) -> Option<Parts> {
    let n = a.slots.len();
    let paths: Vec<(Box<str>, Kind)> = a
        .paths
        .iter()
        .map(|p| Some((Box::from(&*p.path), deserialize::<Kind>(&p.kind).ok()?)))
        .collect::<Option<_>>()?;
    let ids: Vec<Box<str>> = a.ids.iter().map(|id| Box::from(&**id)).collect();
    // Names shown and typed must still be what the loader accepts.
    if paths.len() != n
        || ids.len() != n
        || !ids.iter().all(|id| load::usable_id(id))
        || paths
            .iter()
            .any(|(p, _)| p.chars().any(crate::text::is_unsafe))
    {
        return None;
    }
    let backlinks: Vec<Vec<Backlink>> = deserialize::<Box<[Vec<Backlink>]>>(&a.backlinks)
        .ok()?
        .into();
    if backlinks.len() != n || backlinks.iter().flatten().any(|b| b.from as usize >= n) {
        return None;
    }
    Some(Parts {
        slots: deserialize::<Vec<Slot>>(&a.slots).ok()?,
        kinds: paths.iter().map(|(_, k)| *k).collect(),
        paths,
        ids,
        backlinks,
        diagnostics: diagnostics(&a.diagnostics)?,
        haystacks: chunk_slots(a)?,
    })
}

/// Where the search text's chunks are in the index file.
fn chunk_slots(a: &ArchivedSnapshot) -> Option<Vec<Slot>> {
    deserialize::<Vec<Slot>>(&a.haystacks).ok()
}

/// Diagnostics read back, made terminal-safe again.
fn diagnostics(a: &rkyv::boxed::ArchivedBox<[ArchivedDiagnostic]>) -> Option<Vec<Diagnostic>> {
    Some(
        Vec::from(deserialize::<Box<[Diagnostic]>>(a).ok()?)
            .into_iter()
            .map(Diagnostic::cleaned)
            .collect(),
    )
}

/// The ids whose records may differ from the index's: those read again, and those of files
/// the index knew that are gone. A kept search entry that names one of them is made again.
fn changed_ids(
    archived: Option<&ArchivedSnapshot>,
    scan: &load::Scan,
    reads: &[(FileRead, Got)],
) -> HashSet<String> {
    let mut changed: HashSet<String> = reads
        .iter()
        .filter(|(_, got)| matches!(got, Got::Read))
        .filter_map(|(read, _)| read.record.as_ref())
        .map(|r| id_key(&r.id).into_owned())
        .collect();
    if let Some(a) = archived {
        let now: HashSet<&str> = scan.candidates.iter().map(|c| c.rel.as_str()).collect();
        for f in a.files.iter().filter(|f| !now.contains(&*f.rel)) {
            if let Some(id) =
                f.at.as_ref()
                    .and_then(|at| a.ids.get(at.to_native() as usize))
            {
                changed.insert(id_key(id).into_owned());
            }
        }
    }
    changed
}

/// A file's record, diagnostics and search entry from the index, when the file is as it was.
fn reuse(
    index: &Index,
    a: &ArchivedSnapshot,
    haystacks: Option<&Haystacks>,
    rel: &str,
    now: Option<FileId>,
) -> Option<(FileRead, Option<Entry>)> {
    let now = now?;
    let i = a.files.binary_search_by(|f| (*f.rel).cmp(rel)).ok()?;
    let f = &a.files[i];
    let stored: FileId = deserialize(f.identity.as_ref()?).ok()?;
    if stored != now {
        return None;
    }
    let mut entry = None;
    let record = match f.at.as_ref() {
        Some(at) => {
            let at = at.to_native() as usize;
            entry = haystacks
                .filter(|h| at < h.len())
                .and_then(|h| deserialize::<Entry>(h.item(at)).ok());
            let slot: Slot = deserialize(a.slots.get(at)?).ok()?;
            let mut r = shelf::read_slot(&index.file, index.records_at, slot)?;
            if *r.path != *rel || r.path.chars().any(crate::text::is_unsafe) {
                return None;
            }
            if let Body::Source(s) = &mut r.body {
                s.document_ok = false; // checked again by the caller
            }
            Some(r)
        }
        None => None,
    };
    let read = FileRead {
        record,
        diagnostics: diagnostics(&f.diagnostics)?,
        identity: Some(now),
    };
    Some((read, entry))
}

fn deserialize<T>(
    a: &impl rkyv::Deserialize<T, rancor::Strategy<rkyv::de::Pool, rancor::Error>>,
) -> Result<T, rancor::Error> {
    rkyv::deserialize::<T, rancor::Error>(a)
}
