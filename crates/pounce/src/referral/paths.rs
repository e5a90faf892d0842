//! Warm-introduction paths: the strongest chains of people and organisations from an institution to
//! a partner ("Tech U —alumnus— Dana Lee —works at— Acme —referred— Beta Farms").
//!
//! A path's *strength* is the product of its edge strengths, so a chain is only as warm as all its
//! links together. [`strongest_paths`] ranks the `k` strongest simple paths between two nodes with at
//! most `max_hops` edges; [`strongest_from`] gives the single strongest strength from one node to
//! every node, for explanations.
//!
//! # Costs and ties
//!
//! Maximising a product of strengths in (0, 1] is minimising the sum of the costs −ln(strength),
//! which are non-negative, so shortest-path algorithms apply. Costs are fixed-point integers: an edge
//! of strength `s` costs `round(−ln(s) · 2^48)`, a quantum of 3.6·10⁻¹⁵ in −ln space (a relative
//! error in strength of at most 1.8·10⁻¹⁵ per edge). Sums of integers are exact and associative, so
//! there is no floating-point noise in the ranking: paths made of the same edge strengths, in any
//! order, cost exactly the same, and every comparison of two paths gives the same answer wherever
//! the search makes it. Edges of strength 0 (or NaN) are never used. A path's cost saturates at
//! `u64::MAX` (−ln strength ≈ 65 536, far below the smallest `f64`), out of reach of real networks.
//!
//! Paths are ranked by cost, and paths of equal cost by their node sequence (lexicographically, by
//! node index), so the result never depends on the order of the input. Two products that are equal
//! in exact arithmetic but made of different strengths (0.5 × 0.5 and 0.25 × 1) may round to costs
//! a few quanta apart (at most one per edge) and are then ranked by cost. A tolerance instead (ties
//! within 10⁻¹² relative, say) would not be transitive, or, made into tie groups, would force the
//! search to enumerate every path of a group (all ten thousand alumni of a university working at
//! the same company) to find its first paths by node sequence. The reported
//! [`Path::strength`] is the product of the edge strengths as `f64`, multiplied from the source on,
//! so paths of equal cost may report strengths that differ in the last bits.
//!
//! # References
//!
//! * J. Y. Yen, "Finding the k shortest loopless paths in a network", *Management Science* 17 (1971)
//!   712–716.
//! * E. W. Dijkstra, "A note on two problems in connexion with graphs", *Numerische Mathematik* 1
//!   (1959) 269–271.
//! * P. E. Hart, N. J. Nilsson and B. Raphael, "A formal basis for the heuristic determination of
//!   minimum cost paths", *IEEE Transactions on Systems Science and Cybernetics* 4 (1968) 100–107.
//! * E. Q. V. Martins and M. M. B. Pascoal, "A new implementation of Yen's ranking loopless paths
//!   algorithm", *4OR* 1 (2003) 121–133 (shortest distances to the target to guide the spur
//!   searches).
//! * S. Irnich and G. Desaulniers, "Shortest path problems with resource constraints", in *Column
//!   Generation*, Springer (2005) 33–65 (label setting with dominance, here with hops as the resource).

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};

use serde::Serialize;

use super::graph::{EdgeKind, Link, ReferralGraph};

/// Fixed-point scale of costs: an edge of strength `s` costs `round(−ln(s) · COST_SCALE)`.
const COST_SCALE: f64 = (1u64 << 48) as f64;

/// No label of this node has been settled yet.
const UNSETTLED: u32 = u32::MAX;

/// The parent of the first label of a search.
const NO_PARENT: u32 = u32::MAX;

/// The least work (labels, settled nodes) a forward search may do before the backward searches grow.
const MIN_WORK: usize = 1024;

/// One warm-introduction path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Path {
    /// Nodes from the source to the target.
    pub nodes: Vec<u32>,
    /// Kind of each edge along the path (`nodes.len() - 1` entries).
    pub kinds: Vec<Option<EdgeKind>>,
    /// Product of the edge strengths, in (0, 1] (0 only if the product underflows `f64`).
    pub strength: f64,
}

impl Path {
    /// The path as a sentence a coordinator can act on:
    /// `"Tech U —alumnus— Dana Lee —works at— Acme —referred— Beta Farms"`.
    ///
    /// Node labels come from `label(node)` (the caller maps node indices to names, e.g. with
    /// [`ReferralGraph::id`]). Between two nodes stands the edge kind between em dashes, in words
    /// that do not take a direction, because an undirected graph may walk an edge against its
    /// recorded direction (Tech U to Dana Lee along "Dana Lee alumnus of Tech U"): `alumnus`,
    /// `works at`, `advises`, `member of`, `past project`, `referred`, and `linked` for an edge
    /// without a kind.
    ///
    /// ```
    /// use pounce::referral::EdgeKind;
    /// use pounce::referral::paths::Path;
    ///
    /// let path = Path {
    ///     nodes: vec![0, 1, 2],
    ///     kinds: vec![Some(EdgeKind::Alumnus), Some(EdgeKind::WorksAt)],
    ///     strength: 0.54,
    /// };
    /// let names = ["Tech U", "Dana Lee", "Acme"];
    /// assert_eq!(path.describe(&|n| names[n as usize].to_string()), "Tech U —alumnus— Dana Lee —works at— Acme");
    /// ```
    pub fn describe(&self, label: &dyn Fn(u32) -> String) -> String {
        let mut out = String::new();
        for (i, &node) in self.nodes.iter().enumerate() {
            if i > 0 {
                out.push_str(" —");
                out.push_str(neutral_words(self.kinds.get(i - 1).copied().flatten()));
                out.push_str("— ");
            }
            out.push_str(&label(node));
        }
        out
    }
}

