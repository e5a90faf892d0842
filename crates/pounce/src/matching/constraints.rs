//! Coordinator constraints: locked and forbidden pairs, a minimum score, at most N projects of one
//! institution with one partner, a diversity limit per industry sector, minimum quotas (retention of
//! active partners, matches per institution), and partners' mentor-hours budgets.
//!
//! | constraint | greedy | rank-sum | optimal | stable | rank-maximal |
//! |---|---|---|---|---|---|
//! | locked, forbidden pairs; minimum score | yes | yes | yes | yes | yes |
//! | at most N projects of one institution per partner | yes | yes | yes (MIP) | refuses | refuses |
//! | at most a share of projects per partner sector | yes | yes | yes (MIP) | refuses | refuses |
//! | mentor-hours budgets | yes | yes | yes (MIP) | refuses | refuses |
//! | retention: every active partner gets a project where feasible | refuses | refuses | yes (MIP) | refuses | refuses |
//! | every institution gets at least N matches | refuses | refuses | yes (MIP) | refuses | refuses |
//!
//! "yes" for greedy and rank-sum means the pair is skipped when taking it would break the limit.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{Assignment, Market};
use crate::error::{Error, Place, Problem, Problems, Result};

/// Constraints as a coordinator states them (ids, not indices). Also the `[constraints]` table of a
/// match configuration file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Constraints {
    /// Pairs agreed in advance: `(project id, partner id)`; always in the result.
    pub locked: Vec<(String, String)>,
    /// Pairs that must not be made.
    pub forbidden: Vec<(String, String)>,
    /// No pair scoring below this is made.
    pub min_score: Option<f64>,
    /// At most this many projects of one institution with one partner.
    pub max_per_institution: Option<u32>,
    /// At most this share (0 to 1] of the term's projects matched with partners of one sector.
    pub max_sector_share: Option<f64>,
    /// Every active partner with a feasible project gets at least one, as far as possible (the number
    /// of partners served is maximised first).
    pub retention: bool,
    /// Every institution gets at least this many matches (or all its projects, if fewer).
    pub institution_min: Option<u32>,
    /// The sum of the hours of a partner's projects stays within its budget.
    pub budgets: bool,
}

/// Which kinds of constraint a request uses (for [`super::Strategy::check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Uses {
    /// Locks, forbidden pairs or a minimum score.
    pub pair_rules: bool,
    /// At most N per institution and partner.
    pub institution_cap: bool,
    /// Sector share limit.
    pub sector_share: bool,
    /// Budgets.
    pub budgets: bool,
    /// Retention quota.
    pub retention: bool,
    /// Institution minimum.
    pub institution_min: bool,
}

impl Constraints {
    /// No constraint at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// The kinds of constraint in use.
    pub fn uses(&self) -> Uses {
        Uses {
            pair_rules: !self.locked.is_empty() || !self.forbidden.is_empty() || self.min_score.is_some(),
            institution_cap: self.max_per_institution.is_some(),
            sector_share: self.max_sector_share.is_some(),
            budgets: self.budgets,
            retention: self.retention,
            institution_min: self.institution_min.unwrap_or(0) > 0,
        }
    }

    /// Resolves ids against a market and checks the constraints for contradictions, reporting every
    /// problem: unknown ids, a pair both locked and forbidden, a project locked twice, a locked pair
    /// that is not feasible or scores below the minimum, locks beyond a partner's capacity or budget,
    /// limits out of range. Problems are placed in "constraints" as a whole; see
    /// [`Constraints::resolve_at`] to name the files and lines they were read from.
    pub fn resolve(&self, market: &Market) -> Result<Resolved> {
        self.resolve_at(market, &Origins::default())
    }

