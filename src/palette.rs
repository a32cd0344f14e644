//! Colours by meaning, as the config file writes them, and the two built-in themes.
//!
//! A `Palette` says which colour each role gets (a heading, a link, the selection): a name,
//! `#rrggbb`, a number of the 256-colour palette or the terminal's default. `ColorSpec::resolve`
//! turns one into what the terminal at hand can show: `#rrggbb` becomes the nearest of the 256
//! or of the 16 colours where the terminal has no more. The config file reads palettes; the
//! screen's `ui::Theme` resolves one; neither depends on the other. The built-in themes use
//! only the 16 named colours, so they look as meant everywhere, `TERM=screen` included.

use std::fmt;

use ratatui::style::Color;

/// What a colour is for. The names are the keys of the config file's `[colors]` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Title,
    Heading,
    Label,
    Link,
    Broken,
    Dim,
    Matched,
    SelectedBg,
    SelectedFg,
    Border,
    Key,
    Error,
    Warning,
    Highlight,
    Person,
    Incident,
    Camp,
    Organization,
    Source,
}

impl Role {
    pub const ALL: [Role; 19] = [
        Role::Title,
        Role::Heading,
        Role::Label,
        Role::Link,
        Role::Broken,
        Role::Dim,
        Role::Matched,
        Role::SelectedBg,
        Role::SelectedFg,
        Role::Border,
        Role::Key,
        Role::Error,
        Role::Warning,
        Role::Highlight,
        Role::Person,
        Role::Incident,
        Role::Camp,
        Role::Organization,
        Role::Source,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Heading => "heading",
            Role::Label => "label",
            Role::Link => "link",
            Role::Broken => "broken",
            Role::Dim => "dim",
            Role::Matched => "matched",
            Role::SelectedBg => "selected-bg",
            Role::SelectedFg => "selected-fg",
            Role::Border => "border",
            Role::Key => "key",
            Role::Error => "error",
            Role::Warning => "warning",
            Role::Highlight => "highlight",
            Role::Person => "person",
            Role::Incident => "incident",
            Role::Camp => "camp",
            Role::Organization => "organization",
            Role::Source => "source",
        }
    }

    /// What the role colours, for the README and the comments of `--print-config`.
    pub fn about(self) -> &'static str {
        match self {
            Role::Title => "a record's name at the top of the detail pane",
            Role::Heading => "section headings in the detail pane and the help",
            Role::Label => "field names in the detail pane",
            Role::Link => "links to other records",
            Role::Broken => "links to records that do not exist",
            Role::Dim => "secondary text, unfocused borders",
            Role::Matched => "the letters a search matched",
            Role::SelectedBg => "the selected line's background",
            Role::SelectedFg => "the selected line's text",
            Role::Border => "the focused pane's border",
            Role::Key => "keys in hints and help",
            Role::Error => "errors",
            Role::Warning => "warnings and messages",
            Role::Highlight => "the lines the viewer jumped to",
            Role::Person => "the P of people",
            Role::Incident => "the I of incidents",
            Role::Camp => "the C of camps",
            Role::Organization => "the O of organisations",
            Role::Source => "the S of sources",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == s)
    }
}

/// The 16 named colours, by their number (0-15) in the terminal's palette.
const NAMES: [&str; 16] = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "dark-gray",
    "light-red",
    "light-green",
    "light-yellow",
    "light-blue",
    "light-magenta",
    "light-cyan",
    "white",
];

/// The same colours as other programs and terminal settings name them.
const ALIASES: [(&str, u8); 11] = [
    ("grey", 7),
    ("dark-grey", 8),
    ("bright-black", 8),
    ("bright-red", 9),
    ("bright-green", 10),
    ("bright-yellow", 11),
    ("bright-blue", 12),
    ("bright-magenta", 13),
    ("bright-cyan", 14),
    ("bright-white", 15),
    ("light-gray", 7),
];

/// xterm's default values for the 16 colours, the first entries of the 256-colour palette.
pub(crate) const ANSI_RGB: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

