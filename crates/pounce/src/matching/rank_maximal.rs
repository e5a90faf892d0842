//! `rank-maximal`: the matching that gives the most projects their first choice, then, among those,
//! the most their second choice, and so on (the lexicographically greatest *signature*
//! `(s_1, s_2, ..., s_R)` where `s_r` counts projects matched to a partner they rank `r`).
//! Only the projects' ranks count (partners' preferences are ignored), ties are allowed.
//!
//! Algorithm of Irving, Kavitha, Mehlhorn, Michail and Paluch, *Rank-maximal matchings*, ACM
//! Transactions on Algorithms 2(4), 2006: grow a maximum matching rank by rank; after rank `i`, the
//! Gallai–Edmonds decomposition of the current graph into even, odd and unreachable vertices tells
//! which edges no rank-maximal matching can use (higher-rank edges at odd or unreachable vertices,
//! and odd–odd and odd–unreachable edges), and those are deleted before the rank `i + 1` edges are
//! added and the matching is augmented again (Hopcroft–Karp). Partner capacities are handled by
//! cloning each partner into `capacity` slots, as the paper suggests (at most one slot per edge of the partner).
//!
//! Complexity: O(min(n + C, C·√n) · m) for n projects, total capacity C and m slot edges (the paper's
//! bound with cloning); in practice each phase augments few paths.

// Vertices index several parallel arrays (labels, mates, distances); index loops say so plainly.
#![allow(clippy::needless_range_loop)]

use std::collections::VecDeque;

use super::{Assignment, Market};

const NIL: usize = usize::MAX;

struct Graph {
    /// Per project: (slot, rank, alive).
    adj: Vec<Vec<(usize, u32, bool)>>,
    /// Per slot: (project, index in that project's list).
    slot_adj: Vec<Vec<(usize, usize)>>,
    slot_partner: Vec<usize>,
    mate_p: Vec<usize>,
    mate_s: Vec<usize>,
}

impl Graph {
    fn usable(&self, p: usize, k: usize, rank: u32) -> bool {
        let (_, r, alive) = self.adj[p][k];
        alive && r <= rank
    }

    /// Hopcroft–Karp on the edges of rank ≤ `rank`, starting from the current matching.
    fn maximise(&mut self, rank: u32) {
        let n = self.adj.len();
        let mut dist = vec![u32::MAX; n];
        loop {
            // BFS from free projects, layered by alternating path length.
            let mut queue = VecDeque::new();
            for p in 0..n {
                if self.mate_p[p] == NIL {
                    dist[p] = 0;
                    queue.push_back(p);
                } else {
                    dist[p] = u32::MAX;
                }
            }
            let mut found = false;
            while let Some(p) = queue.pop_front() {
                for k in 0..self.adj[p].len() {
                    if !self.usable(p, k, rank) {
                        continue;
                    }
                    let s = self.adj[p][k].0;
                    let q = self.mate_s[s];
                    if q == NIL {
                        found = true;
                    } else if dist[q] == u32::MAX {
                        dist[q] = dist[p] + 1;
                        queue.push_back(q);
                    }
                }
            }
            if !found {
                return;
            }
            let mut next = vec![0usize; n];
            let mut augmented = false;
            for p in 0..n {
                if self.mate_p[p] == NIL && self.augment(p, rank, &mut dist, &mut next) {
                    augmented = true;
                }
            }
            if !augmented {
                return;
            }
        }
    }

    /// Iterative DFS along the BFS layers.
    fn augment(&mut self, root: usize, rank: u32, dist: &mut [u32], next: &mut [usize]) -> bool {
        let mut stack = vec![root];
        while let Some(&p) = stack.last() {
            let mut advanced = false;
            while next[p] < self.adj[p].len() {
                let k = next[p];
                next[p] += 1;
                if !self.usable(p, k, rank) {
                    continue;
                }
                let s = self.adj[p][k].0;
                let q = self.mate_s[s];
                if q == NIL {
                    // Flip the path: each project on the stack takes the slot it tried last.
                    let mut slot = s;
                    while let Some(x) = stack.pop() {
                        let prev = self.mate_p[x];
                        self.mate_p[x] = slot;
                        self.mate_s[slot] = x;
                        slot = prev;
                    }
                    return true;
                }
                if dist[q] == dist[p] + 1 {
                    stack.push(q);
                    advanced = true;
                    break;
                }
            }
            if !advanced {
                dist[p] = u32::MAX;
                stack.pop();
            }
        }
        false
    }

