//! The command line: `dossier [DIR]` opens the browser; `check`, `list`, `show` and `search`
//! answer scripts, as text or `--json`; `completions` and `man` print a shell completion script
//! and the manual page, both generated from the same clap definition as `--help`.
//!
//! Exit codes ([`EXIT_CODES`]): 0 ok; 1 errors found (check), nothing found (show, search); 2
//! usage, config or I/O error; 128+N the browser was ended by signal N. Every message of ours
//! on stderr reads `dossier: <message>` (lowercase, no full stop, `; <what to do>` where there
//! is something to do); clap's own usage errors keep clap's form. Output piped into `head` is
//! not an error (ripgrep's rule): a closed pipe ends quietly.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum, ValueHint};
use serde_json::{Value, json};

use crate::diagnostic::{Tally, plural};
use crate::index::{Catalog, RecordIdx};
use crate::index_file::Loader;
use crate::load::Limits;
use crate::model::{Kind, Record};
use crate::search::{Field, Hit, Query, Searcher};
use crate::view;

/// What each exit code means; `--help`, the man page and the README say the same.
pub const EXIT_CODES: &[(&str, &str)] = &[
    ("0", "ok"),
    (
        "1",
        "errors found in the case files (check) or in the record just written (new), or nothing found (show, search, export)",
    ),
    (
        "2",
        "usage, config or I/O error: a bad option, a folder that cannot be read, output that cannot be written, a record `new` will not write",
    ),
    (
        "128+N",
        "the browser was ended by signal N (129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM); the terminal is restored first",
    ),
];

/// The environment dossier reads.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "DOSSIER_DIR",
        "the case-file folder when none is named; else ./casefiles",
    ),
    (
        "VISUAL, EDITOR",
        "the editor that `e` opens at file:line, VISUAL first, unless the config names one; split into words as a shell would, never run through one",
    ),
    (
        "NO_COLOR",
        "set and not empty: the browser draws without colour",
    ),
    (
        "DOSSIER_CONFIG",
        "the browser's config file, unless --config names one; it must exist",
    ),
    (
        "XDG_CONFIG_HOME",
        "where the config file is looked for: $XDG_CONFIG_HOME/dossier/config.toml, else ~/.config/dossier/config.toml",
    ),
    (
        "COLORTERM",
        "truecolor or 24bit: #rrggbb colours from the config are sent as they are, not the nearest of 256 or 16",
    ),
    (
        "DOSSIER_NO_INDEX",
        "1, true, yes or on: as --no-index, read every file and keep no index",
    ),
    (
        "XDG_CACHE_HOME",
        "where indexes are kept: $XDG_CACHE_HOME/dossier/, else ~/.cache/dossier/",
    ),
];

/// `--help`'s closing text: the exit codes and the environment, from the tables above.
fn after_long_help() -> String {
    use std::fmt::Write;
    let width = EXIT_CODES
        .iter()
        .chain(ENVIRONMENT)
        .map(|(k, _)| k.len())
        .max()
        .unwrap_or(0);
    let mut s = String::from("Exit codes:\n");
    for (code, meaning) in EXIT_CODES {
        let _ = writeln!(s, "  {code:<width$}  {meaning}");
    }
    s += "\nEnvironment:\n";
    for (name, meaning) in ENVIRONMENT {
        let _ = writeln!(s, "  {name:<width$}  {meaning}");
    }
    s += "\nErrors read `dossier: <message>` on stderr. `dossier man` prints the manual page;\n";
    s += "`dossier completions SHELL` a completion script.";
    s
}

#[derive(Parser, Debug)]
#[command(
    name = "dossier",
    version,
    about = "Browse and search case files (people, incidents, camps, organisations, sources) kept as YAML",
    long_about = "Browse and search case files kept as YAML: person, incident, camp and source records, linked to each other.\n\nWith no command, opens the terminal browser on DIR.\nThe folder is -C DIR (for the browser and every command) or DIR, else $DOSSIER_DIR, else ./casefiles.\nThe browser reads its keys, editor and colours from --config, else $DOSSIER_CONFIG,\nelse $XDG_CONFIG_HOME/dossier/config.toml, else ~/.config/dossier/config.toml.",
    after_help = "Exit codes: 0 ok, 1 errors or nothing found, 2 usage, config or I/O error, 128+N killed by signal N.\nMore with --help; the manual with `dossier man`.",
    after_long_help = after_long_help(),
    // Not `args_conflicts_with_subcommands`: it would take `check` in `dossier -C DIR check`
    // for the browser's folder. `run` refuses a folder before a command instead.
    subcommand_negates_reqs = true,
    override_usage = "dossier [OPTIONS] [DIR]\n       dossier [OPTIONS] <COMMAND>"
)]
pub struct Cli {
    /// Case-file folder to browse
    #[arg(value_name = "DIR", value_hint = ValueHint::DirPath)]
    dir: Option<PathBuf>,

    /// The browser's config file (keys, editor, colours), instead of the usual place
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,

    /// Print the configuration in effect, as a config file, and exit
    #[arg(long)]
    print_config: bool,

    /// The case-file folder, for the browser and every command (before or after the command)
    #[arg(short = 'C', long = "dir", global = true, value_name = "DIR", value_hint = ValueHint::DirPath)]
    folder: Option<PathBuf>,

    /// Refuse record files larger than this many bytes
    #[arg(long, global = true, value_name = "BYTES", default_value_t = Limits::default().max_file_bytes)]
    max_file_size: u64,

