//! The benchmark: `bench/run` (or `cargo bench --bench dossier -- --sizes 10000,100000`).
//!
//! For each size it generates case files with `dossier gen` (cached under `target/bench-data`),
//! then measures, on the same files:
//! - loading: our loader (`load_dir`, then the catalog) against `serde_yaml` parsing the same
//!   files on the same thread pool, and the whole process (`dossier check`);
//! - matching: our matcher (`nucleo-matcher`) against `fuzzy-matcher`'s `SkimMatcherV2` and
//!   `fzf --filter` over the same names text and queries;
//! - searching: every prefix of typed queries through `Searcher`, as the browser does per
//!   keystroke (median, p99), and `dossier search` wall time;
//! - drawing: one 80x24 frame into a `TestBackend`;
//! - the real browser in a pseudo-terminal: process start to first frame and to the full list,
//!   keystroke to results on screen, bytes written per keystroke, and peak RSS;
//! - the on-disk index, side by side: `dossier search azizi` with no index (`--no-index`: every
//!   file read), on the run that writes the index, and with the index present, against `rg -i
//!   -c azizi` over the same files; peak RSS of each search; the browser's first frame, full
//!   list and peak RSS with no index and with it; and edit to screen: a record's `name:`
//!   rewritten in its file while the browser shows it, until the new name is on screen.
//!
//! Every `dossier` it starts keeps its index under `target/bench-cache` (`XDG_CACHE_HOME`), never
//! in the cache of the person running the bench. The page cache is warm for every figure (the
//! files were just read): "no index" is dossier parsing every file, not a cold disk.
//!
//! Before all that, relevance: the queries of `bench/relevance.tsv` over the bundled
//! `casefiles/`, each with the record it should find first, and how often dossier and `fzf
//! --filter` (over the same names and aliases) put it first or in the top 3. `--relevance` runs
//! only that, listing each query.
//!
//! No thresholds: it prints figures and ratios; the README carries a table from one run.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dossier_core::index::Catalog;
use dossier_core::load::{Limits, load_dir};
use dossier_core::search::{Filter, Incremental, Query, Searcher, strong_len};
use rayon::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_dossier");

/// The allocator the `dossier` binary uses, so that in-process loads measure what ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What a researcher types: common name parts, a camp, a word from summaries, filters.
const TYPED: &[&str] = &[
    "mohammad",
    "hosseini",
    "jafar",
    "abd al-karim",
    "camp liberty",
    "abduction 2013",
    "kind:person rezaei",
];

/// Whole queries for the matcher comparison (names only).
const NAME_QUERIES: &[&str] = &["moh", "hosseini", "jafar", "abdkarim", "ali rez", "zhr"];

struct Options {
    sizes: Vec<usize>,
    /// An existing case-file folder to measure instead of generated ones.
    folder: Option<PathBuf>,
    data: PathBuf,
    quick: bool,
    /// Only the relevance benchmark.
    relevance: bool,
}

fn options() -> Options {
    let mut o = Options {
        sizes: vec![10_000, 100_000, 1_000_000],
        folder: None,
        data: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data"),
        quick: false,
        relevance: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sizes" => {
                o.sizes = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(|s| {
                        s.trim()
                            .replace('_', "")
                            .parse()
                            .expect("--sizes 10000,100000")
                    })
                    .collect();
            }
            "--data" => o.data = PathBuf::from(args.next().expect("--data DIR")),
            "--dir" => {
                let dir = PathBuf::from(args.next().expect("--dir DIR"));
                o.folder = Some(std::path::absolute(dir).expect("a folder path"));
            }
            "--quick" => o.quick = true,
            "--relevance" => o.relevance = true,
            // cargo passes --bench to harness=false targets.
            "--bench" => {}
            other => {
                panic!(
                    "unknown argument {other}; use --sizes N,N --data DIR --dir DIR --quick --relevance"
                )
            }
        }
    }
    o
}

