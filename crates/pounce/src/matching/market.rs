//! The market a matching strategy works on: projects, partners with capacities and budgets, and the
//! feasible pairs (edges) with their score, mentor hours and each side's rank of the other.
//!
//! A market is built from a [`Scorer`] (every feasible pair; score = mutual, the project ranks partners
//! by fit and the partner ranks projects by appeal), from explicit scores ([`Market::from_scores`]),
//! or from preference lists ([`Market::from_preferences`]).

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::PartnerStatus;
use crate::score::{Exclusion, Scorer};

/// A scored pair with both sides' preference keys: `(project, partner, score, hours, project_key, partner_key)`.
pub type KeyedPair = (usize, usize, f64, f64, f64, f64);

/// A project as the matching sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketProject {
    /// Id.
    pub id: String,
    /// Institution (empty when unknown).
    pub institution: String,
}

/// A partner as the matching sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketPartner {
    /// Id.
    pub id: String,
    /// Most projects it takes.
    pub capacity: u32,
    /// Mentor hours per week it offers in total, when known; the budget of the `budgets` constraint.
    pub budget: Option<f64>,
    /// Whether it is an active partner (for the retention quota).
    pub active: bool,
    /// Its industry sector (NAICS sector of its first industry), when known; for the diversity limit.
    pub sector: Option<String>,
}

/// A feasible pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Edge {
    /// Project index.
    pub project: usize,
    /// Partner index.
    pub partner: usize,
    /// The pair's score (mutual score, or as given).
    pub score: f64,
    /// Mentor hours per week the pair consumes of the partner's budget.
    pub hours: f64,
    /// The project's rank of this partner: 1 is best, equal ranks tie.
    pub project_rank: u32,
    /// The partner's rank of this project: 1 is best, equal ranks tie.
    pub partner_rank: u32,
}

/// Projects, partners and feasible pairs, indexed both ways.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Market {
    /// Projects.
    pub projects: Vec<MarketProject>,
    /// Partners.
    pub partners: Vec<MarketPartner>,
    /// Edges grouped by project; within a project by ascending project rank, then partner id.
    edges: Vec<Edge>,
    #[serde(skip)]
    project_start: Vec<usize>,
    /// Partner `q`'s edge indices are `partner_list[partner_start[q]..partner_start[q + 1]]`, by
    /// ascending partner rank, then project id.
    #[serde(skip)]
    partner_start: Vec<usize>,
    #[serde(skip)]
    partner_list: Vec<usize>,
    /// Position of each project's id in id order (ties are broken by id).
    #[serde(skip)]
    project_order: Vec<u32>,
    /// Position of each partner's id in id order.
    #[serde(skip)]
    partner_order: Vec<u32>,
    /// Why a project has no edge at all, when known (e.g. "excluded by location (280), ip (20)").
    pub no_edge_reasons: Vec<Option<String>>,
}

fn id_order(ids: &[&str]) -> Vec<u32> {
    // The first 16 bytes of an id, zero-padded, order ids as their text does, but for ties: most
    // comparisons need no look at the text itself (a cache miss per id in a large market).
    let head = |id: &str| {
        let mut b = [0u8; 16];
        let n = id.len().min(16);
        b[..n].copy_from_slice(&id.as_bytes()[..n]);
        u128::from_be_bytes(b)
    };
    let mut order: Vec<(u128, usize)> = ids.iter().enumerate().map(|(i, id)| (head(id), i)).collect();
    // A total order (id, then index): the unstable sort gives the one result a stable sort would.
    let cmp =
        |a: &(u128, usize), b: &(u128, usize)| a.0.cmp(&b.0).then_with(|| ids[a.1].cmp(ids[b.1])).then(a.1.cmp(&b.1));
    if parallel(ids.len()) {
        order.par_sort_unstable_by(cmp);
    } else {
        order.sort_unstable_by(cmp);
    }
    let mut rank = vec![0u32; ids.len()];
    for (r, (_, i)) in order.into_iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

/// Whether work on `n` items is worth the thread pool: a small market stays on the calling thread
/// (no pool to start, no wait for a worker on a busy machine).
fn parallel(n: usize) -> bool {
    n >= 1 << 16
}

/// Preference lists in compressed form, for markets of millions of entries: list `i` is
/// `items[start[i]..end[i]]`, each item `(index on the other side, rank)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PreferenceLists {
    start: Vec<usize>,
    end: Vec<usize>,
    items: Vec<(u32, u32)>,
}

impl PreferenceLists {
    /// Empty lists of these lengths, to be filled with [`PreferenceLists::push`].
    #[cfg(test)]
    pub(crate) fn with_lengths(lengths: &[usize]) -> PreferenceLists {
        let start = offsets(lengths.len(), lengths.iter().enumerate().flat_map(|(i, &n)| std::iter::repeat_n(i, n)));
        let items = vec![(0, 0); start[lengths.len()]];
        let end = start[..lengths.len()].to_vec();
        PreferenceLists { start: start[..lengths.len()].to_vec(), end, items }
    }

    /// Adds `(item, rank)` to the end of list `list`, which must have room left.
    #[cfg(test)]
    pub(crate) fn push(&mut self, list: usize, item: u32, rank: u32) {
        self.items[self.end[list]] = (item, rank);
        self.end[list] += 1;
    }

    /// The `n` lists of `items` read in runs: `runs` lists `(list, first item)` in order, a run
    /// ending where the next begins (the last at the end). A list's runs follow each other in it.
    /// Lists of one run each (a file that gives each list in one piece) are taken as they lie.
    pub(crate) fn from_runs(n: usize, items: Vec<(u32, u32)>, runs: &[(u32, usize)]) -> PreferenceLists {
        let run_end = |r: usize| runs.get(r + 1).map_or(items.len(), |next| next.1);
        let mut start = vec![0usize; n];
        let mut end = vec![0usize; n];
        let mut pieces = vec![0u32; n];
        for (r, &(list, first)) in runs.iter().enumerate() {
            let list = list as usize;
            pieces[list] += 1;
            start[list] = first;
            end[list] = run_end(r);
        }
        if pieces.iter().all(|&k| k <= 1) {
            return PreferenceLists { start, end, items };
        }
        // Some list comes in pieces: gather every list in one piece.
        let len = |r: usize| run_end(r) - runs[r].1;
        let mut length = vec![0usize; n];
        for (r, &(list, _)) in runs.iter().enumerate() {
            length[list as usize] += len(r);
        }
        let mut at = 0;
        for (i, &n) in length.iter().enumerate() {
            start[i] = at;
            end[i] = at;
            at += n;
        }
        let mut gathered = vec![(0, 0); at];
        for (r, &(list, first)) in runs.iter().enumerate() {
            let list = list as usize;
            gathered[end[list]..end[list] + len(r)].copy_from_slice(&items[first..first + len(r)]);
            end[list] += len(r);
        }
        PreferenceLists { start, end, items: gathered }
    }

    /// How many lists.
    pub(crate) fn len(&self) -> usize {
        self.start.len()
    }

    /// The index range of list `i` in the items.
    fn range(&self, i: usize) -> std::ops::Range<usize> {
        self.start[i]..self.end[i]
    }

    /// The items of list `i`.
    fn list(&self, i: usize) -> &[(u32, u32)] {
        &self.items[self.range(i)]
    }

