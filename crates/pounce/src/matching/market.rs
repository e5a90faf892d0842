//! The market a matching strategy works on: projects, partners with capacities and budgets, and the
//! feasible pairs (edges) with their score, mentor hours and each side's rank of the other.
//!
//! A market is built from a [`Scorer`] (every feasible pair; score = mutual, the project ranks partners
//! by fit and the partner ranks projects by appeal), from explicit scores ([`Market::from_scores`]),
//! or from preference lists ([`Market::from_preferences`]).

use std::collections::HashMap;

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
    /// For each partner, its edge indices by ascending partner rank, then project id.
    #[serde(skip)]
    partner_edges: Vec<Vec<usize>>,
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
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by(|&a, &b| ids[a].cmp(ids[b]).then(a.cmp(&b)));
    let mut rank = vec![0u32; ids.len()];
    for (r, i) in order.into_iter().enumerate() {
        rank[i] = r as u32;
    }
    rank
}

/// Competition ranks ("1224") of keys, best (highest) first.
fn ranks_desc(keys: &[f64]) -> Vec<u32> {
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    idx.sort_by(|&a, &b| keys[b].total_cmp(&keys[a]));
    let mut ranks = vec![0u32; keys.len()];
    for (pos, &i) in idx.iter().enumerate() {
        ranks[i] = if pos > 0 && keys[idx[pos - 1]] == keys[i] { ranks[idx[pos - 1]] } else { pos as u32 + 1 };
    }
    ranks
}

