//! The list pane: one row per hit, kind marker, name with matched letters, the fact that tells
//! records apart.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{Theme, fit};
use crate::app::{Pane, State};
use crate::index::Catalog;
use crate::search::{Field, Hit};

pub fn render(frame: &mut Frame, area: Rect, state: &State, catalog: &Catalog, theme: Theme) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let focused = state.focus == Pane::List || state.typing;
    let total = state.results.hits.len();
    let name = if state.results.timeline {
        "Timeline"
    } else {
        "Records"
    };
    let title = if total == 0 {
        format!(" {name} ")
    } else {
        format!(" {name} {}/{} ", state.cursor + 1, total)
    };
    let block = Block::bordered()
        .title(title)
        .border_style(theme.border(focused));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    if total == 0 {
        let msg = if state.results.timeline && state.input.text.is_empty() {
            "no incidents in this folder"
        } else if state.input.text.is_empty() && state.kind.is_none() {
            "no records in this folder"
        } else {
            "nothing matches"
        };
        lines.push(Line::from(Span::styled(msg, theme.dim())));
    }
    for (row, hit) in state
        .results
        .hits
        .iter()
        .enumerate()
        .skip(state.offset)
        .take(usize::from(inner.height))
    {
        let spans = if state.results.timeline {
            timeline_spans(hit, catalog, theme)
        } else {
            row_spans(hit, catalog, theme)
        };
        let mut line = Line::from(fit(spans, width));
        if row == state.cursor {
            let used: usize = line
                .spans
                .iter()
                .map(|s| crate::view::width(&s.content))
                .sum();
            line.spans
                .push(Span::raw(" ".repeat(width.saturating_sub(used))));
            line = line.style(theme.selected(focused));
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn row_spans<'a>(hit: &Hit, catalog: &'a Catalog, theme: Theme) -> Vec<Span<'a>> {
    let record = catalog.get(hit.record);
    let mut spans = vec![Span::styled(
        format!("{} ", record.kind.letter()),
        theme.kind(record.kind),
    )];
    spans.extend(name_spans(hit, record, theme));
    if let Field::Alias(n) = hit.field {
        spans.push(Span::styled(" ~", theme.dim()));
        spans.extend(highlighted(
            record.aliases[n].shown(),
            &hit.positions,
            theme.dim(),
            theme.matched(),
        ));
    }
    let subtitle = record.subtitle();
    if !subtitle.is_empty() {
        spans.push(Span::styled(format!("  {subtitle}"), theme.dim()));
    }
    spans
}

/// A timeline row: the date as written in a column, the name, how exact the date is, the camp.
fn timeline_spans<'a>(hit: &Hit, catalog: &'a Catalog, theme: Theme) -> Vec<Span<'a>> {
    let record = catalog.get(hit.record);
    let (date, exactness) = crate::timeline::when(record);
    // An interval shows its start, which is what it sorts by, so the column stays aligned; the
    // detail pane has the whole date.
    let date = match date.split_once('/') {
        Some((start, _)) if !start.is_empty() && start != ".." => format!("{start}/…"),
        _ => date,
    };
    let mut spans = vec![Span::styled(
        format!("{date:<10} "),
        theme.tone(crate::view::Tone::Label),
    )];
    spans.extend(name_spans(hit, record, theme));
    if let Some(words) = exactness {
        spans.push(Span::styled(format!(" ({words})"), theme.dim()));
    }
    if let Some(at) = record.incident().and_then(crate::model::Incident::at) {
        spans.push(Span::styled(format!("  {at}"), theme.dim()));
    }
    spans
}

/// The record's name, struck through when broken, with the letters the query matched in it.
fn name_spans(hit: &Hit, record: &crate::model::Record, theme: Theme) -> Vec<Span<'static>> {
    let name_style = if record.broken {
        theme.tone(crate::view::Tone::Broken)
    } else {
        Style::new()
    };
    let positions: &[u32] = if hit.field == Field::Name {
        &hit.positions
    } else {
        &[]
    };
    highlighted(record.name.shown(), positions, name_style, theme.matched())
}

/// Split `text` into spans, styling the characters at `positions` (char indices, ascending).
fn highlighted(text: &str, positions: &[u32], base: Style, mark: Style) -> Vec<Span<'static>> {
    if positions.is_empty() {
        return vec![Span::styled(text.to_owned(), base)];
    }
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    let mut next = positions.iter().peekable();
    for (i, c) in text.chars().enumerate() {
        let marked = next.peek().is_some_and(|&&p| p as usize == i);
        if marked {
            next.next();
        }
        if marked != run_marked && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_marked { mark } else { base },
            ));
        }
        run_marked = marked;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_marked { mark } else { base }));
    }
    spans
}
