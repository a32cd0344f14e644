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
//! The layout is rkyv's, validated (bytecheck) before anything in it is used, behind a header
//! with a format version, the build's fingerprint (a hash of this crate's source, `build.rs`)
//! and an xxh3 checksum of the rest: an index that is truncated, garbled, from another build or
//! for another folder is ignored and rebuilt. Text read back is cleaned for the terminal again,
//! exactly as text read from YAML (`text::Text`'s archive), and ids must still be ids. It is read
//! into memory rather than mapped: a mapped file truncated by another process would kill this
//! one with SIGBUS, and reading it costs a copy. Writes go to a temporary file renamed into
//! place, so a reader sees the old index or the new one, never half of one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use rayon::prelude::*;
use rkyv::rancor;
use rkyv::with::{Inline, InlineAsBox};

use crate::diagnostic::Diagnostic;
use crate::haystack::Haystacks;
use crate::index::{Backlink, Catalog};
use crate::load::{self, FileId, FileRead, Limits, LoadError, Progress};
use crate::model::{Body, Record};

/// Bumped by hand when the header changes; the payload's layout is covered by the build's
/// fingerprint.
const FORMAT: u32 = 1;
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
        load_with_index(root, self.limits, progress, self.cache.as_deref())
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

fn load_with_index(
    root: &Path,
    limits: Limits,
    progress: &Progress,
    cache: Option<&Path>,
) -> Result<Opened, LoadError> {
    let Some(cache) = cache else {
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
    let bytes = match read_index(&path, limits) {
        Ok(bytes) => bytes,
        Err(Missing::No) => None,
        Err(Missing::Bad(why)) => {
            report.ignored = Some(why);
            None
        }
    };
    let archived = bytes.as_ref().and_then(|b| {
        match rkyv::access::<ArchivedSnapshot, rancor::Error>(&b[HEADER..]) {
            Ok(a) if *a.root == *scan.canonical_root.as_os_str().to_string_lossy() => Some(a),
            Ok(_) => {
                report.ignored = Some("it is the index of another folder".into());
                None
            }
            Err(e) => {
                report.ignored = Some(format!("its contents do not check out ({e})"));
                None
            }
        }
    });
    let identities: Vec<Option<FileId>> = scan
        .candidates
        .par_iter()
        .map(load::Candidate::identity)
        .collect();

    if let Some(a) = archived
        && let Some(catalog) = whole(a, &scan, &identities, &abs_root)
    {
        progress
            .read
            .store(scan.candidates.len(), Ordering::Relaxed);
        report.reused = report.files;
        report.whole = true;
        report.bytes = bytes.as_ref().map_or(0, |b| b.len() as u64);
        return Ok(Opened {
            catalog,
            report,
            pending: None,
        });
    }
    if archived.is_none() && bytes.is_some() && report.ignored.is_none() {
        report.ignored = Some("it could not be read".into());
    }

    // Some files changed: read those, take the others' records from the index.
    let now = load::now_ns();
    let reads: Vec<(FileRead, bool)> = scan
        .candidates
        .par_iter()
        .zip(&identities)
        .map(|(c, id)| {
            let kept = archived.and_then(|a| reuse(a, &c.rel, *id));
            progress.read.fetch_add(1, Ordering::Relaxed);
            match kept {
                Some(read) => (read, true),
                None => (
                    load::read_record(&scan.canonical_root, c, limits, Some(now)),
                    false,
                ),
            }
        })
        .collect();
    drop(bytes);
    report.reused = reads.iter().filter(|(_, kept)| *kept).count();
    report.reread = report.files - report.reused;

    let (catalog, pending) = assemble(scan, reads, abs_root, cache, path, limits);
    Ok(Opened {
        catalog,
        report,
        pending: Some(pending),
    })
}

/// Build the catalog from what each file gave, read or reused, and keep what the index needs.
fn assemble(
    scan: load::Scan,
    reads: Vec<(FileRead, bool)>,
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
    for (c, (read, _)) in candidates.iter().zip(reads) {
        let FileRead {
            record,
            diagnostics: diags,
            identity,
        } = read;
        let mut document = Vec::new();
        let had_record = record.is_some();
        if let Some(mut r) = record {
            document = load::check_document(&canonical_root, &mut r);
            records.push(r);
        }
        diagnostics.extend(diags.iter().cloned());
        diagnostics.extend(document.iter().cloned());
        files.push(FileMeta {
            rel: c.rel.clone(),
            identity,
            had_record,
            diagnostics: diags,
            document,
        });
    }
    let catalog = Catalog::assemble(
        abs_root,
        load::Loaded {
            records,
            diagnostics,
            unread: unread.clone(),
        },
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

/// What the load found of one file, beside its record (which is in the catalog).
struct FileMeta {
    rel: String,
    identity: Option<FileId>,
    had_record: bool,
    diagnostics: Vec<Diagnostic>,
    /// What the document check said (`load::check_document`): it looks at other files, so it is
    /// made again on every load and compared.
    document: Vec<Diagnostic>,
}

/// The index as written: borrowed from the load, archived as `ArchivedSnapshot`.
#[derive(rkyv::Archive, rkyv::Serialize)]
struct Snapshot<'a> {
    #[rkyv(with = InlineAsBox)]
    root: &'a str,
    #[rkyv(with = InlineAsBox)]
    walk: &'a [Diagnostic],
    #[rkyv(with = InlineAsBox)]
    unread: &'a [String],
    files: Vec<FileEntry<'a>>,
    #[rkyv(with = InlineAsBox)]
    records: &'a [Record],
    #[rkyv(with = InlineAsBox)]
    backlinks: &'a [Vec<Backlink>],
    #[rkyv(with = InlineAsBox)]
    diagnostics: &'a [Diagnostic],
    #[rkyv(with = Inline)]
    haystacks: &'a Haystacks,
}

#[derive(rkyv::Archive, rkyv::Serialize)]
struct FileEntry<'a> {
    #[rkyv(with = InlineAsBox)]
    rel: &'a str,
    /// `None`: not to be reused (it changed as it was read, is a link, or could not be read).
    identity: Option<FileId>,
    /// Where its record is in `records`.
    at: Option<u32>,
    #[rkyv(with = InlineAsBox)]
    diagnostics: &'a [Diagnostic],
    #[rkyv(with = InlineAsBox)]
    document: &'a [Diagnostic],
}

struct Written<'a> {
    walk: &'a [Diagnostic],
    unread: &'a [String],
    files: &'a [FileMeta],
    catalog: &'a Catalog,
}

