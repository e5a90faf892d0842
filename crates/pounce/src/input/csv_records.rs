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
    let mut out = Vec::new();
    if let Some(mut rows) = Rows::open(r, source, known, required, problems)? {
        while let Some(rec) = rows.next_record(problems)? {
            out.push(rec);
        }
    }
    Ok(out)
}

/// The rows of a CSV file after its header, one [`Record`] at a time (for files too large to hold).
pub(crate) struct Rows<'s, R: Read> {
    rdr: csv::Reader<R>,
    source: &'s str,
    names: Vec<String>,
    rec: csv::ByteRecord,
    done: bool,
}

impl<'s, R: Read> Rows<'s, R> {
    /// Reads and checks the header; `None` when the file cannot be read further (the problems are
    /// recorded).
    pub(crate) fn open(
        r: R,
        source: &'s str,
        known: &[&str],
        required: &[&str],
        problems: &mut Problems,
    ) -> Result<Option<Self>> {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(r);
        match header(&mut rdr, source, known, required, problems)? {
            Some(names) => Ok(Some(Rows { rdr, source, names, rec: csv::ByteRecord::new(), done: false })),
            None => Ok(None),
        }
    }

    /// The next row with its fields, skipping blank lines and rows with problems (recorded).
    pub(crate) fn next_record(&mut self, problems: &mut Problems) -> Result<Option<Record>> {
        let source = self.source;
        while !self.done {
            match self.rdr.read_byte_record(&mut self.rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    csv_error(source, e, problems)?;
                    break;
                }
            }
            let rec = &self.rec;
            let line = rec.position().map_or(0, |p| p.line());
            if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue; // blank line, e.g. trailing ones from a spreadsheet
            }
            let place = Place::Line(line);
            if rec.len() != self.names.len() {
                problems.push(Problem::new(
                    source,
                    place,
                    None,
                    format!("expected {} fields as in the header, found {}", self.names.len(), rec.len()),
                ));
                continue;
            }
            let mut fields = HashMap::new();
            let mut ok = true;
            for (name, raw) in self.names.iter().zip(rec.iter()) {
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
                return Ok(Some(Record { place, fields }));
            }
        }
        self.done = true;
        Ok(None)
    }
}

/// The lower-case column names, or `None` when the header makes the rows unreadable.
fn header<R: Read>(
    rdr: &mut csv::Reader<R>,
    source: &str,
    known: &[&str],
    required: &[&str],
    problems: &mut Problems,
) -> Result<Option<Vec<String>>> {
    let file_problem = |reason: String| Problem::new(source, Place::File, None, reason);
    let headers = match rdr.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => return csv_error(source, e, problems).map(|_| None),
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
        return Ok(None);
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
        return Ok(None);
    }
    Ok(Some(names))
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