/// What colours can be written as, for every message about one.
pub const COLOR_FORMS: &str = "use a colour name (black, red, green, yellow, blue, magenta, cyan, gray, dark-gray, light-red ... white), \"#rrggbb\", a number 0-255, or \"default\"";

/// A colour as the config file writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorSpec {
    /// The terminal's own foreground or background.
    Default,
    /// One of the 16 named colours (0-15).
    Named(u8),
    /// A number in the 256-colour palette.
    Index(u8),
    Rgb(u8, u8, u8),
}

/// Why a colour could not be read. `Display` says what is wrong; `todo` how to write it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColorError {
    /// `#` with other than six hex digits.
    Hex(String),
    /// Not a name, a number or `#rrggbb`; with the nearest name when it looks like a typo.
    Unknown {
        written: String,
        near: Option<&'static str>,
    },
    /// A number outside the 256-colour palette.
    OutOfRange(String),
}

impl ColorError {
    pub fn todo(&self) -> String {
        match self {
            ColorError::Hex(_) => "write six hex digits, like \"#d7875f\"".to_owned(),
            ColorError::Unknown {
                near: Some(near), ..
            } => format!("did you mean `{near}`? {COLOR_FORMS}"),
            ColorError::Unknown { near: None, .. } => COLOR_FORMS.to_owned(),
            ColorError::OutOfRange(_) => "numbers go from 0 to 255".to_owned(),
        }
    }
}

impl fmt::Display for ColorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColorError::Hex(s) | ColorError::Unknown { written: s, .. } => {
                write!(f, "`{s}` is not a colour")
            }
            ColorError::OutOfRange(n) => write!(f, "{n} is not a colour number"),
        }
    }
}

impl ColorSpec {
    /// Read a colour written as text: a name, `#rrggbb`, `default`, or a number.
    pub fn parse(s: &str) -> Result<ColorSpec, ColorError> {
        let lower = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        if lower == "default" || lower == "reset" {
            return Ok(ColorSpec::Default);
        }
        if let Some(n) = NAMES.iter().position(|n| *n == lower) {
            return Ok(ColorSpec::Named(n as u8));
        }
        if let Some((_, n)) = ALIASES.iter().find(|(a, _)| *a == lower) {
            return Ok(ColorSpec::Named(*n));
        }
        if let Some(hex) = lower.strip_prefix('#') {
            let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
            return match (hex.len(), byte(0), byte(2), byte(4)) {
                (6, Some(r), Some(g), Some(b)) => Ok(ColorSpec::Rgb(r, g, b)),
                _ => Err(ColorError::Hex(s.to_owned())),
            };
        }
        if lower.bytes().all(|b| b.is_ascii_digit()) && !lower.is_empty() {
            return lower
                .parse::<i64>()
                .map_err(|_| ColorError::OutOfRange(s.to_owned()))
                .and_then(ColorSpec::index);
        }
        let known = NAMES
            .iter()
            .chain(ALIASES.iter().map(|(a, _)| a))
            .copied()
            .chain(["default"]);
        Err(ColorError::Unknown {
            written: s.to_owned(),
            near: crate::diagnostic::did_you_mean(&lower, known),
        })
    }

    /// A colour written as a number: an entry of the 256-colour palette.
    pub fn index(n: i64) -> Result<ColorSpec, ColorError> {
        u8::try_from(n)
            .map(ColorSpec::Index)
            .map_err(|_| ColorError::OutOfRange(n.to_string()))
    }

    /// The colour as the config file writes it (a TOML value).
    pub fn to_toml(self) -> String {
        match self {
            ColorSpec::Default => "\"default\"".to_owned(),
            ColorSpec::Named(n) => format!("\"{}\"", NAMES[usize::from(n & 15)]),
            ColorSpec::Index(n) => n.to_string(),
            ColorSpec::Rgb(r, g, b) => format!("\"#{r:02x}{g:02x}{b:02x}\""),
        }
    }

