//! The fast path of the large market files (scores and preferences, millions of rows): a clean file
//! is parsed straight from its bytes into rows, without the per-row records of the general reader,
//! and the market is built without hashing pairs of strings.
//!
//! Every function here returns `None` at the first thing that is not plainly valid (an unknown or
//! repeated column, a ragged row, a value that is missing, not UTF-8, not a number or out of range,
//! an unknown partner, a repeated pair, no rows at all); the caller then runs the general path on the
//! same input, which reports every problem with its file, line and field. So the fast path accepts
//! exactly the inputs the general path accepts without a problem, and yields the same rows and the
//! same market for them.

use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{CapacityRow, PreferenceRow, ScoreRow, partners_of};
use crate::error::{Place, Result};
use crate::input::csv_records::CrlfToLf;
use crate::input::plain::{self, Plain};
use crate::matching::market::segments;
use crate::matching::{Edge, Market, MarketProject};

/// The trimmed, non-empty text of each of the `N` known columns of one row (`None`: absent or empty).
pub(in crate::input) type Values<'a, const N: usize = 4> = [Option<&'a str>; N];

/// Parses every row of a clean CSV file with the `N` columns `known` with `make`, or `None` (see the
/// module docs). Shared by the fast paths of every large file (scores, preferences, referrals).
pub(in crate::input) fn clean_rows<T, const N: usize>(
    bytes: &[u8],
    known: &[&str; N],
    required: &[&str],
    mut make: impl FnMut(&Values<'_, N>, Place) -> Option<T>,
) -> Option<Vec<T>> {
    // CRLF read as LF, as the general reader does (same values, same line numbers).
    let mut rdr = csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(CrlfToLf::new(bytes));
    let headers = rdr.byte_headers().ok()?.clone();
    let mut columns: [Option<usize>; N] = [None; N];
    let mut named = false;
    for (i, raw) in headers.iter().enumerate() {
        let raw = if i == 0 { raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw) } else { raw };
        let name = std::str::from_utf8(raw).ok()?.trim().to_ascii_lowercase();
        if name.is_empty() {
            continue; // ignored by the general reader too
        }
        named = true;
        let k = known.iter().position(|k| *k == name)?;
        if columns[k].replace(i).is_some() {
            return None;
        }
    }
    if !named || required.iter().any(|r| known.iter().position(|k| k == r).is_none_or(|k| columns[k].is_none())) {
        return None;
    }
    let width = headers.len();
    let mut rec = csv::ByteRecord::new();
    // About one row a line: no copies of a growing vector of millions of rows.
    let mut out = Vec::with_capacity(bytes.iter().filter(|&&b| b == b'\n').count());
    while rdr.read_byte_record(&mut rec).ok()? {
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line
        }
        if rec.len() != width {
            return None;
        }
        let line = rec.position().map_or(0, |p| p.line());
        let mut values: Values<'_, N> = [None; N];
        for (slot, column) in values.iter_mut().zip(columns) {
            if let Some(c) = column {
                let s = std::str::from_utf8(&rec[c]).ok()?.trim();
                if !s.is_empty() {
                    *slot = Some(s);
                }
            }
        }
        out.push(make(&values, Place::Line(line))?);
    }
    if out.is_empty() { None } else { Some(out) }
}

/// A number the general reader accepts without a problem (`Fields::number`).
pub(in crate::input) fn number(s: &str, min: f64, max: f64) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= min && *v <= max)
}

/// `read_scores_csv` of a clean file.
pub(super) fn scores(bytes: &[u8]) -> Option<Vec<ScoreRow>> {
    clean_rows(bytes, &["project", "partner", "score", "hours"], &["project", "partner", "score"], |v, place| {
        Some(ScoreRow {
            project: v[0]?.to_owned(),
            partner: v[1]?.to_owned(),
            score: number(v[2]?, -1e12, 1e12)?,
            hours: match v[3] {
                None => 0.0,
                Some(s) => number(s, 0.0, 1e9)?,
            },
            place,
        })
    })
}