    /// Read every file; neither read nor write the index kept under ~/.cache/dossier
    #[arg(long, global = true, env = "DOSSIER_NO_INDEX", value_parser = clap::builder::BoolishValueParser::new())]
    no_index: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load every file and report every problem as path:line:col
    Check {
        /// Case-file folder (the same as -C DIR)
        #[arg(value_name = "DIR", value_hint = ValueHint::DirPath)]
        dir: Option<PathBuf>,
        /// How to print the problems [default: text]
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<CheckFormat>,
        /// The same as --format json
        #[arg(long)]
        json: bool,
    },
    /// List records, one per line
    List {
        /// Case-file folder (the same as -C DIR)
        #[arg(value_name = "DIR", value_hint = ValueHint::DirPath)]
        dir: Option<PathBuf>,
        /// Only this kind: person, incident, camp, organization or source
        #[arg(short, long, value_parser = parse_kind)]
        kind: Option<Kind>,
        /// How to print the records [default: text]
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<ListFormat>,
        /// The same as --format json
        #[arg(long)]
        json: bool,
        /// The same as --format vimgrep: path:line:col:text, for an editor's quickfix list
        #[arg(long)]
        vimgrep: bool,
    },
    /// Show one record with its links resolved and the records that point to it
    Show {
        /// The record's id: its file name without .yaml
        id: String,
        /// How to print the record [default: text]
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<Format>,
        /// The same as --format json
        #[arg(long)]
        json: bool,
    },
    /// Fuzzy search over names, aliases, titles, summaries, places and dates
    Search {
        /// Words and filters such as kind:person camp:liberty year:2013 act:abducted
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Only this kind: person, incident, camp, organization or source
        #[arg(short, long, value_parser = parse_kind)]
        kind: Option<Kind>,
        /// At most this many results
        #[arg(short = 'n', long, value_name = "N")]
        limit: Option<usize>,
        /// How to print the hits [default: text]
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<ListFormat>,
        /// The same as --format json: the hits with what matched and where
        #[arg(long)]
        json: bool,
        /// The same as --format vimgrep: path:line:col:text, for an editor's quickfix list
        #[arg(long)]
        vimgrep: bool,
    },
    /// Create a record from a template and open it in the editor
    ///
    /// The id is the name in lower-case ASCII words joined by `-` (`Ja'far Kazemi` is
    /// jafar-kazemi), unless --id gives one. An existing record is never replaced. The editor
    /// ($VISUAL, else $EDITOR) opens at the first field to fill, unless --no-edit is given or
    /// dossier is not in a terminal; when it returns, the record is checked.
    New {
        /// person, incident, camp, organization or source
        #[arg(value_name = "KIND")]
        kind: String,
        /// The record's name (a source's title)
        #[arg(value_name = "NAME")]
        name: String,
        /// The record's id, instead of one made from the name
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        /// Write the file and check it, without opening the editor
        #[arg(long)]
        no_edit: bool,
    },
    /// Print the JSON Schema of the record files, for editors (yaml-language-server)
    ///
    /// Draft 2020-12, generated from the same types the loader reads. Without --kind, every
    /// kind in one document; a kind's schema is what its folder's files should be checked
    /// against. With --out, one file per kind is written into the folder.
    Schema {
        /// Only this kind: person, incident, camp, organization or source
        #[arg(short, long, value_parser = parse_kind)]
        kind: Option<Kind>,
        /// Write KIND.schema.json for every kind, and dossier.schema.json, into this folder
        #[arg(long, value_name = "FOLDER", value_hint = ValueHint::DirPath, conflicts_with = "kind")]
        out: Option<PathBuf>,
    },
    /// Bring the folder's index up to date and say where it is, how big, and what was read
    ///
    /// The index (under `$XDG_CACHE_HOME/dossier`, else `~/.cache/dossier`) keeps what the last load
    /// found, so the next one reads only the files that changed. Every command uses it but
    /// `check`, which reads every file; --no-index turns it off.
    Index {
        /// Also say how many files this load read again and why an old index was not used
        #[arg(long)]
        status: bool,
        /// Print the status as JSON
        #[arg(long)]
        json: bool,
    },
    /// Print source records as references for pandoc, Zotero and BibTeX
    ///
    /// Every source, or with a query the sources among the records found and the sources those
    /// records cite. The citation key is the record's id: [@ai-mde-14-010-2013].
    Export {
        /// csl-json (pandoc --citeproc, Zotero), bibtex or ris
        #[arg(long, value_enum, value_name = "FORMAT", default_value = "csl-json")]
        format: ExportFormat,
        /// Words and filters, as for search
        #[arg(value_name = "QUERY")]
        query: Vec<String>,
    },
    /// Print a completion script for a shell
    ///
    /// Generated from the same definition as --help. For bash:
    /// dossier completions bash > ~/.local/share/bash-completion/completions/dossier
    Completions {
        /// bash, zsh, fish, elvish or powershell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff)
    ///
    /// Generated from the same definition as --help. To install it:
    /// dossier man > ~/.local/share/man/man1/dossier.1
    Man,
}

impl Command {
    /// The command's name on the command line.
    fn name(&self) -> &'static str {
        match self {
            Command::Check { .. } => "check",
            Command::List { .. } => "list",
            Command::Show { .. } => "show",
            Command::Search { .. } => "search",
            Command::New { .. } => "new",
            Command::Schema { .. } => "schema",
            Command::Index { .. } => "index",
            Command::Export { .. } => "export",
            Command::Completions { .. } => "completions",
            Command::Man => "man",
        }
    }
}

/// How `dossier show` prints a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// The record as the browser's detail pane shows it
    Text,
    /// Every field as in the file, with links and backlinks resolved
    Json,
    /// The whole record as a Markdown document, safe to paste into a report
    Markdown,
    /// One line of Markdown citing the record and its sources, as the browser's `c` copies it
    Citation,
    /// The record's claims (dates, figures, parties, inferred values), each with what is said of
    /// it and the sources it rests on, as the browser's `C` shows them
    Claims,
}

impl Format {
    /// `--format`, else `--json`, else text; both given must agree.
    fn choose(format: Option<Format>, json: bool) -> Result<Format, clap::Error> {
        match (format, json) {
            (Some(f), true) if f != Format::Json => {
                let mut cli = Cli::command();
                cli.build();
                let show = cli.find_subcommand_mut("show").expect("show is a command");
                Err(show.error(
                    clap::error::ErrorKind::ArgumentConflict,
                    format!(
                        "the argument '--json' cannot be used with '--format {}'",
                        f.to_possible_value()
                            .map_or_else(String::new, |v| v.get_name().to_owned())
                    ),
                ))
            }
            (Some(f), _) => Ok(f),
            (None, true) => Ok(Format::Json),
            (None, false) => Ok(Format::Text),
        }
    }
}

/// How `dossier check` prints the problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    /// Each problem as path:line:col: severity: message, its hint below, and a summary
    Text,
    /// Every problem and the counts, as JSON
    Json,
    /// One line per problem, path:line:col: severity: message; hint (vim's :cfile, :cexpr)
    Quickfix,
    /// GitHub Actions annotations on each problem's line, for a pull request
    Github,
}