    /// Whether some list names an item twice (items are below `n`).
    pub(crate) fn repeats(&self, n: usize) -> bool {
        let mut mark = vec![usize::MAX; n];
        (0..self.len()).any(|i| self.list(i).iter().any(|&(x, _)| std::mem::replace(&mut mark[x as usize], i) == i))
    }

    /// Whether the lists lie within the items and name only items below `n`.
    fn valid(&self, n: usize) -> bool {
        self.start.len() == self.end.len()
            && (0..self.len()).all(|i| self.start[i] <= self.end[i] && self.end[i] <= self.items.len())
            && (0..self.len()).all(|i| self.list(i).iter().all(|&(x, _)| (x as usize) < n))
    }
}

/// Competition ranks ("1224") of keys, best (highest) first.
#[cfg(test)]
fn ranks_desc(keys: &[f64]) -> Vec<u32> {
    let mut buf: Vec<(u64, u32, usize)> =
        keys.iter().enumerate().map(|(i, &k)| (desc_bits(if k == 0.0 { 0.0 } else { k }), 0, i)).collect();
    let mut ranks = vec![0u32; keys.len()];
    rank_segment(&mut buf, &mut |_, i, r| ranks[i] = r);
    ranks
}

/// A key whose ascending integer order is the descending [`f64::total_cmp`] order of `x`.
fn desc_bits(x: f64) -> u64 {
    let b = x.to_bits();
    let ordered = if b >> 63 == 1 { !b } else { b | (1 << 63) };
    !ordered
}

/// Sorts `buf` (`(descending key bits, tie-break, index)`) and hands out competition ranks by key
/// bits, as `set(position, index, rank)`: equal keys share the rank of the first of them.
fn rank_segment(buf: &mut [(u64, u32, usize)], set: &mut dyn FnMut(usize, usize, u32)) {
    buf.sort_unstable();
    let mut rank = 0u32;
    for pos in 0..buf.len() {
        if pos == 0 || buf[pos - 1].0 != buf[pos].0 {
            rank = pos as u32 + 1;
        }
        set(pos, buf[pos].2, rank);
    }
}

/// The sort key of an edge in a list ranked by score: descending score (one bit pattern for -0.0
/// and 0.0), then the other side's position in id order, then the edge's position in the list.
fn score_key(score: f64, order: u32, pos: usize) -> u128 {
    let score = if score == 0.0 { 0.0 } else { score };
    (u128::from(desc_bits(score)) << 64) | (u128::from(order) << 32) | pos as u128
}

/// Sorts `keys` ([`score_key`]s of `items`, positions in their low bits) and puts `items` in the
/// same order, through `copy`; nothing moves when the keys are in order already.
fn sort_by_score_keys<T: Copy>(keys: &mut [u128], items: &mut [T], copy: &mut Vec<T>) {
    if !keys.is_sorted() {
        keys.sort_unstable();
        copy.clear();
        copy.extend_from_slice(items);
        for (slot, &k) in items.iter_mut().zip(keys.iter()) {
            *slot = copy[k as u32 as usize];
        }
    }
}

/// Hands out competition ranks of sorted [`score_key`]s, as `set(position, rank)`: equal scores
/// share the rank of the first of them.
fn competition_ranks(keys: &[u128], mut set: impl FnMut(usize, u32)) {
    let mut rank = 0u32;
    for pos in 0..keys.len() {
        if pos == 0 || keys[pos - 1] >> 64 != keys[pos] >> 64 {
            rank = pos as u32 + 1;
        }
        set(pos, rank);
    }
}

/// Edges in project order, each project's in the order given (a stable counting sort);
/// `project_start` are the offsets of the projects' groups.
fn group_by_project(edges: Vec<Edge>, project_start: &[usize]) -> Vec<Edge> {
    let mut cursor = project_start.to_vec();
    let mut slots: Vec<Option<Edge>> = vec![None; edges.len()];
    for e in edges {
        slots[cursor[e.project]] = Some(e);
        cursor[e.project] += 1;
    }
    slots.into_iter().map(|e| e.expect("every slot is filled once")).collect()
}

/// The "listed twice" error of the first repeated pair among edges grouped by project, if any: one
/// pass with a mark per partner, then the exact message from the slow check.
fn repeated_pair(
    projects: &[MarketProject],
    partners: &[MarketPartner],
    edges: &[Edge],
    project_start: &[usize],
) -> Option<Error> {
    let mut mark = vec![usize::MAX; partners.len()];
    for (p, w) in project_start.windows(2).enumerate() {
        for e in &edges[w[0]..w[1]] {
            if std::mem::replace(&mut mark[e.partner], p) == p {
                return Some(
                    duplicate_error(projects, partners, edges, project_start).expect("a repeated pair is found"),
                );
            }
        }
    }
    None
}

/// A piece of edges to hand out to their partners: its range, and its edges per partner.
type HandOutPiece = (std::ops::Range<usize>, Vec<usize>);

/// A piece's runs of the partner list and of the sort keys, one per partner, and each run's
/// offset among its partner's slots.
type Runs<'a> = (Vec<&'a mut [usize]>, Vec<&'a mut [u128]>, Vec<usize>);

/// What one pass over a run of edges finds (see [`Market::from_score_edges`]).
struct Scan {
    /// Edges per project and per partner.
    projects: Vec<usize>,
    partners: Vec<usize>,
    /// The first invalid edge (index among all edges).
    bad: Option<usize>,
    /// Whether the run is grouped by project, and whether a project of it names a partner twice
    /// (found while it is grouped).
    grouped: bool,
    repeated: bool,
    /// The run's first and last project.
    first: Option<usize>,
    last: usize,
    /// The project that last named each partner.
    mark: Vec<usize>,
}

impl Scan {
    fn new(np: usize, nq: usize) -> Scan {
        Scan {
            projects: vec![0; np],
            partners: vec![0; nq],
            bad: None,
            grouped: true,
            repeated: false,
            first: None,
            last: 0,
            mark: vec![usize::MAX; nq],
        }
    }

    /// Counts a valid edge.
    fn add(&mut self, e: &Edge) {
        self.projects[e.project] += 1;
        self.partners[e.partner] += 1;
        self.first.get_or_insert(e.project);
        self.grouped &= e.project >= self.last;
        self.last = e.project;
        self.repeated |= std::mem::replace(&mut self.mark[e.partner], e.project) == e.project;
    }
}

/// Offsets of a grouping: `start[g]..start[g + 1]` are the positions of group `g` among `n` groups.
fn offsets(n: usize, groups: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut start = vec![0usize; n + 1];
    for g in groups {
        start[g + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    start
}

/// Splits `data` into the consecutive segments `start[g]..start[g + 1]`.
pub(crate) fn segments<'a, T>(mut data: &'a mut [T], start: &[usize]) -> Vec<&'a mut [T]> {
    let mut out = Vec::with_capacity(start.len().saturating_sub(1));
    for w in start.windows(2) {
        let (head, tail) = data.split_at_mut(w[1] - w[0]);
        out.push(head);
        data = tail;
    }
    out
}