/// Words for an edge kind that read the same in both directions.
fn neutral_words(kind: Option<EdgeKind>) -> &'static str {
    match kind {
        Some(EdgeKind::Alumnus) => "alumnus",
        Some(EdgeKind::WorksAt) => "works at",
        Some(EdgeKind::Advises) => "advises",
        Some(EdgeKind::MemberOf) => "member of",
        Some(EdgeKind::PastProject) => "past project",
        Some(EdgeKind::Referred) => "referred",
        None => "linked",
    }
}

/// The fixed-point cost of an edge, `None` for a strength of 0 or NaN (the edge is not used).
/// Strengths above 1 (not produced by [`ReferralGraph::build`]) cost 0.
fn edge_cost(strength: f64) -> Option<u64> {
    // `as u64` saturates: negative costs become 0.
    (strength > 0.0).then(|| (-strength.ln() * COST_SCALE).round() as u64)
}

/// The k strongest warm-introduction paths from `from` to `to`: simple paths (no node twice) of at
/// most `max_hops` edges, strongest first, ties ordered by node sequence.
///
/// The strength of a path is the product of its edge strengths; edges of strength 0 are never used.
/// Paths of more than `max_hops` edges are not warm introductions (6 is a sensible bound). The
/// ranking is exact: the result is what sorting every qualifying simple path by cost (−ln strength
/// in fixed point, see the [module documentation](self)) and then by node sequence, and taking the
/// first `k`, would give.
///
/// # Arguments
/// * `graph`: the referral network.
/// * `from`: the source node, typically an institution.
/// * `to`: the target node, typically a partner or prospect.
/// * `k`: how many paths to return at most.
/// * `max_hops`: the largest number of edges in a path.
///
/// # Returns
/// Up to `k` paths, strongest first. Empty when `k` is 0, when `to` cannot be reached in at most
/// `max_hops` edges of positive strength, and when `from == to`: a node needs no introduction to
/// itself (a self-loop is not a simple path).
///
/// # Panics
/// If `from` or `to` is not a node of `graph`.
///
/// # Complexity
/// Yen's algorithm runs at most `max_hops` spur searches for each of the `k − 1` first paths found.
/// A spur search is an A* label-setting search over (node, hops) states with dominance, so a node is
/// settled at most H + 1 times: **O(H · (V + E) log(H · V))** for H = `max_hops`, V nodes and E
/// edges, or **O((V + E) log V)** when `max_hops ≥ V − 1` and the bound cannot bind, plus the
/// comparison of node sequences (O(H) each) between labels of equal cost. Its potential (costs to
/// `to`) and hop lower bounds come from a Dijkstra search and a breadth-first search backwards from
/// `to`, **O((V + E) log V)** at most, grown only when a forward search has done as much work as they
/// have, as in a bidirectional search; and a spur search stops at the cost beyond which no more paths
/// are needed. So a query usually touches a small part of the network: on a random network of a
/// million nodes and four million edges (`tests/paths.rs`), `k = 3` and `max_hops = 6` take a few
/// to twenty milliseconds. Memory **O(V)** per query, plus **O(V + E)** for a directed graph once
/// its backward searches grow (they need a reverse adjacency, built for the query).
///
/// # Example
/// ```
/// use pounce::referral::{EdgeKind, EdgeRecord, ReferralGraph, ReferralWeights};
/// use pounce::referral::paths::strongest_paths;
///
/// let edge = |source: &str, target: &str, kind| EdgeRecord {
///     source: source.into(),
///     target: target.into(),
///     kind,
///     weight: 1.0,
///     date: None,
/// };
/// let records = [
///     edge("Dana Lee", "Tech U", EdgeKind::Alumnus),     // 0.6
///     edge("Dana Lee", "Acme", EdgeKind::WorksAt),       // 0.9
///     edge("Acme", "Beta Farms", EdgeKind::Referred),    // 0.8
///     edge("Tech U", "AgriNet", EdgeKind::MemberOf),     // 0.3
///     edge("Beta Farms", "AgriNet", EdgeKind::MemberOf), // 0.3
/// ];
/// let graph = ReferralGraph::build(&records, &ReferralWeights::default(), None, false);
/// let (tech_u, beta) = (graph.node("Tech U").unwrap(), graph.node("Beta Farms").unwrap());
/// let paths = strongest_paths(&graph, tech_u, beta, 3, 6);
/// assert_eq!(paths.len(), 2);
/// assert!((paths[0].strength - 0.6 * 0.9 * 0.8).abs() < 1e-12);
/// assert_eq!(
///     paths[0].describe(&|n| graph.id(n).to_string()),
///     "Tech U —alumnus— Dana Lee —works at— Acme —referred— Beta Farms"
/// );
/// assert!((paths[1].strength - 0.3 * 0.3).abs() < 1e-12);
/// // Two hops at most: only the weak route through the association is left.
/// assert_eq!(strongest_paths(&graph, tech_u, beta, 3, 2).len(), 1);
/// ```
///
/// # Reference
/// J. Y. Yen, "Finding the k shortest loopless paths in a network", *Management Science* 17 (1971)
/// 712–716. For every spur node of the last path found, the root path's other nodes and the next
/// edges of the paths found with the same root are removed and a best spur path is searched; the
/// candidates are kept in an ordered set without duplicates. Here the order is (cost, node
/// sequence), which the spur search respects (it settles labels of equal cost in node-sequence
/// order); the spur search keeps to the hop budget left after the root, so the ranking is exact
/// under `max_hops`, not filtered afterwards; and it is guided by the costs to `to` (Martins &
/// Pascoal 2003).
pub fn strongest_paths(graph: &ReferralGraph, from: u32, to: u32, k: usize, max_hops: usize) -> Vec<Path> {
    strongest_paths_with(graph, from, to, k, max_hops, MIN_WORK)
}