/// `read_preferences_csv` of a clean file.
pub(super) fn preferences(bytes: &[u8]) -> Option<Vec<PreferenceRow>> {
    clean_rows(bytes, &["chooser", "chosen", "rank", "side"], &["chooser", "chosen", "rank"], |v, place| {
        let rank = v[2]?.parse::<u64>().ok().filter(|r| (1..=u64::from(u32::MAX)).contains(r))? as u32;
        let side = match v[3] {
            None => None,
            Some(s) if s.eq_ignore_ascii_case("partner") => Some(true),
            Some(s) if s.eq_ignore_ascii_case("project") => Some(false),
            Some(_) => return None,
        };
        Some(PreferenceRow {
            chooser: v[0]?.to_owned(),
            chosen: v[1]?.to_owned(),
            rank,
            chooser_is_partner: side,
            place,
        })
    })
}

/// Whether some list holds an item twice.
fn repeats(lists: &[Vec<(usize, u32)>]) -> bool {
    let mut items: Vec<usize> = Vec::new();
    lists.iter().any(|list| {
        items.clear();
        items.extend(list.iter().map(|&(i, _)| i));
        items.sort_unstable();
        items.windows(2).any(|w| w[0] == w[1])
    })
}

/// `market_from_scores` when every partner has a capacity row and no pair repeats.
pub(super) fn market_from_scores(scores: &[ScoreRow], capacities: &[CapacityRow]) -> Option<Result<Market>> {
    let (partners, qindex) = partners_of(capacities);
    let mut pindex: HashMap<&str, usize> = HashMap::new();
    let mut projects = Vec::new();
    let mut pairs = Vec::with_capacity(scores.len());
    let mut last: Option<(&str, usize)> = None;
    for row in scores {
        // Files usually list a project's pairs together: skip the hash lookup then.
        let p = match last {
            Some((id, p)) if id == row.project => p,
            _ => *pindex.entry(row.project.as_str()).or_insert_with(|| {
                projects.push(MarketProject { id: row.project.clone(), institution: String::new() });
                projects.len() - 1
            }),
        };
        last = Some((row.project.as_str(), p));
        let q = *qindex.get(row.partner.as_str())?;
        pairs.push((p, q, row.score, row.hours));
    }
    let mut keys: Vec<(usize, usize)> = pairs.iter().map(|&(p, q, _, _)| (p, q)).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    drop(keys);
    Some(Market::from_scores(projects, partners, &pairs))
}

/// `market_from_scores(scores(bytes))` without the rows in between, or `None` when either would
/// be `None` (or the file is not [plain](crate::input::plain)): the file is read in pieces in
/// parallel, each piece's project ids numbered in the piece, then the pieces' numbers mapped to
/// the order of first appearance in the whole file; so a file of millions of pairs costs no string
/// per row, and the market is the same for any number of pieces.
pub(super) fn score_market(bytes: impl AsRef<[u8]>, capacities: &[CapacityRow]) -> Option<Result<Market>> {
    score_market_in(bytes, capacities, rayon::current_num_threads() * 2, 1 << 20)
}

