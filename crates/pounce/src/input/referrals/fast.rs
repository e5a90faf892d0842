//! The fast path of large referral CSV files (a million edges): a clean file is parsed straight from
//! its bytes into edges, without the per-row records of the general reader.
//!
//! [`edges`] returns `None` at the first thing that is not plainly valid (see
//! [`clean_rows`](crate::input::market_files::fast::clean_rows): an unknown or repeated column, a
//! ragged row, a value that is not UTF-8; and here: a missing id or kind, an unknown kind, a weight
//! that is not a number in range, a date that is not `YYYY-MM-DD`); the caller then runs the general
//! reader on the same bytes, which reports every problem with its file, line and field. So the fast
//! path accepts exactly the files the general reader accepts without a problem, and yields the same
//! edges for them.

use crate::input::fields::parse_date;
use crate::input::market_files::fast::clean_rows;
use crate::input::plain::{Plain, number};
use std::collections::HashMap;

use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use crate::referral::graph::{EdgeList, InternedEdge, inline_key};
use crate::referral::{EdgeKind, EdgeRecord};

/// The columns of a referral CSV file, in the order of the values handed to the row parser.
pub(super) const COLUMNS: [&str; 5] = ["source", "target", "kind", "weight", "date"];

/// The columns every referral CSV file has.
pub(super) const REQUIRED: [&str; 3] = ["source", "target", "kind"];

/// The kind as `EdgeKind::from_str` reads it, without allocating for the usual spelling.
fn kind(s: &str) -> Option<EdgeKind> {
    match s {
        "referred" => Some(EdgeKind::Referred),
        "alumnus" => Some(EdgeKind::Alumnus),
        "works_at" => Some(EdgeKind::WorksAt),
        "advises" => Some(EdgeKind::Advises),
        "member_of" => Some(EdgeKind::MemberOf),
        "past_project" => Some(EdgeKind::PastProject),
        _ => s.parse().ok(),
    }
}

/// `read_referrals` of a clean CSV file, or `None` (see the module docs).
pub(super) fn edges(bytes: &[u8]) -> Option<Vec<EdgeRecord>> {
    clean_rows(bytes, &COLUMNS, &REQUIRED, |v, _| {
        let (source, target, kind, weight, date) = values(v)?;
        Some(EdgeRecord { source: source.to_owned(), target: target.to_owned(), kind, weight, date })
    })
}

/// The source, target, kind, weight (or its default) and date of a row's values, as the general
/// reader reads them, or `None` when one is missing or not plainly valid.
fn values<'a>(v: &[Option<&'a str>; 5]) -> Option<(&'a str, &'a str, EdgeKind, f64, Option<NaiveDate>)> {
    let kind = kind(v[2]?)?;
    let weight = match (v[3], kind) {
        (None, EdgeKind::PastProject) => 5.0,
        (None, _) => 1.0,
        (Some(s), EdgeKind::PastProject) => number(s, 0.0, 5.0)?,
        (Some(s), _) => number(s, 0.0, 1e6)?,
    };
    let date = match v[4] {
        None => None,
        Some(s) => Some(parse_date(s)?),
    };
    Some((v[0]?, v[1]?, kind, weight, date))
}

/// `read_referral_edges` of a plain CSV file (no quotes, no carriage return but in a line end), or
/// `None`, as [`edges`]: the rows scanned straight from the bytes and the ids interned as they are
/// met, so a million edges cost no string each. A large file is scanned in pieces in parallel.
pub(super) fn edge_list(bytes: &[u8]) -> Option<EdgeList> {
    let pieces = rayon::current_num_threads().min(bytes.len() / (1 << 20)).max(1);
    edge_list_in(bytes, pieces)
}

/// [`edge_list`] with the body cut into (about) `pieces` pieces at line ends: the same list for any
/// number (each piece's ids are interned in the order they are met, then the pieces' ids in piece
/// order: the order of first appearance in the whole file).
fn edge_list_in(bytes: &[u8], pieces: usize) -> Option<EdgeList> {
    let plain = Plain::of(bytes, &COLUMNS, &REQUIRED)?;
    let parts: Vec<Option<Part<'_>>> = plain.pieces(pieces, 1).into_par_iter().map(|p| scan(&plain, p)).collect();
    let parts: Vec<Part<'_>> = parts.into_iter().collect::<Option<_>>()?;
    let mut list = EdgeList::default();
    for part in parts {
        list.append(&part.ids, part.edges);
    }
    if list.edges().is_empty() { None } else { Some(list) }
}

