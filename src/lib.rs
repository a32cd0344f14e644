//! dossier: a keyboard-driven terminal browser for case files kept as YAML, and a command line
//! for scripts. The case files themselves (records, dates, loading, the catalog, search, the
//! timeline, a record as a document) are the `dossier-core` crate; this crate is what people
//! use: the browser and the CLI.
//!
//! From `main` to a frame:
//!
//! ```text
//! main -> cli (clap) -> tui::run -> load thread  -> Catalog (core)
//!                                -> keys thread  -> keymap -> Action -> app::update -> State
//!                                -> search worker -> Results -> app::update
//!                                -> ui::render(&Screen) -> backend (SGR) -> the terminal
//! ```
//!
//! `cli` parses the command line and runs the non-interactive commands (check, list, show,
//! search) or the browser. `tui` owns the terminal, the event loop and the effects (the editor,
//! the clipboard, reloads); `app` holds the state and the one `update` that changes it; `keymap`
//! is the one table of commands and keys; `config` reads the user's config file and `palette`
//! the colours it names; `ui` draws a frame as a pure function of the state, `view` lays a
//! record's document out as the detail pane's lines, `layout` computes where each part of the
//! screen goes, and `backend` writes frames with colour codes every terminal knows; `editor`
//! builds the editor's command line, and `watch` reports changes on disk.

/// For the tests that keep a part of the README generated from the code (the key table, the
/// command names, the colour roles, the exit codes) identical to what the code does.
#[cfg(test)]
fn assert_readme_has(what: &str, text: &str) {
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(text),
        "README.md is out of date; its {what} should read:\n\n{text}"
    );
}

pub(crate) use dossier_core::{
    create, date, diagnostic, doc, export, index, index_file, load, markdown, model, schema,
    search, text, timeline,
};

mod app;
mod backend;
mod cli;
mod config;
mod editor;
mod keymap;
mod layout;
mod palette;
mod tui;
mod ui;
mod view;
mod watch;

/// The `dossier` command: parse the command line, run it, and give the exit code.
pub fn main() -> std::process::ExitCode {
    cli::main()
}

/// What the benchmark (`benches/dossier.rs`) measures inside the program; not an interface.
#[doc(hidden)]
pub mod bench {
    use crate::index::Catalog;

    /// Draw the browser's first screen for `catalog` into an off-screen terminal.
    pub fn draw_first_screen(catalog: &Catalog, width: u16, height: u16) {
        let backend = ratatui::backend::TestBackend::new(width, height);
        let Ok(mut terminal) = ratatui::Terminal::new(backend);
        let state = crate::app::State::new(catalog, width, height);
        let screen = crate::ui::Screen {
            state: &state,
            catalog,
            theme: crate::ui::Theme::new(true),
        };
        let _ = terminal.draw(|f| crate::ui::render(f, &screen));
    }
}
