//! A clean preferences file straight to its market: the bytes are cut into chunks of whole lines
//! read in parallel (fields found by hand, no record per row, no string per id), the projects are
//! then numbered in order of first appearance, and the lists go to the market in compressed form.
//! For 20 million rows this takes a fraction of the time and memory of the rows.
//!
//! Like the other fast paths ([`super::fast`]), [`market`] returns `None` at the first thing that
//! is not plainly valid or that the CSV reader might read another way (a quote, a lone CR, an
//! unknown or repeated column, a ragged row, a missing or odd value, an unknown partner, an id
//! ranked twice, no rows); the caller then reads the rows with the general reader, which reports
//! every problem. When it returns `Some`, the market is the one of the rows.

use rayon::prelude::*;

use super::ids::{IdIndex, Key, Numbering, key};
use super::{CapacityRow, partners_of};
use crate::error::Result;
use crate::input::plain::Plain;
use crate::matching::market::PreferenceLists;
use crate::matching::{Market, MarketProject};

/// The columns of a preferences file.
const KNOWN: [&str; 4] = ["chooser", "chosen", "rank", "side"];

/// Files from this size on are read in parallel.
const PARALLEL_BYTES: usize = 8 << 20;

/// A row as a chunk reads it: the project's key, the partner's index (with [`PARTNER_CHOOSES`]
/// when the partner is the chooser) and the rank.
#[derive(Debug, Clone, Copy)]
struct Row<'a> {
    project: Key<'a>,
    partner: u32,
    rank: u32,
}

/// The bit of [`Row::partner`] telling that the partner ranks the project.
const PARTNER_CHOOSES: u32 = 1 << 31;

/// How ids are keyed while reading: the partners of the capacities file, and the numbering of
/// project ids.
struct Keys<'a> {
    partners: IdIndex<'a>,
    partner_numbering: Option<Numbering<'a>>,
    project_numbering: Option<Numbering<'a>>,
}

impl<'a> Keys<'a> {
    #[inline]
    fn partner(&self, id: &str) -> Option<u32> {
        self.partners.get(key(id, self.partner_numbering.as_ref()))
    }

    #[inline]
    fn project<'b>(&self, id: &'b str) -> Key<'b> {
        key(id, self.project_numbering.as_ref())
    }

    /// The id of a project key.
    fn project_id(&self, k: Key<'_>) -> String {
        match (k, &self.project_numbering) {
            (Key::Number(n), Some(numbering)) => numbering.id(n),
            (Key::Short(bytes), _) => {
                let bytes = bytes.to_le_bytes();
                String::from_utf8_lossy(&bytes[..usize::from(bytes[15])]).into_owned()
            }
            (Key::Long(s), _) => s.to_owned(),
            (Key::Number(_), None) => String::new(), // never made without a numbering
        }
    }
}

/// `market_from_preferences(read_preferences_csv(bytes), capacities)` of a clean file; `None` as the
/// module docs say.
pub(super) fn market(bytes: &[u8], capacities: &[CapacityRow]) -> Option<Result<Market>> {
    market_in(bytes, capacities, PARALLEL_BYTES, 4 << 20)
}

