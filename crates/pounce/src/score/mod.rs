//! Two-sided, explained scoring of project–partner pairs.
//!
//! A [`Scorer`] is built once per term and weights; it then scores any pair in a few hundred
//! nanoseconds ([`Scorer::score`]) or explains it in full ([`Scorer::explain`]).
//!
//! * **fit** — the project's view of the partner: the weighted mean of the eight
//!   [dimensions](crate::Dimension), each scored in [`dimensions`].
//! * **appeal** — the partner's view of the project: industry, relevance of the project to the
//!   partner's own skills, mentor load, and the partner's framework preference.
//! * **mutual** — `(1 - s) * fit + s * appeal` with `s = weights.mutual.appeal_share`; the score
//!   recommendations are ranked by.
//!
//! A pair is *excluded* when it fails a dimension the project lists in `must`, when the partner
//! has declined, or when the partner has no capacity; the reasons are kept in [`Exclusions`].

pub mod dimensions;
mod explain;
pub(crate) mod fast;
pub(crate) mod prepare;

use serde::Serialize;

pub use dimensions::{Assessment, Note};
pub use explain::{AppealPart, DimensionExplanation, Explanation};

use crate::model::{Dimension, PartnerStatus, Term};
use crate::weights::Weights;
use prepare::Prepared;

/// Why a pair is excluded, as a bit set: failed `must` dimensions, a declined partner, no capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Exclusions(u16);

/// One reason a pair is excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// The pair fails a dimension the project lists in `must`.
    Must(Dimension),
    /// The partner's status is `declined`.
    Declined,
    /// The partner's capacity is 0.
    NoCapacity,
}

impl Exclusion {
    fn bit(self) -> u16 {
        match self {
            Exclusion::Must(d) => 1 << d.index(),
            Exclusion::Declined => 1 << 14,
            Exclusion::NoCapacity => 1 << 15,
        }
    }

    /// A short name: the dimension's name, `declined` or `no_capacity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Exclusion::Must(d) => d.as_str(),
            Exclusion::Declined => "declined",
            Exclusion::NoCapacity => "no_capacity",
        }
    }

    /// Every possible exclusion, in a fixed order.
    pub fn all() -> impl Iterator<Item = Exclusion> {
        Dimension::ALL.into_iter().map(Exclusion::Must).chain([Exclusion::Declined, Exclusion::NoCapacity])
    }
}

impl Exclusions {
    /// No exclusion: the pair is feasible.
    pub const NONE: Exclusions = Exclusions(0);

    /// Adds a reason.
    pub fn insert(&mut self, e: Exclusion) {
        self.0 |= e.bit();
    }
    /// True when `e` is among the reasons.
    pub fn contains(self, e: Exclusion) -> bool {
        self.0 & e.bit() != 0
    }
    /// True when there is no reason: the pair is feasible.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The reasons, in [`Exclusion::all`] order.
    pub fn iter(self) -> impl Iterator<Item = Exclusion> {
        Exclusion::all().filter(move |e| self.contains(*e))
    }
    /// The reasons' names joined by `;` (empty when feasible).
    pub fn names(self) -> String {
        self.iter().map(Exclusion::as_str).collect::<Vec<_>>().join(";")
    }
}

impl Serialize for Exclusions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The scores of one pair, without the reasons (see [`Scorer::explain`] for those).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairScore {
    /// The combined score ranked by.
    pub mutual: f64,
    /// The project's view.
    pub fit: f64,
    /// The partner's view.
    pub appeal: f64,
    /// Per-dimension values, in [`Dimension::ALL`] order.
    pub dimensions: [f64; Dimension::COUNT],
    /// Why the pair is excluded; empty when feasible.
    pub excluded: Exclusions,
}

impl PairScore {
    /// True when no hard constraint excludes the pair.
    pub fn feasible(&self) -> bool {
        self.excluded.is_empty()
    }
}

/// Scores pairs of one term under one set of weights.
///
/// ```
/// use pounce::{input::{read_partners_csv, read_projects_csv, Reference}, Scorer, Term, Weights};
/// let r = Reference::bundled();
/// let projects = read_projects_csv(
///     "id,institution,title,industries,skills,start,city,mentor_hours\n\
///      P1,Tech U,Telemetry,5415,rust;sql,2027-01-11,\"Toronto, CA\",2\n".as_bytes(), "projects.csv", r).unwrap();
/// let partners = read_partners_csv(
///     "id,name,industries,skills,employees,city,mentor_hours,contacts\n\
///      Q1,Acme,541511,rust;sql;python,40,\"Mississauga, CA\",3,2\n".as_bytes(), "partners.csv", r).unwrap();
/// let term = Term { projects, partners };
/// let scorer = Scorer::new(&term, &Weights::default());
/// let s = scorer.score(0, 0);
/// assert!(s.feasible() && s.mutual > 0.8);
/// let e = scorer.explain(0, 0);
/// assert!(e.summary.contains("covers 2 of 2 skills"), "{}", e.summary);
/// ```
#[derive(Debug, Clone)]
pub struct Scorer<'t> {
    term: &'t Term,
    referrals: Option<&'t crate::referral::Referrals>,
    weights: Weights,
    fit_weights: [f64; Dimension::COUNT],
    fit_weight_sum: f64,
    appeal_weight_sum: f64,
    prepared: Prepared,
}

impl<'t> Scorer<'t> {
    /// Prepares scoring for `term` (interning skills, matching tags fuzzily, computing time-zone
    /// offsets). `weights` are expected valid (as [`Weights::from_toml`] returns them).
    pub fn new(term: &'t Term, weights: &Weights) -> Self {
        Self::with_referrals(term, weights, None)
    }

