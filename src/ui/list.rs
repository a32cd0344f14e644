//! The list pane: one row per hit, kind marker, name with matched letters, the fact that tells
//! records apart.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Screen, Theme, fit};
use crate::app::Mode;
use crate::index::Catalog;
use crate::search::{Field, Hit};

pub fn render(frame: &mut Frame, area: Rect, screen: &Screen) {
    let Screen {
        state,
        catalog,
        theme,
    } = *screen;
    if area.width == 0 || area.height == 0 {
        return;
    }
    let focused = state.mode == Mode::Search;
    let total = state.results.hits.len();
    let name = if state.results.timeline {
        "Timeline"
    } else {
        "Records"
    };
    let mut title = if total == 0 {
        format!(" {name} ")
    } else {
        format!(" {name} {}/{} ", state.cursor + 1, total)
    };
    if let Some(reading) = state.reading {
        let _ = write!(title, "· reading {}% ", reading.percent());
    }
    let Some(inner) = super::pane(frame, area, title, focused, theme) else {
        return;
    };
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    if total == 0 {
        let msg = if state.results.timeline && state.input.text.is_empty() && state.scope.is_none()
        {
            "no incidents in this folder"
        } else if state.input.text.is_empty() && state.kind.is_none() && state.scope.is_none() {
            "no records in this folder"
        } else {
            "nothing matches"
        };
        lines.push(Line::from(Span::styled(msg, theme.dim())));
    }
    let shown: Vec<(usize, &Hit)> = state
        .results
        .hits
        .iter()
        .enumerate()
        .skip(state.offset)
        .take(usize::from(inner.height))
        .collect();
    // The timeline's date column is as wide as the widest date on screen, whole intervals
    // included, so no date is cut to look like another.
    let date_width = if state.results.timeline {
        shown
            .iter()
            .map(|(_, h)| crate::view::width(&timeline_date(catalog.get(h.record))))
            .max()
            .unwrap_or(0)
            .clamp(4, width / 2)
    } else {
        0
    };
    // The detail pane shows the selected row, unless a followed link is shown there instead:
    // then the row is marked, not lit, so nobody mistakes it for what the keys act on.
    let previewed = state.selected() == state.current_idx(catalog);
    for (row, hit) in shown {
        let spans = if state.results.timeline {
            timeline_spans(hit, catalog, theme, date_width, width)
        } else {
            let id = catalog.id(hit.record);
            row_spans(hit, catalog, theme, state.marks.iter().any(|m| &**m == id))
        };
        let mut spans = fit(spans, width);
        if row == state.cursor {
            let lit = focused && previewed;
            for span in &mut spans {
                span.style = theme.on_selected(span.style, lit);
            }
            let used: usize = spans.iter().map(Span::width).sum();
            spans.push(Span::styled(
                " ".repeat(width.saturating_sub(used)),
                theme.on_selected(Style::new(), lit),
            ));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn row_spans<'a>(hit: &Hit, catalog: &'a Catalog, theme: Theme, marked: bool) -> Vec<Span<'a>> {
    let record = catalog.get(hit.record);
    // A record marked for a reference list: `•` after its kind, in the column kept for it.
    let mut spans = vec![Span::styled(
        format!("{}{}", record.kind.letter(), if marked { '•' } else { ' ' }),
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
    let subtitle = catalog.subtitle(record);
    if !subtitle.is_empty() {
        spans.push(Span::styled(format!("  {subtitle}"), theme.dim()));
    }
    spans
}

/// The date of a timeline row in full, in a form that cannot be misread (`2012–2016?`).
fn timeline_date(record: &crate::model::Record) -> String {
    crate::date::Span::compact(&crate::timeline::when(record).0)
}

/// A timeline row: the date in a column, the name, how exact the date is, the camp. The
/// name gives way first, so the date and its exactness are always seen whole.
fn timeline_spans<'a>(
    hit: &Hit,
    catalog: &'a Catalog,
    theme: Theme,
    date_width: usize,
    width: usize,
) -> Vec<Span<'a>> {
    let record = catalog.get(hit.record);
    let exactness = crate::timeline::when(record).1;
    let date = timeline_date(record);
    let mut spans = vec![Span::styled(
        format!("{date:<date_width$} "),
        theme.tone(crate::view::Tone::Label),
    )];
    let date_columns = crate::view::width(&spans[0].content);
    let mut words = exactness.map(|w| format!(" ({w})")).unwrap_or_default();
    // Where the row is narrow, keep only the words the date as written cannot show (`?`, `~`,
    // a year alone and a whole interval say the rest), so the name keeps some room.
    if width.saturating_sub(date_columns + crate::view::width(&words)) < 12 {
        let kept: Vec<&str> = words
            .trim_matches(|c| c == ' ' || c == '(' || c == ')')
            .split(", ")
            .filter(|w| matches!(*w, "disputed" | "not a date" | "no date"))
            .collect();
        words = if kept.is_empty() {
            String::new()
        } else {
            format!(" ({})", kept.join(", "))
        };
    }
    let room = width
        .saturating_sub(date_columns)
        .saturating_sub(crate::view::width(&words));
    let name = name_spans(hit, record, theme);
    let name_width: usize = name.iter().map(Span::width).sum();
    if name_width > room {
        spans.extend(fit(name, room));
    } else {
        spans.extend(name);
    }
    if !words.is_empty() {
        spans.push(Span::styled(words, theme.dim()));
    }
    // The place comes last, and only whole: it must not push the date's words off the row.
    if let Some(at) = record.incident().and_then(crate::model::Incident::at) {
        let at = format!("  {at}");
        let used: usize = spans.iter().map(Span::width).sum();
        if used + crate::view::width(&at) <= width {
            spans.push(Span::styled(at, theme.dim()));
        }
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
pub(super) fn highlighted(
    text: &str,
    positions: &[u32],
    base: Style,
    mark: Style,
) -> Vec<Span<'static>> {
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
