//! The command line: `dossier [DIR]` opens the browser; `check`, `list`, `show` and `search`
//! answer scripts, as text or `--json`.
//!
//! Exit codes: 0 ok; 1 errors found (check), nothing found (show, search); 2 usage or I/O error.
//! Output piped into `head` is not an error (ripgrep's rule): a closed pipe ends quietly.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::{Value, json};

use crate::diagnostic::{Tally, plural};
use crate::index::{Catalog, RecordIdx};
use crate::load::Limits;
use crate::model::{Kind, Record};
use crate::search::{Field, Hit, Query, Searcher};
use crate::view::{self, Tone};

#[derive(Parser, Debug)]
#[command(
    name = "dossier",
    version,
    about = "Browse and search case files (people, incidents, camps, sources) kept as YAML",
    long_about = "Browse and search case files kept as YAML.\n\nWith no command, opens the terminal browser on DIR.\nThe folder is DIR, else $DOSSIER_DIR, else ./casefiles.\nThe browser reads its keys, editor and colours from --config, else $DOSSIER_CONFIG,\nelse $XDG_CONFIG_HOME/dossier/config.toml, else ~/.config/dossier/config.toml.",
    after_help = "Exit codes: 0 ok, 1 errors or nothing found, 2 usage, I/O or config file error.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Case-file folder to browse
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,

    /// The browser's config file (keys, editor, colours), instead of the usual place
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,

    /// Print the configuration in effect, as a config file, and exit
    #[arg(long)]
    print_config: bool,

    /// Refuse record files larger than this many bytes
    #[arg(long, global = true, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes)]
    max_file_size: u64,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load every file and report every problem as path:line:col
    Check {
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Print the diagnostics as JSON
        #[arg(long)]
        json: bool,
    },
    /// List records, one per line
    List {
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Only this kind: person, incident, camp or source
        #[arg(short, long, value_parser = parse_kind)]
        kind: Option<Kind>,
        #[arg(long)]
        json: bool,
    },
    /// Show one record with its links resolved and the records that point to it
    Show {
        id: String,
        /// Case-file folder
        #[arg(short = 'C', long = "dir", value_name = "DIR")]
        dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Write a deterministic folder of generated case files, for benchmarks and trials
    Gen {
        /// Where to write (created; must be empty or absent)
        dir: PathBuf,
        /// How many records in all
        #[arg(short = 'n', long, default_value_t = 10_000)]
        records: usize,
        /// Seed: the same seed and count give the same files
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Fuzzy search over names, aliases, titles, summaries, places and dates
    Search {
        /// Words and filters such as kind:person camp:liberty year:2013 act:abducted
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        #[arg(short = 'C', long = "dir", value_name = "DIR")]
        dir: Option<PathBuf>,
        #[arg(short, long, value_parser = parse_kind)]
        kind: Option<Kind>,
        /// At most this many results
        #[arg(short = 'n', long, value_name = "N")]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| format!("`{s}` is not a kind (person, incident, camp, source)"))
}

/// Which folder to read: the one named, else `$DOSSIER_DIR`, else `./casefiles`.
pub fn resolve_dir(named: Option<PathBuf>) -> PathBuf {
    named
        .or_else(|| {
            std::env::var_os("DOSSIER_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from("casefiles"))
}

/// A failure that ends the command, with its exit code.
enum Failure {
    /// Problems were found (check) or nothing was (show, search): exit 1, message already out.
    Found,
    /// Usage or I/O: exit 2.
    Fatal(String),
    /// The config file has mistakes, one line each: exit 2.
    Config(Vec<String>),
    /// The reader of our output went away (`dossier list | head`): their choice, not an error.
    ClosedPipe,
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::ClosedPipe
        } else {
            Failure::Fatal(e.to_string())
        }
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) | Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Err(Failure::Found) => ExitCode::from(1),
        Err(Failure::Fatal(msg)) => {
            eprintln!("dossier: {}", crate::text::shown(&msg));
            ExitCode::from(2)
        }
        Err(Failure::Config(lines)) => {
            for line in lines {
                eprintln!("dossier: {line}");
            }
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let limits = Limits {
        max_file_bytes: cli.max_file_size,
    };
    let Some(command) = cli.command else {
        // Read before the browser takes over the screen, so mistakes are said plainly; a config
        // with mistakes is refused whole, never half applied.
        let location = crate::config::locate(cli.config.as_deref(), |v| std::env::var_os(v));
        let config =
            crate::config::load(location.as_ref()).map_err(|e| Failure::Config(e.lines()))?;
        if cli.print_config {
            let mut out = io::stdout().lock();
            out.write_all(config.to_toml().as_bytes())?;
            out.flush()?;
            return Ok(());
        }
        let dir = resolve_dir(cli.dir);
        crate::load::check_root(&dir)
            .map_err(|e| Failure::Fatal(format!("cannot open case files: {e}")))?;
        return browse(&dir, limits, config);
    };
    // Locked once for speed; the browser above must not hold it (the signal thread writes too).
    let mut out = io::BufWriter::new(io::stdout().lock());
    let result = match command {
        Command::Gen { dir, records, seed } => crate::generate::write(&dir, records, seed)
            .map_err(|e| Failure::Fatal(format!("cannot generate into {}: {e}", dir.display())))
            .and_then(|n| {
                writeln!(out, "wrote {n} records to {}", dir.display())?;
                Ok(())
            }),
        Command::Check { dir, json } => check(&mut out, &resolve_dir(dir), limits, json),
        Command::List { dir, kind, json } => {
            let dir = resolve_dir(dir);
            let catalog = open(&dir, limits)?;
            note_problems(&catalog, &dir);
            list(&mut out, &catalog, kind, json)
        }
        Command::Show { id, dir, json } => {
            let dir = resolve_dir(dir);
            let catalog = open(&dir, limits)?;
            note_problems(&catalog, &dir);
            show(&mut out, &catalog, &id, json)
        }
        Command::Search {
            query,
            dir,
            kind,
            limit,
            json,
        } => {
            let dir = resolve_dir(dir);
            let catalog = open(&dir, limits)?;
            note_problems(&catalog, &dir);
            search(&mut out, &catalog, &query.join(" "), kind, limit, json)
        }
    };
    // Flush even after a failure, so the diagnostics printed before it are not lost.
    let flushed = out.flush().map_err(Failure::from);
    result.and(flushed)
}

fn open(dir: &Path, limits: Limits) -> Result<Catalog, Failure> {
    Catalog::open(dir, limits).map_err(|e| Failure::Fatal(format!("cannot open case files: {e}")))
}

fn browse(dir: &Path, limits: Limits, config: crate::config::Config) -> Result<(), Failure> {
    match crate::tui::run(dir, limits, config) {
        Ok(0) => Ok(()),
        Ok(code) => std::process::exit(code),
        Err(e) => Err(Failure::Fatal(format!("{e:#}"))),
    }
}

/// Commands other than `check` mention load problems once, on stderr, so pipes stay clean.
fn note_problems(catalog: &Catalog, dir: &Path) {
    let tally = Tally::of(catalog.diagnostics());
    if tally.errors > 0 {
        eprintln!(
            "dossier: {} in {}; run `dossier check {}` for details",
            plural(tally.errors, "error"),
            crate::text::shown(&dir.display().to_string()),
            crate::text::shown(&dir.display().to_string()),
        );
    }
}

fn check(out: &mut impl Write, dir: &Path, limits: Limits, json: bool) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    let catalog = open(dir, limits)?;
    let elapsed = started.elapsed();
    let tally = Tally::of(catalog.diagnostics());
    let counts = catalog.counts();
    if json {
        let report = json!({
            "dir": dir.display().to_string(),
            "records": catalog.len(),
            "counts": counts_json(counts),
            "errors": tally.errors,
            "warnings": tally.warnings,
            "diagnostics": catalog.diagnostics(),
        });
        write_json(out, &report)?;
    } else {
        let prefix = dir.display().to_string();
        for d in catalog.diagnostics() {
            writeln!(out, "{}", d.render(&crate::text::shown(&prefix)))?;
        }
        let kinds: Vec<String> = Kind::ALL
            .iter()
            .map(|k| match counts[*k as usize] {
                1 => format!("1 {}", k.name()),
                n => format!("{n} {}", k.folder()),
            })
            .collect();
        writeln!(
            out,
            "checked {} ({}) in {:.0?}: {}, {}",
            plural(catalog.len(), "record"),
            kinds.join(", "),
            elapsed,
            plural(tally.errors, "error"),
            plural(tally.warnings, "warning"),
        )?;
    }
    if tally.errors > 0 {
        Err(Failure::Found)
    } else {
        Ok(())
    }
}

fn write_json(out: &mut impl Write, value: &impl serde::Serialize) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

fn counts_json(counts: [usize; 4]) -> Value {
    Kind::ALL
        .iter()
        .map(|k| (k.name().to_owned(), json!(counts[*k as usize])))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// The fields every record carries in JSON: id, kind, name or title, path, line.
fn record_head(r: &Record) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("id".into(), json!(r.id));
    m.insert("kind".into(), json!(r.kind.name()));
    m.insert(r.name_field.key().into(), json!(r.name.raw()));
    m.insert("path".into(), json!(r.path));
    m.insert("line".into(), json!(r.line));
    if r.broken {
        m.insert("broken".into(), json!(true));
    }
    m
}

fn list(
    out: &mut impl Write,
    catalog: &Catalog,
    kind: Option<Kind>,
    json: bool,
) -> Result<(), Failure> {
    let records = catalog
        .records()
        .iter()
        .filter(|r| kind.is_none_or(|k| r.kind == k));
    if json {
        let items: Vec<Value> = records
            .map(|r| {
                let mut m = record_head(r);
                m.insert("subtitle".into(), json!(r.subtitle()));
                Value::Object(m)
            })
            .collect();
        write_json(out, &items)?;
        return Ok(());
    }
    let records: Vec<&Record> = records.collect();
    let width = records
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(0);
    for r in records {
        let subtitle = r.subtitle();
        let broken = if r.broken { " [broken]" } else { "" };
        if subtitle.is_empty() {
            writeln!(
                out,
                "{:<8} {:<width$}  {}{broken}",
                r.kind.name(),
                &*r.id,
                r.name.shown()
            )?;
        } else {
            writeln!(
                out,
                "{:<8} {:<width$}  {}  ({subtitle}){broken}",
                r.kind.name(),
                &*r.id,
                r.name.shown()
            )?;
        }
    }
    Ok(())
}

fn show(out: &mut impl Write, catalog: &Catalog, id: &str, json: bool) -> Result<(), Failure> {
    let Some(idx) = catalog.idx(id) else {
        let hint = crate::diagnostic::did_you_mean(id, catalog.records().iter().map(|r| &*r.id))
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default();
        eprintln!(
            "dossier: no record with id `{}`{hint}",
            crate::text::shown(id)
        );
        return Err(Failure::Found);
    };
    if json {
        write_json(out, &record_json(catalog, idx))?;
        return Ok(());
    }
    for line in view::detail(catalog, idx) {
        let text: String = line
            .segs
            .iter()
            .map(|s| match s.tone {
                Tone::Broken if !s.text.contains("not found") => format!("{} [broken]", s.text),
                _ => s.text.clone(),
            })
            .collect();
        writeln!(out, "{}", text.trim_end())?;
    }
    Ok(())
}

/// A whole record as JSON: its fields as in the file, plus links and backlinks resolved.
pub fn record_json(catalog: &Catalog, idx: RecordIdx) -> Value {
    let r = catalog.get(idx);
    let mut m = record_head(r);
    let mut put = |key: &str, v: Value| {
        m.insert(key.into(), v);
    };
    put("aliases", json!(r.aliases));
    put("summary", json!(r.summary));
    put("notes", json!(r.notes));
    put("tags", json!(r.tags));
    put("sources", json!(r.sources));
    put("related", json!(r.related));
    let body = match &r.body {
        crate::model::Body::Person(p) => serde_json::to_value(p),
        crate::model::Body::Incident(i) => serde_json::to_value(i),
        crate::model::Body::Camp(c) => serde_json::to_value(c),
        crate::model::Body::Source(s) => serde_json::to_value(s),
    };
    if let Ok(Value::Object(fields)) = body {
        m.extend(fields);
    }
    let fields: serde_json::Map<String, Value> = r
        .fields
        .iter()
        .map(|(k, p)| ((*k).to_owned(), json!(p.line)))
        .collect();
    m.insert("field_lines".into(), Value::Object(fields));
    let links: Vec<Value> = catalog
        .links(idx)
        .into_iter()
        .zip(r.links())
        .map(|((field, to), (_, reference))| {
            let mut l = match to {
                Some(t) => record_head(catalog.get(t)),
                None => {
                    let mut m = serde_json::Map::new();
                    m.insert("id".into(), json!(reference.id.raw()));
                    m.insert("missing".into(), json!(true));
                    m
                }
            };
            l.insert("field".into(), json!(field.label()));
            Value::Object(l)
        })
        .collect();
    m.insert("links".into(), Value::Array(links));
    let back: Vec<Value> = catalog
        .backlinks(idx)
        .iter()
        .map(|b| {
            let mut l = record_head(catalog.get(b.from));
            l.insert("field".into(), json!(b.field.label()));
            Value::Object(l)
        })
        .collect();
    m.insert("backlinks".into(), Value::Array(back));
    prune(Value::Object(m))
}

/// Drop nulls and empty lists, so JSON shows what the file says and nothing more.
fn prune(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter_map(|(k, v)| {
                    let v = prune(v);
                    let keep = match &v {
                        Value::Null => false,
                        Value::Array(a) => !a.is_empty() || k == "links" || k == "backlinks",
                        _ => true,
                    };
                    keep.then_some((k, v))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(prune).collect()),
        other => other,
    }
}

fn search(
    out: &mut impl Write,
    catalog: &Catalog,
    query: &str,
    kind: Option<Kind>,
    limit: Option<usize>,
    json: bool,
) -> Result<(), Failure> {
    let mut q = Query::parse(query);
    for p in &q.problems {
        eprintln!("dossier: ignored filter {}", crate::text::shown(p));
    }
    if let Some(k) = kind {
        q.filters.push(crate::search::Filter::Kind(vec![k]));
    }
    let mut hits = Searcher::default().search(catalog, &q);
    if let Some(n) = limit {
        hits.truncate(n);
    }
    if json {
        let items: Vec<Value> = hits.iter().map(|h| hit_json(catalog, h)).collect();
        write_json(out, &items)?;
    } else {
        let width = hits
            .iter()
            .map(|h| catalog.get(h.record).id.chars().count())
            .max()
            .unwrap_or(0);
        for h in &hits {
            let r = catalog.get(h.record);
            let via = match h.field {
                Field::Alias(n) => format!("  [alias: {}]", r.aliases[n].shown()),
                Field::Text => "  [in text]".to_owned(),
                _ => String::new(),
            };
            writeln!(
                out,
                "{:<8} {:<width$}  {}{via}",
                r.kind.name(),
                &*r.id,
                r.name.shown()
            )?;
        }
    }
    if hits.is_empty() {
        Err(Failure::Found)
    } else {
        Ok(())
    }
}

fn hit_json(catalog: &Catalog, h: &Hit) -> Value {
    let r = catalog.get(h.record);
    let mut m = record_head(r);
    m.insert("score".into(), json!(h.score));
    let (field, text) = match h.field {
        Field::Name => ("name", Some(r.name.raw())),
        Field::Alias(n) => ("alias", Some(r.aliases[n].raw())),
        Field::Id => ("id", Some(&*r.id)),
        Field::Text => ("text", None),
        Field::None => ("none", None),
    };
    m.insert("matched".into(), json!(field));
    if let Some(t) = text {
        m.insert("matched_text".into(), json!(t));
        m.insert("positions".into(), json!(h.positions));
    }
    Value::Object(m)
}
