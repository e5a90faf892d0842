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
//! A balanced market with `max_matches` (capacities at most 1, as many slots as projects: the
//! assignment problem of scipy's `min_weight_full_bipartite_matching`) first gets near-equilibrium
//! prices from an ε-scaling auction (Bertsekas, *The auction algorithm*, 1988). The exact phases
//! start from them, a free partner's arc to the sink costing its price, which shifts the cost of
//! every flow that fills all partners by the same amount; the result is then certified optimal for
//! the true costs by dual feasibility at the sink (or, when it is not, the cold solve runs). The
//! exact phases then take a few bids per project and short searches: on 100,000 × 100,000 with 20
//! edges per project, about 0.5 s instead of 11 s.
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
struct Entry(Cost, u32);
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

/// No edge, node or predecessor.
const NONE: u32 = u32::MAX;

/// Bids per project the initial phase may spend (in total, `AUCTION_BIDS × n`) before it hands the
/// projects still unassigned to the shortest-path phase.
const AUCTION_BIDS: usize = 128;

/// [`scaled_prices`]: the first and last ε, as fractions of the range of costs, the factor between
/// successive ε, and the bids per project it may spend in all.
const SCALED_FIRST_EPS: f64 = 0.1;
const SCALED_FINAL_EPS: f64 = 1e-5;
const SCALED_FACTOR: f64 = 8.0;
const SCALED_BIDS: usize = 48;

/// Bids per project for the exact auction from warm prices (its price wars are short; the shortest
/// paths finish cheaply from near-equilibrium prices).
const WARM_BIDS: usize = 2;

/// The solver's compact copy of the market: per edge (indices as in [`Market::edges`], grouped by
/// project) its partner and its cost, per partner its usable capacity and its slots.
struct Net {
    n: usize,
    m: usize,
    /// Project `p`'s edges are `start[p]..start[p + 1]`.
    start: Vec<usize>,
    partner: Vec<u32>,
    /// The edge's cost value (its `unmatched` part is 0).
    cost: Vec<f64>,
    /// Capacity, capped at the partner's number of edges.
    capacity: Vec<u32>,
    /// Partner `q`'s members are `slots[slot_start[q]..slot_start[q] + count[q]]`.
    slot_start: Vec<usize>,
}

impl Net {
    fn new(market: &Market, minimize: bool) -> Net {
        let n = market.projects.len();
        let m = market.partners.len();
        let edges = market.edges();
        assert!(
            edges.len() < NONE as usize && n + m < NONE as usize,
            "the optimal assignment handles fewer than 2^32 edges and nodes"
        );
        let start: Vec<usize> = (0..n).map(|p| market.project_edge_range(p).start).chain([edges.len()]).collect();
        let partner = edges.iter().map(|e| e.partner as u32).collect();
        let cost = edges.iter().map(|e| if minimize { e.score } else { -e.score }).collect();
        let capacity: Vec<u32> =
            (0..m).map(|q| market.partners[q].capacity.min(market.partner_edges(q).len() as u32)).collect();
        let mut slot_start = Vec::with_capacity(m + 1);
        let mut total = 0;
        for &c in &capacity {
            slot_start.push(total);
            total += c as usize;
        }
        slot_start.push(total);
        Net { n, m, start, partner, cost, capacity, slot_start }
    }

    fn cost(&self, e: usize) -> Cost {
        Cost { unmatched: 0, value: self.cost[e] }
    }

    fn edges(&self, p: usize) -> std::ops::Range<usize> {
        self.start[p]..self.start[p + 1]
    }
}

/// The flow: each project's edge (or [`NONE`]) and each partner's members, in the order they came.
struct Flow {
    assigned: Vec<u32>,
    slots: Vec<u32>,
    count: Vec<u32>,
}

impl Flow {
    fn new(net: &Net) -> Flow {
        Flow { assigned: vec![NONE; net.n], slots: vec![NONE; net.slot_start[net.m]], count: vec![0; net.m] }
    }

    fn members(&self, net: &Net, q: usize) -> &[u32] {
        let s = net.slot_start[q];
        &self.slots[s..s + self.count[q] as usize]
    }

    fn full(&self, net: &Net, q: usize) -> bool {
        self.count[q] >= net.capacity[q]
    }

    /// Assigns project `p` by edge `e` (its partner has a free slot).
    fn assign(&mut self, net: &Net, p: usize, e: usize) {
        let q = net.partner[e] as usize;
        self.slots[net.slot_start[q] + self.count[q] as usize] = p as u32;
        self.count[q] += 1;
        self.assigned[p] = e as u32;
    }