    /// The colour this terminal can show that is closest to the one asked for.
    pub fn resolve(self, depth: Depth) -> Color {
        match (self, depth) {
            (ColorSpec::Default, _) => Color::Reset,
            (ColorSpec::Named(n), _) => named(n),
            (ColorSpec::Index(n), _) if n < 16 => named(n),
            (ColorSpec::Index(n), Depth::Ansi16) => named(nearest_named(index_rgb(n))),
            (ColorSpec::Index(n), _) => Color::Indexed(n),
            (ColorSpec::Rgb(r, g, b), Depth::TrueColor) => Color::Rgb(r, g, b),
            (ColorSpec::Rgb(r, g, b), Depth::Ansi256) => Color::Indexed(nearest_index((r, g, b))),
            (ColorSpec::Rgb(r, g, b), Depth::Ansi16) => named(nearest_named((r, g, b))),
        }
    }
}

/// The 16 named colours, by their number in the terminal's palette.
pub(crate) const NAMED: [Color; 16] = [
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

fn named(n: u8) -> Color {
    NAMED[usize::from(n & 15)]
}

/// The 6x6x6 cube's levels in the 256-colour palette (entries 16-231).
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn index_rgb(n: u8) -> (u8, u8, u8) {
    match n {
        0..=15 => ANSI_RGB[usize::from(n)],
        16..=231 => {
            let i = n - 16;
            (
                CUBE[usize::from(i / 36)],
                CUBE[usize::from(i / 6 % 6)],
                CUBE[usize::from(i % 6)],
            )
        }
        232..=255 => {
            let v = 8 + 10 * (n - 232);
            (v, v, v)
        }
    }
}

/// How far apart two colours look: Euclidean distance weighted by the mean red ("redmean"),
/// a cheap approximation that is far closer to the eye than plain RGB distance.
fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> i64 {
    let rmean = i64::midpoint(i64::from(a.0), i64::from(b.0));
    let (dr, dg, db) = (
        i64::from(a.0) - i64::from(b.0),
        i64::from(a.1) - i64::from(b.1),
        i64::from(a.2) - i64::from(b.2),
    );
    (((512 + rmean) * dr * dr) >> 8) + 4 * dg * dg + (((767 - rmean) * db * db) >> 8)
}

/// The named colour that stands for `rgb` on a 16-colour terminal. By hue, not by distance:
/// terminals set the 16 colours so differently that the nearest by distance is often a grey for
/// a clearly coloured input (a muted orange is nearer xterm's dark grey than its red or
/// yellow), and a user who picked an orange wants something red or yellow. Greys stay greys.
fn nearest_named(rgb: (u8, u8, u8)) -> u8 {
    let (r, g, b) = (i32::from(rgb.0), i32::from(rgb.1), i32::from(rgb.2));
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let chroma = max - min;
    // Less than a quarter saturated, or too dark to tell: a grey.
    if max < 40 || chroma * 4 < max {
        return match max {
            0..48 => 0,
            48..150 => 8,
            150..220 => 7,
            _ => 15,
        };
    }
    // The hue in sixths of the colour wheel, times the chroma (no floats needed).
    let hue6 = if max == r {
        (g - b).rem_euclid(6 * chroma)
    } else if max == g {
        (b - r) + 2 * chroma
    } else {
        (r - g) + 4 * chroma
    };
    // Round to the nearest of red, yellow, green, cyan, blue, magenta.
    let sector = ((2 * hue6 + chroma) / (2 * chroma)) % 6;
    let base = [1, 3, 2, 6, 4, 5][usize::try_from(sector).unwrap_or(0)];
    if max >= 230 { base + 8 } else { base }
}

/// The nearest entry of the cube or the grey ramp (16-255); the first 16 are left out because
/// every terminal sets them differently.
fn nearest_index(rgb: (u8, u8, u8)) -> u8 {
    (16..=255u8)
        .min_by_key(|&n| distance(rgb, index_rgb(n)))
        .unwrap_or(16)
}

/// How many colours the terminal shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    Ansi16,
    Ansi256,
    TrueColor,
}

impl Depth {
    /// `COLORTERM=truecolor` (or `24bit`) means any RGB; a `TERM` with `256color` in it, the
    /// 256-colour palette; anything else (`screen`, `tmux`, `linux`, `vt100`), the 16 colours.
    pub fn detect(term: Option<&str>, colorterm: Option<&str>) -> Depth {
        if colorterm
            .is_some_and(|c| c.eq_ignore_ascii_case("truecolor") || c.eq_ignore_ascii_case("24bit"))
        {
            Depth::TrueColor
        } else if term.is_some_and(|t| t.contains("256color")) {
            Depth::Ansi256
        } else {
            Depth::Ansi16
        }
    }
}

