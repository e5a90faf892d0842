//! The referral network: institutions, partners and people joined by typed, weighted, dated edges,
//! stored as compressed sparse rows (petgraph's `Csr`) in both directions.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use petgraph::csr::Csr;
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

    /// The strength of one edge: the kind's strength times its weight (for `past_project`, the
    /// rating / 5), halved every `half_life_days` of age at `as_of`, capped at 1.
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
        if s.is_nan() { 0.0 } else { s.clamp(0.0, 1.0) }
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

/// The referral network, ready for queries.
#[derive(Debug, Clone)]
pub struct ReferralGraph {
    ids: Vec<String>,
    index: HashMap<String, u32, FxBuildHasher>,
    /// Out-edges.
    out: Csr<(), Link, petgraph::Directed, u32>,
    /// In-edges with weights normalised by the source's total out-strength (for PageRank).
    inn: Csr<(), f64, petgraph::Directed, u32>,
    /// Nodes without out-edges.
    dangling: Vec<u32>,
    directed: bool,
}

/// An id of at most 15 bytes as one number: its bytes, then its length in the last byte (so two ids
/// have the same key only when they are equal).
fn inline_key(id: &str) -> Option<u128> {
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
    /// ways. Parallel edges between the same two nodes add their strengths (capped at 1); self-loops
    /// are kept. Strengths come from `weights` at date `as_of` (see [`ReferralWeights::edge_strength`]).
    pub fn build(records: &[EdgeRecord], weights: &ReferralWeights, as_of: Option<NaiveDate>, directed: bool) -> Self {
        // Ids are interned through a fast hasher; ids up to 15 bytes (most) are keys held in the
        // table itself, so a hash hit needs no comparison through a pointer (a cache miss per edge).
        let mut ids: Vec<String> = Vec::new();
        let mut short: HashMap<u128, u32, FxBuildHasher> = HashMap::default();
        let mut long: HashMap<&str, u32, FxBuildHasher> = HashMap::default();
        let mut ends: Vec<(u32, u32, f64, EdgeKind)> = Vec::with_capacity(records.len());
        for r in records {
            let [a, b] = [r.source.as_str(), r.target.as_str()].map(|s| {
                let add = || {
                    ids.push(s.to_owned());
                    (ids.len() - 1) as u32
                };
                match inline_key(s) {
                    Some(key) => *short.entry(key).or_insert_with(add),
                    None => *long.entry(s).or_insert_with(add),
                }
            });
            ends.push((a, b, weights.edge_strength(r.kind, r.weight, r.date, as_of), r.kind));
        }
        drop((short, long));
        let n = ids.len();
        // Edges grouped by source node (a counting sort), each group then sorted by target, the
        // strongest first, then by kind: the order of sorting all edges by that key.
        let both = |a: u32, b: u32| !directed && a != b;
        let mut start = vec![0usize; n + 1];
        for &(a, b, _, _) in &ends {
            start[a as usize + 1] += 1;
            if both(a, b) {
                start[b as usize + 1] += 1;
            }
        }
        for v in 0..n {
            start[v + 1] += start[v];
        }
        let mut raw: Vec<(u32, f64, EdgeKind)> = vec![(0, 0.0, EdgeKind::Referred); start[n]];
        let mut next = start.clone();
        for &(a, b, s, k) in &ends {
            raw[next[a as usize]] = (b, s, k);
            next[a as usize] += 1;
            if both(a, b) {
                raw[next[b as usize]] = (a, s, k);
                next[b as usize] += 1;
            }
        }
        drop((ends, next));
        let mut merged: Vec<(u32, u32, Link)> = Vec::with_capacity(raw.len());
        let mut out_strength = vec![0f64; n];
        for a in 0..n {
            let group = &mut raw[start[a]..start[a + 1]];
            group.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)).then(x.2.cmp(&y.2)));
            let first = merged.len();
            let mut sum = 0.0;
            for &(b, s, k) in group.iter() {
                let grown = merged.len() > first;
                match merged.last_mut() {
                    Some(last) if grown && last.1 == b => {
                        sum += s;
                        last.2.strength = sum.min(1.0);
                    }
                    _ => {
                        merged.push((a as u32, b, Link { strength: s.min(1.0), kind: Some(k) }));
                        sum = s;
                    }
                }
            }
            for (_, _, l) in &merged[first..] {
                out_strength[a] += l.strength;
            }
        }
        drop(raw);
        let mut out: Csr<(), Link, petgraph::Directed, u32> =
            Csr::from_sorted_edges(&merged).expect("edges are sorted and distinct");
        while out.node_count() < n {
            out.add_node(());
        }
        // In-edges grouped by target (a counting sort of the edges sorted by source): sorted by
        // (target, source).
        let flows = |(a, _, l): &&(u32, u32, Link)| l.strength > 0.0 && out_strength[*a as usize] > 0.0;
        let mut rstart = vec![0usize; n + 1];
        for (_, b, _) in merged.iter().filter(flows) {
            rstart[*b as usize + 1] += 1;
        }
        for v in 0..n {
            rstart[v + 1] += rstart[v];
        }
        let mut rev: Vec<(u32, u32, f64)> = vec![(0, 0, 0.0); rstart[n]];
        for (a, b, l) in merged.iter().filter(flows) {
            rev[rstart[*b as usize]] = (*b, *a, l.strength / out_strength[*a as usize]);
            rstart[*b as usize] += 1;
        }
        let mut inn: Csr<(), f64, petgraph::Directed, u32> =
            Csr::from_sorted_edges(&rev).expect("edges are sorted and distinct");
        while inn.node_count() < n {
            inn.add_node(());
        }
        let dangling = (0..n as u32).filter(|&v| out_strength[v as usize] <= 0.0).collect();
        let index = ids.iter().enumerate().map(|(i, id)| (id.clone(), i as u32)).collect();
        ReferralGraph { ids, index, out, inn, dangling, directed }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.ids.len()
    }

    /// Number of (merged, directed) edges.
    pub fn edge_count(&self) -> usize {
        self.out.edge_count()
    }

    /// Whether edges were taken as directed.
    pub fn is_directed(&self) -> bool {
        self.directed
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The id of a node.
    pub fn id(&self, node: u32) -> &str {
        &self.ids[node as usize]
    }

    /// Out-neighbours of a node with their links.
    pub fn out_edges(&self, node: u32) -> impl Iterator<Item = (u32, Link)> + '_ {
        self.out.neighbors_slice(node).iter().copied().zip(self.out.edges_slice(node).iter().copied())
    }

    /// In-neighbours of a node with the share of their out-strength that flows along the edge.
    pub(crate) fn in_shares(&self, node: u32) -> (&[u32], &[f64]) {
        (self.inn.neighbors_slice(node), self.inn.edges_slice(node))
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
}
