//! Institution-to-partner closeness for the `referral` scoring dimension: personalized PageRank from
//! each institution of a term, normalised to [0, 1] per institution (the closest partner scores 1).

use std::collections::HashMap;

use super::ReferralGraph;
use super::pagerank::{PageRankOptions, personalized_pagerank};
use super::paths::{Path, strongest_paths};
use crate::error::Result;
use crate::model::Term;

/// Closeness of every partner of a term to every institution of the term.
///
/// Node conventions: an institution node is the institution's name (as in `Project::institution`),
/// a partner node is the partner's id.
#[derive(Debug, Clone)]
pub struct Referrals {
    graph: ReferralGraph,
    institutions: HashMap<String, usize>,
    /// Per institution (in order of first appearance): its node and per-partner closeness.
    table: Vec<(Option<u32>, Vec<f32>)>,
    partner_nodes: Vec<Option<u32>>,
    /// PageRank iterations per institution.
    pub iterations: Vec<usize>,
}

impl Referrals {
    /// Runs personalized PageRank from every institution of `term` found in `graph`.
    ///
    /// ```
    /// use pounce::referral::{EdgeKind, EdgeRecord, ReferralGraph, ReferralWeights, Referrals, PageRankOptions};
    /// let term = pounce::doc_example_term();
    /// let e = |s: &str, t: &str, k| EdgeRecord { source: s.into(), target: t.into(), kind: k, weight: 1.0, date: None };
    /// let g = ReferralGraph::build(
    ///     &[e("Dana Lee", "Tech U", EdgeKind::Alumnus), e("Dana Lee", "Q1", EdgeKind::WorksAt)],
    ///     &ReferralWeights::default(), None, false);
    /// let r = Referrals::new(g, &term, &PageRankOptions::default()).unwrap();
    /// assert_eq!(r.closeness("Tech U", 0), 1.0); // Q1 is the closest partner
    /// assert_eq!(r.closeness("Tech U", 1), 0.0); // Q2 is not in the graph
    /// ```
    pub fn new(graph: ReferralGraph, term: &Term, options: &PageRankOptions) -> Result<Referrals> {
        let mut institutions: HashMap<String, usize> = HashMap::new();
        let mut names: Vec<&str> = Vec::new();
        for p in &term.projects {
            if !institutions.contains_key(&p.institution) {
                institutions.insert(p.institution.clone(), names.len());
                names.push(&p.institution);
            }
        }
        let partner_nodes: Vec<Option<u32>> = term.partners.iter().map(|q| graph.node(&q.id)).collect();
        let mut table = Vec::with_capacity(names.len());
        let mut iterations = Vec::with_capacity(names.len());
        for name in names {
            let Some(node) = graph.node(name) else {
                table.push((None, vec![0f32; term.partners.len()]));
                iterations.push(0);
                continue;
            };
            let pr = personalized_pagerank(&graph, &[(node, 1.0)], options)?;
            let raw: Vec<f64> = partner_nodes.iter().map(|n| n.map_or(0.0, |n| pr.scores[n as usize])).collect();
            let max = raw.iter().copied().fold(0.0, f64::max);
            let closeness = raw.iter().map(|x| if max > 0.0 { (x / max) as f32 } else { 0.0 }).collect();
            table.push((Some(node), closeness));
            iterations.push(pr.iterations);
        }
        Ok(Referrals { graph, institutions, table, partner_nodes, iterations })
    }

    /// The graph.
    pub fn graph(&self) -> &ReferralGraph {
        &self.graph
    }

    /// Index of an institution of the term.
    pub fn institution(&self, name: &str) -> Option<usize> {
        self.institutions.get(name).copied()
    }

    /// Whether the institution is a node of the graph.
    pub fn institution_in_graph(&self, name: &str) -> bool {
        self.institution(name).is_some_and(|i| self.table[i].0.is_some())
    }

    /// Closeness in [0, 1] of partner `partner` (index in the term) to the institution.
    pub fn closeness(&self, institution: &str, partner: usize) -> f64 {
        self.institution(institution).map_or(0.0, |i| self.closeness_at(i, partner))
    }

    pub(crate) fn closeness_at(&self, institution: usize, partner: usize) -> f64 {
        f64::from(self.table[institution].1[partner])
    }

    /// The strongest warm-introduction path from the institution to the partner (at most 6 hops).
    pub fn path(&self, institution: &str, partner: usize) -> Option<Path> {
        let from = self.table[self.institution(institution)?].0?;
        let to = self.partner_nodes[partner]?;
        strongest_paths(&self.graph, from, to, 1, 6).into_iter().next()
    }
}
