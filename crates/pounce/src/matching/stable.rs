//! Stable matching: hospital–residents deferred acceptance, and a blocking-pair check.
//!
//! Projects play the residents (each takes at most one partner) and partners the hospitals (each
//! takes at most `capacity` projects). A matching is *stable* when no feasible pair (an edge of the
//! [`Market`]) would both rather be together than keep what they have. [`deferred_acceptance`] finds
//! one, optimal for the proposing side; [`blocking_pairs`] checks any assignment.
//!
//! # Ties
//!
//! Ranks may tie (equal `project_rank` or `partner_rank`). Deferred acceptance breaks every tie by the
//! other side's id order ([`Market::partner_order`], [`Market::project_order`]), the orders in which
//! [`Market::project_edges`] and [`Market::partner_edges`] are already sorted, and solves the resulting
//! strict instance. A matching stable for a strict refinement of the preferences is *weakly stable*
//! for the preferences with ties (Irving, Manlove & Scott 2000): no pair both of whose members
//! *strictly* prefer each other. Which weakly stable matching is found depends on the tie-breaking;
//! with ties, weakly stable matchings may differ in size, and finding the largest is NP-hard
//! (Manlove et al. 2002), so no claim of maximum size is made.
//!
//! # References
//!
//! * D. Gale and L. S. Shapley, "College admissions and the stability of marriage", *American
//!   Mathematical Monthly* 69 (1962) 9–15.
//! * A. E. Roth, "The evolution of the labor market for medical interns and residents: a case study in
//!   game theory", *Journal of Political Economy* 92 (1984) 991–1016.
//! * A. E. Roth, "On the allocation of residents to rural hospitals: a general property of two-sided
//!   matching markets", *Econometrica* 54 (1986) 425–427.
//! * D. Gusfield and R. W. Irving, *The Stable Marriage Problem: Structure and Algorithms*, MIT Press
//!   (1989), chapter 1 (hospitals/residents).
//! * R. W. Irving, D. F. Manlove and S. Scott, "The hospitals/residents problem with ties", SWAT 2000,
//!   LNCS 1851, 259–271.
//! * D. F. Manlove, R. W. Irving, K. Iwama, S. Miyazaki and Y. Morita, "Hard variants of stable
//!   marriage", *Theoretical Computer Science* 276 (2002) 261–279.

use super::{Assignment, Market, Proposer};

/// Deferred acceptance with partner capacities. Projects propose (project-optimal stable matching) or
/// partners propose (partner-optimal). Ties in either side's ranks are broken deterministically: by the
/// other side's id order (`market.partner_order(q)` / `market.project_order(p)`), so the result is a
/// weakly stable matching of the instance with ties (no pair both of whose members strictly prefer each
/// other). Incomplete lists: only `market.edges()` are acceptable pairs.
///
/// With [`Proposer::Projects`] this is the resident-proposing hospital–residents algorithm (Gale &
/// Shapley 1962; Roth 1984; Gusfield & Irving 1989): every unmatched project proposes to its next
/// partner; a partner holds its best `capacity` proposals and rejects the worst. Every project gets
/// the best partner it has in any stable matching of the tie-broken instance, every partner the worst
/// set. With [`Proposer::Partners`] partners propose down their lists to fill their capacity and a
/// project holds its best proposal: the partner-optimal, project-pessimal stable matching.
///
/// Both results are stable for the same tie-broken instance, so by the rural hospitals theorem (Roth
/// 1986) they match the same projects, give every partner the same
/// number of projects, and give a partner below capacity the very same projects. A partner of
/// capacity 0 takes nobody.
///
/// The result does not depend on the order of the edges given to [`Market::new`] nor on the indices
/// of projects and partners, only on ids and ranks.
///
/// # Complexity
///
/// **O(P + Q + E log C)** time and **O(P + Q + E)** memory, for P projects, Q partners, E edges and
/// C the largest capacity (at most the partner's list length): every edge is proposed at most once.
/// With projects proposing, each partner keeps the projects it holds in a binary max-heap on its
/// (tie-broken) rank, so its worst is at hand and replacing it costs O(log C); with partners
/// proposing, a project compares a proposal with the one it holds in O(1).
///
/// # Example
///
/// ```
/// use pounce::matching::stable::{count_blocking_pairs, deferred_acceptance};
/// use pounce::matching::{Edge, Market, MarketPartner, MarketProject, Proposer};
///
/// let projects = ["p1", "p2"].map(|id| MarketProject { id: id.into(), institution: String::new() }).to_vec();
/// let partners = ["q1"].map(|id| MarketPartner { id: id.into(), capacity: 1, budget: None, active: true, sector: None }).to_vec();
/// // Both projects want q1, which prefers p2.
/// let edge = |project, partner_rank| Edge { project, partner: 0, score: 1.0, hours: 0.0, project_rank: 1, partner_rank };
/// let market = Market::new(projects, partners, vec![edge(0, 2), edge(1, 1)]).unwrap();
/// let a = deferred_acceptance(&market, Proposer::Projects);
/// assert_eq!((a.partner_of(&market, 0), a.partner_of(&market, 1)), (None, Some(0)));
/// assert_eq!(count_blocking_pairs(&market, &a), 0);
/// ```
pub fn deferred_acceptance(market: &Market, proposer: Proposer) -> Assignment {
    match proposer {
        Proposer::Projects => projects_propose(market),
        Proposer::Partners => partners_propose(market),
    }
}