/// [`strongest_paths`] with the least work of a forward search before the backward searches grow.
fn strongest_paths_with(
    graph: &ReferralGraph,
    from: u32,
    to: u32,
    k: usize,
    max_hops: usize,
    min_work: usize,
) -> Vec<Path> {
    let n = graph.node_count();
    assert!((from as usize) < n, "strongest_paths: node {from} is not in the graph ({n} nodes)");
    assert!((to as usize) < n, "strongest_paths: node {to} is not in the graph ({n} nodes)");
    if k == 0 || from == to || max_hops == 0 {
        return Vec::new();
    }
    // A simple path has at most n − 1 edges; a larger bound cannot bind.
    let limited = max_hops < n - 1;
    let budget = max_hops.min(n - 1) as u32;
    let mut search = SpurSearch::new(graph, to, limited, budget, min_work);
    let Some(first) = search.run(from, 0, budget, &[], u64::MAX) else {
        return Vec::new();
    };

    let mut found: Vec<Found> = Vec::new();
    // Candidates by (cost, nodes): the ordered set of Yen's algorithm. A candidate proposed twice
    // is the same key; a path already found is never proposed again, since its edge out of each of
    // its roots is excluded from the spur search at that root.
    let mut candidates: BTreeMap<(u64, Vec<u32>), Vec<Link>> = BTreeMap::new();
    let mut next = Some(first);
    while let Some(path) = next.take() {
        found.push(path);
        if found.len() == k {
            break;
        }
        let last = found.len() - 1;
        let prefix = prefix_costs(&found[last].links);
        for i in 0..found[last].nodes.len() - 1 {
            let bound = needed_bound(k - found.len(), &candidates);
            let (spur, forbidden) = {
                let root = &found[last].nodes[..=i];
                let mut forbidden: Vec<u32> = found
                    .iter()
                    .filter(|p| p.nodes.len() > i + 1 && p.nodes[..=i] == *root)
                    .map(|p| p.nodes[i + 1])
                    .collect();
                forbidden.sort_unstable();
                forbidden.dedup();
                (root[i], forbidden)
            };
            for &v in &found[last].nodes[..i] {
                search.blocked[v as usize] = true;
            }
            let spur_path = search.run(spur, prefix[i], budget - i as u32, &forbidden, bound);
            for &v in &found[last].nodes[..i] {
                search.blocked[v as usize] = false;
            }
            if let Some(spur_path) = spur_path {
                let mut nodes = found[last].nodes[..i].to_vec();
                nodes.extend_from_slice(&spur_path.nodes);
                candidates.entry((spur_path.cost, nodes)).or_insert_with(|| {
                    let mut links = found[last].links[..i].to_vec();
                    links.extend_from_slice(&spur_path.links);
                    links
                });
            }
        }
        next = candidates.pop_first().map(|((cost, nodes), links)| Found { cost, nodes, links });
    }

    found
        .into_iter()
        .map(|p| Path {
            strength: p.links.iter().fold(1.0, |s, l| s * l.strength),
            kinds: p.links.iter().map(|l| l.kind).collect(),
            nodes: p.nodes,
        })
        .collect()
}

/// The strength of the single strongest path from `from` to every node: `Some(1.0)` for `from`
/// itself, `None` where no path of positive strength leads. No hop bound applies.
///
/// # Arguments
/// * `graph`: the referral network.
/// * `from`: the source node, typically an institution.
///
/// # Returns
/// One entry per node (indexed by node). The strength is the product of the edge strengths along a
/// strongest path; where several paths are equally strong (see the [module documentation](self) for
/// how costs compare), the one found first by Dijkstra's algorithm with ties settled in node order.
///
/// # Panics
/// If `from` is not a node of `graph`.
///
/// # Complexity
/// **O((V + E) log V)** time and **O(V)** memory: Dijkstra's algorithm with a binary heap on the
/// costs −ln(strength).
///
/// # Example
/// ```
/// use pounce::referral::{EdgeKind, EdgeRecord, ReferralGraph, ReferralWeights};
/// use pounce::referral::paths::strongest_from;
///
/// let edge = |source: &str, target: &str, kind| EdgeRecord {
///     source: source.into(),
///     target: target.into(),
///     kind,
///     weight: 1.0,
///     date: None,
/// };
/// let records = [
///     edge("Dana Lee", "Tech U", EdgeKind::Alumnus), // 0.6
///     edge("Dana Lee", "Acme", EdgeKind::WorksAt),   // 0.9
///     edge("Zed", "Yew", EdgeKind::Referred),        // another component
/// ];
/// let graph = ReferralGraph::build(&records, &ReferralWeights::default(), None, false);
/// let strength = strongest_from(&graph, graph.node("Tech U").unwrap());
/// assert_eq!(strength[graph.node("Tech U").unwrap() as usize], Some(1.0));
/// assert!((strength[graph.node("Acme").unwrap() as usize].unwrap() - 0.54).abs() < 1e-6);
/// assert_eq!(strength[graph.node("Zed").unwrap() as usize], None);
/// ```
///
/// # Reference
/// E. W. Dijkstra, "A note on two problems in connexion with graphs", *Numerische Mathematik* 1
/// (1959) 269–271.
pub fn strongest_from(graph: &ReferralGraph, from: u32) -> Vec<Option<f64>> {
    let n = graph.node_count();
    assert!((from as usize) < n, "strongest_from: node {from} is not in the graph ({n} nodes)");
    let mut cost = vec![u64::MAX; n];
    let mut product = vec![0f64; n];
    let mut out: Vec<Option<f64>> = vec![None; n];
    let mut heap = BinaryHeap::new();
    cost[from as usize] = 0;
    product[from as usize] = 1.0;
    heap.push(Reverse((0u64, from)));
    while let Some(Reverse((c, u))) = heap.pop() {
        if out[u as usize].is_some() {
            continue;
        }
        out[u as usize] = Some(product[u as usize]);
        for (v, link) in graph.out_edges(u) {
            if out[v as usize].is_some() {
                continue;
            }
            let Some(w) = edge_cost(link.strength) else { continue };
            let cv = c.saturating_add(w);
            if cv < cost[v as usize] {
                cost[v as usize] = cv;
                product[v as usize] = product[u as usize] * link.strength;
                heap.push(Reverse((cv, v)));
            }
        }
    }
    out
}

