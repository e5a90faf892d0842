//! The referral network: institutions, partners and people joined by typed, weighted, dated edges,
//! stored as compressed sparse rows in both directions.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use petgraph::graph::NodeIndex;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Serialize};

/// How two nodes are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A person studied at an institution.
    Alumnus,
    /// A person works at an organisation.
    WorksAt,
    /// A person advises an institution or organisation (advisory board, faculty).
    Advises,
    /// A member of an association or network.
    MemberOf,
    /// An institution and a partner did a project together; its weight is the outcome rating (0–5).
    PastProject,
    /// Someone introduced someone else.
    Referred,
}

impl EdgeKind {
    /// Every kind.
    pub const ALL: [EdgeKind; 6] = [
        EdgeKind::Alumnus,
        EdgeKind::WorksAt,
        EdgeKind::Advises,
        EdgeKind::MemberOf,
        EdgeKind::PastProject,
        EdgeKind::Referred,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Alumnus => "alumnus",
            EdgeKind::WorksAt => "works_at",
            EdgeKind::Advises => "advises",
            EdgeKind::MemberOf => "member_of",
            EdgeKind::PastProject => "past_project",
            EdgeKind::Referred => "referred",
        }
    }

    /// Words for a path: "alumnus of", "works at", ...
    pub fn words(self) -> &'static str {
        match self {
            EdgeKind::Alumnus => "alumnus of",
            EdgeKind::WorksAt => "works at",
            EdgeKind::Advises => "advises",
            EdgeKind::MemberOf => "member of",
            EdgeKind::PastProject => "past project with",
            EdgeKind::Referred => "referred",
        }
    }
}

impl fmt::Display for EdgeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EdgeKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace('-', "_");
        EdgeKind::ALL.into_iter().find(|k| k.as_str() == t).ok_or_else(|| {
            format!(
                "unknown edge kind \"{s}\" (expected alumnus, works_at, advises, member_of, past_project or referred)"
            )
        })
    }
}

/// Strengths of the edge kinds and the decay of old edges (the `[referral]` table of the weights TOML).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReferralWeights {
    /// Strength of `alumnus` edges.
    pub alumnus: f64,
    /// Strength of `works_at` edges.
    pub works_at: f64,
    /// Strength of `advises` edges.
    pub advises: f64,
    /// Strength of `member_of` edges.
    pub member_of: f64,
    /// Strength of a `past_project` edge with the top rating (5); it scales with rating / 5.
    pub past_project: f64,
    /// Strength of `referred` edges.
    pub referred: f64,
    /// Days after which a dated edge counts half (0 disables decay).
    pub half_life_days: f64,
    /// PageRank damping factor.
    pub damping: f64,
}

impl Default for ReferralWeights {
    fn default() -> Self {
        ReferralWeights {
            alumnus: 0.6,
            works_at: 0.9,
            advises: 0.7,
            member_of: 0.3,
            past_project: 1.0,
            referred: 0.8,
            half_life_days: 1095.0,
            damping: 0.85,
        }
    }
}

impl ReferralWeights {
    /// The default strength of a kind.
    pub fn strength(&self, kind: EdgeKind) -> f64 {
        match kind {
            EdgeKind::Alumnus => self.alumnus,
            EdgeKind::WorksAt => self.works_at,
            EdgeKind::Advises => self.advises,
            EdgeKind::MemberOf => self.member_of,
            EdgeKind::PastProject => self.past_project,
            EdgeKind::Referred => self.referred,
        }
    }

