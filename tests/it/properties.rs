//! Properties over random input (proptest): the loader, the query parser and search, the
//! terminal-safety filter and the date parser never panic, and what they return holds up; and
//! search's folding (issue 13) never loses a match: folding and keys are idempotent, any part of
//! a name finds it, a spelling the table allows finds it, and typing narrows to exactly what a
//! fresh search finds.
//!
//! `PROPTEST_CASES=100000 cargo test --release properties` runs them for longer; a failure is
//! saved under `proptest-regressions/` and replayed by every later run.

use proptest::prelude::*;

use dossier_core::index::Catalog;
use dossier_core::load::{Limits, parse_record};
use dossier_core::model::Kind;
use dossier_core::search::{Incremental, Query, Searcher};

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

/// A small catalog with one person named `name`, beside two others.
fn catalog_with(name: &str) -> Catalog {
    let yaml_name = serde_json::to_string(name).expect("a JSON string is a YAML string");
    let files = [
        ("sources/s.yaml", "title: A source\n".to_owned()),
        (
            "people/p.yaml",
            format!("name: {yaml_name}\nsources: [s]\n"),
        ),
        (
            "people/other.yaml",
            "name: Camp Liberty Resident\nsources: [s]\n".to_owned(),
        ),
    ];
    let mut records = Vec::new();
    for (path, text) in files {
        let kind = Kind::from_folder(path.split('/').next().expect("a folder")).expect("a kind");
        records.extend(parse_record(path, kind, &text).0);
    }
    Catalog::build(std::path::PathBuf::from("/x"), records, vec![])
}

fn finds_p(catalog: &Catalog, query: &str) -> bool {
    Searcher::default()
        .search(catalog, &Query::parse(query))
        .iter()
        .any(|h| &*catalog.get(h.record).id == "p")
}

/// Name-like words: the letters and marks transliterations use, Arabic script, digits.
fn name_word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Zāīūḥṣṭẓéèüö’ʿ'-]{1,10}",
        "[a-z]{2,8}",
        "[اأإآبتثجحخدذرزسشصضطظعغفقكلمنهوىيیکةئؤءـَُِ]{1,8}",
        "[0-9]{1,4}",
    ]
}

/// The spellings the folding table says are one (each applied where the word has it).
const SUBSTITUTIONS: &[(&str, &str)] = &[
    ("ee", "i"),
    ("i", "ee"),
    ("ou", "oo"),
    ("oo", "u"),
    ("u", "o"),
    ("e", "a"),
    ("a", "e"),
    ("ei", "ey"),
    ("ai", "ei"),
    ("th", "s"),
    ("dh", "z"),
    ("gh", "q"),
    ("j", "dj"),
    ("w", "v"),
    ("m", "mm"),
    ("ss", "s"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn folding_twice_is_folding_once(s in "\\PC{0,24}") {
        let once = dossier_core::fold::fold(&s);
        prop_assert_eq!(dossier_core::fold::fold(&once), once);
    }

    #[test]
    fn a_key_of_a_key_is_the_key(word in "[a-z]{1,12}|[a-zāīūéöʿ’-]{1,12}") {
        let folded = dossier_core::fold::fold(&word);
        for token in folded.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()) {
            let key = dossier_core::fold::word_key(token);
            prop_assert_eq!(dossier_core::fold::word_key(&key), key.clone(), "{}", token);
        }
    }

    /// Folding never makes a matching query stop matching: any part of a name, typed with
    /// any case, finds the name.
    #[test]
    fn any_part_of_a_name_finds_it(
        words in prop::collection::vec(name_word(), 1..4),
        start in 0usize..40,
        len in 1usize..12,
        upper in any::<bool>(),
    ) {
        let name = words.join(" ");
        let chars: Vec<char> = name.chars().collect();
        let start = start % chars.len();
        let part: String = chars[start..(start + len).min(chars.len())].iter().collect();
        let part = if upper { part.to_uppercase() } else { part };
        // A part that folds to nothing (a lone apostrophe, a tatweel) asks for nothing.
        prop_assume!(dossier_core::fold::fold(&part).chars().any(char::is_alphanumeric));
        let catalog = catalog_with(&name);
        prop_assert!(finds_p(&catalog, &part), "{:?} in {:?}", part, name);
    }

    /// A word of a name spelt another way the table allows still finds the name.
    #[test]
    fn a_variant_spelling_of_a_word_finds_the_name(
        word in "[bdfghjklmnrstvwz]?([aeiou]{1,2}[bdfghjklmnrstvwz]{1,2}){2,4}[aeiouy]?h?",
        picks in prop::collection::vec(0usize..SUBSTITUTIONS.len(), 1..4),
    ) {
        let mut variant = word.clone();
        for p in picks {
            let (from, to) = SUBSTITUTIONS[p];
            if let Some(at) = variant.find(from) {
                variant.replace_range(at..at + from.len(), to);
            }
        }
        prop_assume!(variant.chars().count() >= 4);
        prop_assume!(dossier_core::fold::word_key(&variant) == dossier_core::fold::word_key(&word));
        let catalog = catalog_with(&format!("Zahra {word}"));
        prop_assert!(finds_p(&catalog, &variant), "{:?} for {:?}", variant, word);
    }

    /// Typing narrows within the previous results only where that gives what a fresh search
    /// gives: variants, dates and phrases included.
    #[test]
    fn typing_finds_what_a_fresh_search_finds(
        text in "([a-z]{1,8}|fatemeh|tahoori|kolthoum|'sar|\\^al|june|15|2013|\"camp) {0,1}([a-z]{0,8}|sakhie|maleki|2013)",
    ) {
        let catalog = crate::search::bundled_catalog();
        let mut typing = Incremental::default();
        let mut fresh = Searcher::default();
        for end in text.char_indices().map(|(i, c)| i + c.len_utf8()) {
            let typed = &text[..end];
            let got = typing.search(catalog, typed, &[], &|| false).expect("not cancelled");
            prop_assert_eq!(&got, &fresh.search(catalog, &Query::parse(typed)), "{:?}", typed);
        }
    }
}
