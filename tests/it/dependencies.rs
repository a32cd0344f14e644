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
    // MIT without the attribution clause (borrow-or-share, under the tests' JSON Schema validator).
    "MIT-0",
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

/// Every package a package pulls into what it builds (normal and build dependencies; not
/// dev-dependencies, which are not shipped), by package id.
fn shipped<'m>(meta: &'m Value, root: &'m str) -> BTreeSet<&'m str> {
    let nodes: HashMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
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
    seen
}

fn packages(meta: &Value) -> HashMap<&str, &Value> {
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect()
}

/// The id of the workspace package called `name`.
fn package_id<'m>(meta: &'m Value, name: &str) -> &'m str {
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["id"].as_str())
        .unwrap_or_else(|| panic!("no package {name}"))
}

#[test]
fn the_program_links_one_version_of_each_crate() {
    let meta = metadata();
    let packages = packages(&meta);
    let seen = shipped(&meta, package_id(&meta, "dossier"));
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
    // The benchmark's generator is not part of what ships.
    assert!(
        !versions.contains_key("casegen"),
        "casegen is in the program"
    );
}

#[test]
fn the_core_crate_knows_no_terminal_and_no_command_line() {
    let meta = metadata();
    let packages = packages(&meta);
    let names: BTreeSet<&str> = shipped(&meta, package_id(&meta, "dossier-core"))
        .into_iter()
        .map(|id| packages[id]["name"].as_str().unwrap())
        .collect();
    for outside in [
        "ratatui",
        "crossterm",
        "clap",
        "clap_complete",
        "clap_mangen",
        "notify",
        "signal-hook",
        "toml",
        "anyhow",
    ] {
        assert!(
            !names.contains(outside),
            "dossier-core depends on {outside}: {names:?}"
        );
    }
    assert!(names.contains("serde-saphyr") && names.contains("nucleo-matcher"));
}

/// `crate::name` references between the modules of one crate's `src/` (a file in `src/ui/` is
/// part of `ui`), as edges from module to module.
fn module_edges(src: &std::path::Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap();
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        // Only the code, not the tests beside it: a test may use anything.
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            let name: String = code[at + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != module && name != "assert_readme_has" {
                edges.entry(module.clone()).or_default().insert(name);
            }
        }
        // `use crate::{a, b}` lists.
        for (at, _) in code.match_indices("use crate::{") {
            let list: String = code[at + 12..].chars().take_while(|c| *c != '}').collect();
            for name in list
                .split(',')
                .map(|n| n.trim().split("::").next().unwrap_or(""))
            {
                if !name.is_empty() && name != module {
                    edges
                        .entry(module.clone())
                        .or_default()
                        .insert(name.to_owned());
                }
            }
        }
    }
    edges
}

/// A cycle in the graph, if there is one: the modules around it.
fn a_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|n| visit(n, edges, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_of_either_crate_depends_on_itself_through_another() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for src in [root.join("src"), root.join("crates/dossier-core/src")] {
        let edges = module_edges(&src);
        assert!(edges.len() > 5, "read the modules of {}", src.display());
        if let Some(cycle) = a_cycle(&edges) {
            panic!("a cycle in {}: {}", src.display(), cycle.join(" -> "));
        }
    }
}
