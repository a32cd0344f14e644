//! Command-line conventions: `show --format`, `--help` and `--version`, shell completions and
//! the man page generated from the one clap definition, one form for errors, the exit codes.

use std::process::{Command, Stdio};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::util::{BIN, Case, Run, run_command};

const SUBCOMMANDS: [&str; 10] = [
    "check",
    "list",
    "show",
    "search",
    "new",
    "schema",
    "index",
    "export",
    "completions",
    "man",
];

/// What a Markdown renderer makes of a document: its blocks, the links, and anything that
/// means the text was taken for markup (HTML, emphasis, maths, a quote, a table...).
#[derive(Debug, Default)]
struct Rendered {
    /// ("h1", text), ("p", text), ("li", text), in order.
    blocks: Vec<(String, String)>,
    links: Vec<(String, String)>,
    strong: Vec<String>,
    markup: Vec<String>,
}

fn render(markdown: &str) -> Rendered {
    // Every extension a report's renderer might have (GitHub's, Pandoc's), so none can bite.
    let options =
        Options::all() - Options::ENABLE_SMART_PUNCTUATION - Options::ENABLE_OLD_FOOTNOTES;
    let mut r = Rendered::default();
    let mut open: Vec<(String, String)> = Vec::new();
    let mut link: Option<(String, String)> = None;
    let mut strong: Option<String> = None;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                open.push((format!("{level}"), String::new()));
            }
            Event::Start(Tag::Paragraph) if open.is_empty() => {
                open.push(("p".into(), String::new()));
            }
            Event::Start(Tag::Item) => open.push(("li".into(), String::new())),
            Event::End(TagEnd::Heading(_) | TagEnd::Item) => r.blocks.extend(open.pop()),
            Event::End(TagEnd::Paragraph) if open.last().is_some_and(|b| b.0 == "p") => {
                r.blocks.extend(open.pop());
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(b) = open.last_mut() {
                    b.1.push_str(&t);
                }
                if let Some(l) = &mut link {
                    l.1.push_str(&t);
                }
                if let Some(s) = &mut strong {
                    s.push_str(&t);
                }
            }
            Event::SoftBreak => {
                if let Some(b) = open.last_mut() {
                    b.1.push(' ');
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((dest_url.to_string(), String::new()));
            }
            Event::End(TagEnd::Link) => r.links.extend(link.take()),
            Event::Start(Tag::Strong) => strong = Some(String::new()),
            Event::End(TagEnd::Strong) => r.strong.extend(strong.take()),
            Event::Start(Tag::Paragraph | Tag::List(_)) | Event::End(_) => {}
            other => r.markup.push(format!("{other:?}")),
        }
    }
    r
}

