//! `optimal`: the assignment of maximum total score (each project at most one partner, each partner
//! at most its capacity), exact.
//!
//! Without side constraints it is solved as a min-cost flow on the sparse graph of feasible pairs by
//! successive shortest augmenting paths: projects are inserted one at a time, each along a shortest
//! path (Dijkstra on reduced costs, stopping at the first free partner slot, as in Jonker–Volgenant
//! and scipy's `linear_sum_assignment`) from the project to the sink; every project also has a private
//! "unmatched" arc, of cost 0 (maximum score) or of cost (1, 0) in the lexicographic order
//! (unmatched count, cost) for `max_matches`. Dual potentials keep reduced costs non-negative, which
//! proves the flow optimal after every insertion (Ahuja, Magnanti & Orlin, *Network Flows*, 1993,
//! §9.7; Crouse, *On implementing 2D rectangular assignment algorithms*, IEEE TAES 2016).
//!
//! An initial exact auction (Jonker–Volgenant's augmenting row reduction) first assigns
//! most projects with dual prices that keep every reduced cost non-negative, so only the projects it
//! leaves take a shortest-path search. Which of several optimal assignments is returned may depend
//! on it; the optimum does not (tested against the shortest paths alone).
//!
//! With budgets, institution caps, sector limits or quotas the problem is a generalized assignment
//! problem, solved exactly as a mixed-integer program ([`super::mip`]).
//!
//! Complexity (flow): O(n · (E + V) log V) in the worst case for n projects; far less in practice
//! because each search stops at the first free slot.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::{Assignment, Market, OptimalOptions, Resolved, dense, mip};
use crate::error::Result;

/// A cost in the lexicographic order (unmatched projects, value).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cost {
    unmatched: i64,
    value: f64,
}

impl Cost {
    const ZERO: Cost = Cost { unmatched: 0, value: 0.0 };
    const INF: Cost = Cost { unmatched: i64::MAX, value: f64::INFINITY };

    fn add(self, o: Cost) -> Cost {
        Cost { unmatched: self.unmatched + o.unmatched, value: self.value + o.value }
    }
    fn sub(self, o: Cost) -> Cost {
        Cost { unmatched: self.unmatched - o.unmatched, value: self.value - o.value }
    }
    fn cmp(&self, o: &Cost) -> Ordering {
        self.unmatched.cmp(&o.unmatched).then(self.value.total_cmp(&o.value))
    }
    fn lt(&self, o: &Cost) -> bool {
        self.cmp(o) == Ordering::Less
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry(Cost, usize);
impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    // Reversed: BinaryHeap is a max-heap; ties by node for determinism.
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.cmp(&self.0).then(o.1.cmp(&self.1))
    }
}

#[derive(Debug, Clone, Copy)]
enum Pred {
    None,
    /// Reached a partner from a project along an edge.
    Forward(usize, usize),
    /// Reached a project from the partner it leaves.
    Backward(usize),
    /// Reached the sink from a partner with a free slot.
    Slot(usize),
    /// Reached the sink from a project that goes unmatched.
    Dummy(usize),
}

/// Bids per project the initial phase may spend (in total, `AUCTION_BIDS × n`) before it hands the
/// projects still unassigned to the shortest-path phase.
const AUCTION_BIDS: usize = 128;