/// How `list` and `search` print records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    /// Kind, id and name, aligned
    Text,
    /// The records as JSON
    Json,
    /// path:line:col:text, one record a line, for an editor's quickfix list or fzf
    Vimgrep,
}

impl ListFormat {
    /// `--format`, else `--json` or `--vimgrep`, else text; more than one must agree.
    fn choose(
        command: &str,
        format: Option<ListFormat>,
        json: bool,
        vimgrep: bool,
    ) -> Result<ListFormat, clap::Error> {
        let flags = [
            (json, ListFormat::Json, "--json"),
            (vimgrep, ListFormat::Vimgrep, "--vimgrep"),
        ];
        let mut chosen = format;
        for (given, f, flag) in flags {
            if !given {
                continue;
            }
            match chosen {
                Some(c) if c != f => {
                    let mut cli = Cli::command();
                    cli.build();
                    let sub = cli.find_subcommand_mut(command).expect("a command");
                    return Err(sub.error(
                        clap::error::ErrorKind::ArgumentConflict,
                        format!("the argument '{flag}' cannot be used with another output format"),
                    ));
                }
                _ => chosen = Some(f),
            }
        }
        Ok(chosen.unwrap_or(ListFormat::Text))
    }
}

/// What `dossier export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// CSL-JSON, for pandoc --citeproc and Zotero
    CslJson,
    /// BibTeX, with biblatex's date field
    Bibtex,
    /// RIS, for Zotero, Mendeley and other reference managers
    Ris,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| {
        format!("`{s}` is not a kind (person, incident, camp, organization, source)")
    })
}

/// Which folder to read: the one named, else `$DOSSIER_DIR`, else `./casefiles`.
pub fn resolve_dir(named: Option<PathBuf>) -> PathBuf {
    named
        .or_else(|| {
            std::env::var_os("DOSSIER_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR))
}

/// The folder read when none is named and `$DOSSIER_DIR` is not set.
const DEFAULT_DIR: &str = "casefiles";

/// The folder a command reads: `-C DIR` (the one form every command takes, before or after the
/// command's name), or the positional `DIR` that `dossier`, `check` and `list` have always
/// taken; both, naming two folders, is a usage error rather than a guess.
fn folder(
    global: Option<PathBuf>,
    positional: Option<PathBuf>,
    command: Option<&str>,
) -> Result<PathBuf, Failure> {
    match (global, positional) {
        (Some(a), Some(b)) if a != b => {
            let mut cli = Cli::command();
            cli.build();
            let cmd = match command {
                Some(name) => cli.find_subcommand_mut(name).expect("a command").clone(),
                None => cli,
            };
            let mut cmd = cmd;
            Err(Failure::Usage(cmd.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "two folders given, -C {} and {}; give one, with -C",
                    a.display(),
                    b.display()
                ),
            )))
        }
        (a, b) => Ok(resolve_dir(a.or(b))),
    }
}

/// `dossier search rajavi casefiles`: before `-C` worked everywhere, a folder after the query
/// was a natural thing to type, and it was silently searched for as a word. Without `-C`, a
/// last word (of two or more) that names an existing folder is taken as the folder, and
/// stderr says so; a real query word that happens to name a folder is then one `-C .` away.
fn folder_after_query(global: Option<&PathBuf>, query: &mut Vec<String>) -> Option<PathBuf> {
    if global.is_some() || query.len() < 2 {
        return None;
    }
    let last = query.last()?;
    if !Path::new(last).is_dir() {
        return None;
    }
    let last = query.pop()?;
    say(&format!(
        "took `{last}` as the case-file folder, not a word to search for; write -C {last} to say so"
    ));
    Some(PathBuf::from(last))
}

/// A usage error for two options that say different things.
fn conflict(command: &str, a: &str, b: &str) -> Failure {
    let mut cli = Cli::command();
    cli.build();
    let sub = cli.find_subcommand_mut(command).expect("a command");
    Failure::Usage(sub.error(
        clap::error::ErrorKind::ArgumentConflict,
        format!("the argument '{a}' cannot be used with '{b}' naming another format"),
    ))
}

/// A failure that ends the command, with its exit code.
enum Failure {
    /// Problems were found (check) or nothing was (show, search): exit 1, message already out.
    Found,
    /// I/O (or anything else that stops us): exit 2, with this message.
    Fatal(String),
    /// A usage error found after parsing: clap's form, exit 2.
    Usage(clap::Error),
    /// The config file has mistakes, one line each: exit 2.
    Config(Vec<String>),
    /// The reader of our output went away (`dossier list | head`): their choice, not an error.
    ClosedPipe,
    /// The browser ended with this exit code (a signal: 128 + its number), having said why.
    Exit(u8),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::ClosedPipe
        } else {
            Failure::Fatal(format!(
                "cannot write the output: {}",
                message(&e.to_string())
            ))
        }
    }
}

impl From<clap::Error> for Failure {
    fn from(e: clap::Error) -> Self {
        Failure::Usage(e)
    }
}

/// A message in our one form: a first letter in lowercase unless the word is an acronym
/// ("I/O" stays), no full stop at the end (the OS's messages have capitals: "Is a directory").
fn message(msg: &str) -> String {
    let msg = msg.trim().trim_end_matches('.');
    let mut chars = msg.chars();
    let (Some(first), second) = (chars.next(), chars.next()) else {
        return msg.to_owned();
    };
    if first.is_uppercase() && second.is_none_or(char::is_lowercase) {
        first
            .to_lowercase()
            .chain(msg[first.len_utf8()..].chars())
            .collect()
    } else {
        msg.to_owned()
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => return usage(&e),
    };
    match run(cli) {
        Ok(()) | Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Err(Failure::Found) => ExitCode::from(1),
        Err(Failure::Usage(e)) => usage(&e),
        Err(Failure::Fatal(msg)) => {
            say(&message(&msg));
            ExitCode::from(2)
        }
        Err(Failure::Config(lines)) => {
            for line in lines {
                say(&line);
            }
            ExitCode::from(2)
        }
        Err(Failure::Exit(code)) => ExitCode::from(code),
    }
}

/// `dossier: <message>` on stderr, on one line. `eprintln!` would panic where stderr cannot be
/// written (`2>/dev/full`); a message that cannot be written is lost, and the exit code still
/// says what happened.
fn say(msg: &str) {
    let _ = writeln!(io::stderr().lock(), "dossier: {}", crate::text::shown(msg));
}

