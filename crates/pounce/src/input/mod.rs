//! Readers for the documented input formats (projects, partners; CSV and JSON).
//!
//! Every reader takes a [`std::io::Read`] and the input's name (used in messages), checks the
//! whole input, and returns either validated values or [`Error::Invalid`] with every problem found,
//! each naming the file, the line (CSV) or JSON path, the field and the reason.
//!
//! The format (every column, its type, whether it is required and its default) is documented in
//! `docs/formats.md`; [`PROJECT_COLUMNS`] and [`PARTNER_COLUMNS`] list the columns.

mod csv_records;
mod fields;
mod json_records;
mod market_files;
pub(crate) mod plain;
mod referrals;
mod stream;

use std::collections::HashMap;
use std::io::Read;

use crate::error::{Error, Place, Problem, Problems, Result};
use crate::model::{Partner, Project, Term};
use crate::taxonomy::cities::Gazetteer;
use crate::taxonomy::naics::Naics;

pub use fields::{parse_bool, parse_date};
pub use market_files::{
    CapacityRow, PreferenceRow, ScoreRow, assignment_from_rows, market_from_preference_bytes, market_from_preferences,
    market_from_score_bytes, market_from_scores, read_assignment_csv, read_capacities_csv, read_preferences_csv,
    read_scores_csv,
};
pub use referrals::{read_outcomes_csv, read_referral_edges, read_referrals};
pub use stream::PartnerCsvStream;

/// The columns of a projects file, in the documented order.
pub const PROJECT_COLUMNS: &[&str] = &[
    "id",
    "institution",
    "title",
    "industries",
    "skills",
    "framework",
    "weeks",
    "start",
    "mentor_hours",
    "team_size",
    "city",
    "lat",
    "lon",
    "timezone",
    "remote",
    "max_km",
    "size",
    "ip",
    "must",
];

/// The columns of a partners file, in the documented order.
pub const PARTNER_COLUMNS: &[&str] = &[
    "id",
    "name",
    "industries",
    "skills",
    "employees",
    "city",
    "lat",
    "lon",
    "timezone",
    "remote",
    "capacity",
    "mentor_hours",
    "contacts",
    "frameworks",
    "ip",
    "available_from",
    "available_to",
    "status",
];

/// The reference data readers resolve against: industry codes and cities.
#[derive(Debug, Clone, Copy)]
pub struct Reference<'a> {
    /// The industry taxonomy.
    pub naics: &'a Naics,
    /// The gazetteer.
    pub cities: &'a Gazetteer,
}

impl Reference<'static> {
    /// The data bundled with the library.
    pub fn bundled() -> Self {
        Reference { naics: Naics::bundled(), cities: Gazetteer::bundled() }
    }
}

/// A raw field value as read from a file, before validation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    List(Vec<String>),
}

/// One raw record (a CSV row or a JSON object) and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub place: Place,
    pub fields: HashMap<String, Value>,
}

/// Which kind of entity a records file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Projects.
    Projects,
    /// Partners.
    Partners,
}

impl Kind {
    fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Projects => PROJECT_COLUMNS,
            Kind::Partners => PARTNER_COLUMNS,
        }
    }
}

/// Reads projects from CSV (one row each, list fields separated by `;`).
///
/// ```
/// use pounce::input::{read_projects_csv, Reference};
/// let csv = "id,institution,title,skills,start,city\nP1,Tech U,Fleet telemetry,rust:2;sql,2027-01-11,\"Toronto, CA\"\n";
/// let projects = read_projects_csv(csv.as_bytes(), "projects.csv", Reference::bundled()).unwrap();
/// assert_eq!(projects[0].skills[0].weight, 2.0);
/// ```
pub fn read_projects_csv<R: Read>(r: R, source: &str, reference: Reference<'_>) -> Result<Vec<Project>> {
    let mut problems = Problems::default();
    let records = csv_records::read(r, source, Kind::Projects.columns(), &["id"], &mut problems)?;
    let projects = build(source, &records, &mut problems, |f| f.project(reference));
    problems.into_result(projects)
}

