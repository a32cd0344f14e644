//! dossier: a keyboard-driven terminal browser for case files kept as YAML.
//!
//! Data flows one way:
//!
//! ```text
//! load  ->  index  ->  search  ->  app (state, update)  ->  ui (render)
//! (YAML)   (Catalog)   (hits)      view (record lines)      (Frame)
//! ```
//!
//! `load` reads a folder into records and diagnostics; `index` builds the read-only `Catalog`
//! (ids, links, backlinks, search haystacks); `search` turns query text into ranked hits; `view`
//! lays a record out as lines for the detail pane and `dossier show`, and `markdown` turns those
//! lines into a document. The CLI (`cli`) and the terminal browser both sit on top of these.
//! `config` reads the user's keys, editor and colours for the browser; `backend` writes its
//! frames to the terminal; `watch` tells it when files change; `timeline` orders incidents by date.

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

pub mod app;
pub mod backend;
pub mod cli;
pub mod config;
pub mod date;
pub mod diagnostic;
pub mod doc;
pub mod editor;
pub mod generate;
pub mod index;
pub mod keymap;
pub mod layout;
pub mod load;
pub mod markdown;
pub mod model;
pub mod palette;
pub mod search;
pub mod text;
pub mod timeline;
pub mod tui;
pub mod ui;
pub mod view;
pub mod watch;
