//! What a coordinator reads: one row per project with its partner (or why it has none), its
//! backups, and the summary.

use std::collections::HashMap;

use serde::Serialize;

use super::{Assignment, Market, Resolved};
use crate::metrics::Summary;

/// One project's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Project index.
    pub project: usize,
    /// Edge index, when matched.
    pub edge: Option<usize>,
    /// Why: "locked (agreed in advance)", or for an unmatched project why it has no partner.
    pub reason: String,
    /// Next best partners with room left (indices), best first.
    pub backups: Vec<usize>,
}

/// The outcome of a term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Strategy name.
    pub strategy: String,
    /// One row per project, in project order.
    pub rows: Vec<Row>,
    /// Totals, rank distributions, blocking pairs, capacity, fairness.
    pub summary: Summary,
    /// Set when a time limit stopped the solver before it proved the assignment optimal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<super::Stopped>,
}

/// Remaining room of each partner after an assignment.
struct Room<'a> {
    market: &'a Market,
    c: &'a Resolved,
    load: Vec<u32>,
    hours: Vec<f64>,
    inst: HashMap<(&'a str, usize), u32>,
    sectors: HashMap<&'a str, u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Blocked {
    Full,
    Hours,
    InstitutionCap,
    SectorLimit,
    Rules,
    None,
}

impl Blocked {
    /// Every kind, in the order reasons list them.
    const ALL: [Blocked; 6] =
        [Blocked::Full, Blocked::Hours, Blocked::InstitutionCap, Blocked::SectorLimit, Blocked::Rules, Blocked::None];
    const COUNT: usize = Self::ALL.len();
}

impl<'a> Room<'a> {
    fn new(market: &'a Market, c: &'a Resolved, a: &Assignment) -> Self {
        let mut room = Room {
            market,
            c,
            load: vec![0; market.partners.len()],
            hours: vec![0.0; market.partners.len()],
            inst: HashMap::new(),
            sectors: HashMap::new(),
        };
        for &e in a.edges.iter().flatten() {
            let edge = &market.edges()[e];
            room.load[edge.partner] += 1;
            room.hours[edge.partner] += edge.hours;
            // The counts only the constraints in force read.
            if c.max_per_institution.is_some() {
                *room.inst.entry((market.projects[edge.project].institution.as_str(), edge.partner)).or_default() += 1;
            }
            if let (Some(_), Some(s)) = (c.sector_limit, &market.partners[edge.partner].sector) {
                *room.sectors.entry(s.as_str()).or_default() += 1;
            }
        }
        room
    }

    /// What stops project `edge.project` from taking edge `e` now (ignoring its own current pair).
    fn blocked(&self, e: usize) -> Blocked {
        let edge = &self.market.edges()[e];
        let q = edge.partner;
        let partner = &self.market.partners[q];
        if !self.c.allows(self.market, e) {
            return Blocked::Rules;
        }
        if self.load[q] >= partner.capacity {
            return Blocked::Full;
        }
        if self.c.budgets && partner.budget.is_some_and(|b| self.hours[q] + edge.hours > b + 1e-9) {
            return Blocked::Hours;
        }
        let inst = self.market.projects[edge.project].institution.as_str();
        if self.c.max_per_institution.is_some_and(|n| self.inst.get(&(inst, q)).copied().unwrap_or(0) >= n) {
            return Blocked::InstitutionCap;
        }
        if let (Some(limit), Some(s)) = (self.c.sector_limit, &partner.sector) {
            if self.sectors.get(s.as_str()).copied().unwrap_or(0) >= limit {
                return Blocked::SectorLimit;
            }
        }
        Blocked::None
    }
}

fn names(market: &Market, qs: &[usize]) -> String {
    let mut shown: Vec<&str> = qs.iter().take(3).map(|&q| market.partners[q].id.as_str()).collect();
    if qs.len() > 3 {
        shown.push("…");
    }
    shown.join(", ")
}

/// Builds the report: a reason for every row, `backups` alternatives per project, and the summary.
pub fn report(strategy: &str, market: &Market, c: &Resolved, a: &Assignment, backups: usize) -> Report {
    let room = Room::new(market, c, a);
    let rows = (0..market.projects.len())
        .map(|p| {
            let edge = a.edges[p];
            let mut spare = Vec::new();
            // Partners by what blocks them, in `Blocked` order (only an unmatched project's reason uses them).
            let mut why: [Vec<usize>; Blocked::COUNT] = Default::default();
            for e in market.project_edge_range(p) {
                let q = market.edges()[e].partner;
                if Some(e) == edge {
                    continue;
                }
                if edge.is_some() && spare.len() == backups {
                    break;
                }
                let b = room.blocked(e);
                if b == Blocked::None && spare.len() < backups {
                    spare.push(q);
                }
                if edge.is_none() {
                    why[b as usize].push(q);
                }
            }
            let reason = match edge {
                Some(e) if c.locked[p] == Some(e) => "locked (agreed in advance)".to_owned(),
                Some(_) => String::new(),
                None if market.project_edges(p).is_empty() => {
                    market.no_edge_reasons[p].clone().unwrap_or_else(|| "no feasible partner".to_owned())
                }
                None => {
                    let n = market.project_edges(p).len();
                    let mut parts = Vec::new();
                    for (b, qs) in Blocked::ALL.into_iter().zip(why).filter(|(_, qs)| !qs.is_empty()) {
                        let k = qs.len();
                        let list = names(market, &qs);
                        parts.push(match b {
                            Blocked::Full => {
                                format!("{k} full, their capacity taken by projects with higher claims ({list})")
                            }
                            Blocked::Hours => format!("{k} without the mentor hours left ({list})"),
                            Blocked::InstitutionCap => format!("{k} at the per-institution limit ({list})"),
                            Blocked::SectorLimit => format!("{k} in a sector at its diversity limit ({list})"),
                            Blocked::Rules => format!("{k} forbidden or below the minimum score ({list})"),
                            Blocked::None => {
                                format!("{k} left free because matching here would lower the objective ({list})")
                            }
                        });
                    }
                    format!("{n} feasible partner{}: {}", if n == 1 { "" } else { "s" }, parts.join("; "))
                }
            };
            Row { project: p, edge, reason, backups: spare }
        })
        .collect();
    Report { strategy: strategy.to_owned(), rows, summary: Summary::of(market, a), stopped: a.stopped.clone() }
}