/// The built-in themes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeName {
    /// For a dark background (the default).
    Dark,
    /// For a light background: no yellow text, a light selection.
    Light,
}

impl ThemeName {
    pub const ALL: [ThemeName; 2] = [ThemeName::Dark, ThemeName::Light];

    pub fn name(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
        }
    }

    pub fn parse(s: &str) -> Option<ThemeName> {
        ThemeName::ALL.into_iter().find(|t| t.name() == s)
    }
}

const BLACK: ColorSpec = ColorSpec::Named(0);
const RED: ColorSpec = ColorSpec::Named(1);
const GREEN: ColorSpec = ColorSpec::Named(2);
const YELLOW: ColorSpec = ColorSpec::Named(3);
const BLUE: ColorSpec = ColorSpec::Named(4);
const MAGENTA: ColorSpec = ColorSpec::Named(5);
const CYAN: ColorSpec = ColorSpec::Named(6);
const GRAY: ColorSpec = ColorSpec::Named(7);
const DARK_GRAY: ColorSpec = ColorSpec::Named(8);
const WHITE: ColorSpec = ColorSpec::Named(15);

/// Each role's colour in the dark and the light theme. Only the 16 named colours: they look as
/// meant on any colour terminal. The light theme has no yellow or cyan text (unreadable on
/// white) and a light selection.
const BUILTIN: [(Role, ColorSpec, ColorSpec); Role::ALL.len()] = [
    (Role::Title, ColorSpec::Default, ColorSpec::Default),
    (Role::Heading, YELLOW, MAGENTA),
    (Role::Label, CYAN, BLUE),
    (Role::Link, BLUE, BLUE),
    (Role::Broken, RED, RED),
    (Role::Dim, DARK_GRAY, DARK_GRAY),
    (Role::Matched, YELLOW, MAGENTA),
    (Role::SelectedBg, BLUE, GRAY),
    (Role::SelectedFg, WHITE, BLACK),
    (Role::Border, CYAN, BLUE),
    (Role::Key, CYAN, BLUE),
    (Role::Error, RED, RED),
    (Role::Warning, YELLOW, MAGENTA),
    (Role::Highlight, YELLOW, MAGENTA),
    (Role::Person, GREEN, GREEN),
    (Role::Incident, RED, RED),
    (Role::Camp, MAGENTA, MAGENTA),
    (Role::Organization, CYAN, BLACK),
    (Role::Source, BLUE, BLUE),
];

/// A colour for every role, as written in the config file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    colors: [ColorSpec; Role::ALL.len()],
}

impl Palette {
    pub fn builtin(theme: ThemeName) -> Palette {
        let mut p = Palette {
            colors: [ColorSpec::Default; Role::ALL.len()],
        };
        for (role, dark, light) in BUILTIN {
            p.set(
                role,
                match theme {
                    ThemeName::Dark => dark,
                    ThemeName::Light => light,
                },
            );
        }
        p
    }

    pub fn get(&self, role: Role) -> ColorSpec {
        self.colors[role as usize]
    }

    pub fn set(&mut self, role: Role, spec: ColorSpec) {
        self.colors[role as usize] = spec;
    }
}