/// The edges of a piece of a file, their ends numbered in the piece.
struct Part<'a> {
    /// The ids of the piece in order of first appearance.
    ids: Vec<&'a str>,
    edges: Vec<InternedEdge>,
}

/// The ids of a piece, numbered in order of first appearance.
#[derive(Default)]
struct Names<'a> {
    ids: Vec<&'a str>,
    /// Ids of at most 7 bytes by their key's first word (16-byte buckets: a smaller table).
    small: HashMap<u64, u32, FxBuildHasher>,
    /// Ids of 8 to 15 bytes by their [`inline_key`] (as two words: smaller buckets than `u128`'s).
    short: HashMap<(u64, u64), u32, FxBuildHasher>,
    long: HashMap<&'a str, u32, FxBuildHasher>,
}

/// The second word of the key of an id of more than 15 bytes (a real key's last byte, the
/// length, is at most 15).
const LONG: u64 = u64::MAX;

/// The second word of the key of an id of at most 7 bytes, whose first word is its bytes and its
/// length in the last byte.
const SMALL: u64 = u64::MAX - 1;

/// An id's key: see [`LONG`] and [`SMALL`], else its [`inline_key`] as two words.
fn key(id: &str) -> (u64, u64) {
    let bytes = id.as_bytes();
    if bytes.len() < 8 {
        let mut word = [0u8; 8];
        word[..bytes.len()].copy_from_slice(bytes);
        word[7] = bytes.len() as u8;
        return (u64::from_le_bytes(word), SMALL);
    }
    inline_key(id).map_or((LONG, LONG), |k| (k as u64, (k >> 64) as u64))
}

impl<'a> Names<'a> {
    fn node(&mut self, id: &'a str, key: (u64, u64)) -> u32 {
        let next = self.ids.len() as u32;
        let found = match key.1 {
            SMALL => *self.small.entry(key.0).or_insert(next),
            LONG => *self.long.entry(id).or_insert(next),
            _ => *self.short.entry(key).or_insert(next),
        };
        if found == next {
            self.ids.push(id);
        }
        found
    }
}

/// A row read, its ids not yet numbered.
type Row<'a> = ((u64, u64), &'a str, (u64, u64), &'a str, EdgeKind, f64, Option<NaiveDate>);

/// Rows are read a batch at a time, then their ids numbered in a tight loop: the table's cache misses
/// of many rows overlap.
const BATCH: usize = 64;

/// Numbers the ids of a batch of rows and adds their edges.
fn flush<'a>(batch: &mut Vec<Row<'a>>, names: &mut Names<'a>, edges: &mut Vec<InternedEdge>) {
    for &(source_key, source, target_key, target, kind, weight, date) in batch.iter() {
        let source = names.node(source, source_key);
        let target = names.node(target, target_key);
        edges.push(InternedEdge { source, target, kind, weight, date });
    }
    batch.clear();
}

