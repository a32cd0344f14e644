//! The config file: key bindings, the editor, the theme and colours.
//!
//! `$DOSSIER_CONFIG`, else `$XDG_CONFIG_HOME/dossier/config.toml`, else
//! `~/.config/dossier/config.toml`; `--config PATH` overrides all three. A missing file means
//! the defaults. A file with mistakes is refused whole, with every mistake that can be found
//! at once, each as `path:line:col: what is wrong; what to do` — never half applied. Only the
//! browser and `--print-config` read it; the commands for scripts do not, so a broken config
//! never breaks `dossier check` in CI.
//!
//! Only this module knows the TOML crate.

use std::borrow::Cow;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::keymap::{Command, Context, Key, Keymap, Override};
use crate::palette::{ColorError, ColorSpec, Depth, Palette, Role, ThemeName};
use crate::ui::Theme;

/// Larger than any config a person writes; a bigger file is a mistake (or not a config).
const MAX_BYTES: u64 = 1024 * 1024;

/// When to use colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorMode {
    /// Unless `NO_COLOR` is set (and not empty) or `TERM=dumb`.
    Auto,
    /// Even with `NO_COLOR`: a setting in the user's own file wins over the environment.
    Always,
    Never,
}

impl ColorMode {
    const ALL: [ColorMode; 3] = [ColorMode::Auto, ColorMode::Always, ColorMode::Never];

    pub fn name(self) -> &'static str {
        match self {
            ColorMode::Auto => "auto",
            ColorMode::Always => "always",
            ColorMode::Never => "never",
        }
    }
}

/// Whether and how the browser watches the folder for changes (live reload).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchMode {
    /// File events where the system has them, else polling.
    Auto,
    /// Polling only: for network file systems whose file events are not to be trusted.
    Poll,
    /// No watching: changes show after `e` or a restart (a very large tree over a slow link).
    Off,
}

impl WatchMode {
    const ALL: [WatchMode; 3] = [WatchMode::Auto, WatchMode::Poll, WatchMode::Off];

    pub fn name(self) -> &'static str {
        match self {
            WatchMode::Auto => "auto",
            WatchMode::Poll => "poll",
            WatchMode::Off => "off",
        }
    }
}

/// The configuration in effect: the defaults with the user's file applied.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file that was read; `None` when there was none.
    pub path: Option<PathBuf>,
    /// The editor command line, as written (split into words when it is run).
    pub editor: Option<String>,
    pub theme: ThemeName,
    pub color: ColorMode,
    /// The theme's colours with the user's `[colors]` over them.
    pub palette: Palette,
    pub keymap: Keymap,
    /// Live reload: `watch = "auto" | "poll" | "off"`.
    pub watch: WatchMode,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            editor: None,
            theme: ThemeName::Dark,
            color: ColorMode::Auto,
            palette: Palette::builtin(ThemeName::Dark),
            keymap: Keymap::default(),
            watch: WatchMode::Auto,
        }
    }
}

/// What the environment says about the terminal's colours.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Env {
    /// `NO_COLOR` is set and not empty (<https://no-color.org>).
    pub no_color: bool,
    pub term: Option<String>,
    pub colorterm: Option<String>,
}

impl Env {
    pub fn from_process() -> Env {
        let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
        Env {
            no_color: var("NO_COLOR").is_some(),
            term: var("TERM"),
            colorterm: var("COLORTERM"),
        }
    }
}

impl Config {
    /// Whether to draw in colour here.
    pub fn color_enabled(&self, env: &Env) -> bool {
        match self.color {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => !env.no_color && env.term.as_deref() != Some("dumb"),
        }
    }

    /// The palette resolved for the terminal the environment describes.
    pub fn theme_for(&self, env: &Env) -> Theme {
        Theme::resolve(
            &self.palette,
            self.color_enabled(env),
            Depth::detect(env.term.as_deref(), env.colorterm.as_deref()),
        )
    }
}

/// Where the config file is, and whether it has to be there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// Named by `--config` or `$DOSSIER_CONFIG`: a missing file is an error, not the defaults.
    pub required: bool,
}

