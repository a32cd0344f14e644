//! `dossier export`: references read back by real clients. pandoc's `--citeproc` turns the
//! CSL-JSON into a reference list for a Markdown report, and pandoc's BibTeX reader parses the
//! BibTeX; `serde_json` reads the CSL-JSON; hostile text stays text in every format.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::util::{Case, run_in};

fn casefiles() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("casefiles")
}

/// Export from the bundled case files.
fn export(args: &[&str]) -> String {
    let dir = casefiles();
    let mut all = vec!["export", "-C", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let run = run_in(&dir, &all);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.stdout
}

/// A bundled source's title, as its file writes it (the test compares with the case files,
/// not with a copy of a title).
fn title_of(id: &str) -> String {
    let dir = casefiles();
    let run = run_in(&dir, &["show", id, "-C", dir.to_str().unwrap(), "--json"]);
    let record: Value = serde_json::from_str(&run.stdout).unwrap();
    record["title"]
        .as_str()
        .expect("a source has a title")
        .to_owned()
}

/// Title case as the Chicago style of citeproc writes it: each word capitalised but for short
/// function words after the first.
fn title_case(title: &str) -> String {
    const SMALL: &[&str] = &[
        "a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to",
    ];
    title
        .split(' ')
        .enumerate()
        .map(|(i, w)| {
            if i > 0 && SMALL.contains(&w) {
                w.to_owned()
            } else {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// Run pandoc; a machine without it fails the test saying what to install.
fn pandoc(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("pandoc")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("pandoc is needed for this test ({e}): apt-get install pandoc"));
    assert!(
        out.status.success(),
        "pandoc {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn csl_json_carries_title_publisher_date_as_written_number_and_type() {
    let items: Value = serde_json::from_str(&export(&["--format", "csl-json"])).unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 46, "one item per source record");
    let item = items
        .iter()
        .find(|i| i["id"] == "ai-mde-14-010-2013")
        .unwrap();
    assert_eq!(item["type"], "report");
    assert_eq!(item["genre"], "press release");
    assert_eq!(item["title"], title_of("ai-mde-14-010-2013"));
    assert_eq!(item["author"][0]["literal"], "Amnesty International");
    assert_eq!(item["number"], "MDE 14/010/2013");
    // `2013-06-15/2013-12-31`: both ends, each with the parts written.
    assert_eq!(
        item["issued"]["date-parts"],
        serde_json::json!([[2013, 6, 15], [2013, 12, 31]])
    );
    // A month only stays a month, and `?` is `circa`.
    let month = items
        .iter()
        .find(|i| i["id"] == "coalition-statement-2004-07")
        .unwrap();
    assert_eq!(
        month["issued"]["date-parts"],
        serde_json::json!([[2004, 7]])
    );
}

#[test]
fn pandoc_citeproc_makes_the_reference_from_the_csl_json() {
    let case = Case::empty();
    case.write("refs.json", export(&[]));
    case.write(
        "report.md",
        "Amnesty International asked for an inquiry [@ai-mde-14-010-2013].\n",
    );
    let text = pandoc(
        case.path(),
        &[
            "--citeproc",
            "--bibliography",
            "refs.json",
            "-t",
            "plain",
            "report.md",
        ],
    );
    assert!(
        text.contains("(Amnesty International 2013)"),
        "no citation in:\n{text}"
    );
    let reference = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        reference.contains(&format!(
            "Amnesty International. 2013. “{}.” Press release MDE 14/010/2013.",
            title_case(&title_of("ai-mde-14-010-2013"))
        )),
        "no reference in:\n{text}"
    );
}

#[test]
fn bibtex_parses_with_pandocs_bibtex_reader_entry_for_entry() {
    let case = Case::empty();
    case.write("refs.bib", export(&["--format", "bibtex"]));
    let parsed: Value = serde_json::from_str(&pandoc(
        case.path(),
        &["-f", "bibtex", "-t", "csljson", "refs.bib"],
    ))
    .unwrap();
    let parsed = parsed.as_array().unwrap();
    assert_eq!(parsed.len(), 46, "every entry read back");
    let item = parsed
        .iter()
        .find(|i| i["id"] == "ai-mde-14-010-2013")
        .unwrap();
    assert_eq!(item["title"], title_of("ai-mde-14-010-2013"));
    assert_eq!(item["author"][0]["literal"], "Amnesty International");
    assert_eq!(item["number"], "MDE 14/010/2013");
    assert_eq!(item["type"], "report");
}

#[test]
fn ris_is_one_tag_a_line_and_one_record_per_source() {
    let text = export(&["--format", "ris", "ai-mde-14-010-2013"]);
    for line in text.lines().filter(|l| !l.is_empty()) {
        let (tag, _) = line.split_at(6);
        assert!(
            tag.len() == 6
                && tag[..2].chars().all(|c| c.is_ascii_alphanumeric())
                && &tag[2..] == "  - ",
            "{line:?}"
        );
    }
    assert!(
        text.starts_with("TY  - RPRT\nID  - ai-mde-14-010-2013\n"),
        "{text}"
    );
    assert!(text.contains("\nSN  - MDE 14/010/2013\n"), "{text}");
    assert!(text.contains("\nPY  - 2013\n"), "{text}");
    assert!(text.trim_end().ends_with("ER  -"), "{text}");
}

/// A query exports the sources among the records found and the sources those records cite.
#[test]
fn a_query_exports_the_sources_of_what_it_finds() {
    let items: Value = serde_json::from_str(&export(&["kolthoum"])).unwrap();
    let ids: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"ai-mde-14-010-2013"), "{ids:?}");
    assert!(ids.len() < 46, "{ids:?}");
    let run = Case::good().run(&["export", "-C", ".", "zzzzqqq"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("no source found"), "{}", run.stderr);
}

/// Hostile text: escape sequences, BibTeX's braces and specials, line breaks, a formula prefix.
/// Each format keeps it as text: no raw control character, no field or entry of its own.
#[test]
fn hostile_text_is_escaped_for_each_format() {
    let case = Case::empty();
    case.write(
        "sources/evil.yaml",
        "title: \"Evil}, author = {Mallory}\\n@misc{x, title={pwned}} \\e]52;c;aGk=\\a 50% & $x_1$ \\\\end{document}\"\npublisher: \"=cmd|' /C calc'!A0\"\ntype: press release\nissued: 2013-06?\nurl: \"https://e.org/{a} b\"\n",
    );
    let run = |format: &str| {
        let r = case.run(&["export", "-C", ".", "--format", format]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert!(
            !r.stdout.chars().any(|c| c.is_control() && c != '\n'),
            "{format}: {:?}",
            r.stdout
        );
        r.stdout
    };
    let csl: Value = serde_json::from_str(&run("csl-json")).unwrap();
    assert!(
        csl[0]["title"].as_str().unwrap().contains("\\u{1b}]52"),
        "{csl}"
    );

    let bib = run("bibtex");
    case.write("evil.bib", &bib);
    let parsed: Value = serde_json::from_str(&pandoc(
        case.path(),
        &["-f", "bibtex", "-t", "csljson", "evil.bib"],
    ))
    .unwrap();
    let parsed = parsed.as_array().unwrap();
    assert_eq!(parsed.len(), 1, "one entry, none forged: {bib}");
    assert_eq!(parsed[0]["id"], "evil");
    // The publisher is the author whole (pandoc makes the apostrophes typographic).
    let author = parsed[0]["author"][0]["literal"].as_str().unwrap();
    assert!(
        author.starts_with("=cmd|") && author.ends_with("/C calc’!A0"),
        "{author}"
    );
    assert!(
        parsed[0]["title"].as_str().unwrap().contains("Mallory"),
        "{bib}"
    );

    let ris = run("ris");
    assert_eq!(
        ris.matches("\nER  - ").count() + usize::from(ris.starts_with("ER")),
        1,
        "{ris}"
    );
    assert_eq!(ris.matches("TY  - ").count(), 1, "{ris}");
    assert!(
        ris.lines()
            .all(|l| l.is_empty() || l.as_bytes()[2..6] == *b"  - "),
        "{ris}"
    );
}
