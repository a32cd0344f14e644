//! Emphasis by meaning: the styles drawing code asks for, from a palette resolved for the
//! terminal.
//!
//! Drawing code asks for a role (a heading, a link, the selection), never for a colour. A
//! `Theme` is a `palette::Palette` resolved once for the terminal at hand. With colour off
//! (`NO_COLOR`, `color = "never"`) only bold, reverse and underline remain, so every state is
//! still visible.

use ratatui::style::{Color, Modifier, Style};

use crate::model::Kind;
use crate::palette::{Depth, Palette, Role, ThemeName};
use crate::view::Tone;

/// A palette resolved for this terminal, or no colour at all. Small and `Copy`: drawing code
/// takes it by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    colors: [Color; Role::ALL.len()],
}

impl Theme {
    /// The dark theme, in 16 colours, or no colour.
    pub fn new(color: bool) -> Self {
        Theme::resolve(&Palette::builtin(ThemeName::Dark), color, Depth::Ansi16)
    }

    pub fn resolve(palette: &Palette, color: bool, depth: Depth) -> Self {
        let mut colors = [Color::Reset; Role::ALL.len()];
        for role in Role::ALL {
            colors[role as usize] = palette.get(role).resolve(depth);
        }
        Theme { color, colors }
    }

    /// The role's colour, or none: with colour off, or where the role is the terminal's default
    /// (so a span never paints over the selection's colours with "default").
    fn color_of(self, role: Role) -> Option<Color> {
        let c = self.colors[role as usize];
        (self.color && c != Color::Reset).then_some(c)
    }

    fn fg(self, role: Role) -> Style {
        match self.color_of(role) {
            Some(c) => Style::new().fg(c),
            None => Style::new(),
        }
    }

    pub fn tone(self, tone: Tone) -> Style {
        match tone {
            Tone::Title => self.fg(Role::Title).add_modifier(Modifier::BOLD),
            Tone::Heading => self.fg(Role::Heading).add_modifier(Modifier::BOLD),
            Tone::Label => self.fg(Role::Label),
            Tone::Plain => Style::new(),
            Tone::Dim => self.dim(),
            Tone::Link => self.fg(Role::Link).add_modifier(Modifier::UNDERLINED),
            Tone::Broken => self.fg(Role::Broken).add_modifier(Modifier::CROSSED_OUT),
            Tone::Warning => self.fg(Role::Error).add_modifier(Modifier::BOLD),
        }
    }

