//! CSV to raw records: header checks, ragged rows, byte-order marks, non-UTF-8 bytes.

use std::collections::HashMap;
use std::io::Read;

use super::{Record, Value};
use crate::error::{Error, Place, Problem, Problems, Result};

/// Reads every row as a [`Record`] keyed by lower-case column name. Problems with the file's shape
/// go to `problems`; only I/O failures are returned as errors.
pub(crate) fn read<R: Read>(
    r: R,
    source: &str,
    known: &[&str],
    required: &[&str],
    problems: &mut Problems,
) -> Result<Vec<Record>> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(r);
    let file_problem = |reason: String| Problem::new(source, Place::File, None, reason);
    let headers = match rdr.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => return csv_error(source, e, problems).map(|_| vec![]),
    };
    let mut names = Vec::with_capacity(headers.len());
    for (i, raw) in headers.iter().enumerate() {
        let raw = if i == 0 { raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw) } else { raw };
        match std::str::from_utf8(raw) {
            Ok(s) => names.push(s.trim().to_ascii_lowercase()),
            Err(_) => {
                problems.push(Problem::new(
                    source,
                    Place::Line(1),
                    None,
                    format!("column {} has a name that is not UTF-8", i + 1),
                ));
                names.push(String::new());
            }
        }
    }
    if names.iter().all(String::is_empty) {
        problems.push(file_problem(format!(
            "the file is empty: expected a header row naming the columns ({})",
            known.join(",")
        )));
        return Ok(vec![]);
    }
    let mut fatal = false;
    for (i, n) in names.iter().enumerate() {
        if n.is_empty() {
            continue;
        }
        if names[..i].contains(n) {
            problems.push(Problem::new(source, Place::Line(1), Some(n), "the column appears twice"));
            fatal = true;
        } else if !known.contains(&n.as_str()) {
            if let Some(s) = known.iter().find(|k| strsim::jaro_winkler(n, k) >= 0.9) {
                problems.push(Problem::new(
                    source,
                    Place::Line(1),
                    Some(n),
                    format!("unknown column (did you mean \"{s}\"?)"),
                ));
            }
        }
    }
    for req in required {
        if !names.iter().any(|n| n == req) {
            problems.push(Problem::new(source, Place::Line(1), Some(req), "required column is missing"));
            fatal = true;
        }
    }
    if fatal {
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                csv_error(source, e, problems)?;
                break;
            }
        }
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // blank line, e.g. trailing ones from a spreadsheet
        }
        let place = Place::Line(line);
        if rec.len() != names.len() {
            problems.push(Problem::new(
                source,
                place,
                None,
                format!("expected {} fields as in the header, found {}", names.len(), rec.len()),
            ));
            continue;
        }
        let mut fields = HashMap::new();
        let mut ok = true;
        for (name, raw) in names.iter().zip(rec.iter()) {
            if name.is_empty() {
                continue;
            }
            match std::str::from_utf8(raw) {
                Ok(s) => {
                    let s = s.trim();
                    if !s.is_empty() {
                        fields.insert(name.clone(), Value::Text(s.to_owned()));
                    }
                }
                Err(_) => {
                    problems.push(Problem::new(source, place.clone(), Some(name), "the value is not valid UTF-8"));
                    ok = false;
                }
            }
        }
        if ok {
            out.push(Record { place, fields });
        }
    }
    Ok(out)
}

fn csv_error(source: &str, e: csv::Error, problems: &mut Problems) -> Result<()> {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(error) => Err(Error::Io { source_name: source.to_owned(), error }),
        other => {
            let place = line.map_or(Place::File, Place::Line);
            problems.push(Problem::new(source, place, None, format!("not readable as CSV: {other:?}")));
            Ok(())
        }
    }
}