    /// The weight of one edge before the cap: the kind's strength times its weight (for
    /// `past_project`, the rating / 5), halved every `half_life_days` of age at `as_of` (0 for a
    /// weight that is not a number or negative). PageRank's transition shares are in proportion to
    /// it; paths use [`ReferralWeights::edge_strength`], the same capped at 1.
    ///
    /// ```
    /// use pounce::referral::{EdgeKind, ReferralWeights};
    /// let w = ReferralWeights::default();
    /// assert_eq!(w.edge_weight(EdgeKind::WorksAt, 3.0, None, None), 2.7);
    /// assert_eq!(w.edge_strength(EdgeKind::WorksAt, 3.0, None, None), 1.0);
    /// ```
    pub fn edge_weight(&self, kind: EdgeKind, weight: f64, date: Option<NaiveDate>, as_of: Option<NaiveDate>) -> f64 {
        let base = match kind {
            EdgeKind::PastProject => self.past_project * weight / 5.0,
            k => self.strength(k) * weight,
        };
        let decay = match (date, as_of) {
            (Some(d), Some(now)) if self.half_life_days > 0.0 && now > d => {
                0.5f64.powf((now - d).num_days() as f64 / self.half_life_days)
            }
            _ => 1.0,
        };
        let s = base * decay;
        // A weight that is not a number carries no strength (readers refuse such weights already).
        if s.is_nan() { 0.0 } else { s.max(0.0) }
    }

    /// The strength of one edge: [`ReferralWeights::edge_weight`] capped at 1 (a probability that
    /// the introduction works, so that a path's strength, the product of its edges', is one too).
    ///
    /// ```
    /// use pounce::referral::{EdgeKind, ReferralWeights};
    /// let w = ReferralWeights::default();
    /// assert_eq!(w.edge_strength(EdgeKind::WorksAt, 1.0, None, None), 0.9);
    /// assert_eq!(w.edge_strength(EdgeKind::PastProject, 4.0, None, None), 0.8);
    /// let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    /// let old = w.edge_strength(EdgeKind::WorksAt, 1.0, d("2024-01-01"), d("2026-12-31"));
    /// assert!((old - 0.45).abs() < 1e-9); // 1095 days old: half
    /// ```
    pub fn edge_strength(&self, kind: EdgeKind, weight: f64, date: Option<NaiveDate>, as_of: Option<NaiveDate>) -> f64 {
        self.edge_weight(kind, weight, date, as_of).min(1.0)
    }
}

/// One edge as read from a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EdgeRecord {
    /// Source node id.
    pub source: String,
    /// Target node id.
    pub target: String,
    /// Kind.
    pub kind: EdgeKind,
    /// Weight (>= 0; for `past_project` the outcome rating 0–5).
    pub weight: f64,
    /// When the relationship was last active.
    pub date: Option<NaiveDate>,
}

/// A graph edge's data: its strength and kind.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Link {
    /// Strength in [0, 1] (parallel edges add up, capped at 1).
    pub strength: f64,
    /// Kind of the strongest of the parallel edges.
    pub kind: Option<EdgeKind>,
}

/// One edge of an [`EdgeList`]: an [`EdgeRecord`] whose ends are node numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InternedEdge {
    /// Source node (see [`EdgeList::id`]).
    pub source: u32,
    /// Target node.
    pub target: u32,
    /// Kind.
    pub kind: EdgeKind,
    /// Weight (>= 0; for `past_project` the outcome rating 0–5).
    pub weight: f64,
    /// When the relationship was last active.
    pub date: Option<NaiveDate>,
}

/// Edges with their node ids interned: each distinct id is stored once and numbered in the order of
/// first appearance (an edge's source before its target), the numbering of [`ReferralGraph`]. What
/// [`ReferralGraph::from_edges`] needs of a large file, without two strings per edge.
///
/// ```
/// use pounce::referral::graph::EdgeList;
/// use pounce::referral::EdgeKind;
/// let mut list = EdgeList::default();
/// list.push("uni", "alice", EdgeKind::Alumnus, 1.0, None);
/// list.push("alice", "acme", EdgeKind::WorksAt, 1.0, None);
/// assert_eq!(list.node_count(), 3);
/// assert_eq!((list.edges()[1].source, list.id(2)), (1, "acme"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EdgeList {
    /// Every id, one after the other.
    names: String,
    /// Where each id ends in `names` (id `v` is `names[ends[v - 1]..ends[v]]`, from 0 for `v = 0`).
    ends: Vec<usize>,
    /// Ids of at most 15 bytes (most) by their [`inline_key`]: a hit needs no comparison through a
    /// pointer.
    short: HashMap<u128, u32, FxBuildHasher>,
    /// Longer ids.
    long: HashMap<String, u32, FxBuildHasher>,
    edges: Vec<InternedEdge>,
}