/// clap's own message, in clap's form: 0 for `--help` and `--version`, 2 for a usage error, and
/// 2 when the help or version cannot be written (a full disk, a closed stdout); a closed pipe
/// (`dossier --help | head -1`) is not an error.
fn usage(e: &clap::Error) -> ExitCode {
    if !e.use_stderr() && stdout_closed() {
        say(STDOUT_CLOSED);
        return ExitCode::from(2);
    }
    let code = if e.use_stderr() { 2 } else { 0 };
    match e.print() {
        Err(write) if write.kind() != io::ErrorKind::BrokenPipe && code == 0 => {
            if let Failure::Fatal(msg) = Failure::from(write) {
                say(&msg);
            }
            ExitCode::from(2)
        }
        _ => ExitCode::from(code),
    }
}

const STDOUT_CLOSED: &str = "cannot write the output: standard output is closed";

/// Whether dossier was started with its standard output closed (`dossier list >&-`). Rust's
/// runtime opens `/dev/null` in its place before `main` (read-write, where a shell's
/// `>/dev/null` is write-only), so every write would "succeed" and the output vanish without a
/// word; this is how that case is told apart.
#[cfg(target_os = "linux")]
fn stdout_closed() -> bool {
    const O_ACCMODE: u32 = 0o3;
    const O_RDWR: u32 = 0o2;
    if std::fs::read_link("/proc/self/fd/1").ok().as_deref() != Some(Path::new("/dev/null")) {
        return false;
    }
    let info = std::fs::read_to_string("/proc/self/fdinfo/1").unwrap_or_default();
    info.lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
        .is_some_and(|flags| flags & O_ACCMODE == O_RDWR)
}

#[cfg(not(target_os = "linux"))]
fn stdout_closed() -> bool {
    false
}

fn run(cli: Cli) -> Result<(), Failure> {
    let limits = Limits {
        max_file_bytes: cli.max_file_size,
    };
    let loader = Loader {
        limits,
        cache: if cli.no_index {
            None
        } else {
            crate::index_file::cache_dir()
        },
    };
    let Some(command) = cli.command else {
        // Read before the browser takes over the screen, so mistakes are said plainly; a config
        // with mistakes is refused whole, never half applied.
        let location = crate::config::locate(cli.config.as_deref(), |v| std::env::var_os(v));
        let config =
            crate::config::load(location.as_ref()).map_err(|e| Failure::Config(e.lines()))?;
        if cli.print_config {
            if stdout_closed() {
                return Err(Failure::Fatal(STDOUT_CLOSED.into()));
            }
            let mut out = io::stdout().lock();
            out.write_all(config.to_toml().as_bytes())?;
            out.flush()?;
            return Ok(());
        }
        let dir = folder(cli.folder, cli.dir, None)?;
        // Said plainly, before the browser takes over the screen.
        crate::load::check_root(&dir).map_err(|e| cannot_open(&dir, &e))?;
        return browse(&dir, &loader, config);
    };
    // What only the browser takes, before a command: refused as clap refuses a conflict.
    let browser_only = [
        (cli.dir.is_some(), "[DIR]"),
        (cli.config.is_some(), "--config <PATH>"),
        (cli.print_config, "--print-config"),
    ];
    if let Some((_, arg)) = browser_only.iter().find(|(given, _)| *given) {
        let name = command.name();
        return Err(Failure::Usage(Cli::command().error(
            clap::error::ErrorKind::ArgumentConflict,
            format!("the subcommand '{name}' cannot be used with '{arg}'"),
        )));
    }
    if stdout_closed() {
        return Err(Failure::Fatal(STDOUT_CLOSED.into()));
    }
    // Locked once for speed; the browser above must not hold it (the signal thread writes too).
    let mut out = io::BufWriter::new(io::stdout().lock());
    let result = command_run(&mut out, command, cli.folder, &loader);
    // Flush even after a failure, so the diagnostics printed before it are not lost.
    let flushed = out.flush().map_err(Failure::from);
    result.and(flushed)
}

/// Run one of the commands that print (everything but the browser).
fn command_run(
    out: &mut impl Write,
    command: Command,
    global: Option<PathBuf>,
    loader: &Loader,
) -> Result<(), Failure> {
    let limits = loader.limits;
    match command {
        Command::Check { dir, format, json } => {
            let format = match (format, json) {
                (Some(f), true) if f != CheckFormat::Json => {
                    return Err(conflict("check", "--json", "--format"));
                }
                (Some(f), _) => f,
                (None, true) => CheckFormat::Json,
                (None, false) => CheckFormat::Text,
            };
            check(out, &folder(global, dir, Some("check"))?, limits, format)
        }
        Command::List {
            dir,
            kind,
            format,
            json,
            vimgrep,
        } => {
            let format = ListFormat::choose("list", format, json, vimgrep)?;
            let dir = folder(global, dir, Some("list"))?;
            let catalog = open(&dir, loader)?;
            note_problems(catalog, &dir);
            list(out, catalog, &dir, kind, format)
        }
        Command::Show { id, format, json } => {
            let format = Format::choose(format, json)?;
            let dir = folder(global, None, None)?;
            let catalog = open(&dir, loader)?;
            note_problems(catalog, &dir);
            show(out, catalog, &id, format)
        }
        Command::Search {
            mut query,
            kind,
            limit,
            format,
            json,
            vimgrep,
        } => {
            let format = ListFormat::choose("search", format, json, vimgrep)?;
            let trailing = folder_after_query(global.as_ref(), &mut query);
            let dir = folder(global, trailing, None)?;
            let catalog = open(&dir, loader)?;
            note_problems(catalog, &dir);
            search(out, catalog, &dir, &query.join(" "), kind, limit, format)
        }
        Command::New {
            kind,
            name,
            id,
            no_edit,
        } => {
            let dir = folder(global, None, None)?;
            new_record(out, &dir, loader, &kind, &name, id.as_deref(), no_edit)
        }
        Command::Schema { kind, out: into } => schema(out, kind, into.as_deref()),
        Command::Index { status, json } => {
            let dir = folder(global, None, None)?;
            index(out, &dir, loader, status || json, json)
        }
        Command::Export { format, query } => {
            let dir = folder(global, None, None)?;
            let catalog = open(&dir, loader)?;
            note_problems(catalog, &dir);
            export(out, catalog, &query.join(" "), format)
        }
        Command::Completions { shell } => {
            // Into memory first: the generator panics on a write error, and a closed pipe is not one.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "dossier", &mut script);
            out.write_all(&script).map_err(Failure::from)
        }
        Command::Man => man(out),
    }
}

