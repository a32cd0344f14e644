//! The detail pane: the selected record's lines, wrapped, with the selected line marked when the
//! pane has the focus.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Screen;
use crate::app::Mode;
use crate::view;

pub fn render(frame: &mut Frame, area: Rect, screen: &Screen) {
    let Screen { state, theme, .. } = *screen;
    if area.width == 0 || area.height == 0 {
        return;
    }
    let focused = state.mode == Mode::Detail;
    let inner_width = usize::from(area.width.saturating_sub(2));
    // Wrapped by `update` for the pane's width; wrapped here only if drawn at another one.
    let wrapped;
    let rows: &[view::Row] = if state.detail.wrapped_width == inner_width.max(1) {
        &state.detail.rows
    } else {
        wrapped = view::wrap(&state.detail.lines, inner_width.max(1));
        &wrapped
    };
    let height = usize::from(area.height.saturating_sub(2));
    let name = match state.detail.page {
        view::Page::Record => "Detail",
        view::Page::Claims => "Claims",
    };
    let mut title = format!(" {name} ");
    if rows.len() > height && height > 0 {
        title = format!(
            " {name} {}% ",
            ((state.detail.scroll + height) * 100 / rows.len()).min(100)
        );
    }
    let Some(inner) = super::pane(frame, area, title, focused, theme) else {
        return;
    };
    let lines: Vec<Line> = rows
        .iter()
        .skip(state.detail.scroll)
        .take(usize::from(inner.height))
        .map(|row| {
            let selected = focused && row.line == state.detail.cursor;
            let style = |tone| {
                if selected {
                    theme.on_selected(theme.tone(tone), true)
                } else {
                    theme.tone(tone)
                }
            };
            let mut spans: Vec<Span> = row
                .segs
                .iter()
                .map(|s| Span::styled(s.text.clone(), style(s.tone)))
                .collect();
            if selected {
                // Fill the row so the selection reads as a bar, not as highlighted words.
                let used = row.width();
                spans.push(Span::styled(
                    " ".repeat(usize::from(inner.width).saturating_sub(used)),
                    style(view::Tone::Plain),
                ));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
