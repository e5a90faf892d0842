//! Readers for the files that drive matching without projects and partners files: scores
//! (`project,partner,score[,hours]`), capacities (`partner,capacity[,hours]`), preferences
//! (`chooser,chosen,rank[,side]`) and a previous assignment (`project,partner`).

use std::collections::HashMap;
use std::io::Read;

use super::csv_records;
use super::fields::Fields;
use crate::error::{Error, Place, Problem, Problems, Result};
use crate::matching::{Assignment, Market, MarketPartner, MarketProject};

mod direct;
pub(super) mod fast;
mod ids;

/// One row of a scores file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    /// Project id.
    pub project: String,
    /// Partner id.
    pub partner: String,
    /// The pair's score.
    pub score: f64,
    /// Mentor hours the pair takes of the partner's budget (default 0).
    pub hours: f64,
    /// Where the row is.
    pub place: Place,
}

/// One row of a capacities file.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityRow {
    /// Partner id.
    pub partner: String,
    /// Most projects.
    pub capacity: u32,
    /// Mentor-hours budget, if given.
    pub hours: Option<f64>,
}

/// One row of a preferences file.
#[derive(Debug, Clone, PartialEq)]
pub struct PreferenceRow {
    /// Who ranks.
    pub chooser: String,
    /// Who is ranked.
    pub chosen: String,
    /// 1 is best; equal ranks tie.
    pub rank: u32,
    /// `Some(true)` when the chooser is a partner, `Some(false)` a project, `None` when not said.
    pub chooser_is_partner: Option<bool>,
    /// Where the row is.
    pub place: Place,
}

fn rows<T>(
    r: impl Read,
    source: &str,
    known: &[&str],
    required: &[&str],
    mut make: impl FnMut(&mut Fields<'_>) -> Option<T>,
) -> Result<Vec<T>> {
    let mut problems = Problems::default();
    let records = csv_records::read(r, source, known, required, &mut problems)?;
    let mut out = Vec::with_capacity(records.len());
    for rec in &records {
        let mut f = Fields::new(source, rec, &mut problems);
        if let Some(v) = make(&mut f) {
            if !f.failed() {
                out.push(v);
            }
        }
    }
    problems.into_result(out)
}

/// Reads `project,partner,score[,hours]`.
pub fn read_scores_csv<R: Read>(r: R, source: &str) -> Result<Vec<ScoreRow>> {
    let bytes = read_all(r, source)?;
    if let Some(rows) = fast::scores(&bytes) {
        return Ok(rows);
    }
    rows(&bytes[..], source, &["project", "partner", "score", "hours"], &["project", "partner", "score"], |f| {
        let project = f.required("project")?.to_owned();
        let partner = f.required("partner")?.to_owned();
        f.required("score")?;
        let score = f.number("score", 0.0, -1e12, 1e12);
        let hours = f.number("hours", 0.0, 0.0, 1e9);
        Some(ScoreRow { project, partner, score, hours, place: f.place().clone() })
    })
}

/// Reads `partner,capacity[,hours]`.
pub fn read_capacities_csv<R: Read>(r: R, source: &str) -> Result<Vec<CapacityRow>> {
    let mut seen: HashMap<String, Place> = HashMap::new();
    rows(r, source, &["partner", "capacity", "hours"], &["partner", "capacity"], |f| {
        let partner = f.required("partner")?.to_owned();
        f.required("capacity")?;
        let capacity = f.whole("capacity", 0, 0, 10_000_000);
        let hours = f.text("hours").map(|_| f.number("hours", 0.0, 0.0, 1e9));
        if let Some(first) = seen.get(&partner) {
            f.problem("partner", format!("partner \"{partner}\" is listed twice (first at {})", place_words(first)));
        } else {
            seen.insert(partner.clone(), f.place().clone());
        }
        Some(CapacityRow { partner, capacity, hours })
    })
}

/// Reads `chooser,chosen,rank[,side]` (`side` is `project` or `partner`: the chooser's side).
pub fn read_preferences_csv<R: Read>(r: R, source: &str) -> Result<Vec<PreferenceRow>> {
    let bytes = read_all(r, source)?;
    if let Some(rows) = fast::preferences(&bytes) {
        return Ok(rows);
    }
    rows(&bytes[..], source, &["chooser", "chosen", "rank", "side"], &["chooser", "chosen", "rank"], |f| {
        let chooser = f.required("chooser")?.to_owned();
        let chosen = f.required("chosen")?.to_owned();
        f.required("rank")?;
        let rank = f.whole("rank", 1, 1, u32::MAX);
        let side = match f.text("side").map(str::to_ascii_lowercase) {
            None => None,
            Some(s) if s == "partner" => Some(true),
            Some(s) if s == "project" => Some(false),
            Some(s) => {
                f.problem("side", format!("expected project or partner, found \"{s}\""));
                None
            }
        };
        Some(PreferenceRow { chooser, chosen, rank, chooser_is_partner: side, place: f.place().clone() })
    })
}

/// Reads a previous assignment: the `project` and `partner` columns of `pounce match` output (an
/// empty partner means unmatched; other columns are ignored).
pub fn read_assignment_csv<R: Read>(r: R, source: &str) -> Result<Vec<(String, Option<String>, Place)>> {
    let known = ["project", "partner", "score", "project_rank", "partner_rank", "reason", "backups"];
    rows(r, source, &known, &["project", "partner"], |f| {
        let project = f.required("project")?.to_owned();
        let partner = f.text("partner").map(str::to_owned);
        Some((project, partner, f.place().clone()))
    })
}

/// The whole input, for the fast path of large files (which falls back to the general reader).
fn read_all(mut r: impl Read, source: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).map_err(|error| Error::Io { source_name: source.to_owned(), error })?;
    Ok(bytes)
}

