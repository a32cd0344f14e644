//! The search bar (top row) and the status bar (bottom row).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Screen, Theme, fit};
use crate::app::{Mode, State};
use crate::diagnostic::{Tally, plural};
use crate::index::Catalog;
use crate::keymap::{Command, Context, Keymap};

/// The search bar: the prompt, the scope chip, the query (selected, when typing will replace
/// it), and on the right the view, the kind filter and the count.
pub fn search(frame: &mut Frame, area: Rect, screen: &Screen) {
    let Screen {
        state,
        catalog,
        theme,
    } = *screen;
    if area.height == 0 {
        return;
    }
    let typing = state.mode == Mode::Search && state.overlay.is_none();
    let mut right = Vec::new();
    if state.timeline {
        right.push(Span::styled("[timeline] ", theme.key()));
    } else if let Some(k) = state.kind {
        right.push(Span::styled(format!("[{}] ", k.folder()), theme.kind(k)));
    }
    if state.search_pending() {
        right.push(Span::styled("… ", theme.dim()));
    }
    right.push(Span::styled(
        format!("{}/{} ", state.results.hits.len(), catalog.len()),
        theme.dim(),
    ));
    let right_width: usize = right.iter().map(Span::width).sum();

    let prompt = Span::styled(" / ", if typing { theme.key() } else { theme.dim() });
    let left_width = usize::from(area.width).saturating_sub(right_width + 1);
    let mut left = vec![prompt];
    let chip = scope_chip(state, catalog);
    if let Some(chip) = &chip {
        left.push(Span::styled(chip.clone(), theme.chip()));
        left.push(Span::raw(" "));
    }
    if state.input.text.is_empty() {
        if chip.is_none() || !typing {
            left.push(Span::styled(placeholder(state), theme.dim()));
        }
    } else if state.input.selected && typing {
        left.push(Span::styled(state.input.text.clone(), theme.selected(true)));
    } else {
        left.push(Span::raw(state.input.text.clone()));
    }
    let left = fit(left, left_width);
    let pad = usize::from(area.width)
        .saturating_sub(left.iter().map(Span::width).sum::<usize>() + right_width);
    let mut spans = left;
    spans.push(Span::raw(" ".repeat(pad)));
    spans.extend(right);
    frame.render_widget(
        Paragraph::new(Line::from(fit(spans, usize::from(area.width)))),
        area,
    );

    if typing {
        let chip_width = chip.map_or(0, |c| crate::view::width(&c) + 1);
        let before = crate::view::width(&state.input.text[..state.input.cursor]);
        let x = usize::from(area.x) + 3 + chip_width + before;
        if let Ok(x) = u16::try_from(x)
            && x < area.right()
        {
            frame.set_cursor_position(Position::new(x, area.y));
        }
    }
}

/// The scope of the search as a chip: `person: Kolthoum Sarahati ×`.
fn scope_chip(state: &State, catalog: &Catalog) -> Option<String> {
    let scope = state.scope.as_ref()?;
    let name = catalog.by_id(&scope.id).map_or_else(
        || crate::text::shown(&scope.id).into_owned(),
        |r| r.name.shown().to_owned(),
    );
    Some(format!(" {}: {name} × ", scope.kind.name()))
}

/// The mode, always on screen: in the search box letters are text, in the detail pane they
/// are commands, and a user should never have to guess which.
fn mode_badge(state: &State) -> &'static str {
    match state.context() {
        Context::Search | Context::Global => " SEARCH ",
        Context::Detail => " READ ",
        Context::Help => " HELP ",
        Context::Viewer => " VIEW ",
        Context::Diagnostics => " PROBLEMS ",
        Context::Choose => " CHOOSE ",
    }
}

