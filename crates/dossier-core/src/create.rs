//! A new record file: its id from its name, and a template to fill in (`dossier new`, and the
//! browser's new-record key).
//!
//! The id is the name folded to lower-case ASCII words joined by `-` (`Ja’far Kazemi` is
//! `jafar-kazemi`, `‘Abd al-‘Aziz al-Hakim` is `abd-al-aziz-al-hakim`), as the bundled files
//! are named. The template holds the fields `check` needs and the ones a record of the kind
//! usually has, each with a short comment; the vocabularies in the comments are the lists
//! `check` reads. A file is only ever created, never replaced: `create_new` refuses one that
//! exists, even if it appeared a moment before.

use std::fmt;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::model::{INCIDENT_TYPES, Kind, SEXES, STATUSES};

/// Why a record could not be created. Each is one line for the user.
#[derive(Debug, PartialEq, Eq)]
pub enum NewError {
    EmptyName,
    /// Nothing of the name is left once folded to ASCII letters and digits.
    NoId(String),
    /// `--id` cannot be an id (a slash, a leading dot, control characters).
    BadId(String),
    /// A record with this id exists: where, and the first free id after it.
    Exists {
        id: String,
        path: String,
        free: String,
    },
    Io {
        path: String,
        message: String,
    },
}

impl fmt::Display for NewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NewError::EmptyName => f.write_str("the name is empty; give the record's name"),
            NewError::NoId(name) => write!(
                f,
                "cannot make an id from `{}`: no letter or digit is left in ASCII; give one with --id",
                crate::text::shown(name)
            ),
            NewError::BadId(id) => write!(
                f,
                "`{}` cannot be an id; use letters, digits and `-`",
                crate::text::shown(id)
            ),
            NewError::Exists { id, path, free } => write!(
                f,
                "a record with id `{id}` exists ({}); for another record of that name use --id {free}",
                crate::text::shown(path)
            ),
            NewError::Io { path, message } => {
                write!(f, "cannot create {}: {message}", crate::text::shown(path))
            }
        }
    }
}

impl std::error::Error for NewError {}

/// A record about to be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub kind: Kind,
    pub id: String,
    /// Relative to the case-file folder: `people/ali-saremi.yaml`.
    pub rel: String,
    pub text: String,
    /// The line of the first field to fill, where the editor opens.
    pub line: u32,
}

/// The id a record called `name` gets: lower-case ASCII letters and digits, the words joined by
/// `-`; `None` when nothing is left.
pub fn id_from_name(name: &str) -> Option<String> {
    let folded = fold(name);
    let id = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    (!id.is_empty()).then_some(id)
}

/// Latin letters with their accents taken off, in lower case; apostrophes and the `ʿayn` and
/// `hamza` marks of transliterations dropped (`Ja’far` is `jafar`); anything else a space.
/// The one place the folding is done, so that a fuller transliteration table can replace it.
fn fold(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(name.len());
    for c in name.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        let spelled = match c {
            '\'' | '\u{2018}' | '\u{2019}' | '\u{02bc}' | '\u{02bb}' | '\u{02be}' | '\u{02bf}'
            | '`' | '\u{00b4}' => "",
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ø' | 'Ø' => "o",
            'đ' | 'Đ' | 'ð' | 'Ð' => "d",
            'þ' | 'Þ' => "th",
            'ł' | 'Ł' => "l",
            'ı' => "i",
            'ħ' | 'Ħ' => "h",
            _ => " ",
        };
        out.push_str(spelled);
    }
    out
}

/// The draft of a new record of `kind` called `name`, with the id given or made from the name.
/// `taken` says where a record with an id already is, if one is.
pub fn draft(
    kind: Kind,
    name: &str,
    id: Option<&str>,
    taken: &dyn Fn(&str) -> Option<String>,
) -> Result<Draft, NewError> {
    let name = name.trim();
    if name.is_empty() || crate::text::looks_blank(name) {
        return Err(NewError::EmptyName);
    }
    let id = match id {
        Some(id) if crate::load::usable_id(id) && !id.contains(char::is_whitespace) => {
            id.to_owned()
        }
        Some(id) => return Err(NewError::BadId(id.to_owned())),
        None => id_from_name(name).ok_or_else(|| NewError::NoId(name.to_owned()))?,
    };
    if let Some(path) = taken(&id) {
        // More ids than there can be files: the search always ends.
        let free = (2..=u32::MAX)
            .map(|n| format!("{id}-{n}"))
            .find(|candidate| taken(candidate).is_none())
            .unwrap_or_default();
        return Err(NewError::Exists { id, path, free });
    }
    let (text, line) = template(kind, name);
    Ok(Draft {
        kind,
        rel: format!("{}/{id}.yaml", kind.folder()),
        id,
        text,
        line,
    })
}

