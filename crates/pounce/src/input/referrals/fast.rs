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
use crate::input::market_files::fast::{clean_rows, number};
use crate::referral::{EdgeKind, EdgeRecord};

/// The columns of a referral CSV file, in the order of the values handed to the row parser.
pub(super) const COLUMNS: [&str; 5] = ["source", "target", "kind", "weight", "date"];

/// The columns every referral CSV file has.
pub(super) const REQUIRED: [&str; 3] = ["source", "target", "kind"];

/// The kind as `EdgeKind::from_str` reads it, without allocating for the usual spelling.
fn kind(s: &str) -> Option<EdgeKind> {
    EdgeKind::ALL.into_iter().find(|k| k.as_str() == s).or_else(|| s.parse().ok())
}

/// `read_referrals` of a clean CSV file, or `None` (see the module docs).
pub(super) fn edges(bytes: &[u8]) -> Option<Vec<EdgeRecord>> {
    clean_rows(bytes, &COLUMNS, &REQUIRED, |v, _| {
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
        Some(EdgeRecord { source: v[0]?.to_owned(), target: v[1]?.to_owned(), kind, weight, date })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::referrals::read_general;

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
        }
    }

    #[test]
    fn unusual_but_valid_files_go_to_the_general_reader_too() {
        // Header only, an unknown column: valid, but left to the general reader.
        for text in ["source,target,kind\n", "source,target,kind,note\na,b,referred,hi\n"] {
            assert!(general(text.as_bytes()).is_ok(), "{text:?}");
            assert_eq!(edges(text.as_bytes()), None, "{text:?}");
        }
    }
}