    pub fn dim(self) -> Style {
        if self.color {
            self.fg(Role::Dim)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn kind(self, kind: Kind) -> Style {
        self.fg(match kind {
            Kind::Person => Role::Person,
            Kind::Incident => Role::Incident,
            Kind::Camp => Role::Camp,
            Kind::Organization => Role::Organization,
            Kind::Source => Role::Source,
        })
        .add_modifier(Modifier::BOLD)
    }

    /// Letters the query matched.
    pub fn matched(self) -> Style {
        self.fg(Role::Matched)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// The selected list row, or the selected line of a focused pane.
    pub fn selected(self, focused: bool) -> Style {
        match (self.color_of(Role::SelectedBg), focused) {
            (Some(bg), true) => {
                let style = Style::new().bg(bg);
                match self.color_of(Role::SelectedFg) {
                    Some(fg) => style.fg(fg),
                    None => style,
                }
            }
            (_, true) => Style::new().add_modifier(Modifier::REVERSED),
            (_, false) if self.color => Style::new().add_modifier(Modifier::REVERSED),
            (_, false) => Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }

    /// A span's style on the selected line: the selection's own colours, keeping the span's
    /// emphasis (bold, underline, strike-through) but never its colour or dimness, so every
    /// text role on the selection reads with the selection's contrast (a blue link on a blue
    /// bar would vanish).
    pub fn on_selected(self, span: Style, focused: bool) -> Style {
        let keep = Modifier::BOLD | Modifier::UNDERLINED | Modifier::CROSSED_OUT | Modifier::ITALIC;
        let mut style = self.selected(focused);
        if self.color && style.fg.is_none() {
            style = style.fg(Color::Reset);
        }
        style.add_modifier(span.add_modifier & keep)
    }

    /// The mode shown at the left of the status bar.
    pub fn badge(self) -> Style {
        self.fg(Role::Key)
            .add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// A removable filter in the search bar (the scope of a timeline).
    pub fn chip(self) -> Style {
        self.fg(Role::Key).add_modifier(Modifier::REVERSED)
    }

    pub fn border(self, focused: bool) -> Style {
        if focused {
            self.fg(Role::Border).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }

    pub fn error(self) -> Style {
        self.fg(Role::Error).add_modifier(Modifier::BOLD)
    }

    pub fn warning(self) -> Style {
        self.fg(Role::Warning)
    }

    pub fn key(self) -> Style {
        self.fg(Role::Key).add_modifier(Modifier::BOLD)
    }

    /// Lines the viewer highlights (the record or field jumped to).
    pub fn highlight(self) -> Style {
        self.fg(Role::Highlight).add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dark_theme_keeps_the_colours_dossier_always_had() {
        let t = Theme::new(true);
        assert_eq!(t.tone(Tone::Heading).fg, Some(Color::Yellow));
        assert_eq!(t.tone(Tone::Label).fg, Some(Color::Cyan));
        assert_eq!(t.kind(Kind::Camp).fg, Some(Color::Magenta));
        assert_eq!(
            t.selected(true),
            Style::new().bg(Color::Blue).fg(Color::White)
        );
        assert_eq!(t.dim().fg, Some(Color::DarkGray));
        assert_eq!(t.tone(Tone::Title).fg, None);
    }

    #[test]
    fn the_light_theme_has_no_yellow_text_and_a_light_selection() {
        let t = Theme::resolve(&Palette::builtin(ThemeName::Light), true, Depth::Ansi16);
        for role in Role::ALL {
            let c = t.colors[role as usize];
            assert!(
                !matches!(
                    c,
                    Color::Yellow | Color::LightYellow | Color::White | Color::LightCyan
                ),
                "{} is {c:?}, unreadable on white",
                role.name()
            );
        }
        assert_eq!(
            t.selected(true),
            Style::new().bg(Color::Gray).fg(Color::Black)
        );
    }

    #[test]
    fn without_colour_every_state_is_still_visible() {
        let t = Theme::resolve(&Palette::builtin(ThemeName::Light), false, Depth::TrueColor);
        assert_eq!(
            t.selected(true),
            Style::new().add_modifier(Modifier::REVERSED)
        );
        assert_eq!(
            t.selected(false),
            Style::new().add_modifier(Modifier::UNDERLINED)
        );
        assert!(t.matched().add_modifier.contains(Modifier::UNDERLINED));
        assert_eq!(t.dim(), Style::new().add_modifier(Modifier::DIM));
        for role in Role::ALL {
            assert_eq!(t.fg(role), Style::new());
        }
    }

    /// WCAG's relative luminance of an sRGB colour.
    fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    fn rgb(c: Color) -> (u8, u8, u8) {
        let n = crate::palette::NAMED
            .iter()
            .position(|&x| x == c)
            .expect("a named colour");
        crate::palette::ANSI_RGB[n]
    }

    #[test]
    fn every_text_role_on_the_selected_row_has_a_contrast_of_at_least_4_5() {
        // The regression: a selected link was blue on the blue bar (ratio 1:1).
        for theme in ThemeName::ALL {
            let t = Theme::resolve(&Palette::builtin(theme), true, Depth::Ansi16);
            let bg = t.selected(true).bg.expect("a selection colour");
            let mut styles: Vec<(String, Style)> = [
                Tone::Title,
                Tone::Heading,
                Tone::Label,
                Tone::Plain,
                Tone::Dim,
                Tone::Link,
                Tone::Broken,
                Tone::Warning,
            ]
            .into_iter()
            .map(|tone| (format!("{tone:?}"), t.tone(tone)))
            .collect();
            styles.extend(Kind::ALL.map(|k| (format!("{k:?}"), t.kind(k))));
            styles.push(("matched".into(), t.matched()));
            styles.push(("dim".into(), t.dim()));
            for (name, style) in styles {
                let on = t.on_selected(style, true);
                let fg = match on.fg {
                    Some(Color::Reset) | None => panic!("{name}: no colour on the selection"),
                    Some(c) => c,
                };
                let (a, b) = (luminance(rgb(fg)), luminance(rgb(bg)));
                let ratio = (a.max(b) + 0.05) / (a.min(b) + 0.05);
                assert!(
                    ratio >= 4.5,
                    "{} theme, {name}: {fg:?} on {bg:?} is {ratio:.2}:1",
                    theme.name()
                );
                assert!(!on.add_modifier.contains(Modifier::DIM), "{name} dimmed");
            }
            // Emphasis survives: matched letters stay underlined on the selection.
            assert!(
                t.on_selected(t.matched(), true)
                    .add_modifier
                    .contains(Modifier::UNDERLINED)
            );
        }
    }
}
