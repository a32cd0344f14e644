//! The index file (`src/index_file.rs`) is read back only by a build of the same source: its
//! header carries a hash of this crate's `src/` and of the versions of every crate it is built
//! with (`Cargo.lock`), so a change to how files are read or how a record is laid out, ours or
//! a dependency's, starts a new index rather than misreading an old one.

use std::hash::{Hash, Hasher};

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=../../Cargo.lock");
    let mut files: Vec<_> = std::fs::read_dir("src")
        .expect("src/ is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::env::var("CARGO_PKG_VERSION")
        .unwrap_or_default()
        .hash(&mut h);
    // The workspace's lock file, when built inside it (a published crate has none).
    std::fs::read("../../Cargo.lock")
        .unwrap_or_default()
        .hash(&mut h);
    for f in files {
        std::fs::read(&f).expect("source is readable").hash(&mut h);
    }
    println!("cargo:rustc-env=DOSSIER_INDEX_BUILD={:016x}", h.finish());
}