/// Find the config file: `--config`, else `$DOSSIER_CONFIG`, else `$XDG_CONFIG_HOME` (when it
/// is absolute, as the XDG spec asks), else `$HOME/.config`. `None` when there is no home.
pub fn locate(explicit: Option<&Path>, var: impl Fn(&str) -> Option<OsString>) -> Option<Location> {
    let var = |name| var(name).filter(|v| !v.is_empty());
    if let Some(path) = explicit
        .map(Path::to_path_buf)
        .or_else(|| var("DOSSIER_CONFIG").map(PathBuf::from))
    {
        return Some(Location {
            path,
            required: true,
        });
    }
    let base = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(Location {
        path: base.join("dossier").join("config.toml"),
        required: false,
    })
}

/// One mistake in the config file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based; 0 when the mistake is the file as a whole (it cannot be read).
    pub line: u32,
    pub col: u32,
    pub what: String,
    pub todo: String,
}

/// Why the config was refused: the first [`MAX_LISTED`] mistakes found, in the order of the
/// file, and how many more there are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub problems: Vec<Problem>,
    /// Mistakes found after the first [`MAX_LISTED`], counted but not listed.
    pub more: usize,
}

/// Mistakes listed in full; a file with more is not a config a person wrote, and a million
/// lines of messages would bury the first one, which is the one to fix.
pub const MAX_LISTED: usize = 100;

impl ConfigError {
    fn whole(path: &Path, what: String, todo: impl Into<String>) -> ConfigError {
        ConfigError {
            path: path.to_owned(),
            problems: vec![Problem {
                line: 0,
                col: 0,
                what,
                todo: todo.into(),
            }],
            more: 0,
        }
    }

    /// One line per mistake, `path:line:col: what is wrong; what to do`, made terminal-safe
    /// (they quote the file). The caller puts `dossier: ` in front.
    pub fn lines(&self) -> Vec<String> {
        let path = self.path.display().to_string();
        self.problems
            .iter()
            .map(|p| {
                let at = if p.line == 0 {
                    path.clone()
                } else {
                    format!("{path}:{}:{}", p.line, p.col)
                };
                crate::text::shown(&format!("{at}: {}; {}", p.what, p.todo)).into_owned()
            })
            .chain((self.more > 0).then(|| {
                let s = if self.more == 1 { "" } else { "s" };
                format!(
                    "{}: and {} more mistake{s}, not listed; fix the ones above first",
                    crate::text::shown(&path),
                    self.more
                )
            }))
            .collect()
    }
}

/// Read the config at `location`; the defaults where there is no file to read.
pub fn load(location: Option<&Location>) -> Result<Config, ConfigError> {
    use std::io::Read as _;
    let Some(Location { path, required }) = location else {
        return Ok(Config::default());
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
            return Ok(Config::default());
        }
        Err(e) => {
            return Err(ConfigError::whole(
                path,
                format!("cannot read the config file ({e})"),
                "check the path given by --config or $DOSSIER_CONFIG",
            ));
        }
    };
    if !meta.is_file() {
        return Err(ConfigError::whole(
            path,
            "the config path is not a file".into(),
            "point --config or $DOSSIER_CONFIG at a TOML file",
        ));
    }
    let mut bytes = Vec::new();
    let read =
        std::fs::File::open(path).and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return Err(ConfigError::whole(
            path,
            format!("cannot read the config file ({e})"),
            "check its permissions",
        ));
    }
    if bytes.len() as u64 > MAX_BYTES {
        return Err(ConfigError::whole(
            path,
            "the config file is larger than 1 MiB".into(),
            "point --config or $DOSSIER_CONFIG at dossier's config.toml",
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let text = String::from_utf8_lossy(good);
            let (line, col) = line_col(&text, text.len());
            return Err(ConfigError {
                path: path.clone(),
                problems: vec![Problem {
                    line,
                    col,
                    what: "the config file is not UTF-8 text".into(),
                    todo: "save it as UTF-8".into(),
                }],
                more: 0,
            });
        }
    };
    parse(path, &text)
}

/// A value as the TOML parser gives it, with its place in the text.
type Value<'i> = Spanned<DeValue<'i>>;

const FIELDS: [&str; 6] = ["editor", "theme", "color", "colors", "keys", "watch"];