/// [`score_market`] with the file cut into (about) `parts` pieces of at least `min` bytes.
fn score_market_in(
    bytes: impl AsRef<[u8]>,
    capacities: &[CapacityRow],
    parts: usize,
    min: usize,
) -> Option<Result<Market>> {
    let plain = Plain::of(bytes.as_ref(), &["project", "partner", "score", "hours"], &["project", "partner", "score"])?;
    let qindex: FxHashMap<&str, u32> = capacities
        .iter()
        .enumerate()
        .map(|(i, c)| Some((c.partner.as_str(), u32::try_from(i).ok()?)))
        .collect::<Option<_>>()?;
    if qindex.len() != capacities.len() {
        return None; // a partner listed twice: the general path's to report
    }
    // Each piece's rows go straight to their place among the edges: a piece has at most a row a
    // line, so it gets that many slots, and slots left by blank lines are closed up afterwards.
    let pieces = plain.pieces(parts, min);
    let bounds: Vec<usize> =
        pieces.iter().map(|p| p.iter().filter(|&&b| b == b'\n').count() + usize::from(!p.ends_with(b"\n"))).collect();
    let blank = Edge { project: 0, partner: 0, score: 0.0, hours: 0.0, project_rank: 0, partner_rank: 0 };
    let mut starts = vec![0usize];
    for &n in &bounds {
        starts.push(starts[starts.len() - 1] + n);
    }
    let mut edges: Vec<Edge> = (0..starts[bounds.len()]).into_par_iter().map(|_| blank).collect();
    let slots = segments(&mut edges, &starts);
    let read: Vec<Option<(usize, Vec<&str>)>> = pieces
        .into_par_iter()
        .zip(slots)
        .map(|(piece, out)| score_rows(&plain, capacities, &qindex, piece, out))
        .collect();
    let read: Vec<(usize, Vec<&str>)> = read.into_iter().collect::<Option<_>>()?;

    // Projects in order of first appearance; a pair named twice is refused by the market (`None`
    // here: the general path reports it with its lines).
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    let mut projects: Vec<MarketProject> = Vec::new();
    let global: Vec<Vec<usize>> = read
        .iter()
        .map(|(_, ids)| {
            ids.iter()
                .map(|&id| {
                    *index.entry(id).or_insert_with(|| {
                        projects.push(MarketProject { id: id.to_owned(), institution: String::new() });
                        projects.len() - 1
                    })
                })
                .collect()
        })
        .collect();
    drop(index);
    segments(&mut edges, &starts).into_par_iter().zip(&read).zip(&global).for_each(|((out, (n, _)), global)| {
        for e in &mut out[..*n] {
            e.project = global[e.project];
        }
    });
    let counts: Vec<usize> = read.iter().map(|(n, _)| *n).collect();
    // The file's text is needed no more: an owned buffer's memory goes to the market's arrays.
    drop(read);
    drop(bytes);
    if counts != bounds {
        // Close up the slots of blank lines (and of a last line without a row).
        let (mut to, mut from) = (0, 0);
        for (&n, &bound) in counts.iter().zip(&bounds) {
            edges.copy_within(from..from + n, to);
            (to, from) = (to + n, from + bound);
        }
        edges.truncate(to);
    }
    if edges.is_empty() {
        return None;
    }
    let (partners, _) = partners_of(capacities);
    Market::from_score_edges(projects, partners, edges).ok().map(Ok)
}

/// The rows of one piece of a plain scores file, written to `out` in order: how many, and the
/// piece's project ids in order of first appearance (an edge's project is its number among them).
fn score_rows<'b>(
    plain: &Plain<'b, 4>,
    capacities: &[CapacityRow],
    qindex: &FxHashMap<&str, u32>,
    piece: &'b [u8],
    out: &mut [Edge],
) -> Option<(usize, Vec<&'b str>)> {
    let mut ids: Vec<&str> = Vec::new();
    let mut numbers: FxHashMap<&str, u32> = FxHashMap::default();
    let mut last: Option<(&str, u32)> = None;
    // Files often name the partners in the same order for every project: the one after the last
    // row's is tried first, without hashing.
    let mut next = 0u32;
    let mut n = 0;
    plain.rows(piece, |v| {
        let project = v[0]?;
        let partner = v[1]?;
        let q = match capacities.get(next as usize) {
            Some(c) if c.partner == partner => next,
            _ => *qindex.get(partner)?,
        };
        next = q + 1;
        let score = plain::number(v[2]?, -1e12, 1e12)?;
        let hours = match v[3] {
            None => 0.0,
            Some(s) => plain::number(s, 0.0, 1e9)?,
        };
        let p = match last {
            Some((id, p)) if id == project => p,
            _ => *numbers.entry(project).or_insert_with(|| {
                ids.push(project);
                ids.len() as u32 - 1
            }),
        };
        last = Some((project, p));
        // The piece's own project number for now; the caller sets the file's.
        *out.get_mut(n)? =
            Edge { project: p as usize, partner: q as usize, score, hours, project_rank: 0, partner_rank: 0 };
        n += 1;
        Some(())
    })?;
    Some((n, ids))
}