/// A path found or proposed by Yen's algorithm.
struct Found {
    /// Sum of the edge costs.
    cost: u64,
    nodes: Vec<u32>,
    /// The link of each edge.
    links: Vec<Link>,
}

/// The cost from the path's first node to each of its nodes, summed as the search sums them.
fn prefix_costs(links: &[Link]) -> Vec<u64> {
    let mut costs = Vec::with_capacity(links.len() + 1);
    let mut c = 0u64;
    costs.push(c);
    for l in links {
        c = c.saturating_add(edge_cost(l.strength).expect("paths use edges of positive strength"));
        costs.push(c);
    }
    costs
}

/// The largest path cost that can still matter: a spur search may ignore paths beyond it.
///
/// With `missing` paths still to find and at least that many candidates, the `missing`-th cheapest
/// candidate bounds the cost of the last path needed (a path of equal cost may still come first by
/// node sequence, so the bound is inclusive). It only ever decreases, so a search cut short by it
/// never loses a path that is needed later.
fn needed_bound(missing: usize, candidates: &BTreeMap<(u64, Vec<u32>), Vec<Link>>) -> u64 {
    match missing.checked_sub(1).and_then(|m| candidates.keys().nth(m)) {
        Some((cost, _)) => *cost,
        None => u64::MAX,
    }
}

/// In-edges for the searches towards the target: the graph itself when undirected (every edge is
/// stored both ways with the same strength), a reverse adjacency when directed.
enum InEdges {
    Symmetric,
    Reversed { offsets: Vec<usize>, sources: Vec<u32>, strengths: Vec<f64> },
}

impl InEdges {
    fn new(graph: &ReferralGraph) -> Self {
        if !graph.is_directed() {
            return InEdges::Symmetric;
        }
        let n = graph.node_count();
        let mut offsets = vec![0usize; n + 1];
        for u in 0..n as u32 {
            for (v, l) in graph.out_edges(u) {
                if edge_cost(l.strength).is_some() {
                    offsets[v as usize + 1] += 1;
                }
            }
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        let mut fill = offsets.clone();
        let mut sources = vec![0u32; offsets[n]];
        let mut strengths = vec![0f64; offsets[n]];
        for u in 0..n as u32 {
            for (v, l) in graph.out_edges(u) {
                if edge_cost(l.strength).is_some() {
                    let at = &mut fill[v as usize];
                    sources[*at] = u;
                    strengths[*at] = l.strength;
                    *at += 1;
                }
            }
        }
        InEdges::Reversed { offsets, sources, strengths }
    }

    /// Calls `f(u, cost)` for every edge `u → v` of positive strength.
    fn for_each(&self, graph: &ReferralGraph, v: u32, mut f: impl FnMut(u32, u64)) {
        match self {
            InEdges::Symmetric => {
                for (u, l) in graph.out_edges(v) {
                    if let Some(c) = edge_cost(l.strength) {
                        f(u, c);
                    }
                }
            }
            InEdges::Reversed { offsets, sources, strengths } => {
                let range = offsets[v as usize]..offsets[v as usize + 1];
                for (&u, &s) in sources[range.clone()].iter().zip(&strengths[range]) {
                    f(u, edge_cost(s).expect("only positive strengths are kept"));
                }
            }
        }
    }
}

/// Lower bounds on the cost and on the number of edges from every node to the target, from
/// searches backwards from the target run only as far as the forward searches need.
///
/// Costs (the A* potential) come from Dijkstra's algorithm: nodes settled so far have their exact
/// cost to the target; every other node costs at least the `radius`, the smallest key left in the
/// heap. This potential is consistent (no edge `u → v` has `h(u) > cost(u, v) + h(v)`), in the whole
/// graph and in every restricted graph of Yen's algorithm. Edges (when the hop budget can bind)
/// come from a breadth-first search, one level at a time up to the budget: a node not reached yet is
/// at least one level further than the last level done.
struct ToTarget {
    /// Built when first needed.
    in_edges: Option<InEdges>,
    cost: Vec<u64>,
    settled: Vec<bool>,
    /// How many nodes are settled.
    count: usize,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    /// A lower bound on the cost of every unsettled node (`u64::MAX`: the search is over, unsettled
    /// nodes cannot reach the target).
    radius: u64,
    /// Level of each node in the breadth-first search (`u32::MAX`: not reached; empty without hop
    /// budget).
    level: Vec<u32>,
    /// The last level done, and its nodes (none: the search is over).
    depth: u32,
    frontier: Vec<u32>,
    /// How many nodes have a level.
    reached: usize,
    /// The hop budget: no level beyond it is needed.
    max_depth: u32,
}

impl ToTarget {
    /// Searches towards `to`; `max_depth` is the hop budget when it can bind.
    fn new(graph: &ReferralGraph, to: u32, max_depth: Option<u32>) -> Self {
        let n = graph.node_count();
        let mut cost = vec![u64::MAX; n];
        cost[to as usize] = 0;
        let mut level = Vec::new();
        if max_depth.is_some() {
            level = vec![u32::MAX; n];
            level[to as usize] = 0;
        }
        ToTarget {
            in_edges: None,
            cost,
            settled: vec![false; n],
            count: 0,
            heap: BinaryHeap::from([Reverse((0, to))]),
            radius: 0,
            level,
            depth: 0,
            frontier: vec![to],
            reached: 1,
            max_depth: max_depth.unwrap_or(0),
        }
    }

