//! `dossier check` on a folder with one kind of bad input beside good records: the exact
//! `path:line:col` diagnostic, exit code 1, and the good records still loaded.

use crate::util::{Case, TIME_LIMIT, assert_good_records_load};

/// Check the folder, assert the diagnostic lines (hints excluded) and the summary's counts.
pub fn check(case: &Case, expected: &[&str]) {
    let run = case.run(&["check", "."]);
    let diagnostics: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .collect();
    assert_eq!(diagnostics, expected, "stdout:\n{}", run.stdout);
    let errors = expected.iter().filter(|l| l.contains(": error: ")).count();
    let summary = run.lines().last().copied().unwrap_or_default().to_owned();
    assert!(summary.starts_with("checked "), "{summary}");
    assert!(summary.contains(&format!(": {errors} error")), "{summary}");
    assert_eq!(run.code, Some(i32::from(errors > 0)), "{run:?}");
    assert!(run.elapsed < TIME_LIMIT);
    assert_good_records_load(case);
}

#[test]
fn a_good_folder_checks_clean() {
    let run = Case::good().run(&["check", "."]);
    assert_eq!(run.lines(), [run.lines()[0]]);
    assert!(
        run.stdout
            .starts_with("checked 4 records (1 person, 1 incident, 1 camp, 1 source) in "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(": 0 errors, 0 warnings\n"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn broken_yaml() {
    check(
        &Case::bad("broken-yaml"),
        &["people/broken.yaml:3:7: error: illegal placement of ':' indicator"],
    );
}

#[test]
fn duplicate_key() {
    check(
        &Case::bad("duplicate-key"),
        &["people/twice.yaml:3:1: error: duplicate key `status`"],
    );
}

#[test]
fn duplicate_id_across_kinds() {
    let case = Case::bad("duplicate-id");
    let run = case.run(&["check", "."]);
    assert!(
        run.stdout.contains("people/kolthoum-sarahati.yaml:1:1: error: duplicate id `kolthoum-sarahati`: also used by camps/kolthoum-sarahati.yaml"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, Some(1));
    // The first file keeps the id; the rest of the folder loads.
    let ids = crate::util::listed_ids(&case);
    for id in [
        "rocket-attack",
        "camp-liberty",
        "ai-release",
        "kolthoum-sarahati",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id} in {ids:?}");
    }
}

#[test]
fn unknown_field_with_a_suggestion() {
    let case = Case::bad("unknown-field");
    check(
        &case,
        &["people/typo.yaml:2:1: error: unknown field `satus` in a person record"],
    );
    assert!(
        case.run(&["check", "."])
            .stdout
            .contains("  hint: did you mean `status`?")
    );
}

#[test]
fn dangling_links() {
    let case = Case::bad("dangling-link");
    check(
        &case,
        &[
            "incidents/raid.yaml:4:7: error: no camp with id `camp-libery`",
            "incidents/raid.yaml:6:13: error: no person with id `nobody-on-file`",
        ],
    );
    assert!(
        case.run(&["check", "."])
            .stdout
            .contains("  hint: did you mean `camp-liberty`?")
    );
}

#[test]
fn bad_date() {
    check(
        &Case::bad("bad-date"),
        &[
            "incidents/wrong-date.yaml:3:7: error: bad date: day 30 is out of range in `2013-02-30` (1-28)",
        ],
    );
}

#[test]
fn alias_bomb_ends_fast() {
    check(
        &Case::bad("alias-bomb"),
        &[
            "people/bomb.yaml:3:11: error: in `notes`: expected a single value, not a list or mapping",
            "people/flood.yaml:3:4008: error: too many aliases (`*name`): 1001; the limit is 1000",
        ],
    );
}

#[test]
fn deep_nesting_ends_fast() {
    let case = Case::good();
    let deep = format!(
        "name: Deep\ntags: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    case.write("people/deep.yaml", deep);
    check(&case, &["people/deep.yaml:2:39: error: nesting too deep"]);
}

#[test]
fn non_utf8_bytes_point_at_the_first_bad_byte() {
    check(
        &Case::bad("non-utf8"),
        &["people/latin1.yaml:1:15: error: file is not valid UTF-8"],
    );
}

#[test]
fn byte_order_mark_is_accepted_and_lines_stay_right() {
    let case = Case::bad("bom");
    check(&case, &[]);
    let run = case.run(&["show", "bom", "-C", ".", "--json"]);
    let json = run.json();
    assert_eq!(json["name"], "With a byte-order mark");
    assert_eq!(json["field_lines"]["status"], 2);
}

#[test]
fn empty_file() {
    check(
        &Case::bad("empty-file"),
        &["people/empty.yaml:1:1: error: the file is empty"],
    );
}

#[test]
fn record_without_source_is_a_warning_not_an_error() {
    let case = Case::good();
    case.write("people/unsourced.yaml", "name: Nobody Cites Me\n");
    check(
        &case,
        &["people/unsourced.yaml:1:1: warning: person record cites no source"],
    );
}

#[test]
fn every_problem_in_a_folder_is_reported_at_once() {
    let case = Case::good();
    for fixture in ["unknown-field", "bad-date", "duplicate-key"] {
        crate::util::overlay(&case, fixture);
    }
    let run = case.run(&["check", "."]);
    let errors: Vec<&str> = run
        .lines()
        .into_iter()
        .filter(|l| l.contains(": error: "))
        .collect();
    assert_eq!(errors.len(), 3, "{}", run.stdout);
    assert!(run.stdout.ends_with(": 3 errors, 0 warnings\n"));
}

#[test]
fn json_report_for_tools() {
    let run = Case::bad("unknown-field").run(&["check", ".", "--json"]);
    assert_eq!(run.code, Some(1));
    let json = run.json();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["warnings"], 0);
    assert_eq!(json["records"], 5);
    assert_eq!(json["counts"]["person"], 2);
    let d = &json["diagnostics"][0];
    assert_eq!(d["path"], "people/typo.yaml");
    assert_eq!(d["line"], 2);
    assert_eq!(d["column"], 1);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["hint"], "did you mean `status`?");
}

#[test]
fn a_stray_yaml_file_outside_the_kind_folders_is_warned_about() {
    let case = Case::good();
    case.write("person/lost.yaml", "name: Lost\n");
    check(
        &case,
        &["person/lost.yaml:1:1: warning: not in a record folder; skipped"],
    );
    assert!(
        case.run(&["check", "."])
            .stdout
            .contains("did you mean the folder `people/`?")
    );
}

#[test]
fn a_file_over_the_size_cap_is_refused_unless_the_cap_is_raised() {
    let case = Case::good();
    let big = format!(
        "name: Big\nsources: [ai-release]\nsummary: \"{}\"\n",
        "x".repeat(200_000)
    );
    case.write("people/big.yaml", &big);
    let run = case.run(&["check", ".", "--max-file-size", "100000"]);
    assert!(
        run.stdout.contains("people/big.yaml:1:1: error: file is "),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(
        case.run(&["check", ".", "--max-file-size", "1000000"]).code,
        Some(0)
    );
}

/// The bundled Camp Ashraf and Camp Liberty case files are the README's first run: they must
/// load without a single error or warning.
#[test]
fn the_bundled_casefiles_check_clean() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = crate::util::run_in(root, &["check", "casefiles"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(run.lines().len(), 1, "{}", run.stdout);
    assert!(
        run.stdout.ends_with(": 0 errors, 0 warnings\n"),
        "{}",
        run.stdout
    );
    let counts = run.stdout.split(" in ").next().unwrap_or_default();
    // Every kind is represented, and the two camps the files are about are there.
    for kind in ["people", "incidents", "camps", "sources"] {
        assert!(counts.contains(kind), "{counts}");
    }
    let show = crate::util::run_in(root, &["show", "camp-liberty", "-C", "casefiles", "--json"]);
    assert_eq!(show.code, Some(0), "{}", show.stdout);
}
