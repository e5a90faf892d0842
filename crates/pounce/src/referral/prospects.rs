//! Prospects worth approaching this term: partners marked `prospect` or `lapsed`, and organisations of
//! the referral network that are not partners yet, ranked by closeness to an institution and fit to
//! its open projects (seed 001's "pounce" mentality: scan the ecosystem before partners come to you).

use std::collections::HashSet;

use serde::Serialize;

use super::{EdgeKind, EdgeRecord, ReferralGraph};
use crate::model::PartnerStatus;
use crate::score::Scorer;

/// One prospect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prospect {
    /// Node in the graph.
    pub node: u32,
    /// Index in the term's partners, when it is a known partner.
    pub partner: Option<usize>,
    /// PageRank closeness to the institution, normalised so the closest prospect scores 1.
    pub closeness: f64,
    /// Best mutual score with one of the institution's projects (known partners only).
    pub fit: Option<f64>,
    /// That project's index.
    pub best_project: Option<usize>,
    /// `closeness × (0.5 + 0.5 × fit)`, with an unknown fit counted as 0.5.
    pub priority: f64,
}

/// Organisations in the edge list: targets of `works_at`, `past_project` and `referred` edges and
/// sources of `member_of` edges (people are sources of `alumnus`, `works_at` and `advises` edges).
pub fn organisations(records: &[EdgeRecord]) -> HashSet<&str> {
    let mut orgs = HashSet::new();
    let mut people = HashSet::new();
    for r in records {
        match r.kind {
            EdgeKind::WorksAt | EdgeKind::PastProject | EdgeKind::Referred => {
                orgs.insert(r.target.as_str());
            }
            EdgeKind::MemberOf => {
                orgs.insert(r.source.as_str());
            }
            EdgeKind::Alumnus | EdgeKind::Advises => {}
        }
        if matches!(r.kind, EdgeKind::Alumnus | EdgeKind::WorksAt | EdgeKind::Advises) {
            people.insert(r.source.as_str());
        }
    }
    orgs.retain(|o| !people.contains(o));
    orgs
}

/// Ranks prospects for `institution` given its PageRank `scores` (one per graph node).
///
/// Candidates: the scorer's partners with status `prospect` or `lapsed`, and organisations of
/// `records` that are neither partners of the term nor institutions of its projects. Nodes with zero
/// closeness are left out. Sorted by priority, then closeness, then id.
pub fn prospects(
    graph: &ReferralGraph,
    records: &[EdgeRecord],
    scores: &[f64],
    scorer: &Scorer<'_>,
    institution: &str,
) -> Vec<Prospect> {
    let term = scorer.term();
    let institutions: HashSet<&str> = term.projects.iter().map(|p| p.institution.as_str()).collect();
    let partner_ids: HashSet<&str> = term.partners.iter().map(|q| q.id.as_str()).collect();
    let mut out: Vec<Prospect> = Vec::new();
    for (q, partner) in term.partners.iter().enumerate() {
        if !matches!(partner.status, PartnerStatus::Prospect | PartnerStatus::Lapsed) {
            continue;
        }
        let Some(node) = graph.node(&partner.id) else { continue };
        let best = term
            .projects
            .iter()
            .enumerate()
            .filter(|(_, p)| p.institution == institution)
            .map(|(i, _)| (i, scorer.score(i, q)))
            .filter(|(_, s)| s.feasible())
            .max_by(|a, b| a.1.mutual.total_cmp(&b.1.mutual).then(b.0.cmp(&a.0)));
        out.push(Prospect {
            node,
            partner: Some(q),
            closeness: scores[node as usize],
            fit: best.map(|b| b.1.mutual),
            best_project: best.map(|b| b.0),
            priority: 0.0,
        });
    }
    let mut orgs: Vec<&str> =
        organisations(records).into_iter().filter(|o| !partner_ids.contains(o) && !institutions.contains(o)).collect();
    orgs.sort_unstable();
    for o in orgs {
        if let Some(node) = graph.node(o) {
            out.push(Prospect {
                node,
                partner: None,
                closeness: scores[node as usize],
                fit: None,
                best_project: None,
                priority: 0.0,
            });
        }
    }
    out.retain(|p| p.closeness > 0.0);
    let max = out.iter().map(|p| p.closeness).fold(0.0, f64::max);
    for p in &mut out {
        p.closeness /= max;
        p.priority = p.closeness * (0.5 + 0.5 * p.fit.unwrap_or(0.5));
    }
    out.sort_by(|a, b| {
        b.priority
            .total_cmp(&a.priority)
            .then(b.closeness.total_cmp(&a.closeness))
            .then_with(|| graph.id(a.node).cmp(graph.id(b.node)))
    });
    out
}
