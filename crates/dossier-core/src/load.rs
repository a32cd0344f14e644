//! Walk a case-file folder, parse every record file, and report every problem precisely.
//!
//! This is the only module that knows the YAML crate. We use `serde-saphyr` rather than the
//! archived `serde_yaml`: it rejects duplicate keys instead of keeping the last one silently, it
//! caps aliases, nesting and event counts (an alias bomb stops with an error instead of
//! expanding to gigabytes), and it gives the line and column of every value, which is what
//! jump-to-source and `path:line:col` diagnostics are built on.
//!
//! One bad file never stops the others: each file yields a record (a stub marked `broken` when
//! it could not be read, so links to it still resolve) plus its diagnostics. Files are parsed in
//! parallel; the result is sorted so output never depends on thread timing.

use std::fmt;
use std::marker::PhantomData;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::{Location, MessageFormatter, Spanned};

use crate::date;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{
    At, Body, Camp, Citation, Control, DateClaim, DateText, Dates, Figure, INCIDENT_TYPES,
    Incident, Kind, NUMBER_QUALIFIERS, NameField, Organization, Participant, Party, Person, Place,
    Pos, Position, Record, Ref, SEXES, STATUSES, Source, VAGUE_QUANTITIES,
};
use crate::text::Text;

/// Limits that keep a hostile or mistaken file from exhausting the machine.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Files larger than this are refused before they are read.
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 4 * 1024 * 1024,
        }
    }
}

/// Everything found in a folder.
#[derive(Debug, Default)]
pub struct Loaded {
    pub records: Vec<Record>,
    pub diagnostics: Vec<Diagnostic>,
    /// Folders under the root that could not be read (relative, `/`-separated): the records in
    /// them are missing, so links to them cannot be checked one by one.
    pub unread: Vec<String>,
}

/// Why a folder could not be loaded at all (as opposed to a file in it).
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            crate::text::shown(&self.path.display().to_string()),
            self.message
        )
    }
}

impl std::error::Error for LoadError {}

/// A file that looks like a record: where it is, and which kind its folder says it holds.
pub(crate) struct Candidate {
    abs: PathBuf,
    pub(crate) rel: String,
    kind: Kind,
    /// Found as a symbolic link (to a file inside the folder).
    link: bool,
}

/// Whether `root` can be loaded at all: it exists and is a folder.
pub fn check_root(root: &Path) -> Result<(), LoadError> {
    let meta = std::fs::metadata(root).map_err(|e| LoadError {
        path: root.to_owned(),
        message: io_message(&e),
    })?;
    if !meta.is_dir() {
        return Err(LoadError {
            path: root.to_owned(),
            message: "not a folder".into(),
        });
    }
    Ok(())
}

/// How far a load has come, for a progress line: files found, then files read; and, for a
/// browser that shows the list while a first load goes on, where the records read so far go
/// (`Progress::with_partials`, beside the catalog it makes of them).
#[derive(Default)]
pub struct Progress {
    pub found: AtomicUsize,
    pub read: AtomicUsize,
    partials: Option<Box<Partials>>,
    /// Files read before the first partial list.
    first_partial: usize,
}

/// The records a first load has read so far, in the order read, and where they are.
pub(crate) struct ReadSoFar<'a> {
    pub(crate) records: Vec<&'a Record>,
    pub(crate) abs_root: &'a Path,
    pub(crate) canonical_root: &'a Path,
    pub(crate) limits: Limits,
}

pub(crate) type Partials = dyn for<'a> Fn(ReadSoFar<'a>) + Send + Sync;

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Progress")
            .field("found", &self.found)
            .field("read", &self.read)
            .field("partials", &self.partials.is_some())
            .field("first_partial", &self.first_partial)
            .finish()
    }
}

impl Progress {
    /// Progress whose load, where it reads every file, hands `partials` the records read so
    /// far now and then: after `first` files, then each time four times as many have been
    /// read. A load that keeps records from the index hands over none.
    pub(crate) fn with_read_so_far(first: usize, partials: Box<Partials>) -> Progress {
        Progress {
            partials: Some(partials),
            first_partial: first.max(1),
            ..Progress::default()
        }
    }
}

/// Files read before the first partial list: at 2,000 to 20,000 files a second, a fraction of
/// a second, and a folder smaller than this is read whole as quickly.
const FIRST_PARTIAL: usize = 4096;

/// Read every candidate, in parallel, the results in candidate order. With partial lists asked
/// for (`Progress::with_partials`), the files are read in batches, each ending where four
/// times as many have been read as before it, and after each but the last the records read so
/// far (`record` of each result) are handed over as a catalog. A list costs what a catalog of
/// its records does (sorting them, making their search entries) but not reading them; each
/// being a quarter of the next, all of them together cost about a third of the last catalog.
pub(crate) fn read_all<T: Send>(
    (canonical_root, abs_root): (&Path, &Path),
    candidates: &[Candidate],
    limits: Limits,
    progress: &Progress,
    read: impl Fn(&Candidate) -> T + Sync + Send,
    record: impl Fn(&T) -> Option<&Record>,
) -> Vec<T> {
    let read_one = |c: &Candidate| {
        let got = read(c);
        progress.read.fetch_add(1, Ordering::Relaxed);
        got
    };
    let Some(partial) = &progress.partials else {
        return candidates.par_iter().map(read_one).collect();
    };
    let mut results: Vec<T> = Vec::with_capacity(candidates.len());
    let mut batch = progress.first_partial;
    while results.len() < candidates.len() {
        let end = (results.len() + batch).min(candidates.len());
        results.par_extend(candidates[results.len()..end].par_iter().map(read_one));
        batch = results.len() * 3;
        if end < candidates.len() {
            partial(ReadSoFar {
                records: results.iter().filter_map(&record).collect(),
                abs_root,
                canonical_root,
                limits,
            });
            after_partial_hook();
        }
    }
    results
}

/// Files read before the first partial list (`FIRST_PARTIAL`, or in a debug build what
/// `DOSSIER_TEST_FIRST_PARTIAL` says).
pub(crate) fn first_partial() -> usize {
    #[cfg(debug_assertions)]
    if let Some(n) = std::env::var("DOSSIER_TEST_FIRST_PARTIAL")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        return n;
    }
    FIRST_PARTIAL
}

/// Fault injection for the test of the list shown while a first load goes on: in debug builds
/// only, `DOSSIER_TEST_AFTER_PARTIAL` is a shell command run after each partial list is handed
/// over, before the next file is read (the test holds the load there).
fn after_partial_hook() {
    test_hook("DOSSIER_TEST_AFTER_PARTIAL");
}

/// In debug builds only: run the shell command the environment variable `name` holds, if any.
#[cfg_attr(not(debug_assertions), allow(unused_variables))]
fn test_hook(name: &str) {
    #[cfg(debug_assertions)]
    if let Some(command) = std::env::var_os(name) {
        let _ = std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .status();
    }
}

pub fn load_dir(root: &Path, limits: Limits) -> Result<Loaded, LoadError> {
    load_dir_with(root, limits, &Progress::default())
}

/// `load_dir`, counting files in `progress` as it goes.
pub(crate) fn load_dir_with(
    root: &Path,
    limits: Limits,
    progress: &Progress,
) -> Result<Loaded, LoadError> {
    let Scan {
        canonical_root,
        candidates,
        mut diagnostics,
        unread,
    } = scan(root)?;
    progress.found.store(candidates.len(), Ordering::Relaxed);
    after_scan_hook();
    let abs_root = std::path::absolute(root).unwrap_or_else(|_| root.to_owned());
    let parsed: Vec<FileRead> = read_all(
        (&canonical_root, &abs_root),
        &candidates,
        limits,
        progress,
        |c| read_record(&canonical_root, c, limits, None),
        |read| read.record.as_ref(),
    );
    let mut records = Vec::with_capacity(parsed.len());
    for FileRead {
        record,
        diagnostics: diags,
        ..
    } in parsed
    {
        if let Some(mut r) = record {
            diagnostics.extend(diags);
            diagnostics.extend(check_document(&canonical_root, &mut r));
            records.push(r);
        } else {
            diagnostics.extend(diags);
        }
    }
    Ok(Loaded {
        records,
        diagnostics,
        unread,
    })
}

/// The record files of a folder, found but not yet read.
pub(crate) struct Scan {
    pub(crate) canonical_root: PathBuf,
    /// In path order.
    pub(crate) candidates: Vec<Candidate>,
    /// What the walk itself found wrong (unreadable folders, misplaced files).
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) unread: Vec<String>,
}

pub(crate) fn scan(root: &Path) -> Result<Scan, LoadError> {
    check_root(root)?;
    // Everything is read under the folder the name leads to now, so that a symbolic link
    // retargeted during the load (`ln -sfn release2 current`) cannot mix two folders.
    let canonical_root = root.canonicalize().map_err(|e| LoadError {
        path: root.to_owned(),
        message: io_message(&e),
    })?;
    let mut diagnostics = Vec::new();
    let Found { candidates, unread } =
        find_files(&canonical_root, &mut diagnostics).map_err(|e| LoadError {
            path: root.to_owned(),
            message: io_message(&e),
        })?;
    Ok(Scan {
        canonical_root,
        candidates,
        diagnostics,
        unread,
    })
}

