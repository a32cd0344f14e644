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
//!   keystroke to results on screen, bytes written per keystroke, and peak RSS.
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
    row.search_wall =
        median((0..reps).map(|_| wall(&["search", "-C", "", "-n", "20", "hosseini"], dir)));
    println!("`dossier search hosseini` wall: {:.1?}", row.search_wall);

    row.frame = frame_time(&catalog);
    println!("one 80x24 frame: {:.1?}", row.frame);

    drop(catalog);
    browser(dir, n, &mut row);
    row
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

/// Wall time of one `dossier` command; an empty argument is replaced by the folder.
fn wall(args: &[&str], dir: &Path) -> Duration {
    let args: Vec<&std::ffi::OsStr> = args
        .iter()
        .map(|a| {
            if a.is_empty() {
                dir.as_os_str()
            } else {
                a.as_ref()
            }
        })
        .collect();
    let t = Instant::now();
    let out = Command::new(BIN).args(&args).output().expect("run dossier");
    let d = t.elapsed();
    assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
    d
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

/// The real browser in a pseudo-terminal.
#[allow(clippy::too_many_lines)] // one scenario, read top to bottom
fn browser(dir: &Path, n: usize, row: &mut Row) {
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
    cmd.arg(dir);
    cmd.env("TERM", "xterm-256color");
    // The default keys and colours, whatever config the person running the bench has.
    cmd.env_remove("DOSSIER_CONFIG");
    cmd.env("XDG_CONFIG_HOME", "/nonexistent");
    let start = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).unwrap();
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
    println!(
        "browser: first frame {:.1?}, full list {:.1?}",
        row.first_frame.unwrap_or_default(),
        row.full_list.unwrap_or_default()
    );

    // Type one query a key at a time; each key is done when the count on the top line shows
    // the number of results the same search gives in process.
    let catalog = Catalog::open(dir, Limits::default()).unwrap();
    let mut searcher = Searcher::default();
    let mut latencies = Vec::new();
    let mut bytes = Vec::new();
    // The cursor starts in the search box: typing is the query.
    std::thread::sleep(Duration::from_millis(300));
    let typed = "hosseini";
    for end in 1..=typed.len() {
        // The browser lists weak matches only when asked, or when there are no others.
        let hits = searcher.search(&catalog, &Query::parse(&typed[..end]));
        let expected = match strong_len(&hits) {
            0 => hits.len(),
            strong => strong,
        };
        let echoed = format!("/ {}", &typed[..end]);
        let count = format!("{expected}/{n}");
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
    println!("browser: peak RSS {:.0} MB", row.rss_mb.unwrap_or_default());
    writer.write_all(b"\x03").unwrap();
    let t = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
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
