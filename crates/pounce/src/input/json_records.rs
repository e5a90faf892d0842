//! JSON to raw records: `{"projects": [...], "partners": [...]}`.

use std::collections::HashMap;
use std::io::Read;

use serde_json::Value as Json;

use super::{Record, Value};
use crate::error::{Error, Place, Problem, Problems, Result};

pub(crate) struct Document {
    pub projects: Vec<Record>,
    pub partners: Vec<Record>,
}

pub(crate) fn read<R: Read>(mut r: R, source: &str, problems: &mut Problems) -> Result<Document> {
    let mut doc = Document { projects: vec![], partners: vec![] };
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).map_err(|error| Error::Io { source_name: source.to_owned(), error })?;
    // A byte-order mark, as Windows editors write it, is not part of the document.
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let value: Json = match serde_json::from_slice(text) {
        Ok(v) => v,
        Err(e) => {
            let place = if e.line() > 0 { Place::Line(e.line() as u64) } else { Place::File };
            problems.push(Problem::new(source, place, None, format!("not valid JSON: {e}")));
            return Ok(doc);
        }
    };
    let Json::Object(top) = value else {
        problems.push(Problem::new(
            source,
            Place::Path("$".into()),
            None,
            "expected an object with \"projects\" and/or \"partners\" arrays",
        ));
        return Ok(doc);
    };
    for (key, v) in top {
        let target = match key.as_str() {
            "projects" => &mut doc.projects,
            "partners" => &mut doc.partners,
            _ => {
                problems.push(Problem::new(
                    source,
                    Place::Path(format!("$.{key}")),
                    None,
                    "unknown key (expected \"projects\" or \"partners\")",
                ));
                continue;
            }
        };
        let Json::Array(items) = v else {
            problems.push(Problem::new(source, Place::Path(format!("$.{key}")), None, "expected an array"));
            continue;
        };
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("$.{key}[{i}]");
            let Json::Object(obj) = item else {
                problems.push(Problem::new(source, Place::Path(path), None, "expected an object"));
                continue;
            };
            let mut fields = HashMap::new();
            for (name, v) in obj {
                let name = name.trim().to_ascii_lowercase();
                match scalar_or_list(v) {
                    Ok(Some(value)) => {
                        fields.insert(name, value);
                    }
                    Ok(None) => {}
                    Err(reason) => problems.push(Problem::new(source, Place::Path(path.clone()), Some(&name), reason)),
                }
            }
            target.push(Record { place: Place::Path(path), fields });
        }
    }
    Ok(doc)
}

fn scalar(v: Json) -> Result<Option<String>, String> {
    match v {
        Json::Null => Ok(None),
        Json::Bool(b) => Ok(Some(b.to_string())),
        Json::Number(n) => Ok(Some(n.to_string())),
        Json::String(s) => {
            let s = s.trim();
            Ok((!s.is_empty()).then(|| s.to_owned()))
        }
        Json::Array(_) => Err("expected a single value, found an array".into()),
        Json::Object(_) => Err("expected a value, found an object".into()),
    }
}

fn scalar_or_list(v: Json) -> Result<Option<Value>, String> {
    match v {
        Json::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if let Some(s) = scalar(item)? {
                    out.push(s);
                }
            }
            Ok(Some(Value::List(out)))
        }
        other => Ok(scalar(other)?.map(Value::Text)),
    }
}