/// The initial phase: an exact (ε = 0) Gauss–Seidel auction, Jonker–Volgenant's augmenting row
/// reduction generalised to the unmatched arc and to capacities. Partner `j`'s price is `-pi[n + j]`.
/// A project bids for the partner of least `cost + price` (its best) and raises the price of a
/// capacity-1 partner by the gap to its second best, evicting the previous holder; partners of larger
/// capacity keep price 0 and take bids while they have a free slot.
///
/// On return every assigned project holds a partner of least `cost + price` (no more than its
/// unmatched arc), prices are ≥ 0 and only full partners have a positive one, so with project
/// potentials set to minus the least `cost + price` every residual arc has a non-negative reduced cost:
/// the partial flow is optimal for the projects it holds and the shortest-path phase can insert the
/// rest. Returns those (never assigned, or evicted when the bid budget ran out), ascending.
#[allow(clippy::too_many_arguments)] // the solver state, passed apart for the borrow checker
fn auction(
    market: &Market,
    cost: &dyn Fn(usize) -> Cost,
    dummy: Cost,
    bids: usize,
    capacity: &[usize],
    pi: &mut [Cost],
    assigned: &mut [Option<usize>],
    members: &mut [Vec<usize>],
) -> Vec<usize> {
    let n = market.projects.len();
    let edges = market.edges();
    let mut queue: std::collections::VecDeque<usize> = (0..n).collect();
    let mut skipped = vec![false; n];
    let mut budget = bids.saturating_mul(n);
    while let Some(p) = queue.pop_front() {
        if budget == 0 {
            queue.push_front(p);
            break;
        }
        budget -= 1;
        // Best and second best `cost + price` over the edges; the unmatched arc counts as a second.
        let mut best: Option<(Cost, usize)> = None;
        let mut second: Option<(Cost, usize)> = None;
        for e in market.project_edge_range(p) {
            let c = cost(e).sub(pi[n + edges[e].partner]);
            match best {
                Some((b, _)) if !c.lt(&b) => {
                    if second.is_none_or(|(s, _)| c.lt(&s)) {
                        second = Some((c, e));
                    }
                }
                _ => {
                    second = best;
                    best = Some((c, e));
                }
            }
        }
        let Some((b, e)) = best else {
            skipped[p] = true;
            continue;
        };
        let j = edges[e].partner;
        if !b.lt(&dummy) || capacity[j] == 0 {
            // Unmatched at best: left to the shortest-path phase.
            skipped[p] = true;
            continue;
        }
        if capacity[j] > 1 {
            if members[j].len() < capacity[j] {
                assigned[p] = Some(e);
                members[j].push(p);
            } else {
                skipped[p] = true;
            }
            continue;
        }
        let s = match second {
            Some((s, _)) if s.lt(&dummy) => s,
            _ => dummy,
        };
        let raise = s.sub(b);
        let holder = members[j].first().copied();
        if holder.is_some() && raise.cmp(&Cost::ZERO) != Ordering::Greater {
            // A tie: take the second best instead when it has a free slot.
            if let Some((s2, e2)) = second
                && !b.lt(&s2)
            {
                let j2 = edges[e2].partner;
                if members[j2].len() < capacity[j2] {
                    assigned[p] = Some(e2);
                    members[j2].push(p);
                    continue;
                }
            }
        }
        pi[n + j] = pi[n + j].sub(raise);
        if let Some(old) = holder {
            assigned[old] = None;
            members[j].clear();
            if raise.cmp(&Cost::ZERO) == Ordering::Greater {
                queue.push_front(old);
            } else {
                queue.push_back(old);
            }
        }
        assigned[p] = Some(e);
        members[j].push(p);
    }
    for p in queue {
        skipped[p] = true;
    }
    (0..n).filter(|&p| skipped[p]).collect()
}

/// Solves the unconstrained problem on `market` (every edge usable, capacities as given).
pub(crate) fn min_cost_assignment(market: &Market, options: OptimalOptions) -> Assignment {
    solve_flow(market, options, AUCTION_BIDS)
}