/// The index could not be used.
enum Missing {
    /// There is none (the first load of a folder).
    No,
    /// There is one, and why it is not trusted.
    Bad(String),
}

type Bytes = rkyv::util::AlignedVec<16>;

/// Read an index and check its header and checksum.
fn read_index(path: &Path, limits: Limits) -> Result<Option<Bytes>, Missing> {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Missing::No),
        Err(e) => return Err(Missing::Bad(format!("it cannot be read: {e}"))),
    };
    let size = file
        .metadata()
        .map_err(|e| Missing::Bad(e.to_string()))?
        .len();
    let mut bytes = Bytes::with_capacity(usize::try_from(size).unwrap_or(0));
    bytes
        .extend_from_reader(&mut std::io::Read::by_ref(&mut file).take(size))
        .map_err(|e| Missing::Bad(format!("it cannot be read: {e}")))?;
    let bad = |why: &str| Err(Missing::Bad(why.to_owned()));
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return bad("it is not a dossier index");
    }
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    let format = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default());
    if format != FORMAT {
        return Err(Missing::Bad(format!(
            "it is in format {format}; this dossier writes format {FORMAT}"
        )));
    }
    if &bytes[12..16] != LAYOUT {
        return bad("it was written with another machine's layout");
    }
    if word(16) != build() {
        return bad("it was written by another build of dossier");
    }
    if word(24) != limits.max_file_bytes {
        return bad("it was written with another file-size limit");
    }
    let len = usize::try_from(word(32)).unwrap_or(usize::MAX);
    if bytes.len() - HEADER != len {
        return bad("it is truncated");
    }
    if xxhash_rust::xxh3::xxh3_64(&bytes[HEADER..]) != word(40) {
        return bad("its checksum does not match (the file is damaged)");
    }
    Ok(Some(bytes))
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
    let (records, backlinks, diagnostics, haystacks) = w.catalog.parts();
    let at: std::collections::HashMap<&str, u32> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (&*r.path, i as u32))
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
                document: &f.document,
            }
        })
        .collect();
    let root = canonical_root.to_string_lossy();
    let snapshot = Snapshot {
        root: &root,
        walk: w.walk,
        unread: w.unread,
        files,
        records,
        backlinks,
        diagnostics,
        haystacks,
    };
    let payload = rkyv::to_bytes::<rancor::Error>(&snapshot)
        .map_err(|e| format!("index not written: {e}"))?;
    let mut header = [0u8; HEADER];
    header[..8].copy_from_slice(MAGIC);
    header[8..12].copy_from_slice(&FORMAT.to_le_bytes());
    header[12..16].copy_from_slice(LAYOUT);
    header[16..24].copy_from_slice(&build().to_le_bytes());
    header[24..32].copy_from_slice(&limits.max_file_bytes.to_le_bytes());
    header[32..40].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    header[40..48].copy_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());

    let fail = |e: std::io::Error| {
        format!(
            "index not written to {}: {}; running without one",
            cache.display(),
            load::io_message(&e)
        )
    };
    create_private_dir(cache).map_err(fail)?;
    let tmp = cache.join(format!(
        ".{}.{}.{}.tmp",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id(),
        load::now_ns()
    ));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(&header)?;
        f.write_all(&payload)?;
        f.sync_data()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok((HEADER + payload.len()) as u64)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// The catalog read back whole, when nothing it was built from has changed: the same files with