    /// A lower bound on the number of edges from a node to the target (`u32::MAX`: unreachable).
    /// Only with a hop budget.
    fn min_hops(&self, v: u32) -> u32 {
        match self.level[v as usize] {
            u32::MAX if self.frontier.is_empty() => u32::MAX,
            u32::MAX => self.depth + 1,
            level => level,
        }
    }

    /// The potential of a node: a lower bound on its cost to the target (`u64::MAX`: unreachable).
    fn potential(&self, v: u32) -> u64 {
        if self.settled[v as usize] { self.cost[v as usize] } else { self.radius }
    }

    /// Settles nodes until `count` are settled or none is left, and (with a hop budget) does
    /// levels until `count` nodes have one or the budget is reached.
    fn extend(&mut self, graph: &ReferralGraph, count: usize) {
        let ToTarget { in_edges, cost, settled, heap, level, frontier, .. } = self;
        let in_edges = in_edges.get_or_insert_with(|| InEdges::new(graph));
        while !level.is_empty() && self.reached < count && self.depth < self.max_depth && !frontier.is_empty() {
            let next_level = self.depth + 1;
            let mut next = Vec::new();
            for &v in frontier.iter() {
                in_edges.for_each(graph, v, |u, _| {
                    if level[u as usize] == u32::MAX {
                        level[u as usize] = next_level;
                        next.push(u);
                    }
                });
            }
            self.reached += next.len();
            self.depth = next_level;
            *frontier = next;
        }
        while self.count < count {
            let Some(Reverse((c, v))) = heap.pop() else { break };
            if std::mem::replace(&mut settled[v as usize], true) {
                continue;
            }
            self.count += 1;
            in_edges.for_each(graph, v, |u, w| {
                let cu = c.saturating_add(w);
                if !settled[u as usize] && cu < cost[u as usize] {
                    cost[u as usize] = cu;
                    heap.push(Reverse((cu, u)));
                }
            });
        }
        // Keys come out in non-decreasing order: the smallest left bounds every unsettled node from
        // below and every settled node from above.
        self.radius = heap.peek().map_or(u64::MAX, |e| e.0.0);
    }
}

/// A label of the spur search: a path from the spur node to `node`.
#[derive(Clone, Copy)]
struct Label {
    node: u32,
    /// Index of the previous label (`NO_PARENT` at the spur node).
    parent: u32,
    /// Number of edges from the spur node.
    hops: u32,
    /// Cost from the source of the whole path (root included).
    cost: u64,
    /// `cost` plus the potential of `node`: the heap's key.
    key: u64,
    /// The edge from the previous label's node.
    link: Link,
}

/// The node sequence of the path ending at a label, from the spur node.
fn sequence(labels: &[Label], mut at: u32, out: &mut Vec<u32>) {
    out.clear();
    loop {
        let label = &labels[at as usize];
        out.push(label.node);
        if label.parent == NO_PARENT {
            break;
        }
        at = label.parent;
    }
    out.reverse();
}

/// A binary min-heap of labels by (key, node sequence from the spur node).
///
/// Sequences are compared only between labels of equal key. Along a path the key never decreases
/// (the potential is consistent) and a label's sequence extends its parent's, so labels leave the
/// heap in non-decreasing order and, at equal cost, a node is settled by its path first in node
/// order.
#[derive(Default)]
struct LabelHeap {
    items: Vec<u32>,
    /// Scratch space for two sequences.
    a: Vec<u32>,
    b: Vec<u32>,
}

impl LabelHeap {
    fn less(&mut self, labels: &[Label], x: u32, y: u32) -> bool {
        match labels[x as usize].key.cmp(&labels[y as usize].key) {
            Ordering::Equal => {
                sequence(labels, x, &mut self.a);
                sequence(labels, y, &mut self.b);
                self.a < self.b
            }
            order => order == Ordering::Less,
        }
    }