fn main() {
    let o = options();
    println!(
        "measured {} with `{}`",
        utc_now(),
        std::iter::once("bench/run".to_owned())
            .chain(std::env::args().skip(1).filter(|a| a != "--bench"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "dossier bench: {} cores, sizes {:?}, data in {}",
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        o.sizes,
        o.data.display()
    );
    relevance(o.relevance);
    if o.relevance {
        return;
    }
    let mut table = Vec::new();
    if let Some(dir) = &o.folder {
        let n = Catalog::open(dir, Limits::default())
            .expect("the folder loads")
            .len();
        println!("\n== {n} records ({})", dir.display());
        table.push(run_size(dir, n, o.quick));
        print_table(&table);
        return;
    }
    for &n in &o.sizes {
        let dir = ensure_data(&o.data, n);
        println!("\n== {n} records ({})", dir.display());
        table.push(run_size(&dir, n, o.quick));
    }
    print_table(&table);
}

/// One line of `bench/relevance.tsv`: a query and the record it should find.
struct Case {
    query: String,
    expected: String,
}

/// The relevance benchmark: for each query, where dossier and `fzf --filter` rank the record it
/// should find, and the share of queries where that is first and in the top 3. fzf sees what
/// it would in a researcher's own pipeline, every name and alias with its record's id beside
/// it; the first line of a record is where fzf ranks it.
fn relevance(each: bool) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("bench/relevance.tsv")).expect("bench/relevance.tsv");
    let cases: Vec<Case> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut cols = l.split('\t');
            Case {
                query: cols.next().unwrap_or_default().to_owned(),
                expected: cols.next().expect("query, TAB, expected id").to_owned(),
            }
        })
        .collect();
    let catalog =
        Catalog::open(&root.join("casefiles"), Limits::default()).expect("casefiles load");
    for c in &cases {
        assert!(
            catalog.by_id(&c.expected).is_some(),
            "no record {}",
            c.expected
        );
    }
    let mut searcher = Searcher::default();
    let ours: Vec<Option<usize>> = cases
        .iter()
        .map(|c| {
            let hits = searcher.search(&catalog, &Query::parse(&c.query));
            hits.iter()
                .position(|h| *catalog.get(h.record).id == *c.expected)
        })
        .collect();
    let names: Vec<String> = catalog
        .records()
        .flat_map(|r| {
            std::iter::once(&r.name)
                .chain(&r.aliases)
                .map(move |n| format!("{}\t{}", n.shown(), r.id))
        })
        .collect();
    let fzf = fzf_ranks(&names, &cases);
    let rate = |ranks: &[Option<usize>], within: usize| {
        let n = ranks
            .iter()
            .filter(|r| r.is_some_and(|r| r < within))
            .count();
        (n, (n * 100 + ranks.len() / 2) / ranks.len())
    };
    let shown = |r: Option<usize>| r.map_or("-".to_owned(), |r| (r + 1).to_string());
    if each {
        println!("\n| query | expected | dossier | fzf |\n|---|---|---:|---:|");
        for (i, c) in cases.iter().enumerate() {
            let theirs = fzf.as_ref().map_or("?".to_owned(), |f| shown(f[i]));
            println!(
                "| `{}` | {} | {} | {theirs} |",
                c.query,
                c.expected,
                shown(ours[i])
            );
        }
    }
    let (one, one_pc) = rate(&ours, 1);
    let (three, three_pc) = rate(&ours, 3);
    println!(
        "relevance, {} queries over casefiles/ (bench/relevance.tsv): dossier top-1 {one} ({one_pc}%), top-3 {three} ({three_pc}%)",
        cases.len()
    );
    match &fzf {
        Some(f) => {
            let (one, one_pc) = rate(f, 1);
            let (three, three_pc) = rate(f, 3);
            println!(
                "relevance, the same queries with fzf --filter over names and aliases: top-1 {one} ({one_pc}%), top-3 {three} ({three_pc}%)"
            );
        }
        None => println!("fzf not installed: `bench/run` installs it"),
    }
}

/// For each case, the rank fzf gives its record (by the record's first line in fzf's output).
fn fzf_ranks(lines: &[String], cases: &[Case]) -> Option<Vec<Option<usize>>> {
    Command::new("fzf").arg("--version").output().ok()?;
    let file = std::env::temp_dir().join(format!("dossier-relevance-{}", std::process::id()));
    std::fs::write(&file, lines.join("\n")).ok()?;
    let ranks = cases
        .iter()
        .map(|c| {
            let out = Command::new("fzf")
                .args(["--filter", &c.query, "--delimiter", "\t", "--nth", "1"])
                .stdin(std::fs::File::open(&file).expect("the names file"))
                .output()
                .expect("fzf runs");
            let mut seen: Vec<&str> = Vec::new();
            let text = String::from_utf8_lossy(&out.stdout);
            for line in text.lines() {
                let id = line.rsplit('\t').next().unwrap_or_default();
                if !seen.contains(&id) {
                    seen.push(id);
                }
            }
            seen.iter().position(|id| *id == c.expected)
        })
        .collect();
    let _ = std::fs::remove_file(&file);
    Some(ranks)
}

/// Generated files for `n` records, reused across runs (a marker file says they are complete).
fn ensure_data(root: &Path, n: usize) -> PathBuf {
    // Absolute: the browser is started in a pseudo-terminal from another working directory.
    let root = std::path::absolute(root).expect("the data folder has a path");
    let dir = root.join(n.to_string());
    let done = root.join(format!("{n}.complete"));
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let t = Instant::now();
        casegen::write(&dir, n, 1).expect("generate case files");
        println!("generated {n} records in {:.1?}", t.elapsed());
        std::fs::write(&done, b"").expect("marker");
        // The index keeps no file changed within 2 s before it was read (one that could change
        // again without its times moving, "racily clean" as git says): let the new files
        // settle, so that "with the index" measures an index that holds them.
        std::thread::sleep(Duration::from_secs(3));
    }
    dir
}

