//! What `cargo deny check licenses bans` would say, offline, from `cargo metadata`: every crate
//! we build has a licence we can ship under MIT OR Apache-2.0, and the program itself links one
//! version of each crate (duplicates only where listed, with the reason).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

/// Licences whose terms allow shipping dossier under MIT OR Apache-2.0.
const ALLOWED: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "Unicode-3.0",
    "Unlicense",
    "BSL-1.0",
    "CC0-1.0",
    "0BSD",
    // File-level copyleft: unmodified, it imposes nothing on the rest of the program.
    "MPL-2.0",
];

/// Crates the program may link in two versions.
const DUPLICATES_ALLOWED: &[(&str, &str)] = &[(
    "syn",
    "build-time only: serde's derive is on syn 2, another proc-macro already on syn 3",
)];

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata gives JSON")
}

/// `MIT OR Apache-2.0`, `MIT/Apache-2.0`, `(MIT OR Apache-2.0) AND Unicode-3.0`: acceptable if
/// every AND-part has at least one allowed alternative.
fn acceptable(expr: &str) -> bool {
    let expr = expr.replace(['(', ')'], "");
    expr.split(" AND ").all(|part| {
        part.split(" OR ")
            .flat_map(|p| p.split('/'))
            .map(str::trim)
            .any(|id| ALLOWED.contains(&id))
    })
}

#[test]
fn every_dependency_has_a_licence_we_can_ship() {
    let meta = metadata();
    let mut refused = Vec::new();
    for p in meta["packages"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        match p["license"].as_str() {
            Some(l) if acceptable(l) => {}
            other => refused.push(format!("{name} {}: {other:?}", p["version"])),
        }
    }
    assert!(refused.is_empty(), "licences to review: {refused:#?}");
    assert!(acceptable("(MIT OR Apache-2.0) AND Unicode-3.0"));
    assert!(!acceptable("GPL-3.0-only"));
    assert!(!acceptable("MIT AND GPL-3.0-only"));
}

#[test]
fn the_program_links_one_version_of_each_crate() {
    let meta = metadata();
    let packages: HashMap<&str, &Value> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: HashMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    // Walk normal and build dependencies from dossier; dev-dependencies are not shipped.
    let mut seen = BTreeSet::new();
    let mut stack = vec![meta["resolve"]["root"].as_str().unwrap()];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let shipped = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if shipped {
                stack.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    let mut versions: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for id in &seen {
        let p = packages[id];
        versions
            .entry(p["name"].as_str().unwrap())
            .or_default()
            .insert(p["version"].as_str().unwrap());
    }
    let duplicates: Vec<String> = versions
        .iter()
        .filter(|(name, v)| v.len() > 1 && !DUPLICATES_ALLOWED.iter().any(|(d, _)| d == *name))
        .map(|(name, v)| format!("{name}: {v:?}"))
        .collect();
    assert!(
        duplicates.is_empty(),
        "two versions of a crate in the program: {duplicates:?}"
    );
    assert!(seen.len() > 20, "the walk found the dependency graph");
}
