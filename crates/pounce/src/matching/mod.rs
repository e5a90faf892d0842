//! Batch matching: which partner takes which project this term, every partner within its capacity.
//!
//! A [`Market`] holds the feasible pairs; a [`Strategy`] turns it into an [`Assignment`] under
//! [`Constraints`]. The built-in strategies ([`Builtin`]) are each exact to their name:
//!
//! * `greedy` — pairs in descending score, taken while capacity (and the packing constraints) allow.
//! * `rank-sum` — pairs in ascending sum of the two sides' ranks (the co-op offices' ranking match).
//! * `optimal` — the maximum total score ([`optimal`]); with `max_matches`, as many projects as
//!   possible, then the maximum score; with `minimize`, scores are costs. Exact: shortest augmenting
//!   paths on the sparse graph, or a MIP (HiGHS) when budgets, quotas or limits apply.
//! * `stable` — hospital–residents deferred acceptance ([`stable`]), project- or partner-proposing.
//! * `rank-maximal` — the most first choices, then second choices, ... ([`rank_maximal`]).
//!
//! Researchers add their own strategy by implementing [`Strategy`]; [`run`] checks the constraints,
//! solves, and verifies the result.

pub mod config;
pub mod constraints;
mod dense;
pub mod greedy;
pub mod market;
pub mod mip;
pub mod optimal;
pub mod rank_maximal;
pub mod rematch;
pub mod report;
pub mod stable;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

pub use config::MatchConfig;
pub use constraints::{Constraints, Origins, Resolved, Uses};
pub use market::{Edge, Market, MarketPartner, MarketProject};
pub use mip::MipSolver;

use crate::error::{Error, Result};

/// A matching: for each project, the edge (index into [`Market::edges`]) it is matched by, if any.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Assignment {
    /// Per project, its edge.
    pub edges: Vec<Option<usize>>,
    /// Set when a time limit stopped the solver before it proved this assignment optimal (only the
    /// constrained `optimal` strategy takes a time limit); `None` when the result is exact to its
    /// strategy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stopped>,
}

/// What a time limit left unproven: the objective it cut short, the best value found, the bound no
/// assignment can beat, and the gap between them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stopped {
    /// The objective being optimised when the limit struck ("total score", "projects matched",
    /// "active partners served").
    pub objective: String,
    /// The best value found (that of the returned assignment).
    pub best: f64,
    /// No assignment is better than this.
    pub bound: f64,
    /// `|bound − best| / |best|`.
    pub gap: f64,
    /// The time limit, in seconds.
    pub seconds: f64,
}

impl Stopped {
    /// One sentence for people: "not proven optimal: the time limit (30 s) stopped the solver; total
    /// score best found 132.2836, bound 133.1020 (gap 0.62%)".
    pub fn text(&self) -> String {
        format!(
            "not proven optimal: the time limit ({} s) stopped the solver; {} best found {}, bound {} (gap {:.2}%)",
            self.seconds,
            self.objective,
            trim(self.best),
            trim(self.bound),
            100.0 * self.gap
        )
    }
}

