//! The baselines everyone understands: `greedy` (descending score) and `rank-sum` (ascending sum of
//! both sides' ranks), both taking pairs while capacity and the packing constraints allow.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::{Assignment, Market, Resolved};

/// Takes pairs in the given order while the project is free and the partner has room, honouring
/// locks, forbidden pairs, the minimum score, budgets, the institution cap and the sector limit.
fn take_in_order(market: &Market, c: &Resolved, order: &[usize]) -> Assignment {
    let edges = market.edges();
    let mut a = Assignment::empty(market.projects.len());
    let mut load = vec![0u32; market.partners.len()];
    let mut hours = vec![0f64; market.partners.len()];
    let mut inst: HashMap<(&str, usize), u32> = HashMap::new();
    let mut sectors: HashMap<&str, u32> = HashMap::new();
    let mut take = |a: &mut Assignment, e: usize, check: bool| -> bool {
        let edge = &edges[e];
        let q = edge.partner;
        let partner = &market.partners[q];
        let institution = market.projects[edge.project].institution.as_str();
        if check {
            if a.edges[edge.project].is_some() || load[q] >= partner.capacity || !c.allows(market, e) {
                return false;
            }
            if c.budgets && partner.budget.is_some_and(|b| hours[q] + edge.hours > b + 1e-9) {
                return false;
            }
            if c.max_per_institution.is_some_and(|n| inst.get(&(institution, q)).copied().unwrap_or(0) >= n) {
                return false;
            }
            if let (Some(limit), Some(s)) = (c.sector_limit, &partner.sector) {
                if sectors.get(s.as_str()).copied().unwrap_or(0) >= limit {
                    return false;
                }
            }
        }
        a.edges[edge.project] = Some(e);
        load[q] += 1;
        hours[q] += edge.hours;
        *inst.entry((institution, q)).or_default() += 1;
        if let Some(s) = &partner.sector {
            *sectors.entry(s.as_str()).or_default() += 1;
        }
        true
    };
    for e in c.locked.iter().flatten() {
        take(&mut a, *e, false);
    }
    for &e in order {
        take(&mut a, e, true);
    }
    a
}

fn tie(market: &Market, a: usize, b: usize) -> Ordering {
    let (x, y) = (&market.edges()[a], &market.edges()[b]);
    market
        .project_order(x.project)
        .cmp(&market.project_order(y.project))
        .then(market.partner_order(x.partner).cmp(&market.partner_order(y.partner)))
}

/// `greedy`: pairs in descending score, ties by project id then partner id.
///
/// Complexity: O(E log E) for E feasible pairs.
pub fn greedy(market: &Market, c: &Resolved) -> Assignment {
    let edges = market.edges();
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by(|&a, &b| edges[b].score.total_cmp(&edges[a].score).then_with(|| tie(market, a, b)));
    take_in_order(market, c, &order)
}

/// `rank-sum`: pairs in ascending `project_rank + partner_rank`; ties by the better of the two ranks,
/// then descending score, then project id, then partner id.
///
/// Complexity: O(E log E).
pub fn rank_sum(market: &Market, c: &Resolved) -> Assignment {
    let edges = market.edges();
    let key = |e: usize| {
        let x = &edges[e];
        (x.project_rank + x.partner_rank, x.project_rank.min(x.partner_rank))
    };
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by(|&a, &b| {
        key(a).cmp(&key(b)).then(edges[b].score.total_cmp(&edges[a].score)).then_with(|| tie(market, a, b))
    });
    take_in_order(market, c, &order)
}