/// What identifies a file's bytes without reading them, as git's index does: if its size, its
/// modification and change times (in nanoseconds), its inode and its device are as they were,
/// the file was not rewritten. The change time cannot be set back by a program (`touch -d`
/// sets the modification time, and that changes the change time), so a same-size rewrite whose
/// modification time was put back is caught.
#[derive(Clone, Copy, Debug, PartialEq, Eq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub struct FileId {
    pub size: u64,
    pub modified_ns: i64,
    pub changed_ns: i64,
    pub inode: u64,
    pub device: u64,
}

/// A file changed less than this before it was read may change again within the same tick of
/// the file system's clock without its times moving (git calls this "racily clean"): its
/// result is not kept, and the next load reads it again.
const RACY_NS: i64 = 2_000_000_000;

impl FileId {
    fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            size: meta.size(),
            modified_ns: meta.mtime().saturating_mul(1_000_000_000) + meta.mtime_nsec(),
            changed_ns: meta.ctime().saturating_mul(1_000_000_000) + meta.ctime_nsec(),
            inode: meta.ino(),
            device: meta.dev(),
        }
    }

    /// Settled: changed long enough before `now_ns` to be trusted next time.
    fn settled(self, now_ns: i64) -> bool {
        self.changed_ns.max(self.modified_ns) < now_ns - RACY_NS
    }
}

/// The time now, in nanoseconds since the epoch, as file times are.
pub(crate) fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

impl Candidate {
    /// A regular file at `rel`, of a record of `kind`: a file a load read before.
    pub(crate) fn file(canonical_root: &Path, rel: &str, kind: Kind) -> Candidate {
        Candidate {
            abs: canonical_root.join(rel),
            rel: rel.to_owned(),
            kind,
            link: false,
        }
    }

    /// The file's identity as it is now, without opening it; `None` for a symbolic link (its
    /// target can change while the link stays the same), so a link is always read.
    pub(crate) fn identity(&self) -> Option<FileId> {
        if self.link {
            return None;
        }
        let meta = std::fs::symlink_metadata(&self.abs).ok()?;
        meta.is_file().then(|| FileId::of(&meta))
    }
}

/// A record read from its case file again, on its own (see `shelf`): its record as a load makes
/// it, or a stub that names the file when it has none.
pub(crate) fn read_again(canonical_root: &Path, rel: &str, kind: Kind, limits: Limits) -> Record {
    let c = Candidate::file(canonical_root, rel, kind);
    let mut record = read_record(canonical_root, &c, limits, None)
        .record
        .unwrap_or_else(|| stub(rel, kind, None));
    check_document(canonical_root, &mut record);
    record
}

/// One record file as read: its record (`None` when the file can give none), what reading and
/// parsing it found (before the document check), and its identity when this result may be
/// used again without reading the file (see `FileId`).
pub(crate) struct FileRead {
    pub(crate) record: Option<Record>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) identity: Option<FileId>,
}

/// Read and parse one record file. With `now_ns`, the result gets the identity of the file
/// that was read, when it held still while it was read and had settled (see `RACY_NS`).
pub(crate) fn read_record(
    canonical_root: &Path,
    c: &Candidate,
    limits: Limits,
    now_ns: Option<i64>,
) -> FileRead {
    if let Err(d) = usable_file_name(&c.rel) {
        return FileRead {
            record: None,
            diagnostics: vec![d],
            identity: None,
        };
    }
    match read_file(canonical_root, &c.abs, limits) {
        Ok((text, before, after)) => {
            let (record, diagnostics) = parse_record(&c.rel, c.kind, &text);
            let identity = now_ns
                .filter(|_| !c.link && before == after)
                .and_then(|now| before.settled(now).then_some(before));
            FileRead {
                record,
                diagnostics,
                identity,
            }
        }
        Err(d) => FileRead {
            record: Some(stub(&c.rel, c.kind, None)),
            diagnostics: vec![d.with_path(&c.rel)],
            identity: None,
        },
    }
}

/// Fault injection for the test that a file swapped between the scan and the read is read
/// safely (issue 17): in debug builds only, `DOSSIER_TEST_AFTER_SCAN` is a shell command run
/// once the folder has been scanned and before any file is opened.
fn after_scan_hook() {
    test_hook("DOSSIER_TEST_AFTER_SCAN");
}

pub(crate) fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// What the scan found: the record files to read, and the folders it could not read.
struct Found {
    candidates: Vec<Candidate>,
    unread: Vec<String>,
}

/// Find record files: YAML files under the four kind folders, sorted by path, however deep.
/// YAML files elsewhere get a warning, since a misplaced record would otherwise vanish
/// silently. Symbolic links to folders are not followed, so there is no loop to catch and no
/// need for a depth limit (which skipped records 32 folders deep without a word). Fails only
/// when the root itself cannot be read: then there is no catalog to show, not an empty one.
fn find_files(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> std::io::Result<Found> {
    let mut found = Found {
        candidates: Vec::new(),
        unread: Vec::new(),
    };
    // Not walkdir: its entries parse their paths again for every comparison when sorted (30 ms
    // of a warm start at 100,000 files); the candidates are sorted once, by path, at the end.
    // Folders still to read, with their path relative to the root. A stack, not recursion:
    // a folder nested a hundred thousand deep is read, not a stack overflow. Each folder is
    // opened when its turn comes and read whole, so one is open at a time.
    let mut folders = vec![(root.to_owned(), String::new())];
    while let Some((folder, rel)) = folders.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            // The root itself: there is no catalog to show, not an empty one.
            Err(e) if rel.is_empty() => return Err(e),
            Err(e) => {
                unreadable_folder(&rel, &e, &mut found, diagnostics);
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    unreadable_folder(&rel, &e, &mut found, diagnostics);
                    break;
                }
            };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let child = if rel.is_empty() {
                name.into_owned()
            } else {
                format!("{rel}/{name}")
            };
            let file_type = match entry.file_type() {
                Ok(t) => t,
                Err(e) => {
                    diagnostics.push(
                        Diagnostic::error(
                            &child,
                            FILE_START,
                            format!("cannot read: {}", io_message(&e)),
                        )
                        .hint("check the permissions of this file or folder"),
                    );
                    continue;
                }
            };
            let path = entry.path();
            if is_yaml(&path) {
                match classify(&path, child.clone(), file_type, root) {
                    Ok(Some(c)) => found.candidates.push(c),
                    Ok(None) => {}
                    Err(d) => diagnostics.push(d),
                }
            }
            if file_type.is_dir() {
                folders.push((path, child));
            }
        }
    }
    found.candidates.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    found.unread.sort_unstable();
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
    });
    Ok(found)
}

/// A folder under the root that could not be read: its records are missing, and said to be.
fn unreadable_folder(
    rel: &str,
    e: &std::io::Error,
    found: &mut Found,
    diagnostics: &mut Vec<Diagnostic>,
) {
    found.unread.push(rel.to_owned());
    // A folder has no line to point at.
    diagnostics.push(
        Diagnostic::error(
            rel,
            Pos::default(),
            format!(
                "cannot read this folder: {}; the records in it are not loaded",
                io_message(e)
            ),
        )
        .hint("check the permissions of this folder"),
    );
}

/// Decide what a `.yaml` entry is: a record file to read, something to skip, or a problem.
/// Only regular files inside the folder are read: a pipe would block forever, and a symlink out
/// of the folder would read what the folder's author chose from the reader's disk.
fn classify(
    path: &Path,
    rel: String,
    file_type: std::fs::FileType,
    root: &Path,
) -> Result<Option<Candidate>, Diagnostic> {
    let problem = |severity: bool, message: &str, hint: &str| {
        let d = if severity {
            Diagnostic::error(&rel, FILE_START, message)
        } else {
            Diagnostic::warning(&rel, FILE_START, message)
        };
        d.hint(hint)
    };
    let not_regular = || {
        problem(
            true,
            "not a regular file (a pipe, socket or device); not read",
            "record files are plain files ending in .yaml",
        )
    };
    if file_type.is_dir() {
        // Its files are read like any others: say so, rather than "skipped".
        return Err(problem(
            false,
            "a folder named like a record file; read as a folder, the files in it as records",
            "rename the folder if a record file was meant; record files are plain files ending in .yaml",
        ));
    }
    if file_type.is_symlink() {
        match path.canonicalize() {
            Ok(target) if target.starts_with(root) && target.is_file() => {}
            Ok(target) if target.starts_with(root) => {
                return if target.is_dir() {
                    Ok(None)
                } else {
                    Err(not_regular())
                };
            }
            Ok(_) => {
                return Err(problem(
                    true,
                    "symbolic link points outside the case-file folder; not followed",
                    "copy the file into the folder instead of linking to it",
                ));
            }
            Err(e) => {
                return Err(Diagnostic::error(
                    &rel,
                    FILE_START,
                    format!("broken symbolic link: {}", io_message(&e)),
                ));
            }
        }
    } else if !file_type.is_file() {
        return Err(not_regular());
    }
    let folder = rel.split('/').next().unwrap_or_default();
    match Kind::from_folder(folder) {
        Some(kind) if rel.contains('/') => Ok(Some(Candidate {
            abs: path.to_owned(),
            rel,
            kind,
            link: file_type.is_symlink(),
        })),
        _ => {
            let near = Kind::parse(folder)
                .map(Kind::folder)
                .or_else(|| did_you_mean(folder, Kind::ALL.map(Kind::folder)));
            let hint = match near {
                Some(f) if rel.contains('/') => format!("did you mean the folder `{f}/`?"),
                _ => {
                    "records live in people/, incidents/, camps/, organizations/ or sources/".into()
                }
            };
            Err(problem(false, "not in a record folder; skipped", &hint))
        }
    }
}

