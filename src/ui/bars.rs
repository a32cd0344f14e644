//! The search bar (top row) and the status bar (bottom row).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, fit};
use crate::app::State;
use crate::diagnostic::{Tally, plural};
use crate::index::Catalog;
use crate::keymap::{Command, Context, Keymap, display};

pub fn search(frame: &mut Frame, area: Rect, state: &State, catalog: &Catalog, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let mut right = Vec::new();
    if state.timeline {
        right.push(Span::styled("[timeline] ", theme.key()));
    } else if let Some(k) = state.kind {
        right.push(Span::styled(format!("[{}] ", k.folder()), theme.kind(k)));
    }
    if state.requested > state.results.generation {
        right.push(Span::styled("… ", theme.dim()));
    }
    right.push(Span::styled(
        format!("{}/{} ", state.results.hits.len(), catalog.len()),
        theme.dim(),
    ));
    let right_width: usize = right.iter().map(|s| crate::view::width(&s.content)).sum();

    let prompt = Span::styled(
        " / ",
        if state.typing {
            theme.key()
        } else {
            theme.dim()
        },
    );
    let left_width = usize::from(area.width).saturating_sub(right_width + 1);
    let mut left = vec![prompt];
    if state.input.text.is_empty() && !state.typing {
        left.push(Span::styled(
            if state.timeline {
                "type to filter the timeline · t or Esc leaves it · ? keys"
            } else {
                "type to search · 1-4 kinds · t timeline · ? keys"
            },
            theme.dim(),
        ));
    } else {
        left.push(Span::raw(state.input.text.clone()));
    }
    let left = fit(left, left_width);
    let pad = usize::from(area.width).saturating_sub(
        left.iter()
            .map(|s| crate::view::width(&s.content))
            .sum::<usize>()
            + right_width,
    );
    let mut spans = left;
    spans.push(Span::raw(" ".repeat(pad)));
    spans.extend(right);
    frame.render_widget(
        Paragraph::new(Line::from(fit(spans, usize::from(area.width)))),
        area,
    );

    if state.typing && state.overlay.is_none() {
        let before = crate::view::width(&state.input.text[..state.input.cursor]);
        let x = area.x + 3 + u16::try_from(before).unwrap_or(u16::MAX);
        if x < area.right() {
            frame.set_cursor_position(Position::new(x, area.y));
        }
    }
}

pub fn status(frame: &mut Frame, area: Rect, state: &State, catalog: &Catalog, theme: Theme) {
    if area.height == 0 {
        return;
    }
    let mut left = Vec::new();
    if let Some(m) = &state.message {
        left.push(Span::styled(format!(" {m}"), theme.warning()));
    } else {
        let tally = Tally::of(catalog.diagnostics());
        if tally.errors > 0 {
            left.push(Span::styled(
                format!(" ⚠ {}", plural(tally.errors, "error")),
                theme.error(),
            ));
        }
        if tally.warnings > 0 {
            left.push(Span::styled(
                format!(" ⚠ {}", plural(tally.warnings, "warning")),
                theme.warning(),
            ));
        }
        if tally.errors + tally.warnings > 0 {
            left.push(Span::styled(
                format!(
                    " ({} shows them)",
                    hint_key(Context::Global, Command::Diagnostics)
                ),
                theme.dim(),
            ));
        }
    }
    let hints = hints(state.context());
    let mut right = Vec::new();
    for (key, what) in hints {
        right.push(Span::styled(key, theme.key()));
        right.push(Span::styled(format!(" {what}  "), theme.dim()));
    }
    let width = usize::from(area.width);
    let left_width: usize = left.iter().map(|s| crate::view::width(&s.content)).sum();
    let right_width: usize = right.iter().map(|s| crate::view::width(&s.content)).sum();
    let mut spans = left;
    if left_width + right_width < width {
        spans.push(Span::raw(" ".repeat(width - left_width - right_width)));
        spans.extend(right);
    } else if left_width < width {
        spans.push(Span::raw("  "));
        spans.extend(right);
    }
    frame.render_widget(Paragraph::new(Line::from(fit(spans, width))), area);
}

fn hint_key(context: Context, command: Command) -> String {
    Keymap::hint(context, command)
        .map(display)
        .unwrap_or_default()
}

/// The few keys worth showing in each context, drawn from the keymap table.
fn hints(context: Context) -> Vec<(String, &'static str)> {
    let wanted: &[(Command, &str)] = match context {
        Context::List | Context::Global => &[
            (Command::Search, "search"),
            (Command::FocusDetail, "read"),
            (Command::Edit, "edit"),
            (Command::Back, "back"),
            (Command::Help, "keys"),
            (Command::Quit, "quit"),
        ],
        Context::Detail => &[
            (Command::Open, "follow"),
            (Command::Edit, "edit"),
            (Command::Back, "back"),
            (Command::FocusList, "list"),
            (Command::Help, "keys"),
        ],
        Context::Search => &[
            (Command::Accept, "browse"),
            (Command::Down, "next"),
            (Command::Clear, "clear"),
        ],
        Context::Help => &[(Command::Close, "close")],
        Context::Viewer | Context::Diagnostics => {
            &[(Command::Edit, "edit"), (Command::Close, "close")]
        }
    };
    wanted
        .iter()
        .map(|(c, what)| (hint_key(context, *c), *what))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}