impl EdgeList {
    /// An empty list with room for `edges` edges.
    pub fn with_capacity(edges: usize) -> Self {
        EdgeList { edges: Vec::with_capacity(edges), ..Default::default() }
    }

    /// The edges of records, in order.
    pub fn from_records(records: &[EdgeRecord]) -> Self {
        let mut list = EdgeList::with_capacity(records.len());
        for r in records {
            list.push(&r.source, &r.target, r.kind, r.weight, r.date);
        }
        list
    }

    /// The node of an id, numbered next if it is new.
    pub fn intern(&mut self, id: &str) -> u32 {
        let next = self.ends.len() as u32;
        let found = match inline_key(id) {
            Some(key) => *self.short.entry(key).or_insert(next),
            None => match self.long.get(id) {
                Some(&v) => v,
                None => *self.long.entry(id.to_owned()).or_insert(next),
            },
        };
        if found == next {
            self.names.push_str(id);
            self.ends.push(self.names.len());
        }
        found
    }

    /// Adds an edge (its ids interned: the source first).
    pub fn push(&mut self, source: &str, target: &str, kind: EdgeKind, weight: f64, date: Option<NaiveDate>) {
        let source = self.intern(source);
        let target = self.intern(target);
        self.edges.push(InternedEdge { source, target, kind, weight, date });
    }

    /// Appends edges whose ends are numbered by `ids` (edge end `v` is `ids[v]`), interning the ids in
    /// order: as pushing each edge with its ids when `ids` are in order of first appearance.
    pub(crate) fn append(&mut self, ids: &[&str], mut edges: Vec<InternedEdge>) {
        let nodes: Vec<u32> = ids.iter().map(|id| self.intern(id)).collect();
        if self.edges.is_empty() && nodes.iter().enumerate().all(|(i, &v)| i == v as usize) {
            self.edges = edges; // numbered alike: no copy
            return;
        }
        for e in &mut edges {
            (e.source, e.target) = (nodes[e.source as usize], nodes[e.target as usize]);
        }
        self.edges.append(&mut edges);
    }

    /// Number of distinct ids.
    pub fn node_count(&self) -> usize {
        self.ends.len()
    }

    /// The id of a node.
    pub fn id(&self, node: u32) -> &str {
        let v = node as usize;
        &self.names[if v == 0 { 0 } else { self.ends[v - 1] }..self.ends[v]]
    }

    /// The node of an id.
    pub fn node(&self, id: &str) -> Option<u32> {
        match inline_key(id) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(id).copied(),
        }
    }

    /// The edges, in order.
    pub fn edges(&self) -> &[InternedEdge] {
        &self.edges
    }

    /// The latest date of an edge.
    pub fn latest_date(&self) -> Option<NaiveDate> {
        self.edges.iter().filter_map(|e| e.date).max()
    }
}

/// Compressed sparse rows: the edges of node `v` are `nodes[start[v]..start[v + 1]]` with their data.
#[derive(Debug, Clone)]
struct Adjacency<T> {
    start: Vec<usize>,
    nodes: Vec<u32>,
    data: Vec<T>,
}

impl<T> Adjacency<T> {
    fn row(&self, v: u32) -> (&[u32], &[T]) {
        let range = self.start[v as usize]..self.start[v as usize + 1];
        (&self.nodes[range.clone()], &self.data[range])
    }
}

