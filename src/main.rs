//! The `dossier` command: parse the command line, run a CLI command or the browser, and map the
//! outcome to an exit code (0 ok, 1 problems found or nothing found, 2 usage or I/O error).

use std::process::ExitCode;

fn main() -> ExitCode {
    dossier::cli::main()
}