/// Resident-proposing deferred acceptance.
///
/// A partner's strict (tie-broken) order of projects is by the key `(partner_rank, project_order)`,
/// the order of [`Market::partner_edges`]. Each partner keeps the projects it holds in a max-heap on
/// that key, in a flat array with `min(capacity, list length)` slots per partner, so the worst held
/// project is at the top.
fn projects_propose(market: &Market) -> Assignment {
    let edges = market.edges();
    let np = market.projects.len();
    let nq = market.partners.len();
    let capacity: Vec<u32> = market.partners.iter().map(|q| q.capacity).collect();
    // Where each partner's heap starts. A partner never holds more projects than its list names.
    let mut start = Vec::with_capacity(nq);
    let mut total = 0usize;
    for (q, &cap) in capacity.iter().enumerate() {
        start.push(total);
        total += market.partner_edges(q).len().min(cap as usize);
    }
    let mut heap: Vec<(u64, usize)> = vec![(0, 0); total];
    let mut load = vec![0u32; nq];
    let mut next: Vec<usize> = (0..np).map(|p| market.project_edge_range(p).start).collect();
    let mut out: Vec<Option<usize>> = vec![None; np];
    // Free projects; popped in ascending index order at first (the result does not depend on it).
    let mut free: Vec<usize> = (0..np).rev().collect();
    while let Some(p) = free.pop() {
        let end = market.project_edge_range(p).end;
        let order = u64::from(market.project_order(p));
        while next[p] < end {
            let e = next[p];
            next[p] += 1;
            let q = edges[e].partner;
            let key = u64::from(edges[e].partner_rank) << 32 | order;
            let (base, len) = (start[q], load[q] as usize);
            if load[q] < capacity[q] {
                sift_up(&mut heap[base..=base + len], (key, p));
                load[q] += 1;
                out[p] = Some(e);
                break;
            }
            if len > 0 && key < heap[base].0 {
                // Full, and p beats the worst held project: it takes the worst one's place.
                let loser = heap[base].1;
                out[loser] = None;
                free.push(loser);
                sift_down(&mut heap[base..base + len], (key, p));
                out[p] = Some(e);
                break;
            }
            // Rejected: try the next partner.
        }
    }
    Assignment::new(out)
}

/// Adds `item` as the last element of the max-heap `h[..h.len() - 1]`.
fn sift_up(h: &mut [(u64, usize)], item: (u64, usize)) {
    let mut i = h.len() - 1;
    while i > 0 {
        let parent = (i - 1) / 2;
        if h[parent].0 >= item.0 {
            break;
        }
        h[i] = h[parent];
        i = parent;
    }
    h[i] = item;
}

