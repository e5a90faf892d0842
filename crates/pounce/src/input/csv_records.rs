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
    rdr: csv::Reader<CrlfToLf<R>>,
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
        let mut rdr = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(CrlfToLf::new(r));
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

/// Turns CRLF line ends into LF (a lone CR is kept, so old Mac files still split into lines). The
/// csv crate positions a record that follows a CRLF at the line before it; with LF it is exact, so
/// the problems of Windows files name the right line.
pub(crate) struct CrlfToLf<R> {
    inner: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    /// A CR at the end of the previous fill, not yet known to start a CRLF.
    pending_cr: bool,
}

impl<R: Read> CrlfToLf<R> {
    pub(crate) fn new(inner: R) -> Self {
        CrlfToLf { inner, buf: vec![0; 64 * 1024].into_boxed_slice(), start: 0, end: 0, pending_cr: false }
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.start == self.end {
                let n = self.inner.read(&mut self.buf)?;
                self.start = 0;
                self.end = n;
                if n == 0 {
                    if std::mem::take(&mut self.pending_cr) {
                        out[0] = b'\r';
                        return Ok(1);
                    }
                    return Ok(0);
                }
            }
            let mut written = 0;
            if self.pending_cr {
                self.pending_cr = false;
                if self.buf[self.start] != b'\n' {
                    out[0] = b'\r';
                    written = 1;
                }
            }
            while written < out.len() && self.start < self.end {
                let b = self.buf[self.start];
                if b == b'\r' {
                    if self.start + 1 == self.end {
                        self.pending_cr = true;
                        self.start += 1;
                        break;
                    }
                    if self.buf[self.start + 1] == b'\n' {
                        self.start += 1;
                        continue;
                    }
                }
                out[written] = b;
                written += 1;
                self.start += 1;
            }
            if written > 0 {
                return Ok(written);
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per call.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn crlf_becomes_lf_across_any_split() {
        let input = b"a,b\r\n\"x\r\ny\",2\r\rz\r\n\r\n\r";
        let expected = b"a,b\n\"x\ny\",2\r\rz\n\n\r";
        for step in 1..=input.len() {
            let mut out = Vec::new();
            let mut r = CrlfToLf::new(Trickle(input, step));
            let mut buf = [0u8; 3];
            loop {
                let n = r.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n]);
            }
            assert_eq!(out, expected, "step {step}");
        }
    }

    #[test]
    fn windows_files_name_the_right_line() {
        for text in ["id,v\r\n1,a\r\n2,b\r\n", "\u{feff}id,v\r\n1,a\r\n2,b\r\n", "id,v\n1,a\n2,b\n"] {
            let mut problems = Problems::default();
            let recs = read(text.as_bytes(), "f.csv", &["id", "v"], &["id"], &mut problems).unwrap();
            let lines: Vec<Place> = recs.into_iter().map(|r| r.place).collect();
            assert_eq!(lines, [Place::Line(2), Place::Line(3)], "{text:?}");
        }
    }
}