/// The referral network, ready for queries.
#[derive(Debug, Clone)]
pub struct ReferralGraph {
    /// The ids and their nodes (the edges themselves are dropped).
    ids: EdgeList,
    /// Out-edges, sorted by target, with their (target, strength, kind) (the strongest parallel
    /// edge's kind).
    out: Adjacency<(u32, f64, EdgeKind)>,
    /// In-edges with weights normalised by the source's total out-strength (for PageRank), sorted by
    /// source.
    inn: Adjacency<f64>,
    /// Whether the in-edges are the out-edges (`inn` then holds only the shares, in the order of
    /// `out`).
    symmetric: bool,
    /// Nodes without out-edges.
    dangling: Vec<u32>,
    directed: bool,
}

/// An id of at most 15 bytes as one number: its bytes, then its length in the last byte (so two ids
/// have the same key only when they are equal).
pub(crate) fn inline_key(id: &str) -> Option<u128> {
    let bytes = id.as_bytes();
    (bytes.len() < 16).then(|| {
        let mut key = [0u8; 16];
        key[..bytes.len()].copy_from_slice(bytes);
        key[15] = bytes.len() as u8;
        u128::from_le_bytes(key)
    })
}

impl ReferralGraph {
    /// Builds the graph from edge records. Undirected unless `directed`: each edge then joins both
    /// ways. Parallel edges between the same two nodes add their weights; self-loops are kept.
    /// Weights come from `weights` at date `as_of` ([`ReferralWeights::edge_weight`]): PageRank
    /// follows an edge in proportion to its weight, uncapped, and paths use its strength, the weight
    /// capped at 1.
    pub fn build(records: &[EdgeRecord], weights: &ReferralWeights, as_of: Option<NaiveDate>, directed: bool) -> Self {
        Self::from_edges(EdgeList::from_records(records), weights, as_of, directed)
    }

    /// [`ReferralGraph::build`] from interned edges (the same graph as from the records they were
    /// interned from).
    pub fn from_edges(list: EdgeList, weights: &ReferralWeights, as_of: Option<NaiveDate>, directed: bool) -> Self {
        Self::from_edges_in(list, weights, as_of, directed, true, 0)
    }

