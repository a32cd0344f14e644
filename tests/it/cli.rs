//! `list`, `show`, `search`: output for people and for scripts, exit codes, folder choice.

use std::process::{Command, Stdio};

use crate::util::{BIN, Case, run_command};

#[test]
fn list_shows_kind_id_name_and_the_fact_that_tells_records_apart() {
    let run = Case::good().run(&["list", "."]);
    assert_eq!(
        run.lines(),
        [
            "person   kolthoum-sarahati  Kolthoum Sarahati  (killed)",
            "incident rocket-attack      Rocket attack on Camp Liberty  (2013-06-15 · camp-liberty)",
            "camp     camp-liberty       Camp Liberty  (Baghdad)",
            "source   ai-release         A release about the camp  (Amnesty International · 2013-06?)",
        ]
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn list_filters_by_kind() {
    let run = Case::good().run(&["list", ".", "--kind", "camp"]);
    assert_eq!(
        run.lines(),
        ["camp     camp-liberty  Camp Liberty  (Baghdad)"]
    );
    let run = Case::good().run(&["list", ".", "-k", "group"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("`group` is not a kind"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_record_in_json_carries_id_kind_name_path_and_line() {
    let json = Case::good().run(&["list", ".", "--json"]).json();
    for r in json.as_array().unwrap() {
        assert!(
            r["id"].is_string()
                && r["kind"].is_string()
                && r["path"].is_string()
                && r["line"].is_u64(),
            "{r}"
        );
        assert!(r["name"].is_string() || r["title"].is_string(), "{r}");
    }
    let source = &json[3];
    assert_eq!(source["title"], "A release about the camp");
    assert_eq!(source["path"], "sources/ai-release.yaml");
}

#[test]
fn show_resolves_links_and_backlinks() {
    let case = Case::good();
    let run = case.run(&["show", "kolthoum-sarahati", "-C", "."]);
    assert_eq!(run.code, Some(0));
    let text = run.stdout;
    assert!(
        text.starts_with(
            "Kolthoum Sarahati  person\nkolthoum-sarahati · people/kolthoum-sarahati.yaml:1\n"
        ),
        "{text}"
    );
    assert!(text.contains("Status       killed"), "{text}");
    assert!(text.contains("  → C Camp Liberty"), "{text}");
    assert!(text.contains("Mentioned in\n  ← I Rocket attack on Camp Liberty — 2013-06-15 · camp-liberty; as victim, killed"), "{text}");

    let json = case
        .run(&["show", "rocket-attack", "-C", ".", "--json"])
        .json();
    assert_eq!(json["id"], "rocket-attack");
    assert_eq!(json["type"], "attack");
    assert_eq!(json["date"], "2013-06-15");
    assert_eq!(json["field_lines"]["participants"], 5);
    let links: Vec<(&str, &str)> = json["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["field"].as_str().unwrap(), l["id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        links,
        [
            ("camp", "camp-liberty"),
            ("participant", "kolthoum-sarahati"),
            ("cites", "ai-release")
        ]
    );
    let back = case
        .run(&["show", "ai-release", "-C", ".", "--json"])
        .json();
    assert_eq!(back["backlinks"].as_array().unwrap().len(), 3);
}

#[test]
fn show_an_unknown_id_exits_1_with_a_suggestion() {
    let run = Case::good().run(&["show", "kolthoum-sarahti", "-C", "."]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .contains("no record with id `kolthoum-sarahti`; did you mean `kolthoum-sarahati`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn search_ranks_names_first_and_exits_1_on_nothing() {
    let case = Case::good();
    let run = case.run(&["search", "-C", ".", "liberty"]);
    assert_eq!(run.lines()[0], "camp     camp-liberty       Camp Liberty");
    let run = case.run(&["search", "-C", ".", "liberty", "--kind", "person"]);
    assert_eq!(
        run.lines(),
        ["person   kolthoum-sarahati  Kolthoum Sarahati  [in text]"]
    );
    let run = case.run(&["search", "-C", ".", "zzzzqq"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
}

#[test]
fn search_json_says_what_matched_and_where() {
    let json = Case::good()
        .run(&["search", "-C", ".", "kolthum", "--json", "--limit", "1"])
        .json();
    let hits = json.as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["id"], "kolthoum-sarahati");
    assert_eq!(hits[0]["matched"], "name");
    // "kolthum" is a spelling of "Kolthoum" (issue 13): the whole word is the match.
    assert_eq!(
        hits[0]["positions"],
        serde_json::json!([0, 1, 2, 3, 4, 5, 6, 7])
    );
}

#[test]
fn folder_comes_from_the_argument_then_dossier_dir_then_casefiles() {
    let case = Case::good();
    // $DOSSIER_DIR
    let mut cmd = Command::new(BIN);
    cmd.args(["list", "--kind", "camp"])
        .env("DOSSIER_DIR", case.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    assert_eq!(run_command(cmd).stdout.lines().count(), 1);
    // ./casefiles
    let parent = tempfile::tempdir().unwrap();
    std::fs::rename(case.path(), parent.path().join("casefiles")).unwrap();
    let run = crate::util::run_in(parent.path(), &["list", "--kind", "camp"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.lines().len(), 1);
    std::fs::rename(parent.path().join("casefiles"), case.path()).unwrap();
}

#[test]
fn a_missing_folder_is_an_io_error_exit_2() {
    let case = Case::empty();
    let run = case.run(&["check", "no-such-folder"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "dossier: cannot open case files: no-such-folder: no such file or folder\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let run = Case::good().run(&["frobnicate"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    let run = Case::good().run(&["search"]);
    assert_eq!(run.code, Some(2), "{run:?}");
}

#[test]
fn output_piped_into_head_is_not_an_error() {
    let case = Case::good();
    for i in 0..300 {
        case.write(
            &format!("people/p{i:03}.yaml"),
            format!("name: Person {i}\nsources: [ai-release]\n"),
        );
    }
    let script = format!("'{BIN}' list . | head -n 1; exit ${{PIPESTATUS[0]}}");
    let mut cmd = Command::new("bash");
    cmd.args(["-c", &script])
        .current_dir(case.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let run = run_command(cmd);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout.lines().count(), 1);
    assert_eq!(run.stderr, "");
}

/// Issue 17, item 11: `list /nonexistent 2>/dev/full` panicked (exit 101), `--help` and `-V`
/// to a full disk exited 0, and `list DIR >&-` exited 0 having written nothing. Output that
/// cannot be written is exit 2, with a message where one can be written; never a panic.
#[test]
fn output_that_cannot_be_written_is_exit_2_never_a_panic() {
    let case = Case::good();
    let shell = |script: &str| {
        let mut cmd = Command::new("bash");
        cmd.args(["-c", script, BIN])
            .current_dir(case.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        run_command(cmd)
    };
    let run = shell(r#""$0" list /nonexistent 2>/dev/full"#);
    assert_eq!(run.code, Some(2), "{run:?}");
    for args in [
        "--help",
        "-h",
        "-V",
        "--version",
        "list .",
        "man",
        "--print-config",
    ] {
        let run = shell(&format!(r#""$0" {args} >/dev/full"#));
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (
                Some(2),
                "dossier: cannot write the output: no space left on device (os error 28)\n"
            ),
            "{args}"
        );
        let run = shell(&format!(r#""$0" {args} >&-"#));
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (
                Some(2),
                "dossier: cannot write the output: standard output is closed\n"
            ),
            "{args}"
        );
        // Output thrown away on purpose is not an error.
        let run = shell(&format!(r#""$0" {args} >/dev/null"#));
        assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{args}");
    }
}