    /// Even/odd labels (Gallai–Edmonds) of projects and slots w.r.t. the current maximum matching in
    /// the graph of alive edges of rank ≤ `rank`: a vertex is even (odd) when an alternating path of
    /// even (odd) length from an unmatched vertex reaches it; otherwise it is unreachable.
    fn labels(&self, rank: u32) -> (Vec<Label>, Vec<Label>) {
        let n = self.adj.len();
        let ns = self.slot_adj.len();
        let mut lp = vec![Label::Unreachable; n];
        let mut ls = vec![Label::Unreachable; ns];
        // From free projects: project even -> (non-matching edge) slot odd -> (matching edge) project even.
        let mut queue: VecDeque<usize> = VecDeque::new();
        for p in 0..n {
            if self.mate_p[p] == NIL {
                lp[p] = Label::Even;
                queue.push_back(p);
            }
        }
        while let Some(p) = queue.pop_front() {
            for k in 0..self.adj[p].len() {
                if !self.usable(p, k, rank) {
                    continue;
                }
                let s = self.adj[p][k].0;
                if self.mate_p[p] == s || ls[s] == Label::Odd {
                    continue;
                }
                ls[s] = Label::Odd;
                let q = self.mate_s[s];
                if q != NIL && lp[q] != Label::Even {
                    lp[q] = Label::Even;
                    queue.push_back(q);
                }
            }
        }
        // From free slots: slot even -> project odd -> (matching edge) slot even.
        let mut queue: VecDeque<usize> = VecDeque::new();
        for s in 0..ns {
            if self.mate_s[s] == NIL && self.has_usable(s, rank) {
                ls[s] = Label::Even;
                queue.push_back(s);
            }
        }
        for s in 0..ns {
            if self.mate_s[s] == NIL && ls[s] == Label::Unreachable {
                ls[s] = Label::Even; // isolated free slots are even (path of length 0)
            }
        }
        while let Some(s) = queue.pop_front() {
            for &(p, k) in &self.slot_adj[s] {
                if !self.usable(p, k, rank) || self.mate_s[s] == p || lp[p] == Label::Odd {
                    continue;
                }
                lp[p] = Label::Odd;
                let t = self.mate_p[p];
                if t != NIL && ls[t] != Label::Even {
                    ls[t] = Label::Even;
                    queue.push_back(t);
                }
            }
        }
        (lp, ls)
    }

    fn has_usable(&self, s: usize, rank: u32) -> bool {
        self.slot_adj[s].iter().any(|&(p, k)| self.usable(p, k, rank))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Even,
    Odd,
    Unreachable,
}

/// The rank-maximal matching of `market` (by the projects' ranks), capacities respected.
pub fn rank_maximal(market: &Market) -> Assignment {
    let n = market.projects.len();
    // A partner takes at most one project per edge: slots beyond its edge count would never all be
    // used, and a huge capacity (10 million in a capacities file) must not allocate that many.
    let slots: Vec<usize> = (0..market.partners.len())
        .map(|q| (market.partners[q].capacity as usize).min(market.partner_edges(q).len()))
        .collect();
    let mut slot_partner = Vec::new();
    let mut first_slot = Vec::with_capacity(market.partners.len());
    for (q, &k) in slots.iter().enumerate() {
        first_slot.push(slot_partner.len());
        slot_partner.extend(std::iter::repeat_n(q, k));
    }
    let mut adj: Vec<Vec<(usize, u32, bool)>> = vec![Vec::new(); n];
    let mut slot_adj: Vec<Vec<(usize, usize)>> = vec![Vec::new(); slot_partner.len()];
    for (p, list) in adj.iter_mut().enumerate() {
        for e in market.project_edges(p) {
            let q = e.partner;
            for s in first_slot[q]..first_slot[q] + slots[q] {
                slot_adj[s].push((p, list.len()));
                list.push((s, e.project_rank, true));
            }
        }
    }
    let ns = slot_partner.len();
    let mut g = Graph { adj, slot_adj, slot_partner, mate_p: vec![NIL; n], mate_s: vec![NIL; ns] };
    let mut ranks: Vec<u32> = g.adj.iter().flatten().map(|x| x.1).collect();
    ranks.sort_unstable();
    ranks.dedup();
    for (i, &r) in ranks.iter().enumerate() {
        g.maximise(r);
        let Some(&next) = ranks.get(i + 1) else { break };
        let (lp, ls) = g.labels(r);
        for p in 0..n {
            for k in 0..g.adj[p].len() {
                let (s, er, alive) = g.adj[p][k];
                if !alive {
                    continue;
                }
                let (a, b) = (lp[p], ls[s]);
                let kill = if er > r {
                    // Later edges at odd or unreachable vertices cannot be in a rank-maximal matching.
                    a != Label::Even || b != Label::Even
                } else {
                    // Current edges joining odd–odd or odd–unreachable vertices.
                    matches!(
                        (a, b),
                        (Label::Odd, Label::Odd) | (Label::Odd, Label::Unreachable) | (Label::Unreachable, Label::Odd)
                    )
                };
                if kill {
                    debug_assert!(g.mate_p[p] != s, "a matched edge is never deleted");
                    g.adj[p][k].2 = false;
                }
            }
        }
        debug_assert!(next > r);
    }
    let mut a = Assignment::empty(n);
    for p in 0..n {
        let s = g.mate_p[p];
        if s != NIL {
            a.edges[p] = market.edge_index(p, g.slot_partner[s]);
        }
    }
    a
}
