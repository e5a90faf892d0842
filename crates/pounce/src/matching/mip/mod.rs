//! Exact optimal assignment under side constraints (budgets, institution caps, sector limits,
//! retention and institution quotas), as a binary program.
//!
//! # Model
//!
//! One binary variable `x_e` per usable edge `e` (an edge [`Resolved::allows`] rejects gets no
//! variable; a project's locked edge is fixed to 1), subject to
//!
//! * per project: `Σ x_e ≤ 1`;
//! * per partner `q`: `Σ x_e ≤ capacity_q`, and with `budgets`, when `q` has a budget `b_q`:
//!   `Σ hours_e · x_e ≤ b_q`;
//! * with `max_per_institution = n`: per (institution of the project, partner) `Σ x_e ≤ n` (projects
//!   of unknown institution, the empty string, form one group, as in [`Resolved::violations`]);
//! * with a sector limit `l`: per partner sector `Σ x_e ≤ l` (partners without a sector are not
//!   limited);
//! * with `institution_min = k`: per named institution `i`, `Σ x_e ≥ min(k, u_i)` where `u_i` is the
//!   number of its projects with at least one usable edge (projects without an institution form no
//!   institution and get no quota); when no assignment meets every quota the solver fails with
//!   [`Error::Unsupported`] naming the institutions at fault;
//! * with `retention`: a binary `z_q ≤ Σ x_e` (over `q`'s edges) per active partner `q` with a
//!   positive capacity and a usable edge.
//!
//! The objectives are optimised lexicographically: (1) with `retention`, the number of active
//! partners served `Σ z_q`, solved exactly and then fixed as a constraint `≥ optimum − ½` (an
//! integer, which no tolerance can cut short); (2) the total score `Σ score_e · x_e`, maximised; with
//! `max_matches` or `minimize`, the most matched projects first and then the best score, as one
//! objective `Σ (W ± score_e) · x_e` (`+` to maximise the score, `−` to minimise it) whose weight
//! `W = 1 + ⌈Σ_projects max |score|⌉` makes one more match worth more than any difference of total
//! scores.
//!
//! # Solvers
//!
//! Two solvers take the same model ([`MipSolver`]):
//!
//! * **Pounce's own** (always built, pure Rust; [`lagrange`](self) in the source): depth-first branch
//!   and bound on Lagrangian bounds in which each partner is a knapsack over its edges (its capacity
//!   and mentor hours), solved exactly; reduced-cost fixing; a greedy repair of every node's
//!   relaxed solution as incumbent. Exact to `1e-9 · (1 + |bound|)`.
//! * **HiGHS** (the `highs` cargo feature: C++, built with cmake and libclang), a general
//!   branch-and-cut MIP solver, for large constrained terms. Relative gap 0, absolute gap and
//!   feasibility tolerances 1e-9, one thread, deterministic.
//!
//! [`MipSolver::Auto`] takes HiGHS when it is built in and Pounce's own solver otherwise. Both give
//! the same optimum on every test instance (tested when both are built); which of several optimal
//! assignments comes back may differ.
//!
//! # Time limit
//!
//! Without a time limit every stage runs to a proven optimum. With one
//! ([`OptimalOptions::time_limit`]), a stage the limit stops returns the best assignment found so far
//! (feasible for every constraint and every earlier stage) and the later stages are skipped; the
//! assignment's [`Assignment::stopped`] says which objective was cut short, the best value found,
//! the bound and the gap. When the limit stops a stage before any assignment is found, the solve
//! fails with [`Error::Unsupported`] asking for a longer limit.
//!
//! # Complexity
//!
//! The problem contains the generalized assignment problem (budgets alone), which is NP-hard, so both
//! solvers take exponential time in the worst case. Measured on two cores (see the README for the
//! tables): the OR-Library GAP instances gap1–gap12 take a few milliseconds to about a second each
//! with either solver.

mod knapsack;
mod lagrange;
mod model;

#[cfg(feature = "highs")]
mod highs;

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;

use self::lagrange::Outcome;
use self::model::{Limits, Model};
use super::{Assignment, Market, OptimalOptions, Resolved, Stopped};
use crate::error::{Error, Result};

