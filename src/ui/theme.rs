//! Colours and emphasis by meaning. With `NO_COLOR` (or a monochrome terminal) only bold,
//! reverse and underline remain, so every state is still visible.

use ratatui::style::{Color, Modifier, Style};

use crate::model::Kind;
use crate::view::Tone;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Self {
        Self { color }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn tone(self, tone: Tone) -> Style {
        match tone {
            Tone::Title => Style::new().add_modifier(Modifier::BOLD),
            Tone::Heading => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Tone::Label => self.fg(Color::Cyan),
            Tone::Plain => Style::new(),
            Tone::Dim => self.dim(),
            Tone::Link => self.fg(Color::Blue).add_modifier(Modifier::UNDERLINED),
            Tone::Broken => self.fg(Color::Red).add_modifier(Modifier::CROSSED_OUT),
            Tone::Warning => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn kind(self, kind: Kind) -> Style {
        self.fg(match kind {
            Kind::Person => Color::Green,
            Kind::Incident => Color::Red,
            Kind::Camp => Color::Magenta,
            Kind::Source => Color::Blue,
        })
        .add_modifier(Modifier::BOLD)
    }

    /// Letters the query matched.
    pub fn matched(self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// The selected list row, or the selected line of a focused pane.
    pub fn selected(self, focused: bool) -> Style {
        match (self.color, focused) {
            (true, true) => Style::new().bg(Color::Blue).fg(Color::White),
            (true, false) | (false, true) => Style::new().add_modifier(Modifier::REVERSED),
            (false, false) => Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }

    pub fn border(self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn warning(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Lines the viewer highlights (the record or field jumped to).
    pub fn highlight(self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
}