    /// [`ReferralGraph::from_edges`]; the in-edges of an undirected graph are its out-edges only if
    /// `reuse` (tests compare with them counted out); the edges are grouped in `parts` parts in
    /// parallel (0: one per thread for a large graph).
    fn from_edges_in(
        mut list: EdgeList,
        weights: &ReferralWeights,
        as_of: Option<NaiveDate>,
        directed: bool,
        reuse: bool,
        parts: usize,
    ) -> Self {
        let edges = std::mem::take(&mut list.edges);
        let n = list.node_count();
        // Edges grouped by source node (a counting sort), each group then sorted by target, the
        // strongest first, then by kind: the order of sorting all edges by that key.
        let both = |e: &InternedEdge| !directed && e.source != e.target;
        let mut start = vec![0usize; n + 1];
        for e in &edges {
            start[e.source as usize + 1] += 1;
            if both(e) {
                start[e.target as usize + 1] += 1;
            }
        }
        for v in 0..n {
            start[v + 1] += start[v];
        }
        let mut raw: Vec<(u32, f64, EdgeKind)> = vec![(0, 0.0, EdgeKind::Referred); start[n]];
        // Scattered in parts of about equal size, each a range of groups filled by one thread that
        // reads every edge: within a group, edges stay in file order whatever the parts.
        let parts = if parts == 0 { rayon::current_num_threads().clamp(1, 8).min(1 + start[n] / 65536) } else { parts };
        let mut bounds = vec![0usize];
        for p in 1..parts {
            let v = start.partition_point(|&s| s < start[n] * p / parts).min(n);
            bounds.push(v.max(bounds[p - 1]));
        }
        bounds.push(n);
        let mut slices = Vec::with_capacity(parts);
        let mut rest = raw.as_mut_slice();
        for w in bounds.windows(2) {
            let (part, tail) = std::mem::take(&mut rest).split_at_mut(start[w[1]] - start[w[0]]);
            slices.push((w[0]..w[1], part));
            rest = tail;
        }
        slices.into_par_iter().for_each(|(nodes, part)| {
            let mut next: Vec<usize> = start[nodes.clone()].iter().map(|&s| s - start[nodes.start]).collect();
            for e in &edges {
                let (a, b) = (e.source as usize, e.target as usize);
                let (to_a, to_b) = (nodes.contains(&a), both(e) && nodes.contains(&b));
                if to_a || to_b {
                    let s = weights.edge_weight(e.kind, e.weight, e.date, as_of);
                    if to_a {
                        part[next[a - nodes.start]] = (e.target, s, e.kind);
                        next[a - nodes.start] += 1;
                    }
                    if to_b {
                        part[next[b - nodes.start]] = (e.source, s, e.kind);
                        next[b - nodes.start] += 1;
                    }
                }
            }
        });
        drop(edges);
        let mut groups = Vec::with_capacity(n);
        let mut rest = raw.as_mut_slice();
        for a in 0..n {
            let (group, tail) = std::mem::take(&mut rest).split_at_mut(start[a + 1] - start[a]);
            groups.push(group);
            rest = tail;
        }
        // Each group sorted, then its parallel edges merged into the first, in place: the merged
        // edges' number and the group's total strength.
        let merged: Vec<(usize, f64)> = groups
            .into_par_iter()
            .with_min_len(256)
            .map(|group| {
                // By target, then parallel edges (the same target) the strongest first, then by kind:
                // edges equal in all three are alike, so this is the one order of that key.
                group.sort_unstable_by_key(|e| e.0);
                for run in group.chunk_by_mut(|x, y| x.0 == y.0).filter(|run| run.len() > 1) {
                    run.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.2.cmp(&y.2)));
                }
                // Weights of parallel edges add up (capped at 1 below, for paths); the strongest
                // one's kind stays.
                let mut len = 0;
                for i in 0..group.len() {
                    let (b, s, k) = group[i];
                    if len > 0 && group[len - 1].0 == b {
                        group[len - 1].1 += s;
                    } else {
                        group[len] = (b, s, k);
                        len += 1;
                    }
                }
                (len, group[..len].iter().fold(0.0, |total, e| total + e.1))
            })
            .collect();
        let out_strength: Vec<f64> = merged.iter().map(|m| m.1).collect();
        let mut out_start = Vec::with_capacity(n + 1);
        out_start.push(0);
        for (a, m) in merged.iter().enumerate() {
            out_start.push(out_start[a] + m.0);
        }
        if out_start[n] < raw.len() {
            // Groups moved down over the merged-away edges (never over a group not yet moved).
            for (a, m) in merged.iter().enumerate() {
                raw.copy_within(start[a]..start[a] + m.0, out_start[a]);
            }
            raw.truncate(out_start[n]);
        }
        drop((merged, start));
        // PageRank's weights, uncapped; then the strengths, capped at 1.
        let rank: Vec<f64> = raw.par_iter().map(|e| e.1).collect();
        raw.par_iter_mut().for_each(|e| e.1 = e.1.min(1.0));
        // The merged edges stay where they are (no copy); their targets again on their own, for
        // PageRank's stream of in-neighbours.
        let out_nodes: Vec<u32> = raw.par_iter().map(|e| e.0).collect();
        let out = Adjacency { start: out_start, nodes: out_nodes, data: raw };
        // Undirected, every merged edge a–b is one out-edge of a and one of b, of the same strength
        // (the same parallel edges added in the same order): b's in-edges are its out-edges. When
        // they all carry strength (else some are not in-edges), only the shares are new.
        let symmetric = reuse && !directed && out.data.iter().all(|e| e.1 > 0.0);
        if symmetric {
            let mut shares = vec![0f64; out.nodes.len()];
            shares.par_iter_mut().zip(&out.nodes).zip(&rank).with_min_len(4096).for_each(|((share, &a), w)| {
                *share = w / out_strength[a as usize];
            });
            let inn = Adjacency { start: Vec::new(), nodes: Vec::new(), data: shares };
            let dangling = (0..n as u32).filter(|&v| out_strength[v as usize] <= 0.0).collect();
            return ReferralGraph { ids: list, out, inn, symmetric, dangling, directed };
        }
        // In-edges grouped by target (a counting sort of the edges sorted by source): sorted by
        // (target, source).
        let mut in_start = vec![0usize; n + 1];
        for (a, &total) in out_strength.iter().enumerate() {
            if total > 0.0 {
                for &(b, strength, _) in out.row(a as u32).1 {
                    if strength > 0.0 {
                        in_start[b as usize + 1] += 1;
                    }
                }
            }
        }
        let weight_of = |a: usize| &rank[out.start[a]..out.start[a + 1]];
        for v in 0..n {
            in_start[v + 1] += in_start[v];
        }
        let mut in_nodes = vec![0u32; in_start[n]];
        let mut in_shares = vec![0f64; in_start[n]];
        let mut next = in_start.clone();
        for (a, &total) in out_strength.iter().enumerate() {
            if total > 0.0 {
                for (&(b, strength, _), w) in out.row(a as u32).1.iter().zip(weight_of(a)) {
                    if strength > 0.0 {
                        let slot = &mut next[b as usize];
                        in_nodes[*slot] = a as u32;
                        in_shares[*slot] = w / total;
                        *slot += 1;
                    }
                }
            }
        }
        let inn = Adjacency { start: in_start, nodes: in_nodes, data: in_shares };
        let dangling = (0..n as u32).filter(|&v| out_strength[v as usize] <= 0.0).collect();
        ReferralGraph { ids: list, out, inn, symmetric, dangling, directed }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.ids.node_count()
    }

    /// Number of (merged, directed) edges.
    pub fn edge_count(&self) -> usize {
        self.out.nodes.len()
    }

    /// Whether edges were taken as directed.
    pub fn is_directed(&self) -> bool {
        self.directed
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<u32> {
        self.ids.node(id)
    }

    /// The id of a node.
    pub fn id(&self, node: u32) -> &str {
        self.ids.id(node)
    }

    /// Out-neighbours of a node with their links.
    pub fn out_edges(&self, node: u32) -> impl Iterator<Item = (u32, Link)> + '_ {
        self.out.row(node).1.iter().map(|&(b, strength, kind)| (b, Link { strength, kind: Some(kind) }))
    }

    /// The network as a petgraph [`DiGraph`](petgraph::graph::DiGraph), for the algorithms petgraph
    /// offers beyond Pounce's own (components, centralities, other path problems): node `i` is this
    /// graph's node `i`, weighted by its id; an edge per out-edge, weighted by its [`Link`] (an
    /// undirected network has each edge both ways).
    ///
    /// ```
    /// use petgraph::graph::NodeIndex;
    /// use pounce::referral::{EdgeKind, EdgeRecord, ReferralGraph, ReferralWeights};
    /// let edge = |a: &str, b: &str, kind| EdgeRecord { source: a.into(), target: b.into(), kind, weight: 1.0, date: None };
    /// let records = [edge("Dana", "Tech U", EdgeKind::Alumnus), edge("Dana", "Acme", EdgeKind::WorksAt)];
    /// let graph = ReferralGraph::build(&records, &ReferralWeights::default(), None, false);
    /// let g = graph.to_petgraph();
    /// assert_eq!((g.node_count(), g.edge_count()), (3, 4));
    /// // The strongest chain from Tech U to Acme, as a shortest path over -ln(strength): 0.6 × 0.9.
    /// let tech = NodeIndex::new(graph.node("Tech U").unwrap() as usize);
    /// let cost = petgraph::algo::dijkstra(&g, tech, None, |e| -e.weight().strength.ln());
    /// let acme = NodeIndex::new(graph.node("Acme").unwrap() as usize);
    /// assert!(((-cost[&acme]).exp() - 0.54).abs() < 1e-12);
    /// ```
    pub fn to_petgraph(&self) -> petgraph::graph::DiGraph<String, Link> {
        let n = self.node_count();
        let mut g = petgraph::graph::DiGraph::with_capacity(n, self.edge_count());
        for v in 0..n {
            g.add_node(self.id(v as u32).to_owned());
        }
        for v in 0..n {
            for (b, link) in self.out_edges(v as u32) {
                g.add_edge(NodeIndex::new(v), NodeIndex::new(b as usize), link);
            }
        }
        g
    }

    /// All in-edges, as `(start, sources, shares)`: the in-neighbours of node `v` are
    /// `sources[start[v]..start[v + 1]]`, ascending, each with the share of its out-strength that
    /// flows along the edge in `shares`.
    pub(crate) fn in_edges(&self) -> (&[usize], &[u32], &[f64]) {
        if self.symmetric {
            (&self.out.start, &self.out.nodes, &self.inn.data)
        } else {
            (&self.inn.start, &self.inn.nodes, &self.inn.data)
        }
    }

    /// In-neighbours of a node with the share of their out-strength that flows along the edge.
    #[cfg(test)]
    fn in_shares(&self, node: u32) -> (&[u32], &[f64]) {
        let (start, sources, shares) = self.in_edges();
        let range = start[node as usize]..start[node as usize + 1];
        (&sources[range.clone()], &shares[range])
    }

    /// Nodes without outgoing strength.
    pub(crate) fn dangling(&self) -> &[u32] {
        &self.dangling
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_ids_are_told_apart() {
        let ids = ["a", "a\0", "", "fifteen bytes!!", "sixteen bytes!!!", "sixteen bytes!!?", "a much longer id, Ä"];
        let edge = |s: &str, t: &str| EdgeRecord {
            source: s.into(),
            target: t.into(),
            kind: EdgeKind::Referred,
            weight: 1.0,
            date: None,
        };
        let records: Vec<EdgeRecord> = (0..ids.len()).map(|i| edge(ids[i], ids[(i + 1) % ids.len()])).collect();
        let g = ReferralGraph::build(&records, &ReferralWeights::default(), None, true);
        assert_eq!(g.node_count(), ids.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(g.node(id), Some(i as u32));
            assert_eq!(g.id(i as u32), *id);
        }
        assert_eq!(g.node("a\0\0"), None);
        assert_eq!(g.edge_count(), ids.len());
    }

    /// The out-edges and in-edges as defined: every edge (both ways unless directed) sorted by
    /// source, target, strength (strongest first) and kind, parallel ones merged in that order; the
    /// in-edges of the merged edges with strength, sorted by target and source, with their shares.
    #[allow(clippy::type_complexity)]
    fn reference(
        list: &EdgeList,
        w: &ReferralWeights,
        as_of: Option<NaiveDate>,
        directed: bool,
    ) -> (Vec<(u32, u32, Link)>, Vec<(u32, u32, f64)>) {
        let mut all = Vec::new();
        for e in list.edges() {
            let s = w.edge_weight(e.kind, e.weight, e.date, as_of);
            all.push((e.source, e.target, s, e.kind));
            if !directed && e.source != e.target {
                all.push((e.target, e.source, s, e.kind));
            }
        }
        all.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)).then(y.2.total_cmp(&x.2)).then(x.3.cmp(&y.3)));
        let mut out: Vec<(u32, u32, Link)> = Vec::new();
        let mut weights: Vec<f64> = Vec::new();
        for (a, b, s, k) in all {
            match out.last_mut() {
                Some(last) if (last.0, last.1) == (a, b) => {
                    *weights.last_mut().unwrap() += s;
                    last.2.strength = weights.last().unwrap().min(1.0);
                }
                _ => {
                    out.push((a, b, Link { strength: s.min(1.0), kind: Some(k) }));
                    weights.push(s);
                }
            }
        }
        let mut total = vec![0.0; list.node_count()];
        for ((a, _, _), w) in out.iter().zip(&weights) {
            total[*a as usize] += w;
        }
        let mut inn: Vec<(u32, u32, f64)> = out
            .iter()
            .zip(&weights)
            .filter(|((a, _, l), _)| l.strength > 0.0 && total[*a as usize] > 0.0)
            .map(|((a, b, _), w)| (*b, *a, w / total[*a as usize]))
            .collect();
        inn.sort_by_key(|e| (e.0, e.1));
        (out, inn)
    }

    /// `edges` random dated edges among `nodes` nodes, weights in eighths up to `levels` / 8, one in
    /// `zeros` of weight 0 when given.
    fn random_list(
        next: &mut impl FnMut(u64) -> u64,
        nodes: u64,
        edges: u64,
        zeros: Option<u64>,
        levels: u64,
    ) -> EdgeList {
        let mut list = EdgeList::default();
        for _ in 0..edges {
            let kind = EdgeKind::ALL[next(6) as usize];
            let weight = if zeros.is_some_and(|z| next(z) == 0) { 0.0 } else { (1 + next(levels)) as f64 / 8.0 };
            let date = NaiveDate::from_ymd_opt(2020 + next(5) as i32, 1, 1 + next(28) as u32);
            list.push(&format!("n{}", next(nodes)), &format!("n{}", next(nodes)), kind, weight, date);
        }
        list
    }

    #[test]
    fn graphs_are_built_as_defined() {
        let mut seed = 29u64;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for round in 0..40 {
            let nodes = 1 + next(60);
            let edges = next(400);
            let list = random_list(&mut next, nodes, edges, (round % 4 == 0).then_some(8), 16);
            let as_of = NaiveDate::from_ymd_opt(2026, 1, 1);
            let w = ReferralWeights::default();
            for directed in [false, true] {
                let (out, inn) = reference(&list, &w, as_of, directed);
                for (reuse, parts) in [(true, 1), (true, 2), (false, 3), (true, 7), (false, 0)] {
                    let g = ReferralGraph::from_edges_in(list.clone(), &w, as_of, directed, reuse, parts);
                    let got: Vec<(u32, u32, Link)> =
                        (0..g.node_count() as u32).flat_map(|a| g.out_edges(a).map(move |(b, l)| (a, b, l))).collect();
                    assert_eq!(got, out, "round {round}, {parts} parts");
                    let got: Vec<(u32, u32, f64)> = (0..g.node_count() as u32)
                        .flat_map(|b| {
                            let (sources, shares) = g.in_shares(b);
                            sources.iter().zip(shares).map(move |(&a, &s)| (b, a, s))
                        })
                        .collect();
                    assert_eq!(got, inn, "round {round}, {parts} parts");
                    assert_eq!(g.edge_count(), out.len());
                }
            }
        }
    }

    #[test]
    fn undirected_in_edges_are_the_counted_ones() {
        let mut seed = 11u64;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for round in 0..30 {
            let nodes = 2 + next(40);
            let edges = next(200);
            let list = random_list(&mut next, nodes, edges, (round % 3 == 0).then_some(10), 12);
            let as_of = NaiveDate::from_ymd_opt(2026, 1, 1);
            for directed in [false, true] {
                let w = ReferralWeights::default();
                let reused = ReferralGraph::from_edges_in(list.clone(), &w, as_of, directed, true, 0);
                let counted = ReferralGraph::from_edges_in(list.clone(), &w, as_of, directed, false, 0);
                assert_eq!(reused.dangling(), counted.dangling());
                for v in 0..reused.node_count() as u32 {
                    assert_eq!(reused.in_shares(v), counted.in_shares(v), "round {round}, node {v}");
                    assert!(reused.out_edges(v).eq(counted.out_edges(v)));
                }
            }
        }
    }
}
