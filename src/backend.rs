//! The terminal backend: crossterm's, except for how a frame's cells are written.
//!
//! crossterm writes even the 16 named colours as 256-colour codes (`ESC[38;5;1m` for red),
//! which a terminal with 8 or 16 colours (`TERM=screen`, the Linux console, an old tmux) may
//! show wrongly or not at all. Here the 16 colours go out as the codes every colour terminal
//! knows (`ESC[31m`, `ESC[44m`, `ESC[91m`); only a colour the theme resolved to the
//! 256-colour palette or to RGB, for a terminal that said it has them, is written as such.
//! Each change of style is one SGR sequence, so a frame costs no more bytes than before.

use std::fmt::Write as _;
use std::io::{self, Write};

use crossterm::cursor::MoveTo;
use crossterm::queue;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

pub struct Sgr<W: Write> {
    inner: CrosstermBackend<W>,
}

impl<W: Write> Sgr<W> {
    pub fn new(writer: W) -> Self {
        Sgr {
            inner: CrosstermBackend::new(writer),
        }
    }
}

impl<W: Write> Write for Sgr<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

/// The style the terminal is in, as far as SGR goes.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

const PLAIN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    modifier: Modifier::empty(),
};

const MODIFIER_CODES: [(Modifier, u8); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

/// The SGR parameters for a colour: `base` is 30 for the foreground, 40 for the background.
fn color_params(out: &mut String, color: Color, base: u8) {
    let named = |n: u8| if n < 8 { base + n } else { base + 60 + n - 8 };
    let code = match color {
        Color::Reset => base + 9,
        Color::Black => named(0),
        Color::Red => named(1),
        Color::Green => named(2),
        Color::Yellow => named(3),
        Color::Blue => named(4),
        Color::Magenta => named(5),
        Color::Cyan => named(6),
        Color::Gray => named(7),
        Color::DarkGray => named(8),
        Color::LightRed => named(9),
        Color::LightGreen => named(10),
        Color::LightYellow => named(11),
        Color::LightBlue => named(12),
        Color::LightMagenta => named(13),
        Color::LightCyan => named(14),
        Color::White => named(15),
        Color::Indexed(n) if n < 16 => named(n),
        Color::Indexed(n) => {
            let _ = write!(out, ";{};5;{n}", base + 8);
            return;
        }
        Color::Rgb(r, g, b) => {
            let _ = write!(out, ";{};2;{r};{g};{b}", base + 8);
            return;
        }
    };
    let _ = write!(out, ";{code}");
}

/// One SGR sequence that takes the terminal from `from` to `to`. Removing an attribute resets
/// everything and sets the rest again: simpler than the eight "off" codes, and as short.
fn transition(from: Pen, to: Pen) -> String {
    let mut params = String::new();
    let reset = !(from.modifier - to.modifier).is_empty();
    let (from, added) = if reset {
        params.push_str(";0");
        (PLAIN, to.modifier)
    } else {
        (from, to.modifier - from.modifier)
    };
    for (m, code) in MODIFIER_CODES {
        if added.contains(m) {
            let _ = write!(params, ";{code}");
        }
    }
    if to.fg != from.fg {
        color_params(&mut params, to.fg, 30);
    }
    if to.bg != from.bg {
        color_params(&mut params, to.bg, 40);
    }
    if params.is_empty() {
        return params;
    }
    format!("\x1b[{}m", &params[1..])
}

impl<W: Write> Backend for Sgr<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        // crossterm's backend writes through to our writer.
        let out = &mut self.inner;
        let mut pen = PLAIN;
        let mut last: Option<Position> = None;
        for (x, y, cell) in content {
            if !matches!(last, Some(p) if x == p.x + 1 && y == p.y) {
                queue!(out, MoveTo(x, y))?;
            }
            last = Some(Position { x, y });
            let next = Pen {
                fg: cell.fg,
                bg: cell.bg,
                modifier: cell.modifier,
            };
            if next != pen {
                out.write_all(transition(pen, next).as_bytes())?;
                pen = next;
            }
            out.write_all(cell.symbol().as_bytes())?;
        }
        if pen != PLAIN {
            out.write_all(b"\x1b[0m")?;
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Style, Stylize};
    use ratatui::text::Line;

    use super::*;

    fn pen(fg: Color, bg: Color, modifier: Modifier) -> Pen {
        Pen { fg, bg, modifier }
    }

    #[test]
    fn the_16_colours_are_written_as_16_colour_codes() {
        let none = Modifier::empty();
        assert_eq!(
            transition(PLAIN, pen(Color::Red, Color::Reset, none)),
            "\x1b[31m"
        );
        assert_eq!(
            transition(PLAIN, pen(Color::White, Color::Blue, none)),
            "\x1b[97;44m"
        );
        assert_eq!(
            transition(PLAIN, pen(Color::DarkGray, Color::Gray, none)),
            "\x1b[90;47m"
        );
        assert_eq!(
            transition(PLAIN, pen(Color::Indexed(3), Color::Reset, none)),
            "\x1b[33m"
        );
        assert_eq!(
            transition(PLAIN, pen(Color::Indexed(173), Color::Reset, none)),
            "\x1b[38;5;173m"
        );
        assert_eq!(
            transition(PLAIN, pen(Color::Reset, Color::Rgb(1, 2, 3), none)),
            "\x1b[48;2;1;2;3m"
        );
    }

    #[test]
    fn attributes_on_and_off() {
        let bold_red = pen(Color::Red, Color::Reset, Modifier::BOLD);
        assert_eq!(transition(PLAIN, bold_red), "\x1b[1;31m");
        // Dropping bold resets, then sets the colour again.
        assert_eq!(
            transition(bold_red, pen(Color::Red, Color::Reset, Modifier::empty())),
            "\x1b[0;31m"
        );
        assert_eq!(
            transition(
                bold_red,
                pen(
                    Color::Red,
                    Color::Reset,
                    Modifier::BOLD | Modifier::REVERSED
                )
            ),
            "\x1b[7m"
        );
        assert_eq!(transition(bold_red, PLAIN), "\x1b[0m");
        assert_eq!(transition(bold_red, bold_red), "");
    }

    #[test]
    fn a_frame_is_written_with_moves_styles_and_a_final_reset() {
        /// A writer whose bytes can be read after the backend took it.
        #[derive(Clone, Default)]
        struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.borrow_mut().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let bytes = Shared::default();
        let mut backend = Sgr::new(bytes.clone());
        let area = ratatui::layout::Rect::new(0, 0, 6, 1);
        let mut buffer = ratatui::buffer::Buffer::empty(area);
        buffer.set_line(0, 0, &Line::from(vec!["ab".red(), "cd".into()]), 6);
        buffer.set_style(
            ratatui::layout::Rect::new(4, 0, 2, 1),
            Style::new().reversed(),
        );
        let cells = buffer
            .content()
            .iter()
            .enumerate()
            .map(|(i, c)| (i as u16, 0, c));
        backend.draw(cells).unwrap();
        let written = String::from_utf8(bytes.0.borrow().clone()).unwrap();
        assert_eq!(written, "\x1b[1;1H\x1b[31mab\x1b[39mcd\x1b[7m  \x1b[0m");
    }
}