/// Caps on the YAML of one record file; a real record needs a small fraction of each.
const MAX_DEPTH: usize = 32;
const MAX_NODES: usize = 200_000;
const MAX_ALIASES: usize = 1_000;

/// Problems with a file as a whole are reported at its start, where an editor opens it.
const FILE_START: Pos = Pos { line: 1, col: 1 };

/// A diagnostic for the file as a whole, before its path is attached.
struct FileProblem(Diagnostic);

impl FileProblem {
    fn new(message: String, hint: &str) -> Self {
        Self(Diagnostic::error("", FILE_START, message).hint(hint))
    }

    fn with_path(self, rel: &str) -> Diagnostic {
        Diagnostic {
            path: crate::text::shown(rel).into_owned(),
            ..self.0
        }
    }
}

/// Why a file inside the folder was not read.
#[derive(Debug)]
enum Unread {
    /// A pipe, socket, device or folder: a pipe would block for ever, a device never end.
    NotRegular,
    /// A symbolic link, or a folder on the way, leads out of the case-file folder.
    Outside,
    /// A symbolic link that leads nowhere, or round in a loop.
    BrokenLink(std::io::Error),
    Io(std::io::Error),
}

impl From<std::io::Error> for Unread {
    fn from(e: std::io::Error) -> Self {
        Unread::Io(e)
    }
}

impl Unread {
    fn problem(self) -> FileProblem {
        match self {
            Unread::NotRegular => FileProblem::new(
                "not a regular file (a pipe, socket or device); not read".into(),
                "record files are plain files ending in .yaml",
            ),
            Unread::Outside => FileProblem::new(
                "leads outside the case-file folder through a symbolic link; not read".into(),
                "copy the file into the folder instead of linking to it",
            ),
            Unread::BrokenLink(e) => FileProblem::new(
                format!("broken symbolic link: {}", io_message(&e)),
                "point the link at a file in the folder, or remove it",
            ),
            Unread::Io(e) => FileProblem::new(
                format!("cannot read: {}", io_message(&e)),
                "check the file's permissions",
            ),
        }
    }
}

/// Open a file of the case-file folder for reading: once, and judged by what was opened, not
/// by what was at the path a moment before (a file swapped for a pipe or a link to /dev/zero
/// between the scan and the read). The last step of the path is not followed if it is a
/// symbolic link (`O_NOFOLLOW`); a link is resolved, checked to stay inside the folder, and its
/// target opened by the same rule. Nothing blocks (`O_NONBLOCK`: a pipe opens at once, and is
/// then refused), and nothing opened becomes the controlling terminal (`O_NOCTTY`). The open
/// file must be a regular file, and where the system can say where it is (Linux's
/// `/proc/self/fd`), inside the folder, which catches a folder on the way swapped for a link.
fn open_inside(
    canonical_root: &Path,
    path: &Path,
) -> Result<(std::fs::File, std::fs::Metadata), Unread> {
    use std::os::unix::fs::OpenOptionsExt;
    let open = |p: &Path| {
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(p)
    };
    let file = match open(path) {
        Ok(f) => f,
        Err(e) if is_symlink_refusal(&e) => {
            let target = path.canonicalize().map_err(Unread::BrokenLink)?;
            if !target.starts_with(canonical_root) {
                return Err(Unread::Outside);
            }
            // Canonical: no link left in it, so one swapped in meanwhile is refused again.
            open(&target)?
        }
        Err(e) => return Err(Unread::Io(e)),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Unread::NotRegular);
    }
    if opened_path(&file).is_some_and(|p| !p.starts_with(canonical_root)) {
        return Err(Unread::Outside);
    }
    Ok((file, meta))
}

/// The error `open` gives when `O_NOFOLLOW` met a symbolic link.
fn is_symlink_refusal(e: &std::io::Error) -> bool {
    #[cfg(any(target_os = "freebsd", target_os = "dragonfly"))]
    let code = libc::EMLINK;
    #[cfg(not(any(target_os = "freebsd", target_os = "dragonfly")))]
    let code = libc::ELOOP;
    e.raw_os_error() == Some(code)
}

/// Where an open file is, as the kernel knows it; `None` where it cannot say.
fn opened_path(file: &std::fs::File) -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        None
    }
}

/// At most `cap + 1` bytes of an open file: one more than allowed tells that it is larger,
/// whatever it said its size was (it may grow while it is read).
fn read_at_most(file: &std::fs::File, size: u64, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(cap) + 1).unwrap_or(0));
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Read a file of the case-file folder `root` by the loader's rules (see `open_inside`): opened
/// once, without following a link out of the folder, without blocking, only if it is a regular
/// file. Gives at most `cap + 1` bytes: more than `cap` means the file is larger, and a caller
/// that shows the start of large files (the built-in viewer) can show the first `cap`.
pub fn read_bounded(root: &Path, path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let canonical_root = root.canonicalize()?;
    let (file, meta) = open_inside(&canonical_root, path).map_err(|why| {
        let kind = match &why {
            Unread::Io(e) | Unread::BrokenLink(e) => e.kind(),
            Unread::NotRegular => std::io::ErrorKind::InvalidInput,
            Unread::Outside => std::io::ErrorKind::PermissionDenied,
        };
        std::io::Error::new(kind, why.problem().0.message)
    })?;
    read_at_most(&file, meta.len(), cap)
}

/// The text of a record file, with the identity of the file opened before and after reading it:
/// two that differ mean it changed while it was read.
fn read_file(
    canonical_root: &Path,
    path: &Path,
    limits: Limits,
) -> Result<(String, FileId, FileId), FileProblem> {
    let (file, meta) = open_inside(canonical_root, path).map_err(Unread::problem)?;
    let before = FileId::of(&meta);
    let after = |file: &std::fs::File| file.metadata().map_or(before, |m| FileId::of(&m));
    let too_large = |size: u64| {
        FileProblem::new(
            format!(
                "file is {size} bytes, over the limit of {} bytes; not read",
                limits.max_file_bytes
            ),
            "a record file is normally a few kilobytes; raise the limit with --max-file-size if this one is meant to be large",
        )
    };
    if meta.len() > limits.max_file_bytes {
        return Err(too_large(meta.len()));
    }
    let bytes = read_at_most(&file, meta.len(), limits.max_file_bytes)
        .map_err(|e| Unread::Io(e).problem())?;
    let after = after(&file);
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(FileProblem::new(
            format!(
                "file grew past the limit of {} bytes while it was read; not read",
                limits.max_file_bytes
            ),
            "read it again once it has stopped changing",
        ));
    }
    String::from_utf8(bytes)
        .map(|text| (text, before, after))
        .map_err(|e| {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
            let mut p = FileProblem::new(
                "file is not valid UTF-8".into(),
                "save the file as UTF-8 (most editors have an encoding option)",
            );
            p.0.line = line as u32;
            p.0.column = col as u32;
            p
        })
}

/// A record for a file that could not be read, so that links to it resolve and the browser can
/// still list it (and jump to it) for fixing.
fn stub(rel: &str, kind: Kind, name: Option<Text>) -> Record {
    let id = file_stem(rel);
    Record {
        name: name.unwrap_or_else(|| Text::new(id.clone())),
        id: id.into_boxed_str(),
        kind,
        path: rel.into(),
        line: 1,
        fields: Vec::new(),
        name_field: if kind == Kind::Source {
            NameField::Title
        } else {
            NameField::Name
        },
        aliases: Vec::new(),
        summary: None,
        notes: None,
        tags: Vec::new(),
        sources: Vec::new(),
        related: Vec::new(),
        inferred: Vec::new(),
        body: Body::empty(kind),
        broken: true,
    }
}

fn file_stem(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_owned()
}

/// Parser limits for record files. A record is a few kilobytes with a handful of nested lists;
/// these caps are far above that and far below what would strain a small server. Alias replay
/// is capped hardest, since that is how a small file expands into a huge one.
fn yaml_options(duplicate_keys: serde_saphyr::DuplicateKeyPolicy) -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ALIASES,
            max_documents: 1,
            flow_nesting_limit: 32,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 10_000,
            max_replay_stack_depth: 16,
        },
        duplicate_keys: duplicate_keys,
        with_snippet: false,
    }
}

/// Parse one record file. `rel` is its path relative to the case-file folder; `kind` is what
/// its folder says it holds. Never panics; every problem becomes a diagnostic.
/// Returns no record only when the file name cannot be an id; every other problem still gives
/// a record (a stub marked `broken` if nothing better could be read).
pub fn parse_record(rel: &str, kind: Kind, text: &str) -> (Option<Record>, Vec<Diagnostic>) {
    if let Err(d) = usable_file_name(rel) {
        return (None, vec![d]);
    }
    let blank = text
        .trim_start_matches('\u{feff}')
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    if blank {
        let field = if kind == Kind::Source {
            "title"
        } else {
            "name"
        };
        let d = Diagnostic::error(rel, FILE_START, "the file is empty").hint(format!(
            "a record needs at least `{field}:`; delete the file if it is not meant to be a record"
        ));
        return (Some(stub(rel, kind, None)), vec![d]);
    }
    let mut keys: Vec<(String, Pos)> = Vec::new();
    let parsed = serde_saphyr::with_deserializer_from_str_with_options(
        text,
        yaml_options(serde_saphyr::DuplicateKeyPolicy::Error),
        |de| {
            KeySpy {
                keys: &mut keys,
                marker: PhantomData::<RecordFile>,
            }
            .deserialize(de)
        },
    );
    match parsed {
        Ok(file) => {
            let mut check = Check {
                rel,
                kind,
                diags: Vec::new(),
            };
            let mut record = check.record(file, &keys);
            record.shrink_to_fit();
            (Some(record), check.diags)
        }
        Err(err) => {
            let diag = yaml_error(rel, kind, &err, keys.last());
            let name = salvage_name(text);
            (Some(stub(rel, kind, name)), vec![diag])
        }
    }
}

