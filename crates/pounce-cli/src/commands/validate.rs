//! `pounce validate`.

use std::io::Read;
use std::path::Path;

use anyhow::Result;
use pounce::input::{Kind, Reference, read_records};
use pounce::{Error, Problem, Problems, Weights};

use crate::BadInput;

/// What a file holds, told from its name and first line.
fn kind_of(path: &Path, bytes: &[u8]) -> Option<Option<Kind>> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
        return Some(None);
    }
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return Some(Some(Kind::Projects)); // a JSON document: both arrays are read
    }
    let header = trimmed.lines().next().unwrap_or("").to_ascii_lowercase();
    let cols: Vec<&str> = header.split(',').map(|c| c.trim().trim_matches('"')).collect();
    if cols.contains(&"institution") || cols.contains(&"title") {
        Some(Some(Kind::Projects))
    } else if cols.contains(&"employees") || cols.contains(&"name") {
        Some(Some(Kind::Partners))
    } else {
        None
    }
}

pub fn run(a: &crate::cli::ValidateArgs) -> Result<()> {
    let reference = Reference::bundled();
    let mut problems = Problems::default();
    for path in &a.files {
        let name = path.display().to_string();
        let mut bytes = Vec::new();
        if let Err(e) = crate::files::open(path)?.read_to_end(&mut bytes) {
            return Err(BadInput(format!("{name}: cannot read: {e}")).into());
        }
        let result = match kind_of(path, &bytes) {
            None => {
                problems.push(Problem::new(
                    &name,
                    pounce::Place::Line(1),
                    None,
                    "cannot tell what the file holds: a projects CSV has an `institution` column, a partners CSV an `employees` column",
                ));
                continue;
            }
            Some(None) => match std::str::from_utf8(&bytes) {
                Ok(text) => Weights::from_toml(text, &name).map(|_| "weights".to_owned()),
                Err(_) => Err(Error::Invalid(Problems(vec![Problem::new(
                    &name,
                    pounce::Place::File,
                    None,
                    "not UTF-8 text",
                )]))),
            },
            Some(Some(kind)) => {
                let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                let json = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
                if json {
                    pounce::input::read_term_json(bytes.as_slice(), &name, reference)
                        .map(|t| format!("{} projects, {} partners", t.projects.len(), t.partners.len()))
                } else {
                    read_records(bytes.as_slice(), &name, kind, reference).map(|t| match kind {
                        Kind::Projects => format!("{} projects", t.projects.len()),
                        Kind::Partners => format!("{} partners", t.partners.len()),
                    })
                }
            }
        };
        match result {
            Ok(summary) => println!("{name}: ok ({summary})"),
            Err(Error::Invalid(p)) => problems.0.extend(p.0),
            Err(e) => return Err(e.into()),
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(Error::Invalid(problems).into()) }
}
