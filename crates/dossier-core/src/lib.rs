//! The case files themselves: everything dossier knows about records without a terminal or a
//! command line, so the browser and the CLI (the `dossier` crate) sit on top of one library and
//! neither can reach into the other.
//!
//! Data flows one way:
//!
//! ```text
//! load  ->  index  ->  search  ->  doc         ->  markdown
//! (YAML)   (Catalog)   (hits)      (a record as     (show --format markdown,
//!                      timeline     a document)      the copied citation)
//! ```
//!
//! `load` reads a folder into records and diagnostics, with the position of every field (the only
//! module that names the YAML crate); `index` builds the read-only `Catalog`: ids, links,
//! backlinks, and the search haystacks (`haystack`: each record's text folded once, by `fold`'s
//! tables of spellings that are one); `search` turns query text into ranked hits (the only
//! module that names the matcher); `timeline` orders incidents by their partial dates; `doc` lays
//! a record out as meaningful blocks, which `markdown` writes as Markdown. `model` holds the
//! records, `date` partial and uncertain dates, `text` strings made terminal-safe once, at load,
//! beside their raw form, and `diagnostic` the problems found, each at `path:line:col`.

pub mod create;
pub mod date;
pub mod diagnostic;
pub mod doc;
pub mod export;
pub mod fold;
pub mod haystack;
pub mod index;
pub mod index_file;
pub(crate) mod layered;
pub mod load;
pub mod markdown;
pub mod model;
pub(crate) mod patch;
pub mod schema;
pub mod search;
pub(crate) mod shelf;
pub mod text;
pub mod timeline;