/// Which solver takes the constrained `optimal` problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MipSolver {
    /// HiGHS when built in (the `highs` feature), Pounce's own solver otherwise.
    #[default]
    Auto,
    /// Pounce's own exact solver (pure Rust, always built).
    Pounce,
    /// HiGHS (needs the `highs` cargo feature).
    Highs,
}

impl MipSolver {
    /// The names accepted by [`MipSolver::from_str`](std::str::FromStr).
    pub const NAMES: &'static [&'static str] = &["auto", "pounce", "highs"];

    /// Whether HiGHS is built in (the `highs` cargo feature).
    pub const HIGHS_BUILT: bool = cfg!(feature = "highs");

    /// The solver [`MipSolver::Auto`] stands for in this build.
    pub fn resolved(self) -> MipSolver {
        match self {
            MipSolver::Auto if Self::HIGHS_BUILT => MipSolver::Highs,
            MipSolver::Auto => MipSolver::Pounce,
            s => s,
        }
    }
}

impl std::str::FromStr for MipSolver {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(MipSolver::Auto),
            "pounce" => Ok(MipSolver::Pounce),
            "highs" => Ok(MipSolver::Highs),
            _ => Err(format!("unknown MIP solver \"{s}\" (expected one of {})", Self::NAMES.join(", "))),
        }
    }
}

impl std::fmt::Display for MipSolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MipSolver::Auto => "auto",
            MipSolver::Pounce => "pounce",
            MipSolver::Highs => "highs",
        })
    }
}

/// An institution's quota under `institution_min`.
#[derive(Debug, Clone)]
struct Quota {
    /// The institution.
    institution: String,
    /// The least number of matches.
    min: u32,
    /// Its projects with at least one usable edge.
    reachable: usize,
    /// Its projects' edge columns.
    cols: Vec<u32>,
}

/// Which rows to add besides the packing constraints.
#[derive(Debug, Clone, Copy)]
struct Parts {
    quotas: bool,
    retention: bool,
}

/// The columns of a built model.
#[derive(Debug, Clone)]
struct Vars {
    /// Per usable edge (ascending edge index): the edge and its column.
    x: Vec<(usize, u32)>,
    /// Per partner that retention may serve: the partner and its column.
    z: Vec<(usize, u32)>,
}

/// One objective of the lexicographic order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Retention,
    /// Most matches, then the best score, as one objective `Σ (W ± score) x` with `W` above any
    /// difference of total scores.
    Matches,
    Score,
}

impl Stage {
    fn what(self) -> &'static str {
        match self {
            Stage::Retention => "active partners served",
            Stage::Matches => "projects matched, then total score (weighted as one objective)",
            Stage::Score => "total score",
        }
    }
}

fn unsupported(msg: impl Into<String>) -> Error {
    Error::Unsupported(msg.into())
}

fn fault(msg: impl Into<String>) -> Error {
    Error::Internal(msg.into())
}

/// The chosen solver, ready to run.
#[derive(Debug, Clone, Copy)]
struct Backend {
    solver: MipSolver,
    deadline: Option<Instant>,
}

impl Backend {
    fn new(options: OptimalOptions) -> Result<Backend> {
        let solver = options.solver.resolved();
        if solver == MipSolver::Highs && !MipSolver::HIGHS_BUILT {
            return Err(unsupported(
                "the HiGHS solver is not built in: rebuild with `--features highs` (it needs cmake and libclang), or use the built-in solver (`pounce`)",
            ));
        }
        Ok(Backend { solver, deadline: options.time_limit.map(|t| Instant::now() + t) })
    }

    fn name(&self) -> &'static str {
        match self.solver {
            MipSolver::Highs => "the MIP solver (HiGHS)",
            _ => "the MIP solver",
        }
    }

    /// Optimises `objective` over `model`.
    fn optimize(&self, model: &Model, objective: &[f64], maximize: bool) -> Result<Outcome> {
        match self.solver {
            #[cfg(feature = "highs")]
            MipSolver::Highs => highs::optimize(model, objective, maximize, self.deadline),
            _ => {
                if maximize {
                    Ok(lagrange::maximize(model, objective, self.deadline).0)
                } else {
                    let negated: Vec<f64> = objective.iter().map(|v| -v).collect();
                    Ok(match lagrange::maximize(model, &negated, self.deadline).0 {
                        Outcome::Optimal { values, objective } => Outcome::Optimal { values, objective: -objective },
                        Outcome::Stopped { best, bound } => {
                            Outcome::Stopped { best: best.map(|(v, o)| (v, -o)), bound: -bound }
                        }
                        Outcome::Infeasible => Outcome::Infeasible,
                    })
                }
            }
        }
    }
}