/// [`market`], reading files of `parallel_from` bytes or more in parallel, in chunks of about
/// `chunk` bytes.
fn market_in(bytes: &[u8], capacities: &[CapacityRow], parallel_from: usize, chunk: usize) -> Option<Result<Market>> {
    let plain = Plain::of(bytes, &KNOWN, &KNOWN[..3])?;
    if capacities.is_empty() || capacities.len() >= PARTNER_CHOOSES as usize {
        return None;
    }
    let body = plain.body();

    let partner_limit = u32::try_from(capacities.len().saturating_mul(4) + 1024).unwrap_or(u32::MAX);
    let mut keys = Keys {
        partners: IdIndex::default(),
        partner_numbering: Numbering::of(&capacities[0].partner, partner_limit),
        project_numbering: None,
    };
    for c in capacities {
        if !keys.partners.insert(key(&c.partner, keys.partner_numbering.as_ref())).1 {
            return None; // listed twice: the capacities reader refuses that
        }
    }
    keys.project_numbering = first_project(&plain, &keys)
        .and_then(|id| Numbering::of(id, u32::try_from(bytes.len() / 4 + 1024).unwrap_or(u32::MAX)));

    // Projects numbered in order of first appearance over the whole file. A small file is read on
    // this thread, numbering as it goes: no rows in between, no pool to start, no wait for a worker.
    let mut numbers = Numbers::default();
    numbers.project_items.reserve(body.len() / 24);
    numbers.partner_items.reserve(body.len() / 24);
    if body.len() < parallel_from {
        read_chunk(&plain, body, &keys, |k, q, rank| numbers.add(k, q, rank))?;
    } else {
        // Chunks are read a window at a time while the window before is numbered: the rows of a
        // few chunks exist at once, and the numbering (one thread) overlaps the reading.
        let threads = rayon::current_num_threads();
        let chunks = plain.pieces(body.len() / chunk.max(1), chunk);
        let mut windows = chunks.chunks(threads.max(1) * 2);
        let mut pending = read_window(&plain, windows.next().unwrap_or_default(), &keys);
        for window in windows {
            let (next, numbered) =
                rayon::join(|| read_window(&plain, window, &keys), || number_rows(&mut numbers, pending));
            numbered?;
            pending = next;
        }
        number_rows(&mut numbers, pending)?;
    }
    let Numbers { ids, project_items, project_runs, partner_items, partner_runs, .. } = numbers;
    if ids.is_empty() {
        return None;
    }
    let project_lists = PreferenceLists::from_runs(ids.len(), project_items, &project_runs);
    let partner_lists = PreferenceLists::from_runs(capacities.len(), partner_items, &partner_runs);
    drop((project_runs, partner_runs));
    if project_lists.repeats(capacities.len()) || partner_lists.repeats(ids.len()) {
        return None;
    }
    let project = |&k: &Key<'_>| MarketProject { id: keys.project_id(k), institution: String::new() };
    let projects: Vec<MarketProject> = if body.len() < parallel_from {
        ids.iter().map(project).collect()
    } else {
        ids.par_iter().map(project).collect()
    };
    let (partners, _) = partners_of(capacities);
    Some(Market::from_preference_lists(projects, partners, &project_lists, &partner_lists))
}

/// Reads chunks in parallel (see [`read_chunk`]).
fn read_window<'a>(plain: &Plain<'a, 4>, window: &[&'a [u8]], keys: &Keys<'_>) -> Vec<Option<Vec<Row<'a>>>> {
    window
        .par_iter()
        .map(|c| {
            let mut rows = Vec::with_capacity(c.len() / 12);
            read_chunk(plain, c, keys, |project, partner, rank| rows.push(Row { project, partner, rank }))?;
            Some(rows)
        })
        .collect()
}

/// Numbers the rows of chunks read, in order.
fn number_rows<'a>(numbers: &mut Numbers<'a>, read: Vec<Option<Vec<Row<'a>>>>) -> Option<()> {
    for rows in read {
        for r in rows? {
            numbers.add(r.project, r.partner, r.rank);
        }
    }
    Some(())
}

/// Numbers projects in order of first appearance, and gathers each side's lists in runs (see
/// [`PreferenceLists::from_runs`]).
#[derive(Default)]
struct Numbers<'a> {
    index: IdIndex<'a>,
    /// The key of each project, by number.
    ids: Vec<Key<'a>>,
    /// The last key numbered, and its number.
    last: Option<(Key<'a>, u32)>,
    /// The projects' entries `(partner, rank)` and runs `(project, first entry)`.
    project_items: Vec<(u32, u32)>,
    project_runs: Vec<(u32, usize)>,
    /// The partners' entries `(project, rank)` and runs `(partner, first entry)`.
    partner_items: Vec<(u32, u32)>,
    partner_runs: Vec<(u32, usize)>,
}

impl<'a> Numbers<'a> {
    /// Adds a row (as in [`Row`]).
    #[inline]
    fn add(&mut self, k: Key<'a>, partner: u32, rank: u32) {
        let p = match self.last {
            Some((last, p)) if last == k => p,
            _ => {
                let (p, new) = self.index.insert(k);
                if new {
                    self.ids.push(k);
                }
                self.last = Some((k, p));
                p
            }
        };
        let (list, item, items, runs) = if partner & PARTNER_CHOOSES != 0 {
            (partner & !PARTNER_CHOOSES, p, &mut self.partner_items, &mut self.partner_runs)
        } else {
            (p, partner, &mut self.project_items, &mut self.project_runs)
        };
        if runs.last().is_none_or(|&(l, _)| l != list) {
            runs.push((list, items.len()));
        }
        items.push((item, rank));
    }
}

