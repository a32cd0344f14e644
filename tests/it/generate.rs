//! The benchmark's generated case files (`casegen`, outside the `dossier` program): they load
//! clean in the real `dossier check`, the same seed gives the same files, and nothing is ever
//! written over an existing folder's contents.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::Case;

/// Every file under `dir`, by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk the generated folder"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (rel.display().to_string(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn generate(case: &Case, out: &str, records: usize, seed: u64) {
    let written = casegen::write(&case.path().join(out), records, seed).expect("generate");
    assert_eq!(written, records);
}

#[test]
fn two_hundred_generated_records_check_clean() {
    let case = Case::empty();
    generate(&case, "cases", 200, 7);
    let files = tree(&case.path().join("cases"));
    assert_eq!(files.len(), 200);
    for folder in ["people/", "incidents/", "camps/", "sources/"] {
        assert!(
            files.keys().any(|k| k.starts_with(folder)),
            "nothing in {folder}"
        );
    }
    let run = case.run(&["check", "cases"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(
        run.stdout.starts_with("checked 200 records (")
            && run.stdout.ends_with(": 0 errors, 0 warnings\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_smallest_useful_folder_checks_clean_too() {
    let case = Case::empty();
    generate(&case, "cases", 10, 1);
    let run = case.run(&["check", "cases"]);
    assert!(
        run.stdout.ends_with(": 0 errors, 0 warnings\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_same_seed_writes_identical_files_and_another_seed_does_not() {
    let case = Case::empty();
    generate(&case, "a", 300, 42);
    generate(&case, "b", 300, 42);
    generate(&case, "c", 300, 43);
    let (a, b, c) = (
        tree(&case.path().join("a")),
        tree(&case.path().join("b")),
        tree(&case.path().join("c")),
    );
    assert_eq!(a.len(), 300);
    assert!(a == b, "the same seed gave different files");
    assert!(a != c, "different seeds gave the same files");
}

#[test]
fn an_existing_empty_folder_is_used() {
    let case = Case::empty();
    std::fs::create_dir(case.path().join("empty")).unwrap();
    generate(&case, "empty", 20, 1);
    assert_eq!(tree(&case.path().join("empty")).len(), 20);
}

#[test]
fn a_folder_with_files_in_it_is_refused_and_left_alone() {
    let case = Case::good();
    let before = tree(case.path());
    let refused = casegen::write(case.path(), 50, 1).expect_err("a folder with files is refused");
    assert!(refused.to_string().contains("not empty"), "{refused}");
    assert_eq!(tree(case.path()), before, "the folder was changed");
}