/// Read a config from its text; `path` is for the messages. The parsed document is walked by
/// hand rather than through serde, so that one run reports every mistake, each at its place,
/// instead of stopping at the first.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let mut problems = Problems::new(text);
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        // What the parser recovered is a guess; checking it would report mistakes that are not
        // in the file. Every syntax error is reported; the rest once they are fixed.
        for e in &errors {
            problems.syntax(e);
        }
        return Err(problems.into_error(path));
    }
    let mut config = Config {
        path: Some(path.to_owned()),
        ..Config::default()
    };
    let mut colors = None;
    let mut keys = None;
    for (field, value) in by_place(doc.get_ref()) {
        match field.get_ref().as_ref() {
            "editor" => {
                let Some(editor) = problems.string("`editor`", value) else {
                    continue;
                };
                match shell_words::split(editor) {
                    Ok(words) if words.is_empty() => problems.at(
                        value.span(),
                        "`editor` is empty",
                        "name a program, like editor = \"nvim\", or remove the line to use $VISUAL or $EDITOR",
                    ),
                    Ok(_) => config.editor = Some(editor.to_owned()),
                    Err(e) => problems.at(
                        value.span(),
                        format!("`editor` cannot be split into words ({e})"),
                        "check its quotes: it is split as a shell would, but never run by one",
                    ),
                }
            }
            "theme" => {
                let Some(name) = problems.string("`theme`", value) else {
                    continue;
                };
                match ThemeName::parse(name) {
                    Some(t) => {
                        config.theme = t;
                        config.palette = Palette::builtin(t);
                    }
                    None => problems.at(
                        value.span(),
                        format!("unknown theme `{name}`"),
                        one_of(name, ThemeName::ALL.map(ThemeName::name)),
                    ),
                }
            }
            "color" => {
                let Some(name) = problems.string("`color`", value) else {
                    continue;
                };
                match ColorMode::ALL.into_iter().find(|m| m.name() == name) {
                    Some(m) => config.color = m,
                    None => problems.at(
                        value.span(),
                        format!("`color` cannot be `{name}`"),
                        one_of(name, ColorMode::ALL.map(ColorMode::name)),
                    ),
                }
            }
            "watch" => {
                let Some(name) = problems.string("`watch`", value) else {
                    continue;
                };
                match WatchMode::ALL.into_iter().find(|m| m.name() == name) {
                    Some(m) => config.watch = m,
                    None => problems.at(
                        value.span(),
                        format!("`watch` cannot be `{name}`"),
                        one_of(name, WatchMode::ALL.map(WatchMode::name)),
                    ),
                }
            }
            "colors" => colors = problems.table("colors", value),
            "keys" => keys = problems.table("keys", value),
            other => problems.at(
                field.span(),
                format!("unknown field `{other}`"),
                one_of(other, FIELDS),
            ),
        }
    }
    // After the theme, wherever the file sets it: the roles override the theme's colours.
    if let Some(colors) = colors {
        read_colors(&mut problems, colors, &mut config.palette);
    }
    let overrides = keys
        .map(|k| read_keys(&mut problems, k))
        .unwrap_or_default();
    if !problems.list.is_empty() {
        return Err(problems.into_error(path));
    }
    config.keymap = Keymap::with_overrides(&overrides);
    Ok(config)
}

/// `[colors]`: a role and a colour per line.
fn read_colors(problems: &mut Problems<'_>, colors: &DeTable<'_>, palette: &mut Palette) {
    for (role, value) in by_place(colors) {
        let Some(r) = Role::parse(role.get_ref()) else {
            problems.at(
                role.span(),
                format!("unknown colour role `{}`", role.get_ref()),
                one_of(role.get_ref(), Role::ALL.map(Role::name)),
            );
            continue;
        };
        let spec = match value.get_ref() {
            DeValue::String(s) => ColorSpec::parse(s),
            DeValue::Integer(n) => i64::from_str_radix(n.as_str(), n.radix())
                .map_err(|_| ColorError::OutOfRange(n.to_string()))
                .and_then(ColorSpec::index),
            other => {
                problems.at(
                    value.span(),
                    format!("a colour cannot be {}", kind(other)),
                    "use a colour name, \"#rrggbb\", a number 0-255, or \"default\"",
                );
                continue;
            }
        };
        match spec {
            Ok(spec) => palette.set(r, spec),
            Err(why) => problems.at(value.span(), why.to_string(), why.todo()),
        }
    }
}

