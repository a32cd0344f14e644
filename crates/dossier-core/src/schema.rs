//! A JSON Schema (draft 2020-12) of the record files, for editors: completion, hover text and
//! errors as you type, through yaml-language-server (VS Code, Neovim, Helix).
//!
//! It is generated from the loader's own types, so it cannot drift from what `check` accepts:
//! `RecordFile` and the parts of a record derive `JsonSchema` beside `Deserialize` (their doc
//! comments become the hover text), and the types that deserialize by hand (`Text`, `Ref`,
//! dates, citations, parties, `inferred:`) say here, next to nothing else, which YAML values
//! their `Deserialize` takes. One schema per kind is cut from the whole by the loader's own
//! table of which fields belong to which kind (`load::FIELDS`), and the closed vocabularies
//! (`sex`, `status`, an incident's `type`, a figure's `qualifier`) come from the lists `check`
//! reads. What the schema cannot say (dangling links, dates that end before they begin, a
//! `count` beside `min`) is still for `check`.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

use crate::load::{FIELDS, InferredFields, NOT_MARKED, RecordFile};
use crate::model::{
    At, Citation, DateText, Dates, INCIDENT_TYPES, Kind, NUMBER_QUALIFIERS, Party, Ref, SEXES,
    STATUSES, VAGUE_QUANTITIES,
};
use crate::text::Text;

/// The dialect every schema here is written in.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// One point of a date as `date::parse` reads it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, then `~`,
/// `?` or `%`. Days beyond a month's end (`2013-02-30`) match here and are left to `check`.
const POINT: &str = r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?[~?%]?";

/// A date as written: a point, or an interval `A/B` whose one end may be open (`..`).
fn date_pattern() -> String {
    format!(r"^\s*({POINT}(/({POINT}|\.\.))?|\.\./{POINT})\s*$")
}

/// A single YAML value read as text: the loader takes numbers and booleans as the words they
/// are written with (`reference: 14`), and refuses a null, a list or a mapping.
fn scalar() -> Schema {
    json_schema!({ "type": ["string", "number", "boolean"] })
}

impl JsonSchema for Text {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        scalar()
    }
}

impl JsonSchema for Ref {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Id".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The id of another record: its file name without .yaml",
            "anyOf": [{ "type": "string", "pattern": r"\S" }, { "type": ["number", "boolean"] }]
        })
    }
}

impl<T: JsonSchema> JsonSchema for At<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    // The position is the parser's, not the file's: the value's own schema, under its name.
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        generator.subschema_for::<T>()
    }
}

impl JsonSchema for DateText {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A date as written: 2013, 2013-09 or 2013-09-01, then ~ (approximate) or ? (uncertain); or an interval, 2011-01/2011-02, 2008-07/.., ../2003",
            "anyOf": [
                {
                    "type": "string",
                    "pattern": date_pattern(),
                    // yaml-language-server's words for a mismatch, instead of the pattern.
                    "patternErrorMessage": "not a date: write 2013, 2013-09 or 2013-09-01, then ~ (approximate) or ? (uncertain); or an interval, 2011-01/2011-02, 2008-07/.., ../2003"
                },
                // YAML reads a bare year as a number.
                { "type": "integer", "minimum": 1000, "maximum": 9999 }
            ]
        })
    }
}

impl JsonSchema for Dates {
    fn schema_name() -> Cow<'static, str> {
        "Dates".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let date = generator.subschema_for::<DateText>();
        let claim = generator.subschema_for::<crate::model::DateClaim>();
        json_schema!({
            "description": "One date, or a list of claims (`- date: ...` with their sources) where sources disagree",
            "anyOf": [date, { "type": "array", "items": claim }]
        })
    }
}