/// After a failed parse, try to recover the record's name so the browser lists it by name.
fn salvage_name(text: &str) -> Option<Text> {
    #[derive(Deserialize)]
    struct NameOnly {
        name: Option<Text>,
        title: Option<Text>,
    }
    let options = yaml_options(serde_saphyr::DuplicateKeyPolicy::FirstWins);
    let n: NameOnly = serde_saphyr::from_str_with_options(text, options).ok()?;
    n.name.or(n.title).filter(|t| !t.is_empty())
}

fn loc_pos(loc: &Location) -> Pos {
    Pos {
        line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
        col: u32::try_from(loc.column()).unwrap_or(u32::MAX),
    }
}

/// Turn a parser error into a diagnostic that says what to do.
fn yaml_error(
    rel: &str,
    kind: Kind,
    err: &serde_saphyr::Error,
    last_key: Option<&(String, Pos)>,
) -> Diagnostic {
    use serde_saphyr::Error as E;
    let inner = err.without_snippet();
    let pos = err
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| loc_pos(&l))
        .or(last_key.map(|(_, p)| *p))
        .unwrap_or(Pos { line: 1, col: 1 });
    // The parser's own sentence, shown where dossier has no better words; never read to decide.
    let message = || {
        serde_saphyr::DefaultMessageFormatter
            .format_message(inner)
            .into_owned()
    };
    let (message, hint): (String, String) = match YamlProblem::of(inner, last_key.is_none()) {
        YamlProblem::UnknownField => match inner {
            E::SerdeUnknownField { field, .. } => unknown_field(kind, field),
            _ => (message(), String::new()),
        },
        YamlProblem::DuplicateKey => (
            match inner {
                E::DuplicateMappingKey { key: Some(k), .. } => format!("duplicate key `{k}`"),
                _ => "duplicate key".into(),
            },
            "a key may appear once per mapping; merge the two values or remove one".into(),
        ),
        YamlProblem::SeveralDocuments => (
            "more than one YAML document (`---`) in one file".into(),
            "one record per file: move each document after `---` into a file of its own".into(),
        ),
        YamlProblem::NotAMapping => (
            "a record file must be a mapping of fields (`name: ...`), not a list or a single value".into(),
            "start the file with `name:` (or `title:` for a source) at the left margin".into(),
        ),
        YamlProblem::MissingField => (
            match inner {
                E::SerdeMissingField { field, .. } => format!("missing required field `{field}`"),
                _ => message(),
            },
            "add the field".into(),
        ),
        YamlProblem::Limits => (
            match inner {
                E::Budget { breach, .. } => budget_message(breach).unwrap_or_else(message),
                _ => message(),
            },
            "dossier caps anchors, aliases, nesting and size in record files; a record should not need them at this scale".into(),
        ),
        YamlProblem::TooDeep => (
            "nesting too deep".into(),
            "record files nest a few levels at most (32 is the limit); check for unclosed [ or {".into(),
        ),
        YamlProblem::BadCharacter => (
            message(),
            "remove the character, or quote the value; NUL and other control bytes have no place in a case file".into(),
        ),
        YamlProblem::WrongShape => (
            {
                // The parser's words for YAML events, in the README's words.
                let message = match inner {
                    E::Unexpected { expected, .. } => match *expected {
                        "mapping start" => "expected a mapping (`key: value`)".to_owned(),
                        "sequence start" => "expected a list".to_owned(),
                        "string scalar" | "scalar" => {
                            "expected a single value, not a list or mapping".to_owned()
                        }
                        other => format!("expected {other}"),
                    },
                    _ => message(),
                };
                // Name the field: "expected a list" alone does not say where to look.
                match last_key {
                    Some((key, p)) if p.line <= pos.line => format!("in `{key}`: {message}"),
                    _ => message,
                }
            },
            "check the value's shape against the file format in the README: a single value, a list (`- item` or [a, b]), or a mapping".into(),
        ),
        YamlProblem::Syntax => (
            message(),
            "fix the YAML here or just above it (an unclosed [ { or quote, a missing space after `:`, a tab in the indentation)".into(),
        ),
    };
    Diagnostic::error(rel, pos, message).hint(hint)
}

/// What went wrong in a record file, by the YAML library's own error kinds (the deserializer's
/// variants and the parser's `ErrorKind`), never by the words of its English messages: a new
/// version may reword those, and the tests below pin each kind to an input that produces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum YamlProblem {
    UnknownField,
    DuplicateKey,
    SeveralDocuments,
    /// The file is a list or a single value, not fields.
    NotAMapping,
    MissingField,
    /// A budget: anchors, aliases, nodes, size.
    Limits,
    TooDeep,
    /// A character YAML does not allow (NUL, other controls).
    BadCharacter,
    /// A field holds the wrong shape: a list where a value goes, a number where a list goes.
    WrongShape,
    /// Anything else the parser could not read: an unclosed bracket, a missing space.
    Syntax,
}

impl YamlProblem {
    fn of(err: &serde_saphyr::Error, before_any_key: bool) -> YamlProblem {
        use serde_saphyr::Error as E;
        use serde_saphyr::granit_parser::ErrorKind as Scan;
        match err {
            E::SerdeUnknownField { .. } => YamlProblem::UnknownField,
            E::DuplicateMappingKey { .. } => YamlProblem::DuplicateKey,
            E::MultipleDocuments { .. }
            | E::Budget {
                breach: serde_saphyr::budget::BudgetBreach::Documents { .. },
                ..
            } => YamlProblem::SeveralDocuments,
            E::Unexpected {
                expected: "mapping start",
                ..
            } if before_any_key => YamlProblem::NotAMapping,
            E::SerdeMissingField { .. } => YamlProblem::MissingField,
            E::Budget { .. }
            | E::AliasError { .. }
            | E::AliasExpansionLimitExceeded { .. }
            | E::AliasReplayLimitExceeded { .. }
            | E::AliasReplayStackDepthExceeded { .. } => YamlProblem::Limits,
            E::ExternalMessage { source, .. } => match &**source {
                serde_saphyr::ExternalMessageSource::Parser(scan) => match scan.kind() {
                    Scan::RecursionLimitExceeded => YamlProblem::TooDeep,
                    Scan::UnexpectedCharacter { .. } => YamlProblem::BadCharacter,
                    _ => YamlProblem::Syntax,
                },
                _ => YamlProblem::Syntax,
            },
            E::Unexpected { .. }
            | E::SerdeInvalidType { .. }
            | E::SerdeInvalidValue { .. }
            | E::SerdeInvalidLength { .. } => YamlProblem::WrongShape,
            _ => YamlProblem::Syntax,
        }
    }
}

/// A budget breach in words, with the limit that was reached (see `yaml_options`).
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> Option<String> {
    use serde_saphyr::budget::BudgetBreach as B;
    Some(match breach {
        B::Aliases { aliases } => {
            format!("too many aliases (`*name`): {aliases}; the limit is {MAX_ALIASES}")
        }
        B::Anchors { anchors } => {
            format!("too many anchors (`&name`): {anchors}; the limit is {MAX_ALIASES}")
        }
        B::Depth { depth } => format!("nesting too deep: {depth} levels; the limit is {MAX_DEPTH}"),
        B::Nodes { nodes } => format!("too many values: {nodes}; the limit is {MAX_NODES}"),
        B::Documents { documents } => format!("{documents} YAML documents in one file"),
        _ => return None,
    })
}

/// Fields `inferred:` cannot mark: the name and the lists, whose entries carry their own
/// `inferred:`, and the dates, whose claims do.
pub(crate) const NOT_MARKED: &[&str] = &[
    "id",
    "kind",
    "name",
    "title",
    "aliases",
    "summary",
    "notes",
    "tags",
    "sources",
    "related",
    "inferred",
    "positions",
    "participants",
    "figures",
    "population",
    "control",
    "born",
    "died",
    "date",
    "opened",
    "closed",
    "issued",
];

pub(crate) use crate::model::FIELDS;

pub(crate) fn fields_of(kind: Kind) -> impl Iterator<Item = &'static str> {
    FIELDS
        .iter()
        .filter(move |(_, kinds)| kinds.contains(&kind))
        .map(|(name, _)| *name)
}

fn unknown_field(kind: Kind, field: &str) -> (String, String) {
    let message = format!(
        "unknown field `{field}` in {} {kind} record",
        kind.article()
    );
    let hint = match did_you_mean(field, fields_of(kind)) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!(
            "fields of {} {kind}: {}",
            kind.article(),
            fields_of(kind).collect::<Vec<_>>().join(", ")
        ),
    };
    (message, hint)
}

