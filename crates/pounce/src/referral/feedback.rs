//! Outcome feedback: a term's outcomes become `past_project` edges of the referral network, so the
//! next term's closeness reflects them, and each partner's reliability is tallied.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{EdgeKind, EdgeRecord};
use crate::error::{Error, Place, Problem, Problems, Result};
use crate::model::Term;

/// How a project ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Completed.
    Completed,
    /// The partner (or the project) dropped out.
    Dropped,
}

/// One outcome of a term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeRow {
    /// Project id.
    pub project: String,
    /// Partner id.
    pub partner: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Rating 0–5, if surveyed.
    pub rating: Option<f64>,
    /// Where the row is.
    #[serde(skip)]
    pub place: Place,
}

/// A partner's record over the outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Reliability {
    /// Projects completed.
    pub completed: u32,
    /// Projects dropped.
    pub dropped: u32,
}

impl Reliability {
    /// Share completed (1 with no record).
    pub fn rate(&self) -> f64 {
        let n = self.completed + self.dropped;
        if n == 0 { 1.0 } else { f64::from(self.completed) / f64::from(n) }
    }
}

/// Turns outcomes into `past_project` edges (institution → partner, dated at the project's end): a
/// completed project with its rating (4 when not rated), a dropped one with at most rating 1 (a tie,
/// but a weak one). Returns the new edges and each partner's reliability, by partner id.
///
/// Every outcome must name a project of `term`.
pub fn outcome_edges(
    term: &Term,
    outcomes: &[OutcomeRow],
    source: &str,
) -> Result<(Vec<EdgeRecord>, BTreeMap<String, Reliability>)> {
    let mut problems = Problems::default();
    let mut edges = Vec::new();
    let mut reliability: BTreeMap<String, Reliability> = BTreeMap::new();
    for o in outcomes {
        let Some(p) = term.projects.iter().find(|p| p.id == o.project) else {
            problems.push(Problem::new(
                source,
                o.place.clone(),
                Some("project"),
                format!("unknown project \"{}\"", o.project),
            ));
            continue;
        };
        let r = reliability.entry(o.partner.clone()).or_default();
        let weight = match o.outcome {
            Outcome::Completed => {
                r.completed += 1;
                o.rating.unwrap_or(4.0)
            }
            Outcome::Dropped => {
                r.dropped += 1;
                o.rating.unwrap_or(1.0).min(1.0)
            }
        };
        edges.push(EdgeRecord {
            source: p.institution.clone(),
            target: o.partner.clone(),
            kind: EdgeKind::PastProject,
            weight,
            date: Some(p.end()),
        });
    }
    if problems.is_empty() { Ok((edges, reliability)) } else { Err(Error::Invalid(problems)) }
}
