//! The search bar (top row) and the status bar (bottom row).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, fit};
use crate::app::State;
use crate::diagnostic::{Tally, plural};
use crate::index::Catalog;
use crate::keymap::{Command, Context, Keymap};

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
        left.push(Span::styled(placeholder(state), theme.dim()));
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
                    hint_key(&state.keymap, Context::Global, Command::Diagnostics)
                ),
                theme.dim(),
            ));
        }
    }
    let hints = hints(&state.keymap, state.context());
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

fn hint_key(keymap: &Keymap, context: Context, command: Command) -> String {
    keymap
        .hint(context, command)
        .map(|k| k.to_string())
        .unwrap_or_default()
}

/// The search bar's text before anything is typed, with the keys in effect.
fn placeholder(state: &State) -> String {
    let keymap = &state.keymap;
    let key = |c: Command| hint_key(keymap, Context::List, c);
    let mut parts = Vec::new();
    if state.timeline {
        parts.push("type to filter the timeline".to_owned());
        let leave: Vec<String> = [key(Command::Timeline), key(Command::Clear)]
            .into_iter()
            .filter(|k| !k.is_empty())
            .collect();
        if !leave.is_empty() {
            parts.push(format!("{} leaves it", leave.join(" or ")));
        }
    } else {
        parts.push("type to search".to_owned());
        let kinds: Vec<String> = crate::model::Kind::ALL
            .into_iter()
            .map(|k| key(Command::KindFilter(Some(k))))
            .collect();
        if kinds == ["1", "2", "3", "4"] {
            parts.push("1-4 kinds".to_owned());
        }
        let timeline = key(Command::Timeline);
        if !timeline.is_empty() {
            parts.push(format!("{timeline} timeline"));
        }
    }
    let help = key(Command::Help);
    if !help.is_empty() {
        parts.push(format!("{help} keys"));
    }
    parts.join(" · ")
}

/// The few keys worth showing in each context, with the keys in effect.
fn hints(keymap: &Keymap, context: Context) -> Vec<(String, &'static str)> {
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
        .map(|(c, what)| (hint_key(keymap, context, *c), *what))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}