/// Solves exactly: maximise the total score (or minimise it with `options.minimize`) over
/// assignments that respect capacities and every constraint in `c`, with the lexicographic
/// objectives and the model described in the [module documentation](self), by the solver
/// `options.solver` names.
///
/// Fails with [`Error::Unsupported`] when the locked pairs alone break a limit, when the
/// institution minimums cannot be met (naming the institutions), when HiGHS is asked for and not
/// built in, or when the time limit stops the solve before any assignment is found; with
/// [`Error::Internal`] when a solver misbehaves.
///
/// ```
/// use pounce::matching::{mip, Market, MarketPartner, MarketProject, MipSolver, OptimalOptions, Resolved};
///
/// // Two projects want the same partner, whose 5 mentor hours fit only one of them.
/// let projects = vec![
///     MarketProject { id: "P1".into(), institution: "U".into() },
///     MarketProject { id: "P2".into(), institution: "U".into() },
/// ];
/// let partners = vec![
///     MarketPartner { id: "A".into(), capacity: 2, budget: Some(5.0), active: true, sector: None },
///     MarketPartner { id: "B".into(), capacity: 1, budget: None, active: true, sector: None },
/// ];
/// let market = Market::from_scores(projects, partners, &[(0, 0, 0.9, 4.0), (1, 0, 0.8, 3.0), (1, 1, 0.5, 3.0)])?;
/// let c = Resolved { budgets: true, locked: vec![None; 2], ..Default::default() };
/// let options = OptimalOptions { solver: MipSolver::Pounce, ..Default::default() };
/// let a = mip::solve(&market, &c, options)?;
/// assert_eq!(a.partner_of(&market, 0), Some(0));
/// assert_eq!(a.partner_of(&market, 1), Some(1));
/// assert!(a.stopped.is_none(), "proven optimal");
/// # Ok::<(), pounce::Error>(())
/// ```
pub fn solve(market: &Market, c: &Resolved, options: OptimalOptions) -> Result<Assignment> {
    let n = market.projects.len();
    if c.locked.len() != n {
        return Err(unsupported(format!(
            "the constraints were resolved for {} projects, the market has {n}",
            c.locked.len()
        )));
    }
    let backend = Backend::new(options)?;
    // Everything else may stay unmatched, so the locks alone must respect every limit.
    let locks = Assignment::new(c.locked.clone());
    let broken = c.violations(market, &locks);
    if !broken.is_empty() {
        return Err(unsupported(format!("the locked pairs alone break the constraints: {}", broken.join("; "))));
    }
    let usable: Vec<usize> = (0..market.edges().len()).filter(|&e| c.allows(market, e)).collect();
    if usable.is_empty() {
        return Ok(locks);
    }
    let (mut model, vars, quotas) = build(market, c, &usable, Parts { quotas: true, retention: c.retention });
    // Presolve: rows and budgets that cannot bind are left out of the model; when nothing is left
    // but capacities, the problem is a min-cost flow, solved exactly by the flow algorithm.
    if model.rows.is_empty() && vars.z.is_empty() && !budgets_bind(&model) {
        let plain = Resolved {
            budgets: false,
            max_per_institution: None,
            sector_limit: None,
            retention: false,
            institution_min: 0,
            ..c.clone()
        };
        return super::optimal::optimal(market, &plain, options);
    }

    let mut stages = Vec::new();
    if c.retention && !vars.z.is_empty() {
        stages.push(Stage::Retention);
    }
    // Most matches then the best score in one objective: each match is worth W, more than any
    // two assignments' total scores can differ (W > Σ over projects of their largest |score|).
    let edges = market.edges();
    let weight = {
        let mut largest = vec![0.0f64; n];
        for &(e, _) in &vars.x {
            let p = edges[e].project;
            largest[p] = largest[p].max(edges[e].score.abs());
        }
        largest.iter().sum::<f64>().ceil() + 1.0
    };
    stages.push(if options.max_matches || options.minimize { Stage::Matches } else { Stage::Score });

    let columns = model.columns.len();
    let mut fixed: Vec<(Stage, usize)> = Vec::new();
    let mut last = Vec::new();
    let mut stopped = None;
    for (i, &stage) in stages.iter().enumerate() {
        let mut objective = vec![0.0; columns];
        for &(e, col) in &vars.x {
            objective[col as usize] = match stage {
                Stage::Retention => 0.0,
                Stage::Matches if options.minimize => weight - edges[e].score,
                Stage::Matches => weight + edges[e].score,
                Stage::Score => edges[e].score,
            };
        }
        for &(_, col) in &vars.z {
            objective[col as usize] = if stage == Stage::Retention { 1.0 } else { 0.0 };
        }
        let values = match backend.optimize(&model, &objective, true)? {
            Outcome::Optimal { values, .. } => values,
            Outcome::Stopped { best: Some((values, best)), bound } => {
                let gap = if best == 0.0 && bound == 0.0 { 0.0 } else { (bound - best).abs() / best.abs().max(1e-9) };
                stopped = Some(Stopped {
                    objective: stage.what().into(),
                    best,
                    bound,
                    gap,
                    seconds: options.time_limit.map_or(0.0, |t| t.as_secs_f64()),
                });
                last = values;
                break;
            }
            Outcome::Stopped { best: None, .. } => {
                return Err(unsupported(format!(
                    "the time limit ({} s) stopped {} before it found any assignment that meets the constraints; give it more time (--time-limit) or relax the constraints",
                    options.time_limit.map_or(0.0, |t| t.as_secs_f64()),
                    backend.name()
                )));
            }
            Outcome::Infeasible if i == 0 => return Err(diagnose(&backend, market, c, &usable, &quotas)),
            Outcome::Infeasible => {
                return Err(fault(format!(
                    "{} found a later stage infeasible, which cannot happen; please report",
                    backend.name()
                )));
            }
        };
        if values.len() != columns {
            return Err(fault(format!("{} returned {} values for {columns} columns", backend.name(), values.len())));
        }
        if stage == Stage::Retention {
            let got = vars.z.iter().filter(|&&(_, col)| values[col as usize]).count();
            fixed.push((stage, got));
            model.add_row(vars.z.iter().map(|&(_, col)| (col, 1.0)).collect(), got as f64 - 0.5, f64::INFINITY);
        }
        last = values;
    }

    let mut out = Assignment::empty(n);
    for &(e, col) in &vars.x {
        if last[col as usize] {
            let p = edges[e].project;
            if out.edges[p].is_some() {
                return Err(fault(format!(
                    "{} gave project {} two partners; please report",
                    backend.name(),
                    market.projects[p].id
                )));
            }
            out.edges[p] = Some(e);
        }
    }
    verify(&backend, market, c, &quotas, &vars, &fixed, &out)?;
    out.stopped = stopped;
    Ok(out)
}

