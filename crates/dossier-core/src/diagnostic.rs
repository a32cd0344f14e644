//! Problems found while loading case files, in the `path:line:col: error: message` form that
//! editors and CI understand. Both `dossier check` and the browser's status bar show these.

use std::fmt::{self, Write};

use serde::Serialize;

use crate::model::Pos;
use crate::text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

#[derive(
    Clone, Debug, PartialEq, Eq, Serialize, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize,
)]
pub struct Diagnostic {
    /// Relative to the case-file folder, with `/` separators.
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic read back from the index file, made terminal-safe again as `new` made it.
    pub(crate) fn cleaned(self) -> Self {
        Self {
            path: text::shown(&self.path).into_owned(),
            message: text::shown(&self.message).into_owned(),
            hint: self.hint.map(|h| text::shown(&h).into_owned()),
            ..self
        }
    }

    /// Messages often quote the file; they are made terminal-safe here, once.
    pub(crate) fn new(severity: Severity, path: &str, pos: Pos, message: impl AsRef<str>) -> Self {
        Self {
            path: text::shown(path).into_owned(),
            line: pos.line,
            column: pos.col,
            severity,
            message: text::shown(message.as_ref()).into_owned(),
            hint: None,
        }
    }

    pub fn error(path: &str, pos: Pos, message: impl AsRef<str>) -> Self {
        Self::new(Severity::Error, path, pos, message)
    }

    pub(crate) fn warning(path: &str, pos: Pos, message: impl AsRef<str>) -> Self {
        Self::new(Severity::Warning, path, pos, message)
    }

    #[must_use]
    pub(crate) fn hint(mut self, hint: impl AsRef<str>) -> Self {
        self.hint = Some(text::shown(hint.as_ref()).into_owned());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col: severity: message`, with `prefix` (the folder as the user named it)
    /// joined in front of the path so the location can be clicked or pasted. One line, and the
    /// hint on a second: every part is shown with its line breaks spelled out.
    pub fn render(&self, prefix: &str) -> String {
        let mut s = String::new();
        if !prefix.is_empty() && prefix != "." {
            s.push_str(&text::shown(prefix.trim_end_matches('/')));
            s.push('/');
        }
        s.push_str(&self.path);
        if self.line > 0 {
            let _ = write!(s, ":{}:{}", self.line, self.column.max(1));
        }
        let _ = write!(s, ": {}: {}", self.severity, self.message);
        if let Some(hint) = &self.hint {
            s.push_str("\n  hint: ");
            s.push_str(hint);
        }
        s
    }
}

/// Counts for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Self {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

/// "2 errors", "1 warning".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_the_form_editors_understand() {
        let d = Diagnostic::error(
            "people/x.yaml",
            Pos { line: 3, col: 1 },
            "unknown field `naem`",
        )
        .hint("did you mean `name`?");
        assert_eq!(
            d.render("casefiles"),
            "casefiles/people/x.yaml:3:1: error: unknown field `naem`\n  hint: did you mean `name`?"
        );
    }

    #[test]
    fn quoted_file_content_cannot_reach_the_terminal_raw() {
        let d = Diagnostic::error("people/x.yaml", Pos::default(), "bad value `\x1b[2J`");
        assert!(!d.render("").contains('\x1b'));
    }

    /// Issue 17, item 3: a file name or a quoted value with a line break in it could print a
    /// line of `check` that looked like another problem.
    #[test]
    fn a_problem_is_one_line_whatever_its_path_and_message_hold() {
        let d = Diagnostic::error(
            "people/x\npeople/y.yaml:1:1: error: forged.yaml",
            Pos { line: 2, col: 1 },
            "unknown status `a\nb`",
        )
        .hint("did you mean `c\nd`?");
        let rendered = d.render("cases\nforged");
        assert_eq!(rendered.lines().count(), 2, "{rendered}");
        assert!(rendered.starts_with("cases\\u{a}forged/people/x\\u{a}people/y.yaml"));
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        assert_eq!(
            did_you_mean("naem", ["name", "title", "summary"]),
            Some("name")
        );
        assert_eq!(
            did_you_mean("participents", ["participants", "place"]),
            Some("participants")
        );
        assert_eq!(did_you_mean("zzz", ["name", "title"]), None);
    }
}