#[derive(Default)]
struct Row {
    n: usize,
    load: Duration,
    serde_yaml: Duration,
    check_wall: Duration,
    first_frame: Option<Duration>,
    full_list: Option<Duration>,
    rss_mb: Option<f64>,
    key_median: Duration,
    key_p99: Duration,
    fresh_median: Duration,
    fresh_p99: Duration,
    screen_median: Option<Duration>,
    screen_p99: Option<Duration>,
    frame: Duration,
    bytes_per_key: Option<usize>,
    nucleo: Duration,
    skim: Duration,
    fzf: Option<Duration>,
    search_wall: Duration,
    /// `dossier --no-index search azizi`: every file read and parsed.
    search_cold: Duration,
    /// The first `dossier search azizi` with an empty cache: it reads every file and writes the
    /// index.
    search_first: Duration,
    /// `dossier search azizi` with the index present and nothing changed.
    search_warm: Duration,
    search_rss_cold: Option<f64>,
    search_rss_warm: Option<f64>,
    /// `rg -i -c azizi` over the folder: its first run, then the median of the runs after.
    rg_first: Option<Duration>,
    rg_warm: Option<Duration>,
    /// The index file's size, from `dossier index --status --json`.
    index_mb: Option<f64>,
    /// The browser with `--no-index`; its peak RSS when the full list is shown.
    cold_first_frame: Option<Duration>,
    /// The first list it shows, of the records read so far, while it reads the rest.
    cold_first_list: Option<Duration>,
    cold_full_list: Option<Duration>,
    cold_rss_mb: Option<f64>,
    /// The browser with the index: its peak RSS when the full list is shown, before any typing
    /// (`rss_mb` is after the typing).
    list_rss_mb: Option<f64>,
    /// A `name:` rewritten in its file to the new name on the browser's screen, median of 3.
    reload_median: Option<Duration>,
}

fn run_size(dir: &Path, n: usize, quick: bool) -> Row {
    let mut row = Row {
        n,
        ..Row::default()
    };
    let reps = if quick || n >= 1_000_000 { 1 } else { 3 };

    // Loading, in process: parse, then build the catalog.
    let mut catalog = None;
    row.load = median((0..reps).map(|_| {
        let t = Instant::now();
        let loaded = load_dir(dir, Limits::default()).expect("load");
        let parsed = t.elapsed();
        let c = Catalog::build(
            std::path::absolute(dir).unwrap(),
            loaded.records,
            loaded.diagnostics,
        );
        let total = t.elapsed();
        println!(
            "load: parse {parsed:.1?} + catalog {:.1?} = {total:.1?}; this process now holds {:.0} MB",
            total.saturating_sub(parsed),
            rss_mb("VmRSS", std::process::id()).unwrap_or_default()
        );
        catalog = Some(c);
        total
    }));
    let catalog = catalog.unwrap();
    assert_eq!(catalog.len(), n, "every record loads");

    row.serde_yaml = median((0..reps).map(|_| serde_yaml_baseline(dir)));
    println!(
        "serde_yaml (parse to Value only, same files, same pool): {:.1?}; ours (parse + check + index) / serde_yaml = {:.2}",
        row.serde_yaml,
        ratio(row.load, row.serde_yaml)
    );
    row.check_wall = median((0..reps).map(|_| wall(&["check", ""], dir)));
    println!("`dossier check` wall: {:.1?}", row.check_wall);

    // Matching names: ours against the card's crate and fzf, the same text and queries.
    let names: Vec<String> = catalog
        .records()
        .flat_map(|r| std::iter::once(&r.name).chain(&r.aliases))
        .map(|t| t.shown().to_owned())
        .collect();
    (row.nucleo, row.skim) = matchers(&names, reps);
    println!(
        "match {} names x {} queries: nucleo-matcher {:.1?}, fuzzy-matcher {:.1?} ({:.1}x)",
        names.len(),
        NAME_QUERIES.len(),
        row.nucleo,
        row.skim,
        ratio(row.skim, row.nucleo)
    );
    row.fzf = fzf(&names, reps);
    if let Some(f) = row.fzf {
        println!(
            "fzf --filter, same names and queries (wall, process included): {f:.1?} ({:.1}x ours)",
            ratio(f, row.nucleo)
        );
    } else {
        println!("fzf not installed: `bench/run` installs it");
    }

    // Search per keystroke, as the browser runs it: each key narrows the previous results.
    // Afresh: every keystroke searches everything (after a deletion, say).
    let mut typing = Incremental::default();
    let mut searcher = Searcher::default();
    let (mut samples, mut fresh) = (Vec::new(), Vec::new());
    for q in TYPED {
        typing.reset();
        for end in q.char_indices().map(|(i, c)| i + c.len_utf8()) {
            let t = Instant::now();
            let hits = typing.search(&catalog, &q[..end], &[], &|| false);
            samples.push(t.elapsed());
            std::hint::black_box(hits);
            let t = Instant::now();
            std::hint::black_box(searcher.search(&catalog, &Query::parse(&q[..end])));
            fresh.push(t.elapsed());
        }
    }
    (row.key_median, row.key_p99) = (percentile(&samples, 50), percentile(&samples, 99));
    (row.fresh_median, row.fresh_p99) = (percentile(&fresh, 50), percentile(&fresh, 99));
    println!(
        "search per keystroke ({} keystrokes): median {:.2?}, p99 {:.2?}; afresh each time: median {:.2?}, p99 {:.2?}",
        samples.len(),
        row.key_median,
        row.key_p99,
        row.fresh_median,
        row.fresh_p99,
    );
    timeline(&catalog, reps);
    // The index figures come first so that the `search` and browser figures after them run as a
    // researcher's second and later runs do: with the index written.
    index_figures(dir, reps, &mut row);
    row.search_wall =
        median((0..reps).map(|_| wall(&["search", "-C", "", "-n", "20", "hosseini"], dir)));
    println!("`dossier search hosseini` wall: {:.1?}", row.search_wall);

    row.frame = frame_time(&catalog);
    println!("one 80x24 frame: {:.1?}", row.frame);

    drop(catalog);
    browser(dir, n, &mut row, false);
    browser(dir, n, &mut row, true);
    row
}