/// Replaces the top of the max-heap `h` by `item`.
fn sift_down(h: &mut [(u64, usize)], item: (u64, usize)) {
    let mut i = 0;
    loop {
        let mut child = 2 * i + 1;
        if child >= h.len() {
            break;
        }
        if child + 1 < h.len() && h[child + 1].0 > h[child].0 {
            child += 1;
        }
        if h[child].0 <= item.0 {
            break;
        }
        h[i] = h[child];
        i = child;
    }
    h[i] = item;
}

/// Hospital-proposing deferred acceptance. A project's edges are contiguous and sorted by its
/// (tie-broken) preference, so it prefers edge `e` to edge `h` exactly when `e < h`.
fn partners_propose(market: &Market) -> Assignment {
    let edges = market.edges();
    let nq = market.partners.len();
    let mut out: Vec<Option<usize>> = vec![None; market.projects.len()];
    let mut load = vec![0u32; nq];
    let mut next = vec![0usize; nq];
    // Partners that may have room left; a partner is pushed again each time it loses a project.
    let mut active: Vec<usize> = (0..nq).rev().collect();
    while let Some(q) = active.pop() {
        let list = market.partner_edges(q);
        let capacity = market.partners[q].capacity;
        while load[q] < capacity && next[q] < list.len() {
            let e = list[next[q]];
            next[q] += 1;
            let p = edges[e].project;
            match out[p] {
                None => {
                    out[p] = Some(e);
                    load[q] += 1;
                }
                Some(h) if e < h => {
                    out[p] = Some(e);
                    load[q] += 1;
                    let r = edges[h].partner;
                    load[r] -= 1;
                    active.push(r);
                }
                Some(_) => {}
            }
        }
    }
    Assignment::new(out)
}

/// A pair that blocks an assignment: both would strictly rather be matched together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BlockingPair {
    /// Project index.
    pub project: usize,
    /// Partner index.
    pub partner: usize,
    /// The pair's edge (index into [`Market::edges`]).
    pub edge: usize,
}

/// Every blocking pair of `assignment` in `market` (weak stability, with ties: a pair (p, q) is
/// blocking when it is an edge, not matched together, p is unmatched or strictly prefers q to its
/// partner (smaller project_rank), and q has a free slot (load < capacity) or strictly prefers p to
/// the worst project it holds (smaller partner_rank than the largest partner_rank among its projects)).
/// O(E).
///
/// An assignment is weakly stable (Irving, Manlove & Scott 2000) exactly when this is empty. Pairs
/// come by project index, then in the project's preference order. A partner of capacity 0 never
/// blocks. The assignment need not respect capacities: an overfull partner blocks only with projects
/// it prefers to its worst.
///
/// # Complexity
///
/// **O(P + Q + E)** time, O(Q) extra memory.
///
/// # Panics
///
/// When `assignment.edges` is shorter than the number of projects or names an edge not in `market`.
pub fn blocking_pairs(market: &Market, assignment: &Assignment) -> Vec<BlockingPair> {
    let mut out = Vec::new();
    for_each_blocking_pair(market, assignment, |b| out.push(b));
    out
}

/// The number of blocking pairs.
///
/// Zero exactly when `assignment` is weakly stable; see [`blocking_pairs`]. **O(P + Q + E)**, without
/// allocating the pairs.
pub fn count_blocking_pairs(market: &Market, assignment: &Assignment) -> usize {
    let mut n = 0;
    for_each_blocking_pair(market, assignment, |_| n += 1);
    n
}