/// Write the draft into the folder `root`: the kind's folder is made if it is missing, and the
/// file is created only if nothing is there.
pub fn write(root: &Path, draft: &Draft) -> Result<PathBuf, NewError> {
    let io = |path: &Path, e: &std::io::Error| NewError::Io {
        path: path.display().to_string(),
        message: match e.kind() {
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            std::io::ErrorKind::NotFound => "no such folder".into(),
            _ => e.to_string(),
        },
    };
    crate::load::check_root(root).map_err(|e| NewError::Io {
        path: root.display().to_string(),
        message: e.message,
    })?;
    let folder = root.join(draft.kind.folder());
    if !folder.is_dir() {
        std::fs::create_dir(&folder).map_err(|e| io(&folder, &e))?;
    }
    let path = root.join(&draft.rel);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => NewError::Exists {
                id: draft.id.clone(),
                path: draft.rel.clone(),
                free: format!("{}-2", draft.id),
            },
            _ => io(&path, &e),
        })?;
    if let Err(e) = file.write_all(draft.text.as_bytes()) {
        drop(file);
        // Never leave a half-written record behind.
        let _ = std::fs::remove_file(&path);
        return Err(io(&path, &e));
    }
    Ok(path)
}

/// A line `key: value` with a comment aligned after it.
fn field(out: &mut String, key: &str, value: &str, comment: &str) {
    let head = if value.is_empty() {
        format!("{key}:")
    } else {
        format!("{key}: {value}")
    };
    if comment.is_empty() {
        let _ = writeln!(out, "{head}");
    } else {
        let _ = writeln!(out, "{head:<22} # {comment}");
    }
}

/// A YAML scalar for `name`: quoted where YAML would read it as something else.
fn yaml_string(name: &str) -> String {
    let plain = name.chars().all(|c| {
        c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '\'' | '’' | '‘' | '(' | ')' | ',')
    }) && !name.starts_with(['-', '\'', '.', ' '])
        && name.parse::<f64>().is_err()
        && !matches!(
            name.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "null" | "on" | "off" | "~"
        );
    if plain {
        name.to_owned()
    } else {
        // A JSON string is a YAML double-quoted string.
        serde_json::to_string(name).unwrap_or_default()
    }
}

const DATE: &str = "2013, 2013-09 or 2013-09-01; ~ approximate, ? uncertain";