/// `market_from_preferences` when every partner named has a capacity row and nobody ranks anyone twice.
pub(super) fn market_from_preferences(prefs: &[PreferenceRow], capacities: &[CapacityRow]) -> Option<Result<Market>> {
    let (partners, qindex) = partners_of(capacities);
    let mut pindex: HashMap<&str, usize> = HashMap::new();
    let mut projects = Vec::new();
    let mut project_prefs: Vec<Vec<(usize, u32)>> = Vec::new();
    let mut partner_prefs: Vec<Vec<(usize, u32)>> = vec![Vec::new(); partners.len()];
    let mut last: Option<(&str, usize)> = None;
    for row in prefs {
        let is_partner = row.chooser_is_partner.unwrap_or_else(|| qindex.contains_key(row.chooser.as_str()));
        let (project, partner) = if is_partner { (&row.chosen, &row.chooser) } else { (&row.chooser, &row.chosen) };
        let q = *qindex.get(partner.as_str())?;
        // A project's own list is usually contiguous: skip the hash lookup then.
        let p = match last {
            Some((id, p)) if id == project.as_str() => p,
            _ => *pindex.entry(project.as_str()).or_insert_with(|| {
                projects.push(MarketProject { id: project.clone(), institution: String::new() });
                project_prefs.push(Vec::new());
                projects.len() - 1
            }),
        };
        last = Some((project.as_str(), p));
        if is_partner {
            partner_prefs[q].push((p, row.rank));
        } else {
            project_prefs[p].push((q, row.rank));
        }
    }
    if repeats(&project_prefs) || repeats(&partner_prefs) {
        return None;
    }
    Some(Market::from_preferences(projects, partners, &project_prefs, &partner_prefs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(project: &str, partner: &str, score: f64, hours: f64, line: u64) -> ScoreRow {
        ScoreRow { project: project.into(), partner: partner.into(), score, hours, place: Place::Line(line) }
    }

    #[test]
    fn clean_scores_read_as_the_general_reader_reads_them() {
        let text = "\u{feff} Partner ,PROJECT,score,hours\r\n q1 ,p1,0.5,\r\n\r\n\"q2\",\"p,1\",-3e2,4\r\n,,,\r\n";
        let rows = scores(text.as_bytes()).expect("clean");
        let mut problems = crate::error::Problems::default();
        let known = ["project", "partner", "score", "hours"];
        let records = crate::input::csv_records::read(text.as_bytes(), "t", &known, &known[..3], &mut problems);
        let lines: Vec<Place> = records.expect("readable").into_iter().map(|r| r.place).collect();
        assert!(problems.is_empty());
        assert_eq!(lines, rows.iter().map(|r| r.place.clone()).collect::<Vec<_>>());
        let Place::Line(first) = lines[0] else { panic!("a line") };
        let Place::Line(second) = lines[1] else { panic!("a line") };
        assert_eq!(rows, vec![row("p1", "q1", 0.5, 0.0, first), row("p,1", "q2", -300.0, 4.0, second)]);
    }

    #[test]
    fn anything_unusual_goes_to_the_general_reader() {
        for bad in [
            "",
            "project,partner,score\n",
            "project,partner,score,extra\np,q,1,x\n",
            "project,partner,score,score\np,q,1,1\n",
            "project,partner\np,q\n",
            "project,partner,score\np,q,1,2\n",
            "project,partner,score\np,,1\n",
            "project,partner,score\np,q,NaN\n",
            "project,partner,score\np,q,1e13\n",
            "project,partner,score,hours\np,q,1,-1\n",
        ] {
            assert_eq!(scores(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(scores(b"project,partner,score\np,q,\xff\n"), None);
        assert_eq!(preferences(b"chooser,chosen,rank\np,q,0\n"), None);
        assert_eq!(preferences(b"chooser,chosen,rank,side\np,q,1,both\n"), None);
    }

    #[test]
    fn score_market_is_the_market_of_the_rows() {
        let caps: Vec<CapacityRow> =
            ["q1", "q2", "q3"].iter().map(|q| CapacityRow { partner: (*q).into(), capacity: 2, hours: None }).collect();
        for text in [
            "project,partner,score\np1,q1,0.5\np1,q2,0.25\np2,q1,1\n",
            "\u{feff}partner,project,score,hours\r\nq3,p2,1,2\r\n\r\nq1,p1,0.5,\r\nq2,p2,-1,0\r\nq1,p2,0,1\r\n",
            "project,partner,score\np1,q1,0.5\np2,q2,0.25\np1,q3,1\np2,q1,0\n",
        ] {
            let rows = scores(text.as_bytes()).expect("clean");
            let want = market_from_scores(&rows, &caps).expect("fast").expect("valid");
            for parts in 1..5 {
                let got = score_market_in(text.as_bytes(), &caps, parts, 1).expect("fast").expect("valid");
                assert_eq!(got, want, "{text:?} in {parts} pieces");
            }
        }
        for repeated in [
            "project,partner,score\np1,q1,0.5\np1,q1,0.25\n",
            "project,partner,score\np1,q1,0.5\np2,q2,0.25\np1,q1,1\n",
            "project,partner,score\np1,q9,0.5\n",
            "project,partner,score\n",
        ] {
            assert!(score_market(repeated.as_bytes(), &caps).is_none(), "{repeated:?}");
        }
    }

    #[test]
    fn random_score_files_read_as_the_general_reader_reads_them() {
        let caps: Vec<CapacityRow> =
            (0..40).map(|q| CapacityRow { partner: format!("q{q}"), capacity: 1, hours: None }).collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |k: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % k
        };
        let mut markets = 0;
        for seed in 0..40 {
            let end = if seed % 3 == 0 { "\r\n" } else { "\n" };
            let hours = seed % 2 == 0;
            let mut text = format!("project, partner ,score{}{end}", if hours { ",hours" } else { "" });
            for p in 0..(5 + next(30)) {
                // Runs of a project's rows, sometimes split (the same project again later).
                let id = if next(15) == 0 { next(p + 1) } else { p };
                let mut used = std::collections::HashSet::new();
                for _ in 0..next(12) {
                    let q = next(40);
                    if !used.insert(q) {
                        continue;
                    }
                    let pad = if next(7) == 0 { " " } else { "" };
                    let score = format!("{}{}.{}", if next(4) == 0 { "-" } else { "" }, next(3), next(1000));
                    text.push_str(&format!("{pad}p{id}{pad},q{q},{score}"));
                    if hours {
                        text.push_str(&format!(",{}", if next(3) == 0 { String::new() } else { next(9).to_string() }));
                    }
                    text.push_str(end);
                    if next(10) == 0 {
                        text.push_str(end);
                    }
                }
            }
            let want =
                scores(text.as_bytes()).and_then(|rows| market_from_scores(&rows, &caps)).map(|m| m.expect("valid"));
            for parts in [1, 2, 3, 7] {
                let got = score_market_in(text.as_bytes(), &caps, parts, 1).map(|m| m.expect("valid"));
                assert_eq!(got, want, "seed {seed}, {parts} pieces:\n{text}");
            }
            markets += usize::from(want.is_some());
        }
        assert!(markets >= 20, "{markets} of 40 files make a market");
    }

    #[test]
    fn preferences_with_sides() {
        let rows = preferences(b"chooser,chosen,rank,side\np,q,1,Project\nq,p,2,PARTNER\nr,q,+3,\n").expect("clean");
        let sides: Vec<_> = rows.iter().map(|r| (r.rank, r.chooser_is_partner)).collect();
        assert_eq!(sides, vec![(1, Some(false)), (2, Some(true)), (3, None)]);
    }

    #[test]
    fn markets_with_a_problem_go_to_the_general_path() {
        let caps = vec![CapacityRow { partner: "q".into(), capacity: 1, hours: None }];
        let twice = vec![row("p", "q", 1.0, 0.0, 2), row("p", "q", 0.5, 0.0, 3)];
        assert!(market_from_scores(&twice, &caps).is_none());
        let unknown = vec![row("p", "x", 1.0, 0.0, 2)];
        assert!(market_from_scores(&unknown, &caps).is_none());
        let ok = vec![row("p", "q", 1.0, 0.0, 2), row("r", "q", 0.5, 0.0, 3)];
        let market = market_from_scores(&ok, &caps).expect("fast").expect("valid");
        assert_eq!(market.projects.len(), 2);
        let pref = |chooser: &str, chosen: &str, rank| PreferenceRow {
            chooser: chooser.into(),
            chosen: chosen.into(),
            rank,
            chooser_is_partner: None,
            place: Place::Line(2),
        };
        assert!(market_from_preferences(&[pref("p", "q", 1), pref("p", "q", 2)], &caps).is_none());
        assert!(market_from_preferences(&[pref("q", "p", 1), pref("q", "p", 2)], &caps).is_none());
        assert!(market_from_preferences(&[pref("p", "x", 1)], &caps).is_none());
        let market = market_from_preferences(&[pref("p", "q", 1), pref("q", "p", 1)], &caps).expect("fast");
        assert_eq!(market.expect("valid").edges().len(), 1);
    }
}