/// [`min_cost_assignment`] with `bids` bids per project for the initial auction (0: shortest paths only).
fn solve_flow(market: &Market, options: OptimalOptions, bids: usize) -> Assignment {
    let n = market.projects.len();
    let m = market.partners.len();
    let sink = n + m;
    let edges = market.edges();
    let max_matches = options.max_matches || options.minimize;
    let cost = |e: usize| Cost { unmatched: 0, value: if options.minimize { edges[e].score } else { -edges[e].score } };
    let dummy = Cost { unmatched: i64::from(max_matches), value: 0.0 };
    let mut pi = vec![Cost::ZERO; n + m + 1];
    let capacity: Vec<usize> = market.partners.iter().map(|q| q.capacity as usize).collect();
    let mut assigned: Vec<Option<usize>> = vec![None; n];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); m];
    let pending = auction(market, &cost, dummy, bids, &capacity, &mut pi, &mut assigned, &mut members);
    // Project potentials: the cheapest reduced cost out of each project (its matched edge, when it has one).
    for p in 0..n {
        let mut lo = dummy;
        for e in market.project_edge_range(p) {
            let c = cost(e).sub(pi[n + edges[e].partner]);
            if c.lt(&lo) {
                lo = c;
            }
        }
        pi[p] = Cost::ZERO.sub(lo);
    }
    let mut dist = vec![Cost::INF; n + m + 1];
    let mut pred = vec![Pred::None; n + m + 1];
    let mut done = vec![false; n + m + 1];
    let mut touched: Vec<usize> = Vec::new();
    let mut settled: Vec<usize> = Vec::new();
    let mut heap = BinaryHeap::new();
    for start in pending {
        for &v in &touched {
            dist[v] = Cost::INF;
            pred[v] = Pred::None;
            done[v] = false;
        }
        touched.clear();
        settled.clear();
        heap.clear();
        dist[start] = Cost::ZERO;
        touched.push(start);
        heap.push(Entry(Cost::ZERO, start));
        let relax = |v: usize,
                     d: Cost,
                     p: Pred,
                     dist: &mut Vec<Cost>,
                     done: &[bool],
                     pred: &mut Vec<Pred>,
                     touched: &mut Vec<usize>,
                     heap: &mut BinaryHeap<Entry>| {
            // Settled nodes stay settled (a rounding error must not break the tree).
            if !done[v] && d.lt(&dist[v]) {
                if dist[v].unmatched == i64::MAX {
                    touched.push(v);
                }
                dist[v] = d;
                pred[v] = p;
                heap.push(Entry(d, v));
            }
        };
        while let Some(Entry(d, u)) = heap.pop() {
            if done[u] || dist[u].cmp(&d) != Ordering::Equal {
                continue;
            }
            done[u] = true;
            settled.push(u);
            if u == sink {
                break;
            }
            if u < n {
                // A project: to its other partners, or unmatched.
                let current = assigned[u];
                for e in market.project_edge_range(u) {
                    if Some(e) == current {
                        continue;
                    }
                    let j = n + edges[e].partner;
                    let rc = cost(e).add(pi[u]).sub(pi[j]);
                    relax(j, d.add(rc), Pred::Forward(u, e), &mut dist, &done, &mut pred, &mut touched, &mut heap);
                }
                let rc = dummy.add(pi[u]).sub(pi[sink]);
                relax(sink, d.add(rc), Pred::Dummy(u), &mut dist, &done, &mut pred, &mut touched, &mut heap);
            } else {
                // A partner: a free slot, or push one of its projects elsewhere.
                let q = u - n;
                if members[q].len() < capacity[q] {
                    let rc = pi[u].sub(pi[sink]);
                    relax(sink, d.add(rc), Pred::Slot(q), &mut dist, &done, &mut pred, &mut touched, &mut heap);
                }
                for &p in &members[q] {
                    let e = assigned[p].expect("members are assigned");
                    let rc = Cost::ZERO.sub(cost(e)).add(pi[u]).sub(pi[p]);
                    relax(p, d.add(rc), Pred::Backward(q), &mut dist, &done, &mut pred, &mut touched, &mut heap);
                }
            }
        }
        let total = dist[sink];
        debug_assert!(done[sink], "the unmatched arc always reaches the sink");
        for &v in &settled {
            if dist[v].lt(&total) {
                pi[v] = pi[v].add(dist[v]).sub(total);
            }
        }
        // Augment along the path, from the sink back to the start.
        let mut v = sink;
        loop {
            match pred[v] {
                Pred::Slot(q) => v = n + q,
                Pred::Dummy(p) => {
                    if let Some(e) = assigned[p].take() {
                        members[edges[e].partner].retain(|&x| x != p);
                    }
                    v = p;
                }
                Pred::Forward(p, e) => {
                    if let Some(old) = assigned[p] {
                        members[edges[old].partner].retain(|&x| x != p);
                    }
                    assigned[p] = Some(e);
                    members[edges[e].partner].push(p);
                    v = p;
                }
                Pred::Backward(q) => v = n + q,
                Pred::None => break,
            }
            if v == start {
                break;
            }
        }
    }
    Assignment { edges: assigned }
}