/// The manual page, from the same clap definition as `--help`: `clap_mangen`'s name, synopsis,
/// description and options, then what it has no place for: each command with its options,
/// the exit status, the environment and the files.
fn man(out: &mut impl Write) -> Result<(), Failure> {
    let mut cmd = Cli::command();
    cmd.build();
    let page = clap_mangen::Man::new(cmd.clone()).manual("User Commands");
    let mut roff = Vec::new();
    page.render_title(&mut roff)?;
    page.render_name_section(&mut roff)?;
    page.render_synopsis_section(&mut roff)?;
    page.render_description_section(&mut roff)?;
    page.render_options_section(&mut roff)?;
    man_commands(&mut cmd, &mut roff)?;
    roff.extend(man_closing().render().into_bytes());
    page.render_version_section(&mut roff)?;
    out.write_all(&roff)?;
    Ok(())
}

/// Each command with its usage, its description and its own options.
fn man_commands(cmd: &mut clap::Command, roff: &mut Vec<u8>) -> io::Result<()> {
    use clap_mangen::roff::{Roff, bold, roman};
    let mut commands = Roff::new();
    commands.control("SH", ["COMMANDS"]);
    commands.text([roman(
        "With no command, dossier opens the terminal browser on DIR. \
         The commands print to standard output, for people and for scripts.",
    )]);
    roff.extend(commands.render().into_bytes());
    for sub in cmd.get_subcommands_mut() {
        let name = sub.get_name().to_owned();
        let usage = sub.render_usage().to_string();
        let usage = usage.trim().trim_start_matches("Usage:").trim().to_owned();
        let mut head = Roff::new();
        head.control("SS", [format!("dossier {name}").as_str()]);
        head.text([bold(usage)]);
        head.control("PP", []);
        if let Some(about) = sub.get_long_about().or_else(|| sub.get_about()) {
            head.text([roman(about.to_string())]);
        }
        roff.extend(head.render().into_bytes());
        // The global options and -h are listed once, above.
        let own = sub.clone().mut_args(|a| {
            let shared = a.is_global_set() || a.get_id() == "help";
            a.hide(shared)
        });
        let mut options = Vec::new();
        clap_mangen::Man::new(own).render_options_section(&mut options)?;
        // The command's options sit under its own heading, not in a second OPTIONS section.
        let options = String::from_utf8_lossy(&options).replacen(".SH OPTIONS\n", "", 1);
        roff.extend(options.into_bytes());
    }
    Ok(())
}

/// What clap has no place for: exit status, environment, files, diagnostics, examples.
fn man_closing() -> clap_mangen::roff::Roff {
    use clap_mangen::roff::{Roff, bold, roman};
    let mut tail = Roff::new();
    tail.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_CODES {
        tail.control("TP", [])
            .text([bold(*code)])
            .text([roman(*meaning)]);
    }
    tail.control("SH", ["ENVIRONMENT"]);
    for (name, meaning) in ENVIRONMENT {
        tail.control("TP", [])
            .text([bold(*name)])
            .text([roman(*meaning)]);
    }
    tail.control("SH", ["FILES"]);
    tail.control("TP", [])
        .text([bold("./casefiles")])
        .text([roman(
            "the case files read when no folder is named and DOSSIER_DIR is not set: \
             people/, incidents/, camps/ and sources/, one YAML record per file",
        )]);
    tail.control("TP", [])
        .text([bold("$XDG_CONFIG_HOME/dossier/config.toml")])
        .text([roman(
            "the config file (~/.config/dossier/config.toml when XDG_CONFIG_HOME is not set)",
        )]);
    tail.control("TP", [])
        .text([bold("$XDG_CACHE_HOME/dossier/*.idx")])
        .text([roman(
            "the index of each case-file folder, one file each, named by a hash of the folder's path (~/.cache/dossier/ when XDG_CACHE_HOME is not set); safe to delete",
        )]);
    tail.control("SH", ["DIAGNOSTICS"]);
    tail.text([roman(
        "A problem in a case file is printed as path:line:col: error: message, with a hint, \
         as compilers do. Any other error reads dossier: message on standard error, \
         with what to do after a semicolon where there is something to do. \
         Usage errors are clap's, with the usage line.",
    )]);
    tail.control("SH", ["EXAMPLES"]);
    for (example, what) in [
        (
            "dossier check casefiles",
            "every problem in the folder, as path:line:col",
        ),
        (
            "dossier search -C casefiles rajavi -n 3",
            "the three best matches",
        ),
        (
            "dossier show camp-ashraf --format markdown",
            "one record as a Markdown document",
        ),
        (
            "dossier new person \"Nasrin Sotoudeh\" -C casefiles",
            "a new record from a template, in the editor",
        ),
        (
            "dossier schema --out casefiles/.schemas",
            "one JSON Schema per kind, for yaml-language-server",
        ),
        (
            "dossier export -C casefiles > references.json",
            "every source as CSL-JSON, for pandoc --citeproc",
        ),
        (
            "dossier search --vimgrep -C casefiles saremi",
            "path:line:col:text lines for an editor's quickfix list",
        ),
        (
            "dossier completions bash > ~/.local/share/bash-completion/completions/dossier",
            "install bash completion",
        ),
        (
            "dossier man > ~/.local/share/man/man1/dossier.1",
            "install this page",
        ),
    ] {
        tail.control("TP", [])
            .text([bold(example)])
            .text([roman(what)]);
    }
    tail
}

