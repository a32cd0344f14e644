//! Boxes drawn over the panes: the help screen, the built-in viewer, the list of problems.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{Screen, fit};
use crate::app::{Input, Viewer, help_rows};
use crate::layout;

fn frame_box(frame: &mut Frame, screen: &Screen, title: String) -> Option<Rect> {
    let area = layout::overlay(screen.state.width, screen.state.height);
    framed(frame, screen, area, title)
}

/// A box in `area` with a title; the inside, or `None` when there is no room for one.
fn framed(frame: &mut Frame, screen: &Screen, area: Rect, title: String) -> Option<Rect> {
    let theme = screen.theme;
    if area.width < 3 || area.height < 3 {
        return None;
    }
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .title(Span::styled(title, theme.key()))
        .border_style(theme.border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    Some(inner)
}

pub fn help(frame: &mut Frame, screen: &Screen, filter: &Input, scroll: usize) {
    let Screen { state, theme, .. } = *screen;
    let Some(inner) = frame_box(frame, screen, " Keys — type to filter ".to_owned()) else {
        return;
    };
    let width = usize::from(inner.width);
    let mut lines = vec![Line::from(vec![
        Span::styled(" filter: ", theme.dim()),
        Span::raw(filter.text.clone()),
    ])];
    let rows = help_rows(&state.keymap, &filter.text);
    let key_width = rows
        .iter()
        .map(|r| crate::view::width(&r.keys))
        .max()
        .unwrap_or(0)
        .min(width / 2);
    // Each line with its section's heading, so the heading of the first line shown stays on
    // top however far the help is scrolled.
    let mut body: Vec<(Line, Option<&str>)> = Vec::new();
    let mut last: Option<&str> = None;
    for row in &rows {
        if last != Some(row.section) {
            body.push((
                Line::from(Span::styled(
                    row.section,
                    theme.tone(crate::view::Tone::Heading),
                )),
                None,
            ));
            last = Some(row.section);
        }
        let pad = key_width.saturating_sub(crate::view::width(&row.keys));
        let spans = vec![
            Span::raw("  "),
            Span::styled(row.keys.clone(), theme.key()),
            Span::raw(" ".repeat(pad + 2)),
            Span::raw(row.help),
        ];
        body.push((Line::from(fit(spans, width)), Some(row.section)));
    }
    if rows.is_empty() {
        body.push((
            Line::from(Span::styled("  no key matches", theme.dim())),
            None,
        ));
    }
    // Scrolled to the end, the last page is full rather than one line at the top.
    let room = usize::from(inner.height).saturating_sub(1);
    let start = scroll.min(crate::app::help_last_scroll(&rows, room));
    if let Some((_, Some(section))) = body.get(start) {
        lines.push(Line::from(Span::styled(
            *section,
            theme.tone(crate::view::Tone::Heading),
        )));
    }
    lines.extend(body.into_iter().skip(start).map(|(line, _)| line));
    lines.truncate(usize::from(inner.height));
    frame.render_widget(Paragraph::new(lines), inner);
    let x = inner.x
        + 9
        + u16::try_from(crate::view::width(&filter.text[..filter.cursor])).unwrap_or(u16::MAX);
    if x < inner.right() {
        frame.set_cursor_position(Position::new(x, inner.y));
    }
}

pub fn viewer(frame: &mut Frame, screen: &Screen, v: &Viewer) {
    let theme = screen.theme;
    let name = crate::text::shown(&v.path.display().to_string()).into_owned();
    let Some(inner) = frame_box(frame, screen, format!(" {name} ")) else {
        return;
    };
    let number_width = v.lines.len().max(1).to_string().len();
    let width = usize::from(inner.width);
    let lines: Vec<Line> = v
        .lines
        .iter()
        .enumerate()
        .skip(v.top)
        .take(usize::from(inner.height))
        .map(|(i, text)| {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let marked = n >= v.highlight.0 && n <= v.highlight.1;
            let gutter = Span::styled(
                format!(
                    "{:>number_width$} {} ",
                    i + 1,
                    if marked { '▌' } else { '│' }
                ),
                if marked { theme.key() } else { theme.dim() },
            );
            let body = Span::styled(
                text.clone(),
                if marked {
                    theme.highlight()
                } else {
                    ratatui::style::Style::new()
                },
            );
            Line::from(fit(vec![gutter, body], width))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A claim's sources, one per row, the chosen one highlighted; the claim above them.
pub fn choose(frame: &mut Frame, screen: &Screen, choice: &crate::app::Choice) {
    use crate::view::{Line as ViewLine, Seg, Tone};
    let theme = screen.theme;
    let title = format!(" Follow which of {} sources? ", choice.options.len());
    let mut area = layout::overlay(screen.state.width, screen.state.height);
    let width = usize::from(area.width.saturating_sub(2));
    // Each source wrapped whole, so its locator is read, not cut: "→ " then the label, its
    // continuation rows under the label's first letter.
    let options: Vec<ViewLine> = choice
        .options
        .iter()
        .map(|(label, _)| ViewLine {
            segs: vec![Seg {
                text: format!("→ {label}"),
                tone: Tone::Plain,
            }],
            indent: 2,
            target: None,
            pos: None,
        })
        .collect();
    let rows = crate::view::wrap(&options, width);
    // As tall as the choice (the claim, then the sources), centred in the overlay's area: two
    // sources do not hide the whole screen.
    let wanted = u16::try_from(rows.len() + 3).unwrap_or(u16::MAX);
    if wanted < area.height {
        area.y += (area.height - wanted) / 2;
        area.height = wanted;
    }
    let Some(inner) = framed(frame, screen, area, title) else {
        return;
    };
    let room = usize::from(inner.height).saturating_sub(1).max(1);
    // Keep the chosen source's last row in view below the claim.
    let last_of_cursor = rows
        .iter()
        .rposition(|r| r.line == choice.cursor)
        .unwrap_or(0);
    let first = (last_of_cursor + 1).saturating_sub(room);
    let mut lines = vec![Line::from(fit(
        vec![Span::styled(choice.claim.clone(), theme.dim())],
        width,
    ))];
    for row in rows.iter().skip(first).take(room) {
        let text: String = row.segs.iter().map(|s| s.text.as_str()).collect();
        let mut line = Line::from(fit(vec![Span::raw(text)], width));
        if row.line == choice.cursor {
            line = line.style(theme.selected(true));
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn diagnostics(frame: &mut Frame, screen: &Screen, cursor: usize) {
    let Screen { catalog, theme, .. } = *screen;
    let diags = catalog.diagnostics();
    let Some(inner) = frame_box(
        frame,
        screen,
        format!(" Problems in the case files: {} ", diags.len()),
    ) else {
        return;
    };
    let width = usize::from(inner.width);
    let height = usize::from(inner.height);
    // Each problem takes two rows (message and hint); keep the selected one in view.
    let per = 2;
    let first = cursor
        .saturating_sub(height / per)
        .min(diags.len().saturating_sub((height / per).max(1)));
    let mut lines = Vec::new();
    for (i, d) in diags.iter().enumerate().skip(first) {
        let style = if d.is_error() {
            theme.error()
        } else {
            theme.warning()
        };
        let mut line = Line::from(fit(
            vec![
                Span::raw(format!("{}:{}:{} ", d.path, d.line, d.column)),
                Span::styled(d.severity.to_string(), style),
                Span::raw(format!(": {}", d.message)),
            ],
            width,
        ));
        if i == cursor {
            line = line.style(theme.selected(true));
        }
        lines.push(line);
        if let Some(h) = &d.hint {
            lines.push(Line::from(fit(
                vec![Span::styled(format!("  hint: {h}"), theme.dim())],
                width,
            )));
        }
        if lines.len() >= height {
            break;
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
