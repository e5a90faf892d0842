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
//! With budgets, institution caps, sector limits or quotas the problem is a generalized assignment
//! problem, solved exactly as a mixed-integer program ([`super::mip`]).
//!
//! Complexity (flow): O(n · (E + V) log V) in the worst case for n projects; far less in practice
//! because each search stops at the first free slot.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::{Assignment, Market, OptimalOptions, Resolved, mip};
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

/// Solves the unconstrained problem on `market` (every edge usable, capacities as given).
pub(crate) fn min_cost_assignment(market: &Market, options: OptimalOptions) -> Assignment {
    let n = market.projects.len();
    let m = market.partners.len();
    let sink = n + m;
    let edges = market.edges();
    let max_matches = options.max_matches || options.minimize;
    let cost = |e: usize| Cost { unmatched: 0, value: if options.minimize { edges[e].score } else { -edges[e].score } };
    let dummy = Cost { unmatched: i64::from(max_matches), value: 0.0 };
    let mut pi = vec![Cost::ZERO; n + m + 1];
    for (p, slot) in pi.iter_mut().enumerate().take(n) {
        let mut lo = dummy;
        for e in market.project_edge_range(p) {
            if cost(e).lt(&lo) {
                lo = cost(e);
            }
        }
        *slot = Cost::ZERO.sub(lo);
    }
    let capacity: Vec<usize> = market.partners.iter().map(|q| q.capacity as usize).collect();
    let mut assigned: Vec<Option<usize>> = vec![None; n];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut dist = vec![Cost::INF; n + m + 1];
    let mut pred = vec![Pred::None; n + m + 1];
    let mut done = vec![false; n + m + 1];
    let mut touched: Vec<usize> = Vec::new();
    let mut settled: Vec<usize> = Vec::new();
    let mut heap = BinaryHeap::new();
    for start in 0..n {
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
                     pred: &mut Vec<Pred>,
                     touched: &mut Vec<usize>,
                     heap: &mut BinaryHeap<Entry>| {
            if d.lt(&dist[v]) {
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
                    relax(j, d.add(rc), Pred::Forward(u, e), &mut dist, &mut pred, &mut touched, &mut heap);
                }
                let rc = dummy.add(pi[u]).sub(pi[sink]);
                relax(sink, d.add(rc), Pred::Dummy(u), &mut dist, &mut pred, &mut touched, &mut heap);
            } else {
                // A partner: a free slot, or push one of its projects elsewhere.
                let q = u - n;
                if members[q].len() < capacity[q] {
                    let rc = pi[u].sub(pi[sink]);
                    relax(sink, d.add(rc), Pred::Slot(q), &mut dist, &mut pred, &mut touched, &mut heap);
                }
                for &p in &members[q] {
                    let e = assigned[p].expect("members are assigned");
                    let rc = Cost::ZERO.sub(cost(e)).add(pi[u]).sub(pi[p]);
                    relax(p, d.add(rc), Pred::Backward(q), &mut dist, &mut pred, &mut touched, &mut heap);
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
    Ok(c.merge(market, &reduced, &min_cost_assignment(&reduced, options)))
}