fn place_words(p: &Place) -> String {
    match p {
        Place::File => "the file".into(),
        Place::Line(n) => format!("line {n}"),
        Place::Path(s) => s.clone(),
    }
}

fn partners_of(capacities: &[CapacityRow]) -> (Vec<MarketPartner>, HashMap<&str, usize>) {
    let partners: Vec<MarketPartner> = capacities
        .iter()
        .map(|c| MarketPartner {
            id: c.partner.clone(),
            capacity: c.capacity,
            budget: c.hours,
            active: true,
            sector: None,
        })
        .collect();
    let index = capacities.iter().enumerate().map(|(i, c)| (c.partner.as_str(), i)).collect();
    (partners, index)
}

/// Builds a market from scores and capacities: projects in order of first appearance, partners in
/// the capacities file's order; each side ranks the other by score. Every partner of the scores
/// must have a capacity row; every pair may appear once.
pub fn market_from_scores(scores: &[ScoreRow], scores_source: &str, capacities: &[CapacityRow]) -> Result<Market> {
    if let Some(market) = fast::market_from_scores(scores, capacities) {
        return market;
    }
    let (partners, qindex) = partners_of(capacities);
    let mut problems = Problems::default();
    let mut pindex: HashMap<&str, usize> = HashMap::new();
    let mut projects = Vec::new();
    let mut seen: HashMap<(usize, usize), &Place> = HashMap::new();
    let mut pairs = Vec::with_capacity(scores.len());
    for row in scores {
        let p = *pindex.entry(row.project.as_str()).or_insert_with(|| {
            projects.push(MarketProject { id: row.project.clone(), institution: String::new() });
            projects.len() - 1
        });
        let Some(&q) = qindex.get(row.partner.as_str()) else {
            problems.push(Problem::new(
                scores_source,
                row.place.clone(),
                Some("partner"),
                format!("partner \"{}\" has no row in the capacities file", row.partner),
            ));
            continue;
        };
        if let Some(first) = seen.get(&(p, q)) {
            problems.push(Problem::new(
                scores_source,
                row.place.clone(),
                Some("partner"),
                format!("pair {}–{} is listed twice (first at {})", row.project, row.partner, place_words(first)),
            ));
            continue;
        }
        seen.insert((p, q), &row.place);
        pairs.push((p, q, row.score, row.hours));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Market::from_scores(projects, partners, &pairs)
}

/// The market of a clean scores file read straight from its bytes, without the rows in between:
/// [`market_from_scores`] of [`read_scores_csv`]'s rows, at a fraction of the time and memory for
/// millions of pairs. `None` when the file or the pairs are not plainly valid (a repeated pair, a
/// partner without a capacity row, an odd value, no rows): read it then with those two functions,
/// which report every problem with its line.
///
/// ```
/// use pounce::input::{market_from_score_bytes, read_capacities_csv};
/// let caps = read_capacities_csv("partner,capacity\nq1,1\n".as_bytes(), "caps.csv").unwrap();
/// let market = market_from_score_bytes(b"project,partner,score\np1,q1,0.5\n", &caps).unwrap().unwrap();
/// assert_eq!(market.edges().len(), 1);
/// assert!(market_from_score_bytes(b"project,partner,score\np1,q2,0.5\n", &caps).is_none());
/// ```
///
/// The bytes are taken by value: handed an owned buffer (a `Vec<u8>` of the whole file), it is
/// released once parsed, before the market's arrays are built; on `None` it is gone, so read the
/// file again for the general path.
pub fn market_from_score_bytes(bytes: impl AsRef<[u8]>, capacities: &[CapacityRow]) -> Option<Result<Market>> {
    fast::score_market(bytes, capacities)
}

/// The market of a clean preferences file read straight from its bytes, without the rows in
/// between: [`market_from_preferences`] of [`read_preferences_csv`]'s rows, at a fraction of the time
/// and memory for millions of rows (read in parallel). `None` when the file or the lists are not
/// plainly valid (a partner without a capacity row, an id ranked twice, an odd value, a quoted
/// field, no rows): read it then with those two functions, which report every problem with its line.
///
/// ```
/// use pounce::input::{market_from_preference_bytes, read_capacities_csv};
/// let caps = read_capacities_csv("partner,capacity\nq1,1\n".as_bytes(), "caps.csv").unwrap();
/// let market = market_from_preference_bytes(b"chooser,chosen,rank\np1,q1,1\n", &caps).unwrap().unwrap();
/// assert_eq!(market.edges().len(), 1);
/// assert!(market_from_preference_bytes(b"chooser,chosen,rank\np1,q2,1\n", &caps).is_none());
/// ```
pub fn market_from_preference_bytes(bytes: &[u8], capacities: &[CapacityRow]) -> Option<Result<Market>> {
    direct::market(bytes, capacities)
}

/// Builds a market from preference lists and capacities (see [`Market::from_preferences`] for
/// which pairs are feasible and the score given to each). A chooser is a partner when the row's
/// `side` says so, or, without `side`, when it has a capacity row.
pub fn market_from_preferences(
    prefs: &[PreferenceRow],
    prefs_source: &str,
    capacities: &[CapacityRow],
) -> Result<Market> {
    if let Some(market) = fast::market_from_preferences(prefs, capacities) {
        return market;
    }
    let (partners, qindex) = partners_of(capacities);
    let mut problems = Problems::default();
    let mut pindex: HashMap<String, usize> = HashMap::new();
    let mut projects = Vec::new();
    let mut project_prefs: Vec<Vec<(usize, u32)>> = Vec::new();
    let mut partner_prefs: Vec<Vec<(usize, u32)>> = vec![Vec::new(); partners.len()];
    let mut project_of =
        |id: &str, projects: &mut Vec<MarketProject>, project_prefs: &mut Vec<Vec<(usize, u32)>>| -> usize {
            *pindex.entry(id.to_owned()).or_insert_with(|| {
                projects.push(MarketProject { id: id.to_owned(), institution: String::new() });
                project_prefs.push(Vec::new());
                projects.len() - 1
            })
        };
    let mut seen: HashMap<(bool, String, String), &Place> = HashMap::new();
    for row in prefs {
        let is_partner = row.chooser_is_partner.unwrap_or_else(|| qindex.contains_key(row.chooser.as_str()));
        let key = (is_partner, row.chooser.clone(), row.chosen.clone());
        if let Some(first) = seen.get(&key) {
            problems.push(Problem::new(
                prefs_source,
                row.place.clone(),
                Some("chosen"),
                format!("{} ranks {} twice (first at {})", row.chooser, row.chosen, place_words(first)),
            ));
            continue;
        }
        seen.insert(key, &row.place);
        if is_partner {
            let Some(&q) = qindex.get(row.chooser.as_str()) else {
                problems.push(Problem::new(
                    prefs_source,
                    row.place.clone(),
                    Some("chooser"),
                    format!("partner \"{}\" has no row in the capacities file", row.chooser),
                ));
                continue;
            };
            let p = project_of(&row.chosen, &mut projects, &mut project_prefs);
            partner_prefs[q].push((p, row.rank));
        } else {
            let Some(&q) = qindex.get(row.chosen.as_str()) else {
                problems.push(Problem::new(
                    prefs_source,
                    row.place.clone(),
                    Some("chosen"),
                    format!("\"{}\" is not a partner of the capacities file (a project ranks partners)", row.chosen),
                ));
                continue;
            };
            let p = project_of(&row.chooser, &mut projects, &mut project_prefs);
            project_prefs[p].push((q, row.rank));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Market::from_preferences(projects, partners, &project_prefs, &partner_prefs)
}

/// Resolves a previous assignment's ids against a market; every pair must be feasible there.
pub fn assignment_from_rows(
    market: &Market,
    rows: &[(String, Option<String>, Place)],
    source: &str,
) -> Result<Assignment> {
    let mut problems = Problems::default();
    let mut a = Assignment::empty(market.projects.len());
    let pids: HashMap<&str, usize> = market.projects.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let qids: HashMap<&str, usize> = market.partners.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let mut seen = vec![false; market.projects.len()];
    for (project, partner, place) in rows {
        let Some(&p) = pids.get(project.as_str()) else {
            problems.push(Problem::new(
                source,
                place.clone(),
                Some("project"),
                format!("unknown project \"{project}\""),
            ));
            continue;
        };
        if std::mem::replace(&mut seen[p], true) {
            problems.push(Problem::new(
                source,
                place.clone(),
                Some("project"),
                format!("project \"{project}\" appears twice"),
            ));
            continue;
        }
        let Some(partner) = partner else { continue };
        let Some(&q) = qids.get(partner.as_str()) else {
            problems.push(Problem::new(
                source,
                place.clone(),
                Some("partner"),
                format!("unknown partner \"{partner}\""),
            ));
            continue;
        };
        match market.edge_index(p, q) {
            Some(e) => a.edges[p] = Some(e),
            None => problems.push(Problem::new(
                source,
                place.clone(),
                Some("partner"),
                format!("{project}–{partner} is not a feasible pair of the current inputs"),
            )),
        }
    }
    problems.into_result(a)
}