fn show(case: &Case, id: &str, format: &str) -> Run {
    let run = case.run(&["show", id, "-C", ".", "--format", format]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
    run
}

#[test]
fn show_format_citation_is_the_copy_keys_citation() {
    let case = Case::good();
    assert_eq!(
        show(&case, "rocket-attack", "citation").stdout,
        "**Rocket attack on Camp Liberty** (incident, 2013-06-15, Camp Liberty). Sources: \
         Amnesty International, \u{201c}A release about the camp\u{201d} \
         (press release, 2013-06?, MDE 14/010/2013).\n"
    );
    // A source cites itself.
    assert_eq!(
        show(&case, "ai-release", "citation").stdout,
        "Amnesty International, \u{201c}A release about the camp\u{201d} \
         (press release, 2013-06?, MDE 14/010/2013)\n"
    );
}

#[test]
fn show_format_markdown_is_the_whole_record_as_a_document() {
    let case = Case::good();
    assert_eq!(
        show(&case, "rocket-attack", "markdown").stdout,
        "# Rocket attack on Camp Liberty

incident · `rocket-attack` · `incidents/rocket-attack.yaml:1`

- **Type:** attack
- **Date:** 2013-06-15
- **Camp:** Camp Liberty (camp `camp-liberty`)

## Participants

- Kolthoum Sarahati (person `kolthoum-sarahati`) — victim; killed

## Sources

- Amnesty International, “A release about the camp” (press release, 2013-06?, MDE 14/010/2013) (source `ai-release`)
"
    );
    let source = show(&case, "ai-release", "markdown").stdout;
    assert!(
        source.contains(
            "- **Issued:** 2013-06? (month only, uncertain)\n- **Reference:** MDE 14/010/2013\n\n\
             ## Cited by\n\n- Kolthoum Sarahati (person `kolthoum-sarahati`) — killed\n"
        ),
        "{source}"
    );
}

#[test]
fn markdown_keeps_disputed_dates_each_with_its_source() {
    let case = Case::good();
    case.write(
        "incidents/rocket-attack.yaml",
        "name: Rocket attack on Camp Liberty\ndate:\n  - date: 2013-06-15\n    sources: [ai-release]\n  - date: 2013-06-14\n    sources: [other]\n",
    );
    case.write("sources/other.yaml", "title: Another account\n");
    let md = show(&case, "rocket-attack", "markdown").stdout;
    assert!(
        md.contains(
            "- **Date:** 2013-06-15 (disputed; according to Amnesty International, “A release about the camp” (`ai-release`))\n  - 2013-06-14 (according to “Another account” (`other`))\n"
        ),
        "{md}"
    );
}

#[test]
fn text_and_json_formats_are_the_default_and_the_json_flag() {
    let case = Case::good();
    let plain = case.run(&["show", "rocket-attack", "-C", "."]);
    assert_eq!(show(&case, "rocket-attack", "text").stdout, plain.stdout);
    let json = case.run(&["show", "rocket-attack", "-C", ".", "--json"]);
    assert_eq!(show(&case, "rocket-attack", "json").stdout, json.stdout);
    // Both, agreeing, are fine; disagreeing, a usage error.
    let both = case.run(&[
        "show",
        "rocket-attack",
        "-C",
        ".",
        "--json",
        "--format",
        "json",
    ]);
    assert_eq!((both.code, both.stdout), (Some(0), json.stdout));
    let clash = case.run(&[
        "show",
        "rocket-attack",
        "-C",
        ".",
        "--json",
        "--format",
        "markdown",
    ]);
    assert_eq!(clash.code, Some(2), "{clash:?}");
    assert!(
        clash.stderr.starts_with(
            "error: the argument '--json' cannot be used with '--format markdown'\n\nUsage: dossier show"
        ),
        "{}",
        clash.stderr
    );
    assert_eq!(clash.stdout, "");
}

#[test]
fn markdown_from_a_hostile_record_renders_as_its_text() {
    let case = Case::bad("markdown-injection");
    let name = "# Mallory [click](http://evil.invalid) <b>bold</b> *x* | cell {#top}";
    let md = show(&case, "markdown", "markdown").stdout;
    let r = render(&md);
    assert_eq!(r.markup, Vec::<String>::new(), "{md}");
    assert_eq!(r.links, Vec::<(String, String)>::new(), "{md}");
    assert_eq!(r.strong, ["Aliases:", "Status:"], "{md}");
    let blocks: Vec<(&str, &str)> = r
        .blocks
        .iter()
        .map(|(k, t)| (k.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        blocks,
        [
            ("h1", name),
            ("p", "person · markdown · people/markdown.yaml:4"),
            (
                "li",
                "Aliases: _under_; `code`; $x^2$ ~~struck~~ H~2~O &amp;"
            ),
            ("li", "Status: killed"),
            ("h2", "Summary"),
            ("p", "> a quote"),
            ("p", "- a list item"),
            ("p", "1984. a numbered item"),
            ("p", ": a definition"),
            ("p", "==="),
            ("h2", "Sources"),
            (
                "li",
                "<script>alert(1)</script>, \u{201c}Title](http://evil.invalid) [x\u{201d} \
                 (source markdown-source) — p. 3](javascript:alert(1))"
            ),
        ],
        "{md}"
    );

    // The citation: one strong name, and a link only to a web address, ending where it does.
    let cite = show(&case, "markdown-incident", "citation").stdout;
    let r = render(&cite);
    assert_eq!(r.markup, Vec::<String>::new(), "{cite}");
    assert_eq!(r.strong, ["**Raid** on [camp]"], "{cite}");
    assert_eq!(
        r.links,
        [(
            "https://example.org/a%20report%20%28final%29.pdf".to_owned(),
            "\u{201c}A report\u{201d}".to_owned()
        )],
        "{cite}"
    );
    assert_eq!(
        r.blocks,
        [(
            "p".to_owned(),
            "**Raid** on [camp] (incident, 2013~, `Baghdad`). Sources: <script>alert(1)</script>, \
             \u{201c}Title](http://evil.invalid) [x\u{201d}; \u{201c}A report\u{201d}."
                .to_owned()
        )]
    );
    let cite = show(&case, "markdown", "citation").stdout;
    let r = render(&cite);
    assert_eq!((r.markup.len(), r.links.len()), (0, 0), "{cite}");
    assert_eq!(r.strong, [name], "{cite}");
}

#[test]
fn markdown_and_citations_carry_no_terminal_escapes() {
    let case = Case::bad("terminal-escapes");
    for format in ["markdown", "citation"] {
        let out = show(&case, "hostile", format).stdout;
        assert!(
            out.contains(r"Mallory \\u\{1b}\]52;c;SGFja2Vk\\u\{7} clipboard"),
            "{format}: {out}"
        );
        assert!(
            !out.contains('\x1b') && !out.contains('\u{9b}') && !out.contains('\u{202e}'),
            "{format}"
        );
    }
}

#[test]
fn version_and_help() {
    let case = Case::empty();
    for flag in ["--version", "-V"] {
        let run = case.run(&[flag]);
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (Some(0), "dossier 0.1.0\n")
        );
    }
    let short = case.run(&["-h"]);
    assert_eq!(short.code, Some(0));
    assert!(
        short.stdout.ends_with(
            "Exit codes: 0 ok, 1 errors or nothing found, 2 usage, config or I/O error, 128+N killed by signal N.\n\
             More with --help; the manual with `dossier man`.\n"
        ),
        "{}",
        short.stdout
    );
    let long = case.run(&["--help"]);
    assert_eq!(long.code, Some(0));
    for line in [
        "  0                 ok\n",
        "  1                 errors found in the case files (check) or in the record just written (new), or nothing found (show, search, export)\n",
        "  128+N             the browser was ended by signal N",
        "  DOSSIER_DIR       the case-file folder when none is named; else ./casefiles\n",
        "  VISUAL, EDITOR    ",
        "  NO_COLOR          ",
        "  XDG_CONFIG_HOME   where the config file is looked for: $XDG_CONFIG_HOME/dossier/config.toml",
        "  DOSSIER_NO_INDEX  1, true, yes or on: as --no-index",
        "  XDG_CACHE_HOME    where indexes are kept: $XDG_CACHE_HOME/dossier/",
    ] {
        assert!(long.stdout.contains(line), "{line:?} in\n{}", long.stdout);
    }
    for sub in SUBCOMMANDS {
        assert!(long.stdout.contains(&format!("\n  {sub} ")), "{sub}");
    }
    let show = case.run(&["show", "--help"]);
    assert!(
        show.stdout
            .contains("- citation: One line of Markdown citing the record"),
        "{}",
        show.stdout
    );
}

#[test]
fn bash_completion_parses_and_completes_commands_and_formats() {
    let case = Case::empty();
    let script = case.run(&["completions", "bash"]);
    assert_eq!(script.code, Some(0));
    let path = case.write("dossier.bash", &script.stdout);
    let syntax = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(
        syntax.status.success(),
        "{}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    // Complete as bash would: the words so far, the index of the word under the cursor.
    let complete = |words: &str, cword: usize| {
        let line = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD={cword}; \
             _dossier dossier \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            path.display()
        );
        let out = Command::new("bash").args(["-c", &line]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(complete("dossier s", 1), "show\nsearch\nschema\n");
    assert_eq!(complete("dossier c", 1), "check\ncompletions\n");
    let all = complete("dossier ''", 1);
    for sub in SUBCOMMANDS {
        assert!(all.lines().any(|l| l == sub), "{sub} in {all}");
    }
    assert_eq!(
        complete("dossier show x --format ''", 4),
        "text\njson\nmarkdown\ncitation\nclaims\n"
    );
    assert_eq!(complete("dossier completions z", 2), "zsh\n");
}

#[test]
fn every_shell_gets_a_script_naming_every_command() {
    let case = Case::empty();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = case.run(&["completions", shell]);
        assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{shell}");
        for sub in SUBCOMMANDS {
            assert!(run.stdout.contains(sub), "{shell}: {sub}");
        }
        // Elvish's and PowerShell's generators offer options but not their values.
        assert!(
            matches!(shell, "elvish" | "powershell") || run.stdout.contains("citation"),
            "{shell}"
        );
    }
    // Where the shell is installed, it must accept its script (zsh and fish are not on every
    // machine; bash is, and is tested above).
    for (shell, check) in [("zsh", &["-n"][..]), ("fish", &["--no-execute"][..])] {
        if Command::new(shell).arg("-c").arg("true").output().is_err() {
            eprintln!("note: {shell} is not installed; its script was not parsed");
            continue;
        }
        let script = case.write(
            &format!("dossier.{shell}"),
            case.run(&["completions", shell]).stdout,
        );
        let out = Command::new(shell)
            .args(check)
            .arg(&script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_man_page_has_every_command_the_exit_codes_and_the_environment() {
    let case = Case::empty();
    let run = case.run(&["man"]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    let roff = run.stdout;
    assert!(
        roff.lines().any(|l| l.starts_with(".TH dossier 1 ")),
        "{roff}"
    );
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "COMMANDS",
        "\"EXIT STATUS\"",
        "ENVIRONMENT",
        "FILES",
    ] {
        assert!(roff.contains(&format!("\n.SH {section}\n")), "{section}");
    }
    // Rendered as a reader sees it, with groff's warnings on; plain text, no hyphenation.
    let mut groff = Command::new("groff");
    groff
        .args(["-man", "-Tutf8", "-ww", "-P-cbou", "-rLL=100n", "-rHY=0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let Ok(mut child) = groff.spawn() else {
        eprintln!("note: groff is not installed; the page was checked as roff only");
        return;
    };
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(roff.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warns");
    // Justified and wrapped: compare words, not spacing.
    let page = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for sub in SUBCOMMANDS {
        assert!(page.contains(&format!("dossier {sub}")), "{sub} in\n{page}");
    }
    for text in [
        "--format <FORMAT>",
        "citation: One line of Markdown",
        "128+N",
        "errors found in the case files (check) or in the record just written (new), or nothing found (show, search, export)",
        "DOSSIER_DIR",
        "VISUAL, EDITOR",
        "NO_COLOR",
        "$XDG_CONFIG_HOME/dossier/config.toml",
    ] {
        assert!(page.contains(text), "{text} in\n{page}");
    }
}

/// Our messages: `dossier: ` then lowercase, no full stop at the end.
fn assert_our_form(run: &Run) {
    for line in run.stderr.lines() {
        let msg = line
            .strip_prefix("dossier: ")
            .unwrap_or_else(|| panic!("{line:?}"));
        assert!(!msg.starts_with(char::is_uppercase), "{line:?}");
        assert!(!msg.ends_with('.'), "{line:?}");
    }
}

#[test]
fn errors_read_dossier_colon_message_with_a_hint() {
    let case = Case::good();
    let run = case.run(&["show", "kolthoum-sarahti", "-C", "."]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            Some(1),
            "dossier: no record with id `kolthoum-sarahti`; did you mean `kolthoum-sarahati`?\n"
        )
    );
    assert_our_form(&run);

    // No folder named, none in the environment, no ./casefiles: say how to name one.
    let empty = Case::empty();
    let run = empty.run(&["list"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            Some(2),
            "dossier: cannot open case files: casefiles: no such file or folder; name a folder, or set DOSSIER_DIR\n"
        )
    );
    let mut cmd = Command::new(BIN);
    cmd.args(["search", "x"])
        .current_dir(empty.path())
        .env("DOSSIER_DIR", "gone")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let run = run_command(cmd);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            Some(2),
            "dossier: cannot open case files: gone: no such file or folder; the folder comes from DOSSIER_DIR\n"
        )
    );

    // The system's own message ("No space left on device") in our form.
    let full = std::fs::File::create("/dev/full");
    if let Ok(full) = full {
        let out = Command::new(BIN)
            .args(["list", "."])
            .current_dir(case.path())
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).as_ref()
            ),
            (
                Some(2),
                "dossier: cannot write the output: no space left on device (os error 28)\n"
            )
        );
    }

    // The browser, asked for without a terminal.
    let run = case.run(&["."]);
    assert_eq!(run.code, Some(2));
    assert_our_form(&run);
    assert!(
        run.stderr.contains("; for scripts use `dossier list`"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_are_claps_and_exit_2() {
    let case = Case::good();
    let run = case.run(&["show", "rocket-attack", "-C", ".", "--format", "yaml"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.starts_with(
            "error: invalid value 'yaml' for '--format <FORMAT>'\n  [possible values: text, json, markdown, citation, claims]\n"
        ),
        "{}",
        run.stderr
    );
    let run = case.run(&["completions", "tcsh"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.starts_with("error: invalid value 'tcsh'"),
        "{}",
        run.stderr
    );
    let run = case.run(&["--no-such-flag"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with("error: unexpected argument '--no-such-flag'"),
        "{}",
        run.stderr
    );
}
