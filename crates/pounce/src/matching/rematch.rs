//! Repairing an assignment after drop-outs: partners or projects leave mid-term, the rest stays.
//!
//! Dropped partners and projects lose their pairs; every unaffected pair is kept (locked) unless
//! moves are allowed, and the chosen strategy places the projects that lost their partner (and any
//! still unmatched) into the capacity left.

use serde::Serialize;

use super::{Assignment, Constraints, Market, Strategy, run};
use crate::error::Result;

/// What happened to one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Same partner as before.
    Kept,
    /// Had a partner that stayed, now has another (only with moves allowed).
    Moved,
    /// Lost its partner to a drop-out and got a new one.
    Rematched,
    /// Lost its partner to a drop-out and has none now.
    Lost,
    /// Was unmatched, now matched.
    Added,
    /// Was matched, now unmatched although its partner stayed (only with moves allowed).
    Unmatched,
    /// Unmatched before and after.
    StillUnmatched,
    /// The project itself dropped out.
    Dropped,
}

/// One project's change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Project index.
    pub project: usize,
    /// Partner before.
    pub before: Option<usize>,
    /// Partner after.
    pub after: Option<usize>,
    /// What happened.
    pub kind: ChangeKind,
}

/// The repaired term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rematch {
    /// The market without the dropped partners and projects (same indices; their pairs removed).
    pub market: Market,
    /// The new assignment on that market.
    pub assignment: Assignment,
    /// One change per project.
    pub changes: Vec<Change>,
}

/// Repairs `previous` after `dropped_partners` and `dropped_projects` leave.
///
/// Without `allow_moves` every pair whose project and partner both stay is locked; `constraints`
/// apply on top (their locks must not contradict). With `allow_moves` the strategy re-solves the
/// whole term and may move anyone.
pub fn rematch(
    market: &Market,
    previous: &Assignment,
    dropped_partners: &[usize],
    dropped_projects: &[usize],
    allow_moves: bool,
    strategy: &dyn Strategy,
    constraints: &Constraints,
) -> Result<Rematch> {
    let gone_q = |q: usize| dropped_partners.contains(&q);
    let gone_p = |p: usize| dropped_projects.contains(&p);
    let mut partners = market.partners.clone();
    for &q in dropped_partners {
        partners[q].capacity = 0;
    }
    let edges: Vec<_> = market.edges().iter().filter(|e| !gone_q(e.partner) && !gone_p(e.project)).copied().collect();
    let mut reduced = Market::new(market.projects.clone(), partners, edges)?;
    reduced.no_edge_reasons = market.no_edge_reasons.clone();
    for &p in dropped_projects {
        reduced.no_edge_reasons[p] = Some("the project dropped out".into());
    }
    let mut c = constraints.clone();
    if !allow_moves {
        for (p, e) in previous.edges.iter().enumerate() {
            let Some(e) = *e else { continue };
            let q = market.edges()[e].partner;
            if gone_p(p) || gone_q(q) {
                continue;
            }
            let pair = (market.projects[p].id.clone(), market.partners[q].id.clone());
            if !c.locked.contains(&pair) {
                c.locked.push(pair);
            }
        }
    }
    let assignment = run(strategy, &reduced, &c)?;
    let changes = (0..market.projects.len())
        .map(|p| {
            let before = previous.edges[p].map(|e| market.edges()[e].partner);
            let after = assignment.partner_of(&reduced, p);
            let kind = if gone_p(p) {
                ChangeKind::Dropped
            } else {
                match (before, after) {
                    (Some(b), Some(a)) if a == b => ChangeKind::Kept,
                    (Some(b), Some(_)) if gone_q(b) => ChangeKind::Rematched,
                    (Some(_), Some(_)) => ChangeKind::Moved,
                    (Some(b), None) if gone_q(b) => ChangeKind::Lost,
                    (Some(_), None) => ChangeKind::Unmatched,
                    (None, Some(_)) => ChangeKind::Added,
                    (None, None) => ChangeKind::StillUnmatched,
                }
            };
            Change { project: p, before, after, kind }
        })
        .collect();
    Ok(Rematch { market: reduced, assignment, changes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::{Builtin, Edge, MarketPartner, MarketProject, OptimalOptions};

    #[test]
    fn keeps_unaffected_pairs_and_repairs_the_rest() {
        let projects = (0..3).map(|i| MarketProject { id: format!("P{i}"), institution: String::new() }).collect();
        let partners = (0..3)
            .map(|j| MarketPartner { id: format!("Q{j}"), capacity: 1, budget: None, active: true, sector: None })
            .collect();
        let e = |p, q, s| Edge { project: p, partner: q, score: s, hours: 0.0, project_rank: 1, partner_rank: 1 };
        // P0–Q0, P1–Q1; P2 unmatched. Q0 drops; P0 can go to Q2 (or Q1, which P1 holds).
        let m = Market::new(
            projects,
            partners,
            vec![e(0, 0, 0.9), e(0, 1, 0.8), e(0, 2, 0.3), e(1, 1, 0.5), e(1, 2, 0.9), e(2, 2, 0.1)],
        )
        .unwrap();
        let prev = Assignment::new(vec![m.edge_index(0, 0), m.edge_index(1, 1), None]);
        let s = Builtin::Optimal(OptimalOptions::default());
        let r = rematch(&m, &prev, &[0], &[], false, &s, &Constraints::none()).unwrap();
        let kinds: Vec<ChangeKind> = r.changes.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![ChangeKind::Rematched, ChangeKind::Kept, ChangeKind::StillUnmatched]);
        assert_eq!(r.assignment.partner_of(&r.market, 0), Some(2));
        // With moves allowed the optimum moves P1 to Q2 and gives P0 Q1: 0.8 + 0.9 > 0.3 + 0.5.
        let r = rematch(&m, &prev, &[0], &[], true, &s, &Constraints::none()).unwrap();
        let kinds: Vec<ChangeKind> = r.changes.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![ChangeKind::Rematched, ChangeKind::Moved, ChangeKind::StillUnmatched]);
        // A dropped project frees its partner for someone else.
        let r = rematch(&m, &prev, &[], &[1], false, &s, &Constraints::none()).unwrap();
        assert_eq!(r.changes[1].kind, ChangeKind::Dropped);
        assert_eq!(r.changes[0].kind, ChangeKind::Kept);
        assert_eq!(r.changes[2].kind, ChangeKind::Added);
    }
}