    /// Like [`Scorer::new`], with a referral network: the `referral` dimension then counts with its
    /// weight (without one it has weight 0 and is shown as "no referral graph").
    pub fn with_referrals(
        term: &'t Term,
        weights: &Weights,
        referrals: Option<&'t crate::referral::Referrals>,
    ) -> Self {
        let mut fit_weights = weights.fit.as_array();
        if referrals.is_none() {
            fit_weights[Dimension::Referral.index()] = 0.0;
        }
        Scorer {
            term,
            referrals,
            weights: *weights,
            fit_weights,
            fit_weight_sum: fit_weights.iter().sum::<f64>().max(f64::MIN_POSITIVE),
            appeal_weight_sum: weights.appeal.parts().iter().map(|p| p.1).sum::<f64>().max(f64::MIN_POSITIVE),
            prepared: Prepared::new(term, weights.rules.fuzzy_threshold),
        }
    }

    /// The term scored.
    pub fn term(&self) -> &'t Term {
        self.term
    }

    /// The weights in use.
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// The referral network, if one was given.
    pub fn referrals(&self) -> Option<&'t crate::referral::Referrals> {
        self.referrals
    }

    /// The weight each dimension counts with (the referral weight is 0 without a referral graph).
    pub fn fit_weights(&self) -> &[f64; Dimension::COUNT] {
        &self.fit_weights
    }

    /// Assesses every dimension of the pair (project index, partner index).
    pub fn assess(&self, project: usize, partner: usize) -> [Assessment; Dimension::COUNT] {
        let (p, q) = (&self.term.projects[project], &self.term.partners[partner]);
        let (pp, qp) = (&self.prepared.projects[project], &self.prepared.partners[partner]);
        let rules = &self.weights.rules;
        [
            dimensions::industry(p, q),
            dimensions::skills(pp, qp),
            dimensions::size(p, q),
            dimensions::location(p, q, pp, qp, rules),
            dimensions::commitment(p, q),
            dimensions::framework(p, q, qp),
            dimensions::schedule(p, q),
            dimensions::ip(p, q),
            dimensions::referral(p, partner, self.referrals),
        ]
    }

    /// The appeal parts (industry, relevance, load, framework) with their values in [0, 1].
    fn appeal_parts(&self, project: usize, partner: usize, industry: f64) -> [f64; 4] {
        let (p, q) = (&self.term.projects[project], &self.term.partners[partner]);
        let (pp, qp) = (&self.prepared.projects[project], &self.prepared.partners[partner]);
        // Relevance: how many of the partner's skills the project exercises, saturating at 3.
        let exercised =
            qp.skills.iter().filter(|id| pp.skills.iter().any(|w| w.matches.iter().any(|(m, _)| m == *id))).count();
        let relevance =
            if qp.skills.is_empty() { 0.5 } else { (exercised as f64 / qp.skills.len().min(3) as f64).min(1.0) };
        let load = if q.mentor_hours <= 0.0 {
            if p.mentor_hours <= 0.0 { 1.0 } else { 0.0 }
        } else {
            (1.0 - p.mentor_hours / (2.0 * q.mentor_hours)).clamp(0.0, 1.0)
        };
        let framework = match q.offer(p.framework) {
            Some((rank, _)) => (1.0 - 0.25 * rank as f64).max(0.25),
            None => 0.0,
        };
        [industry, relevance, load, framework]
    }

    fn combine(&self, values: &[f64; Dimension::COUNT], appeal: &[f64; 4]) -> (f64, f64, f64) {
        let fit = values.iter().zip(&self.fit_weights).map(|(v, w)| v * w).sum::<f64>() / self.fit_weight_sum;
        let aw = self.weights.appeal.parts();
        let appeal = appeal.iter().zip(&aw).map(|(v, (_, w))| v * w).sum::<f64>() / self.appeal_weight_sum;
        let s = self.weights.mutual.appeal_share;
        (((1.0 - s) * fit + s * appeal).clamp(0.0, 1.0), fit.clamp(0.0, 1.0), appeal.clamp(0.0, 1.0))
    }

    /// Scores one pair (project index, partner index).
    pub fn score(&self, project: usize, partner: usize) -> PairScore {
        let a = self.assess(project, partner);
        self.score_from(project, partner, &a)
    }

    fn score_from(&self, project: usize, partner: usize, a: &[Assessment; Dimension::COUNT]) -> PairScore {
        let dimensions = a.map(|x| x.value);
        let appeal = self.appeal_parts(project, partner, dimensions[Dimension::Industry.index()]);
        let (mutual, fit, appeal) = self.combine(&dimensions, &appeal);
        PairScore { mutual, fit, appeal, dimensions, excluded: self.exclusions(project, partner, a) }
    }

    fn exclusions(&self, project: usize, partner: usize, a: &[Assessment; Dimension::COUNT]) -> Exclusions {
        let (p, q) = (&self.term.projects[project], &self.term.partners[partner]);
        let mut ex = Exclusions::NONE;
        for d in p.must.iter() {
            if !a[d.index()].pass {
                ex.insert(Exclusion::Must(d));
            }
        }
        if q.status == PartnerStatus::Declined {
            ex.insert(Exclusion::Declined);
        }
        if q.capacity == 0 {
            ex.insert(Exclusion::NoCapacity);
        }
        ex
    }

    /// Scores and explains one pair: per-dimension values, weights, contributions and reasons,
    /// the appeal parts, exclusions and a one-sentence summary.
    pub fn explain(&self, project: usize, partner: usize) -> Explanation {
        let a = self.assess(project, partner);
        let score = self.score_from(project, partner, &a);
        let appeal = self.appeal_parts(project, partner, a[Dimension::Industry.index()].value);
        explain::build(self, project, partner, &a, &appeal, &score)
    }
}

#[cfg(test)]
mod tests;