    fn push(&mut self, labels: &[Label], label: u32) {
        self.items.push(label);
        let mut i = self.items.len() - 1;
        while i > 0 {
            let parent = (i - 1) / 2;
            let (x, y) = (self.items[i], self.items[parent]);
            if !self.less(labels, x, y) {
                break;
            }
            self.items.swap(i, parent);
            i = parent;
        }
    }

    fn pop(&mut self, labels: &[Label]) -> Option<u32> {
        let last = self.items.pop()?;
        if self.items.is_empty() {
            return Some(last);
        }
        let top = std::mem::replace(&mut self.items[0], last);
        let n = self.items.len();
        let mut i = 0;
        loop {
            let mut least = i;
            for child in [2 * i + 1, 2 * i + 2] {
                if child < n {
                    let (x, y) = (self.items[child], self.items[least]);
                    if self.less(labels, x, y) {
                        least = child;
                    }
                }
            }
            if least == i {
                break;
            }
            self.items.swap(i, least);
            i = least;
        }
        Some(top)
    }
}

/// How a spur search ended.
enum Outcome {
    Found(Found),
    /// No path within the bound.
    None,
    /// Stopped after its share of work.
    Stopped,
}

/// Best spur paths to one target, with reusable per-node state.
struct SpurSearch<'g> {
    graph: &'g ReferralGraph,
    to: u32,
    /// Lower bounds on the cost and hops to `to`.
    to_target: ToTarget,
    /// The least work before the backward searches grow ([`MIN_WORK`]).
    min_work: usize,
    /// Whether the hop budget can bind (else every node is settled at most once).
    limited: bool,
    /// Nodes of the root path, which the spur path may not use.
    blocked: Vec<bool>,
    /// Per node, the fewest hops of a settled label (`UNSETTLED`: none).
    settled_hops: Vec<u32>,
    /// Nodes whose `settled_hops` must be reset.
    touched: Vec<u32>,
    labels: Vec<Label>,
    heap: LabelHeap,
}

impl<'g> SpurSearch<'g> {
    /// Prepares searches towards `to`; `limited` when the hop `budget` can bind.
    fn new(graph: &'g ReferralGraph, to: u32, limited: bool, budget: u32, min_work: usize) -> Self {
        let n = graph.node_count();
        SpurSearch {
            graph,
            to,
            to_target: ToTarget::new(graph, to, limited.then_some(budget)),
            min_work,
            limited,
            blocked: vec![false; n],
            settled_hops: vec![UNSETTLED; n],
            touched: Vec::new(),
            labels: Vec::new(),
            heap: LabelHeap::default(),
        }
    }

    /// The best path from `spur` to the target, by (cost, node sequence), avoiding the blocked
    /// nodes and the edges from `spur` to `forbidden` (sorted), with at most `budget` edges (when
    /// hops bind), starting at cost `start`; `None` if there is none of total cost at most `bound`.
    ///
    /// The forward search and the backward searches from the target share the work, as in a
    /// bidirectional search: the forward search may push as many labels as the backward search has
    /// settled nodes (at least `min_work`); when it needs more, the backward searches grow to twice
    /// that, sharpening the bounds, and the forward search starts again. Once the backward search
    /// is over the potential is exact and the forward search runs to the end.
    fn run(&mut self, spur: u32, start: u64, budget: u32, forbidden: &[u32], bound: u64) -> Option<Found> {
        loop {
            let work = if self.to_target.radius == u64::MAX {
                usize::MAX
            } else {
                self.to_target.count.max(self.min_work).max(1)
            };
            match self.search(spur, start, budget, forbidden, bound, work) {
                Outcome::Found(path) => return Some(path),
                Outcome::None => return None,
                Outcome::Stopped => self.to_target.extend(self.graph, 2 * work),
            }
        }
    }

    /// One A* search with labels of key at most `limit`, stopped after pushing `work` labels.
    ///
    /// Labels leave the heap in order of (key, node sequence) (see [`LabelHeap`]). A label is
    /// dropped when a label of the same node with no more hops left the heap before it: that one
    /// costs no more and comes no later in node order, and any simple completion of the dropped
    /// label gives one of the earlier label that is as good (a completion that would revisit a node
    /// of the earlier label can be shortcut to a path that costs no more, has fewer hops, and
    /// comes first in node order). Without a hop bound every node is settled once. So the first
    /// label of the target to leave the heap is the best path, and it is simple: a label repeating
    /// a node of its own path would have more hops than the earlier, already settled, label of
    /// that node.
    fn search(&mut self, spur: u32, start: u64, budget: u32, forbidden: &[u32], limit: u64, work: usize) -> Outcome {
        for &v in &self.touched {
            self.settled_hops[v as usize] = UNSETTLED;
        }
        self.touched.clear();
        self.labels.clear();
        self.heap.items.clear();
        let potential = self.to_target.potential(spur);
        let key = start.saturating_add(potential);
        if potential == u64::MAX || key > limit || (self.limited && self.to_target.min_hops(spur) > budget) {
            return Outcome::None;
        }
        self.labels.push(Label { node: spur, parent: NO_PARENT, hops: 0, cost: start, key, link: Link::default() });
        self.heap.push(&self.labels, 0);
        while let Some(at) = self.heap.pop(&self.labels) {
            let Label { node: u, hops, cost, .. } = self.labels[at as usize];
            if u == self.to {
                return Outcome::Found(self.path(at));
            }
            let settled = &mut self.settled_hops[u as usize];
            let dominated = if self.limited { hops >= *settled } else { *settled != UNSETTLED };
            if dominated {
                continue;
            }
            if *settled == UNSETTLED {
                self.touched.push(u);
            }
            *settled = hops;
            let next_hops = hops + 1;
            if self.limited && next_hops > budget {
                continue;
            }
            for (v, link) in self.graph.out_edges(u) {
                let vi = v as usize;
                if self.blocked[vi] || (u == spur && forbidden.binary_search(&v).is_ok()) {
                    continue;
                }
                let dominated = if self.limited {
                    next_hops >= self.settled_hops[vi] || next_hops.saturating_add(self.to_target.min_hops(v)) > budget
                } else {
                    self.settled_hops[vi] != UNSETTLED
                };
                let potential = self.to_target.potential(v);
                if dominated || potential == u64::MAX {
                    continue;
                }
                let Some(w) = edge_cost(link.strength) else { continue };
                let cost = cost.saturating_add(w);
                let key = cost.saturating_add(potential);
                if key > limit {
                    continue;
                }
                if self.labels.len() >= work {
                    return Outcome::Stopped;
                }
                let label = u32::try_from(self.labels.len()).expect("fewer than 2^32 labels");
                self.labels.push(Label { node: v, parent: at, hops: next_hops, cost, key, link });
                self.heap.push(&self.labels, label);
            }
        }
        Outcome::None
    }