/// Whether some partner's budget can bind: its `capacity` largest hours exceed it.
fn budgets_bind(model: &Model) -> bool {
    model.partners.iter().zip(&model.limits).any(|(cols, limits)| {
        let Some(b) = limits.budget else { return false };
        let mut hours: Vec<f64> = cols.iter().map(|&j| model.columns[j as usize].hours).collect();
        hours.sort_by(|a, b| b.total_cmp(a));
        hours.iter().take(limits.capacity as usize).sum::<f64>() > b + 1e-9
    })
}

/// The institutions' quotas: `min(institution_min, projects with a usable edge)` per named
/// institution, when positive, in institution order; `cols[pos]` is the column of `usable[pos]`.
fn quotas(market: &Market, c: &Resolved, usable: &[usize], cols: &[u32]) -> Vec<Quota> {
    if c.institution_min == 0 {
        return Vec::new();
    }
    let edges = market.edges();
    let mut by: BTreeMap<&str, (Vec<u32>, Vec<usize>)> = BTreeMap::new();
    for (pos, &e) in usable.iter().enumerate() {
        let p = edges[e].project;
        let inst = market.projects[p].institution.as_str();
        if inst.is_empty() {
            continue;
        }
        let entry = by.entry(inst).or_default();
        entry.0.push(cols[pos]);
        if entry.1.last() != Some(&p) {
            entry.1.push(p);
        }
    }
    by.into_iter()
        .map(|(inst, (cols, projects))| Quota {
            institution: inst.to_owned(),
            min: c.institution_min.min(projects.len() as u32),
            reachable: projects.len(),
            cols,
        })
        .filter(|q| q.min > 0)
        .collect()
}