    /// Unassigns project `p` (if assigned), keeping the order of its partner's other members.
    fn unassign(&mut self, net: &Net, p: usize) {
        let e = self.assigned[p];
        if e == NONE {
            return;
        }
        self.assigned[p] = NONE;
        let q = net.partner[e as usize] as usize;
        let s = net.slot_start[q];
        let c = self.count[q] as usize;
        let list = &mut self.slots[s..s + c];
        let at = list.iter().position(|&x| x == p as u32).expect("an assigned project is a member");
        list.copy_within(at + 1.., at);
        self.count[q] -= 1;
    }
}

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
fn auction(net: &Net, dummy: Cost, bids: usize, pi: &mut [Cost], flow: &mut Flow) -> Vec<usize> {
    let n = net.n;
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
        for e in net.edges(p) {
            let c = net.cost(e).sub(pi[n + net.partner[e] as usize]);
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
        let j = net.partner[e] as usize;
        if !b.lt(&dummy) || net.capacity[j] == 0 {
            // Unmatched at best: left to the shortest-path phase.
            skipped[p] = true;
            continue;
        }
        if net.capacity[j] > 1 {
            if !flow.full(net, j) {
                flow.assign(net, p, e);
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
        let holder = flow.members(net, j).first().map(|&x| x as usize);
        if holder.is_some() && raise.cmp(&Cost::ZERO) != Ordering::Greater {
            // A tie: take the second best instead when it has a free slot.
            if let Some((s2, e2)) = second
                && !b.lt(&s2)
            {
                let j2 = net.partner[e2] as usize;
                if !flow.full(net, j2) {
                    flow.assign(net, p, e2);
                    continue;
                }
            }
        }
        pi[n + j] = pi[n + j].sub(raise);
        if let Some(old) = holder {
            flow.unassign(net, old);
            if raise.cmp(&Cost::ZERO) == Ordering::Greater {
                queue.push_front(old);
            } else {
                queue.push_back(old);
            }
        }
        flow.assign(net, p, e);
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

/// A node of the shortest-path searches: its potential, and its label in the current search.
#[derive(Debug, Clone, Copy)]
struct Node {
    pi: Cost,
    dist: Cost,
    /// `stamp` when labelled in the current search, `stamp + 1` when settled; anything else: unlabelled.
    mark: u32,
    /// A partner: the edge it was reached by. A project: the partner it leaves. The sink: the partner
    /// (node) with a free slot, or the project (node) that goes unmatched.
    pred: u32,
}

/// [`min_cost_assignment`] with `bids` bids per project for the initial auction (0: shortest paths only).
fn solve_flow(market: &Market, options: OptimalOptions, bids: usize) -> Assignment {
    let max_matches = options.max_matches || options.minimize;
    let net = Net::new(market, options.minimize);
    let dummy = Cost { unmatched: i64::from(max_matches), value: 0.0 };
    let warm = if max_matches && bids > 0 { scaled_prices(&net) } else { None };
    if let Some(prices) = warm
        && let Some(assignment) = exact(market, &net, dummy, WARM_BIDS, Some(&prices))
    {
        return assignment;
    }
    exact(market, &net, dummy, bids, None).expect("from zero prices the flow is optimal")
}

/// The exact phases: the auction, then shortest paths. From `warm` partner prices (the flow then
/// charges a free partner its warm price: see [`scaled_prices`]), `None` when the result cannot be
/// certified optimal for the true costs.
fn exact(market: &Market, net: &Net, dummy: Cost, bids: usize, warm: Option<&[f64]>) -> Option<Assignment> {
    let (n, m) = (net.n, net.m);
    let sink = n + m;
    let mut pi = vec![Cost::ZERO; n + m + 1];
    // A free partner's arc to the sink costs its warm price.
    let mut exit = vec![Cost::ZERO; m];
    if let Some(prices) = warm {
        for (q, &price) in prices.iter().enumerate() {
            pi[n + q] = Cost { unmatched: 0, value: -price };
            exit[q] = Cost { unmatched: 0, value: price };
        }
    }
    let mut flow = Flow::new(net);
    let pending = auction(net, dummy, bids, &mut pi, &mut flow);
    // Project potentials: the cheapest reduced cost out of each project (its matched edge, when it has one).
    for p in 0..n {
        let mut lo = dummy;
        for e in net.edges(p) {
            let c = net.cost(e).sub(pi[n + net.partner[e] as usize]);
            if c.lt(&lo) {
                lo = c;
            }
        }
        pi[p] = Cost::ZERO.sub(lo);
    }
    let mut nodes: Vec<Node> = pi.iter().map(|&pi| Node { pi, dist: Cost::INF, mark: 0, pred: NONE }).collect();
    drop(pi);
    let mut settled: Vec<u32> = Vec::new();
    let mut heap: BinaryHeap<Entry> = BinaryHeap::new();
    let mut stamp = 0u32;
    for start in pending {
        stamp += 2;
        let done = stamp + 1;
        settled.clear();
        heap.clear();
        nodes[start].dist = Cost::ZERO;
        nodes[start].mark = stamp;
        nodes[start].pred = NONE;
        heap.push(Entry(Cost::ZERO, start as u32));
        let pi_sink = nodes[sink].pi;
        // Settled nodes stay settled (a rounding error must not break the tree).
        let relax = |nodes: &mut [Node], heap: &mut BinaryHeap<Entry>, v: usize, d: Cost, pred: u32| {
            let node = &mut nodes[v];
            if node.mark != done && (node.mark != stamp || d.lt(&node.dist)) {
                node.mark = stamp;
                node.dist = d;
                node.pred = pred;
                heap.push(Entry(d, v as u32));
            }
        };
        while let Some(Entry(d, u)) = heap.pop() {
            let u = u as usize;
            let node = &mut nodes[u];
            if node.mark != stamp || node.dist.cmp(&d) != Ordering::Equal {
                continue;
            }
            node.mark = done;
            let pu = node.pi;
            settled.push(u as u32);
            if u == sink {
                break;
            }
            if u < n {
                // A project: to its other partners, or unmatched.
                let current = flow.assigned[u] as usize;
                let base = d.add(pu);
                for e in net.edges(u) {
                    if e == current {
                        continue;
                    }
                    let j = n + net.partner[e] as usize;
                    let nd = base.add(net.cost(e)).sub(nodes[j].pi);
                    relax(&mut nodes, &mut heap, j, nd, e as u32);
                }
                relax(&mut nodes, &mut heap, sink, d.add(dummy.add(pu).sub(pi_sink)), u as u32);
            } else {
                // A partner: a free slot, or push one of its projects elsewhere.
                let q = u - n;
                if !flow.full(net, q) {
                    relax(&mut nodes, &mut heap, sink, d.add(exit[q].add(pu).sub(pi_sink)), u as u32);
                }
                for &p in flow.members(net, q) {
                    let p = p as usize;
                    let e = flow.assigned[p] as usize;
                    let rc = Cost::ZERO.sub(net.cost(e)).add(pu).sub(nodes[p].pi);
                    relax(&mut nodes, &mut heap, p, d.add(rc), q as u32);
                }
            }
        }
        debug_assert!(nodes[sink].mark == done, "the unmatched arc always reaches the sink");
        let total = nodes[sink].dist;
        for &v in &settled {
            let node = &mut nodes[v as usize];
            if node.dist.lt(&total) {
                node.pi = node.pi.add(node.dist).sub(total);
            }
        }
        // Augment along the path, from the sink back to the start.
        let mut v = sink;
        loop {
            let pred = nodes[v].pred as usize;
            if v == sink {
                if pred < n {
                    // Unmatched.
                    flow.unassign(net, pred);
                }
                v = pred;
            } else if v >= n {
                // A partner, reached by edge `pred` of its project.
                let p = market.edges()[pred].project;
                flow.unassign(net, p);
                flow.assign(net, p, pred);
                v = p;
            } else {
                // A project, reached from its partner `pred`.
                v = n + pred;
            }
            if v == start {
                break;
            }
        }
    }
    if warm.is_some() && !certified(net, &flow, &nodes, dummy) {
        return None;
    }
    Some(Assignment::new(flow.assigned.iter().map(|&e| (e != NONE).then_some(e as usize)).collect()))
}

/// Whether the flow is optimal for the true costs (a free partner's arc to the sink costing 0): every
/// arc but those at the sink has a non-negative reduced cost (the shortest paths keep that), so it is
/// when some sink potential `t` makes those at the sink non-negative too: `t ≥` the potential of every
/// partner with a member and of every unmatched project's unmatched arc, `t ≤` that of every partner
/// with a free slot and of every matched project's unmatched arc.
fn certified(net: &Net, flow: &Flow, nodes: &[Node], dummy: Cost) -> bool {
    let n = net.n;
    let mut lower = Cost { unmatched: i64::MIN, value: f64::NEG_INFINITY };
    let mut upper = Cost::INF;
    let mut bound = |c: Cost, below: bool| {
        if below {
            if lower.lt(&c) {
                lower = c;
            }
        } else if c.lt(&upper) {
            upper = c;
        }
    };
    for q in 0..net.m {
        let pi = nodes[n + q].pi;
        if flow.count[q] > 0 {
            bound(pi, true);
        }
        if flow.count[q] < net.capacity[q] {
            bound(pi, false);
        }
    }
    for (p, &e) in flow.assigned.iter().enumerate() {
        bound(dummy.add(nodes[p].pi), e == NONE);
    }
    !upper.lt(&lower)
}

/// Warm partner prices for a balanced market (capacities at most 1, as many partner slots as
/// projects): a forward auction with ε-scaling (Bertsekas, *The auction algorithm*, 1988), in which
/// every project must take a partner. `None` when the market is not balanced or the auction runs out
/// of bids (no perfect matching). Only the prices are kept: the exact phases start from them, a free
/// partner's arc to the sink costing its price, which changes the cost of every flow that fills all
/// partners by the same amount; [`certified`] checks the result against the true costs.
fn scaled_prices(net: &Net) -> Option<Vec<f64>> {
    let (n, m) = (net.n, net.m);
    let slots: usize = net.capacity.iter().map(|&c| c as usize).sum();
    if n == 0 || slots != n || net.capacity.iter().any(|&c| c > 1) || (0..n).any(|p| net.edges(p).is_empty()) {
        return None;
    }
    let (lo, hi) = net.cost.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &c| (a.min(c), b.max(c)));
    let range = hi - lo;
    if !range.is_finite() || range <= 0.0 {
        return None;
    }
    let mut price = vec![0.0f64; m];
    let mut holder = vec![NONE; m];
    let mut queue: std::collections::VecDeque<u32> = std::collections::VecDeque::with_capacity(n);
    let final_eps = range * SCALED_FINAL_EPS;
    let mut eps = range * SCALED_FIRST_EPS;
    let mut budget = SCALED_BIDS.saturating_mul(n);
    loop {
        holder.fill(NONE);
        queue.clear();
        queue.extend(0..n as u32);
        while let Some(p) = queue.pop_front() {
            if budget == 0 {
                return None;
            }
            budget -= 1;
            let (mut b, mut s, mut bj) = (f64::INFINITY, f64::INFINITY, NONE);
            for e in net.edges(p as usize) {
                let j = net.partner[e];
                let v = net.cost[e] + price[j as usize];
                if v < b {
                    s = b;
                    b = v;
                    bj = j;
                } else if v < s {
                    s = v;
                }
            }
            let gap = if s.is_finite() { s - b } else { range };
            let j = bj as usize;
            price[j] += gap + eps;
            let old = std::mem::replace(&mut holder[j], p);
            if old != NONE {
                queue.push_back(old);
            }
        }
        if eps <= final_eps {
            break;
        }
        eps = (eps / SCALED_FACTOR).max(final_eps);
    }
    let least = price.iter().copied().fold(f64::INFINITY, f64::min);
    Some(price.iter().map(|&x| x - least).collect())
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
    use crate::matching::tests::xorshift;
    use crate::matching::{MarketPartner, MarketProject};

    /// A deterministic pseudo-random market: `n` projects, `m` partners of capacity up to `cap`
    /// (0 included when `cap` > 1), about `degree` edges per project, scores on a coarse grid (ties).
    fn market(seed: u64, n: usize, m: usize, cap: u32, degree: usize) -> Market {
        let mut next = xorshift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
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

    /// A balanced market: `n` projects and `n` partners of capacity 1, each project with a random
    /// permutation's partner and about `degree` more; scores on `levels` levels (ties when few). Without
    /// `perfect`, projects 0 and 1 both have partner 0 alone (project 2 takes over their permutation
    /// partners): every partner has an edge, but some project cannot be matched.
    fn balanced(seed: u64, n: usize, degree: usize, levels: u64, perfect: bool) -> Market {
        let mut next = xorshift(seed.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let projects = (0..n).map(|p| MarketProject { id: format!("P{p:04}"), institution: String::new() }).collect();
        let partners = (0..n)
            .map(|q| MarketPartner { id: format!("Q{q:04}"), capacity: 1, budget: None, active: false, sector: None })
            .collect();
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            perm.swap(i, next(i as u64 + 1) as usize);
        }
        let mut lists: Vec<Vec<usize>> = (0..n).map(|p| vec![perm[p]]).collect();
        for list in &mut lists {
            for _ in 0..degree {
                let q = next(n as u64) as usize;
                if !list.contains(&q) {
                    list.push(q);
                }
            }
        }
        if !perfect {
            for q in [perm[0], perm[1]] {
                if !lists[2].contains(&q) {
                    lists[2].push(q);
                }
            }
            lists[0] = vec![0];
            lists[1] = vec![0];
        }
        let mut pairs = Vec::new();
        for (p, list) in lists.iter().enumerate() {
            for &q in list {
                pairs.push((p, q, next(levels) as f64 / levels as f64, 1.0));
            }
        }
        Market::from_scores(projects, partners, &pairs).unwrap()
    }

    #[test]
    fn warm_prices_keep_the_optimum() {
        let modes = [
            OptimalOptions { max_matches: true, ..OptimalOptions::default() },
            OptimalOptions { minimize: true, ..OptimalOptions::default() },
        ];
        let mut certified_warm = 0;
        let mut perfect_runs = 0;
        for seed in 0..60u64 {
            let n = [30, 60, 200][seed as usize % 3];
            let degree = [1, 2, 4, 8][seed as usize % 4];
            let levels = if seed % 2 == 0 { 20 } else { 1_000_000 };
            for perfect in [true, false] {
                let market = balanced(seed, n, degree, levels, perfect);
                for options in modes {
                    let reference = value(&market, &solve_flow(&market, options, 0));
                    let got = value(&market, &solve_flow(&market, options, AUCTION_BIDS));
                    assert_eq!(got.0, reference.0, "seed {seed}, perfect {perfect}, {options:?}: matched");
                    assert_eq!(reference.0 == n, perfect, "seed {seed}: a perfect matching exists iff built so");
                    assert!(
                        (got.1 - reference.1).abs() < 1e-9,
                        "seed {seed}, perfect {perfect}, {options:?}: {got:?} vs {reference:?}"
                    );
                    // The warm path alone, when it certifies its result.
                    let net = Net::new(&market, options.minimize);
                    let dummy = Cost { unmatched: 1, value: 0.0 };
                    if let Some(prices) = scaled_prices(&net)
                        && let Some(a) = exact(&market, &net, dummy, WARM_BIDS, Some(&prices))
                    {
                        let warm = value(&market, &a);
                        assert_eq!(warm.0, reference.0, "seed {seed}, perfect {perfect}, {options:?}: warm matched");
                        assert!((warm.1 - reference.1).abs() < 1e-9, "seed {seed}: warm {warm:?} vs {reference:?}");
                        certified_warm += 1;
                    }
                    perfect_runs += usize::from(perfect);
                }
            }
        }
        // The warm path is taken (the comparisons above would not test it otherwise).
        assert!(certified_warm * 10 >= perfect_runs * 9, "{certified_warm} of {perfect_runs}");
    }

    /// A free partner whose warm price is above a used partner's fails the certificate (the project
    /// would rather move to it), so the warm path gives up there.
    #[test]
    fn the_certificate_rejects_a_costly_free_partner() {
        // P0 scores Q0 0.9 and Q1 0.1; Q0's warm price of 10 makes the shifted flow take Q1.
        let projects = vec![MarketProject { id: "P0".into(), institution: String::new() }];
        let partners = (0..2)
            .map(|q| MarketPartner { id: format!("Q{q}"), capacity: 1, budget: None, active: false, sector: None })
            .collect();
        let market = Market::from_scores(projects, partners, &[(0, 0, 0.9, 1.0), (0, 1, 0.1, 1.0)]).unwrap();
        let net = Net::new(&market, false);
        let dummy = Cost { unmatched: 1, value: 0.0 };
        assert!(exact(&market, &net, dummy, WARM_BIDS, Some(&[10.0, 0.0])).is_none());
        assert!(exact(&market, &net, dummy, 0, Some(&[10.0, 0.0])).is_none());
        let options = OptimalOptions { max_matches: true, ..OptimalOptions::default() };
        assert_eq!(value(&market, &solve_flow(&market, options, AUCTION_BIDS)), (1, 0.9));
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
                let net = Net::new(&market, false);
                let mut pi = vec![Cost::ZERO; n + m + 1];
                let mut flow = Flow::new(&net);
                let pending = auction(&net, Cost::ZERO, 8, &mut pi, &mut flow);
                assigned_by_auction += n - pending.len();
            }
        }
        // The phase does real work (the comparison above would pass trivially otherwise).
        assert!(assigned_by_auction > 1000, "{assigned_by_auction}");
    }
}