/// A value with at most 4 decimals and no trailing zeros.
fn trim(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

impl Assignment {
    /// Nobody matched.
    pub fn empty(projects: usize) -> Self {
        Assignment::new(vec![None; projects])
    }

    /// The assignment giving each project the edge `edges[p]`.
    ///
    /// ```
    /// let a = pounce::matching::Assignment::new(vec![Some(0), None]);
    /// assert_eq!(a.matched(), 1);
    /// ```
    pub fn new(edges: Vec<Option<usize>>) -> Self {
        Assignment { edges, stopped: None }
    }

    /// The partner of project `p`.
    pub fn partner_of(&self, market: &Market, p: usize) -> Option<usize> {
        self.edges[p].map(|e| market.edges()[e].partner)
    }

    /// Number of projects matched.
    pub fn matched(&self) -> usize {
        self.edges.iter().flatten().count()
    }

    /// Sum of the matched pairs' scores.
    pub fn total_score(&self, market: &Market) -> f64 {
        self.edges.iter().flatten().map(|&e| market.edges()[e].score).sum()
    }

    /// Projects per partner.
    pub fn loads(&self, market: &Market) -> Vec<u32> {
        let mut load = vec![0u32; market.partners.len()];
        for &e in self.edges.iter().flatten() {
            load[market.edges()[e].partner] += 1;
        }
        load
    }
}

/// A matching strategy. Implement it to plug a new strategy into `pounce` and the research harness.
///
/// ```
/// use pounce::matching::{Assignment, Market, Resolved, Strategy, Uses};
///
/// /// Gives every project its first-ranked partner with room left, in id order.
/// struct FirstChoice;
///
/// impl Strategy for FirstChoice {
///     fn name(&self) -> String { "first-choice".into() }
///     fn check(&self, uses: Uses) -> Result<(), String> {
///         if uses == Uses::default() { Ok(()) } else { Err("first-choice honours no constraint".into()) }
///     }
///     fn solve(&self, market: &Market, _c: &Resolved) -> pounce::Result<Assignment> {
///         let mut a = Assignment::empty(market.projects.len());
///         let mut left: Vec<u32> = market.partners.iter().map(|q| q.capacity).collect();
///         for p in 0..market.projects.len() {
///             for e in market.project_edge_range(p) {
///                 let q = market.edges()[e].partner;
///                 if left[q] > 0 { left[q] -= 1; a.edges[p] = Some(e); break; }
///             }
///         }
///         Ok(a)
///     }
/// }
/// # let term = pounce::doc_example_term();
/// # let scorer = pounce::Scorer::new(&term, &pounce::Weights::default());
/// let market = Market::from_scorer(&scorer);
/// let a = pounce::matching::run(&FirstChoice, &market, &Default::default()).unwrap();
/// assert!(a.matched() > 0);
/// ```
pub trait Strategy: Sync {
    /// The name shown in reports.
    fn name(&self) -> String;
    /// `Err(reason)` when the strategy cannot honour a kind of constraint in use.
    fn check(&self, uses: Uses) -> std::result::Result<(), String>;
    /// Solves `market` under resolved constraints. The result must respect capacities and every
    /// constraint the strategy accepted in [`Strategy::check`].
    fn solve(&self, market: &Market, constraints: &Resolved) -> Result<Assignment>;
}

/// Who proposes in deferred acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Proposer {
    /// Projects propose: the project-optimal stable matching.
    #[default]
    Projects,
    /// Partners propose: the partner-optimal stable matching.
    Partners,
}

/// Options of the `optimal` strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct OptimalOptions {
    /// Match as many projects as possible first, then maximise the score among those.
    pub max_matches: bool,
    /// Treat scores as costs: minimise the total (implies `max_matches`, since otherwise matching
    /// nobody would be optimal).
    pub minimize: bool,
    /// Stop a constrained solve after this long with the best assignment found (marked
    /// [`Assignment::stopped`]); `None` solves to proven optimality. The flow algorithm of
    /// unconstrained markets is exact and fast, and takes no limit.
    pub time_limit: Option<std::time::Duration>,
    /// The solver of constrained problems ([`mip`]).
    pub solver: MipSolver,
}

impl OptimalOptions {
    /// Maximum total score, no time limit, the default solver (usable in `const` items, where
    /// `Default::default()` is not).
    pub const DEFAULT: OptimalOptions =
        OptimalOptions { max_matches: false, minimize: false, time_limit: None, solver: MipSolver::Auto };
}

/// The built-in strategies, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Builtin {
    /// Descending score while capacity remains.
    Greedy,
    /// Ascending sum of both sides' ranks.
    RankSum,
    /// Maximum total score (exact).
    Optimal(OptimalOptions),
    /// Stable (hospital–residents deferred acceptance).
    Stable(Proposer),
    /// Rank-maximal (Irving et al.).
    RankMaximal,
}

impl Builtin {
    /// The names accepted by [`Builtin::from_str`].
    pub const NAMES: &'static [&'static str] =
        &["greedy", "rank-sum", "optimal", "stable", "stable-projects", "stable-partners", "rank-maximal"];
}