/// Every field any record may have. Which of them suit which kind is checked afterwards, so
/// that a person file with `participants:` gets "that is an incident field" rather than a
/// bare "unknown field".
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordFile {
    /// The record's id; the file name without `.yaml` is the id, so this is seldom written.
    id: Option<Ref>,
    /// The kind, if written: it must agree with the folder (`person` in people/).
    kind: Option<At<String>>,
    /// The record's name (a source has a `title` instead).
    name: Option<Text>,
    /// A source's title, as the document gives it; in [brackets] when the copy has none.
    title: Option<Text>,
    /// Other spellings and transliterations, for searching.
    #[serde(default)]
    aliases: Vec<Text>,
    /// In your own words: what the sources say, attributed to them.
    #[serde(default, deserialize_with = "crate::text::paragraph")]
    summary: Option<Text>,
    /// Remarks on the record itself: gaps, doubts, how it was put together.
    #[serde(default, deserialize_with = "crate::text::paragraph")]
    notes: Option<Text>,
    /// Words to find and group records by.
    #[serde(default)]
    tags: Vec<Text>,
    /// The sources the record rests on: source ids, or `{source, locator, note}`.
    #[serde(default)]
    sources: Vec<Citation>,
    /// Ids of records related to this one.
    #[serde(default)]
    related: Vec<Ref>,
    /// Fields whose single value is worked out rather than given by a source, with why:
    /// `{nationality: "from his Iraqi government office"}`.
    inferred: Option<InferredFields>,
    /// female, male or unknown.
    sex: Option<At<Text>>,
    /// In words: Iranian, Iraqi.
    nationality: Option<Text>,
    /// Organisations the person belongs to: names, or `{organization: id}`.
    #[serde(default)]
    affiliations: Vec<Party>,
    /// Offices held: `{title, organisation, from, to, sources}`.
    #[serde(default)]
    positions: Vec<At<Position>>,
    /// What became of the person: alive, abducted, detained, killed, executed, ...
    status: Option<At<Text>>,
    /// A date (2013, 2013-09, 2013-09-01; `~` approximate, `?` uncertain), or claims with sources.
    #[serde(default)]
    born: Dates,
    /// A date (2013, 2013-09, 2013-09-01; `~` approximate, `?` uncertain), or claims with sources.
    #[serde(default)]
    died: Dates,
    /// Ids of the camps the person lived in.
    #[serde(default)]
    camps: Vec<Ref>,
    /// What sort of incident, organisation or document this is.
    #[serde(rename = "type")]
    kind_of: Option<At<Text>>,
    /// When it happened: a date (2013, 2013-09, 2013-09-01, 2011-01/2011-02; `~` approximate, `?`
    /// uncertain), or a list of claims, each with its sources, where sources disagree.
    #[serde(default)]
    date: Dates,
    /// The id of the camp where it happened.
    camp: Option<Ref>,
    /// Where it happened, in words, when not (only) at a camp.
    place: Option<Text>,
    /// Who took part: `{person | organization | group, role, act, sources}`.
    #[serde(default)]
    participants: Vec<At<Participant>>,
    /// Numbers the sources give: `{what, count | min + max, qualifier, date, sources}`.
    #[serde(default)]
    figures: Vec<At<Figure>>,
    /// Where the camp is: `{country, province, description, coordinates: {lat, lon}}`.
    location: Option<Place>,
    /// When the camp opened: a date, or claims with sources.
    #[serde(default)]
    opened: Dates,
    /// When the camp closed: a date, or claims with sources.
    #[serde(default)]
    closed: Dates,
    /// How many lived there, over time: figures, each with its date and sources.
    #[serde(default)]
    population: Vec<At<Figure>>,
    /// Who ran or guarded the camp, over time: `{by, from, to, sources}`.
    #[serde(default)]
    control: Vec<At<Control>>,
    /// The camp's size, in words.
    area: Option<Text>,
    /// Who published the source: a name, or `{organization: id}`.
    publisher: Option<Party>,
    /// When the source was issued: a date as written, or claims with sources.
    #[serde(default)]
    issued: Dates,
    /// The document's own reference number (an AI Index number, a UN symbol).
    reference: Option<Text>,
    /// Where the document can be read.
    url: Option<Text>,
    /// A local copy, relative to the case-file folder: `e` on a citation opens it.
    document: Option<Text>,
    /// Whose point of view the source speaks from: human-rights NGO, government, ...
    perspective: Option<Text>,
}

/// Validation of one parsed file, collecting diagnostics as it goes.
struct Check<'a> {
    rel: &'a str,
    kind: Kind,
    diags: Vec<Diagnostic>,
}

