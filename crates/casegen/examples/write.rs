//! `cargo run --release -p casegen --example write -- DIR [RECORDS] [SEED]`: write generated
//! case files for trials and benchmarks
//! (10,000 records and seed 1 unless told), as `bench/run` does.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: casegen DIR [RECORDS] [SEED]   (an absent or empty folder; 10000 records, seed 1)";
    let (Some(dir), records, seed) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let number = |s: Option<&String>, default: u64| s.map_or(Ok(default), |s| s.parse::<u64>());
    let (Ok(records), Ok(seed)) = (number(records, 10_000), number(seed, 1)) else {
        eprintln!("casegen: RECORDS and SEED are whole numbers; {usage}");
        return ExitCode::from(2);
    };
    let records = usize::try_from(records).unwrap_or(usize::MAX);
    match casegen::write(std::path::Path::new(dir), records, seed) {
        Ok(n) => {
            println!("wrote {n} records to {dir}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("casegen: cannot generate into {dir}: {e}");
            ExitCode::from(2)
        }
    }
}
