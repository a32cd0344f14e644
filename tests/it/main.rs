//! End-to-end tests: the real `dossier` binary on real folders of case files.
//!
//! One test binary with a module per area (ripgrep's layout); `util` builds the folders and
//! runs the binary with a time limit.

mod check;
mod claims;
mod cli;
mod command_line;
mod config;
mod conventions;
mod dependencies;
mod export;
mod generate;
mod hostile;
mod index;
mod new;
mod properties;
mod pty;
mod references;
mod reload;
mod schema;
mod search;
mod ssh;
mod timeline;
mod tmux;
mod tui;
mod tui_safety;
mod typing;
mod util;