impl Check<'_> {
    fn error(&mut self, pos: Pos, message: impl AsRef<str>, hint: impl AsRef<str>) {
        self.diags
            .push(Diagnostic::error(self.rel, pos, message).hint(hint));
    }

    fn record(&mut self, mut f: RecordFile, keys: &[(String, Pos)]) -> Record {
        let kind = self.kind;
        let fields: Vec<(&'static str, Pos)> = keys
            .iter()
            .filter_map(|(k, p)| {
                FIELDS
                    .iter()
                    .find(|(name, _)| name == k)
                    .map(|(name, _)| (*name, *p))
            })
            .collect();
        let key_pos = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| *k == key)
                .map_or_else(Pos::default, |&(_, p)| p)
        };
        let start = fields.first().map_or(Pos { line: 1, col: 1 }, |&(_, p)| p);

        self.kind_fits(&fields);

        let stem = file_stem(self.rel);
        let id = match &f.id {
            Some(r) if usable_id(r.id.raw()) => r.id.raw().to_owned(),
            Some(r) => {
                self.error(
                    r.pos,
                    format!(
                        "`{}` is not a usable id; the file name `{stem}` is used instead",
                        r.id.raw()
                    ),
                    ID_HINT,
                );
                stem
            }
            None => stem,
        };

        let (name, name_field) = self.name(f.name.take(), f.title.take(), &fields, &id, start);
        if let Some(k) = &f.kind {
            self.declared_kind(k);
        }

        let inferred = self.inferred(f.inferred.take(), &fields, key_pos("inferred"));
        let body = take_body(kind, &mut f);
        self.body(&body, key_pos("document"));
        self.citations(&f.sources);

        let record = Record {
            id: id.into_boxed_str(),
            kind,
            path: self.rel.into(),
            line: start.line,
            fields,
            name,
            name_field,
            aliases: f.aliases,
            summary: f.summary,
            notes: f.notes,
            tags: f.tags,
            sources: f.sources,
            related: f.related,
            inferred,
            body,
            broken: false,
        };
        self.hidden_characters(&record);
        if kind != Kind::Source
            && !record
                .links()
                .iter()
                .any(|(field, _)| *field == crate::model::LinkField::Source)
        {
            self.diags.push(
                Diagnostic::warning(self.rel, start, format!("{kind} record cites no source"))
                    .hint("add `sources:` with the id of the source record each claim comes from"),
            );
        }
        record
    }

    /// The record's name: `name` or `title`, exactly one of them, not empty.
    fn name(
        &mut self,
        name: Option<Text>,
        title: Option<Text>,
        fields: &[(&'static str, Pos)],
        id: &str,
        start: Pos,
    ) -> (Text, NameField) {
        let key_pos = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(start, |&(_, p)| p)
        };
        let kind = self.kind;
        let (name, name_field) = match (name, title) {
            (Some(n), None) => (n, NameField::Name),
            (None, Some(t)) => (t, NameField::Title),
            (Some(n), Some(_)) => {
                self.error(
                    key_pos("title"),
                    "both `name` and `title`",
                    "a record has one of the two; keep `title` for sources and `name` for the rest",
                );
                (n, NameField::Name)
            }
            (None, None) => {
                let field = if kind == Kind::Source {
                    "title"
                } else {
                    "name"
                };
                self.error(
                    start,
                    format!("missing `{field}`"),
                    format!("every record needs `{field}:`"),
                );
                (Text::new(id), NameField::Name)
            }
        };
        if name.is_empty() {
            self.error(
                key_pos(name_field.key()),
                format!("empty `{}`", name_field.key()),
                "write the record's name",
            );
        } else if crate::text::looks_blank(name.raw()) {
            self.error(
                key_pos(name_field.key()),
                format!(
                    "`{}` looks blank: it has only invisible or blank characters",
                    name_field.key()
                ),
                "write the record's name",
            );
        }

        (name, name_field)
    }

    /// Invisible and control characters are shown spelled out (`\u{3164}`), but nobody should
    /// have to spot that in a list to learn that two names differ, or that a blank-looking name
    /// is not blank: one warning per field that has any.
    fn hidden_characters(&mut self, record: &Record) {
        let mut found: Vec<(&'static str, char)> = Vec::new();
        record.texts(&mut |key, text| {
            let paragraph = matches!(key, "summary" | "notes");
            if !found.iter().any(|(k, _)| *k == key)
                && let Some(c) = crate::text::first_hidden(text, paragraph)
            {
                found.push((key, c));
            }
        });
        for (key, c) in found {
            let pos = record.field_pos(key).unwrap_or(FILE_START);
            let (message, hint) = if c == '\n' {
                (
                    format!("`{key}` has a line break, shown as `\\u{{a}}`"),
                    "write it on one line; only `summary` and `notes` keep their line breaks",
                )
            } else {
                (
                    format!(
                        "`{key}` has an invisible or control character, U+{:04X}, shown as `\\u{{{:x}}}`",
                        c as u32, c as u32
                    ),
                    "delete it, or type the character meant: invisible characters make a name look blank, or the same as another",
                )
            };
            self.diags
                .push(Diagnostic::warning(self.rel, pos, message).hint(hint));
        }
    }

    /// An optional `kind:` must agree with the folder.
    fn declared_kind(&mut self, k: &At<String>) {
        let kind = self.kind;
        match Kind::parse(&k.value) {
            Some(declared) if declared == kind => {}
            Some(declared) => self.error(
                k.pos,
                format!(
                    "this file says it is a {declared} but it is in {}/",
                    kind.folder()
                ),
                format!("move the file to {}/ or correct `kind:`", declared.folder()),
            ),
            None => self.error(
                k.pos,
                format!("unknown kind `{}`", k.value),
                "kinds are person, incident, camp and source",
            ),
        }
    }

    fn body(&mut self, body: &Body, document_pos: Pos) {
        match body {
            Body::Person(p) => {
                self.vocabulary(p.sex.as_ref(), "sex", SEXES);
                self.vocabulary(p.status.as_ref(), "status", STATUSES);
                for pos in &p.positions {
                    self.citations(&pos.sources);
                    self.date(pos.from.as_ref());
                    self.date(pos.to.as_ref());
                }
                self.dates(&p.born);
                self.dates(&p.died);
            }
            Body::Incident(i) => {
                self.vocabulary(i.kind.as_ref(), "type", INCIDENT_TYPES);
                self.dates(&i.date);
                for p in &i.participants {
                    self.participant(p);
                }
                for fig in &i.figures {
                    self.figure(fig);
                }
            }
            Body::Camp(c) => {
                self.dates(&c.opened);
                self.dates(&c.closed);
                for fig in &c.population {
                    self.figure(fig);
                }
                for ctl in &c.control {
                    self.citations(&ctl.sources);
                    self.date(ctl.from.as_ref());
                    self.date(ctl.to.as_ref());
                }
            }
            Body::Source(s) => {
                self.dates(&s.issued);
                if let Some(doc) = &s.document {
                    self.document_path(document_pos, doc);
                }
            }
            Body::Organization(_) => {}
        }
    }

    /// `inferred: {field: reason}`: each field one of the record's own, present in the file,
    /// and one whose value stands alone (a list's entries carry their own `inferred:`).
    fn inferred(
        &mut self,
        map: Option<InferredFields>,
        fields: &[(&'static str, Pos)],
        at: Pos,
    ) -> Vec<crate::model::Inferred> {
        let mut out = Vec::new();
        for (field, reason) in map.map(|m| m.0).unwrap_or_default() {
            let known = fields_of(self.kind).find(|f| *f == field);
            match known {
                Some(f) if NOT_MARKED.contains(&f) => self.error(
                    at,
                    format!("`inferred` cannot mark `{f}`"),
                    "mark an entry of a list, or a date claim, with its own `inferred: \"why\"`; here only a field with one value, such as `nationality`, `place`, `type` or `publisher`",
                ),
                Some(f) if !fields.iter().any(|(k, _)| *k == f) => self.error(
                    at,
                    format!("`inferred` marks `{f}`, which this record does not have"),
                    "remove the mark, or add the field",
                ),
                Some(f) => out.push(crate::model::Inferred {
                    field: f,
                    reason,
                    pos: at,
                }),
                None => {
                    let hint = match did_you_mean(&field, fields_of(self.kind)) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("{} {} has: {}", self.kind.article(), self.kind, fields_of(self.kind).collect::<Vec<_>>().join(", ")),
                    };
                    self.error(
                        at,
                        format!("`inferred` marks `{field}`, which is not a field of {} {} record", self.kind.article(), self.kind),
                        hint,
                    );
                }
            }
        }
        out
    }

    /// Fields that belong to another kind: the file is in the wrong folder, or a field is misplaced.
    fn kind_fits(&mut self, fields: &[(&'static str, Pos)]) {
        let kind = self.kind;
        let foreign: Vec<(&str, Pos, &[Kind])> = fields
            .iter()
            .filter_map(|&(name, pos)| {
                let kinds = FIELDS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)?;
                (!kinds.contains(&kind)).then_some((name, pos, kinds))
            })
            .collect();
        if foreign.is_empty() {
            return;
        }
        // If every foreign field fits one other kind, the file is probably in the wrong folder.
        let likely = Kind::ALL
            .into_iter()
            .find(|k| *k != kind && foreign.iter().all(|(_, _, kinds)| kinds.contains(k)));
        for (name, pos, kinds) in foreign {
            let owners: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            let hint = match likely {
                Some(other) => format!(
                    "`{name}` is a field of {} records; if this file is a {other}, move it to {}/",
                    owners.join(" and "),
                    other.folder()
                ),
                None => format!("`{name}` is a field of {} records", owners.join(" and ")),
            };
            self.error(
                pos,
                format!(
                    "`{name}` is not a field of {} {kind} record",
                    kind.article()
                ),
                hint,
            );
        }
    }

    fn vocabulary(&mut self, value: Option<&At<Text>>, field: &str, words: &[&str]) {
        let Some(v) = value else { return };
        if words.contains(&v.raw()) {
            return;
        }
        let hint = match did_you_mean(v.raw(), words.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("one of: {}", words.join(", ")),
        };
        self.error(v.pos, format!("unknown {field} `{}`", v.raw()), hint);
    }

    fn date(&mut self, d: Option<&DateText>) {
        let Some(d) = d else { return };
        if d.span.is_none()
            && let Err(e) = date::parse(d.text.raw())
        {
            self.error(d.pos, format!("bad date: {e}"), date::DATE_HINT);
        }
    }

    fn dates(&mut self, d: &Dates) {
        for claim in d.iter() {
            self.date(Some(&claim.date));
            self.citations(&claim.sources);
        }
    }

    fn citations(&mut self, cites: &[Citation]) {
        for c in cites {
            if c.source.id.is_empty() {
                self.error(
                    c.source.pos,
                    "empty source id",
                    "write the id of a source record",
                );
            }
        }
    }

    fn participant(&mut self, p: &At<Participant>) {
        let given = [
            p.person.is_some(),
            p.organization.is_some(),
            p.group.is_some(),
        ];
        match given.iter().filter(|g| **g).count() {
            1 => {}
            0 => self.error(
                p.pos,
                "participant has neither `person`, `organization` nor `group`",
                "add `person: <id>` for a person on file, `organization: <id>` for an organisation on file, or `group: <name>` for a party named in words",
            ),
            _ => self.error(
                p.pos,
                "participant names more than one of `person`, `organization` and `group`",
                "a participant is one of: a person on file (`person: id`), an organisation on file (`organization: id`), or a party named in words (`group: ...`); split it",
            ),
        }
        self.citations(&p.sources);
    }

    fn figure(&mut self, f: &At<Figure>) {
        let qualifier = f.qualifier.as_ref().map(Text::raw);
        let vague = qualifier.is_some_and(|q| VAGUE_QUANTITIES.contains(&q));
        let has_range = f.min.is_some() || f.max.is_some();
        if f.count.is_some() && has_range {
            self.error(
                f.pos,
                "figure has both `count` and `min`/`max`",
                "give an exact `count`, or a range with `min` and `max`, not both",
            );
        } else if f.count.is_none() && !has_range && !vague {
            self.error(
                f.pos,
                "figure has no number",
                format!(
                    "add `count`, or `min`/`max`, or a qualifier that stands for a number ({})",
                    VAGUE_QUANTITIES.join(", ")
                ),
            );
        }
        if let (Some(lo), Some(hi)) = (f.min, f.max)
            && lo > hi
        {
            self.error(
                f.pos,
                format!("figure range {lo}-{hi} runs backwards"),
                "`min` must not exceed `max`",
            );
        }
        if let Some(q) = qualifier
            && !vague
            && !NUMBER_QUALIFIERS.contains(&q)
        {
            let all = NUMBER_QUALIFIERS.iter().chain(VAGUE_QUANTITIES).copied();
            let hint = match did_you_mean(q, all) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "qualifiers: {}; or alone: {}",
                    NUMBER_QUALIFIERS.join(", "),
                    VAGUE_QUANTITIES.join(", ")
                ),
            };
            self.error(f.pos, format!("unknown qualifier `{q}`"), hint);
        }
        if vague && (f.count.is_some() || has_range) {
            self.error(
                f.pos,
                format!(
                    "`{}` stands for a number on its own",
                    qualifier.unwrap_or_default()
                ),
                "drop the qualifier or the number",
            );
        }
        self.date(f.date.as_ref());
        self.citations(&f.sources);
    }

    /// A source's local copy must stay inside the case-file folder.
    fn document_path(&mut self, pos: Pos, doc: &Text) {
        let path = Path::new(doc.raw());
        let escapes = path.is_absolute()
            || path.components().any(|c| {
                matches!(
                    c,
                    Component::ParentDir | Component::Prefix(_) | Component::RootDir
                )
            });
        if escapes {
            self.error(
                pos,
                format!("document `{}` is outside the case-file folder", doc.raw()),
                "give a path relative to the case-file folder, without `..`",
            );
        }
    }
}

/// Move the fields of `kind` out of the parsed file. Fields of other kinds were reported by
/// `kind_fits` and are dropped here.
fn take_body(kind: Kind, f: &mut RecordFile) -> Body {
    use std::mem::take;
    match kind {
        Kind::Person => Body::Person(Person {
            sex: take(&mut f.sex),
            nationality: take(&mut f.nationality),
            affiliations: take(&mut f.affiliations),
            positions: take(&mut f.positions),
            status: take(&mut f.status),
            born: take(&mut f.born),
            died: take(&mut f.died),
            camps: take(&mut f.camps),
        }),
        Kind::Incident => Body::Incident(Incident {
            kind: take(&mut f.kind_of),
            date: take(&mut f.date),
            camp: take(&mut f.camp),
            place: take(&mut f.place),
            participants: take(&mut f.participants),
            figures: take(&mut f.figures),
        }),
        Kind::Camp => Body::Camp(Camp {
            location: take(&mut f.location),
            opened: take(&mut f.opened),
            closed: take(&mut f.closed),
            population: take(&mut f.population),
            control: take(&mut f.control),
            area: take(&mut f.area),
        }),
        Kind::Organization => Body::Organization(Organization {
            kind: take(&mut f.kind_of).map(|t| t.value),
        }),
        Kind::Source => Body::Source(Source {
            publisher: take(&mut f.publisher),
            kind: take(&mut f.kind_of).map(|t| t.value),
            issued: take(&mut f.issued),
            reference: take(&mut f.reference),
            url: take(&mut f.url),
            document: take(&mut f.document),
            perspective: take(&mut f.perspective),
            document_ok: false,
        }),
    }
}

/// Checks that need the file system: a source's document exists and stays inside the folder,
/// following symbolic links. Only then may the browser open it.
pub(crate) fn check_document(canonical_root: &Path, record: &mut Record) -> Vec<Diagnostic> {
    let pos = record.field_pos("document").unwrap_or_default();
    let path = record.path.clone();
    let Body::Source(source) = &mut record.body else {
        return Vec::new();
    };
    let Some(doc) = &source.document else {
        return Vec::new();
    };
    let (ok, diagnostics) = check_document_at(canonical_root, &path, pos, doc.raw());
    source.document_ok = ok;
    diagnostics
}

/// `check_document` for the document `doc` named at `pos` of the record file `path`: whether
/// it may be opened, and what is wrong with it.
pub(crate) fn check_document_at(
    canonical_root: &Path,
    path: &str,
    pos: Pos,
    doc: &str,
) -> (bool, Vec<Diagnostic>) {
    let rel = Path::new(doc);
    if rel.is_absolute() || rel.components().any(|c| matches!(c, Component::ParentDir)) {
        return (false, Vec::new()); // already reported by `document_path`
    }
    match canonical_root.join(rel).canonicalize() {
        Ok(p) if p.starts_with(canonical_root) && p.is_file() => (true, Vec::new()),
        Ok(p) if p.starts_with(canonical_root) => (false, vec![
            Diagnostic::warning(path, pos, format!("document `{doc}` is not a file")).hint("name a file, relative to the case-file folder"),
        ]),
        Ok(_) => (false, vec![
            Diagnostic::error(path, pos, format!("document `{doc}` leads outside the case-file folder (symbolic link); it will not be opened"))
                .hint("copy the document into the folder"),
        ]),
        Err(_) => (false, vec![
            Diagnostic::warning(path, pos, format!("document `{doc}` not found"))
                .hint("the path is relative to the case-file folder"),
        ]),
    }
}

/// Can this be an id? Ids are shown on screen and typed in references, so they may not hide or
/// reorder text (control, bidi and zero-width characters), nor look like paths.
pub(crate) fn usable_id(id: &str) -> bool {
    !id.is_empty()
        && id.trim() == id
        && !id.starts_with('.')
        && !id
            .chars()
            .any(|c| crate::text::is_unsafe(c) || matches!(c, '/' | '\\'))
}

const ID_HINT: &str = "an id is the file name without `.yaml`: letters, digits and `-` are best; no control, bidi or zero-width characters, no leading dot or spaces";

/// A record's id is its file name; a name that cannot be an id keeps the file out, with an error.
fn usable_file_name(rel: &str) -> Result<(), Diagnostic> {
    let stem = file_stem(rel);
    if usable_id(&stem) {
        Ok(())
    } else {
        Err(Diagnostic::error(
            rel,
            FILE_START,
            "this file name cannot be an id; the file is not loaded",
        )
        .hint(format!("rename the file; {ID_HINT}")))
    }
}

/// Deserializes a mapping while recording the position of each key: the field lines that
/// jump-to-source uses come from the parser, not from a later text search.
struct KeySpy<'k, T> {
    keys: &'k mut Vec<(String, Pos)>,
    marker: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for KeySpy<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for KeySpy<'_, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping of fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(SpyMap {
            inner: map,
            keys: self.keys,
        }))
    }
}