/// `dossier index`: load with the index and say what happened.
fn index(
    out: &mut impl Write,
    dir: &Path,
    loader: &Loader,
    status: bool,
    json: bool,
) -> Result<(), Failure> {
    let Some(cache) = &loader.cache else {
        return Err(Failure::Fatal(
            "the index is turned off (--no-index or DOSSIER_NO_INDEX); nothing to show".into(),
        ));
    };
    let started = std::time::Instant::now();
    let (catalog, report) = loader
        .open(dir, &crate::load::Progress::default())
        .map_err(|e| cannot_open(dir, &e))?;
    let elapsed = started.elapsed();
    if let Some(warning) = &report.warning {
        eprintln!("dossier: {warning}");
    }
    let path = report
        .path
        .as_deref()
        .map_or_else(|| cache.display().to_string(), |p| p.display().to_string());
    if json {
        let value = json!({
            "path": path,
            "bytes": report.bytes,
            "records": catalog.len(),
            "files": report.files,
            "reread": report.reread,
            "reused": report.reused,
            "whole": report.whole,
            "written": report.written,
            "ignored": report.ignored,
            "warning": report.warning,
            "ms": elapsed.as_millis(),
        });
        writeln!(out, "{value:#}")?;
        return Ok(());
    }
    let state = if report.whole {
        "up to date"
    } else if report.written {
        "updated"
    } else {
        "not written"
    };
    writeln!(
        out,
        "{path}: {state}, {} bytes, {} records",
        report.bytes,
        catalog.len()
    )?;
    if status {
        writeln!(
            out,
            "{} files: {} read again, {} from the index, in {} ms",
            report.files,
            report.reread,
            report.reused,
            elapsed.as_millis()
        )?;
        if let Some(why) = &report.ignored {
            writeln!(out, "the index there was not used: {why}")?;
        }
    }
    Ok(())
}

/// Load a folder for a command, with its index unless `--no-index`; a cache that cannot be
/// written is said in one line and the command goes on. The catalog lives until the process
/// ends, and is never freed: freeing 100,000 records one by one took longer than the search.
fn open(dir: &Path, loader: &Loader) -> Result<&'static Catalog, Failure> {
    let (catalog, report) = loader
        .open(dir, &crate::load::Progress::default())
        .map_err(|e| cannot_open(dir, &e))?;
    if let Some(warning) = report.warning {
        eprintln!("dossier: {warning}");
    }
    Ok(Box::leak(Box::new(catalog)))
}

/// The folder could not be read; say where its name came from when nobody typed it.
fn cannot_open(dir: &Path, e: &crate::load::LoadError) -> Failure {
    let from_env = std::env::var_os("DOSSIER_DIR").is_some_and(|v| !v.is_empty() && v == dir);
    let hint = if from_env {
        "; the folder comes from DOSSIER_DIR"
    } else if dir == Path::new(DEFAULT_DIR) {
        "; name a folder, or set DOSSIER_DIR"
    } else {
        ""
    };
    Failure::Fatal(format!("cannot open case files: {e}{hint}"))
}

fn browse(dir: &Path, loader: &Loader, config: crate::config::Config) -> Result<(), Failure> {
    match crate::tui::run(dir, loader.clone(), config) {
        Ok(0) => Ok(()),
        Ok(code) => Err(Failure::Exit(u8::try_from(code).unwrap_or(u8::MAX))),
        // Each part of the chain in our form: "cannot set up the terminal: input/output error".
        Err(e) => Err(Failure::Fatal(
            e.chain()
                .map(|c| message(&c.to_string()))
                .collect::<Vec<_>>()
                .join(": "),
        )),
    }
}

/// Commands other than `check` mention load problems once, on stderr, so pipes stay clean.
fn note_problems(catalog: &Catalog, dir: &Path) {
    let tally = Tally::of(catalog.diagnostics());
    if tally.errors > 0 {
        let dir = dir.display().to_string();
        say(&format!(
            "{} in {dir}; run `dossier check {dir}` for details",
            plural(tally.errors, "error"),
        ));
    }
}