/// Where every `dossier` the bench starts keeps its index (as `XDG_CACHE_HOME`).
fn cache_home() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-cache")
}

/// A command for `program` (dossier, or a tool that starts it) with the bench's own index cache,
/// and the index on unless an argument turns it off, whatever the caller's environment says.
fn command(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("XDG_CACHE_HOME", cache_home())
        .env_remove("DOSSIER_NO_INDEX");
    c
}

/// `dossier search azizi` with no index, on the run that writes it and with it, against `rg -i
/// -c azizi` on the same files; peak RSS of the search each way; the index's size.
fn index_figures(dir: &Path, reps: usize, row: &mut Row) {
    const QUERY: &str = "azizi";
    let cold = ["--no-index", "search", "-C", "", QUERY];
    let warm = ["search", "-C", "", QUERY];
    // No index of this folder (nor of any other) before the first run.
    let _ = std::fs::remove_dir_all(cache_home());
    // One run first, untimed: it counts what the search prints, and the timed runs after it
    // find the files in the page cache, as rg's second run does.
    let hits = lines(&run(&cold, dir).1.stdout);
    row.search_cold = median((0..reps).map(|_| wall(&cold, dir)));
    row.search_rss_cold = peak_rss_mb(&cold, dir);
    if cache_home()
        .join("dossier")
        .read_dir()
        .is_ok_and(|mut d| d.next().is_some())
    {
        println!("index: --no-index wrote to {}", cache_home().display());
    }
    row.search_first = wall(&warm, dir);
    let status = index_status(dir);
    row.search_warm = median((0..reps).map(|_| wall(&warm, dir)));
    row.search_rss_warm = peak_rss_mb(&warm, dir);
    let after = index_status(dir);
    row.index_mb = after
        .as_ref()
        .and_then(|s| s["bytes"].as_f64())
        .map(|b| b / 1e6);
    for (when, s) in [
        ("after the first run", &status),
        ("after the timed runs", &after),
    ] {
        match s {
            Some(s) => {
                println!(
                    "index {when}: {} bytes, {} files, {} re-read, {} reused ({})",
                    s["bytes"], s["files"], s["reread"], s["reused"], s["path"]
                );
                // Why an index there was not used, or why one could not be written.
                for key in ["ignored", "warning"] {
                    if !s[key].is_null() {
                        println!("index {when}: {key}: {}", s[key]);
                    }
                }
            }
            None => println!("index {when}: `dossier index --status --json` gave no JSON"),
        }
    }
    let mb = |m: Option<f64>| m.map_or("?".into(), |m| format!("{m:.0}"));
    println!(
        "`dossier search {QUERY}` ({hits} lines): no index {:.1?} (peak RSS {} MB), first run writing the index {:.1?}, with the index {:.1?} (peak RSS {} MB)",
        row.search_cold,
        mb(row.search_rss_cold),
        row.search_first,
        row.search_warm,
        mb(row.search_rss_warm),
    );
    match rg(QUERY, dir, reps) {
        Some((first, again, files)) => {
            (row.rg_first, row.rg_warm) = (Some(first), Some(again));
            println!(
                "`rg -i -c {QUERY}` ({files} files match): first run {first:.1?}, again {again:.1?}; dossier no index / rg {:.1}x, with the index / rg {:.2}x",
                ratio(row.search_cold, again),
                ratio(row.search_warm, again)
            );
        }
        None => println!("rg not installed: `bench/run` installs it"),
    }
}

/// `rg -i -c QUERY DIR`: the first run's wall time, the median of `reps` runs after it (the
/// page cache as warm as it gets), and how many files matched.
fn rg(query: &str, dir: &Path, reps: usize) -> Option<(Duration, Duration, usize)> {
    Command::new("rg").arg("--version").output().ok()?;
    let once = || {
        let t = Instant::now();
        let out = Command::new("rg")
            .args(["-i", "-c", query])
            .arg(dir)
            .output()
            .expect("run rg");
        let d = t.elapsed();
        assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
        (d, lines(&out.stdout))
    };
    let (first, files) = once();
    let again = median((0..reps.max(2)).map(|_| once().0));
    Some((first, again, files))
}