impl JsonSchema for Citation {
    fn schema_name() -> Cow<'static, str> {
        "Citation".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let text = generator.subschema_for::<Text>();
        let id = json_schema!({ "type": "string", "pattern": r"\S" });
        json_schema!({
            "description": "A source id, or {source, locator, note} where a page, paragraph or line can be named",
            "anyOf": [
                id,
                // The loader reads a number as the id it spells; never a boolean.
                { "type": "integer" },
                {
                    "type": "object",
                    "properties": {
                        "source": { "description": "The id of the source record", "anyOf": [id, { "type": "integer" }] },
                        "locator": { "description": "Where in the source: a page, a paragraph, a line", "anyOf": [text] },
                        "note": { "description": "A remark on what the source says here", "anyOf": [text] }
                    },
                    "required": ["source"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

impl JsonSchema for Party {
    fn schema_name() -> Cow<'static, str> {
        "Party".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let id = generator.subschema_for::<Ref>();
        json_schema!({
            "description": "An organisation: its name in words, or {organization: id} for its record",
            "anyOf": [
                { "type": "string" },
                {
                    "type": "object",
                    "properties": { "organization": id },
                    "required": ["organization"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

impl JsonSchema for InferredFields {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Inferred".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let text = generator.subschema_for::<Text>();
        json_schema!({ "type": "object", "additionalProperties": text })
    }
}

/// The schema of one kind of record, standing alone (its own `$defs`).
pub fn for_kind(kind: Kind) -> Value {
    let mut all = whole();
    let defs = all
        .as_object_mut()
        .and_then(|m| m.remove("$defs"))
        .unwrap_or_else(|| json!({}));
    let mut schema = kind_schema(&all, kind);
    schema.insert("$schema".into(), json!(DIALECT));
    schema.insert("$defs".into(), defs);
    Value::Object(schema)
}

/// Every kind in one document: each under `$defs/<kind>` (the folder decides which applies,
/// which a schema cannot see, so editors map a kind's schema to its folder), and the whole
/// accepting a record of any kind.
pub fn all_kinds() -> Value {
    let mut all = whole();
    let mut defs = all
        .as_object_mut()
        .and_then(|m| m.remove("$defs"))
        .and_then(|d| match d {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    for kind in Kind::ALL {
        defs.insert(kind.name().into(), Value::Object(kind_schema(&all, kind)));
    }
    let any: Vec<Value> = Kind::ALL
        .iter()
        .map(|k| json!({ "$ref": format!("#/$defs/{}", k.name()) }))
        .collect();
    json!({
        "$schema": DIALECT,
        "title": "dossier case-file record",
        "description": "A record of any kind. Map each folder to its kind's schema (`dossier schema --kind person`) for exact errors: a file's kind is its folder.",
        "anyOf": any,
        "$defs": defs,
    })
}

/// The schema of every field any record may have, as the loader's `RecordFile` derives it.
fn whole() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut all = generator.into_root_schema_for::<RecordFile>().to_value();
    // A figure's qualifier is one of the words `check` knows (null: none written).
    let mut words: Vec<Value> = qualifiers().into_iter().map(Value::from).collect();
    words.push(Value::Null);
    if let Some(q) = all.pointer_mut("/$defs/Figure/properties/qualifier")
        && let Some(m) = q.as_object_mut()
    {
        m.insert("enum".into(), Value::Array(words));
    }
    all
}

/// Cut the whole schema down to one kind: its fields only, `name` (or a source's `title`)
/// required, and its vocabularies.
fn kind_schema(all: &Value, kind: Kind) -> Map<String, Value> {
    let props = all["properties"].as_object().cloned().unwrap_or_default();
    let mut own = Map::new();
    for (field, kinds) in FIELDS {
        if !kinds.contains(&kind) {
            continue;
        }
        let Some(mut p) = props.get(*field).cloned() else {
            continue;
        };
        tailor(&mut p, kind, field);
        own.insert((*field).to_owned(), p);
    }
    let (name, title) = (
        json!({"required": ["name"]}),
        json!({"required": ["title"]}),
    );
    let mut m = Map::new();
    m.insert("title".into(), json!(format!("dossier {kind} record")));
    m.insert(
        "description".into(),
        json!(format!(
            "One {kind} record: a file in {}/ whose name is its id",
            kind.folder()
        )),
    );
    m.insert("type".into(), json!("object"));
    m.insert("properties".into(), Value::Object(own));
    // Exactly one of the two: `check` refuses a record with both, or with neither.
    m.insert("oneOf".into(), json!([name, title]));
    m.insert("additionalProperties".into(), json!(false));
    m
}

/// One field's schema as it stands in `kind`'s records.
fn tailor(p: &mut Value, kind: Kind, field: &str) {
    // A vocabulary, and null: a field written with no value is a field left out.
    let words = |w: &[&str]| {
        let mut v: Vec<Value> = w.iter().map(|s| json!(s)).collect();
        v.push(Value::Null);
        Value::Array(v)
    };
    let set = |p: &mut Value, key: &str, v: Value| {
        if let Some(m) = p.as_object_mut() {
            m.insert(key.into(), v);
        }
    };
    match field {
        // Written, a name cannot be null: `name:` alone is a record with no name.
        "name" | "title" => {
            let description = p["description"].clone();
            *p = json!({ "description": description, "type": ["string", "number", "boolean"] });
        }
        "sex" => set(p, "enum", words(SEXES)),
        "status" => set(p, "enum", words(STATUSES)),
        "type" if kind == Kind::Incident => set(p, "enum", words(INCIDENT_TYPES)),
        "kind" => {
            let description = format!(
                "`{}` if written: it must agree with the folder",
                kind.name()
            );
            set(p, "description", json!(description));
        }
        "inferred" => {
            let markable: Vec<&str> = FIELDS
                .iter()
                .filter(|(f, kinds)| kinds.contains(&kind) && !NOT_MARKED.contains(f))
                .map(|(f, _)| *f)
                .collect();
            set(p, "propertyNames", json!({ "enum": markable }));
        }
        _ => {}
    }
    let description = match (kind, field) {
        (Kind::Incident, "type") => Some("What happened: attack, raid, abduction, ..."),
        (Kind::Organization, "type") => {
            Some("What sort of body, in words: government, armed force, human-rights NGO, ...")
        }
        (Kind::Source, "type") => {
            Some("What sort of document, in words: press release, news article, report, ...")
        }
        _ => None,
    };
    if let Some(d) = description {
        set(p, "description", json!(d));
    }
}

/// The qualifiers a figure may carry, as `check` reads them.
fn qualifiers() -> Vec<&'static str> {
    NUMBER_QUALIFIERS
        .iter()
        .chain(VAGUE_QUANTITIES)
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_lists_only_its_own_fields() {
        let person = for_kind(Kind::Person);
        let props = person["properties"].as_object().unwrap();
        assert!(props.contains_key("born") && props.contains_key("camps"));
        assert!(!props.contains_key("participants") && !props.contains_key("issued"));
        assert_eq!(person["additionalProperties"], json!(false));
        assert_eq!(person["$schema"], json!(DIALECT));
        let source = for_kind(Kind::Source);
        assert!(source["properties"]["publisher"].is_object());
    }

    #[test]
    fn every_field_of_the_loader_is_in_the_schema() {
        let all = whole();
        for (field, _) in FIELDS {
            assert!(all["properties"].get(*field).is_some(), "{field}");
        }
    }
}