fn check(
    out: &mut impl Write,
    dir: &Path,
    limits: Limits,
    format: CheckFormat,
) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    // The validator reads every file, whatever the index says.
    let catalog = Catalog::open(dir, limits).map_err(|e| cannot_open(dir, &e))?;
    let elapsed = started.elapsed();
    let tally = Tally::of(catalog.diagnostics());
    let counts = catalog.counts();
    if format == CheckFormat::Quickfix {
        let prefix = dir.display().to_string();
        for d in catalog.diagnostics() {
            let mut line = d
                .render(&crate::text::shown(&prefix))
                .replacen("\n  hint: ", "; ", 1);
            line = line.replace('\n', " ");
            writeln!(out, "{line}")?;
        }
    } else if format == CheckFormat::Github {
        for d in catalog.diagnostics() {
            writeln!(out, "{}", github_annotation(dir, d))?;
        }
    } else if format == CheckFormat::Json {
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
        // Only the kinds the folder has: most folders have no organisations, and "0 organizations"
        // on every run reads like something missing. `--json` keeps every count.
        let kinds: Vec<String> = Kind::ALL
            .iter()
            .filter_map(|k| match counts[*k as usize] {
                0 => None,
                1 => Some(format!("1 {}", k.name())),
                n => Some(format!("{n} {}", k.folder())),
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

/// A problem as a GitHub Actions workflow command, which the Actions runner turns into an
/// annotation on the file's line. Escaped as the runner unescapes: `%`, CR and LF everywhere,
/// and `:` and `,` in the properties, so no text from a file can end the command or add one.
fn github_annotation(dir: &Path, d: &crate::diagnostic::Diagnostic) -> String {
    use std::fmt::Write as _;
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let level = match d.severity {
        crate::diagnostic::Severity::Error => "error",
        crate::diagnostic::Severity::Warning => "warning",
    };
    let mut props = format!("file={}", property(&located(dir, &d.path)));
    if d.line > 0 {
        let _ = write!(props, ",line={},col={}", d.line, d.column.max(1));
    }
    let mut message = d.message.clone();
    if let Some(hint) = &d.hint {
        message.push_str("; ");
        message.push_str(hint);
    }
    format!("::{level} {props},title=dossier::{}", data(&message))
}

fn write_json(out: &mut impl Write, value: &impl serde::Serialize) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

fn counts_json(counts: [usize; Kind::ALL.len()]) -> Value {
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
    dir: &Path,
    kind: Option<Kind>,
    format: ListFormat,
) -> Result<(), Failure> {
    // By kind first: the records of other kinds are not read from the index.
    let records = (0..catalog.len() as RecordIdx)
        .filter(|&i| kind.is_none_or(|k| catalog.kind(i) == k))
        .map(|i| catalog.get(i));
    match format {
        ListFormat::Json => {
            let items: Vec<Value> = records
                .map(|r| {
                    let mut m = record_head(r);
                    m.insert("subtitle".into(), json!(catalog.subtitle(r)));
                    Value::Object(m)
                })
                .collect();
            return write_json(out, &items);
        }
        ListFormat::Vimgrep => {
            for r in records {
                put_line(out, &vimgrep_line(catalog, dir, r))?;
            }
            return Ok(());
        }
        ListFormat::Text => {}
    }
    let records: Vec<&Record> = records.collect();
    let width = records
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(0);
    for r in records {
        let subtitle = catalog.subtitle(r);
        let broken = if r.broken { " [broken]" } else { "" };
        let line = if subtitle.is_empty() {
            format!(
                "{:<8} {:<width$}  {}{broken}",
                r.kind.name(),
                &*r.id,
                r.name.shown()
            )
        } else {
            format!(
                "{:<8} {:<width$}  {}  ({subtitle}){broken}",
                r.kind.name(),
                &*r.id,
                r.name.shown()
            )
        };
        put_line(out, &line)?;
    }
    Ok(())
}

/// A path inside the folder as the user can open it from where they are: the folder as they
/// named it, joined in front (absolute if they named it so), as `check` prints its problems.
fn located(dir: &Path, rel: &str) -> String {
    let prefix = dir.display().to_string();
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() || prefix == "." {
        rel.to_owned()
    } else {
        format!("{prefix}/{rel}")
    }
}

/// `path:line:col:text` for one record: where its name is written, then its kind, id and name
/// (the form of `rg --vimgrep`, which vim's `:cexpr`, Telescope, fzf and VS Code's problem
/// matchers read).
fn vimgrep_line(catalog: &Catalog, dir: &Path, r: &Record) -> String {
    let pos = r
        .fields
        .iter()
        .find(|(k, _)| *k == r.name_field.key())
        .or_else(|| r.fields.first())
        .map_or(crate::model::Pos { line: 1, col: 1 }, |&(_, p)| p);
    let subtitle = catalog.subtitle(r);
    let subtitle = if subtitle.is_empty() {
        String::new()
    } else {
        format!(" ({subtitle})")
    };
    format!(
        "{}:{}:{}:{} {} {}{subtitle}",
        located(dir, &r.path),
        pos.line.max(1),
        pos.col.max(1),
        r.kind.name(),
        r.id,
        r.name.shown()
    )
}

fn show(out: &mut impl Write, catalog: &Catalog, id: &str, format: Format) -> Result<(), Failure> {
    let Some(idx) = catalog.idx(id) else {
        // The ids are at hand without the records, which may be in the index file still.
        let ids = (0..catalog.len() as RecordIdx).map(|i| catalog.id(i));
        let hint = crate::diagnostic::did_you_mean(id, ids)
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default();
        say(&format!("no record with id `{id}`{hint}"));
        return Err(Failure::Found);
    };
    let page = match format {
        Format::Text => view::Page::Record,
        Format::Claims => view::Page::Claims,
        Format::Json => return write_json(out, &record_json(catalog, idx)),
        Format::Markdown => {
            return Ok(out.write_all(crate::markdown::record(catalog, idx).as_bytes())?);
        }
        Format::Citation => {
            return Ok(put_line(out, &crate::markdown::citation(catalog, idx))?);
        }
    };
    for line in view::text(catalog, idx, page) {
        put_line(out, &line)?;
    }
    Ok(())
}

/// One line of a line-oriented output (`list`, `search`, `show`). Values from the files are
/// one line already (see `Text`); this is the last word, so that no value, whatever it holds,
/// can add a line that looks like a record.
fn put_line(out: &mut impl Write, line: &str) -> io::Result<()> {
    writeln!(out, "{}", crate::text::shown(line))
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
    let inferred: serde_json::Map<String, Value> = r
        .inferred
        .iter()
        .map(|i| (i.field.to_owned(), json!(i.reason)))
        .collect();
    put("inferred", Value::Object(inferred));
    let body = match &r.body {
        crate::model::Body::Person(p) => serde_json::to_value(p),
        crate::model::Body::Incident(i) => serde_json::to_value(i),
        crate::model::Body::Camp(c) => serde_json::to_value(c),
        crate::model::Body::Organization(o) => serde_json::to_value(o),
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
    dir: &Path,
    query: &str,
    kind: Option<Kind>,
    limit: Option<usize>,
    format: ListFormat,
) -> Result<(), Failure> {
    let (q, mut hits) = find(catalog, query, kind);
    if hits.is_empty() {
        for note in crate::search::notes(catalog, &q, &hits) {
            say(&note);
        }
    }
    if let Some(n) = limit {
        hits.truncate(n);
    }
    match format {
        ListFormat::Json => {
            let items: Vec<Value> = hits.iter().map(|h| hit_json(catalog, &q, h)).collect();
            write_json(out, &items)?;
        }
        ListFormat::Vimgrep => {
            for h in &hits {
                put_line(out, &vimgrep_line(catalog, dir, catalog.get(h.record)))?;
            }
        }
        ListFormat::Text => {
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
                put_line(
                    out,
                    &format!(
                        "{:<8} {:<width$}  {}{via}",
                        r.kind.name(),
                        &*r.id,
                        r.name.shown()
                    ),
                )?;
            }
        }
    }
    if hits.is_empty() {
        Err(Failure::Found)
    } else {
        Ok(())
    }
}

/// The query as read and the records it finds, best first; mistakes in it are said on stderr.
fn find(catalog: &Catalog, query: &str, kind: Option<Kind>) -> (Query, Vec<Hit>) {
    let mut q = Query::parse(query);
    for p in &q.problems {
        say(p);
    }
    if let Some(k) = kind {
        q.filters.push(crate::search::Filter::Kind(vec![k]));
    }
    let hits = Searcher::default().search(catalog, &q);
    (q, hits)
}

/// `dossier new KIND NAME`: write the template, open the editor at the first field to fill
/// (in a terminal, unless `--no-edit`), then check the record as `check` would. Refusals
/// (a kind that does not exist, an empty name, an id taken, a folder that cannot be written)
/// are one line and exit 2 with nothing written; problems in the record written are exit 1.
fn new_record(
    out: &mut impl Write,
    dir: &Path,
    loader: &Loader,
    kind: &str,
    name: &str,
    id: Option<&str>,
    no_edit: bool,
) -> Result<(), Failure> {
    use std::io::IsTerminal;
    let kind = Kind::parse(kind).ok_or_else(|| {
        Failure::Fatal(format!(
            "`{kind}` is not a kind; write person, incident, camp, organization or source"
        ))
    })?;
    let catalog = open(dir, loader)?;
    let taken = |id: &str| {
        catalog.by_id(id).map(|r| r.path.to_string()).or_else(|| {
            let rel = format!("{}/{id}.yaml", kind.folder());
            dir.join(&rel).exists().then_some(rel)
        })
    };
    let draft =
        crate::create::draft(kind, name, id, &taken).map_err(|e| Failure::Fatal(e.to_string()))?;
    let path = crate::create::write(dir, &draft).map_err(|e| Failure::Fatal(e.to_string()))?;
    put_line(
        out,
        &format!(
            "created {} ({kind} `{}`)",
            located(dir, &draft.rel),
            draft.id
        ),
    )?;
    let terminal = io::stdin().is_terminal() && io::stdout().is_terminal();
    if !no_edit && terminal {
        out.flush()?;
        let editor = crate::editor::resolve(None).map_err(Failure::Fatal)?;
        let file = std::path::absolute(&path).unwrap_or(path);
        let status = crate::editor::run(&editor, &file, draft.line, |_| {}).map_err(|e| {
            Failure::Fatal(format!(
                "cannot start the editor `{}`: {}; the record is written, edit {} by hand",
                editor[0],
                message(&e.to_string()),
                located(dir, &draft.rel)
            ))
        })?;
        if !status.success() {
            say(&format!("the editor `{}` exited with {status}", editor[0]));
        }
    }
    // The record's checks, in the catalog as it is now: links to other records count.
    let catalog = open(dir, loader)?;
    let own: Vec<&crate::diagnostic::Diagnostic> = catalog
        .diagnostics()
        .iter()
        .filter(|d| d.path == draft.rel)
        .collect();
    let prefix = dir.display().to_string();
    for d in &own {
        put_line_kept(out, &d.render(&crate::text::shown(&prefix)))?;
    }
    let tally = Tally::of(&own.iter().map(|d| (*d).clone()).collect::<Vec<_>>());
    put_line(
        out,
        &format!(
            "checked {}: {}, {}",
            located(dir, &draft.rel),
            plural(tally.errors, "error"),
            plural(tally.warnings, "warning")
        ),
    )?;
    if tally.errors > 0 {
        Err(Failure::Found)
    } else {
        Ok(())
    }
}

/// A diagnostic as `check` prints it: the hint on its own line.
fn put_line_kept(out: &mut impl Write, text: &str) -> io::Result<()> {
    for line in text.lines() {
        put_line(out, line)?;
    }
    Ok(())
}

/// `dossier schema`: every kind in one document, one kind, or a file per kind in a folder.
fn schema(out: &mut impl Write, kind: Option<Kind>, into: Option<&Path>) -> Result<(), Failure> {
    let Some(into) = into else {
        let value = match kind {
            Some(k) => crate::schema::for_kind(k),
            None => crate::schema::all_kinds(),
        };
        return write_json(out, &value);
    };
    let cannot = |path: &Path, e: &io::Error| {
        Failure::Fatal(format!(
            "cannot write {}: {}",
            path.display(),
            message(&e.to_string())
        ))
    };
    std::fs::create_dir_all(into).map_err(|e| cannot(into, &e))?;
    let mut files: Vec<(String, Value)> = Kind::ALL
        .iter()
        .map(|k| {
            (
                format!("{}.schema.json", k.name()),
                crate::schema::for_kind(*k),
            )
        })
        .collect();
    files.push(("dossier.schema.json".into(), crate::schema::all_kinds()));
    for (name, value) in files {
        let path = into.join(&name);
        let mut text = serde_json::to_string_pretty(&value).map_err(io::Error::from)?;
        text.push('\n');
        std::fs::write(&path, text).map_err(|e| cannot(&path, &e))?;
        put_line(out, &format!("wrote {}", path.display()))?;
    }
    Ok(())
}

/// `dossier export`: the sources a query leads to (every source without one) as references.
fn export(
    out: &mut impl Write,
    catalog: &Catalog,
    query: &str,
    format: ExportFormat,
) -> Result<(), Failure> {
    let sources: Vec<RecordIdx> = if query.trim().is_empty() {
        (0..catalog.len() as RecordIdx)
            .filter(|&i| catalog.get(i).kind == Kind::Source)
            .collect()
    } else {
        let found: Vec<RecordIdx> = find(catalog, query, None)
            .1
            .iter()
            .map(|h| h.record)
            .collect();
        crate::export::sources_of(catalog, &found)
    };
    if sources.is_empty() {
        say(&if query.trim().is_empty() {
            "no source records in the folder".to_owned()
        } else {
            format!("no source found for `{query}`")
        });
        return Err(Failure::Found);
    }
    let format = match format {
        ExportFormat::CslJson => crate::export::Format::CslJson,
        ExportFormat::Bibtex => crate::export::Format::Bibtex,
        ExportFormat::Ris => crate::export::Format::Ris,
    };
    let text = crate::export::write(catalog, &sources, format, &mut |id, key| {
        say(&format!(
            "`{id}` cannot be a BibTeX key; it is exported as `{key}`"
        ));
    });
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn hit_json(catalog: &Catalog, query: &Query, h: &Hit) -> Value {
    let r = catalog.get(h.record);
    let mut m = record_head(r);
    m.insert("score".into(), json!(h.score));
    m.insert("weak".into(), json!(h.weak));
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
    if let Some(s) = crate::search::snippet(catalog, query, h) {
        m.insert(
            "snippet".into(),
            json!({"field": s.field, "text": s.text, "positions": s.positions}),
        );
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn messages_take_our_form() {
        assert_eq!(
            message("No space left on device (os error 28)"),
            "no space left on device (os error 28)"
        );
        assert_eq!(message("I/O error."), "I/O error");
        assert_eq!(message("DOSSIER_DIR is empty"), "DOSSIER_DIR is empty");
        assert_eq!(message(""), "");
    }

    #[test]
    fn the_readme_lists_the_exit_codes_as_the_help_does() {
        let mut rows = String::new();
        for (code, meaning) in EXIT_CODES {
            let _ = writeln!(rows, "| {code} | {meaning} |");
        }
        crate::assert_readme_has(
            "exit-code table",
            &format!("| Code | Means |\n| --- | --- |\n{rows}"),
        );
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