/// `dossier index --status --json`: where the index is, its size, what the load re-read.
fn index_status(dir: &Path) -> Option<serde_json::Value> {
    let out = command(BIN)
        .args(with_dir(&["-C", "", "index", "--status", "--json"], dir))
        .output()
        .ok()?;
    serde_json::from_slice(&out.stdout).ok()
}

/// The peak resident set of one `dossier` command, in MB, as the kernel counts it for a waited
/// child (`ru_maxrss` through GNU time's `%M`): a figure for this process alone, where polling
/// `/proc` could miss the last moments before exit.
fn peak_rss_mb(args: &[&str], dir: &Path) -> Option<f64> {
    let report = std::env::temp_dir().join(format!("dossier-bench-rss-{}", std::process::id()));
    let status = command("time")
        .args(["-f", "%M", "-o"])
        .arg(&report)
        .arg(BIN)
        .args(with_dir(args, dir))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    let text = std::fs::read_to_string(&report).ok()?;
    let _ = std::fs::remove_file(&report);
    if status.code().is_none_or(|c| c >= 2) {
        return None;
    }
    let kb: f64 = text.lines().last()?.trim().parse().ok()?;
    Some(kb / 1024.0)
}

fn lines(out: &[u8]) -> usize {
    out.iter().filter(|&&b| b == b'\n').count()
}

/// Now, as `YYYY-MM-DD HH:MM UTC` (days to a civil date: Howard Hinnant's `civil_from_days`).
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3_600,
        rest % 3_600 / 60
    )
}

/// The timeline (`t`): every incident, then those of one camp, in date order.
fn timeline(catalog: &Catalog, reps: usize) {
    for query in ["", "camp:ashraf"] {
        let took = median((0..reps.max(3)).map(|_| {
            let t = Instant::now();
            let mut hits = Incremental::default()
                .search(
                    catalog,
                    query,
                    &[Filter::Kind(vec![dossier_core::model::Kind::Incident])],
                    &|| false,
                )
                .unwrap_or_default();
            dossier_core::timeline::order(catalog, &mut hits);
            std::hint::black_box(hits);
            t.elapsed()
        }));
        println!("timeline {query:?}: {took:.2?}");
    }
}

/// `serde_yaml` parsing the same files to `Value`, on the same rayon pool.
fn serde_yaml_baseline(dir: &Path) -> Duration {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    let t = Instant::now();
    let ok = files
        .par_iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            serde_yaml::from_str::<serde_yaml::Value>(&text).is_ok()
        })
        .count();
    assert_eq!(ok, files.len());
    t.elapsed()
}

/// Our matcher as dossier uses it (haystacks converted once, when the catalog is built, then
/// scored per query) against `fuzzy-matcher`, which takes the strings as they are.
fn matchers(names: &[String], reps: usize) -> (Duration, Duration) {
    use fuzzy_matcher::FuzzyMatcher;
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    use nucleo_matcher::{Config, Matcher, Utf32String};
    let hays: Vec<Utf32String> = names
        .iter()
        .map(|n| Utf32String::from(n.as_str()))
        .collect();
    let mut matcher = Matcher::new(Config::DEFAULT);
    let nucleo = median((0..reps).map(|_| {
        let t = Instant::now();
        for q in NAME_QUERIES {
            let p = Pattern::parse(q, CaseMatching::Ignore, Normalization::Smart);
            let mut hits: Vec<(u32, usize)> = hays
                .iter()
                .enumerate()
                .filter_map(|(i, h)| p.score(h.slice(..), &mut matcher).map(|s| (s, i)))
                .collect();
            hits.sort_by_key(|h| std::cmp::Reverse(h.0));
            std::hint::black_box(hits);
        }
        t.elapsed()
    }));
    let skim = fuzzy_matcher::skim::SkimMatcherV2::default().ignore_case();
    let skim = median((0..reps).map(|_| {
        let t = Instant::now();
        for q in NAME_QUERIES {
            let mut hits: Vec<(i64, usize)> = names
                .iter()
                .enumerate()
                .filter_map(|(i, n)| skim.fuzzy_match(n, q).map(|s| (s, i)))
                .collect();
            hits.sort_by_key(|h| std::cmp::Reverse(h.0));
            std::hint::black_box(hits);
        }
        t.elapsed()
    }));
    (nucleo, skim)
}

fn fzf(names: &[String], reps: usize) -> Option<Duration> {
    Command::new("fzf").arg("--version").output().ok()?;
    let file = std::env::temp_dir().join(format!("dossier-bench-names-{}", names.len()));
    std::fs::write(&file, names.join("\n")).ok()?;
    let d = median((0..reps).map(|_| {
        let t = Instant::now();
        for q in NAME_QUERIES {
            let out = Command::new("fzf")
                .args(["--filter", q])
                .stdin(std::fs::File::open(&file).unwrap())
                .output()
                .unwrap();
            std::hint::black_box(out);
        }
        t.elapsed()
    }));
    Some(d)
}