/// The template of a record of `kind` named `name`, and the line of its first field to fill.
#[allow(clippy::too_many_lines)] // one arm per kind, each a list of lines
fn template(kind: Kind, name: &str) -> (String, u32) {
    let mut t = String::new();
    let name_key = if kind == Kind::Source {
        "title"
    } else {
        "name"
    };
    field(&mut t, name_key, &yaml_string(name), "");
    let first_to_fill = |t: &String| t.lines().count() as u32 + 1;
    let line;
    match kind {
        Kind::Person => {
            field(
                &mut t,
                "aliases",
                "[]",
                "other spellings and transliterations",
            );
            line = first_to_fill(&t);
            field(&mut t, "sex", "", &SEXES.join(", "));
            field(&mut t, "nationality", "", "in words: Iranian, Iraqi");
            field(&mut t, "status", "", &STATUSES.join(", "));
            let _ = writeln!(t, "# born: 1960?           # {DATE}");
            let _ = writeln!(t, "# died: 2010-12-28");
            field(&mut t, "camps", "[]", "ids of camps: [camp-ashraf]");
            field(&mut t, "affiliations", "[]", "names, or {organization: id}");
        }
        Kind::Incident => {
            line = first_to_fill(&t);
            field(&mut t, "type", "", &INCIDENT_TYPES.join(", "));
            let _ = writeln!(
                t,
                "# date: 2013-09-01      # {DATE}; or a list of claims with sources"
            );
            field(&mut t, "camp", "", "the id of the camp where it happened");
            field(&mut t, "place", "", "where, in words, if not (only) a camp");
            field(
                &mut t,
                "participants",
                "[]",
                "- {person: id | organization: id | group: words, role: victim, act: killed}",
            );
            field(
                &mut t,
                "figures",
                "[]",
                "- {what: residents killed, count: 7, sources: [id]}",
            );
        }
        Kind::Camp => {
            field(&mut t, "aliases", "[]", "other names");
            line = first_to_fill(&t);
            field(
                &mut t,
                "location",
                "",
                "{country: Iraq, province: Diyala, coordinates: {lat: 33.7, lon: 44.8}}",
            );
            let _ = writeln!(t, "# opened: 1986          # {DATE}");
            let _ = writeln!(t, "# closed: 2016-09");
            field(
                &mut t,
                "population",
                "[]",
                "- {what: residents, count: 3400, qualifier: about, date: 2009, sources: [id]}",
            );
            field(
                &mut t,
                "control",
                "[]",
                "- {by: Iraqi government, from: 2009, sources: [id]}",
            );
        }
        Kind::Organization => {
            field(&mut t, "aliases", "[]", "other names and acronyms");
            line = first_to_fill(&t);
            field(
                &mut t,
                "type",
                "",
                "in words: government, armed force, human-rights NGO",
            );
        }
        Kind::Source => {
            line = first_to_fill(&t);
            field(&mut t, "publisher", "", "a name, or {organization: id}");
            field(
                &mut t,
                "type",
                "",
                "press release, news article, report, letter, ...",
            );
            let _ = writeln!(t, "# issued: 2013-06-15    # {DATE}");
            field(
                &mut t,
                "reference",
                "",
                "the document's own number: MDE 14/010/2013",
            );
            field(&mut t, "url", "", "");
            field(
                &mut t,
                "perspective",
                "",
                "human-rights NGO, government, ...",
            );
        }
    }
    let _ = writeln!(
        t,
        "summary:                 # in your own words, attributed to the sources"
    );
    if kind != Kind::Source {
        field(
            &mut t,
            "sources",
            "[]",
            "ids of source records, or {source: id, locator: paragraph 2}",
        );
    }
    (t, line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_fold_names_as_the_bundled_files_are_named() {
        for (name, id) in [
            ("Ja’far Kazemi", "jafar-kazemi"),
            ("‘Abd al-‘Aziz al-Hakim", "abd-al-aziz-al-hakim"),
            ("Mohammad-Ali Haj Aghaei", "mohammad-ali-haj-aghaei"),
            ("Camp Ashraf", "camp-ashraf"),
            ("José Ñúñez", "jose-nunez"),
            ("Straße  Łódź", "strasse-lodz"),
            ("George W. Bush", "george-w-bush"),
        ] {
            assert_eq!(id_from_name(name).as_deref(), Some(id), "{name}");
        }
        assert_eq!(id_from_name("!!! ***"), None);
        assert_eq!(id_from_name("محمد"), None);
    }

    #[test]
    fn every_template_loads_with_no_error() {
        for kind in Kind::ALL {
            for name in ["Ali Saremi", "true", "- x: [y]", "Ja'far \"the\" #1"] {
                let d = draft(kind, name, None, &|_| None).unwrap();
                let (record, diags) = crate::load::parse_record(&d.rel, kind, &d.text);
                let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
                assert!(errors.is_empty(), "{kind} {name}: {errors:?}\n{}", d.text);
                assert_eq!(record.unwrap().name.raw(), name);
                let line = d.text.lines().nth(d.line as usize - 1).unwrap();
                assert!(line.contains(':') && !line.starts_with('#'), "{line}");
            }
        }
    }

    #[test]
    fn a_taken_id_suggests_the_first_free_one() {
        let taken = |id: &str| {
            matches!(id, "ali-saremi" | "ali-saremi-2").then(|| format!("people/{id}.yaml"))
        };
        let err = draft(Kind::Person, "Ali Saremi", None, &taken).unwrap_err();
        assert_eq!(
            err,
            NewError::Exists {
                id: "ali-saremi".into(),
                path: "people/ali-saremi.yaml".into(),
                free: "ali-saremi-3".into()
            }
        );
        assert_eq!(
            draft(Kind::Person, "  ", None, &taken),
            Err(NewError::EmptyName)
        );
        assert!(matches!(
            draft(Kind::Person, "x", Some("a/b"), &taken),
            Err(NewError::BadId(_))
        ));
    }
}