pub fn status(frame: &mut Frame, area: Rect, screen: &Screen) {
    let Screen {
        state,
        catalog,
        theme,
    } = *screen;
    if area.height == 0 {
        return;
    }
    let mut left = vec![Span::styled(mode_badge(state), theme.badge())];
    if let Some(m) = &state.message {
        left.push(Span::styled(format!(" {m}"), theme.warning()));
    } else if let Some(r) = state.reading {
        left.push(Span::styled(
            format!(
                " reading case files: {} of {}; the list fills in",
                r.read, r.found
            ),
            theme.dim(),
        ));
    } else if let Some(note) = state.results.notes.first() {
        let more = match state.results.notes.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        left.push(Span::styled(format!(" {note}{more}"), theme.warning()));
    } else if let Some(note) = weaker_note(state) {
        left.push(Span::styled(note, theme.dim()));
    } else if let Some(spans) = snippet(state, catalog, theme, usize::from(area.width)) {
        left.extend(spans);
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
                    hint_key(&state.keymap, state.context(), Command::Diagnostics)
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
    let left_width: usize = left.iter().map(Span::width).sum();
    let right_width: usize = right.iter().map(Span::width).sum();
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

/// How many weak matches the list leaves out and the key that shows them, or that they are
/// shown, last. Nothing when every match is weak (the notes say so, and they are listed).
fn weaker_note(state: &State) -> Option<String> {
    let results = &state.results;
    let n = results.weaker;
    if n == 0 || results.hits.len() == n {
        return None;
    }
    let key = hint_key(&state.keymap, state.context(), Command::WeakMatches);
    let matches = if n == 1 { "match" } else { "matches" };
    Some(match (results.weak_shown, key.is_empty()) {
        (false, false) => format!(" +{n} weaker {matches}, {key} to show"),
        (false, true) => format!(" +{n} weaker {matches} left out"),
        (true, false) => format!(" {n} weaker {matches} shown last, {key} hides them"),
        (true, true) => format!(" {n} weaker {matches} shown last"),
    })
}

/// Where the words of the query appear in the record selected, when some matched outside its
/// name: the field and a line of it around them (`notes: …named after Ashraf Rajavi.`).
/// On a narrow screen the line starts nearer the words, so that they are seen.
fn snippet(
    state: &State,
    catalog: &Catalog,
    theme: Theme,
    width: usize,
) -> Option<Vec<Span<'static>>> {
    let hit = state.results.hits.get(state.cursor)?;
    if state.selected() != state.current_idx(catalog) {
        return None;
    }
    let query = crate::search::Query::parse(&state.results.query);
    let found = crate::search::snippet(catalog, &query, hit)?;
    let label = format!(" {}: ", found.field);
    let room = width.saturating_sub(mode_badge(state).len() + crate::view::width(&label));
    let first = found.positions.first().map_or(0, |&p| p as usize);
    let word = found
        .positions
        .iter()
        .enumerate()
        .take_while(|&(i, &p)| p as usize == first + i)
        .count();
    // Cut the context before the first word until the word fits, with a letter to spare.
    let cut = (first + word + 2)
        .saturating_sub(room)
        .min(first.saturating_sub(1));
    let (text, positions) = if cut > 0 {
        let text: String = std::iter::once('…')
            .chain(found.text.chars().skip(cut + 1))
            .collect();
        let positions: Vec<u32> = found.positions.iter().map(|&p| p - cut as u32).collect();
        (text, positions)
    } else {
        (found.text, found.positions)
    };
    let mut spans = vec![Span::styled(label, theme.dim())];
    spans.extend(super::list::highlighted(
        &text,
        &positions,
        theme.dim(),
        theme.matched(),
    ));
    Some(spans)
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
    if state.mode == Mode::Detail {
        let back = hint_key(keymap, Context::Detail, Command::FocusList);
        return format!("{back} goes back to the search box");
    }
    let key = |c: Command| hint_key(keymap, Context::Search, c);
    let mut parts = Vec::new();
    if state.timeline {
        parts.push("type to filter the timeline".to_owned());
        let leave = key(Command::Timeline);
        if !leave.is_empty() {
            parts.push(format!("{leave} leaves it"));
        }
    } else {
        parts.push("type a name, a date, a word".to_owned());
        let read = key(Command::FocusDetail);
        if !read.is_empty() {
            parts.push(format!("↓↑ {read} read"));
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
        Context::Search | Context::Global => &[
            (Command::FocusDetail, "read"),
            (Command::CopyCitation, "cite"),
            (Command::Edit, "edit"),
            (Command::Clear, "clear"),
            (Command::Help, "keys"),
            (Command::Quit, "quit"),
        ],
        Context::Detail => &[
            (Command::Open, "follow"),
            (Command::CopyCitation, "cite"),
            (Command::Edit, "edit"),
            (Command::Back, "back"),
            (Command::FocusList, "search"),
            (Command::Help, "keys"),
            (Command::Quit, "quit"),
        ],
        Context::Help => &[(Command::Close, "close")],
        Context::Choose => &[(Command::Open, "follow"), (Command::Close, "close")],
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