/// the same identities, the same walk, and documents that check out the same.
fn whole(
    a: &ArchivedSnapshot,
    scan: &load::Scan,
    identities: &[Option<FileId>],
    abs_root: &Path,
) -> Option<Catalog> {
    let same_walk = a.walk.len() == scan.diagnostics.len()
        && a.unread.len() == scan.unread.len()
        && a.unread
            .iter()
            .zip(&scan.unread)
            .all(|(x, y)| x == y.as_str())
        && deserialize::<Box<[Diagnostic]>>(&a.walk)
            .map(Vec::from)
            .ok()?
            == scan.diagnostics;
    if !same_walk || a.files.len() != scan.candidates.len() {
        return None;
    }
    let same_files = a
        .files
        .par_iter()
        .zip(scan.candidates.par_iter().zip(identities))
        .all(|(f, (c, id))| {
            *f.rel == *c.rel
                && f.identity.as_ref().is_some_and(|stored| {
                    id.is_some_and(|id| deserialize::<FileId>(stored).is_ok_and(|s| s == id))
                })
        });
    if !same_files {
        return None;
    }
    let mut records: Vec<Record> = a
        .records
        .par_iter()
        .map(|r| deserialize::<Record>(r).ok().filter(usable))
        .collect::<Option<_>>()?;
    // Documents are other files: check them again and compare.
    let documents_same = a.files.iter().all(|f| {
        let Some(at) = f.at.as_ref().map(|at| at.to_native() as usize) else {
            return f.document.is_empty();
        };
        let Some(r) = records.get_mut(at) else {
            return false;
        };
        let Body::Source(s) = &mut r.body else {
            return f.document.is_empty();
        };
        let before = s.document_ok;
        s.document_ok = false;
        let again = load::check_document(&scan.canonical_root, r);
        let after = matches!(&r.body, Body::Source(s) if s.document_ok);
        after == before
            && deserialize::<Box<[Diagnostic]>>(&f.document)
                .map(Vec::from)
                .is_ok_and(|d| d == again)
    });
    if !documents_same {
        return None;
    }
    let backlinks: Vec<Vec<Backlink>> = deserialize::<Box<[Vec<Backlink>]>>(&a.backlinks)
        .ok()?
        .into();
    if backlinks.len() != records.len()
        || backlinks
            .iter()
            .flatten()
            .any(|b| b.from as usize >= records.len())
    {
        return None;
    }
    let diagnostics = deserialize::<Box<[Diagnostic]>>(&a.diagnostics)
        .map(Vec::from)
        .ok()?
        .into_iter()
        .map(Diagnostic::cleaned)
        .collect();
    let haystacks: Haystacks = deserialize(&a.haystacks).ok()?;
    if haystacks.entries.len() != records.len() {
        return None;
    }
    Some(Catalog::from_parts(
        abs_root.to_owned(),
        records,
        backlinks,
        diagnostics,
        haystacks,
    ))
}

/// A file's record and diagnostics from the index, when the file is as it was.
fn reuse(a: &ArchivedSnapshot, rel: &str, now: Option<FileId>) -> Option<FileRead> {
    let now = now?;
    let i = a.files.binary_search_by(|f| (*f.rel).cmp(rel)).ok()?;
    let f = &a.files[i];
    let stored: FileId = deserialize(f.identity.as_ref()?).ok()?;
    if stored != now {
        return None;
    }
    let record = match f.at.as_ref() {
        Some(at) => {
            let mut r: Record = deserialize(a.records.get().get(at.to_native() as usize)?).ok()?;
            if !usable(&r) || *r.path != *rel {
                return None;
            }
            if let Body::Source(s) = &mut r.body {
                s.document_ok = false; // checked again by the caller
            }
            Some(r)
        }
        None => None,
    };
    let diagnostics = deserialize::<Box<[Diagnostic]>>(&f.diagnostics)
        .map(Vec::from)
        .ok()?
        .into_iter()
        .map(Diagnostic::cleaned)
        .collect();
    Some(FileRead {
        record,
        diagnostics,
        identity: Some(now),
    })
}

/// A record read back must still name itself as a file would: an id the loader would accept.
fn usable(r: &Record) -> bool {
    load::usable_id(&r.id) && !r.path.chars().any(crate::text::is_unsafe)
}

fn deserialize<T>(
    a: &impl rkyv::Deserialize<T, rancor::Strategy<rkyv::de::Pool, rancor::Error>>,
) -> Result<T, rancor::Error> {
    rkyv::deserialize::<T, rancor::Error>(a)
}
