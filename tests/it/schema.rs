//! `dossier schema`: the JSON Schema editors check record files against, read back by an
//! independent validator (the `jsonschema` crate) on the YAML as an editor's language server
//! reads it (YAML 1.2's core types, here through `serde_yaml`): every bundled case file
//! passes, and the schema refuses what `check` refuses.

use std::path::Path;

use serde_json::Value;

use crate::util::{Case, run_in};

const KINDS: [(&str, &str); 5] = [
    ("person", "people"),
    ("incident", "incidents"),
    ("camp", "camps"),
    ("organization", "organizations"),
    ("source", "sources"),
];

/// The schema of one kind, as `dossier schema --kind KIND` prints it.
fn schema_of(kind: &str) -> Value {
    let run = Case::empty().run(&["schema", "--kind", kind]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let schema = run.json();
    jsonschema::meta::validate(&schema)
        .unwrap_or_else(|e| panic!("the {kind} schema is not a valid 2020-12 schema: {e}"));
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    schema
}

/// A YAML file as JSON, typed as YAML 1.2's core schema types it (`2013` a number,
/// `2013-09-01` a string, `yes` a string): what yaml-language-server validates.
fn as_json(yaml: &str) -> Value {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).expect("YAML");
    serde_json::to_value(value).expect("JSON")
}

/// Why the schema refuses `instance`, or nothing.
fn refusals(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn every_bundled_case_file_validates_against_its_kinds_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("casefiles");
    let mut checked = 0;
    for (kind, folder) in KINDS {
        let validator = jsonschema::validator_for(&schema_of(kind)).expect("a schema");
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let problems = refusals(&validator, &as_json(&text));
            assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 170, "only {checked} files checked");
}

/// Small records, each with what `check` says of it: accepted (warnings allowed) or refused.
/// The schema must agree on every one.
const CASES: &[(&str, &str, bool)] = &[
    // Accepted.
    ("person", "name: A\nsources: [s]\n", true),
    (
        "person",
        "name: A\nsex: female\nstatus: killed\nborn: 1960?\ndied: 2010-12-28\nsources: [{source: s, locator: p. 2}]\n",
        true,
    ),
    (
        "person",
        "name: A\nnationality: 12\naliases: [1, true, x]\nsources: [s]\n",
        true,
    ),
    (
        "person",
        "name: A\nsex:\nnationality:\nsources: [s]\n",
        true,
    ),
    (
        "person",
        "name: A\naffiliations: [PMOI, {organization: o}]\nsources: [s]\n",
        true,
    ),
    (
        "person",
        "name: A\nnationality: Iraqi\ninferred: {nationality: from his office}\nsources: [s]\n",
        true,
    ),
    (
        "incident",
        "name: I\ntype: raid\ndate: 2013\ncamp: c\nsources: [s]\n",
        true,
    ),
    (
        "incident",
        "name: I\ndate:\n  - date: 2013-09-01\n    sources: [s]\n  - date: 2013-09-02~\n    sources: [s]\nsources: [s]\n",
        true,
    ),
    (
        "incident",
        "name: I\ndate: 2011-01/2011-02\nsources: [s]\n",
        true,
    ),
    ("incident", "name: I\ndate: ../2003\nsources: [s]\n", true),
    (
        "incident",
        "name: I\nfigures:\n  - {what: killed, count: 52, qualifier: at least, date: 2013-09-01, sources: [s]}\n  - {what: hurt, qualifier: dozens}\n  - {what: held, min: 3, max: 7}\nsources: [s]\n",
        true,
    ),
    (
        "incident",
        "name: I\nparticipants:\n  - {person: p, role: victim, act: killed}\n  - {organization: o, role: alleged_perpetrator, inferred: why}\n  - {group: Iraqi forces}\nsources: [s]\n",
        true,
    ),
    (
        "camp",
        "name: C\nlocation: {country: Iraq, coordinates: {lat: 33.3, lon: 44}}\nopened: 1986\npopulation: [{what: residents, count: 3400, qualifier: about}]\ncontrol: [{by: US forces, from: 2003, to: 2009-01-01}]\nsources: [s]\n",
        true,
    ),
    (
        "organization",
        "name: O\ntype: government\ninferred: {type: why}\nsources: [s]\n",
        true,
    ),
    (
        "source",
        "title: T\npublisher: {organization: o}\ntype: report\nissued: 2009-01-01/..\nreference: 14\nurl: https://example.org/x\n",
        true,
    ),
    // Refused: unknown fields, fields of another kind, wrong types, words outside a vocabulary.
    ("person", "name: A\nnmae: B\n", false),
    ("person", "name: A\nparticipants: []\n", false),
    ("person", "name: A\naliases: 3\n", false),
    ("person", "name: [a, b]\n", false),
    ("person", "name: A\naliases: [x, null]\n", false),
    ("person", "name: A\nstatus: dead\n", false),
    ("person", "name: A\nsex: f\n", false),
    ("person", "name: A\nborn: 1960-13\n", false),
    ("person", "name: A\nborn: 60\n", false),
    ("person", "name: A\nborn:\n", false),
    ("person", "name: A\nborn: true\n", false),
    ("person", "name: A\ninferred: {aliases: why}\n", false),
    ("person", "name: A\ninferred: {colour: why}\n", false),
    ("person", "name: A\ninferred: [nationality]\n", false),
    (
        "person",
        "name: A\nsources: [{source: s, page: 3}]\n",
        false,
    ),
    ("person", "name: A\nsources: [true]\n", false),
    ("person", "name: A\nsources: s\n", false),
    (
        "person",
        "name: A\naffiliations: [{organisation: o}]\n",
        false,
    ),
    ("person", "aliases: [A]\n", false),
    ("person", "name:\n", false),
    ("person", "- name: A\n", false),
    ("incident", "name: I\ntype: massacre\n", false),
    ("incident", "name: I\nfigures: [{what: x, cnt: 3}]\n", false),
    (
        "incident",
        "name: I\nfigures: [{what: x, count: many}]\n",
        false,
    ),
    (
        "incident",
        "name: I\nfigures: [{what: x, count: -3}]\n",
        false,
    ),
    (
        "incident",
        "name: I\nfigures: [{what: x, count: 3, qualifier: roughly}]\n",
        false,
    ),
    (
        "incident",
        "name: I\nparticipants: [{person: p, rol: victim}]\n",
        false,
    ),
    ("incident", "name: I\ndate: [2013]\n", false),
    ("incident", "name: I\ndate: 2013-09-01/2013/01\n", false),
    (
        "camp",
        "name: C\nlocation: {coordinates: {lat: north, lon: 44}}\n",
        false,
    ),
    (
        "camp",
        "name: C\nlocation: {country: Iraq, city: Baghdad}\n",
        false,
    ),
    ("camp", "name: C\ncontrol: [{from: 2003}]\n", false),
    ("organization", "name: O\nissued: 2013\n", false),
    ("source", "title: T\npublisher: true\n", false),
    ("source", "name: T\ntitle: T\n", false),
    ("source", "publisher: X\n", false),
    ("source", "title: T\nissued: 2013-02-30x\n", false),
];