/// `[keys.<context>]`: a key and a command name per line.
fn read_keys(problems: &mut Problems<'_>, keys: &DeTable<'_>) -> Vec<Override> {
    let mut overrides = Vec::new();
    for (context, table) in by_place(keys) {
        let Some(ctx) = Context::parse(context.get_ref()) else {
            let todo = if context.get_ref() == "list" {
                // The list and the search box became one, where letters are text.
                "the list and the search box are one now: write [keys.search] for ctrl-, alt- and function keys, [keys.detail] for letters".to_owned()
            } else {
                one_of(context.get_ref(), Context::ALL.map(Context::name))
            };
            problems.at(
                context.span(),
                format!("unknown key context `{}`", context.get_ref()),
                todo,
            );
            continue;
        };
        let Some(table) = problems.table(&format!("keys.{}", ctx.name()), table) else {
            continue;
        };
        let mut seen: Vec<(Key, &Spanned<Cow<'_, str>>)> = Vec::new();
        for (key, command) in by_place(table) {
            let k = match Key::parse(key.get_ref()) {
                Ok(k) => k,
                Err(why) => {
                    problems.at(key.span(), format!("`{}` {why}", key.get_ref()), why.todo());
                    continue;
                }
            };
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == k) {
                let line = problems.line_of(first.span().start);
                problems.at(
                    key.span(),
                    format!(
                        "`{}` is the same key as `{}` on line {line}",
                        key.get_ref(),
                        first.get_ref()
                    ),
                    "keep one of them",
                );
                continue;
            }
            seen.push((k, key));
            if ctx.typing() && k.is_text() {
                problems.at(
                    key.span(),
                    format!("`{}` types text in [keys.{}]", key.get_ref(), ctx.name()),
                    "where text is typed only ctrl-, alt- and function keys can be commands; bind letters under [keys.detail]",
                );
                continue;
            }
            if let Some(o) = read_command(problems, ctx, key, k, command) {
                overrides.push(o);
            }
        }
    }
    overrides
}

/// The command bound to `key` in `ctx`: a known command that does something there, or "none".
fn read_command(
    problems: &mut Problems<'_>,
    ctx: Context,
    key: &Spanned<Cow<'_, str>>,
    k: Key,
    command: &Value<'_>,
) -> Option<Override> {
    let what = format!("the command for {}", key.get_ref());
    let name = problems.string(&what, command)?;
    // Ctrl-C is the way out that works in every context (the README promises it): a
    // config that takes it away could leave no key that quits.
    if Key::parse("ctrl-c").is_ok_and(|c| c == k) && name != "quit" {
        problems.at(
            command.span(),
            format!(
                "`{}` always quits, from anywhere; it cannot be `{name}`",
                key.get_ref()
            ),
            "bind another key; `q` can be unbound or moved, ctrl-c stays",
        );
        return None;
    }
    if name == "none" {
        return Some(Override {
            context: ctx,
            key: k,
            command: None,
        });
    }
    let Some(cmd) = Command::parse(name) else {
        let names = Command::ALL.iter().map(|c| c.name());
        let todo = match crate::diagnostic::did_you_mean(name, names) {
            Some(near) => format!(
                "did you mean `{near}`? The README lists every command; \"none\" unbinds the key"
            ),
            None => "the README lists every command; \"none\" unbinds the key".into(),
        };
        problems.at(command.span(), format!("unknown command `{name}`"), todo);
        return None;
    };
    let contexts = cmd.contexts();
    if !contexts.contains(&ctx) {
        let places: Vec<String> = contexts
            .iter()
            .map(|c| format!("[keys.{}]", c.name()))
            .collect();
        problems.at(
            command.span(),
            format!("`{name}` does nothing in [keys.{}]", ctx.name()),
            format!("bind it under {}", places.join(" or ")),
        );
        return None;
    }
    Some(Override {
        context: ctx,
        key: k,
        command: Some(cmd),
    })
}