    /// [`Constraints::resolve`], with each problem placed where the constraint was read from.
    pub fn resolve_at(&self, market: &Market, origins: &Origins) -> Result<Resolved> {
        let mut problems = Problems::default();
        let whole = ("constraints".to_owned(), Place::File);
        let lock_at = |i: usize| origins.locked.get(i).unwrap_or(&whole);
        let forbid_at = |i: usize| origins.forbidden.get(i).unwrap_or(&whole);
        let key_at = |k: &str| origins.keys.iter().find(|(key, _)| key == k).map_or(&whole, |(_, at)| at);
        let mut problem = |at: &At, field: &str, reason: String| {
            problems.push(Problem::new(at.0.clone(), at.1.clone(), Some(field), reason))
        };
        let pids: HashMap<&str, usize> = market.projects.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
        let qids: HashMap<&str, usize> = market.partners.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
        let pair = |at: &At, field: &str, (p, q): &(String, String), problem: &mut dyn FnMut(&At, &str, String)| {
            let pi = pids.get(p.as_str()).copied();
            let qi = qids.get(q.as_str()).copied();
            if pi.is_none() {
                problem(at, field, format!("unknown project \"{p}\""));
            }
            if qi.is_none() {
                problem(at, field, format!("unknown partner \"{q}\""));
            }
            pi.zip(qi)
        };
        let mut locked: Vec<Option<usize>> = vec![None; market.projects.len()];
        let mut forbidden = HashSet::new();
        let mut forbidden_by: HashMap<usize, usize> = HashMap::new();
        for (i, f) in self.forbidden.iter().enumerate() {
            if let Some((p, q)) = pair(forbid_at(i), "forbidden", f, &mut problem) {
                if let Some(e) = market.edge_index(p, q) {
                    forbidden.insert(e);
                    forbidden_by.entry(e).or_insert(i);
                }
            }
        }
        let mut load = vec![0u32; market.partners.len()];
        let mut hours = vec![0f64; market.partners.len()];
        let mut last_lock = vec![0usize; market.partners.len()];
        for (i, l) in self.locked.iter().enumerate() {
            let at = lock_at(i);
            let Some((p, q)) = pair(at, "locked", l, &mut problem) else { continue };
            let Some(e) = market.edge_index(p, q) else {
                let why =
                    market.no_edge_reasons.get(p).cloned().flatten().map_or_else(String::new, |w| format!(" ({w})"));
                problem(
                    at,
                    "locked",
                    format!(
                        "{}–{} is not a feasible pair{why}; drop the lock or the `must` that excludes it",
                        l.0, l.1
                    ),
                );
                continue;
            };
            if let Some(&f) = forbidden_by.get(&e) {
                let (source, place) = forbid_at(f);
                let place = match place {
                    Place::Line(n) => format!("{source}:{n}"),
                    Place::Path(p) => format!("{source}:{p}"),
                    Place::File => source.clone(),
                };
                problem(at, "locked", format!("{}–{} is both locked and forbidden (forbidden at {place})", l.0, l.1));
            }
            if let Some(prev) = locked[p] {
                if prev != e {
                    problem(at, "locked", format!("project {} is locked to two partners", l.0));
                }
                continue;
            }
            if let Some(m) = self.min_score {
                if market.edges()[e].score < m {
                    problem(
                        at,
                        "locked",
                        format!("{}–{} scores {:.4}, below min_score {m}", l.0, l.1, market.edges()[e].score),
                    );
                }
            }
            locked[p] = Some(e);
            load[q] += 1;
            hours[q] += market.edges()[e].hours;
            last_lock[q] = i;
        }
        for (q, partner) in market.partners.iter().enumerate() {
            if load[q] > partner.capacity {
                problem(
                    lock_at(last_lock[q]),
                    "locked",
                    format!(
                        "{} projects are locked to {}, whose capacity is {}",
                        load[q], partner.id, partner.capacity
                    ),
                );
            }
            if self.budgets {
                if let Some(b) = partner.budget {
                    if hours[q] > b + 1e-9 {
                        problem(
                            lock_at(last_lock[q]),
                            "locked",
                            format!(
                                "locked projects need {} mentor hours of {}, whose budget is {b}",
                                hours[q], partner.id
                            ),
                        );
                    }
                }
            }
        }
        if let Some(m) = self.min_score {
            if !m.is_finite() {
                problem(key_at("min_score"), "min_score", format!("must be a finite number, found {m}"));
            }
        }
        if let Some(s) = self.max_sector_share {
            if !(s > 0.0 && s <= 1.0) {
                problem(key_at("max_sector_share"), "max_sector_share", format!("must be in (0, 1], found {s}"));
            }
        }
        if self.max_per_institution == Some(0) {
            problem(key_at("max_per_institution"), "max_per_institution", "must be at least 1".into());
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let sector_limit = self.max_sector_share.map(|s| (s * market.projects.len() as f64 + 1e-9).floor() as u32);
        Ok(Resolved {
            locked,
            forbidden,
            min_score: self.min_score,
            max_per_institution: self.max_per_institution,
            sector_limit,
            retention: self.retention,
            institution_min: self.institution_min.unwrap_or(0),
            budgets: self.budgets,
        })
    }
}

/// A file and a place in it.
type At = (String, Place);

/// Where constraints were read from, so that [`Constraints::resolve_at`] names the file and line of
/// each problem. Entries missing here are placed in "constraints" as a whole.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origins {
    /// For each entry of [`Constraints::locked`], in order: the file and the place in it.
    pub locked: Vec<(String, Place)>,
    /// For each entry of [`Constraints::forbidden`], in order: the file and the place in it.
    pub forbidden: Vec<(String, Place)>,
    /// For the other settings, by key (`min_score`, `max_sector_share`, `max_per_institution`): the
    /// file and the place in it.
    pub keys: Vec<(String, (String, Place))>,
}

/// Constraints resolved against one market (indices, not ids).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    /// For each project, its locked edge.
    pub locked: Vec<Option<usize>>,
    /// Forbidden edges.
    pub forbidden: HashSet<usize>,
    /// Minimum score of a pair.
    pub min_score: Option<f64>,
    /// At most this many projects of one institution per partner.
    pub max_per_institution: Option<u32>,
    /// At most this many matched projects per partner sector.
    pub sector_limit: Option<u32>,
    /// Retention quota.
    pub retention: bool,
    /// Institution minimum.
    pub institution_min: u32,
    /// Budgets enforced.
    pub budgets: bool,
}