fn for_each_blocking_pair(market: &Market, assignment: &Assignment, mut f: impl FnMut(BlockingPair)) {
    let edges = market.edges();
    let nq = market.partners.len();
    let mut load = vec![0u32; nq];
    // The largest partner_rank among a partner's projects; 0 (better than any rank) when it has none.
    let mut worst = vec![0u32; nq];
    for &e in assignment.edges[..market.projects.len()].iter().flatten() {
        let q = edges[e].partner;
        load[q] += 1;
        worst[q] = worst[q].max(edges[e].partner_rank);
    }
    for (p, &current) in assignment.edges[..market.projects.len()].iter().enumerate() {
        let current_rank = current.map(|c| edges[c].project_rank);
        for e in market.project_edge_range(p) {
            let edge = &edges[e];
            // Edges come by ascending project rank: from here on p does not strictly prefer q.
            if current_rank.is_some_and(|r| edge.project_rank >= r) {
                break;
            }
            let q = edge.partner;
            if load[q] < market.partners[q].capacity || edge.partner_rank < worst[q] {
                f(BlockingPair { project: p, partner: q, edge: e });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::{Edge, MarketPartner, MarketProject};
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn project(id: String) -> MarketProject {
        MarketProject { id, institution: String::new() }
    }

    fn partner(id: String, capacity: u32) -> MarketPartner {
        MarketPartner { id, capacity, budget: None, active: true, sector: None }
    }

    fn edge(project: usize, partner: usize, project_rank: u32, partner_rank: u32) -> Edge {
        Edge { project, partner, score: 1.0, hours: 0.0, project_rank, partner_rank }
    }

    /// A random instance in plain form, so it can be rebuilt under relabelings.
    #[derive(Debug, Clone)]
    struct Instance {
        /// Project ids (distinct; their order differs from index order).
        project_ids: Vec<String>,
        /// Partner ids and capacities.
        partners: Vec<(String, u32)>,
        /// (project, partner, project_rank, partner_rank).
        edges: Vec<(usize, usize, u32, u32)>,
    }

    impl Instance {
        fn market(&self) -> Market {
            Market::new(
                self.project_ids.iter().cloned().map(project).collect(),
                self.partners.iter().map(|(id, c)| partner(id.clone(), *c)).collect(),
                self.edges.iter().map(|&(p, q, rp, rq)| edge(p, q, rp, rq)).collect(),
            )
            .unwrap()
        }
    }

    fn ids(prefix: &str, perm: &[usize]) -> Vec<String> {
        perm.iter().map(|i| format!("{prefix}{i:02}")).collect()
    }

    /// Instances with ties (ranks in 1..=max_rank), incomplete lists and capacities 0..=3.
    fn tied_instance(max_projects: usize, max_partners: usize, max_rank: u32) -> impl Strategy<Value = Instance> {
        (0..=max_projects, 0..=max_partners).prop_flat_map(move |(np, nq)| {
            (
                Just((0..np).collect::<Vec<_>>()).prop_shuffle(),
                Just((0..nq).collect::<Vec<_>>()).prop_shuffle(),
                proptest::collection::vec(0..=3u32, nq),
                proptest::collection::vec(proptest::option::weighted(0.6, (1..=max_rank, 1..=max_rank)), np * nq),
            )
                .prop_map(move |(pperm, qperm, caps, pairs)| Instance {
                    project_ids: ids("p", &pperm),
                    partners: ids("q", &qperm).into_iter().zip(caps).collect(),
                    edges: pairs
                        .iter()
                        .enumerate()
                        .filter_map(|(k, r)| r.map(|(rp, rq)| (k / nq, k % nq, rp, rq)))
                        .collect(),
                })
        })
    }

    /// Instances with strict preferences (each side's ranks a permutation), incomplete lists and
    /// capacities 0..=2; small enough to enumerate every matching.
    fn strict_instance() -> impl Strategy<Value = Instance> {
        (1..=5usize, 1..=3usize).prop_flat_map(|(np, nq)| {
            (
                Just((0..np).collect::<Vec<_>>()).prop_shuffle(),
                Just((0..nq).collect::<Vec<_>>()).prop_shuffle(),
                proptest::collection::vec(0..=2u32, nq),
                proptest::collection::vec(proptest::bool::weighted(0.75), np * nq),
                proptest::collection::vec(Just((0..nq).collect::<Vec<_>>()).prop_shuffle(), np),
                proptest::collection::vec(Just((0..np).collect::<Vec<_>>()).prop_shuffle(), nq),
            )
                .prop_map(move |(pperm, qperm, caps, acceptable, prank, qrank)| Instance {
                    project_ids: ids("p", &pperm),
                    partners: ids("q", &qperm).into_iter().zip(caps).collect(),
                    edges: (0..np * nq)
                        .filter(|&k| acceptable[k])
                        .map(|k| {
                            let (p, q) = (k / nq, k % nq);
                            (p, q, prank[p][q] as u32 + 1, qrank[q][p] as u32 + 1)
                        })
                        .collect(),
                })
        })
    }

    /// Blocking pairs straight from the definition, without the sorted lists (O(E·P)).
    fn naive_blocking(market: &Market, a: &Assignment) -> Vec<BlockingPair> {
        let edges = market.edges();
        let mut out = Vec::new();
        for (e, edge) in edges.iter().enumerate() {
            let (p, q) = (edge.project, edge.partner);
            if a.edges[p] == Some(e) {
                continue;
            }
            let p_wants = a.edges[p].is_none_or(|c| edge.project_rank < edges[c].project_rank);
            let held: Vec<usize> =
                (0..market.projects.len()).filter_map(|r| a.edges[r].filter(|&c| edges[c].partner == q)).collect();
            let q_wants = (held.len() as u32) < market.partners[q].capacity
                || held.iter().any(|&c| edge.partner_rank < edges[c].partner_rank);
            if p_wants && q_wants {
                out.push(BlockingPair { project: p, partner: q, edge: e });
            }
        }
        out.sort_by_key(|b| (b.project, market.project_edge_range(b.project).position(|e| e == b.edge)));
        out
    }

    /// Checks that the assignment is well formed and within capacities.
    fn assert_feasible(market: &Market, a: &Assignment) {
        assert_eq!(a.edges.len(), market.projects.len());
        for (p, e) in a.edges.iter().enumerate() {
            if let Some(e) = *e {
                assert_eq!(market.edges()[e].project, p, "project {p} got another project's edge");
            }
        }
        for (q, load) in a.loads(market).into_iter().enumerate() {
            assert!(load <= market.partners[q].capacity, "partner {q} over capacity");
        }
    }

    /// Every feasible matching (each project unmatched or on one of its edges, within capacities).
    fn all_matchings(market: &Market) -> Vec<Assignment> {
        fn go(market: &Market, p: usize, a: &mut Assignment, load: &mut [u32], out: &mut Vec<Assignment>) {
            if p == market.projects.len() {
                out.push(a.clone());
                return;
            }
            a.edges[p] = None;
            go(market, p + 1, a, load, out);
            for e in market.project_edge_range(p) {
                let q = market.edges()[e].partner;
                if load[q] < market.partners[q].capacity {
                    load[q] += 1;
                    a.edges[p] = Some(e);
                    go(market, p + 1, a, load, out);
                    load[q] -= 1;
                }
            }
            a.edges[p] = None;
        }
        let mut out = Vec::new();
        go(market, 0, &mut Assignment::empty(market.projects.len()), &mut vec![0; market.partners.len()], &mut out);
        out
    }

    fn stable_matchings(market: &Market) -> Vec<Assignment> {
        all_matchings(market).into_iter().filter(|a| naive_blocking(market, a).is_empty()).collect()
    }

    /// The project's rank of its partner; unmatched is worst.
    fn project_rank_of(market: &Market, a: &Assignment, p: usize) -> u32 {
        a.edges[p].map_or(u32::MAX, |e| market.edges()[e].project_rank)
    }

    /// A partner's ranks of its projects, best first.
    fn partner_ranks_of(market: &Market, a: &Assignment, q: usize) -> Vec<u32> {
        let mut r: Vec<u32> = a
            .edges
            .iter()
            .flatten()
            .filter(|&&e| market.edges()[e].partner == q)
            .map(|&e| market.edges()[e].partner_rank)
            .collect();
        r.sort_unstable();
        r
    }

    fn pairs_by_id(market: &Market, a: &Assignment) -> BTreeSet<(String, String)> {
        (0..market.projects.len())
            .filter_map(|p| {
                a.partner_of(market, p).map(|q| (market.projects[p].id.clone(), market.partners[q].id.clone()))
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Both proposers give feasible, weakly stable matchings on instances with ties, and (rural
        /// hospitals, both being stable for the same tie-broken instance) match the same projects
        /// and load every partner alike.
        #[test]
        fn weakly_stable_with_ties(inst in tied_instance(12, 6, 3)) {
            let market = inst.market();
            let a = deferred_acceptance(&market, Proposer::Projects);
            let b = deferred_acceptance(&market, Proposer::Partners);
            assert_feasible(&market, &a);
            assert_feasible(&market, &b);
            prop_assert_eq!(blocking_pairs(&market, &a), vec![]);
            prop_assert_eq!(blocking_pairs(&market, &b), vec![]);
            prop_assert_eq!(count_blocking_pairs(&market, &a), 0);
            let matched = |x: &Assignment| x.edges.iter().map(Option::is_some).collect::<Vec<_>>();
            prop_assert_eq!(matched(&a), matched(&b));
            prop_assert_eq!(a.loads(&market), b.loads(&market));
        }

        /// `blocking_pairs` agrees with the definition on arbitrary (mostly unstable) assignments.
        #[test]
        fn blocking_pairs_match_the_definition(inst in tied_instance(8, 4, 3), picks in proptest::collection::vec(0..8usize, 8)) {
            let market = inst.market();
            let mut a = Assignment::empty(market.projects.len());
            for (p, slot) in a.edges.iter_mut().enumerate() {
                let range = market.project_edge_range(p);
                // 0 is unmatched, k the k-th edge; capacities may be exceeded.
                let k = picks[p] % (range.len() + 1);
                *slot = (k > 0).then(|| range.start + k - 1);
            }
            let fast = blocking_pairs(&market, &a);
            prop_assert_eq!(fast.len(), count_blocking_pairs(&market, &a));
            prop_assert_eq!(fast, naive_blocking(&market, &a));
        }

        /// Strict preferences: the project-proposing result gives every project its best partner over
        /// all stable matchings (found by enumeration) and every partner its worst; the
        /// partner-proposing result the reverse. Rural hospitals: every stable matching matches the
        /// same projects, loads partners alike, and gives an undersubscribed partner the same projects.
        #[test]
        fn optimal_against_brute_force(inst in strict_instance()) {
            let market = inst.market();
            let a = deferred_acceptance(&market, Proposer::Projects);
            let b = deferred_acceptance(&market, Proposer::Partners);
            let stable = stable_matchings(&market);
            prop_assert!(stable.contains(&a), "project-proposing result is not among the stable matchings");
            prop_assert!(stable.contains(&b), "partner-proposing result is not among the stable matchings");
            for p in 0..market.projects.len() {
                let ranks = stable.iter().map(|m| project_rank_of(&market, m, p));
                prop_assert_eq!(project_rank_of(&market, &a, p), ranks.clone().min().unwrap(), "project {} not at its best", p);
                prop_assert_eq!(project_rank_of(&market, &b, p), ranks.max().unwrap(), "project {} not at its worst", p);
            }
            for q in 0..market.partners.len() {
                let best = partner_ranks_of(&market, &b, q);
                let worst = partner_ranks_of(&market, &a, q);
                let cap = market.partners[q].capacity as usize;
                let of = |m: &Assignment| -> BTreeSet<usize> {
                    (0..market.projects.len()).filter(|&p| m.partner_of(&market, p) == Some(q)).collect()
                };
                for m in &stable {
                    let r = partner_ranks_of(&market, m, q);
                    prop_assert_eq!(r.len(), best.len(), "rural hospitals: partner {} load differs", q);
                    prop_assert!(best.iter().zip(&r).all(|(x, y)| x <= y), "partner {} better off than in its optimum", q);
                    prop_assert!(worst.iter().zip(&r).all(|(x, y)| x >= y), "partner {} worse off than in its pessimum", q);
                    if r.len() < cap {
                        prop_assert_eq!(of(m), of(&a), "rural hospitals: undersubscribed partner {} changes projects", q);
                    }
                }
            }
            let matched = |x: &Assignment| x.edges.iter().map(Option::is_some).collect::<Vec<_>>();
            for m in &stable {
                prop_assert_eq!(matched(m), matched(&a), "rural hospitals: matched projects differ");
            }
        }

        /// The result depends on ids and ranks only: not on edge order nor on indices.
        #[test]
        fn deterministic_under_relabeling(
            inst in tied_instance(10, 5, 2),
            seed in any::<u64>(),
        ) {
            let market = inst.market();
            // A cheap deterministic shuffle from the seed (xorshift), of edges, projects and partners.
            let mut s = seed | 1;
            let mut rand = move |n: usize| { s ^= s << 13; s ^= s >> 7; s ^= s << 17; (s % n as u64) as usize };
            let mut shuffle = |v: &mut Vec<usize>| for i in (1..v.len()).rev() { let j = rand(i + 1); v.swap(i, j); };
            let mut pmap: Vec<usize> = (0..inst.project_ids.len()).collect();
            let mut qmap: Vec<usize> = (0..inst.partners.len()).collect();
            let mut eorder: Vec<usize> = (0..inst.edges.len()).collect();
            shuffle(&mut pmap);
            shuffle(&mut qmap);
            shuffle(&mut eorder);
            let mut relabeled = Instance {
                project_ids: vec![String::new(); pmap.len()],
                partners: vec![(String::new(), 0); qmap.len()],
                edges: eorder.iter().map(|&k| { let (p, q, rp, rq) = inst.edges[k]; (pmap[p], qmap[q], rp, rq) }).collect(),
            };
            for (p, id) in inst.project_ids.iter().enumerate() { relabeled.project_ids[pmap[p]] = id.clone(); }
            for (q, x) in inst.partners.iter().enumerate() { relabeled.partners[qmap[q]] = x.clone(); }
            let other = relabeled.market();
            for proposer in [Proposer::Projects, Proposer::Partners] {
                let a = deferred_acceptance(&market, proposer);
                prop_assert_eq!(&a, &deferred_acceptance(&market, proposer));
                prop_assert_eq!(pairs_by_id(&market, &a), pairs_by_id(&other, &deferred_acceptance(&other, proposer)));
            }
        }
    }

    /// The classic 3×3 instance with cyclic preferences (Gusfield & Irving 1989): men m1: w1>w2>w3,
    /// m2: w2>w3>w1, m3: w3>w1>w2; women w1: m2>m3>m1, w2: m3>m1>m2, w3: m1>m2>m3. Men-optimal: every
    /// man his first choice; women-optimal: every woman hers; in between, everyone's second choice.
    #[test]
    fn cyclic_three_by_three() {
        let projects = (1..=3).map(|i| project(format!("m{i}"))).collect();
        let partners = (1..=3).map(|i| partner(format!("w{i}"), 1)).collect();
        let men = [[1, 2, 3], [3, 1, 2], [2, 3, 1]]; // men[m][w] = m's rank of w
        let women = [[3, 1, 2], [2, 3, 1], [1, 2, 3]]; // women[w][m] = w's rank of m
        let edges = (0..3).flat_map(|m| (0..3).map(move |w| edge(m, w, men[m][w], women[w][m]))).collect();
        let market = Market::new(projects, partners, edges).unwrap();
        let partners_of = |a: &Assignment| (0..3).map(|m| a.partner_of(&market, m).unwrap()).collect::<Vec<_>>();
        let a = deferred_acceptance(&market, Proposer::Projects);
        let b = deferred_acceptance(&market, Proposer::Partners);
        assert_eq!(partners_of(&a), vec![0, 1, 2], "m1-w1, m2-w2, m3-w3");
        assert_eq!(partners_of(&b), vec![2, 0, 1], "w1-m2, w2-m3, w3-m1");
        assert_ne!(a, b);
        assert!(blocking_pairs(&market, &a).is_empty());
        assert!(blocking_pairs(&market, &b).is_empty());
        let stable = stable_matchings(&market);
        assert_eq!(stable.len(), 3);
        assert!(stable.iter().any(|m| partners_of(m) == vec![1, 2, 0]), "m1-w2, m2-w3, m3-w1");
        // m1-w2, m2-w1, m3-w3 (m1 and m2 swapped): m1 and m2 would both rather have their first
        // choices, but w1 and w2 prefer what they hold; m2 prefers w3 (2nd) to w1 (3rd) and w3
        // prefers m2 (2nd) to m3 (3rd): the one blocking pair.
        let mut swapped = a.clone();
        swapped.edges[0] = market.edge_index(0, 1);
        swapped.edges[1] = market.edge_index(1, 0);
        assert_eq!(
            blocking_pairs(&market, &swapped),
            vec![BlockingPair { project: 1, partner: 2, edge: market.edge_index(1, 2).unwrap() }]
        );
        assert_eq!(count_blocking_pairs(&market, &swapped), 1);
    }

    /// Ties are broken by the other side's id order, not by index.
    #[test]
    fn ties_broken_by_id() {
        // One partner of capacity 1, two projects it ranks equally; ids in reverse index order.
        let projects = vec![project("b".into()), project("a".into())];
        let market =
            Market::new(projects, vec![partner("q".into(), 1)], vec![edge(0, 0, 1, 1), edge(1, 0, 1, 1)]).unwrap();
        for proposer in [Proposer::Projects, Proposer::Partners] {
            let a = deferred_acceptance(&market, proposer);
            assert_eq!(a.edges.iter().map(Option::is_some).collect::<Vec<_>>(), vec![false, true], "{proposer:?}");
            assert!(blocking_pairs(&market, &a).is_empty(), "a tie never blocks");
        }
        // A project indifferent between two partners takes the one with the smaller id.
        let partners = vec![partner("z".into(), 1), partner("y".into(), 1)];
        let market =
            Market::new(vec![project("p".into())], partners, vec![edge(0, 0, 1, 1), edge(0, 1, 1, 1)]).unwrap();
        for proposer in [Proposer::Projects, Proposer::Partners] {
            assert_eq!(deferred_acceptance(&market, proposer).partner_of(&market, 0), Some(1), "{proposer:?}");
        }
    }

    #[test]
    fn capacity_zero_and_empty_markets() {
        let empty = Market::new(vec![], vec![], vec![]).unwrap();
        for proposer in [Proposer::Projects, Proposer::Partners] {
            assert_eq!(deferred_acceptance(&empty, proposer), Assignment::empty(0));
            assert_eq!(deferred_acceptance(&Market::default(), proposer), Assignment::empty(0));
        }
        let market = Market::new(
            vec![project("p".into())],
            vec![partner("full".into(), 0), partner("open".into(), 1)],
            vec![edge(0, 0, 1, 1), edge(0, 1, 2, 1)],
        )
        .unwrap();
        for proposer in [Proposer::Projects, Proposer::Partners] {
            let a = deferred_acceptance(&market, proposer);
            assert_eq!(a.partner_of(&market, 0), Some(1));
            assert!(blocking_pairs(&market, &a).is_empty(), "a partner of capacity 0 never blocks");
        }
        // Unmatched, the project blocks with the open partner only.
        let none = Assignment::empty(1);
        assert_eq!(blocking_pairs(&market, &none), vec![BlockingPair { project: 0, partner: 1, edge: 1 }]);
    }

    /// Many projects chasing few popular partners: evictions cascade through long chains.
    #[test]
    fn long_rejection_chains() {
        let (np, nq) = (300, 20);
        let projects = (0..np).map(|i| project(format!("p{i:04}"))).collect();
        let partners = (0..nq).map(|i| partner(format!("q{i:02}"), 1 + (i % 4) as u32)).collect();
        let mut edges = Vec::new();
        for p in 0..np {
            for k in 0..8 {
                let q = (p * 7 + k * 3) % nq;
                if !edges.iter().any(|e: &Edge| e.project == p && e.partner == q) {
                    edges.push(edge(p, q, k as u32 + 1, ((p * 31 + q * 17) % 50) as u32 + 1));
                }
            }
        }
        let market = Market::new(projects, partners, edges).unwrap();
        for proposer in [Proposer::Projects, Proposer::Partners] {
            let a = deferred_acceptance(&market, proposer);
            assert_feasible(&market, &a);
            assert_eq!(blocking_pairs(&market, &a), naive_blocking(&market, &a));
            assert!(blocking_pairs(&market, &a).is_empty());
        }
    }
}
