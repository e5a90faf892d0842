//! Errors: one enum for the library, and [`Problem`]s that name the file, place, field and reason of
//! every defect found in an input, so that a whole file is checked in one pass.

use std::fmt;

/// Where in an input a problem was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(untagged)]
pub enum Place {
    /// The file as a whole (a missing column, an empty file).
    File,
    /// A 1-based line of a text file (CSV, TOML).
    Line(u64),
    /// A JSON path such as `$.partners[3].city`.
    Path(String),
}

/// One defect in an input: which file, where, which field and why.
///
/// ```
/// use pounce::{Place, Problem};
/// let p = Problem::new("partners.csv", Place::Line(4), Some("capacity"), "must be a whole number ≥ 0, found \"-2\"");
/// assert_eq!(p.to_string(), "partners.csv:4: capacity: must be a whole number ≥ 0, found \"-2\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Problem {
    /// The input's name as the user gave it (usually a path).
    pub source: String,
    /// Where in the input.
    pub place: Place,
    /// The field (column, key) concerned, if any.
    pub field: Option<String>,
    /// What is wrong, in plain words.
    pub reason: String,
}

impl Problem {
    /// A problem in `source` at `place`, concerning `field`, for `reason`.
    pub fn new(source: impl Into<String>, place: Place, field: Option<&str>, reason: impl Into<String>) -> Self {
        Problem { source: source.into(), place, field: field.map(str::to_owned), reason: reason.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        match &self.place {
            Place::File => {}
            Place::Line(n) => write!(f, ":{n}")?,
            Place::Path(p) => write!(f, ":{p}")?,
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.reason)
    }
}

/// A problem for a TOML syntax or type error at byte range `span` of `text`: its line, and as field
/// the key (`section.key`) or table written on that line, when there is one.
///
/// ```
/// let p = pounce::toml_problem("w.toml", "[fit]\nskills = \"high\"\n", Some(16..22), "invalid type");
/// assert_eq!(p.to_string(), "w.toml:2: fit.skills: invalid type");
/// ```
pub fn toml_problem(source: &str, text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> Problem {
    let Some(span) = span else { return Problem::new(source, Place::File, None, message.trim()) };
    let start = span.start.min(text.len());
    let before = text.get(..start).unwrap_or(text);
    let line = before.bytes().filter(|b| *b == b'\n').count() as u64 + 1;
    let mut section = String::new();
    let mut field = None;
    for (i, l) in text.lines().enumerate().take(line as usize) {
        let t = l.split('#').next().unwrap_or("").trim();
        let header = t.trim_start_matches('[').trim_end_matches(']').trim();
        if t.starts_with('[') && !header.contains(['"', '\'', ',', '=']) {
            section = header.to_owned();
            field = (i as u64 + 1 == line).then(|| section.clone());
        } else if i as u64 + 1 == line {
            field = t.split_once('=').map(|(k, _)| {
                let k = k.trim().trim_matches('"');
                if section.is_empty() { k.to_owned() } else { format!("{section}.{k}") }
            });
        }
    }
    Problem::new(source, Place::Line(line), field.as_deref(), message.trim())
}

/// Every problem found in one or more inputs, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// True when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// How many problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Adds one problem.
    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }
    /// The problems, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.0.iter()
    }
    /// `Ok(value)` when empty, otherwise [`Error::Invalid`] with these problems.
    pub fn into_result<T>(self, value: T) -> Result<T> {
        if self.is_empty() { Ok(value) } else { Err(Error::Invalid(self)) }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// The library's error type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is invalid; every problem found is listed.
    #[error("{count} problem{plural} in the input:\n{problems}", count = .0.len(), plural = if .0.len() == 1 { "" } else { "s" }, problems = .0)]
    Invalid(Problems),
    /// Reading or writing failed.
    #[error("{source_name}: {error}")]
    Io {
        /// The input or output's name.
        source_name: String,
        /// The underlying error.
        error: std::io::Error,
    },
    /// A request the library cannot honour (an option out of range, an impossible combination).
    #[error("{0}")]
    Unsupported(String),
    /// A fault of Pounce itself (a solver that misbehaved, a broken invariant): please report it.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// True for errors caused by the user's input (the CLI exits with code 2 for these).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Error::Invalid(_) | Error::Unsupported(_))
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