/// Reads partners from CSV (one row each, list fields separated by `;`).
///
/// ```
/// use pounce::input::{read_partners_csv, Reference};
/// let csv = "id,name,industries,employees,city,frameworks\nQ1,Acme,541511,40,\"Toronto, CA\",pbl:6-16\n";
/// let partners = read_partners_csv(csv.as_bytes(), "partners.csv", Reference::bundled()).unwrap();
/// assert_eq!(partners[0].frameworks[0].max_weeks, 16);
/// ```
pub fn read_partners_csv<R: Read>(r: R, source: &str, reference: Reference<'_>) -> Result<Vec<Partner>> {
    let mut problems = Problems::default();
    let records = csv_records::read(r, source, Kind::Partners.columns(), &["id"], &mut problems)?;
    let partners = build(source, &records, &mut problems, |f| f.partner(reference));
    problems.into_result(partners)
}

/// Reads a JSON document `{"projects": [...], "partners": [...]}` (either array may be absent).
/// Fields are the CSV columns; list fields are arrays or `;`-separated strings.
///
/// ```
/// use pounce::input::{read_term_json, Reference};
/// let json = r#"{"partners": [{"id": "Q1", "name": "Acme", "industries": ["5415"],
///                "employees": 40, "city": "Toronto, CA"}]}"#;
/// let term = read_term_json(json.as_bytes(), "term.json", Reference::bundled()).unwrap();
/// assert_eq!(term.partners[0].capacity, 1);
/// ```
pub fn read_term_json<R: Read>(r: R, source: &str, reference: Reference<'_>) -> Result<Term> {
    let mut problems = Problems::default();
    let doc = json_records::read(r, source, &mut problems)?;
    let projects = build(source, &doc.projects, &mut problems, |f| f.project(reference));
    let partners = build(source, &doc.partners, &mut problems, |f| f.partner(reference));
    problems.into_result(Term { projects, partners })
}

/// Reads projects or partners, CSV or JSON, guessing the format from the first non-blank byte
/// (`{` or `[` is JSON). For JSON, the array of the asked kind is returned. A file without any
/// record of the asked kind (a header and no rows, a JSON document without them) is refused.
pub fn read_records<R: Read>(mut r: R, source: &str, kind: Kind, reference: Reference<'_>) -> Result<Term> {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).map_err(|error| Error::Io { source_name: source.to_owned(), error })?;
    let first = bytes.iter().copied().find(|b| !(b.is_ascii_whitespace() || *b == 0xEF || *b == 0xBB || *b == 0xBF));
    let term = if matches!(first, Some(b'{' | b'[')) {
        let mut term = read_term_json(bytes.as_slice(), source, reference)?;
        match kind {
            Kind::Projects => term.partners.clear(),
            Kind::Partners => term.projects.clear(),
        }
        term
    } else {
        match kind {
            Kind::Projects => {
                Term { projects: read_projects_csv(bytes.as_slice(), source, reference)?, partners: vec![] }
            }
            Kind::Partners => {
                Term { projects: vec![], partners: read_partners_csv(bytes.as_slice(), source, reference)? }
            }
        }
    };
    let (count, what) = match kind {
        Kind::Projects => (term.projects.len(), "projects"),
        Kind::Partners => (term.partners.len(), "partners"),
    };
    if count == 0 {
        let reason = if first == Some(b'{') {
            format!("no {what}: expected a non-empty \"{what}\" array")
        } else {
            format!("no {what}: the file has a header but no rows")
        };
        return Err(Error::Invalid(Problems(vec![Problem::new(source, Place::File, None, reason)])));
    }
    Ok(term)
}

/// Builds entities from records, checking that ids are unique (also among rows with other problems).
fn build<T>(
    source: &str,
    records: &[Record],
    problems: &mut Problems,
    mut make: impl FnMut(&mut fields::Fields<'_>) -> Option<T>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(records.len());
    let mut seen: HashMap<&str, &Place> = HashMap::new();
    for rec in records {
        let mut duplicate = false;
        if let Some(Value::Text(id)) = rec.fields.get("id") {
            match seen.get(id.as_str()) {
                Some(first) => {
                    duplicate = true;
                    problems.push(Problem::new(
                        source,
                        rec.place.clone(),
                        Some("id"),
                        format!("duplicate id \"{id}\" (first at {})", describe(first)),
                    ));
                }
                None => {
                    seen.insert(id, &rec.place);
                }
            }
        }
        let mut f = fields::Fields::new(source, rec, problems);
        if let Some(item) = make(&mut f) {
            if !duplicate {
                out.push(item);
            }
        }
    }
    out
}

fn describe(place: &Place) -> String {
    match place {
        Place::File => "the file".into(),
        Place::Line(n) => format!("line {n}"),
        Place::Path(p) => p.clone(),
    }
}

#[cfg(test)]
mod tests;