/// What `check` refuses, the schema refuses, for every case above; and what it accepts, the
/// schema accepts.
#[test]
fn the_schema_refuses_what_check_refuses_and_accepts_what_it_accepts() {
    let case = Case::empty();
    // The records the cases link to, so that no case fails for a dangling link.
    case.write("sources/s.yaml", "title: S\n");
    case.write("people/p.yaml", "name: P\nsources: [s]\n");
    case.write("camps/c.yaml", "name: C\nsources: [s]\n");
    case.write("organizations/o.yaml", "name: O\nsources: [s]\n");
    let folder = |kind: &str| KINDS.iter().find(|(k, _)| *k == kind).unwrap().1;
    for (n, (kind, yaml, _)) in CASES.iter().enumerate() {
        case.write(&format!("{}/case-{n}.yaml", folder(kind)), yaml);
    }
    let run = case.run(&["check", "-C", ".", "--json"]);
    let report = run.json();
    let refused_by_check = |n: usize| {
        report["diagnostics"].as_array().unwrap().iter().any(|d| {
            d["severity"] == "error"
                && d["path"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/case-{n}.yaml"))
        })
    };
    let validators: Vec<(&str, jsonschema::Validator)> = KINDS
        .iter()
        .map(|(k, _)| (*k, jsonschema::validator_for(&schema_of(k)).unwrap()))
        .collect();
    let validator = |kind: &str| &validators.iter().find(|(k, _)| *k == kind).unwrap().1;
    let mut wrong = Vec::new();
    for (n, (kind, yaml, accepted)) in CASES.iter().enumerate() {
        let by_check = !refused_by_check(n);
        let problems = refusals(validator(kind), &as_json(yaml));
        let by_schema = problems.is_empty();
        if by_check != *accepted || by_schema != *accepted {
            wrong.push(format!(
                "{kind} {yaml:?}: expected {}, check {}, schema {} {problems:?}",
                verdict(*accepted),
                verdict(by_check),
                verdict(by_schema)
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}\n{}", run.stdout);
}

fn verdict(accepted: bool) -> &'static str {
    if accepted { "accepted" } else { "refused" }
}

#[test]
fn schema_out_writes_one_file_per_kind_and_one_for_all() {
    let case = Case::empty();
    let run = run_in(case.path(), &["schema", "--out", "schemas"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for (kind, _) in KINDS {
        let path = case.path().join(format!("schemas/{kind}.schema.json"));
        let text = std::fs::read_to_string(&path).unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(schema["title"], format!("dossier {kind} record"));
    }
    let all: Value = serde_json::from_str(
        &std::fs::read_to_string(case.path().join("schemas/dossier.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::meta::validate(&all).unwrap();
    assert!(jsonschema::is_valid(
        &all,
        &as_json("title: T\npublisher: X\n")
    ));
    assert!(!jsonschema::is_valid(&all, &as_json("name: A\nnmae: B\n")));
}

/// Hover text in an editor comes from the loader's own doc comments.
#[test]
fn fields_carry_their_descriptions_for_hover() {
    let person = schema_of("person");
    let status = person["properties"]["status"]["description"]
        .as_str()
        .unwrap();
    assert!(status.contains("What became of the person"), "{status}");
    let incident = schema_of("incident");
    let kinds = incident["properties"]["type"]["enum"].as_array().unwrap();
    assert!(kinds.iter().any(|k| k == "raid"), "{kinds:?}");
}
