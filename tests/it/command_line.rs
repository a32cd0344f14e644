//! One command line: `-C DIR` names the folder for every command, before or after its name;
//! the positional `DIR` of `dossier`, `check` and `list` still works; a folder typed after a
//! search's words is taken as the folder, and said so. And output an editor can jump from:
//! `--vimgrep` (`path:line:col:text`) and `check --format quickfix`.

use crate::util::{Case, run_in};

#[test]
fn dash_c_names_the_folder_for_every_command_before_or_after_it() {
    let case = Case::good();
    let parent = case.path().parent().unwrap();
    let name = case.path().file_name().unwrap().to_str().unwrap();
    for args in [
        &["check", "--json"][..],
        &["list"][..],
        &["show", "rocket-attack"][..],
        &["search", "kolthoum"][..],
        &["export", "--format", "ris"][..],
    ] {
        let mut after = args.to_vec();
        after.extend(["-C", name]);
        let mut before = vec!["-C", name];
        before.extend_from_slice(args);
        let a = run_in(parent, &after);
        let b = run_in(parent, &before);
        assert_eq!(a.code, Some(0), "{args:?}: {}", a.stderr);
        assert_eq!(a.stdout, b.stdout, "{args:?}");
        assert_eq!((b.code, b.stderr.as_str()), (Some(0), ""), "{args:?}");
        assert!(!a.stdout.is_empty(), "{args:?}");
    }
    // The positional folder of `check` and `list` still works, and agrees with -C.
    let old = run_in(parent, &["list", name]);
    let new = run_in(parent, &["list", "-C", name]);
    assert_eq!(old.stdout, new.stdout);
    let same = run_in(parent, &["list", name, "-C", name]);
    assert_eq!(same.code, Some(0), "{}", same.stderr);
    // Two different folders: a usage error, not a guess.
    let two = run_in(parent, &["check", name, "-C", "elsewhere"]);
    assert_eq!(two.code, Some(2));
    assert!(
        two.stderr.starts_with(&format!(
            "error: two folders given, -C elsewhere and {name}; give one, with -C"
        )),
        "{}",
        two.stderr
    );
    // A folder before a command is the browser's, and refused with one.
    let browser = run_in(parent, &[name, "check"]);
    assert_eq!(browser.code, Some(2));
    assert!(
        browser
            .stderr
            .starts_with("error: the subcommand 'check' cannot be used with '[DIR]'"),
        "{}",
        browser.stderr
    );
}

/// `dossier search rajavi casefiles` searched for the word `casefiles` in ./casefiles (or
/// failed to open it) without a word on what happened to the folder typed.
#[test]
fn a_folder_after_the_search_words_is_taken_as_the_folder_and_said_so() {
    let case = Case::good();
    let parent = case.path().parent().unwrap();
    let name = case.path().file_name().unwrap().to_str().unwrap();
    let run = run_in(parent, &["search", "kolthoum", name]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("kolthoum-sarahati"), "{}", run.stdout);
    assert_eq!(
        run.stderr,
        format!(
            "dossier: took `{name}` as the case-file folder, not a word to search for; write -C {name} to say so\n"
        )
    );
    // With -C, every word is a word.
    let run = run_in(parent, &["search", "kolthoum", name, "-C", name]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
}

#[test]
fn vimgrep_lines_lead_to_each_records_name_from_where_the_command_ran() {
    let case = Case::good();
    let parent = case.path().parent().unwrap();
    let name = case.path().file_name().unwrap().to_str().unwrap();
    let run = run_in(parent, &["search", "--vimgrep", "-C", name, "liberty"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.lines().contains(
            &format!("{name}/camps/camp-liberty.yaml:1:1:camp camp-liberty Camp Liberty (Baghdad)")
                .as_str()
        ),
        "{}",
        run.stdout
    );
    for line in run.lines() {
        // path:line:col:text, and the path and line lead to the record's name.
        let mut parts = line.splitn(4, ':');
        let (path, row, col) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let text = std::fs::read_to_string(parent.join(path)).unwrap();
        let row: usize = row.parse().unwrap();
        let at = text.lines().nth(row - 1).unwrap();
        assert!(
            at.starts_with("name:") || at.starts_with("title:"),
            "{line}: {at}"
        );
        assert_eq!(col, "1");
    }
    // An absolute folder gives absolute paths; `list` takes the same format.
    let abs = case.path().display().to_string();
    let run = run_in(
        parent,
        &["list", "--format", "vimgrep", "-C", &abs, "-k", "person"],
    );
    assert_eq!(
        run.lines(),
        [format!("{abs}/people/kolthoum-sarahati.yaml:1:1:person kolthoum-sarahati Kolthoum Sarahati (killed)").as_str()]
    );
    let both = run_in(parent, &["search", "--vimgrep", "--json", "x", "-C", name]);
    assert_eq!(both.code, Some(2));
    let short = run_in(parent, &["list", "--vimgrep", "-C", &abs, "-k", "person"]);
    assert_eq!(short.stdout, run.stdout);
}

#[test]
fn check_quickfix_is_one_line_per_problem() {
    let case = Case::bad("unknown-field");
    let text = case.run(&["check", "."]);
    let quick = case.run(&["check", ".", "--format", "quickfix"]);
    assert_eq!(quick.code, text.code);
    assert!(!quick.lines().is_empty());
    for line in quick.lines() {
        let mut parts = line.splitn(4, ':');
        let path = parts.next().unwrap();
        assert!(case.path().join(path).exists(), "{line}");
        assert!(parts.next().unwrap().parse::<u32>().is_ok(), "{line}");
        assert!(
            line.contains(": error: ") || line.contains(": warning: "),
            "{line}"
        );
    }
    // The same problems as the text form, with the hint on the same line.
    let first = text.lines()[0];
    let hint = text.lines()[1].trim_start().trim_start_matches("hint: ");
    assert_eq!(quick.lines()[0], format!("{first}; {hint}"));
}

/// GitHub Actions reads `::error file=...,line=...,col=...::message` from a job's output and
/// marks the line in the pull request. Nothing in a file name or message can end the command
/// early or start another.
#[test]
fn check_github_annotates_each_problem_and_escapes_what_would_end_the_command() {
    let case = Case::good();
    case.write(
        "people/a,b:c.yaml",
        "name: A\nstauts: x\nsources: [ai-release]\n",
    );
    let run = case.run(&["check", "-C", ".", "--format", "github"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(
        run.lines(),
        [
            "::error file=people/a%2Cb%3Ac.yaml,line=2,col=1,title=dossier::unknown field `stauts` in a person record; did you mean `status`?"
        ]
    );
    let clean = Case::good().run(&["check", "-C", ".", "--format", "github"]);
    assert_eq!((clean.code, clean.stdout.as_str()), (Some(0), ""));
}