/// Builds the model: binary columns for the usable edges (locked ones fixed to 1) and, with
/// `parts.retention`, for the partners retention may serve; then the explicit rows.
fn build(market: &Market, c: &Resolved, usable: &[usize], parts: Parts) -> (Model, Vars, Vec<Quota>) {
    let edges = market.edges();
    let limits = market
        .partners
        .iter()
        .map(|p| Limits { capacity: p.capacity, budget: if c.budgets { p.budget } else { None } })
        .collect();
    let mut model = Model::new(market.projects.len(), limits);
    let x: Vec<(usize, u32)> = usable
        .iter()
        .map(|&e| {
            let edge = &edges[e];
            (e, model.add_edge(edge.project, edge.partner, edge.hours, c.locked[edge.project] == Some(e)))
        })
        .collect();
    let z: Vec<(usize, u32)> = if parts.retention {
        let served: Vec<usize> = (0..market.partners.len())
            .filter(|&q| {
                let partner = &market.partners[q];
                partner.active && partner.capacity > 0 && !model.partners[q].is_empty()
            })
            .collect();
        served.into_iter().map(|q| (q, model.add_serve(q))).collect()
    } else {
        Vec::new()
    };
    if let Some(cap) = c.max_per_institution {
        let mut groups: BTreeMap<(&str, usize), Vec<u32>> = BTreeMap::new();
        for &(e, col) in &x {
            let inst = market.projects[edges[e].project].institution.as_str();
            groups.entry((inst, edges[e].partner)).or_default().push(col);
        }
        for list in groups.into_values() {
            if list.len() > cap as usize {
                model.add_row(list.into_iter().map(|j| (j, 1.0)).collect(), f64::NEG_INFINITY, f64::from(cap));
            }
        }
    }
    if let Some(limit) = c.sector_limit {
        let mut groups: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for &(e, col) in &x {
            if let Some(s) = &market.partners[edges[e].partner].sector {
                groups.entry(s.as_str()).or_default().push(col);
            }
        }
        for list in groups.into_values() {
            if list.len() > limit as usize {
                model.add_row(list.into_iter().map(|j| (j, 1.0)).collect(), f64::NEG_INFINITY, f64::from(limit));
            }
        }
    }
    let cols: Vec<u32> = x.iter().map(|&(_, col)| col).collect();
    let quotas = quotas(market, c, usable, &cols);
    if parts.quotas {
        for quota in &quotas {
            model.add_row(quota.cols.iter().map(|&j| (j, 1.0)).collect(), f64::from(quota.min), f64::INFINITY);
        }
    }
    (model, Vars { x, z }, quotas)
}

/// The most matches one institution can have under the packing constraints alone.
fn best_alone(
    backend: &Backend,
    market: &Market,
    c: &Resolved,
    usable: &[usize],
    quota: &Quota,
) -> Result<Option<usize>> {
    let (model, _, _) = build(market, c, usable, Parts { quotas: false, retention: false });
    let mut objective = vec![0.0; model.columns.len()];
    for &j in &quota.cols {
        objective[j as usize] = 1.0;
    }
    Ok(match backend.optimize(&model, &objective, true)? {
        Outcome::Optimal { values, .. } => Some(quota.cols.iter().filter(|&&j| values[j as usize]).count()),
        _ => None,
    })
}