    /// The path ending at a label, from the spur node.
    fn path(&self, at: u32) -> Found {
        let mut nodes = Vec::new();
        let mut links = Vec::new();
        let mut i = at;
        loop {
            let label = self.labels[i as usize];
            nodes.push(label.node);
            if label.parent == NO_PARENT {
                break;
            }
            links.push(label.link);
            i = label.parent;
        }
        nodes.reverse();
        links.reverse();
        Found { cost: self.labels[at as usize].cost, nodes, links }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referral::{EdgeRecord, ReferralWeights};

    /// A graph whose edges have the given strengths (every kind weighs 1, so strength = weight).
    fn graph(edges: &[(&str, &str, f64)], directed: bool) -> ReferralGraph {
        let weights = ReferralWeights { referred: 1.0, ..ReferralWeights::default() };
        let records: Vec<EdgeRecord> = edges
            .iter()
            .map(|&(s, t, w)| EdgeRecord {
                source: s.into(),
                target: t.into(),
                kind: EdgeKind::Referred,
                weight: w,
                date: None,
            })
            .collect();
        ReferralGraph::build(&records, &weights, None, directed)
    }

    fn sequences(g: &ReferralGraph, from: u32, to: u32, k: usize, max_hops: usize) -> Vec<Vec<u32>> {
        strongest_paths(g, from, to, k, max_hops).into_iter().map(|p| p.nodes).collect()
    }

    #[test]
    fn costs_are_fixed_point_minus_ln() {
        assert_eq!(edge_cost(1.0), Some(0));
        assert_eq!(edge_cost(0.0), None);
        assert_eq!(edge_cost(f64::NAN), None);
        assert_eq!(edge_cost(-0.5), None);
        assert_eq!(edge_cost(1.5), Some(0));
        assert_eq!(edge_cost(0.5), Some((std::f64::consts::LN_2 * COST_SCALE).round() as u64));
        // A strength of 1e-45 costs 103.6 · 2^48: 500 such edges still sum exactly.
        assert!(edge_cost(1e-45).unwrap() < u64::MAX / 500);
        // The smallest positive f64 (4.9e-324) costs 744.4 · 2^48: 80 such edges.
        assert!(edge_cost(f64::from_bits(1)).unwrap() < u64::MAX / 80);
    }

    #[test]
    fn describe_uses_neutral_words() {
        let p = Path { nodes: vec![2, 1, 0], kinds: vec![Some(EdgeKind::PastProject), None], strength: 0.5 };
        assert_eq!(p.describe(&|n| format!("n{n}")), "n2 —past project— n1 —linked— n0");
        let single = Path { nodes: vec![7], kinds: vec![], strength: 1.0 };
        assert_eq!(single.describe(&|n| format!("n{n}")), "n7");
    }

    #[test]
    fn equal_strengths_in_any_order_tie() {
        // a–b–c–z: 0.6 × 0.8 × 0.9 and a–d–e–z: 0.9 × 0.8 × 0.6 cost exactly the same (as floats the
        // products are 0.432 and 0.43200000000000005) and come in node order: [a, b, c, z] =
        // [0, 1, 2, 3] first.
        let g = graph(
            &[("a", "b", 0.6), ("b", "c", 0.8), ("c", "z", 0.9), ("a", "d", 0.9), ("d", "e", 0.8), ("e", "z", 0.6)],
            false,
        );
        let paths = strongest_paths(&g, 0, 3, 2, 6);
        assert_eq!(paths.iter().map(|p| p.nodes.clone()).collect::<Vec<_>>(), [vec![0, 1, 2, 3], vec![0, 4, 5, 3]]);
        assert_eq!((paths[0].strength, paths[1].strength), (0.432, 0.43200000000000005));
        assert_eq!(sequences(&g, 0, 3, 1, 6), [vec![0, 1, 2, 3]]);
        // Backwards: [z, c, b, a] = [3, 2, 1, 0] before [z, e, d, a] = [3, 5, 4, 0].
        assert_eq!(sequences(&g, 3, 0, 2, 6), [vec![3, 2, 1, 0], vec![3, 5, 4, 0]]);
    }

    #[test]
    fn equal_products_of_different_strengths_are_ranked_by_cost() {
        // a–c–d: 0.25 × 1 and a–b–d: 0.5 × 0.5 are both 0.25, but −ln rounds them one quantum apart:
        // 2 · round(ln 2 · 2^48) = round(ln 4 · 2^48) − 1. The cheaper, a–b–d, comes first although
        // a–c–d comes first in node order (c = 1 < b = 3). See the module documentation.
        assert_eq!(edge_cost(0.25).unwrap(), 2 * edge_cost(0.5).unwrap() + 1);
        let g = graph(&[("a", "c", 0.25), ("c", "d", 1.0), ("a", "b", 0.5), ("b", "d", 0.5)], false);
        let paths = strongest_paths(&g, 0, 2, 2, 6);
        assert_eq!(paths.iter().map(|p| p.nodes.clone()).collect::<Vec<_>>(), [vec![0, 3, 2], vec![0, 1, 2]]);
        assert!(paths.iter().all(|p| p.strength == 0.25));
    }

    #[test]
    fn zero_cost_edges_keep_node_order() {
        // s–v–t costs c(0.5); s–a–b–v–t too, through edges of strength 1 (cost 0), and comes first
        // in node order (a = 1 < v = 3), although it has more edges and reaches v later. A search
        // breaking ties by hops or by node index alone would settle v through s–v and lose it.
        let g = graph(
            &[("s", "a", 0.5), ("a", "b", 1.0), ("b", "v", 1.0), ("s", "v", 0.5), ("v", "t", 1.0), ("z", "s", 0.1)],
            false,
        );
        let (long, short): (&[u32], &[u32]) = (&[0, 1, 2, 3, 4], &[0, 3, 4]);
        for max_hops in [4, 5, 6] {
            // n = 6: max_hops 4 binds (limited search), 5 and 6 do not.
            assert_eq!(sequences(&g, 0, 4, 1, max_hops), [long]);
            assert_eq!(sequences(&g, 0, 4, 5, max_hops), [long, short]);
        }
        assert_eq!(sequences(&g, 0, 4, 5, 3), [short]);
    }

    #[test]
    fn directed_edges_are_followed_forwards_only() {
        let g = graph(&[("Dana", "Tech U", 0.6), ("Dana", "Acme", 0.9)], true);
        let n = |id| g.node(id).unwrap();
        assert!(strongest_paths(&g, n("Tech U"), n("Acme"), 3, 6).is_empty());
        assert_eq!(sequences(&g, n("Dana"), n("Acme"), 3, 6), [vec![n("Dana"), n("Acme")]]);
        assert_eq!(strongest_from(&g, n("Tech U"))[n("Dana") as usize], None);
    }

    #[test]
    fn hop_bound_is_exact_not_a_filter() {
        // s–a–b–t is strong (0.9³ = 0.729) but has 3 edges; s–c–t is weak (0.3² = 0.09) with 2.
        // Under max_hops = 2 the best path is s–c–t, which a search ignoring the bound and then
        // rejecting s–a–b–t would miss.
        let g = graph(&[("s", "a", 0.9), ("a", "b", 0.9), ("b", "t", 0.9), ("s", "c", 0.3), ("c", "t", 0.3)], false);
        let n = |id| g.node(id).unwrap();
        let (s, t) = (n("s"), n("t"));
        let (strong, weak) = (vec![s, n("a"), n("b"), t], vec![s, n("c"), t]);
        assert_eq!(sequences(&g, s, t, 5, 6), [strong, weak.clone()]);
        let short = strongest_paths(&g, s, t, 5, 2);
        assert_eq!(short.len(), 1);
        assert_eq!(short[0].nodes, weak);
        assert!((short[0].strength - 0.09).abs() < 1e-12);
        assert!(strongest_paths(&g, s, t, 5, 1).is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(500))]

        /// The backward searches only steer and prune: growing them after every label (work 1)
        /// gives what never growing them gives (no potential, no hop bounds).
        #[test]
        fn backward_searches_do_not_change_the_result(
            n in 2usize..=9,
            directed in proptest::bool::ANY,
            edges in proptest::collection::vec((0usize..9, 0usize..9, 0u32..=8), 0..=26),
            from in 0usize..9, to in 0usize..9, k in 1usize..=6, max_hops in 1usize..=9,
        ) {
            let weights = ReferralWeights { referred: 1.0, ..ReferralWeights::default() };
            let rec = |a: usize, b: usize, weight: f64| EdgeRecord {
                source: format!("n{a}"),
                target: format!("n{b}"),
                kind: EdgeKind::Referred,
                weight,
                date: None,
            };
            // Every node first, by a self-loop of strength 0, so that node i is "n{i}".
            let mut records: Vec<EdgeRecord> = (0..n).map(|i| rec(i, i, 0.0)).collect();
            records.extend(edges.into_iter().map(|(a, b, c)| rec(a % n, b % n, f64::from(c) / 8.0)));
            let g = ReferralGraph::build(&records, &weights, None, directed);
            let (from, to) = ((from % n) as u32, (to % n) as u32);
            let eager = strongest_paths_with(&g, from, to, k, max_hops, 1);
            let never = strongest_paths_with(&g, from, to, k, max_hops, usize::MAX);
            proptest::prop_assert_eq!(&eager, &never);
            proptest::prop_assert_eq!(&eager, &strongest_paths_with(&g, from, to, k, max_hops, 3));
        }
    }
}