/// The "listed twice" error of edges sorted by project, rank and partner id, as a check pair by
/// pair and then project by project reports it; `None` when no pair repeats.
fn duplicate_error(
    projects: &[MarketProject],
    partners: &[MarketPartner],
    edges: &[Edge],
    project_start: &[usize],
) -> Option<Error> {
    let twice =
        |p: usize, q: usize| Error::Unsupported(format!("pair {}–{} is listed twice", projects[p].id, partners[q].id));
    if let Some(w) = edges.windows(2).find(|w| w[0].project == w[1].project && w[0].partner == w[1].partner) {
        return Some(twice(w[0].project, w[0].partner));
    }
    // A duplicate pair may hide behind a different rank: check per project by partner.
    for p in 0..projects.len() {
        let mut qs: Vec<usize> = edges[project_start[p]..project_start[p + 1]].iter().map(|e| e.partner).collect();
        qs.sort_unstable();
        if let Some(w) = qs.windows(2).find(|w| w[0] == w[1]) {
            return Some(twice(p, w[0]));
        }
    }
    None
}

/// Groups pairs by `group(pair)` (one of `n` groups) and orders each group by `key(pair)`: `(key,
/// tie-break)`, the highest key first, then the lowest tie-break; returns the group offsets, the pair
/// indices in that order and, aligned with them, each pair's competition rank by key in its group.
fn rank_groups(
    n: usize,
    pairs: &[KeyedPair],
    group: &(dyn Fn(&KeyedPair) -> usize + Sync),
    key: &(dyn Fn(&KeyedPair) -> (f64, u32) + Sync),
) -> (Vec<usize>, Vec<usize>, Vec<u32>) {
    let start = offsets(n, pairs.iter().map(group));
    let mut cursor = start.clone();
    let mut order = vec![0usize; pairs.len()];
    for (i, t) in pairs.iter().enumerate() {
        let g = group(t);
        order[cursor[g]] = i;
        cursor[g] += 1;
    }
    drop(cursor);
    let mut ranks = vec![0u32; pairs.len()];
    segments(&mut order, &start).into_par_iter().zip(segments(&mut ranks, &start)).with_min_len(16).for_each_init(
        Vec::new,
        |buf: &mut Vec<(u64, u32, usize)>, (seg, seg_ranks)| {
            buf.clear();
            buf.extend(seg.iter().map(|&i| {
                let (k, tie) = key(&pairs[i]);
                // -0.0 and 0.0 are equal keys: one bit pattern for both.
                (desc_bits(if k == 0.0 { 0.0 } else { k }), tie, i)
            }));
            rank_segment(buf, &mut |pos, i, r| {
                seg[pos] = i;
                seg_ranks[pos] = r;
            });
        },
    );
    (start, order, ranks)
}