/// Explains why the institution minimums cannot be met: the institutions that cannot reach theirs
/// even alone, or else the set that falls short when the total shortfall is least.
fn diagnose(backend: &Backend, market: &Market, c: &Resolved, usable: &[usize], quotas: &[Quota]) -> Error {
    if quotas.is_empty() {
        return fault(format!(
            "{} found the constraints infeasible although the locked pairs meet them; please report",
            backend.name()
        ));
    }
    let k = c.institution_min;
    let mut alone = Vec::new();
    for q in quotas {
        match best_alone(backend, market, c, usable, q) {
            Ok(Some(best)) if best < q.min as usize => alone.push(format!(
                "{} can get at most {best} (it has {} project{} with a usable partner)",
                q.institution,
                q.reachable,
                if q.reachable == 1 { "" } else { "s" }
            )),
            Ok(Some(_)) => {}
            Ok(None) => {
                return fault(format!(
                    "{} found the constraints infeasible although the locked pairs meet them; please report",
                    backend.name()
                ));
            }
            Err(e) => return e,
        }
    }
    if !alone.is_empty() {
        return unsupported(format!(
            "institution_min = {k} cannot be met: {}; lower institution_min or relax the other constraints",
            alone.join("; ")
        ));
    }
    // Each alone can: find the least total shortfall and name who falls short. One column per unit
    // of each quota, worth 1, each taken only against one of the institution's matches.
    let (mut model, _, _) = build(market, c, usable, Parts { quotas: false, retention: false });
    let mut units: Vec<Vec<u32>> = Vec::new();
    for q in quotas {
        let cols: Vec<u32> = (0..q.min).map(|_| model.add_free()).collect();
        let mut terms: Vec<(u32, f64)> = cols.iter().map(|&j| (j, 1.0)).collect();
        terms.extend(q.cols.iter().map(|&j| (j, -1.0)));
        model.add_row(terms, f64::NEG_INFINITY, 0.0);
        units.push(cols);
    }
    let mut objective = vec![0.0; model.columns.len()];
    for &j in units.iter().flatten() {
        objective[j as usize] = 1.0;
    }
    let short: Option<Vec<String>> = match backend.optimize(&model, &objective, true) {
        Ok(Outcome::Optimal { values, .. }) => Some(
            quotas
                .iter()
                .zip(&units)
                .filter_map(|(q, cols)| {
                    let got = cols.iter().filter(|&&j| values[j as usize]).count() as u32;
                    (got < q.min).then(|| format!("{} gets {got} of {}", q.institution, q.min))
                })
                .collect(),
        ),
        _ => None,
    };
    let names: Vec<&str> = quotas.iter().map(|q| q.institution.as_str()).collect();
    match short {
        Some(short) if !short.is_empty() => unsupported(format!(
            "institution_min = {k} cannot be met for all institutions at once (each alone can); at best {}; lower institution_min or relax the other constraints",
            short.join(", ")
        )),
        _ => unsupported(format!(
            "institution_min = {k} cannot be met for all of {} at once (each alone can); lower institution_min or relax the other constraints",
            names.join(", ")
        )),
    }
}

/// Checks the solution against every constraint and the fixed objectives.
fn verify(
    backend: &Backend,
    market: &Market,
    c: &Resolved,
    quotas: &[Quota],
    vars: &Vars,
    fixed: &[(Stage, usize)],
    a: &Assignment,
) -> Result<()> {
    let mut problems = c.violations(market, a);
    let col_edge: BTreeMap<u32, usize> = vars.x.iter().map(|&(e, col)| (col, e)).collect();
    let edges = market.edges();
    for q in quotas {
        let got = q
            .cols
            .iter()
            .filter(|&&j| {
                let e = col_edge[&j];
                a.edges[edges[e].project] == Some(e)
            })
            .count();
        if got < q.min as usize {
            problems.push(format!("{} gets {got} matches, below its minimum {}", q.institution, q.min));
        }
    }
    let loads = a.loads(market);
    for &(stage, value) in fixed {
        let got = match stage {
            Stage::Retention => vars.z.iter().filter(|&&(q, _)| loads[q] > 0).count(),
            Stage::Matches | Stage::Score => continue,
        };
        if got < value {
            problems.push(format!("{got} instead of {value} for {stage:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(fault(format!(
            "{} returned an assignment that breaks the constraints: {}; please report",
            backend.name(),
            problems.join("; ")
        )))
    }
}