/// The rows of a piece of a plain file (whole lines), or `None` as [`edge_list`].
fn scan<'a>(plain: &Plain<'a, 5>, piece: &'a [u8]) -> Option<Part<'a>> {
    let mut names = Names::default();
    let mut edges = Vec::with_capacity(piece.iter().filter(|&&b| b == b'\n').count() + 1);
    let mut batch: Vec<Row<'a>> = Vec::with_capacity(BATCH);
    plain.rows(piece, |line| {
        let (source, target, kind, weight, date) = values(line)?;
        batch.push((key(source), source, key(target), target, kind, weight, date));
        if batch.len() == BATCH {
            flush(&mut batch, &mut names, &mut edges);
        }
        Some(())
    })?;
    flush(&mut batch, &mut names, &mut edges);
    Some(Part { ids: names.ids, edges })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::referrals::{read_general, read_referral_edges};

    /// The general reader's answer (the edges, or every problem as text).
    fn general(text: &[u8]) -> Result<Vec<EdgeRecord>, String> {
        read_general(text, "r.csv").map_err(|e| e.to_string())
    }

    /// A file of `rows` edges with every valid spelling the general reader accepts.
    fn generated(rows: usize, mut seed: u64) -> String {
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let kinds =
            ["referred", "Alumnus", "works-at", " WORKS_AT ", "advises", "member_of", "past_project", "past-Project"];
        let mut text = String::from("\u{feff}Source , TARGET,kind,weight,date\r\n");
        for i in 0..rows {
            let id = |v: u64| match v % 5 {
                0 => format!("n{v}"),
                1 => format!("\"Org, {v}\""),
                2 => format!("  p{v} "),
                3 => format!("\"Ä \"\"{v}\"\"\""),
                _ => format!("institution number {v}"),
            };
            let (a, b) = (next(50), next(50));
            let kind = kinds[next(kinds.len() as u64) as usize];
            let weight = match next(6) {
                0 => String::new(),
                1 => format!("{}", next(6)),
                2 => format!(" {}.{:04} ", next(5), next(10_000)),
                3 => "1e0".into(),
                4 => "+0.5".into(),
                _ => format!("0.{}", next(100)),
            };
            let date = match next(3) {
                0 => String::new(),
                1 => format!("20{:02}-{:02}-{:02}", next(30), 1 + next(12), 1 + next(28)),
                _ => format!(" 2024-02-{:02} ", 1 + next(29)),
            };
            text.push_str(&format!("{},{},{kind},{weight},{date}", id(a), id(b)));
            text.push_str(if i % 7 == 0 { "\n\n , ,,,\r\n" } else { "\r\n" });
        }
        text
    }

    #[test]
    fn clean_files_read_as_the_general_reader_reads_them() {
        for seed in 0..20 {
            let text = generated(200, seed);
            let expected = general(text.as_bytes()).expect("valid");
            assert_eq!(expected.len(), 200);
            assert_eq!(edges(text.as_bytes()).as_ref(), Some(&expected), "seed {seed}");
        }
        for text in [
            "source,target,kind\na,b,referred\n",
            "kind,target,source,date\nREFERRED,b,a,2024-01-31\n",
            "source,target,kind,weight,,date\n\" a \",b,past_project,,x,\n\"multi\nline\",b,alumnus,1000000,,\n",
            "source,target,kind,weight\na,a,member_of,0\nb,a,member_of,0.0\n",
            "source,target,kind\r\n\"a\r\nb\",c,referred\r\n\"a\rb\",c,referred\r",
        ] {
            let expected = general(text.as_bytes()).expect("valid");
            assert_eq!(edges(text.as_bytes()), Some(expected), "{text:?}");
        }
    }

    /// A file of `rows` edges without quotes: the plain files the scanner reads itself.
    fn plain(rows: usize, mut seed: u64) -> String {
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let kinds = ["referred", "Alumnus", "works-at", " WORKS_AT ", "advises", "member_of", "past_project"];
        let header =
            ["source,target,kind,weight,date", "\u{feff}Target ,SOURCE,,kind,Weight, date ", "source,target,kind"];
        let layout = next(3) as usize;
        let mut text = format!("{}{}", header[layout], if seed % 2 == 0 { "\r\n" } else { "\n" });
        for i in 0..rows {
            let id = |v: u64| match v % 6 {
                0 => format!("n{v}"),
                1 => format!("Org {v}"),
                2 => format!("  p{v}\t"),
                3 => format!("Ä {v} \u{a0}"),
                4 => format!("an institution with a name longer than sixteen bytes {v}"),
                _ => format!("{v}"),
            };
            let (a, b) = (id(next(60)), id(next(60)));
            let kind = kinds[next(kinds.len() as u64) as usize];
            let weight = match next(9) {
                0 => String::new(),
                1 => format!("{}", next(6)),
                2 => format!(" {}.{:04} ", next(5), next(10_000)),
                3 => "1e0".into(),
                4 => "+0.5".into(),
                5 => ".5".into(),
                6 => "3.".into(),
                7 => format!("0.{:015}", next(1 << 40)),
                _ => format!("0.{}", next(100)),
            };
            let date = match next(3) {
                0 => String::new(),
                1 => format!("20{:02}-{:02}-{:02}", next(30), 1 + next(12), 1 + next(28)),
                _ => format!(" 2024-02-{:02} ", 1 + next(29)),
            };
            let row = match layout {
                0 => format!("{a},{b},{kind},{weight},{date}"),
                1 => format!("{b},{a},,{kind},{weight},{date}"),
                _ => format!("{a},{b},{kind}"),
            };
            text.push_str(&row);
            text.push_str(match i % 9 {
                0 => "\n\n , ,,,\r\n",
                1 => "\n \t \n,,,,,,,,,\n",
                _ if seed % 2 == 0 => "\r\n",
                _ => "\n",
            });
        }
        if seed % 3 == 0 {
            text.truncate(text.trim_end_matches(['\r', '\n']).len()); // no line break at the end
        }
        text
    }

    #[test]
    fn scanned_files_read_as_the_general_reader_reads_them() {
        for seed in 0..60 {
            let text = plain(300, seed);
            let expected = EdgeList::from_records(&general(text.as_bytes()).expect("valid"));
            assert_eq!(expected.edges().len(), 300);
            let scanned = edge_list(text.as_bytes());
            for pieces in [2, 3, 7, 1000] {
                assert!(edge_list_in(text.as_bytes(), pieces) == scanned, "seed {seed}, {pieces} pieces");
            }
            assert!(scanned.as_ref() == Some(&expected), "seed {seed}");
        }
        // Quotes and lone carriage returns are the csv reader's, through the record paths.
        for seed in 0..5 {
            let text = generated(100, seed);
            assert_eq!(edge_list(text.as_bytes()), None);
            let expected = EdgeList::from_records(&general(text.as_bytes()).expect("valid"));
            assert_eq!(read_referral_edges(text.as_bytes(), "r.csv").ok(), Some(expected));
        }
        for text in ["source,target,kind\ra,b,referred\r", "\nsource,target,kind\na,b,referred\n", "{\"edges\": []}"] {
            assert_eq!(edge_list(text.as_bytes()), None, "{text:?}");
            let expected = EdgeList::from_records(&general(text.as_bytes()).expect("valid"));
            assert_eq!(read_referral_edges(text.as_bytes(), "r.csv").ok(), Some(expected), "{text:?}");
        }
    }

    #[test]
    fn kinds_read_as_from_str_reads_them() {
        for k in EdgeKind::ALL {
            assert_eq!(kind(k.as_str()), Some(k));
            assert_eq!(kind(&k.as_str().to_uppercase()), Some(k));
        }
        assert_eq!(kind("friend"), None);
    }

    #[test]
    fn every_bad_file_goes_to_the_general_reader() {
        let bad: Vec<&[u8]> = vec![
            b"",
            b"\n\n",
            b"source,target\na,b\n",
            b"source,target,kind,kind\na,b,referred,referred\n",
            b"source,target,kind\na,b,referred,1\n",
            b"source,target,kind\na,b\n",
            b"source,target,kind\n,b,referred\n",
            b"source,target,kind\na, ,referred\n",
            b"source,target,kind\na,b,\n",
            b"source,target,kind\na,b,friend\n",
            b"source,target,kind,weight\na,b,referred,-1\n",
            b"source,target,kind,weight\na,b,referred,NaN\n",
            b"source,target,kind,weight\na,b,referred,inf\n",
            b"source,target,kind,weight\na,b,referred,1e7\n",
            b"source,target,kind,weight\na,b,past_project,6\n",
            b"source,target,kind,weight\na,b,referred,heavy\n",
            b"source,target,kind,date\na,b,referred,2024-02-30\n",
            b"source,target,kind,date\na,b,referred,01/02/2024\n",
            b"source,target,kind\n\xff,b,referred\n",
            b"source,target,kind\na,b,referred\n\"c,d,referred\n",
            b"source,target,kind,wieght\na,b,referred,1\n",
        ];
        for text in bad {
            assert!(general(text).is_err(), "{:?}", String::from_utf8_lossy(text));
            assert_eq!(edges(text), None, "{:?}", String::from_utf8_lossy(text));
            assert_eq!(edge_list(text), None, "{:?}", String::from_utf8_lossy(text));
            assert!(read_referral_edges(text, "r.csv").is_err());
        }
    }

    #[test]
    fn unusual_but_valid_files_go_to_the_general_reader_too() {
        // Header only, an unknown column: valid, but left to the general reader.
        for text in ["source,target,kind\n", "source,target,kind,note\na,b,referred,hi\n"] {
            assert!(general(text.as_bytes()).is_ok(), "{text:?}");
            assert_eq!(edges(text.as_bytes()), None, "{text:?}");
            assert_eq!(edge_list(text.as_bytes()), None, "{text:?}");
        }
    }
}