impl Resolved {
    /// Whether an edge may be used at all (not forbidden, scoring at least the minimum, and not an
    /// edge of a locked project other than its lock).
    pub fn allows(&self, market: &Market, e: usize) -> bool {
        let edge = &market.edges()[e];
        match self.locked[edge.project] {
            Some(l) => l == e,
            None => !self.forbidden.contains(&e) && self.min_score.is_none_or(|m| edge.score >= m),
        }
    }

    /// The market without the edges the pair rules remove, with locked projects' edges removed and
    /// partners' capacities and budgets reduced by their locks; project and partner indices are kept.
    /// Solve this market unconstrained, then [`Resolved::merge`] the locks back.
    /// A market no rule touches is borrowed as it is, not copied.
    pub fn reduce<'m>(&self, market: &'m Market) -> Cow<'m, Market> {
        let untouched = self.locked.iter().all(Option::is_none)
            && self.forbidden.is_empty()
            && self.min_score.is_none_or(|m| market.edges().iter().all(|e| e.score >= m));
        if untouched {
            return Cow::Borrowed(market);
        }
        let mut partners = market.partners.clone();
        for e in self.locked.iter().flatten() {
            let edge = &market.edges()[*e];
            let q = &mut partners[edge.partner];
            q.capacity -= 1;
            q.budget = q.budget.map(|b| b - edge.hours);
        }
        // A subsequence of a valid market's edges, in its order: no new sort.
        let mut reduced =
            market.restrict(partners, &|e| self.allows(market, e) && self.locked[market.edges()[e].project].is_none());
        reduced.no_edge_reasons = market.no_edge_reasons.clone();
        Cow::Owned(reduced)
    }

    /// Maps an assignment of the [reduced](Resolved::reduce) market back to `market` and adds the locks.
    pub fn merge(&self, market: &Market, reduced: &Market, assignment: &Assignment) -> Assignment {
        let mut out = Assignment::empty(market.projects.len());
        for (p, slot) in out.edges.iter_mut().enumerate() {
            *slot = match self.locked[p] {
                Some(e) => Some(e),
                None => assignment.edges[p].map(|re| {
                    let q = reduced.edges()[re].partner;
                    market.edge_index(p, q).expect("reduced edges exist in the market")
                }),
            };
        }
        out
    }

    /// Every way `assignment` breaks these constraints or the market's capacities, in words.
    /// Quotas are not checked here (they hold "where feasible").
    pub fn violations(&self, market: &Market, assignment: &Assignment) -> Vec<String> {
        let mut out = Vec::new();
        let edges = market.edges();
        let mut load = vec![0u32; market.partners.len()];
        let mut hours = vec![0f64; market.partners.len()];
        let mut inst: HashMap<(&str, usize), u32> = HashMap::new();
        let mut sectors: HashMap<&str, u32> = HashMap::new();
        for (p, e) in assignment.edges.iter().enumerate() {
            if let Some(l) = self.locked[p] {
                if *e != Some(l) {
                    out.push(format!("project {} is not given its locked partner", market.projects[p].id));
                }
            }
            let Some(e) = *e else { continue };
            let edge = &edges[e];
            if edge.project != p {
                out.push(format!("project {} is given another project's pair", market.projects[p].id));
                continue;
            }
            if !self.allows(market, e) {
                out.push(format!(
                    "pair {}–{} is forbidden or below the minimum score",
                    market.projects[p].id, market.partners[edge.partner].id
                ));
            }
            load[edge.partner] += 1;
            hours[edge.partner] += edge.hours;
            *inst.entry((market.projects[p].institution.as_str(), edge.partner)).or_default() += 1;
            if let Some(s) = &market.partners[edge.partner].sector {
                *sectors.entry(s.as_str()).or_default() += 1;
            }
        }
        for (q, partner) in market.partners.iter().enumerate() {
            if load[q] > partner.capacity {
                out.push(format!("{} has {} projects over its capacity {}", partner.id, load[q], partner.capacity));
            }
            if self.budgets {
                if let Some(b) = partner.budget {
                    if hours[q] > b + 1e-9 {
                        out.push(format!("{} mentors {} h/week over its budget {b}", partner.id, hours[q]));
                    }
                }
            }
        }
        if let Some(n) = self.max_per_institution {
            let mut bad: Vec<_> = inst.iter().filter(|(_, c)| **c > n).collect();
            bad.sort();
            for ((i, q), c) in bad {
                out.push(format!("{c} projects of {i} with {} (at most {n})", market.partners[*q].id));
            }
        }
        if let Some(limit) = self.sector_limit {
            let mut bad: Vec<_> = sectors.iter().filter(|(_, c)| **c > limit).collect();
            bad.sort();
            for (s, c) in bad {
                out.push(format!("{c} projects matched in sector {s} (at most {limit})"));
            }
        }
        out
    }
}