/// The project id of the first row, for the numbering of project ids (any answer is correct; a
/// good one is fast).
fn first_project<'a>(plain: &Plain<'a, 4>, keys: &Keys<'_>) -> Option<&'a str> {
    let body = plain.body();
    let line =
        body.split_inclusive(|&b| b == b'\n').find(|l| !l.iter().all(|&c| c == b',' || c.is_ascii_whitespace()))?;
    let mut first = None;
    plain.rows(line, |v| {
        first = Some((v[0]?, v[1]?));
        Some(())
    })?;
    let (chooser, chosen) = first?;
    Some(if keys.partner(chooser).is_some() { chosen } else { chooser })
}

/// The rank the general reader accepts without a problem (`str::parse::<u64>`, 1 to `u32::MAX`).
#[inline]
fn rank(s: &str) -> Option<u32> {
    let digits = s.strip_prefix('+').unwrap_or(s).as_bytes();
    if digits.is_empty() {
        return None;
    }
    let mut v = 0u64;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u64::from(c - b'0');
        if v > u64::from(u32::MAX) {
            return None;
        }
    }
    if v == 0 { None } else { Some(v as u32) }
}

/// Reads the rows of a chunk of whole lines, handing each to `row(project, partner, rank)` (as in
/// [`Row`]); `None` at anything not plainly valid.
fn read_chunk<'a>(
    plain: &Plain<'a, 4>,
    chunk: &'a [u8],
    keys: &Keys<'_>,
    mut row: impl FnMut(Key<'a>, u32, u32),
) -> Option<()> {
    // The last chooser: its text, its partner index if it is one, and its project key.
    let mut last: (&str, Option<u32>, Option<Key<'a>>) = ("", None, None);
    plain.rows(chunk, |v| {
        let (chooser, chosen, rank) = (v[0]?, v[1]?, rank(v[2]?)?);
        let side = match v[3] {
            None => None,
            Some(s) if s.eq_ignore_ascii_case("partner") => Some(true),
            Some(s) if s.eq_ignore_ascii_case("project") => Some(false),
            Some(_) => return None,
        };
        if last.0 != chooser {
            last = (chooser, keys.partner(chooser), None);
        }
        if side.unwrap_or(last.1.is_some()) {
            row(keys.project(chosen), last.1? | PARTNER_CHOOSES, rank);
        } else {
            let project = *last.2.get_or_insert_with(|| keys.project(chooser));
            row(project, keys.partner(chosen)?, rank);
        }
        Some(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{market_from_preferences, read_preferences_csv};
    use proptest::prelude::*;

    fn caps(ids: &[&str]) -> Vec<CapacityRow> {
        ids.iter().map(|q| CapacityRow { partner: (*q).into(), capacity: 2, hours: None }).collect()
    }

    /// What the general path makes of the file: the market, or its error's text.
    fn general(bytes: &[u8], caps: &[CapacityRow]) -> std::result::Result<Market, String> {
        read_preferences_csv(bytes, "prefs.csv")
            .and_then(|rows| market_from_preferences(&rows, "prefs.csv", caps))
            .map_err(|e| e.to_string())
    }

    /// The fast path agrees with the general one whenever it answers.
    fn agree(bytes: &[u8], caps: &[CapacityRow]) -> bool {
        let Some(fast) = market(bytes, caps) else { return false };
        let fast = fast.map_err(|e| e.to_string());
        assert_eq!(fast, general(bytes, caps), "{:?}", String::from_utf8_lossy(bytes));
        true
    }

    #[test]
    fn clean_files_take_the_fast_path() {
        let caps = caps(&["Q1", "Q2", "Q10", "q-long-partner-identifier"]);
        for text in [
            "chooser,chosen,rank\nP1,Q1,1\nP1,Q2,2\nP2,Q1,1\nQ1,P2,1\nQ1,P1,2\n",
            "\u{feff} Side ,RANK,chooser,,chosen\r\npartner,1,Q2,x,P3\r\n\r\nProject,+2,P3,,Q1\r\n,1,P3,, Q10 \r\n , , ,,\r\n",
            "chooser,chosen,rank\nTU-01,Q1,1\nTU-001,Q1,1\nTU-1,Q2,1\nQ1,TU-1,1\nQ1,TU-01,1\nQ1,TU-001,2",
            "chooser,chosen,rank\na project with a long name,q-long-partner-identifier,3\nQ2,P9,1\nQ2,P7,2\n",
            "chooser,chosen,rank\nQ1,P5,1\nQ1,P3,1\nQ2,P3,1\nP3,Q2,1\nP3,Q1,1\nP4,Q10,1\n",
        ] {
            assert!(agree(text.as_bytes(), &caps), "{text:?}");
        }
    }

    #[test]
    fn anything_unusual_goes_to_the_general_path() {
        let caps = caps(&["Q1", "Q2"]);
        for text in [
            "",
            "chooser,chosen,rank\n",
            "\nchooser,chosen,rank\nP1,Q1,1\n",
            "chooser,chosen,rank\n\"P1\",Q1,1\n",
            "chooser,chosen,rank\nP1,Q1,1\rP2,Q1,1\n",
            "chooser,chosen,rank,rank\nP1,Q1,1,1\n",
            "chooser,chosen\nP1,Q1\n",
            "chooser,chosen,rank,extra\nP1,Q1,1,x\n",
            "chooser,chosen,rank\nP1,Q1\n",
            "chooser,chosen,rank\nP1,Q1,0\n",
            "chooser,chosen,rank\nP1,Q3,1\n",
            "chooser,chosen,rank\nP1,Q1,1\nP1,Q1,2\n",
            "chooser,chosen,rank\nQ1,P1,1\nQ1,P1,2\n",
            "chooser,chosen,rank,side\nP1,Q1,1,both\n",
            "chooser,chosen,rank,side\nP1,Q1,1,partner\n",
            "chooser,chosen,rank\nP1,,1\n",
            "chooser,chosen,rank\n\u{a0},Q1,1\n",
        ] {
            assert!(market(text.as_bytes(), &caps).is_none(), "{text:?}");
        }
        assert!(market(b"chooser,chosen,rank\nP1,Q1,1\n", &[]).is_none());
        assert!(market(b"chooser,chosen,rank\nP\xff,Q1,1\n", &caps).is_none());
    }

    /// A random preferences file, clean more often than not: ids of every kind (numbered,
    /// zero-padded, short, long, padded with spaces), both sides' rows in any order, optional `side`
    /// column and blank lines, CRLF; now and then a row the general reader refuses or reads another
    /// way (a quote, an empty field, rank 0, an unknown partner, a wrong side, a lone CR, a repeat).
    fn file() -> impl Strategy<Value = (String, Vec<String>)> {
        let project = prop_oneof![
            (0..12u32).prop_map(|n| format!("P{n}")),
            (0..12u32).prop_map(|n| format!("P{n:02}")),
            Just("Q1".to_owned()),
            Just("a rather long project identifier".to_owned()),
            Just(" P3 ".to_owned()),
        ];
        let rank = prop_oneof![8 => (1..5u32).prop_map(|r| r.to_string()), 1 => Just("+2".to_owned())];
        let row = (any::<bool>(), project, 0..8usize, rank, any::<bool>());
        let all = ["Q0", "Q1", "Q2", "Q3", "Q01", "Q10", "partner with a long identifier", "Q5"];
        (
            proptest::collection::vec(row, 1..30),
            (any::<bool>(), any::<bool>(), any::<bool>()),
            proptest::sample::subsequence(all.to_vec(), 1..=all.len()),
            (0..16u8, 0..30usize, any::<bool>()),
        )
            .prop_map(|(rows, (with_side, crlf, side_first), caps, (odd, at, dup))| {
                let nl = if crlf { "\r\n" } else { "\n" };
                let mut text = match (with_side, side_first) {
                    (true, true) => format!("Side,rank,chosen,chooser{nl}"),
                    (true, false) => format!("chooser,chosen,rank,side{nl}"),
                    (false, true) => format!("rank,chosen,chooser{nl}"),
                    (false, false) => format!("chooser,chosen,rank{nl}"),
                };
                let mut seen = std::collections::HashSet::new();
                let mut lines = Vec::new();
                for (by_partner, p, q, rank, say_side) in rows {
                    let q = caps[q % caps.len()];
                    let (chooser, chosen) = if by_partner { (q, p.as_str()) } else { (p.as_str(), q) };
                    if !seen.insert((by_partner, chooser.trim().to_owned(), chosen.trim().to_owned())) && !dup {
                        continue;
                    }
                    let side = match (with_side && say_side, by_partner) {
                        (false, _) => "",
                        (true, true) => "partner",
                        (true, false) => "PROJECT",
                    };
                    lines.push(match (with_side, side_first) {
                        (true, true) => format!("{side},{rank},{chosen},{chooser}"),
                        (true, false) => format!("{chooser},{chosen},{rank},{side}"),
                        (false, true) => format!("{rank},{chosen},{chooser}"),
                        (false, false) => format!("{chooser},{chosen},{rank}"),
                    });
                }
                let odd = match odd {
                    0 => " ,, ".to_owned(),
                    1 => String::new(),
                    2 => lines.first().map_or(String::new(), |l| format!("\"{l}\"")),
                    3 => lines.first().map_or(String::new(), |l| l.replacen(',', ",,", 1)),
                    4 => lines.first().map_or(String::new(), |l| l.replace(['1', '2', '3', '4'], "0")),
                    5 => lines.first().map_or(String::new(), |l| l.replace("Q", "Q9")),
                    6 => lines.first().map_or(String::new(), |l| l.replace("PROJECT", "partner")),
                    7 => lines.first().map_or(String::new(), |l| format!("{l}\r")),
                    _ => continue_clean(),
                };
                if !odd.is_empty() || at % 3 == 0 {
                    lines.insert(at.min(lines.len()), odd);
                }
                for line in lines {
                    text.push_str(&line);
                    text.push_str(nl);
                }
                (text, caps.iter().map(|q| (*q).to_owned()).collect())
            })
    }

    /// No odd line.
    fn continue_clean() -> String {
        String::new()
    }

    #[test]
    fn chunks_read_in_parallel_make_the_same_market() {
        // Numbered, zero-padded and other ids; partners' rows before, between and after projects' rows.
        let partners: Vec<String> = (0..40).map(|q| format!("Q{q}")).collect();
        let project = |p: usize| match p % 3 {
            0 => format!("P{p}"),
            1 => format!("P{p:05}"),
            _ => format!("project number {p}"),
        };
        let mut text = String::from("chooser,chosen,rank\n");
        for p in 0..3000usize {
            if p % 500 == 0 {
                for q in 0..40 {
                    for (rank, other) in (p.saturating_sub(250)..p + 250).filter(|o| (o * 7 + q) % 11 == 0).enumerate()
                    {
                        text.push_str(&format!("Q{q},{},{}\n", project(other), rank + 1));
                    }
                }
            }
            for k in 0..(p % 5) {
                text.push_str(&format!("{},Q{},{}\n", project(p), (p * 3 + k * 7) % 40, k + 1));
            }
        }
        let caps: Vec<CapacityRow> =
            partners.iter().map(|q| CapacityRow { partner: q.clone(), capacity: 3, hours: None }).collect();
        let want = general(text.as_bytes(), &caps).expect("valid");
        for (from, chunk) in [(usize::MAX, 1), (0, 1), (0, 100), (0, 10_000), (1000, 3000)] {
            let got = market_in(text.as_bytes(), &caps, from, chunk).expect("fast").expect("valid");
            assert_eq!(got, want, "{from} {chunk}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whenever the fast path answers, it answers what the general path does.
        #[test]
        fn the_fast_path_is_the_general_path((text, partners) in file()) {
            let partners: Vec<&str> = partners.iter().map(String::as_str).collect();
            agree(text.as_bytes(), &caps(&partners));
        }
    }

    #[test]
    fn ranks_as_parse_reads_them() {
        for s in ["1", "+1", "007", "4294967295", "4294967296", "0", "+", "-1", "1.0", "+-1", "99999999999999999999"] {
            let want = s.parse::<u64>().ok().filter(|r| (1..=u64::from(u32::MAX)).contains(r)).map(|r| r as u32);
            assert_eq!(rank(s), want, "{s:?}");
        }
    }
}
