//! Readers for referral networks: CSV `source,target,kind,weight[,date]` or JSON
//! `{"edges": [{"source", "target", "kind", "weight", "date"}]}`.

use std::io::Read;

use serde_json::Value as Json;

use super::csv_records;
use super::fields::{Fields, parse_date};
use super::{Record, Value};
use crate::error::{Error, Place, Problem, Problems, Result};
use crate::referral::graph::EdgeList;
use crate::referral::{EdgeKind, EdgeRecord};

mod fast;

use fast::{COLUMNS, REQUIRED};

fn edge(f: &mut Fields<'_>) -> Option<EdgeRecord> {
    let source = f.required("source");
    let target = f.required("target");
    let kind = match f.required("kind") {
        Some(k) => match k.parse::<EdgeKind>() {
            Ok(k) => Some(k),
            Err(e) => {
                f.problem("kind", e);
                None
            }
        },
        None => None,
    };
    let max = if kind == Some(EdgeKind::PastProject) { 5.0 } else { 1e6 };
    let weight = f.number("weight", if kind == Some(EdgeKind::PastProject) { 5.0 } else { 1.0 }, 0.0, max);
    let date = match f.text("date") {
        None => None,
        Some(s) => {
            let d = parse_date(s);
            if d.is_none() {
                f.problem("date", format!("expected a date as YYYY-MM-DD, found \"{s}\""));
            }
            d
        }
    };
    if f.failed() {
        return None;
    }
    Some(EdgeRecord { source: source?.to_owned(), target: target?.to_owned(), kind: kind?, weight, date })
}

/// Reads referral edges, CSV or JSON (told apart by a leading `{`), reporting every problem.
/// `weight` defaults to 1 (for `past_project`, the outcome rating 0–5, default 5).
///
/// ```
/// let csv = "source,target,kind,weight,date\nDana Lee,Tech U,alumnus,1,2024-06-01\nDana Lee,Acme,works_at,,\n";
/// let edges = pounce::input::read_referrals(csv.as_bytes(), "referrals.csv").unwrap();
/// assert_eq!(edges.len(), 2);
/// assert!(pounce::input::read_referrals("source,target,kind\na,b,friend\n".as_bytes(), "r.csv").is_err());
/// ```
pub fn read_referrals<R: Read>(mut r: R, source: &str) -> Result<Vec<EdgeRecord>> {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).map_err(|error| Error::Io { source_name: source.to_owned(), error })?;
    if !is_json(&bytes) {
        if let Some(edges) = fast::edges(&bytes) {
            return Ok(edges);
        }
    }
    read_general(&bytes, source)
}

/// [`read_referrals`] as an [`EdgeList`]: the same edges (or the same problems), the node ids interned
/// as they are read. A clean CSV file is scanned straight from its bytes, without a string per edge.
///
/// ```
/// let csv = "source,target,kind,weight,date\nDana Lee,Tech U,alumnus,1,2024-06-01\nDana Lee,Acme,works_at,,\n";
/// let list = pounce::input::read_referral_edges(csv.as_bytes(), "referrals.csv").unwrap();
/// assert_eq!((list.edges().len(), list.node_count()), (2, 3));
/// assert_eq!(list.id(list.edges()[1].target), "Acme");
/// assert!(pounce::input::read_referral_edges("source,target,kind\na,b,friend\n".as_bytes(), "r.csv").is_err());
/// ```
pub fn read_referral_edges<R: Read>(mut r: R, source: &str) -> Result<EdgeList> {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).map_err(|error| Error::Io { source_name: source.to_owned(), error })?;
    if !is_json(&bytes) {
        if let Some(list) = fast::edge_list(&bytes) {
            return Ok(list);
        }
        if let Some(edges) = fast::edges(&bytes) {
            return Ok(EdgeList::from_records(&edges));
        }
    }
    read_general(&bytes, source).map(|edges| EdgeList::from_records(&edges))
}

/// Whether the bytes are a JSON document (a leading `{`, after any byte-order mark and white space).
fn is_json(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// `read_referrals` through the general readers, which report every problem.
fn read_general(bytes: &[u8], source: &str) -> Result<Vec<EdgeRecord>> {
    let mut problems = Problems::default();
    let records = if is_json(bytes) {
        json_records(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes), source, &mut problems)
    } else {
        csv_records::read(bytes, source, &COLUMNS, &REQUIRED, &mut problems)?
    };
    let mut out = Vec::with_capacity(records.len());
    for rec in &records {
        let mut f = Fields::new(source, rec, &mut problems);
        if let Some(e) = edge(&mut f) {
            out.push(e);
        }
    }
    problems.into_result(out)
}

fn json_records(bytes: &[u8], source: &str, problems: &mut Problems) -> Vec<Record> {
    let doc: Json = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            problems.push(Problem::new(source, Place::Line(e.line() as u64), None, format!("not valid JSON: {e}")));
            return vec![];
        }
    };
    let Some(Json::Array(items)) = doc.get("edges").cloned() else {
        problems.push(Problem::new(
            source,
            Place::Path("$".into()),
            None,
            "expected an object with an \"edges\" array",
        ));
        return vec![];
    };
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let path = format!("$.edges[{i}]");
        let Json::Object(obj) = item else {
            problems.push(Problem::new(source, Place::Path(path), None, "expected an object"));
            continue;
        };
        let mut fields = std::collections::HashMap::new();
        for (k, v) in obj {
            let text = match v {
                Json::Null => continue,
                Json::String(s) => s,
                Json::Number(n) => n.to_string(),
                other => {
                    problems.push(Problem::new(
                        source,
                        Place::Path(path.clone()),
                        Some(&k),
                        format!("expected a value, found {other}"),
                    ));
                    continue;
                }
            };
            fields.insert(k.to_ascii_lowercase(), Value::Text(text.trim().to_owned()));
        }
        out.push(Record { place: Place::Path(path), fields });
    }
    out
}

/// Reads a term's outcomes: CSV `project,partner,outcome,rating` (`outcome` is `completed` or
/// `dropped`; `rating` 0–5, optional).
///
/// ```
/// let rows = pounce::input::read_outcomes_csv("project,partner,outcome,rating\nP1,Q1,completed,5\n".as_bytes(), "o.csv").unwrap();
/// assert_eq!(rows[0].rating, Some(5.0));
/// ```
pub fn read_outcomes_csv<R: Read>(r: R, source: &str) -> Result<Vec<crate::referral::feedback::OutcomeRow>> {
    use crate::referral::feedback::{Outcome, OutcomeRow};
    let mut problems = Problems::default();
    let records = csv_records::read(
        r,
        source,
        &["project", "partner", "outcome", "rating"],
        &["project", "partner", "outcome"],
        &mut problems,
    )?;
    let mut out = Vec::new();
    for rec in &records {
        let mut f = Fields::new(source, rec, &mut problems);
        let project = f.required("project").map(str::to_owned);
        let partner = f.required("partner").map(str::to_owned);
        let outcome = match f.required("outcome").map(str::to_ascii_lowercase).as_deref() {
            Some("completed") => Some(Outcome::Completed),
            Some("dropped") => Some(Outcome::Dropped),
            Some(other) => {
                f.problem("outcome", format!("expected completed or dropped, found \"{other}\""));
                None
            }
            None => None,
        };
        let rating = f.text("rating").map(|_| f.number("rating", 0.0, 0.0, 5.0));
        if f.failed() {
            continue;
        }
        if let (Some(project), Some(partner), Some(outcome)) = (project, partner, outcome) {
            out.push(OutcomeRow { project, partner, outcome, rating, place: rec.place.clone() });
        }
    }
    problems.into_result(out)
}
