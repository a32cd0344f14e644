//! Live reload: tell the browser when the case files change on disk (an editor's save, a
//! `git pull`), once per burst of changes.
//!
//! File events come from the operating system (inotify, kqueue, `FSEvents`) through `notify`,
//! and a burst of them becomes one call after the files have been quiet for `QUIET`: a
//! `git pull` touching 500 files is one reload, not 500. Where file events cannot be had (the
//! inotify watch limit reached, some network file systems), the folder is polled instead, and
//! the browser says so, because polling costs a walk of the folder every few seconds.
//!
//! The debouncing is ours, a dozen lines, because neither of notify's debouncers fits:
//! `notify-debouncer-mini` drops the kind of each event, so the reads of a reload (inotify
//! reports opens) would start the next reload, for ever; `notify-debouncer-full` wakes on a
//! timer even when nothing happens. Here every thread blocks until the kernel reports
//! something: idle stays idle.

use std::path::{Component, Path};
use std::sync::mpsc;
use std::time::Duration;

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

/// How long the files must be quiet before a reload: long enough to take a `git pull` or an
/// editor's write-rename-delete as one change, short enough to feel immediate.
pub const QUIET: Duration = Duration::from_millis(250);

/// How often the folder is walked where file events are not available.
pub const POLL_EVERY: Duration = Duration::from_secs(2);

/// Keeps the folder watched; dropping it stops watching (and ends the debounce thread).
pub enum Watch {
    Events(RecommendedWatcher),
    Polling(PollWatcher),
}

impl Watch {
    /// What to tell the user about how changes are noticed, if anything is unusual.
    pub fn note(&self) -> Option<String> {
        match self {
            Watch::Events(_) => None,
            Watch::Polling(_) => Some(format!(
                "file events are not available here; checking for changes every {} s",
                POLL_EVERY.as_secs()
            )),
        }
    }
}

/// Watch `root` and call `changed` after each burst of changes that could alter the catalog.
/// Errors say why neither file events nor polling could start; the browser then works without
/// live reload.
pub fn start(root: &Path, changed: impl Fn() + Send + 'static) -> Result<Watch, String> {
    start_with(root, changed, POLL_EVERY, false)
}

fn start_with(
    root: &Path,
    changed: impl Fn() + Send + 'static,
    poll_every: Duration,
    force_polling: bool,
) -> Result<Watch, String> {
    // Events name absolute paths; the folder is made absolute too, so that `matters` judges
    // only the part inside it (a folder under `/tmp/.tmpXYZ` is not hidden from itself).
    let root = root
        .canonicalize()
        .or_else(|_| std::path::absolute(root))
        .map_err(|e| format!("cannot watch the folder for changes ({e})"))?;
    let (tx, rx) = mpsc::channel::<()>();
    let handler = {
        let root = root.clone();
        move |event: notify::Result<notify::Event>| {
            if relevant(&root, &event) {
                let _ = tx.send(());
            }
        }
    };
    // Symbolic links are not followed: the loader does not read through them either, and a
    // link to `/` must not make the watcher walk the whole disk.
    let config = notify::Config::default().with_follow_symlinks(false);
    let events = if force_polling {
        Err(notify::Error::generic("polling asked for"))
    } else {
        watch::<RecommendedWatcher>(&root, handler.clone(), config)
    };
    let watch = match events {
        Ok(w) => Watch::Events(w),
        Err(first) => watch::<PollWatcher>(&root, handler, config.with_poll_interval(poll_every))
            .map(Watch::Polling)
            .map_err(|e| format!("cannot watch the folder for changes ({first}; {e})"))?,
    };
    std::thread::Builder::new()
        .name("watch".into())
        .spawn(move || debounce(&rx, changed))
        .map_err(|e| format!("cannot watch the folder for changes ({e})"))?;
    Ok(watch)
}

fn watch<W: Watcher>(
    root: &Path,
    handler: impl notify::EventHandler,
    config: notify::Config,
) -> notify::Result<W> {
    let mut w = W::new(handler, config)?;
    w.watch(root, RecursiveMode::Recursive)?;
    Ok(w)
}

/// Wait for a change, then for `QUIET` without one, then call `changed`. Ends when the watcher
/// is dropped (the channel closes).
fn debounce(rx: &mpsc::Receiver<()>, changed: impl Fn()) {
    while rx.recv().is_ok() {
        loop {
            match rx.recv_timeout(QUIET) {
                Ok(()) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        changed();
    }
}

/// Whether an event can change the catalog. Opening and reading files (the loader's own reads
/// among them) and access times do not; a lost watch (a folder removed and made again) may.
fn relevant(root: &Path, event: &notify::Result<notify::Event>) -> bool {
    let Ok(event) = event else { return true };
    let reading = matches!(
        event.kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    );
    !reading && event.paths.iter().any(|p| matters(root, p))
}

/// Whether a change at `path` can change what the browser shows. Hidden files and folders
/// (`.git`, an editor's `.swp`) and backup files are skipped, as the loader skips them; any
/// other file may be a record or a document a source cites.
pub fn matters(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let hidden = rel.components().any(|c| match c {
        Component::Normal(name) => name.to_string_lossy().starts_with('.'),
        _ => false,
    });
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // `4913` is the file vim creates to test that it may write in a folder.
    let scratch = name.ends_with('~') || name == "4913";
    !hidden && !scratch
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both ways of noticing changes call back once a file is written, and not for reads.
    #[test]
    fn a_write_is_noticed_with_events_and_with_polling() {
        for polling in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("a.yaml");
            std::fs::write(&file, "name: A\n").unwrap();
            let (tx, rx) = mpsc::channel();
            let watch = start_with(
                dir.path(),
                move || tx.send(()).unwrap(),
                Duration::from_millis(50),
                polling,
            )
            .unwrap();
            assert_eq!(matches!(watch, Watch::Polling(_)), polling);
            assert_eq!(watch.note().is_some(), polling);
            std::thread::sleep(Duration::from_millis(200));
            let _ = std::fs::read_to_string(&file).unwrap();
            assert!(
                rx.recv_timeout(Duration::from_millis(800)).is_err(),
                "a read was taken for a change (polling: {polling})"
            );
            std::thread::sleep(Duration::from_millis(1100)); // mtime must differ for the poller
            std::fs::write(&file, "name: B\n").unwrap();
            rx.recv_timeout(Duration::from_secs(10))
                .unwrap_or_else(|_| panic!("the write was not noticed (polling: {polling})"));
        }
    }

    #[test]
    fn records_and_documents_matter_hidden_and_scratch_files_do_not() {
        let root = Path::new("/cases");
        for p in [
            "/cases/people/a.yaml",
            "/cases/docs/report.txt",
            "/cases/new-folder",
        ] {
            assert!(matters(root, Path::new(p)), "{p}");
        }
        for p in [
            "/cases/.git/index",
            "/cases/.git/objects/ab/cdef",
            "/cases/people/.a.yaml.swp",
            "/cases/people/a.yaml~",
            "/cases/people/4913",
        ] {
            assert!(!matters(root, Path::new(p)), "{p}");
        }
    }
}
