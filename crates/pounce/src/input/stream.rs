//! Partners CSV read in chunks, for pools too large to hold in memory at once.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};
use std::io::Read;

use super::csv_records::Rows;
use super::{Kind, Reference, Value, fields};
use crate::error::{Place, Problem, Problems, Result};
use crate::model::Partner;

/// Partners read from CSV a chunk at a time, validated exactly as
/// [`read_partners_csv`](super::read_partners_csv) validates them, with every problem kept for
/// [`PartnerCsvStream::finish`].
///
/// Memory is one chunk plus a table entry per partner id seen: ids are checked for duplicates across
/// the whole file through a 96-bit hash of each id and the line it was first seen on (16 bytes and a
/// control byte per entry, in a table 44% to 88% full: 19 to 39 bytes per id).
///
/// ```
/// use pounce::input::{PartnerCsvStream, Reference};
/// let csv = "id,name,industries,employees,city\nQ1,Acme,541511,40,\"Toronto, CA\"\n\
///            Q2,Beta,541511,9,\"Lyon, FR\"\nQ3,Gamma,5415,3,\"Lyon, FR\"\n";
/// let mut stream = PartnerCsvStream::new(csv.as_bytes(), "partners.csv", Reference::bundled())?;
/// let mut sizes = Vec::new();
/// while let Some(chunk) = stream.next_chunk(2)? {
///     sizes.push(chunk.len());
/// }
/// assert_eq!(sizes, [2, 1]);
/// assert_eq!(stream.finish()?, 3);
///
/// let bad = "id,name,industries,employees,city\nQ1,Acme,541511,40,\"Toronto, CA\"\nQ1,Acme,541511,-4,\"Toronto, CA\"\n";
/// let mut stream = PartnerCsvStream::new(bad.as_bytes(), "partners.csv", Reference::bundled())?;
/// while stream.next_chunk(1)?.is_some() {}
/// let e = stream.finish().unwrap_err().to_string();
/// assert!(e.contains("partners.csv:3: id: duplicate id \"Q1\" (first at line 2)"), "{e}");
/// assert!(e.contains("partners.csv:3: employees"), "{e}");
/// # Ok::<(), pounce::Error>(())
/// ```
pub struct PartnerCsvStream<'a, R: Read> {
    rows: Option<Rows<'a, R>>,
    source: &'a str,
    reference: Reference<'a>,
    problems: Problems,
    seen: HashMap<IdHash, u32, BuildHasherDefault<Spread>>,
    read: usize,
    records: usize,
}

/// 96 bits of two salted hashes of an id (16 bytes with the line in the table): ids are told apart
/// by it, a collision among 10^9 ids has a chance below 10^-11.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IdHash([u32; 3]);

impl Hash for IdHash {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(u64::from(self.0[0]) << 32 | u64::from(self.0[1]));
    }
}

/// The table's hasher: an [`IdHash`] is already uniformly spread, so it is used as it is.
#[derive(Default)]
struct Spread(u64);

impl Hasher for Spread {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

fn id_hash(id: &str) -> IdHash {
    let half = |salt: u8| {
        let mut h = DefaultHasher::new();
        salt.hash(&mut h);
        id.hash(&mut h);
        h.finish()
    };
    let (a, b) = (half(0), half(1));
    IdHash([(a >> 32) as u32, a as u32, (b >> 32) as u32])
}

/// Lines are kept as `u32`; a later line saturates (only the message of a duplicate shows it).
fn line_u32(line: u64) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

impl<'a, R: Read> PartnerCsvStream<'a, R> {
    /// Reads and checks the header. Problems of the header are kept for [`PartnerCsvStream::finish`];
    /// only I/O failures are errors here.
    pub fn new(r: R, source: &'a str, reference: Reference<'a>) -> Result<Self> {
        let mut problems = Problems::default();
        let rows = Rows::open(r, source, Kind::Partners.columns(), &["id"], &mut problems)?;
        Ok(PartnerCsvStream { rows, source, reference, problems, seen: HashMap::default(), read: 0, records: 0 })
    }

    /// The next at most `max` (at least 1) valid partners, `None` at the end of the file. Rows with
    /// problems are left out and their problems kept; only I/O failures are errors.
    pub fn next_chunk(&mut self, max: usize) -> Result<Option<Vec<Partner>>> {
        let Some(rows) = self.rows.as_mut() else { return Ok(None) };
        let mut out = Vec::with_capacity(max.clamp(1, 1 << 16));
        while out.len() < max.max(1) {
            let Some(rec) = rows.next_record(&mut self.problems)? else {
                self.rows = None;
                break;
            };
            self.records += 1;
            let mut duplicate = false;
            if let (Some(Value::Text(id)), Place::Line(line)) = (rec.fields.get("id"), &rec.place) {
                match self.seen.entry(id_hash(id)) {
                    Entry::Occupied(first) => {
                        duplicate = true;
                        let first = match *first.get() {
                            u32::MAX => "after line 4294967294".to_string(),
                            n => format!("at line {n}"),
                        };
                        self.problems.push(Problem::new(
                            self.source,
                            rec.place.clone(),
                            Some("id"),
                            format!("duplicate id \"{id}\" (first {first})"),
                        ));
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(line_u32(*line));
                    }
                }
            }
            let mut f = fields::Fields::new(self.source, &rec, &mut self.problems);
            if let Some(partner) = f.partner(self.reference) {
                if !duplicate {
                    out.push(partner);
                }
            }
        }
        self.read += out.len();
        Ok(if out.is_empty() { None } else { Some(out) })
    }

    /// Whether any problem has been found so far (the chunks read since can be discarded).
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Ends the stream: the number of partners read, or every problem found (also a file with a
    /// header but no rows). Call it after [`PartnerCsvStream::next_chunk`] returned `None`.
    pub fn finish(mut self) -> Result<usize> {
        if self.records == 0 && self.problems.is_empty() {
            self.problems.push(Problem::new(
                self.source,
                Place::File,
                None,
                "no partners: the file has a header but no rows",
            ));
        }
        self.problems.into_result(self.read)
    }
}