/// The colour roles and the two themes' colours, for the README (a test keeps the README's
/// copy identical).
#[cfg(test)]
pub fn roles_markdown() -> String {
    use std::fmt::Write as _;
    let (dark, light) = (
        Palette::builtin(ThemeName::Dark),
        Palette::builtin(ThemeName::Light),
    );
    let mut out = String::from("| Role | Colours | dark | light |\n| --- | --- | --- | --- |\n");
    for role in Role::ALL {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            role.name(),
            role.about(),
            dark.get(role).to_toml().trim_matches('"'),
            light.get(role).to_toml().trim_matches('"'),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_themes_give_every_role_a_named_colour() {
        for (i, role) in Role::ALL.into_iter().enumerate() {
            assert_eq!(BUILTIN[i].0, role, "BUILTIN is in the order of Role::ALL");
            assert_eq!(role as usize, i);
            for spec in [BUILTIN[i].1, BUILTIN[i].2] {
                assert!(
                    matches!(spec, ColorSpec::Named(_) | ColorSpec::Default),
                    "{}",
                    role.name()
                );
            }
        }
    }

    #[test]
    fn colours_parse_from_names_hex_and_numbers() {
        assert_eq!(ColorSpec::parse("yellow"), Ok(ColorSpec::Named(3)));
        assert_eq!(ColorSpec::parse("Bright-White"), Ok(ColorSpec::Named(15)));
        assert_eq!(ColorSpec::parse("dark_gray"), Ok(ColorSpec::Named(8)));
        assert_eq!(
            ColorSpec::parse("#D7875f"),
            Ok(ColorSpec::Rgb(0xd7, 0x87, 0x5f))
        );
        assert_eq!(ColorSpec::parse("208"), Ok(ColorSpec::Index(208)));
        assert_eq!(ColorSpec::parse("default"), Ok(ColorSpec::Default));
        assert!(ColorSpec::parse("#12345").is_err());
        assert!(ColorSpec::parse("256").is_err());
        assert!(ColorSpec::index(-1).is_err());
        let err = ColorSpec::parse("yelow").unwrap_err();
        assert_eq!(err.to_string(), "`yelow` is not a colour");
        assert!(err.todo().starts_with("did you mean `yellow`?"), "{err:?}");
        for spec in [
            ColorSpec::Named(9),
            ColorSpec::Rgb(1, 2, 3),
            ColorSpec::Index(100),
            ColorSpec::Default,
        ] {
            let written = spec.to_toml();
            let back = match written.parse::<i64>() {
                Ok(n) => ColorSpec::index(n),
                Err(_) => ColorSpec::parse(written.trim_matches('"')),
            };
            assert_eq!(back, Ok(spec), "{written}");
        }
    }

    #[test]
    fn the_readme_lists_every_colour_role() {
        crate::assert_readme_has("list of colour roles", &roles_markdown());
    }

    #[test]
    fn depth_from_the_environment() {
        assert_eq!(Depth::detect(Some("screen"), None), Depth::Ansi16);
        assert_eq!(Depth::detect(Some("tmux"), None), Depth::Ansi16);
        assert_eq!(Depth::detect(Some("tmux-256color"), None), Depth::Ansi256);
        assert_eq!(
            Depth::detect(Some("xterm-256color"), Some("truecolor")),
            Depth::TrueColor
        );
        assert_eq!(Depth::detect(None, Some("24bit")), Depth::TrueColor);
        assert_eq!(Depth::detect(None, None), Depth::Ansi16);
    }

    #[test]
    fn hex_colours_fit_the_terminal() {
        let orange = ColorSpec::Rgb(0xd7, 0x87, 0x5f);
        assert_eq!(
            orange.resolve(Depth::TrueColor),
            Color::Rgb(0xd7, 0x87, 0x5f)
        );
        // Exactly an entry of the cube: 16 + 36*4 + 6*2 + 1.
        assert_eq!(orange.resolve(Depth::Ansi256), Color::Indexed(173));
        assert_eq!(
            ColorSpec::Rgb(250, 10, 10).resolve(Depth::Ansi16),
            Color::LightRed
        );
        assert_eq!(
            ColorSpec::Rgb(0, 0, 130).resolve(Depth::Ansi16),
            Color::Blue
        );
        assert_eq!(
            ColorSpec::Rgb(120, 120, 120).resolve(Depth::Ansi256),
            Color::Indexed(243)
        );
        assert_eq!(
            ColorSpec::Index(196).resolve(Depth::Ansi16),
            Color::LightRed
        );
        assert_eq!(ColorSpec::Index(4).resolve(Depth::TrueColor), Color::Blue);
        assert_eq!(ColorSpec::Named(3).resolve(Depth::TrueColor), Color::Yellow);
    }
}