struct SpyMap<'k, A> {
    inner: A,
    keys: &'k mut Vec<(String, Pos)>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for SpyMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.inner.next_key::<Spanned<String>>()? else {
            return Ok(None);
        };
        self.keys
            .push((key.value.clone(), loc_pos(&key.referenced)));
        seed.deserialize(key.value.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for At<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Spanned::<T>::deserialize(deserializer)?;
        Ok(At {
            pos: loc_pos(&s.referenced),
            value: s.value,
        })
    }
}

impl<'de> Deserialize<'de> for Ref {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Spanned::<String>::deserialize(deserializer)?;
        Ok(Ref {
            id: Text::new(s.value.trim()),
            pos: loc_pos(&s.referenced),
        })
    }
}

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Spanned::<String>::deserialize(deserializer)?;
        Ok(date_text(s.value, loc_pos(&s.referenced)))
    }
}

fn date_text(text: String, pos: Pos) -> DateText {
    DateText {
        span: date::parse(&text).ok(),
        text: Text::new(text),
        pos,
    }
}

/// A scalar read as text whatever YAML would have typed it as (`2013` is an integer to YAML).
#[allow(clippy::unnecessary_wraps)] // shaped like the visitor methods that call it
fn scalar_visitor_str<E: de::Error>(v: impl fmt::Display) -> Result<String, E> {
    Ok(v.to_string())
}

/// `sources:` items are a bare id or `{source, locator, note}`.
enum CitationForm {
    Id(String),
    Full {
        source: Ref,
        locator: Option<Text>,
        note: Option<Text>,
    },
}