/// The arguments with an empty one replaced by the folder.
fn with_dir<'a>(args: &'a [&'a str], dir: &'a Path) -> Vec<&'a std::ffi::OsStr> {
    args.iter()
        .map(|a| {
            if a.is_empty() {
                dir.as_os_str()
            } else {
                a.as_ref()
            }
        })
        .collect()
}

/// Wall time of one `dossier` command; an empty argument is replaced by the folder.
fn wall(args: &[&str], dir: &Path) -> Duration {
    run(args, dir).0
}

/// One `dossier` command: its wall time and what it printed.
fn run(args: &[&str], dir: &Path) -> (Duration, std::process::Output) {
    let mut c = command(BIN);
    c.args(with_dir(args, dir));
    let t = Instant::now();
    let out = c.output().expect("run dossier");
    let d = t.elapsed();
    assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
    (d, out)
}

fn frame_time(catalog: &Catalog) -> Duration {
    let samples: Vec<Duration> = (0..200)
        .map(|_| {
            let t = Instant::now();
            dossier::bench::draw_first_screen(catalog, 80, 24);
            t.elapsed()
        })
        .collect();
    percentile(&samples, 50)
}

/// The real browser in a pseudo-terminal. With no index (`--no-index`): start to the full list,
/// and peak RSS. With the index: the same, then typing, then edits to the screen.
#[allow(clippy::too_many_lines)] // one scenario, read top to bottom
fn browser(dir: &Path, n: usize, row: &mut Row, with_index: bool) {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(BIN);
    if !with_index {
        cmd.arg("--no-index");
    }
    cmd.arg(dir);
    cmd.env("TERM", "xterm-256color");
    cmd.env("XDG_CACHE_HOME", cache_home());
    cmd.env_remove("DOSSIER_NO_INDEX");
    // The default keys and colours, whatever config the person running the bench has.
    cmd.env_remove("DOSSIER_CONFIG");
    cmd.env("XDG_CONFIG_HOME", "/nonexistent");
    let start = Instant::now();
    let child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let pid = child.process_id().unwrap();
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let screen = Arc::new(Mutex::new((
        vt100::Parser::new(
            std::num::NonZeroU16::new(24).unwrap(),
            std::num::NonZeroU16::new(80).unwrap(),
            0,
        ),
        0usize,
    )));
    let feed = Arc::clone(&screen);
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 65536];
        while let Ok(k) = reader.read(&mut buf) {
            if k == 0 {
                break;
            }
            let mut s = feed.lock().unwrap();
            s.0.process(&buf[..k]);
            s.1 += k;
        }
    });
    let top = |s: &Mutex<(vt100::Parser, usize)>| {
        let s = s.lock().unwrap();
        (s.0.screen().contents(), s.1)
    };
    let patience = Duration::from_secs(if n >= 1_000_000 { 600 } else { 60 });
    let wait = |ok: &dyn Fn(&str) -> bool| -> Option<Duration> {
        let t = Instant::now();
        loop {
            if ok(&top(&screen).0) {
                return Some(start.elapsed());
            }
            if t.elapsed() > patience {
                println!(
                    "browser: gave up waiting; the screen shows:\n{}",
                    top(&screen).0
                );
                return None;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    };
    // The first frame is the loading screen; the list follows when the catalog is built.
    row.first_frame = wait(&|s| !s.trim().is_empty());
    // The top line counts what is listed (`hits/records`) once there is a list: with no index,
    // at first the records read so far.
    let listed = wait(&|s| {
        s.lines().next().is_some_and(|l| {
            let count = l.trim_end().rsplit(' ').next().unwrap_or_default();
            count
                .split_once('/')
                .is_some_and(|(a, b)| a.parse::<usize>().is_ok() && b.parse::<usize>().is_ok())
        })
    });
    let total = format!("{n}/{n}");
    row.full_list = wait(&|s| {
        s.lines()
            .next()
            .is_some_and(|l| l.trim_end().ends_with(&total))
    });
    assert!(
        row.full_list.is_some(),
        "the browser never showed the full list"
    );
    let quit = |mut writer: Box<dyn Write + Send>,
                mut child: Box<dyn portable_pty::Child + Send + Sync>| {
        writer.write_all(b"\x03").unwrap();
        let t = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if t.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    if !with_index {
        (row.cold_first_frame, row.cold_full_list) = (row.first_frame, row.full_list);
        row.cold_first_list = listed;
        row.cold_rss_mb = rss_mb("VmHWM", pid);
        println!(
            "browser, no index: first frame {:.1?}, first list {:.1?}, full list {:.1?}, peak RSS {:.0} MB",
            row.first_frame.unwrap_or_default(),
            listed.unwrap_or_default(),
            row.full_list.unwrap_or_default(),
            row.cold_rss_mb.unwrap_or_default()
        );
        quit(writer, child);
        return;
    }
    row.list_rss_mb = rss_mb("VmHWM", pid);
    println!(
        "browser: first frame {:.1?}, full list {:.1?}, peak RSS {:.0} MB",
        row.first_frame.unwrap_or_default(),
        row.full_list.unwrap_or_default(),
        row.list_rss_mb.unwrap_or_default()
    );

    // Type one query a key at a time; each key is done when the count on the top line shows
    // the number of results the same search gives in process.
    let catalog = Catalog::open(dir, Limits::default()).unwrap();
    let mut searcher = Searcher::default();
    // What the top line counts for a query: the browser lists weak matches only when asked, or
    // when there are no others.
    let mut count = |query: &str| {
        let hits = searcher.search(&catalog, &Query::parse(query));
        let expected = match strong_len(&hits) {
            0 => hits.len(),
            strong => strong,
        };
        format!("{expected}/{n}")
    };
    let mut latencies = Vec::new();
    let mut bytes = Vec::new();
    // The cursor starts in the search box: typing is the query.
    std::thread::sleep(Duration::from_millis(300));
    let typed = "hosseini";
    for end in 1..=typed.len() {
        let echoed = format!("/ {}", &typed[..end]);
        let count = count(&typed[..end]);
        let before = top(&screen).1;
        let t = Instant::now();
        writer.write_all(&typed.as_bytes()[end - 1..end]).unwrap();
        let shown = wait(&|s| {
            let first = s.lines().next().unwrap_or_default();
            first.contains(&echoed) && first.trim_end().ends_with(&count)
        });
        if shown.is_none() {
            println!("browser: results for {echoed:?} never showed {count}");
            break;
        }
        latencies.push(t.elapsed());
        // Let the frame finish, then count what this key cost on the wire.
        std::thread::sleep(Duration::from_millis(60));
        bytes.push(top(&screen).1 - before);
    }
    if !latencies.is_empty() {
        row.screen_median = Some(percentile(&latencies, 50));
        row.screen_p99 = Some(percentile(&latencies, 99));
        row.bytes_per_key = Some(bytes.iter().sum::<usize>() / bytes.len());
        println!(
            "browser: keystroke to results on screen median {:.1?}, max {:.1?}; {} bytes per keystroke on average",
            row.screen_median.unwrap(),
            row.screen_p99.unwrap(),
            row.bytes_per_key.unwrap()
        );
    }
    row.rss_mb = rss_mb("VmHWM", pid);
    println!(
        "browser: peak RSS after typing {:.0} MB",
        row.rss_mb.unwrap_or_default()
    );

    // Edit to screen: search for one person (by id), then rewrite the `name:` line of their
    // file in place, as an editor saves it, and time each save until the new name is shown.
    let Some(person) = catalog
        .records()
        .filter(|r| r.kind == dossier_core::model::Kind::Person)
        .find(|r| r.name.shown().to_lowercase().contains("azizi"))
        .or_else(|| {
            catalog
                .records()
                .find(|r| r.kind == dossier_core::model::Kind::Person)
        })
    else {
        quit(writer, child);
        return;
    };
    // Letters and spaces only: a query with no search syntax, and a plain YAML scalar.
    let words = person
        .name
        .shown()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // Found by its id, which no other record has: at 1M thousands of people share a name, and
    // the one edited need not be among those on screen.
    let query = &*person.id;
    let echoed = format!("/ {query}");
    let expected = count(query);
    // ctrl-u clears the query.
    writer.write_all(b"\x15").unwrap();
    writer.write_all(query.as_bytes()).unwrap();
    let found = wait(&|s| {
        let first = s.lines().next().unwrap_or_default();
        first.contains(&echoed) && first.trim_end().ends_with(&expected)
    });
    let restore = Restore::new(dir.join(&*person.path));
    let mut reloads = Vec::new();
    for i in 1..=3 {
        if found.is_none() {
            break;
        }
        // Each save finds the browser idle, as saves seconds apart do: the new name on screen
        // does not mean the reload is over (the index is written after it).
        if !wait_idle(pid, patience) {
            println!("browser: still busy after {patience:?}; saving anyway");
        }
        let tag = format!("Zedit{i}");
        let text = String::from_utf8_lossy(&restore.bytes)
            .lines()
            .map(|l| {
                if l.starts_with("name:") {
                    format!("name: {tag} {words}")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        let t = Instant::now();
        std::fs::write(&restore.file, text).unwrap();
        if wait(&|s| s.contains(&tag)).is_none() {
            println!("browser: the edited name {tag:?} never showed");
            break;
        }
        reloads.push(t.elapsed());
    }
    drop(restore);
    if reloads.len() == 3 {
        row.reload_median = Some(percentile(&reloads, 50));
        println!(
            "browser: edit to screen ({}, 3 saves): {:.1?}, median {:.1?}",
            person.path,
            reloads,
            row.reload_median.unwrap()
        );
    }
    quit(writer, child);
}

/// A file put back as it was (its bytes and modification time) when dropped, even when the
/// bench panics halfway.
struct Restore {
    file: PathBuf,
    bytes: Vec<u8>,
    modified: Option<std::time::SystemTime>,
}

impl Restore {
    fn new(file: PathBuf) -> Self {
        let bytes = std::fs::read(&file).expect("the record's file");
        let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
        Restore {
            file,
            bytes,
            modified,
        }
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.file, &self.bytes);
        if let (Some(t), Ok(f)) = (
            self.modified,
            std::fs::File::options().write(true).open(&self.file),
        ) {
            let _ = f.set_modified(t);
        }
    }
}

/// Wait until a process uses no CPU for 100 ms (its user and system ticks in `/proc/PID/stat`
/// stand still); false if it is still busy after `patience`.
fn wait_idle(pid: u32, patience: Duration) -> bool {
    let ticks = || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // After the command name in parentheses: state is field 3, utime and stime 14 and 15.
        let rest = &stat[stat.rfind(')')? + 2..];
        let mut f = rest.split_whitespace().skip(11);
        Some((
            f.next()?.parse::<u64>().ok()?,
            f.next()?.parse::<u64>().ok()?,
        ))
    };
    let t = Instant::now();
    let mut last = ticks();
    while t.elapsed() < patience {
        std::thread::sleep(Duration::from_millis(100));
        let now = ticks();
        if now.is_none() || now == last {
            return true;
        }
        last = now;
    }
    false
}

/// A memory figure of a process from `/proc`, in MB: `VmHWM` is the peak resident set.
fn rss_mb(field: &str, pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn print_table(rows: &[Row]) {
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    let opt = |d: Option<Duration>| d.map_or("-".into(), ms);
    println!(
        "\n| records | load (ms) | serde_yaml (ms) | `check` (ms) | first frame (ms) | full list (ms) | peak RSS (MB) | search/key median (ms) | p99 (ms) | afresh median (ms) | p99 (ms) | key to screen median (ms) | frame (ms) | bytes/key | nucleo (ms) | fuzzy-matcher (ms) | fzf (ms) | `search` (ms) |"
    );
    println!("|{}", "---:|".repeat(18));
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.n,
            ms(r.load),
            ms(r.serde_yaml),
            ms(r.check_wall),
            opt(r.first_frame),
            opt(r.full_list),
            r.rss_mb.map_or("-".into(), |m| format!("{m:.0}")),
            ms(r.key_median),
            ms(r.key_p99),
            ms(r.fresh_median),
            ms(r.fresh_p99),
            opt(r.screen_median),
            ms(r.frame),
            r.bytes_per_key.map_or("-".into(), |b| b.to_string()),
            ms(r.nucleo),
            ms(r.skim),
            opt(r.fzf),
            ms(r.search_wall),
        );
    }
    let mb = |m: Option<f64>| m.map_or("-".into(), |m| format!("{m:.0}"));
    let times =
        |a: Duration, b: Option<Duration>| b.map_or("-".into(), |b| format!("{:.2}", ratio(a, b)));
    println!(
        "\nThe index: `dossier search azizi` with no index (`--no-index`), on the first run (which writes the index) and with the index; `rg -i -c azizi` on the same files, first run and again; peak RSS of the search; the browser with no index and with it; a `name:` saved to the new name on screen (median of 3)."
    );
    println!(
        "\n| records | `search` no index (ms) | first run, writes index (ms) | with index (ms) | `rg -i -c` (ms) | rg again (ms) | no index / rg | with index / rg | `search` RSS no index (MB) | with index (MB) | index file (MB) | first frame no index (ms) | with index (ms) | first list no index (ms) | full list no index (ms) | with index (ms) | browser RSS at full list, no index (MB) | with index (MB) | edit to screen (ms) |"
    );
    println!("|{}", "---:|".repeat(19));
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.n,
            ms(r.search_cold),
            ms(r.search_first),
            ms(r.search_warm),
            opt(r.rg_first),
            opt(r.rg_warm),
            times(r.search_cold, r.rg_warm),
            times(r.search_warm, r.rg_warm),
            mb(r.search_rss_cold),
            mb(r.search_rss_warm),
            r.index_mb.map_or("-".into(), |m| format!("{m:.1}")),
            opt(r.cold_first_frame),
            opt(r.first_frame),
            opt(r.cold_first_list),
            opt(r.cold_full_list),
            opt(r.full_list),
            mb(r.cold_rss_mb),
            mb(r.list_rss_mb),
            opt(r.reload_median),
        );
    }
}

fn median(samples: impl Iterator<Item = Duration>) -> Duration {
    let v: Vec<Duration> = samples.collect();
    percentile(&v, 50)
}

fn percentile(samples: &[Duration], p: usize) -> Duration {
    let mut v = samples.to_vec();
    v.sort_unstable();
    v.get((v.len().saturating_sub(1) * p) / 100)
        .copied()
        .unwrap_or_default()
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}
