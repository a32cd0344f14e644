//! Drawing: a pure function of the state and the catalog.
//!
//! Nothing here changes state or does I/O; scroll positions and the selection were settled by
//! `app::update`. Every string drawn is already terminal-safe (`text.rs`), so file content can
//! never reach the terminal as control sequences.

mod bars;
mod detail;
mod list;
mod overlay;
pub mod theme;

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::Span;

use crate::app::{Overlay, State};
use crate::index::Catalog;
pub use theme::Theme;

/// What every part of the screen is drawn from, read only.
#[derive(Clone, Copy)]
pub struct Screen<'a> {
    pub state: &'a State,
    pub catalog: &'a Catalog,
    pub theme: Theme,
}

pub fn render(frame: &mut Frame, screen: &Screen) {
    let areas = screen.state.areas();
    bars::search(frame, areas.search, screen);
    list::render(frame, areas.list, screen);
    detail::render(frame, areas.detail, screen);
    bars::status(frame, areas.status, screen);
    match &screen.state.overlay {
        Some(Overlay::Help { filter, scroll }) => overlay::help(frame, screen, filter, *scroll),
        Some(Overlay::Viewer(v)) => overlay::viewer(frame, screen, v),
        Some(Overlay::Diagnostics { cursor }) => overlay::diagnostics(frame, screen, *cursor),
        Some(Overlay::Choose(choice)) => overlay::choose(frame, screen, choice),
        None => {}
    }
}

/// The screen while the case files load: what has been read so far. Keys typed meanwhile are
/// kept and applied once the list is there.
pub fn render_loading(frame: &mut Frame, found: usize, read: usize, theme: Theme) {
    use ratatui::layout::{Constraint, Layout};
    use ratatui::widgets::Paragraph;
    let area = frame.area();
    let [top, middle] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let bar = vec![Span::styled(" / loading case files…", theme.dim())];
    frame.render_widget(
        Paragraph::new(ratatui::text::Line::from(fit(bar, usize::from(area.width)))),
        top,
    );
    let line = if found == 0 {
        "Looking for case files…".to_owned()
    } else {
        format!("Reading case files: {read} of {found}")
    };
    let [_, row, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(middle);
    let shown = fit(vec![Span::raw(line)], usize::from(area.width));
    frame.render_widget(
        Paragraph::new(ratatui::text::Line::from(shown)).centered(),
        row,
    );
}

/// A bordered pane with its title, its border lit when it has the keyboard; the area inside,
/// or `None` when there is no room inside.
fn pane(
    frame: &mut Frame,
    area: ratatui::layout::Rect,
    title: String,
    focused: bool,
    theme: Theme,
) -> Option<ratatui::layout::Rect> {
    let block = ratatui::widgets::Block::bordered()
        .title(title)
        .border_style(theme.border(focused));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    (inner.width > 0 && inner.height > 0).then_some(inner)
}

/// Cut spans to `width` columns, marking the cut with `…`.
fn fit(spans: Vec<Span<'_>>, width: usize) -> Vec<Span<'_>> {
    let total: usize = spans.iter().map(Span::width).sum();
    if total <= width {
        return spans;
    }
    let mut out = Vec::new();
    let mut used = 0;
    let budget = width.saturating_sub(1);
    for span in spans {
        let w = crate::view::width(&span.content);
        if used + w <= budget {
            used += w;
            out.push(span);
            continue;
        }
        let mut cut = String::new();
        for c in span.content.chars() {
            let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + cw > budget {
                break;
            }
            used += cw;
            cut.push(c);
        }
        out.push(Span::styled(cut, span.style));
        break;
    }
    if width > 0 {
        out.push(Span::styled("…", Style::new()));
    }
    out
}

#[cfg(test)]
mod tests {
    //! Snapshots of the main screens, drawn into ratatui's `TestBackend`. Review changes with
    //! `cargo insta review` and commit the `.snap` files with the change.

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::app::{Action, update};
    use crate::keymap::Command;
    use crate::load::Limits;

    fn catalog() -> Catalog {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
        Catalog::open(&dir, Limits::default()).expect("the good fixture loads")
    }

    fn draw(state: &State, catalog: &Catalog) -> String {
        let mut terminal = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
        terminal
            .draw(|f| {
                render(
                    f,
                    &Screen {
                        state,
                        catalog,
                        theme: Theme::new(false),
                    },
                );
            })
            .unwrap();
        terminal.backend().to_string()
    }

    #[test]
    fn main_screen_80x24() {
        let c = catalog();
        let s = State::new(&c, 80, 24);
        insta::assert_snapshot!(draw(&s, &c));
    }

    #[test]
    fn main_screen_40x12_shows_one_pane() {
        let c = catalog();
        let mut s = State::new(&c, 40, 12);
        insta::assert_snapshot!("list_40x12", draw(&s, &c));
        update(&mut s, &c, Action::Command(Command::FocusDetail));
        insta::assert_snapshot!("detail_40x12", draw(&s, &c));
    }

    #[test]
    fn incident_detail_focused_80x24() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        update(&mut s, &c, Action::Command(Command::Down));
        update(&mut s, &c, Action::Command(Command::FocusDetail));
        update(&mut s, &c, Action::Command(Command::Down));
        insta::assert_snapshot!(draw(&s, &c));
    }

    #[test]
    fn help_80x24() {
        let c = catalog();
        let mut s = State::new(&c, 80, 24);
        update(&mut s, &c, Action::Command(Command::Help));
        insta::assert_snapshot!(draw(&s, &c));
    }

    /// The claims view of an attack whose sources disagree on the toll: each figure with its
    /// sources' short titles and locators, the disputed ones marked, the range that holds both
    /// not marked.
    #[test]
    fn claims_view_80x24() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "sources/ai-release.yaml",
            "title: A release about the camp\npublisher: Amnesty International\nissued: 2013-06?\n",
        );
        write(
            "sources/other.yaml",
            "title: Another account\npublisher: Camp newsletter\n",
        );
        write(
            "incidents/rocket-attack.yaml",
            "name: Rocket attack on Camp Liberty\ndate:\n  - date: 2013-06\n    sources: [other]\n  - date: 2013-06-15?\n    sources: [ai-release]\n    inferred: the day from the release's neighbours\nfigures:\n  - what: residents killed\n    count: 2\n    sources:\n      - {source: ai-release, locator: paragraph 2}\n  - what: Residents-killed\n    count: 3\n    sources:\n      - {source: other, locator: page 4}\n      - {source: ai-release, locator: paragraph 5}\n  - what: residents killed\n    qualifier: at least\n    count: 2\n    sources: [{source: other, locator: page 1}]\nsources: [ai-release, other]\n",
        );
        let c = Catalog::open(dir.path(), Limits::default()).unwrap();
        let mut s = State::new(&c, 80, 24);
        update(&mut s, &c, Action::Command(Command::FocusDetail));
        update(&mut s, &c, Action::Command(Command::Claims));
        insta::assert_snapshot!(draw(&s, &c));
    }

    #[test]
    fn tiny_20x5() {
        let c = catalog();
        let s = State::new(&c, 20, 5);
        insta::assert_snapshot!(draw(&s, &c));
    }
}