/// The optimal assignment under resolved constraints: the flow algorithm when only locks, forbidden
/// pairs and a minimum score apply, the MIP otherwise.
pub fn optimal(market: &Market, c: &Resolved, options: OptimalOptions) -> Result<Assignment> {
    let needs_mip = c.budgets
        || c.max_per_institution.is_some()
        || c.sector_limit.is_some()
        || c.retention
        || c.institution_min > 0;
    if needs_mip {
        return mip::solve(market, c, options);
    }
    let reduced = c.reduce(market);
    let assignment = dense::assign(&reduced, options).unwrap_or_else(|| min_cost_assignment(&reduced, options));
    Ok(c.merge(market, &reduced, &assignment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::{MarketPartner, MarketProject};

    /// A deterministic pseudo-random market: `n` projects, `m` partners of capacity up to `cap`
    /// (0 included when `cap` > 1), about `degree` edges per project, scores on a coarse grid (ties).
    fn market(seed: u64, n: usize, m: usize, cap: u32, degree: usize) -> Market {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move |k: u64| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s % k
        };
        let projects = (0..n).map(|p| MarketProject { id: format!("P{p:04}"), institution: String::new() }).collect();
        let partners = (0..m)
            .map(|q| MarketPartner {
                id: format!("Q{q:04}"),
                capacity: if cap == 1 { 1 } else { next(u64::from(cap) + 1) as u32 },
                budget: None,
                active: false,
                sector: None,
            })
            .collect();
        let mut pairs = Vec::new();
        for p in 0..n {
            let mut seen = std::collections::HashSet::new();
            for _ in 0..degree {
                let q = next(m as u64) as usize;
                if seen.insert(q) {
                    pairs.push((p, q, next(21) as f64 / 20.0, 1.0));
                }
            }
        }
        Market::from_scores(projects, partners, &pairs).unwrap()
    }

    fn value(market: &Market, a: &Assignment) -> (usize, f64) {
        let edges = market.edges();
        let mut load = vec![0u32; market.partners.len()];
        let mut total = 0.0;
        let mut matched = 0;
        for e in a.edges.iter().flatten() {
            load[edges[*e].partner] += 1;
            total += edges[*e].score;
            matched += 1;
        }
        for (q, l) in load.iter().enumerate() {
            assert!(*l <= market.partners[q].capacity, "capacity of partner {q} exceeded");
        }
        (matched, total)
    }

    #[test]
    fn the_auction_phase_keeps_the_optimum() {
        let modes = [
            OptimalOptions::default(),
            OptimalOptions { max_matches: true, ..OptimalOptions::default() },
            OptimalOptions { minimize: true, ..OptimalOptions::default() },
        ];
        let mut assigned_by_auction = 0;
        for seed in 0..120u64 {
            let (n, m, cap, degree) = match seed % 4 {
                0 => (40, 40, 1, 4),
                1 => (60, 30, 3, 5),
                2 => (30, 60, 1, 2),
                _ => (80, 80, 1, 8),
            };
            let market = market(seed, n, m, cap, degree);
            for options in modes {
                let reference = value(&market, &solve_flow(&market, options, 0));
                for bids in [1, AUCTION_BIDS, 1000] {
                    let got = value(&market, &solve_flow(&market, options, bids));
                    // Without `max_matches` a score-0 pair ties going unmatched: only the total counts.
                    if options.max_matches || options.minimize {
                        assert_eq!(got.0, reference.0, "seed {seed}, bids {bids}, {options:?}: matched");
                    }
                    assert!(
                        (got.1 - reference.1).abs() < 1e-9,
                        "seed {seed}, bids {bids}, {options:?}: {got:?} vs {reference:?}"
                    );
                }
                let edges = market.edges();
                let n_cost = |e: usize| Cost { unmatched: 0, value: -edges[e].score };
                let mut pi = vec![Cost::ZERO; n + m + 1];
                let capacity: Vec<usize> = market.partners.iter().map(|q| q.capacity as usize).collect();
                let mut assigned = vec![None; n];
                let mut members = vec![Vec::new(); m];
                let pending = auction(&market, &n_cost, Cost::ZERO, 8, &capacity, &mut pi, &mut assigned, &mut members);
                assigned_by_auction += n - pending.len();
            }
        }
        // The phase does real work (the comparison above would pass trivially otherwise).
        assert!(assigned_by_auction > 1000, "{assigned_by_auction}");
    }
}