impl FromStr for Builtin {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "greedy" => Builtin::Greedy,
            "rank-sum" | "ranksum" => Builtin::RankSum,
            "optimal" => Builtin::Optimal(OptimalOptions::default()),
            "optimal-max-matches" => {
                Builtin::Optimal(OptimalOptions { max_matches: true, ..OptimalOptions::default() })
            }
            "stable" | "stable-projects" => Builtin::Stable(Proposer::Projects),
            "stable-partners" => Builtin::Stable(Proposer::Partners),
            "rank-maximal" | "rankmaximal" => Builtin::RankMaximal,
            _ => return Err(format!("unknown strategy \"{s}\" (expected one of {})", Builtin::NAMES.join(", "))),
        })
    }
}

impl fmt::Display for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

fn refuse(name: &str, uses: Uses, allowed: Uses) -> std::result::Result<(), String> {
    let mut bad = Vec::new();
    if uses.institution_cap && !allowed.institution_cap {
        bad.push("max_per_institution");
    }
    if uses.sector_share && !allowed.sector_share {
        bad.push("max_sector_share");
    }
    if uses.budgets && !allowed.budgets {
        bad.push("budgets");
    }
    if uses.retention && !allowed.retention {
        bad.push("retention");
    }
    if uses.institution_min && !allowed.institution_min {
        bad.push("institution_min");
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the {name} strategy cannot honour {}; use `optimal`, which honours every constraint (see the table in `pounce match --help`)",
            bad.join(", ")
        ))
    }
}

impl Strategy for Builtin {
    fn name(&self) -> String {
        match self {
            Builtin::Greedy => "greedy".into(),
            Builtin::RankSum => "rank-sum".into(),
            Builtin::Optimal(o) if o.minimize => "optimal-min".into(),
            Builtin::Optimal(o) if o.max_matches => "optimal-max-matches".into(),
            Builtin::Optimal(_) => "optimal".into(),
            Builtin::Stable(Proposer::Projects) => "stable-projects".into(),
            Builtin::Stable(Proposer::Partners) => "stable-partners".into(),
            Builtin::RankMaximal => "rank-maximal".into(),
        }
    }

    fn check(&self, uses: Uses) -> std::result::Result<(), String> {
        let packing =
            Uses { pair_rules: true, institution_cap: true, sector_share: true, budgets: true, ..Uses::default() };
        let all = Uses { retention: true, institution_min: true, ..packing };
        let pairs_only = Uses { pair_rules: true, ..Uses::default() };
        match self {
            Builtin::Greedy | Builtin::RankSum => refuse(&self.name(), uses, packing),
            Builtin::Optimal(_) => refuse(&self.name(), uses, all),
            Builtin::Stable(_) | Builtin::RankMaximal => refuse(&self.name(), uses, pairs_only),
        }
    }

    fn solve(&self, market: &Market, c: &Resolved) -> Result<Assignment> {
        match *self {
            Builtin::Greedy => Ok(greedy::greedy(market, c)),
            Builtin::RankSum => Ok(greedy::rank_sum(market, c)),
            Builtin::Optimal(o) => optimal::optimal(market, c, o),
            Builtin::Stable(proposer) => {
                let reduced = c.reduce(market);
                Ok(c.merge(market, &reduced, &stable::deferred_acceptance(&reduced, proposer)))
            }
            Builtin::RankMaximal => {
                let reduced = c.reduce(market);
                Ok(c.merge(market, &reduced, &rank_maximal::rank_maximal(&reduced)))
            }
        }
    }
}

/// Resolves the constraints, checks that the strategy honours them, solves, and verifies that the
/// result respects capacities and constraints (a strategy that breaks them is a bug, reported as an
/// error rather than returned).
pub fn run(strategy: &dyn Strategy, market: &Market, constraints: &Constraints) -> Result<Assignment> {
    let resolved = constraints.resolve(market)?;
    strategy.check(constraints.uses()).map_err(Error::Unsupported)?;
    let a = strategy.solve(market, &resolved)?;
    if a.edges.len() != market.projects.len() {
        return Err(Error::Internal(format!("strategy {} returned a malformed assignment", strategy.name())));
    }
    let v = resolved.violations(market, &a);
    if !v.is_empty() {
        return Err(Error::Internal(format!("strategy {} broke constraints: {}", strategy.name(), v.join("; "))));
    }
    Ok(a)
}

#[cfg(test)]
mod tests;