/// What kind of value it is, in words, for "should be text, not ...".
fn kind(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "text",
        DeValue::Integer(_) => "a number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

/// A table's entries in the order the file writes them (the table itself is sorted by name).
fn by_place<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t Spanned<Cow<'i, str>>, &'t Value<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

/// "use one of a, b, c", with the nearest first when it looks like a typo.
fn one_of<const N: usize>(word: &str, names: [&'static str; N]) -> String {
    let list = names.join(", ");
    match crate::diagnostic::did_you_mean(word, names) {
        Some(near) => format!("did you mean `{near}`? (one of {list})"),
        None => format!("use one of {list}"),
    }
}

/// Mistakes found so far, at byte offsets into the text; lines and columns are worked out once,
/// at the end, in one pass over the text (per mistake, it was a scan of the file each: 12 s for
/// 100,000 mistakes).
struct Problems<'a> {
    text: &'a str,
    list: Vec<(usize, Problem)>,
    /// Where each line starts, built on first use.
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Problems<'a> {
    fn new(text: &'a str) -> Self {
        Problems {
            text,
            list: Vec::new(),
            line_starts: std::cell::OnceCell::new(),
        }
    }

    fn at(&mut self, span: Range<usize>, what: impl Into<String>, todo: impl Into<String>) {
        self.list.push((
            span.start,
            Problem {
                line: 0,
                col: 0,
                what: what.into(),
                todo: todo.into(),
            },
        ));
    }

    /// The 1-based line of a byte offset.
    fn line_of(&self, offset: usize) -> u32 {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= offset);
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    /// The value as text, or a mistake; `name` says what the value is for.
    fn string<'v>(&mut self, name: &str, value: &'v Value<'_>) -> Option<&'v str> {
        match value.get_ref() {
            DeValue::String(s) => Some(s),
            other => {
                self.at(
                    value.span(),
                    format!("{name} should be text, not {}", kind(other)),
                    "write it in quotes",
                );
                None
            }
        }
    }

    /// The value as a table, or a mistake.
    fn table<'v, 'i>(&mut self, name: &str, value: &'v Value<'i>) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.at(
                    value.span(),
                    format!("`{name}` should be a table, not {}", kind(other)),
                    format!("write it as a [{name}] section"),
                );
                None
            }
        }
    }

    /// A syntax error from the TOML parser, in the same words as the others.
    fn syntax(&mut self, e: &toml::de::Error) {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().replace('\n', "; ");
        self.at(
            span,
            format!("invalid TOML: {message}"),
            "fix the syntax here",
        );
    }

    fn into_error(mut self, path: &Path) -> ConfigError {
        self.list.sort_by_key(|(at, _)| *at);
        let more = self.list.len().saturating_sub(MAX_LISTED);
        self.list.truncate(MAX_LISTED);
        // In file order, each position is counted on from the one before: one pass in all.
        let mut problems = Vec::with_capacity(self.list.len());
        let (mut offset, mut line, mut col) = (0, 1u32, 1u32);
        for (at, mut p) in self.list {
            let at = floor_char_boundary(self.text, at);
            for c in self.text[offset..at].chars() {
                if c == '\n' {
                    line = line.saturating_add(1);
                    col = 1;
                } else {
                    col = col.saturating_add(1);
                }
            }
            offset = at;
            (p.line, p.col) = (line, col);
            problems.push(p);
        }
        ConfigError {
            path: path.to_owned(),
            problems,
            more,
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[start..].chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

/// The offset itself if it is in the text and at the start of a character, else the start of
/// the character it falls in.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A TOML key: bare where TOML allows it, quoted otherwise.
fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        key.to_owned()
    } else {
        toml_string(key)
    }
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// `line` padded so the comments after it line up.
fn with_comment(out: &mut String, line: &str, comment: &str) {
    let _ = writeln!(out, "{line:<27} # {comment}");
}

impl Config {
    /// The configuration in effect as a config file: every setting, every colour and every key
    /// of every context. Saved as config.toml and read back, it gives the same configuration
    /// (and prints the same text).
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        let from = match &self.path {
            Some(p) => format!(
                "the defaults with {} applied",
                crate::text::shown(&p.display().to_string())
            ),
            None => "the defaults (no config file was found)".to_owned(),
        };
        let _ = writeln!(out, "# dossier's configuration in effect: {from}.");
        out.push_str(
            "# Save it as config.toml to start your own; a setting left out keeps its default.\n\n",
        );
        match &self.editor {
            Some(e) => {
                with_comment(
                    &mut out,
                    &format!("editor = {}", toml_string(e)),
                    "split like a shell would, never run by one",
                );
            }
            None => out.push_str(
                "# editor = \"nvim\"              # not set: $VISUAL, else $EDITOR, else vi\n",
            ),
        }
        with_comment(
            &mut out,
            &format!("theme = {}", toml_string(self.theme.name())),
            "dark | light",
        );
        with_comment(
            &mut out,
            &format!("color = {}", toml_string(self.color.name())),
            "auto | always | never",
        );
        with_comment(
            &mut out,
            &format!("watch = {}", toml_string(self.watch.name())),
            "auto | poll | off: live reload",
        );
        out.push_str("\n# A colour name, \"#rrggbb\", a number 0-255, or \"default\".\n[colors]\n");
        for role in Role::ALL {
            with_comment(
                &mut out,
                &format!("{} = {}", role.name(), self.palette.get(role).to_toml()),
                role.about(),
            );
        }
        for context in Context::ALL {
            let _ = write!(out, "\n[keys.{}]\n", context.name());
            for row in self.keymap.rows().filter(|r| r.context == context) {
                for key in &row.keys {
                    with_comment(
                        &mut out,
                        &format!(
                            "{} = {}",
                            toml_key(&key.name()),
                            toml_string(row.command.name())
                        ),
                        row.help,
                    );
                }
            }
            for key in self.keymap.unbound(context) {
                with_comment(
                    &mut out,
                    &format!("{} = \"none\"", toml_key(&key.name())),
                    "unbound",
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        match parse(Path::new("c.toml"), text) {
            Ok(_) => Vec::new(),
            Err(e) => e.lines(),
        }
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        let c = parse(Path::new("c.toml"), "").unwrap();
        assert_eq!(c.theme, ThemeName::Dark);
        assert_eq!(c.palette, Palette::builtin(ThemeName::Dark));
        assert_eq!(c.editor, None);
    }

    #[test]
    fn every_mistake_is_reported_at_its_place() {
        let text = "theme = \"drak\"\n[colors]\nheading = \"yelow\"\n[keys.detail]\nctrl- = \"down\"\nx = \"dwon\"\ny = \"kind-person\"\n[keys.search]\ny = \"down\"\n[keys.list]\nctrl-x = \"down\"\n";
        assert_eq!(
            problems(text),
            [
                "c.toml:1:9: unknown theme `drak`; did you mean `dark`? (one of dark, light)",
                "c.toml:3:11: `yelow` is not a colour; did you mean `yellow`? use a colour name (black, red, green, yellow, blue, magenta, cyan, gray, dark-gray, light-red ... white), \"#rrggbb\", a number 0-255, or \"default\"",
                "c.toml:5:1: `ctrl-` has no key after the modifier; keys are written like `j`, `G`, `?`, `ctrl-d`, `alt-left`, `shift-tab`, `f1`, `space`, `enter`",
                "c.toml:6:5: unknown command `dwon`; did you mean `down`? The README lists every command; \"none\" unbinds the key",
                "c.toml:7:5: `kind-person` does nothing in [keys.detail]; bind it under [keys.search]",
                "c.toml:9:1: `y` types text in [keys.search]; where text is typed only ctrl-, alt- and function keys can be commands; bind letters under [keys.detail]",
                "c.toml:10:7: unknown key context `list`; the list and the search box are one now: write [keys.search] for ctrl-, alt- and function keys, [keys.detail] for letters",
            ]
        );
    }

    #[test]
    fn unknown_fields_and_syntax_errors_point_at_the_spot() {
        assert_eq!(
            problems("theme = \"dark\"\ncolour = \"never\"\n"),
            [
                "c.toml:2:1: unknown field `colour`; did you mean `color`? (one of editor, theme, color, colors, keys, watch)"
            ]
        );
        // Every syntax error at once.
        assert_eq!(
            problems("theme = dark\n[keys.detail\n"),
            [
                "c.toml:1:9: invalid TOML: string values must be quoted, expected literal string; fix the syntax here",
                "c.toml:2:13: invalid TOML: unclosed table, expected `]`; fix the syntax here",
            ]
        );
        assert_eq!(
            problems("[keys.detial]\nj = \"down\"\n"),
            [
                "c.toml:1:7: unknown key context `detial`; did you mean `detail`? (one of global, search, detail, help, viewer, diagnostics, choose)"
            ]
        );
        assert_eq!(
            problems("[keys.detail]\nj = 3\n"),
            ["c.toml:2:5: the command for j should be text, not a number; write it in quotes"]
        );
    }

    #[test]
    fn mistakes_of_shape_do_not_hide_the_others() {
        assert_eq!(
            problems(
                "colour = 1\ntheme = 3\n[colors]\nheading = true\n[keys]\ndetail = 3\n[keys.search]\nctrl-x = \"open\"\n"
            ),
            [
                "c.toml:1:1: unknown field `colour`; did you mean `color`? (one of editor, theme, color, colors, keys, watch)",
                "c.toml:2:9: `theme` should be text, not a number; write it in quotes",
                "c.toml:4:11: a colour cannot be true or false; use a colour name, \"#rrggbb\", a number 0-255, or \"default\"",
                "c.toml:6:10: `keys.detail` should be a table, not a number; write it as a [keys.detail] section",
                "c.toml:8:10: `open` does nothing in [keys.search]; bind it under [keys.detail] or [keys.choose]",
            ]
        );
    }

    #[test]
    fn the_same_key_twice_is_a_mistake() {
        assert_eq!(
            problems("[keys.search]\nctrl-j = \"down\"\nCtrl-J = \"up\"\n"),
            ["c.toml:3:1: `Ctrl-J` is the same key as `ctrl-j` on line 2; keep one of them"]
        );
    }

    #[test]
    fn mistakes_on_one_line_each_have_their_column_and_the_list_stops_at_a_hundred() {
        let lines = problems("colors = { \"ü\" = 1, y = 2 }\n");
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with("c.toml:1:12: unknown colour role `ü`"),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with("c.toml:1:21: unknown colour role `y`"),
            "{lines:?}"
        );
        let text = (0..150).fold(String::new(), |mut s, i| {
            let _ = writeln!(s, "x{i} = 1");
            s
        });
        let lines = problems(&text);
        assert_eq!(lines.len(), MAX_LISTED + 1);
        assert!(lines[99].starts_with("c.toml:100:1: unknown field `x99`"));
        assert_eq!(
            lines[100],
            "c.toml: and 50 more mistakes, not listed; fix the ones above first"
        );
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(
            problems("# ü\n[colors]\n\"ü\" = \"red\"\n"),
            [
                "c.toml:3:1: unknown colour role `ü`; use one of title, heading, label, link, broken, dim, matched, selected-bg, selected-fg, border, key, error, warning, highlight, person, incident, camp, organization, source"
            ]
        );
        assert_eq!(line_col("a\nüb", 4), (2, 2));
        assert_eq!(line_col("a\nüb", 5), (2, 3));
    }

    #[test]
    fn the_editor_must_split_into_words() {
        assert_eq!(
            problems("editor = \"code 'unclosed\"\n"),
            [
                "c.toml:1:10: `editor` cannot be split into words (missing closing quote); check its quotes: it is split as a shell would, but never run by one"
            ]
        );
        let c = parse(Path::new("c.toml"), "editor = \"code -w\"").unwrap();
        assert_eq!(c.editor.as_deref(), Some("code -w"));
    }

    #[test]
    fn printed_config_reads_back_the_same() {
        let text = "editor = \"nvim -u NONE\"\ntheme = \"light\"\ncolor = \"never\"\n[colors]\nheading = \"#d7875f\"\nlink = 208\n[keys.detail]\nx = \"down\"\ne = \"none\"\nE = \"edit\"\n\"?\" = \"none\"\n[keys.viewer]\nctrl-q = \"quit\"\n";
        let first = parse(Path::new("c.toml"), text).unwrap();
        let printed = first.to_toml();
        let second = parse(Path::new("c.toml"), &printed).unwrap();
        assert_eq!(second.to_toml(), printed);
        assert_eq!(second.palette, first.palette);
        assert_eq!(second.editor, first.editor);
        assert!(printed.contains("heading = \"#d7875f\""), "{printed}");
        assert!(printed.contains("link = 208"), "{printed}");
        assert!(printed.contains("\ne = \"none\""), "{printed}");
        // The defaults print and read back too.
        let defaults = Config::default().to_toml();
        let back = parse(Path::new("c.toml"), &defaults).unwrap();
        assert_eq!(back.palette, Palette::builtin(ThemeName::Dark));
        assert!(back.keymap.unbound(Context::Detail).is_empty());
    }

    /// Issue 17, item 22: live reload can be turned off (a very large tree over a slow link) or
    /// made to poll (a network file system whose events are not to be trusted).
    #[test]
    fn watch_is_auto_poll_or_off() {
        assert_eq!(Config::default().watch, WatchMode::Auto);
        for mode in WatchMode::ALL {
            let text = format!("watch = \"{}\"\n", mode.name());
            let c = parse(Path::new("c.toml"), &text).unwrap();
            assert_eq!(c.watch, mode);
            assert!(
                c.to_toml()
                    .contains(&format!("\nwatch = \"{}\"", mode.name()))
            );
        }
        assert_eq!(
            problems("watch = \"of\"\n"),
            ["c.toml:1:9: `watch` cannot be `of`; did you mean `off`? (one of auto, poll, off)"]
        );
    }

    #[test]
    fn the_readme_example_is_a_valid_config() {
        let readme = include_str!("../README.md");
        let section = &readme[readme.find("## Configuration").unwrap()..];
        let start = section.find("```toml\n").unwrap() + 8;
        let example = &section[start..start + section[start..].find("```").unwrap()];
        let c = parse(Path::new("README.md"), example)
            .unwrap_or_else(|e| panic!("{}", e.lines().join("\n")));
        assert_eq!(c.theme, ThemeName::Light);
        assert_eq!(c.editor.as_deref(), Some("nvim -u NONE"));
        assert_eq!(c.watch, WatchMode::Auto);
        assert!(
            c.keymap
                .unbound(Context::Detail)
                .contains(&Key::parse("e").unwrap())
        );
    }

    #[test]
    fn where_the_file_is() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        let at = |explicit: Option<&str>, pairs| {
            locate(explicit.map(Path::new), env(pairs)).map(|l| (l.path, l.required))
        };
        let home = &[("HOME", "/home/u")];
        assert_eq!(
            at(None, home),
            Some(("/home/u/.config/dossier/config.toml".into(), false))
        );
        assert_eq!(
            at(None, &[("HOME", "/home/u"), ("XDG_CONFIG_HOME", "/x")]),
            Some(("/x/dossier/config.toml".into(), false))
        );
        // A relative XDG_CONFIG_HOME is ignored, as the spec says.
        assert_eq!(
            at(None, &[("HOME", "/home/u"), ("XDG_CONFIG_HOME", "rel")]),
            Some(("/home/u/.config/dossier/config.toml".into(), false))
        );
        assert_eq!(
            at(None, &[("HOME", "/home/u"), ("DOSSIER_CONFIG", "/d.toml")]),
            Some(("/d.toml".into(), true))
        );
        assert_eq!(
            at(Some("/c.toml"), &[("DOSSIER_CONFIG", "/d.toml")]),
            Some(("/c.toml".into(), true))
        );
        assert_eq!(at(None, &[]), None);
    }

    #[test]
    fn colour_follows_no_color_unless_the_file_says() {
        let env = |no_color, term: &str| Env {
            no_color,
            term: Some(term.to_owned()),
            colorterm: None,
        };
        let mut c = Config::default();
        assert!(c.color_enabled(&env(false, "xterm")));
        assert!(!c.color_enabled(&env(true, "xterm")));
        assert!(!c.color_enabled(&env(false, "dumb")));
        c.color = ColorMode::Always;
        assert!(c.color_enabled(&env(true, "xterm")));
        c.color = ColorMode::Never;
        assert!(!c.color_enabled(&env(false, "xterm")));
    }
}
