//! Properties over random input (proptest): the loader, the query parser and search, the
//! terminal-safety filter and the date parser never panic, and what they return holds up.
//!
//! `PROPTEST_CASES=100000 cargo test --release properties` runs them for longer; a failure is
//! saved under `proptest-regressions/` and replayed by every later run.

use proptest::prelude::*;

use dossier_core::index::Catalog;
use dossier_core::load::{Limits, parse_record};
use dossier_core::model::Kind;
use dossier_core::search::{Query, Searcher};

/// Fields a record may have, and a few it may not, so that generated files reach the code
/// behind each key and the unknown-field path alike.
const KEYS: &[&str] = &[
    "name",
    "title",
    "aliases",
    "summary",
    "tags",
    "sources",
    "related",
    "status",
    "sex",
    "positions",
    "camps",
    "born",
    "type",
    "date",
    "camp",
    "place",
    "participants",
    "figures",
    "location",
    "opened",
    "population",
    "control",
    "publisher",
    "issued",
    "document",
    "url",
    "stauts",
    "id",
    "kind",
];

/// YAML scalars with the characters that break parsers and terminals.
fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 '’-]{0,12}",
        "(19|20)[0-9]{2}(-[01][0-9](-[0-3][0-9])?)?[~?]?(/\\.\\.)?",
        "\\PC{0,8}",
        Just("\u{1b}]52;c;ZXZpbA==\u{7}".to_owned()),
        Just("\u{202e}gnp.exe".to_owned()),
        Just("&a".to_owned()),
        Just("*a".to_owned()),
        Just("[".to_owned()),
        Just("{".to_owned()),
        Just("\"unclosed".to_owned()),
        Just("-1e999".to_owned()),
        Just("~".to_owned()),
    ]
}

/// A value: a scalar, a flow list, a block list, or a small mapping, nested a little.
fn value() -> impl Strategy<Value = String> {
    let leaf = scalar();
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v
                .iter()
                .map(|x| format!("\n  - {x}"))
                .collect::<Vec<_>>()
                .concat()),
            (prop::sample::select(KEYS), inner).prop_map(|(k, v)| format!("{{{k}: {v}}}")),
        ]
    })
}

/// A record file: a few `key: value` lines, sometimes with a document marker or a tab.
fn record_file() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((prop::sample::select(KEYS), value()), 0..8),
        prop_oneof![Just(""), Just("---\n"), Just("\u{feff}"), Just("\t")],
        prop_oneof![Just("\n"), Just("\r\n")],
    )
        .prop_map(|(fields, prefix, newline)| {
            let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{prefix}{}", body.join(newline))
        })
}

fn kind() -> impl Strategy<Value = Kind> {
    prop::sample::select(Kind::ALL.to_vec())
}

/// Every diagnostic points inside the file (or just past its end), with 1-based lines and
/// columns, and says something.
fn assert_diagnostics_point_into(text: &str, diags: &[dossier_core::diagnostic::Diagnostic]) {
    // YAML breaks lines at \n, \r\n and a lone \r alike (a file from an old Mac editor).
    let lines = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .count()
        .max(1)
        + 1;
    for d in diags {
        assert!(
            d.line >= 1 && (d.line as usize) <= lines,
            "{d:?} in {text:?}"
        );
        assert!(d.column >= 1, "{d:?}");
        assert!(!d.message.trim().is_empty(), "{d:?}");
    }
}

proptest! {
    #[test]
    fn structured_record_files_never_panic(text in record_file(), kind in kind()) {
        let (record, diags) = parse_record("people/x.yaml", kind, &text);
        assert_diagnostics_point_into(&text, &diags);
        if let Some(r) = record {
            // Whatever loaded is safe to draw.
            let shown = r.name.shown();
            prop_assert!(!shown.chars().any(char::is_control), "{:?}", shown);
        }
    }

    #[test]
    fn arbitrary_bytes_as_record_files_never_panic(text in "\\PC*|[\\x00-\\x7f]{0,200}", kind in kind()) {
        let (_, diags) = parse_record("people/x.yaml", kind, &text);
        assert_diagnostics_point_into(&text, &diags);
    }

    #[test]
    fn any_query_searches_without_panicking(query in "[a-z:!'^$ ,.-]{0,16}|\\PC{0,12}") {
        let catalog = good_catalog();
        let q = Query::parse(&query);
        let hits = Searcher::default().search(&catalog, &q);
        prop_assert!(hits.len() <= catalog.len());
        for h in &hits {
            let r = catalog.get(h.record);
            let len = [r.name.shown()].into_iter().chain(r.aliases.iter().map(dossier_core::text::Text::shown))
                .chain([&*r.id])
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0);
            prop_assert!(h.positions.iter().all(|&p| (p as usize) < len), "{h:?}");
        }
    }

    #[test]
    fn cleaned_text_has_nothing_a_terminal_would_act_on(s in "\\PC{0,40}|[\\x00-\\x1f\\x7f-\\u{9f}\\u{200b}-\\u{202e}]{0,20}") {
        let shown = dossier_core::text::clean(&s);
        prop_assert!(!shown.chars().any(|c| c.is_control() && c != '\n'), "{shown:?}");
        prop_assert!(!shown.contains('\u{1b}'), "{:?}", shown);
    }

    #[test]
    fn dates_parse_or_say_why_and_an_interval_never_ends_before_it_starts(s in "[0-9?~/.-]{0,24}") {
        match dossier_core::date::parse(&s) {
            Ok(span) => prop_assert!(span.earliest() <= span.latest(), "{s:?}"),
            Err(e) => prop_assert!(!e.0.is_empty()),
        }
    }
}

fn good_catalog() -> Catalog {
    Catalog::open(&crate::util::fixtures().join("good"), Limits::default()).unwrap()
}