impl<'de> Deserialize<'de> for CitationForm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CitationForm;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a source id, or a mapping with `source`, `locator` and `note`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CitationForm, E> {
                Ok(CitationForm::Id(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CitationForm, E> {
                scalar_visitor_str(v).map(CitationForm::Id)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CitationForm, E> {
                scalar_visitor_str(v).map(CitationForm::Id)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CitationForm, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Full {
                    source: Ref,
                    locator: Option<Text>,
                    note: Option<Text>,
                }
                let f = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(CitationForm::Full {
                    source: f.source,
                    locator: f.locator,
                    note: f.note,
                })
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// An organisation named in words, or `{organization: id}` for its record.
impl<'de> Deserialize<'de> for Party {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Party;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name, or a mapping with `organization: <id>`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Party, E> {
                Ok(Party::Named(Text::new(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Party, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Linked {
                    organization: Ref,
                }
                let l = Linked::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Party::Organization(l.organization))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// `inferred: {field: reason, ...}`, in the order written.
pub(crate) struct InferredFields(Vec<(String, Text)>);

impl<'de> Deserialize<'de> for InferredFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = InferredFields;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of field names to why each value is inferred")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<InferredFields, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Text>()? {
                    out.push((k, v));
                }
                Ok(InferredFields(out))
            }
        }
        deserializer.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Citation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Spanned::<CitationForm>::deserialize(deserializer)?;
        Ok(match s.value {
            CitationForm::Id(id) => Citation {
                source: Ref {
                    id: Text::new(id.trim()),
                    pos: loc_pos(&s.referenced),
                },
                locator: None,
                note: None,
            },
            CitationForm::Full {
                source,
                locator,
                note,
            } => Citation {
                source,
                locator,
                note,
            },
        })
    }
}

/// A date field is one date, or a list of `{date, sources, note}` claims.
enum DatesForm {
    One(String),
    Claims(Vec<DateClaim>),
}

impl<'de> Deserialize<'de> for DatesForm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DatesForm;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2013-09-01, or a list of `- date: ...` claims with their sources")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DatesForm, E> {
                Ok(DatesForm::One(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DatesForm, E> {
                scalar_visitor_str(v).map(DatesForm::One)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DatesForm, E> {
                scalar_visitor_str(v).map(DatesForm::One)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DatesForm, E> {
                scalar_visitor_str(v).map(DatesForm::One)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DatesForm, A::Error> {
                let mut claims = Vec::new();
                while let Some(c) = seq.next_element::<DateClaim>()? {
                    claims.push(c);
                }
                Ok(DatesForm::Claims(claims))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Dates {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Spanned::<DatesForm>::deserialize(deserializer)?;
        Ok(match s.value {
            DatesForm::One(text) => Dates(vec![DateClaim {
                inferred: None,
                date: date_text(text, loc_pos(&s.referenced)),
                sources: Vec::new(),
                note: None,
            }]),
            DatesForm::Claims(claims) => Dates(claims),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of YAML problem from an input that produces it, classified by the library's
    /// error kinds: an upgrade that changes them fails here, not silently in the messages.
    #[test]
    fn yaml_problems_are_told_apart_by_the_parsers_kinds() {
        let classify = |text: &str| {
            let mut keys: Vec<(String, Pos)> = Vec::new();
            let err = serde_saphyr::with_deserializer_from_str_with_options(
                text,
                yaml_options(serde_saphyr::DuplicateKeyPolicy::Error),
                |de| {
                    KeySpy {
                        keys: &mut keys,
                        marker: PhantomData::<RecordFile>,
                    }
                    .deserialize(de)
                },
            )
            .err()
            .unwrap_or_else(|| panic!("{text:?} parsed"));
            YamlProblem::of(&err, keys.is_empty())
        };
        let deep = format!("name: A\nrelated: {}\n", "[".repeat(100_000));
        // More anchors than the budget allows, in a field that takes a list of strings.
        let anchors: Vec<String> = (0..1100).map(|i| format!("&a{i} x")).collect();
        let bomb = format!("name: A\ntags: [{}]\n", anchors.join(", "));
        for (text, expected) in [
            ("name: A\nnmae: B\n", YamlProblem::UnknownField),
            ("name: A\nname: B\n", YamlProblem::DuplicateKey),
            ("name: A\n---\nname: B\n", YamlProblem::SeveralDocuments),
            ("- a\n- b\n", YamlProblem::NotAMapping),
            ("just text\n", YamlProblem::NotAMapping),
            (bomb.as_str(), YamlProblem::Limits),
            (deep.as_str(), YamlProblem::TooDeep),
            ("name: a\u{0}b\n", YamlProblem::BadCharacter),
            ("name: A\naliases: 3\n", YamlProblem::WrongShape),
            ("name: [a, b]\n", YamlProblem::WrongShape),
            ("name: A\n  status: x\n", YamlProblem::Syntax),
            ("name: A\n\tstatus: x\n", YamlProblem::Syntax),
        ] {
            assert_eq!(classify(text), expected, "{:?}", text.get(..40));
        }
    }

    fn parse(kind: Kind, text: &str) -> (Record, Vec<Diagnostic>) {
        let (r, d) = parse_record("x/test.yaml", kind, text);
        (r.expect("a record, even if broken"), d)
    }

    fn messages(d: &[Diagnostic]) -> Vec<String> {
        d.iter()
            .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
            .collect()
    }

    #[test]
    fn a_person_with_field_lines_from_the_parser() {
        let (r, d) = parse(
            Kind::Person,
            "# a comment\n\nname: Kolthoum Sarahati\naliases: [K. S.]\nstatus: killed\nsources:\n  - src-a\n  - source: src-b\n    locator: paragraph 2\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r.id.as_ref(), "test");
        assert_eq!(r.line, 3);
        assert_eq!(r.field_pos("status").map(|p| p.line), Some(5));
        assert_eq!(r.field_pos("sources").map(|p| p.line), Some(6));
        assert_eq!(r.sources[0].source.pos.line, 7);
        assert_eq!(r.sources[1].source.id.raw(), "src-b");
        assert_eq!(
            r.sources[1].locator.as_ref().map(Text::raw),
            Some("paragraph 2")
        );
        assert!(!r.broken);
    }

    #[test]
    fn unknown_field_names_its_line_and_suggests_the_near_one() {
        let (r, d) = parse(Kind::Person, "name: A\nstatsu: killed\nsources: [s]\n");
        assert_eq!(
            messages(&d),
            ["2:1 unknown field `statsu` in a person record"]
        );
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `status`?"));
        assert!(r.broken);
        assert_eq!(r.name.raw(), "A", "the name is salvaged");
    }

    #[test]
    fn a_field_of_another_kind_says_where_the_file_belongs() {
        let (_, d) = parse(
            Kind::Person,
            "name: A raid\ndate: 2009-07-28\nparticipants: []\nsources: [s]\n",
        );
        assert_eq!(
            messages(&d),
            [
                "2:1 `date` is not a field of a person record",
                "3:1 `participants` is not a field of a person record"
            ]
        );
        assert!(
            d[0].hint
                .as_deref()
                .unwrap()
                .contains("move it to incidents/")
        );
    }

    #[test]
    fn duplicate_keys_are_errors_not_last_wins() {
        let (r, d) = parse(Kind::Person, "name: A\nstatus: alive\nstatus: killed\n");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].line, d[0].column), (3, 1));
        assert!(d[0].message.contains("duplicate"), "{}", d[0].message);
        assert!(r.broken);
    }

    #[test]
    fn bad_dates_are_reported_where_written_and_the_record_still_loads() {
        let (r, d) = parse(Kind::Incident, "name: X\ndate: 2013-13-01\nsources: [s]\n");
        assert_eq!(
            messages(&d),
            ["2:7 bad date: month 13 is out of range in `2013-13-01` (1-12)"]
        );
        assert!(!r.broken);
        assert_eq!(
            r.incident().unwrap().date.0[0].date.text.raw(),
            "2013-13-01"
        );
    }

    #[test]
    fn disputed_dates_keep_each_claim_with_its_source() {
        let (r, d) = parse(
            Kind::Incident,
            "name: X\ndate:\n  - date: 2009-07-28\n    sources: [a]\n  - date: 2009-06\n    sources: [b]\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let dates = &r.incident().unwrap().date;
        assert!(dates.is_disputed());
        assert_eq!(dates.earliest(), Some(20_090_601));
        assert_eq!(dates.0[1].date.pos.line, 5);
    }

    #[test]
    fn unquoted_years_are_dates_not_numbers() {
        let (r, d) = parse(Kind::Camp, "name: Camp\nopened: 1986\nsources: [s]\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r.camp().unwrap().opened.0[0].date.text.raw(), "1986");
    }

    #[test]
    fn figures_must_say_how_many() {
        let (_, d) = parse(
            Kind::Incident,
            "name: X\nfigures:\n  - what: killed\n    sources: [s]\n  - what: injured\n    qualifier: dozens\n    sources: [s]\n  - what: dead\n    count: 3\n    qualifier: atleast\n    sources: [s]\n",
        );
        assert_eq!(
            messages(&d),
            [
                "3:5 figure has no number",
                "8:5 unknown qualifier `atleast`"
            ]
        );
        assert_eq!(d[1].hint.as_deref(), Some("did you mean `at least`?"));
    }

    #[test]
    fn participants_are_a_person_an_organization_or_a_group() {
        let (_, d) = parse(
            Kind::Incident,
            "name: X\nparticipants:\n  - role: victim\n    sources: [s]\n  - person: p\n    organization: o\n    sources: [s]\n  - organization: o\n    sources: [s]\n",
        );
        assert_eq!(
            messages(&d),
            [
                "3:5 participant has neither `person`, `organization` nor `group`",
                "5:5 participant names more than one of `person`, `organization` and `group`"
            ]
        );
    }

    #[test]
    fn empty_file_and_wrong_shapes() {
        let (r, d) = parse(Kind::Person, "");
        assert_eq!(d[0].message, "the file is empty");
        assert!(r.broken);
        let (_, d) = parse(Kind::Person, "- a\n- b\n");
        assert!(
            d[0].message.starts_with("a record file must be a mapping"),
            "{}",
            d[0].message
        );
        let (_, d) = parse(Kind::Person, "name: a\n---\nname: b\n");
        assert_eq!(
            messages(&d),
            ["2:1 more than one YAML document (`---`) in one file"]
        );
    }

    #[test]
    fn records_without_sources_are_warned_about() {
        let (_, d) = parse(Kind::Person, "name: A\n");
        assert_eq!(messages(&d), ["1:1 person record cites no source"]);
        let (_, d) = parse(Kind::Source, "title: A report\n");
        assert!(d.is_empty());
    }

    #[test]
    fn a_byte_order_mark_and_crlf_are_fine() {
        let (r, d) = parse(
            Kind::Person,
            "\u{feff}name: A\r\nstatus: alive\r\nsources: [s]\r\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r.field_pos("status").map(|p| p.line), Some(2));
    }

    #[test]
    fn an_alias_bomb_stops_quickly_with_an_error() {
        use std::fmt::Write;
        let mut y = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (prev, cur) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let _ = writeln!(
                y,
                "{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]"
            );
        }
        let (r, d) = parse(Kind::Person, &format!("name: bomb\n{y}"));
        assert!(r.broken);
        assert_eq!(d.len(), 1);
        assert!(d[0].is_error());
    }

    /// What the built-in viewer will call: the loader's rules, and the start of a large file.
    #[test]
    fn read_bounded_reads_regular_files_inside_the_folder_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.txt"), "0123456789").unwrap();
        assert_eq!(
            read_bounded(root, &root.join("a.txt"), 4).unwrap(),
            b"01234"
        );
        assert_eq!(
            read_bounded(root, &root.join("a.txt"), 64).unwrap(),
            b"0123456789"
        );
        std::os::unix::fs::symlink("a.txt", root.join("inside")).unwrap();
        assert_eq!(
            read_bounded(root, &root.join("inside"), 64).unwrap(),
            b"0123456789"
        );
        std::os::unix::fs::symlink("/dev/zero", root.join("zero")).unwrap();
        let e = read_bounded(root, &root.join("zero"), 64).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied, "{e}");
        let fifo = root.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()));
        let e = read_bounded(root, &fifo, 64).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }

    #[test]
    fn ids_default_to_the_file_stem_and_must_be_safe_to_show() {
        let (r, d) = parse_record(
            "people/Two Words.yaml",
            Kind::Person,
            "name: A\nsources: [s]\n",
        );
        assert_eq!(r.unwrap().id.as_ref(), "Two Words");
        assert!(d.is_empty(), "{d:?}");
        let (r, d) = parse_record(
            "people/a\u{1b}[2Jb.yaml",
            Kind::Person,
            "name: A\nsources: [s]\n",
        );
        assert!(r.is_none());
        assert_eq!(
            messages(&d),
            ["1:1 this file name cannot be an id; the file is not loaded"]
        );
        assert!(!d[0].path.contains('\u{1b}'));
        let (r, d) = parse_record(
            "people/ok.yaml",
            Kind::Person,
            "id: \"x\\u202Ey\"\nname: A\nsources: [s]\n",
        );
        assert_eq!(r.unwrap().id.as_ref(), "ok");
        assert_eq!(d.len(), 1);
    }
}