impl Market {
    /// Builds a market from edges whose ranks are already set. Edges may come in any order.
    ///
    /// Fails when an edge names an unknown project or partner, appears twice, or has a score or
    /// hours that are not finite.
    pub fn new(projects: Vec<MarketProject>, partners: Vec<MarketPartner>, mut edges: Vec<Edge>) -> Result<Market> {
        for e in &edges {
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
        let project_order = id_order(&projects.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
        let partner_order = id_order(&partners.iter().map(|p| p.id.as_str()).collect::<Vec<_>>());
        edges.sort_by(|a, b| {
            a.project
                .cmp(&b.project)
                .then(a.project_rank.cmp(&b.project_rank))
                .then(partner_order[a.partner].cmp(&partner_order[b.partner]))
        });
        for w in edges.windows(2) {
            if w[0].project == w[1].project && w[0].partner == w[1].partner {
                return Err(Error::Unsupported(format!(
                    "pair {}–{} is listed twice",
                    projects[w[0].project].id, partners[w[0].partner].id
                )));
            }
        }
        // A duplicate pair may hide behind a different rank: check per project by partner.
        let mut project_start = vec![0usize; projects.len() + 1];
        for e in &edges {
            project_start[e.project + 1] += 1;
        }
        for i in 0..projects.len() {
            project_start[i + 1] += project_start[i];
        }
        for p in 0..projects.len() {
            let mut qs: Vec<usize> = edges[project_start[p]..project_start[p + 1]].iter().map(|e| e.partner).collect();
            qs.sort_unstable();
            if let Some(w) = qs.windows(2).find(|w| w[0] == w[1]) {
                return Err(Error::Unsupported(format!(
                    "pair {}–{} is listed twice",
                    projects[p].id, partners[w[0]].id
                )));
            }
        }
        let mut partner_edges = vec![Vec::new(); partners.len()];
        for (i, e) in edges.iter().enumerate() {
            partner_edges[e.partner].push(i);
        }
        for list in &mut partner_edges {
            list.sort_by(|&a, &b| {
                edges[a]
                    .partner_rank
                    .cmp(&edges[b].partner_rank)
                    .then(project_order[edges[a].project].cmp(&project_order[edges[b].project]))
            });
        }
        let n = projects.len();
        Ok(Market {
            projects,
            partners,
            edges,
            project_start,
            partner_edges,
            project_order,
            partner_order,
            no_edge_reasons: vec![None; n],
        })
    }

    /// Builds a market from scored pairs `(project, partner, score, hours)`; each side ranks the other
    /// by score (higher is better, equal scores tie).
    pub fn from_scores(
        projects: Vec<MarketProject>,
        partners: Vec<MarketPartner>,
        pairs: &[(usize, usize, f64, f64)],
    ) -> Result<Market> {
        Self::from_keyed(projects, partners, pairs.iter().map(|&(p, q, s, h)| (p, q, s, h, s, s)).collect())
    }

    /// Builds a market from pairs `(project, partner, score, hours, project_key, partner_key)`: the project
    /// ranks partners by `project_key`, the partner ranks projects by `partner_key` (higher is better).
    pub fn from_keyed(
        projects: Vec<MarketProject>,
        partners: Vec<MarketPartner>,
        pairs: Vec<KeyedPair>,
    ) -> Result<Market> {
        let mut by_project: Vec<Vec<usize>> = vec![Vec::new(); projects.len()];
        let mut by_partner: Vec<Vec<usize>> = vec![Vec::new(); partners.len()];
        for (i, t) in pairs.iter().enumerate() {
            if t.0 >= projects.len() || t.1 >= partners.len() {
                return Err(Error::Unsupported(format!("pair ({}, {}) names an unknown project or partner", t.0, t.1)));
            }
            if !t.4.is_finite() || !t.5.is_finite() {
                return Err(Error::Unsupported(format!(
                    "pair {}–{}: preference keys must be finite",
                    projects[t.0].id, partners[t.1].id
                )));
            }
            by_project[t.0].push(i);
            by_partner[t.1].push(i);
        }
        let mut prank = vec![0u32; pairs.len()];
        let mut qrank = vec![0u32; pairs.len()];
        for list in &by_project {
            let keys: Vec<f64> = list.iter().map(|&i| pairs[i].4).collect();
            for (&i, r) in list.iter().zip(ranks_desc(&keys)) {
                prank[i] = r;
            }
        }
        for list in &by_partner {
            let keys: Vec<f64> = list.iter().map(|&i| pairs[i].5).collect();
            for (&i, r) in list.iter().zip(ranks_desc(&keys)) {
                qrank[i] = r;
            }
        }
        let edges = pairs
            .iter()
            .enumerate()
            .map(|(i, t)| Edge {
                project: t.0,
                partner: t.1,
                score: t.2,
                hours: t.3,
                project_rank: prank[i],
                partner_rank: qrank[i],
            })
            .collect();
        Market::new(projects, partners, edges)
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
        let mut qmap: HashMap<(usize, usize), u32> = HashMap::new();
        for (q, list) in partner_prefs.iter().enumerate() {
            for &(p, r) in list {
                qmap.insert((p, q), r);
            }
        }
        let plen = |p: usize| project_prefs.get(p).map_or(0, Vec::len).max(1) as f64;
        let qlen = |q: usize| partner_prefs.get(q).map_or(0, Vec::len).max(1) as f64;
        let mut edges = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (p, list) in project_prefs.iter().enumerate() {
            for &(q, rp) in list {
                let rq = match qmap.get(&(p, q)) {
                    Some(&r) => r,
                    None if partner_prefs.get(q).is_none_or(Vec::is_empty) => 1,
                    None => continue,
                };
                seen.insert((p, q));
                let score = 1.0 - ((f64::from(rp) - 1.0) / plen(p) + (f64::from(rq) - 1.0) / qlen(q)) / 2.0;
                edges.push(Edge { project: p, partner: q, score, hours: 0.0, project_rank: rp, partner_rank: rq });
            }
        }
        for (q, list) in partner_prefs.iter().enumerate() {
            for &(p, rq) in list {
                if seen.contains(&(p, q)) || !project_prefs.get(p).is_none_or(Vec::is_empty) {
                    continue;
                }
                let score = 1.0 - (f64::from(rq) - 1.0) / qlen(q) / 2.0;
                edges.push(Edge { project: p, partner: q, score, hours: 0.0, project_rank: 1, partner_rank: rq });
            }
        }
        Market::new(projects, partners, edges)
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
        &self.partner_edges[q]
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