impl Market {
    /// Builds a market from edges whose ranks are already set. Edges may come in any order.
    ///
    /// Fails when an edge names an unknown project or partner, appears twice, or has a score or
    /// hours that are not finite.
    pub fn new(projects: Vec<MarketProject>, partners: Vec<MarketPartner>, edges: Vec<Edge>) -> Result<Market> {
        Self::check_edges(&projects, &partners, &edges)?;
        let project_order = id_order(&projects.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
        let partner_order = id_order(&partners.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
        Self::assemble(projects, partners, edges, project_order, partner_order, None)
    }

    fn check_edges(projects: &[MarketProject], partners: &[MarketPartner], edges: &[Edge]) -> Result<()> {
        for e in edges {
            if e.project >= projects.len() || e.partner >= partners.len() {
                return Err(Error::Unsupported(format!(
                    "edge ({}, {}) names an unknown project or partner",
                    e.project, e.partner
                )));
            }
            if !e.score.is_finite() || !e.hours.is_finite() || e.hours < 0.0 {
                return Err(Error::Unsupported(format!(
                    "pair {}–{}: score and hours must be finite (hours >= 0)",
                    projects[e.project].id, partners[e.partner].id
                )));
            }
        }
        Ok(())
    }

    /// Orders checked edges by project, rank and partner id, indexes them by partner (by rank, then
    /// project id) and refuses a repeated pair. `partner_index`, when given, is that partner index
    /// already: `(start, edge indices)`.
    fn assemble(
        projects: Vec<MarketProject>,
        partners: Vec<MarketPartner>,
        mut edges: Vec<Edge>,
        project_order: Vec<u32>,
        partner_order: Vec<u32>,
        partner_index: Option<(Vec<usize>, Vec<usize>)>,
    ) -> Result<Market> {
        let project_start = offsets(projects.len(), edges.iter().map(|e| e.project));
        if !edges.is_sorted_by_key(|e| e.project) {
            edges = group_by_project(edges, &project_start);
        }
        let pkey = |e: &Edge| (u64::from(e.project_rank) << 32) | u64::from(partner_order[e.partner]);
        let by_rank = |seg: &mut [Edge]| {
            if !seg.windows(2).all(|w| pkey(&w[0]) < pkey(&w[1])) {
                seg.sort_unstable_by_key(pkey);
            }
        };
        if parallel(edges.len()) {
            segments(&mut edges, &project_start).into_par_iter().with_min_len(256).for_each(by_rank);
        } else {
            segments(&mut edges, &project_start).into_iter().for_each(by_rank);
        }
        if let Some(err) = repeated_pair(&projects, &partners, &edges, &project_start) {
            return Err(err);
        }
        let (partner_start, partner_list) = match partner_index {
            Some(index) => index,
            None => {
                let start = offsets(partners.len(), edges.iter().map(|e| e.partner));
                let mut cursor = start.clone();
                let mut list = vec![0usize; edges.len()];
                for (i, e) in edges.iter().enumerate() {
                    list[cursor[e.partner]] = i;
                    cursor[e.partner] += 1;
                }
                let qkey =
                    |i: usize| (u64::from(edges[i].partner_rank) << 32) | u64::from(project_order[edges[i].project]);
                let by_rank = |buf: &mut Vec<(u64, usize)>, seg: &mut [usize]| {
                    if seg.windows(2).all(|w| qkey(w[0]) < qkey(w[1])) {
                        return;
                    }
                    buf.clear();
                    buf.extend(seg.iter().map(|&i| (qkey(i), i)));
                    buf.sort_unstable();
                    for (slot, &(_, i)) in seg.iter_mut().zip(buf.iter()) {
                        *slot = i;
                    }
                };
                if parallel(edges.len()) {
                    segments(&mut list, &start).into_par_iter().with_min_len(64).for_each_init(Vec::new, by_rank);
                } else {
                    let mut buf = Vec::new();
                    segments(&mut list, &start).into_iter().for_each(|seg| by_rank(&mut buf, seg));
                }
                (start, list)
            }
        };
        let n = projects.len();
        Ok(Market {
            projects,
            partners,
            edges,
            project_start,
            partner_start,
            partner_list,
            project_order,
            partner_order,
            no_edge_reasons: vec![None; n],
        })
    }

    /// The sub-market of the edges `keep(edge index)` accepts, with `partners` in place of this market's
    /// (the same partners, e.g. with less capacity left): what [`Market::new`] would build from them,
    /// without sorting again, as a subsequence keeps every order.
    pub(crate) fn restrict(&self, partners: Vec<MarketPartner>, keep: &dyn Fn(usize) -> bool) -> Market {
        assert_eq!(partners.len(), self.partners.len(), "the same partners");
        let mut index = vec![usize::MAX; self.edges.len()];
        let mut edges = Vec::new();
        let mut project_start = Vec::with_capacity(self.projects.len() + 1);
        project_start.push(0);
        for p in 0..self.projects.len() {
            for e in self.project_edge_range(p) {
                if keep(e) {
                    index[e] = edges.len();
                    edges.push(self.edges[e]);
                }
            }
            project_start.push(edges.len());
        }
        let mut partner_start = Vec::with_capacity(partners.len() + 1);
        let mut partner_list = Vec::with_capacity(edges.len());
        partner_start.push(0);
        for q in 0..partners.len() {
            partner_list.extend(self.partner_edges(q).iter().map(|&e| index[e]).filter(|&i| i != usize::MAX));
            partner_start.push(partner_list.len());
        }
        Market {
            projects: self.projects.clone(),
            partners,
            edges,
            project_start,
            partner_start,
            partner_list,
            project_order: self.project_order.clone(),
            partner_order: self.partner_order.clone(),
            no_edge_reasons: vec![None; self.projects.len()],
        }
    }

    /// Builds a market from scored pairs `(project, partner, score, hours)`; each side ranks the other
    /// by score (higher is better, equal scores tie).
    pub fn from_scores(
        projects: Vec<MarketProject>,
        partners: Vec<MarketPartner>,
        pairs: &[(usize, usize, f64, f64)],
    ) -> Result<Market> {
        let edges = pairs
            .iter()
            .map(|&(project, partner, score, hours)| Edge {
                project,
                partner,
                score,
                hours,
                project_rank: 0,
                partner_rank: 0,
            })
            .collect();
        Self::from_score_edges(projects, partners, edges)
    }

    /// [`Market::from_scores`] of pairs given as edges in any order (their ranks are set here): the
    /// market [`Market::from_keyed`] builds with both keys the score, without its copies. Each
    /// project's edges are sorted by one packed integer key (score, partner id, position), each
    /// partner's by (score, project id, position), and the partners' ranks are written back.
    pub(crate) fn from_score_edges(
        projects: Vec<MarketProject>,
        partners: Vec<MarketPartner>,
        mut edges: Vec<Edge>,
    ) -> Result<Market> {
        let (np, nq) = (projects.len(), partners.len());
        let project_order = id_order(&projects.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
        let partner_order = id_order(&partners.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
        let par = parallel(edges.len());
        // One pass, in pieces on the threads (cut where the project changes): each side's counts,
        // the first invalid edge, whether the edges come grouped by project (as files give them)
        // and, while they do, whether a project names a partner twice.
        let pieces = if par { rayon::current_num_threads().clamp(1, 8) } else { 1 };
        let mut cuts = vec![0];
        for k in 1..pieces {
            let mut at = (edges.len() * k / pieces).max(cuts[k - 1]);
            while at > 0 && at < edges.len() && edges[at].project == edges[at - 1].project {
                at += 1;
            }
            cuts.push(at);
        }
        cuts.push(edges.len());
        let scan = |w: &[usize]| {
            let mut scan = Scan::new(np, nq);
            for (i, e) in edges[w[0]..w[1]].iter().enumerate() {
                if e.project >= np || e.partner >= nq || !e.score.is_finite() || !e.hours.is_finite() || e.hours < 0.0 {
                    scan.bad = Some(w[0] + i);
                    break;
                }
                scan.add(e);
            }
            scan
        };
        let scans: Vec<Scan> =
            if par { cuts.par_windows(2).map(scan).collect() } else { cuts.windows(2).map(scan).collect() };
        if let Some(e) = scans.iter().find_map(|s| s.bad).map(|i| &edges[i]) {
            return Err(Error::Unsupported(if e.project >= np || e.partner >= nq {
                format!("pair ({}, {}) names an unknown project or partner", e.project, e.partner)
            } else {
                format!(
                    "pair {}–{}: score and hours must be finite (hours >= 0)",
                    projects[e.project].id, partners[e.partner].id
                )
            }));
        }
        // Grouped: each piece is, and each non-empty piece starts at or after the previous one's end.
        let ends: Vec<(usize, usize)> = scans.iter().filter_map(|s| s.first.map(|f| (f, s.last))).collect();
        let grouped = scans.iter().all(|s| s.grouped) && ends.windows(2).all(|w| w[0].1 <= w[1].0);
        let repeated = scans.iter().any(|s| s.repeated);
        let (mut project_start, mut partner_start) = (vec![0usize; np + 1], vec![0usize; nq + 1]);
        for s in &scans {
            for (total, n) in project_start[1..].iter_mut().zip(&s.projects) {
                *total += n;
            }
            for (total, n) in partner_start[1..].iter_mut().zip(&s.partners) {
                *total += n;
            }
        }
        for start in [&mut project_start, &mut partner_start] {
            for i in 1..start.len() {
                start[i] += start[i - 1];
            }
        }
        if !grouped {
            edges = group_by_project(edges, &project_start);
        }
        if repeated || !grouped {
            if let Some(err) = repeated_pair(&projects, &partners, &edges, &project_start) {
                return Err(err);
            }
        }

        // Each project's partners: best score first, then partner id (a project names a partner once,
        // so a segment is shorter than 2^32 and its positions fit the key's low bits).
        let by_project = |(keys, copy): &mut (Vec<u128>, Vec<Edge>), seg: &mut [Edge]| {
            keys.clear();
            keys.extend(seg.iter().enumerate().map(|(i, e)| score_key(e.score, partner_order[e.partner], i)));
            sort_by_score_keys(keys, seg, copy);
            competition_ranks(keys, |pos, r| seg[pos].project_rank = r);
        };
        let segs = segments(&mut edges, &project_start);
        if par {
            segs.into_par_iter().with_min_len(16).for_each_init(Default::default, by_project);
        } else {
            let mut scratch = Default::default();
            segs.into_iter().for_each(|seg| by_project(&mut scratch, seg));
        }

        // Each partner's projects: best score first, then project id. The keys are written as the
        // edges are handed out to their partners (one pass in edge order), so the sorts read no edge.
        let mut partner_list = vec![0usize; edges.len()];
        let mut keys = vec![0u128; edges.len()];
        // Edges handed out to their partners piece by piece on the threads: pieces of whole projects
        // (the scan's pieces when the edges came grouped), each partner's slots cut into one run per
        // piece, in piece order, so each piece writes its own runs.
        let pieces: Vec<HandOutPiece> = if grouped {
            cuts.windows(2).zip(scans).map(|(w, s)| (w[0]..w[1], s.partners)).collect()
        } else {
            drop(scans);
            let mut cuts = vec![0];
            for k in 1..pieces {
                let p = project_start.partition_point(|&at| at < edges.len() * k / pieces).min(np);
                cuts.push(project_start[p].max(cuts[k - 1]));
            }
            cuts.push(edges.len());
            let count = |w: &[usize]| {
                let mut n = vec![0usize; nq];
                edges[w[0]..w[1]].iter().for_each(|e| n[e.partner] += 1);
                (w[0]..w[1], n)
            };
            if par { cuts.par_windows(2).map(count).collect() } else { cuts.windows(2).map(count).collect() }
        };
        let mut runs: Vec<Runs<'_>> = (0..pieces.len())
            .map(|_| (Vec::with_capacity(nq), Vec::with_capacity(nq), Vec::with_capacity(nq)))
            .collect();
        let (mut list_rest, mut keys_rest) = (&mut partner_list[..], &mut keys[..]);
        for q in 0..nq {
            let mut before = 0;
            for (k, (_, counts)) in pieces.iter().enumerate() {
                let (list, rest) = list_rest.split_at_mut(counts[q]);
                let (key, rest_keys) = keys_rest.split_at_mut(counts[q]);
                (list_rest, keys_rest) = (rest, rest_keys);
                runs[k].0.push(list);
                runs[k].1.push(key);
                runs[k].2.push(before);
                before += counts[q];
            }
        }
        let hand_out = |((range, _), (mut lists, mut keys, before)): (HandOutPiece, Runs<'_>)| {
            let mut filled = vec![0usize; nq];
            for (i, e) in edges[range.clone()].iter().enumerate() {
                let (q, j) = (e.partner, filled[e.partner]);
                lists[q][j] = range.start + i;
                keys[q][j] = score_key(e.score, project_order[e.project], before[q] + j);
                filled[q] += 1;
            }
        };
        if par {
            pieces.into_par_iter().zip(runs).for_each(hand_out);
        } else {
            pieces.into_iter().zip(runs).for_each(hand_out);
        }
        let mut partner_ranks = vec![0u32; edges.len()];
        let by_partner = |copy: &mut Vec<usize>, ((seg, keys), ranks): ((&mut [usize], &mut [u128]), &mut [u32])| {
            sort_by_score_keys(keys, seg, copy);
            competition_ranks(keys, |pos, r| ranks[pos] = r);
        };
        let segs = segments(&mut partner_list, &partner_start)
            .into_iter()
            .zip(segments(&mut keys, &partner_start))
            .zip(segments(&mut partner_ranks, &partner_start));
        if par {
            segs.collect::<Vec<_>>().into_par_iter().with_min_len(16).for_each_init(Vec::new, by_partner);
        } else {
            let mut copy = Vec::new();
            segs.for_each(|seg| by_partner(&mut copy, seg));
        }
        drop(keys);
        // The partners' ranks back on the edges: each thread writes its own range of edges.
        let ranges = if par { rayon::current_num_threads().clamp(1, 4) } else { 1 };
        let edges_per_range = edges.len().div_ceil(ranges).max(1);
        let write_back = |(k, chunk): (usize, &mut [Edge])| {
            let base = k * edges_per_range;
            for (&i, &r) in partner_list.iter().zip(&partner_ranks) {
                if let Some(e) = i.checked_sub(base).and_then(|i| chunk.get_mut(i)) {
                    e.partner_rank = r;
                }
            }
        };
        if par {
            edges.par_chunks_mut(edges_per_range).enumerate().for_each(write_back);
        } else {
            edges.chunks_mut(edges_per_range).enumerate().for_each(write_back);
        }
        drop(partner_ranks);
        Ok(Market {
            projects,
            partners,
            edges,
            project_start,
            partner_start,
            partner_list,
            project_order,
            partner_order,
            no_edge_reasons: vec![None; np],
        })
    }

    /// Builds a market from pairs `(project, partner, score, hours, project_key, partner_key)`: the project
    /// ranks partners by `project_key`, the partner ranks projects by `partner_key` (higher is better).
    pub fn from_keyed(
        projects: Vec<MarketProject>,
        partners: Vec<MarketPartner>,
        pairs: Vec<KeyedPair>,
    ) -> Result<Market> {
        for t in &pairs {
            if t.0 >= projects.len() || t.1 >= partners.len() {
                return Err(Error::Unsupported(format!("pair ({}, {}) names an unknown project or partner", t.0, t.1)));
            }
            if !t.4.is_finite() || !t.5.is_finite() {
                return Err(Error::Unsupported(format!(
                    "pair {}–{}: preference keys must be finite",
                    projects[t.0].id, partners[t.1].id
                )));
            }
        }
        for t in &pairs {
            if !t.2.is_finite() || !t.3.is_finite() || t.3 < 0.0 {
                return Err(Error::Unsupported(format!(
                    "pair {}–{}: score and hours must be finite (hours >= 0)",
                    projects[t.0].id, partners[t.1].id
                )));
            }
        }
        let project_order = id_order(&projects.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
        let partner_order = id_order(&partners.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
        // Each side in one sort: by key (best first), then the other side's id. Equal keys tie.
        let (pstart, by_project, prank) = rank_groups(projects.len(), &pairs, &|t| t.0, &|t| (t.4, partner_order[t.1]));
        let (qstart, by_partner, qrank_at) =
            rank_groups(partners.len(), &pairs, &|t| t.1, &|t| (t.5, project_order[t.0]));
        drop(pstart);
        let mut qrank = vec![0u32; pairs.len()];
        for (&i, &r) in by_partner.iter().zip(&qrank_at) {
            qrank[i] = r;
        }
        drop(qrank_at);
        let mut position = vec![0usize; pairs.len()];
        let edges: Vec<Edge> = by_project
            .iter()
            .zip(&prank)
            .enumerate()
            .map(|(pos, (&i, &r))| {
                position[i] = pos;
                let t = &pairs[i];
                Edge { project: t.0, partner: t.1, score: t.2, hours: t.3, project_rank: r, partner_rank: qrank[i] }
            })
            .collect();
        let partner_list = by_partner.into_iter().map(|i| position[i]).collect();
        Self::assemble(projects, partners, edges, project_order, partner_order, Some((qstart, partner_list)))
    }

    /// Builds a market from preference lists: `project_prefs[p]` lists `(partner, rank)` and
    /// `partner_prefs[q]` lists `(project, rank)` (rank 1 best, equal ranks tie). A pair is feasible
    /// when both sides list each other, or when one side lists the other and the other side gave no
    /// list at all (it is then indifferent: rank 1 for all). The score of a pair, for the strategies
    /// that need one, is `1 - ((rp - 1) / Lp + (rq - 1) / Lq) / 2` where `L` is the length of the list.
    pub fn from_preferences(
        projects: Vec<MarketProject>,
        partners: Vec<MarketPartner>,
        project_prefs: &[Vec<(usize, u32)>],
        partner_prefs: &[Vec<(usize, u32)>],
    ) -> Result<Market> {
        let (np, nq) = (project_prefs.len(), partner_prefs.len());
        // The partners' ranks grouped by the project ranked, in partner order (a later entry of the
        // same pair overrides an earlier one).
        let rank_start = offsets(np, partner_prefs.iter().flatten().map(|&(p, _)| p).filter(|&p| p < np));
        let mut cursor = rank_start.clone();
        let mut ranked_by = vec![(0usize, 0u32); rank_start[np]];
        for (q, list) in partner_prefs.iter().enumerate() {
            for &(p, r) in list {
                if p < np {
                    ranked_by[cursor[p]] = (q, r);
                    cursor[p] += 1;
                }
            }
        }
        drop(cursor);
        let plen = |p: usize| project_prefs.get(p).map_or(0, Vec::len).max(1) as f64;
        let qlen = |q: usize| partner_prefs.get(q).map_or(0, Vec::len).max(1) as f64;
        let mut edges = Vec::with_capacity(project_prefs.iter().map(Vec::len).sum());
        // `mark[q] == p` when partner q ranks project p, at rank `rank_of[q]`.
        let mut mark = vec![usize::MAX; nq];
        let mut rank_of = vec![0u32; nq];
        for (p, list) in project_prefs.iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            for &(q, r) in &ranked_by[rank_start[p]..rank_start[p + 1]] {
                mark[q] = p;
                rank_of[q] = r;
            }
            for &(q, rp) in list {
                let rq = if q < nq && mark[q] == p {
                    rank_of[q]
                } else if partner_prefs.get(q).is_none_or(Vec::is_empty) {
                    1
                } else {
                    continue;
                };
                let score = 1.0 - ((f64::from(rp) - 1.0) / plen(p) + (f64::from(rq) - 1.0) / qlen(q)) / 2.0;
                edges.push(Edge { project: p, partner: q, score, hours: 0.0, project_rank: rp, partner_rank: rq });
            }
        }
        drop((ranked_by, rank_start, mark, rank_of));
        for (q, list) in partner_prefs.iter().enumerate() {
            for &(p, rq) in list {
                // A project with a list of its own had its pairs above.
                if !project_prefs.get(p).is_none_or(Vec::is_empty) {
                    continue;
                }
                let score = 1.0 - (f64::from(rq) - 1.0) / qlen(q) / 2.0;
                edges.push(Edge { project: p, partner: q, score, hours: 0.0, project_rank: 1, partner_rank: rq });
            }
        }
        Market::new(projects, partners, edges)
    }

    /// [`Market::from_preferences`] of lists in compressed form, for millions of entries: the same
    /// market, built without sorting what is in order already (lists by rank, as files give them).
    /// No list may name an item twice (a caller's check: [`PreferenceLists::repeats`]).
    pub(crate) fn from_preference_lists(
        projects: Vec<MarketProject>,
        partners: Vec<MarketPartner>,
        project_lists: &PreferenceLists,
        partner_lists: &PreferenceLists,
    ) -> Result<Market> {
        let (np, nq) = (projects.len(), partners.len());
        if project_lists.len() != np
            || partner_lists.len() != nq
            || !project_lists.valid(nq)
            || !partner_lists.valid(np)
            || project_lists.repeats(nq)
            || partner_lists.repeats(np)
        {
            return Err(Error::Unsupported("preference lists do not fit the projects and partners".into()));
        }
        let project_order = id_order(&projects.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
        let partner_order = id_order(&partners.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
        let (plists, qlists) = (project_lists, partner_lists);
        // Who ranks each project, in partner order: (partner, rank, the entry's position in the partner lists).
        let rank_start = offsets(np, (0..nq).flat_map(|q| qlists.list(q).iter().map(|&(p, _)| p as usize)));
        let mut cursor = rank_start.clone();
        let mut ranked_by = vec![(0u32, 0u32, 0usize); rank_start[np]];
        for q in 0..nq {
            for k in qlists.range(q) {
                let p = qlists.items[k].0 as usize;
                ranked_by[cursor[p]] = (q as u32, qlists.items[k].1, k);
                cursor[p] += 1;
            }
        }
        drop(cursor);
        let plen = |p: usize| plists.range(p).len().max(1) as f64;
        let qlen = |q: usize| qlists.range(q).len().max(1) as f64;
        let mut edges: Vec<Edge> = Vec::with_capacity(plists.items.len());
        // The edge each entry of the partner lists became (`usize::MAX`: none).
        let mut edge_of_entry = vec![usize::MAX; qlists.items.len()];
        // The edges of partners without a list (then indifferent: rank 1 for all), in edge order.
        let mut silent: Vec<usize> = Vec::new();
        // `mark[q] == p` when partner q ranks project p, at `rank_of[q]` (rank, entry).
        let mut mark = vec![usize::MAX; nq];
        let mut rank_of = vec![(0u32, 0usize); nq];
        let mut buf: Vec<(u64, Edge, usize)> = Vec::new();
        let pkey = |rank: u32, q: usize| (u64::from(rank) << 32) | u64::from(partner_order[q]);
        for p in 0..np {
            buf.clear();
            let by = &ranked_by[rank_start[p]..rank_start[p + 1]];
            if plists.range(p).is_empty() {
                // No list of its own: the pairs of the partners that rank it.
                for &(q, rq, k) in by {
                    let q = q as usize;
                    let score = 1.0 - (f64::from(rq) - 1.0) / qlen(q) / 2.0;
                    let edge = Edge { project: p, partner: q, score, hours: 0.0, project_rank: 1, partner_rank: rq };
                    buf.push((pkey(1, q), edge, k));
                }
            } else {
                for &(q, r, k) in by {
                    mark[q as usize] = p;
                    rank_of[q as usize] = (r, k);
                }
                for &(q, rp) in plists.list(p) {
                    let q = q as usize;
                    let (rq, k) = if mark[q] == p {
                        rank_of[q]
                    } else if qlists.range(q).is_empty() {
                        (1, usize::MAX)
                    } else {
                        continue;
                    };
                    let score = 1.0 - ((f64::from(rp) - 1.0) / plen(p) + (f64::from(rq) - 1.0) / qlen(q)) / 2.0;
                    let edge = Edge { project: p, partner: q, score, hours: 0.0, project_rank: rp, partner_rank: rq };
                    buf.push((pkey(rp, q), edge, k));
                }
            }
            if !buf.is_sorted_by_key(|t| t.0) {
                buf.sort_unstable_by_key(|t| t.0);
            }
            for &(_, edge, k) in &buf {
                if k == usize::MAX {
                    silent.push(edges.len());
                } else {
                    edge_of_entry[k] = edges.len();
                }
                edges.push(edge);
            }
        }
        drop((ranked_by, rank_start, mark, rank_of, buf));
        // Each partner's edges by rank, then project id: the order of its list, unless ranks tie.
        let partner_start = offsets(nq, edges.iter().map(|e| e.partner));
        let mut partner_list = vec![0usize; edges.len()];
        {
            let mut cursor = partner_start.clone();
            for &e in &silent {
                let q = edges[e].partner;
                partner_list[cursor[q]] = e;
                cursor[q] += 1;
            }
        }
        let qkey = |rank: u32, p: usize| (u64::from(rank) << 32) | u64::from(project_order[p]);
        let by_rank = |keyed: &mut Vec<(u64, usize)>, (q, seg): (usize, &mut [usize])| {
            keyed.clear();
            if qlists.range(q).is_empty() {
                keyed.extend(seg.iter().map(|&e| (qkey(edges[e].partner_rank, edges[e].project), e)));
            } else {
                for k in qlists.range(q) {
                    let e = edge_of_entry[k];
                    if e != usize::MAX {
                        let (p, rank) = qlists.items[k];
                        keyed.push((qkey(rank, p as usize), e));
                    }
                }
            }
            if !keyed.is_sorted_by_key(|t| t.0) {
                keyed.sort_unstable_by_key(|t| t.0);
            }
            for (slot, &(_, e)) in seg.iter_mut().zip(keyed.iter()) {
                *slot = e;
            }
        };
        let segs = segments(&mut partner_list, &partner_start);
        if parallel(edges.len()) {
            segs.into_par_iter().enumerate().with_min_len(64).for_each_init(Vec::new, by_rank);
        } else {
            let mut keyed = Vec::new();
            segs.into_iter().enumerate().for_each(|item| by_rank(&mut keyed, item));
        }
        drop(edge_of_entry);
        Self::assemble(projects, partners, edges, project_order, partner_order, Some((partner_start, partner_list)))
    }

    /// Builds the market of a scored term: every feasible pair, score = mutual, hours = the project's
    /// mentor hours; the project ranks partners by fit, the partner ranks projects by appeal. Projects
    /// without a feasible partner carry the reasons in [`Market::no_edge_reasons`].
    pub fn from_scorer(scorer: &Scorer<'_>) -> Market {
        Self::from_scorer_keyed(scorer, &|_, _, s| (s.fit, s.appeal))
    }

    /// Like [`Market::from_scorer`], with each side's preference key chosen by `key(project,
    /// partner, score)` as `(project_key, partner_key)` — for example fit and appeal plus noise, to
    /// model the preferences people actually state. The pair's score stays the mutual score. `key`
    /// must be deterministic in its arguments for the market to be.
    pub fn from_scorer_keyed(
        scorer: &Scorer<'_>,
        key: &(dyn Fn(usize, usize, &crate::score::PairScore) -> (f64, f64) + Sync),
    ) -> Market {
        let term = scorer.term();
        let rows: Vec<(Vec<KeyedPair>, Option<String>)> = (0..term.projects.len())
            .into_par_iter()
            .map(|p| {
                let mut pairs = Vec::new();
                let mut excluded = [0usize; 16];
                for q in 0..term.partners.len() {
                    let s = scorer.score(p, q);
                    if s.feasible() {
                        let (pk, qk) = key(p, q, &s);
                        pairs.push((p, q, s.mutual, term.projects[p].mentor_hours, pk, qk));
                    } else {
                        for (i, e) in Exclusion::all().enumerate() {
                            excluded[i] += usize::from(s.excluded.contains(e));
                        }
                    }
                }
                let reason = pairs.is_empty().then(|| {
                    let mut why: Vec<(Exclusion, usize)> =
                        Exclusion::all().zip(excluded).filter(|(_, n)| *n > 0).collect();
                    why.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                    if why.is_empty() {
                        "no partners to consider".to_owned()
                    } else {
                        let list: Vec<String> = why.iter().map(|(e, n)| format!("{} ({n})", e.as_str())).collect();
                        format!("no feasible partner among {}: excluded by {}", term.partners.len(), list.join(", "))
                    }
                });
                (pairs, reason)
            })
            .collect();
        let projects = term
            .projects
            .iter()
            .map(|p| MarketProject { id: p.id.clone(), institution: p.institution.clone() })
            .collect();
        let partners = term
            .partners
            .iter()
            .map(|q| MarketPartner {
                id: q.id.clone(),
                capacity: q.capacity,
                budget: Some(q.mentor_hours),
                active: q.status == PartnerStatus::Active,
                sector: q.industries.first().map(|c| c.sector().to_owned()),
            })
            .collect();
        let mut reasons = Vec::with_capacity(rows.len());
        let mut pairs = Vec::new();
        for (r, why) in rows {
            pairs.extend(r);
            reasons.push(why);
        }
        let mut market = Market::from_keyed(projects, partners, pairs).expect("scorer pairs are valid");
        market.no_edge_reasons = reasons;
        market
    }

    /// All edges, grouped by project.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The edges of project `p`, best rank first (ties by partner id).
    pub fn project_edges(&self, p: usize) -> &[Edge] {
        &self.edges[self.project_start[p]..self.project_start[p + 1]]
    }

    /// The index range of project `p`'s edges in [`Market::edges`].
    pub fn project_edge_range(&self, p: usize) -> std::ops::Range<usize> {
        self.project_start[p]..self.project_start[p + 1]
    }

    /// Indices of partner `q`'s edges, best rank first (ties by project id).
    pub fn partner_edges(&self, q: usize) -> &[usize] {
        &self.partner_list[self.partner_start[q]..self.partner_start[q + 1]]
    }

    /// The edge index of the pair, if feasible.
    pub fn edge_index(&self, project: usize, partner: usize) -> Option<usize> {
        self.project_edge_range(project).find(|&i| self.edges[i].partner == partner)
    }

    /// Position of project `p`'s id in ascending id order (for deterministic tie-breaking).
    pub fn project_order(&self, p: usize) -> u32 {
        self.project_order[p]
    }

    /// Position of partner `q`'s id in ascending id order (for deterministic tie-breaking).
    pub fn partner_order(&self, q: usize) -> u32 {
        self.partner_order[q]
    }

    /// Index of the project with this id.
    pub fn project_index(&self, id: &str) -> Option<usize> {
        self.projects.iter().position(|p| p.id == id)
    }

    /// Index of the partner with this id.
    pub fn partner_index(&self, id: &str) -> Option<usize> {
        self.partners.iter().position(|p| p.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restrict_builds_what_new_builds() {
        let projects: Vec<MarketProject> =
            ["b", "a", "c"].iter().map(|id| MarketProject { id: (*id).into(), institution: String::new() }).collect();
        let partners: Vec<MarketPartner> = ["y", "x"]
            .iter()
            .map(|id| MarketPartner { id: (*id).into(), capacity: 2, budget: None, active: true, sector: None })
            .collect();
        let mut pairs = Vec::new();
        for p in 0..3 {
            for q in 0..2 {
                pairs.push((p, q, ((p * 7 + q * 3) % 4) as f64 / 4.0, 1.0));
            }
        }
        let market = Market::from_scores(projects.clone(), partners.clone(), &pairs).unwrap();
        let keep = |e: usize| e % 3 != 1;
        let kept: Vec<Edge> = (0..market.edges().len()).filter(|&e| keep(e)).map(|e| market.edges()[e]).collect();
        let mut fewer = partners.clone();
        fewer[0].capacity = 1;
        let expected = Market::new(projects, fewer.clone(), kept).unwrap();
        assert_eq!(market.restrict(fewer, &keep), expected);
    }

    #[test]
    fn compressed_preference_lists_build_the_same_market() {
        // A small generator (deterministic): ties, silent sides, lists out of rank order.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) % n) as usize
        };
        for round in 0..40 {
            let (np, nq) = (1 + next(60), 1 + next(12));
            let projects: Vec<MarketProject> = (0..np)
                .map(|i| MarketProject { id: format!("p{}", (i * 7 + round) % np), institution: String::new() })
                .map(|mut p| {
                    p.id.push_str(&"x".repeat(next(3)));
                    p
                })
                .collect();
            let partners: Vec<MarketPartner> = (0..nq)
                .map(|i| MarketPartner {
                    id: format!("q{}", nq - i),
                    capacity: 2,
                    budget: None,
                    active: true,
                    sector: None,
                })
                .collect();
            let mut pp: Vec<Vec<(usize, u32)>> = vec![Vec::new(); np];
            let mut qp: Vec<Vec<(usize, u32)>> = vec![Vec::new(); nq];
            for (p, list) in pp.iter_mut().enumerate() {
                if next(5) == 0 {
                    continue;
                }
                for q in 0..nq {
                    if next(3) == 0 {
                        list.push((q, 1 + next(4) as u32));
                    }
                }
                if next(2) == 0 {
                    list.sort_by_key(|&(q, r)| (r, q, p));
                }
            }
            for list in &mut qp {
                if next(4) == 0 {
                    continue;
                }
                for p in 0..np {
                    if next(2) == 0 {
                        list.push((p, 1 + next(6) as u32));
                    }
                }
            }
            let want = Market::from_preferences(projects.clone(), partners.clone(), &pp, &qp).unwrap();
            let compress = |lists: &[Vec<(usize, u32)>]| {
                let mut c = PreferenceLists::with_lengths(&lists.iter().map(Vec::len).collect::<Vec<_>>());
                for (i, list) in lists.iter().enumerate() {
                    for &(x, r) in list {
                        c.push(i, x as u32, r);
                    }
                }
                c
            };
            // The same lists in runs: each list in one piece, or in two pieces far apart.
            let runs = |lists: &[Vec<(usize, u32)>], pieces: bool| {
                let (mut items, mut runs) = (Vec::new(), Vec::new());
                for half in 0..2 {
                    for (i, list) in lists.iter().enumerate() {
                        let cut = if pieces { list.len() / 2 } else { list.len() };
                        let part = if half == 0 { &list[..cut] } else { &list[cut..] };
                        if !part.is_empty() {
                            runs.push((i as u32, items.len()));
                            items.extend(part.iter().map(|&(x, r)| (x as u32, r)));
                        }
                    }
                }
                PreferenceLists::from_runs(lists.len(), items, &runs)
            };
            for pieces in [false, true] {
                let (pr, qr) = (runs(&pp, pieces), runs(&qp, !pieces));
                let got = Market::from_preference_lists(projects.clone(), partners.clone(), &pr, &qr).unwrap();
                assert_eq!(got, want, "round {round}, in pieces {pieces}");
            }
            let got = Market::from_preference_lists(projects, partners, &compress(&pp), &compress(&qp)).unwrap();
            assert_eq!(got, want, "round {round}");
            assert_eq!(got.partner_list, want.partner_list);
            assert_eq!(got.partner_start, want.partner_start);
        }
    }

    #[test]
    fn score_markets_are_the_keyed_markets_of_their_scores() {
        // The packed-key builder against the general one: ties, -0.0 against 0.0, ids out of order,
        // pairs in file order or scattered, sparse and complete markets (the largest on the threads).
        let mut next = crate::matching::tests::xorshift(0x51ED_2701);
        let scores = [0.5, -0.0, 0.0, 0.25, -1.5, 1e-300, 0.75];
        for round in 0..60 {
            let (np, nq) = if round == 0 { (300, 250) } else { (1 + next(40) as usize, 1 + next(40) as usize) };
            let projects: Vec<MarketProject> = (0..np)
                .map(|i| MarketProject { id: format!("p{}", (i * 7919) % np), institution: String::new() })
                .collect();
            let partners: Vec<MarketPartner> = (0..nq)
                .map(|i| MarketPartner {
                    id: format!("q{:x}", (i * 104_729) % nq),
                    capacity: 1,
                    budget: None,
                    active: true,
                    sector: None,
                })
                .collect();
            let complete = round % 4 == 0;
            let mut pairs = Vec::new();
            for p in 0..np {
                for q in 0..nq {
                    if complete || next(3) == 0 {
                        let score = if next(2) == 0 { scores[next(7) as usize] } else { next(1000) as f64 / 999.0 };
                        pairs.push((p, q, score, next(5) as f64));
                    }
                }
            }
            if round % 3 == 1 {
                for i in (1..pairs.len()).rev() {
                    pairs.swap(i, next(i as u64 + 1) as usize);
                }
            }
            let keyed = |pairs: &[(usize, usize, f64, f64)]| {
                Market::from_keyed(
                    projects.clone(),
                    partners.clone(),
                    pairs.iter().map(|&(p, q, s, h)| (p, q, s, h, s, s)).collect(),
                )
            };
            let got = Market::from_scores(projects.clone(), partners.clone(), &pairs).expect("valid");
            assert_eq!(got, keyed(&pairs).expect("valid"), "round {round}");
            if let Some(&twice) = pairs.get(next(pairs.len() as u64 + 1) as usize) {
                pairs.push((twice.0, twice.1, 0.125, 0.0));
                let (a, b) = (Market::from_scores(projects.clone(), partners.clone(), &pairs), keyed(&pairs));
                assert_eq!(a.map_err(|e| e.to_string()), b.map_err(|e| e.to_string()), "round {round}");
            }
        }
    }

    #[test]
    fn score_markets_on_four_threads_in_any_order() {
        // The threaded paths of the packed-key builder (65,536 pairs and more), on four threads:
        // a long first project that leaves pieces empty, then projects of lower index (not grouped
        // by index), and a shuffled complete market.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().expect("a pool");
        let mut next = crate::matching::tests::xorshift(0xF0_0D);
        let market = |np: usize, nq: usize, pairs: &[(usize, usize, f64, f64)]| {
            let projects: Vec<MarketProject> =
                (0..np).map(|i| MarketProject { id: format!("p{i}"), institution: String::new() }).collect();
            let partners: Vec<MarketPartner> = (0..nq)
                .map(|i| MarketPartner { id: format!("q{i}"), capacity: 1, budget: None, active: true, sector: None })
                .collect();
            let keyed = pairs.iter().map(|&(p, q, s, h)| (p, q, s, h, s, s)).collect();
            let want = Market::from_keyed(projects.clone(), partners.clone(), keyed).expect("valid");
            let got = pool.install(|| Market::from_scores(projects, partners, pairs)).expect("valid");
            assert_eq!(got, want);
        };
        let mut long: Vec<(usize, usize, f64, f64)> =
            (0..70_000).map(|q| (2, q, next(100) as f64 / 7.0, 0.0)).collect();
        long.extend((0..5).map(|q| (0, q * 3, next(100) as f64, 1.0)));
        long.extend((0..5).map(|q| (1, q * 5, next(100) as f64, 2.0)));
        market(3, 70_000, &long);
        let mut shuffled: Vec<(usize, usize, f64, f64)> =
            (0..300 * 250).map(|i| (i / 250, i % 250, next(50) as f64 / 49.0, 0.0)).collect();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, next(i as u64 + 1) as usize);
        }
        market(300, 250, &shuffled);
    }

    #[test]
    fn ids_in_id_order() {
        let ids = ["b", "a", "abcdefghijklmnopq", "abcdefghijklmnop", "abcdefghijklmnop\0", "a\0", "", "a"];
        let mut by_text: Vec<usize> = (0..ids.len()).collect();
        by_text.sort_by(|&a, &b| ids[a].cmp(ids[b]).then(a.cmp(&b)));
        let order = id_order(&ids);
        for (r, &i) in by_text.iter().enumerate() {
            assert_eq!(order[i] as usize, r, "{:?}", ids[i]);
        }
    }

    #[test]
    fn competition_ranks() {
        assert_eq!(ranks_desc(&[0.5, 0.9, 0.5, 0.1]), vec![2, 1, 2, 4]);
    }

    #[test]
    fn preferences_need_both_sides_unless_one_is_silent() {
        let projects = (0..2).map(|i| MarketProject { id: format!("P{i}"), institution: String::new() }).collect();
        let partners = (0..2)
            .map(|i| MarketPartner { id: format!("Q{i}"), capacity: 1, budget: None, active: true, sector: None })
            .collect();
        // P0 lists Q0, Q1; P1 lists Q0. Q0 lists only P1; Q1 gives no list.
        let m = Market::from_preferences(
            projects,
            partners,
            &[vec![(0, 1), (1, 2)], vec![(0, 1)]],
            &[vec![(1, 1)], vec![]],
        )
        .unwrap();
        let pairs: Vec<(usize, usize)> = m.edges().iter().map(|e| (e.project, e.partner)).collect();
        assert_eq!(pairs, vec![(0, 1), (1, 0)]);
    }
}
