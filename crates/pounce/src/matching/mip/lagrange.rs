//! Pounce's own exact solver for the binary programs of [`super::model`]: depth-first branch and
//! bound on Lagrangian bounds in which every partner is a knapsack.
//!
//! # Bound
//!
//! The project rows (`Σ x ≤ 1` per project, `= 1` when every project must be matched) and every
//! explicit row are relaxed with multipliers; what remains splits into one subproblem per partner,
//! the most profitable set of its edges within its capacity and budget ([`super::knapsack`], exact),
//! plus its serve column. For any multipliers `λ ≥ 0` the value
//! `L(λ) = Σ λ·rhs + Σ_partners best(profits − λ·a)` bounds every solution from above, and keeping
//! the knapsacks makes it stronger than the linear relaxation (for the generalized assignment
//! problem it is the bound of Ross & Soland (1975) and Fisher, Jaikumar & Van Wassenhove (1986)).
//! Subgradient steps (Held, Wolfe & Crowder, 1974) lower it; any multipliers give a valid bound, so
//! the steps need not converge for the answer to be exact.
//!
//! # Search
//!
//! Depth first, one column fixed per branch (to 1 first); a node is dropped when its bound falls
//! below the target. A column whose bound with it taken falls below the target is fixed to 0 in the
//! node's subtree (reduced-cost fixing). Every node turns its Lagrangian solution into an assignment
//! that meets all rows where it can (a greedy repair), which raises the target to the incumbent.
//! The target starts just below the root bound (for objectives that are whole numbers, at the
//! bound's whole part) and is lowered geometrically while no solution reaches it, so that a tight
//! bound prunes hard from the start; the search that finds the best solution at or above its target
//! proves it optimal. Where every objective coefficient is a whole number, only strictly better
//! whole values are sought, which closes fractional gaps below 1.
//!
//! Values are within `1e-9 · (1 + |bound|)` of the optimum: the subproblems are solved exactly, and
//! that tolerance covers the rounding of the sums.

use std::time::Instant;

use super::knapsack::{self, Items};
use super::model::{Kind, Model};

/// How a solve ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// Proven optimal: the columns taken and the objective.
    Optimal {
        /// Per column, taken.
        values: Vec<bool>,
        /// `Σ objective · values`.
        objective: f64,
    },
    /// Stopped by the deadline.
    Stopped {
        /// The best solution found, with its objective.
        best: Option<(Vec<bool>, f64)>,
        /// No solution is better than this.
        bound: f64,
    },
    /// No solution meets every row.
    Infeasible,
}

/// Counts of a solve, for the curious and for tests.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Stats {
    /// Nodes of the search tree.
    pub nodes: u64,
    /// Evaluations of the Lagrangian.
    pub evaluations: u64,
    /// The root bound.
    pub root_bound: f64,
}

/// A column's state in a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fix {
    Free,
    Zero,
    One,
}

/// A relaxed row, oriented `Σ a·x ≤ b`.
#[derive(Debug, Clone)]
struct Relaxed {
    terms: Vec<(u32, f64)>,
    b: f64,
}

/// One partner's subproblem data.
#[derive(Debug, Clone)]
struct Part {
    cols: Vec<u32>,
    capacity: usize,
    budget: Option<f64>,
    /// The unit its hours and budget are whole multiples of.
    unit: Option<f64>,
    serve: Option<u32>,
}

/// Multipliers: per project row, then per relaxed row.
#[derive(Debug, Clone, PartialEq)]
struct Mult {
    project: Vec<f64>,
    row: Vec<f64>,
}

/// The result of the subgradient phase at a node.
struct Dual {
    /// The best (lowest) bound found.
    bound: f64,
    /// Multipliers giving it.
    mult: Mult,
    /// The Lagrangian solution at them.
    x: Vec<bool>,
    /// The profits at them.
    profit: Vec<f64>,
}

/// What a node's bound computation found.
enum NodeBound {
    Infeasible,
    Bound(Dual),
}

struct Solver<'a> {
    model: &'a Model,
    c: &'a [f64],
    rows: Vec<Relaxed>,
    col_rows: Vec<Vec<(u32, f64)>>,
    project_of: Vec<u32>,
    /// Projects with at least one column, and whether their rows are equalities.
    projects: Vec<u32>,
    project_eq: bool,
    parts: Vec<Part>,
    free_cols: Vec<u32>,
    deadline: Option<Instant>,
    /// The grid every solution's value lies on, when every objective coefficient is a whole
    /// multiple of one unit (whole numbers, halves, ..., millionths).
    grid: Option<f64>,
    tol: f64,
    /// Best solution and value.
    incumbent: Option<(Vec<bool>, f64)>,
    stats: Stats,
    stopped: bool,
    // Scratch.
    chosen: Vec<bool>,
}

const NONE: u32 = u32::MAX;

/// Maximises `objective · x` over the model's binary solutions.
pub(crate) fn maximize(model: &Model, objective: &[f64], deadline: Option<Instant>) -> (Outcome, Stats) {
    let mut s = Solver::new(model, objective, deadline);
    let outcome = s.run();
    (outcome, s.stats)
}

impl<'a> Solver<'a> {
    fn new(model: &'a Model, c: &'a [f64], deadline: Option<Instant>) -> Self {
        let n = model.columns.len();
        let mut rows = Vec::new();
        for r in &model.rows {
            if r.hi.is_finite() {
                rows.push(Relaxed { terms: r.terms.clone(), b: r.hi });
            }
            if r.lo.is_finite() {
                rows.push(Relaxed { terms: r.terms.iter().map(|&(j, a)| (j, -a)).collect(), b: -r.lo });
            }
        }
        let mut col_rows = vec![Vec::new(); n];
        for (i, r) in rows.iter().enumerate() {
            for &(j, a) in &r.terms {
                col_rows[j as usize].push((i as u32, a));
            }
        }
        let mut project_of = vec![NONE; n];
        for (p, cols) in model.projects.iter().enumerate() {
            for &j in cols {
                project_of[j as usize] = p as u32;
            }
        }
        let projects: Vec<u32> =
            (0..model.projects.len() as u32).filter(|&p| !model.projects[p as usize].is_empty()).collect();
        // Every project must be matched when a row asks for as many matches as there are projects.
        let edge_cols = model.columns.iter().filter(|c| matches!(c.kind, Kind::Edge { .. })).count();
        let project_eq = model.rows.iter().any(|r| {
            r.terms.len() == edge_cols
                && r.terms.iter().all(|&(j, a)| a == 1.0 && matches!(model.columns[j as usize].kind, Kind::Edge { .. }))
                && r.lo >= projects.len() as f64 - 0.5
        });
        let parts = model
            .partners
            .iter()
            .enumerate()
            .map(|(q, cols)| {
                let limits = model.limits[q];
                let hours: Vec<f64> = cols.iter().map(|&j| model.columns[j as usize].hours).collect();
                Part {
                    cols: cols.clone(),
                    capacity: limits.capacity as usize,
                    budget: limits.budget,
                    unit: limits.budget.and_then(|b| knapsack::unit(&hours, b.max(0.0), 1e6)),
                    serve: model.serve[q],
                }
            })
            .collect();
        let free_cols = (0..n as u32).filter(|&j| model.columns[j as usize].kind == Kind::Free).collect();
        const UNITS: [f64; 12] = [1.0, 0.5, 0.25, 0.2, 0.1, 0.05, 0.01, 0.005, 1e-3, 1e-4, 1e-5, 1e-6];
        let grid = UNITS.into_iter().find(|&u| {
            c.iter().all(|v| {
                let s = v / u;
                s.abs() < 1e12 && (s - s.round()).abs() <= 1e-6
            })
        });
        // The largest value a solution can have: each project's largest coefficient, and every
        // other column's.
        let mut largest = vec![0.0f64; model.projects.len()];
        let mut scale = 0.0;
        for (j, col) in model.columns.iter().enumerate() {
            match col.kind {
                Kind::Edge { project, .. } => {
                    largest[project as usize] = largest[project as usize].max(c[j].abs());
                }
                _ => scale += c[j].abs(),
            }
        }
        let scale = (scale + largest.iter().sum::<f64>()).max(1.0);
        Solver {
            model,
            c,
            rows,
            col_rows,
            project_of,
            projects,
            project_eq,
            parts,
            free_cols,
            deadline,
            grid,
            tol: 1e-9 * scale,
            incumbent: None,
            stats: Stats::default(),
            stopped: false,
            chosen: vec![false; n],
        }
    }

    fn out_of_time(&mut self) -> bool {
        if !self.stopped && self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.stopped = true;
        }
        self.stopped
    }

    /// A value every solution better than `v` reaches (on a grid, a step above `v`, less the
    /// rounding of sums).
    fn above(&self, v: f64) -> f64 {
        match self.grid {
            Some(u) => v + u * (1.0 - 1e-6),
            None => v + 2.0 * self.tol,
        }
    }

    fn run(&mut self) -> Outcome {
        let n = self.model.columns.len();
        let mut fix = vec![Fix::Free; n];
        for (j, col) in self.model.columns.iter().enumerate() {
            if col.fixed {
                fix[j] = Fix::One;
            }
        }
        if !self.propagate(&mut fix) {
            return Outcome::Infeasible;
        }
        // Start each project's price at its second-best coefficient, so that about one column of
        // each project is worth taking.
        let project = self
            .model
            .projects
            .iter()
            .map(|cols| {
                let mut best = [f64::NEG_INFINITY; 2];
                for &j in cols {
                    let v = self.c[j as usize];
                    if v > best[0] {
                        best = [v, best[0]];
                    } else if v > best[1] {
                        best[1] = v;
                    }
                }
                let second = if best[1].is_finite() { best[1] } else { 0.0 };
                if self.project_eq { second } else { second.max(0.0) }
            })
            .collect();
        // A lower side on a count of edges (matches fixed by an earlier stage): price it so that
        // about that many projects have a column worth taking.
        let best_of_project: Vec<f64> = self
            .model
            .projects
            .iter()
            .filter(|cols| !cols.is_empty())
            .map(|cols| cols.iter().map(|&j| self.c[j as usize]).fold(f64::NEG_INFINITY, f64::max))
            .collect();
        let row = self
            .rows
            .iter()
            .map(|r| {
                let count = r
                    .terms
                    .iter()
                    .all(|&(j, a)| a == -1.0 && matches!(self.model.columns[j as usize].kind, Kind::Edge { .. }));
                let need = (-r.b).ceil();
                if !count || need < 1.0 || best_of_project.is_empty() {
                    return 0.0;
                }
                let mut best = best_of_project.clone();
                best.sort_by(|a, b| b.total_cmp(a));
                let kth = best[(need as usize).min(best.len()) - 1];
                (-kth).max(0.0)
            })
            .collect();
        let mult = Mult { project, row };
        // Retention: the partners served are at most a matching of partners to distinct projects.
        let mut cap = f64::INFINITY;
        if let Some((bound, x)) = self.serve_matching(&fix) {
            cap = bound;
            let d = Dual { bound, mult: mult.clone(), x, profit: self.c.to_vec() };
            self.heuristic(&fix, &d, true);
            if let Some((values, v)) = &self.incumbent {
                if *v >= bound - self.tol {
                    return Outcome::Optimal { values: values.clone(), objective: *v };
                }
            }
        }
        // Every solution is worth at least the sum of the negative coefficients.
        let floor = self.c.iter().filter(|v| **v < 0.0).sum::<f64>() - 1.0;
        let root = match self.dual(&fix, mult, f64::NEG_INFINITY, 5000, 2.0) {
            NodeBound::Infeasible => return Outcome::Infeasible,
            NodeBound::Bound(d) => d,
        };
        self.stats.root_bound = root.bound;
        self.heuristic(&fix, &root, true);
        let mut proven = root.bound.min(cap); // no solution is worth more
        // Targets below the bound, ever lower while nothing reaches them: in grid steps (0, 1, 2,
        // 4, ...) or in relative steps (1e-4, 4e-4, ...).
        let mut step = match self.grid {
            Some(_) => 0.0,
            None => 1e-4 * (1.0 + root.bound.abs()),
        };
        loop {
            let level = match self.grid {
                Some(u) => ((proven / u + 1e-6).floor() - step) * u - 1e-6 * u,
                None => proven - step,
            };
            let level = if level < floor { f64::NEG_INFINITY } else { level };
            let target = match &self.incumbent {
                Some((_, v)) => level.max(self.above(*v)),
                None => level,
            };
            let last =
                level == f64::NEG_INFINITY || self.incumbent.as_ref().is_some_and(|(_, v)| level <= self.above(*v));
            self.search(&fix, &root.mult, target);
            if self.stopped {
                let best = self.incumbent.clone();
                let bound = proven.max(best.as_ref().map_or(f64::NEG_INFINITY, |b| b.1));
                return Outcome::Stopped { best, bound };
            }
            if last || self.incumbent.as_ref().is_some_and(|(_, v)| *v >= level) {
                return match self.incumbent.take() {
                    Some((values, objective)) => Outcome::Optimal { values, objective },
                    None => Outcome::Infeasible,
                };
            }
            // Nothing reaches the level: the optimum lies below it.
            match self.grid {
                Some(u) => {
                    proven = level - u * (1.0 - 1e-6);
                    step = (step * 2.0).max(1.0);
                }
                None => {
                    proven = level;
                    step *= 4.0;
                }
            }
        }
    }

    /// When only serve columns pay, each 1: the most partners (with a serve column) matched to
    /// distinct projects by usable edges, an upper bound of the objective, and that matching (edges
    /// and serve columns set). Kuhn's augmenting paths, partners in order.
    fn serve_matching(&self, fix: &[Fix]) -> Option<(f64, Vec<bool>)> {
        let model = self.model;
        let only_serve = model.columns.iter().enumerate().all(|(j, col)| match col.kind {
            Kind::Serve { .. } => self.c[j] == 1.0 || fix[j] == Fix::Zero,
            _ => self.c[j] == 0.0,
        });
        if !only_serve || self.parts.iter().all(|p| p.serve.is_none()) {
            return None;
        }
        let edge_project = |j: u32| match model.columns[j as usize].kind {
            Kind::Edge { project, .. } => project as usize,
            _ => usize::MAX,
        };
        let mut owner: Vec<Option<usize>> = vec![None; model.projects.len()]; // project -> partner
        let mut chosen: Vec<Option<u32>> = vec![None; self.parts.len()]; // partner -> edge
        let usable = |q: usize| -> Vec<u32> {
            self.parts[q].cols.iter().copied().filter(|&j| fix[j as usize] != Fix::Zero).collect()
        };
        let lists: Vec<Vec<u32>> = (0..self.parts.len()).map(usable).collect();
        let mut matched = 0usize;
        let mut seen = vec![usize::MAX; model.projects.len()];
        for q in 0..self.parts.len() {
            let Some(z) = self.parts[q].serve else { continue };
            if fix[z as usize] == Fix::Zero || self.parts[q].capacity == 0 {
                continue;
            }
            // Depth-first augmenting path from q (explicit stack of (partner, next index)).
            let mut stack: Vec<(usize, usize)> = vec![(q, 0)];
            let mut path: Vec<u32> = Vec::new();
            let mut found = false;
            while let Some(&mut (r, ref mut i)) = stack.last_mut() {
                if *i >= lists[r].len() {
                    stack.pop();
                    path.pop();
                    continue;
                }
                let j = lists[r][*i];
                *i += 1;
                let p = edge_project(j);
                if seen[p] == q {
                    continue;
                }
                seen[p] = q;
                path.push(j);
                match owner[p] {
                    None => {
                        found = true;
                        break;
                    }
                    Some(next) => stack.push((next, 0)),
                }
            }
            if found {
                // Flip the path: each partner on it takes the edge that follows it.
                for &j in &path {
                    let Kind::Edge { project, partner } = model.columns[j as usize].kind else { continue };
                    owner[project as usize] = Some(partner as usize);
                    chosen[partner as usize] = Some(j);
                }
                matched += 1;
            }
        }
        let mut x = vec![false; model.columns.len()];
        for (q, e) in chosen.iter().enumerate() {
            if let Some(j) = e {
                x[*j as usize] = true;
                if let Some(z) = self.parts[q].serve {
                    x[z as usize] = true;
                }
            }
        }
        Some((matched as f64, x))
    }

    /// Fixes what the fixed columns imply: a project's other columns, a full partner's others, an
    /// edge whose hours no longer fit. False when the fixed columns break a limit.
    fn propagate(&self, fix: &mut [Fix]) -> bool {
        for cols in &self.model.projects {
            let ones = cols.iter().filter(|&&j| fix[j as usize] == Fix::One).count();
            if ones > 1 {
                return false;
            }
            if ones == 1 {
                for &j in cols {
                    if fix[j as usize] == Fix::Free {
                        fix[j as usize] = Fix::Zero;
                    }
                }
            }
        }
        for part in &self.parts {
            let ones: Vec<u32> = part.cols.iter().copied().filter(|&j| fix[j as usize] == Fix::One).collect();
            if ones.len() > part.capacity {
                return false;
            }
            let used: f64 = ones.iter().map(|&j| self.model.columns[j as usize].hours).sum();
            let room = part.budget.map(|b| b - used);
            if room.is_some_and(|r| r < -1e-9) {
                return false;
            }
            for &j in &part.cols {
                let j = j as usize;
                if fix[j] == Fix::Free
                    && (ones.len() == part.capacity || room.is_some_and(|r| self.model.columns[j].hours > r + 1e-9))
                {
                    fix[j] = Fix::Zero;
                }
            }
        }
        true
    }

    /// The profits at `mult`: objective less the multipliers' prices.
    fn profits(&self, mult: &Mult, profit: &mut [f64]) {
        for (j, p) in profit.iter_mut().enumerate() {
            let mut v = self.c[j];
            let pr = self.project_of[j];
            if pr != NONE {
                v -= mult.project[pr as usize];
            }
            for &(r, a) in &self.col_rows[j] {
                v -= mult.row[r as usize] * a;
            }
            *p = v;
        }
    }

    /// `L(mult)` and its solution `x`, or None when a partner's fixed columns break its limits.
    fn evaluate(&mut self, fix: &[Fix], mult: &Mult, profit: &mut [f64], x: &mut [bool]) -> Option<f64> {
        self.stats.evaluations += 1;
        self.profits(mult, profit);
        x.fill(false);
        let mut total = 0.0;
        for &p in &self.projects {
            total += mult.project[p as usize];
        }
        for (r, row) in self.rows.iter().enumerate() {
            total += mult.row[r] * row.b;
        }
        for q in 0..self.parts.len() {
            total += self.partner(q, fix, profit, x)?;
        }
        for &j in &self.free_cols {
            let j = j as usize;
            match fix[j] {
                Fix::One => {
                    x[j] = true;
                    total += profit[j];
                }
                Fix::Free if profit[j] > 0.0 => {
                    x[j] = true;
                    total += profit[j];
                }
                _ => {}
            }
        }
        Some(total)
    }

    /// Partner `q`'s subproblem: its best edges and serve column at `profit`, into `x`.
    fn partner(&mut self, q: usize, fix: &[Fix], profit: &[f64], x: &mut [bool]) -> Option<f64> {
        let part = &self.parts[q];
        let cols = &self.model.columns;
        let mut count = 0usize;
        let mut used = 0.0;
        let mut value = 0.0;
        let mut cand: Vec<u32> = Vec::new();
        for &j in &part.cols {
            match fix[j as usize] {
                Fix::One => {
                    count += 1;
                    used += cols[j as usize].hours;
                    value += profit[j as usize];
                    x[j as usize] = true;
                }
                Fix::Free if profit[j as usize] > 0.0 => cand.push(j),
                _ => {}
            }
        }
        if count > part.capacity {
            return None;
        }
        let room = part.budget.map(|b| b - used);
        if room.is_some_and(|r| r < -1e-9) {
            return None;
        }
        let left = part.capacity - count;
        let mut taken = count;
        if left > 0 && !cand.is_empty() {
            let p: Vec<f64> = cand.iter().map(|&j| profit[j as usize]).collect();
            let h: Vec<f64> = cand.iter().map(|&j| cols[j as usize].hours).collect();
            let units: Option<Vec<u32>> = part.unit.map(|u| h.iter().map(|v| (v / u).round() as u32).collect());
            let budget = room.map(|r| {
                let r = r.max(0.0);
                (r, part.unit.map(|u| ((r + 1e-9) / u).floor() as u32))
            });
            let chosen = &mut self.chosen[..cand.len()];
            value += knapsack::best(Items { profit: &p, hours: &h, units: units.as_deref() }, left, budget, chosen);
            for (i, &j) in cand.iter().enumerate() {
                if chosen[i] {
                    x[j as usize] = true;
                    taken += 1;
                }
            }
        }
        if let Some(z) = part.serve {
            let z = z as usize;
            let pz = profit[z];
            match fix[z] {
                Fix::Zero => {}
                Fix::One | Fix::Free if taken > 0 => {
                    if fix[z] == Fix::One || pz > 0.0 {
                        x[z] = true;
                        value += pz;
                    }
                }
                f => {
                    // Nothing taken: the serve column needs one edge, the best that fits alone.
                    if left == 0 {
                        return if f == Fix::One { None } else { Some(value) };
                    }
                    let best = part
                        .cols
                        .iter()
                        .copied()
                        .filter(|&j| {
                            fix[j as usize] == Fix::Free && room.is_none_or(|r| cols[j as usize].hours <= r + 1e-9)
                        })
                        .max_by(|&a, &b| profit[a as usize].total_cmp(&profit[b as usize]).then(b.cmp(&a)));
                    match best {
                        Some(j) if f == Fix::One || profit[j as usize] + pz > 0.0 => {
                            x[j as usize] = true;
                            x[z] = true;
                            value += profit[j as usize] + pz;
                        }
                        None if f == Fix::One => return None,
                        _ => {}
                    }
                }
            }
        }
        Some(value)
    }

    /// Subgradient steps from `mult`, at most `iters`, stopping early when the bound falls below
    /// `target` or stops improving.
    fn dual(&mut self, fix: &[Fix], mut mult: Mult, target: f64, iters: usize, theta0: f64) -> NodeBound {
        let n = self.model.columns.len();
        let mut profit = vec![0.0; n];
        let mut x = vec![false; n];
        let mut best: Option<Dual> = None;
        let mut theta = theta0;
        let mut stall = 0;
        let patience = if iters > 1000 { 40 } else { 12 };
        let mut g_project = vec![0.0; self.model.projects.len()];
        let mut g_row = vec![0.0; self.rows.len()];
        for round in 0..iters {
            let Some(l) = self.evaluate(fix, &mult, &mut profit, &mut x) else { return NodeBound::Infeasible };
            if best.as_ref().is_none_or(|b| l < b.bound - 1e-12 * (1.0 + l.abs())) {
                best = Some(Dual { bound: l, mult: mult.clone(), x: x.clone(), profit: profit.clone() });
                stall = 0;
            } else {
                stall += 1;
                if stall >= patience {
                    theta *= 0.5;
                    stall = 0;
                }
            }
            let b = best.as_ref().map_or(l, |b| b.bound);
            if b < target - self.tol || theta < 1e-5 {
                break;
            }
            // At the root, a solution now and then: it sharpens the step (and may end the search).
            if iters > 1000 && round % 100 == 0 {
                if let Some(d) = &best {
                    let d = Dual { bound: d.bound, mult: d.mult.clone(), x: d.x.clone(), profit: d.profit.clone() };
                    self.heuristic(fix, &d, true);
                }
                if let Some((_, v)) = &self.incumbent {
                    if b < self.above(*v) - self.tol {
                        break;
                    }
                }
            }
            // Subgradient: rhs − a·x, projected where a multiplier sits at zero.
            let mut norm = 0.0;
            for &p in &self.projects {
                let p = p as usize;
                let taken = self.model.projects[p].iter().filter(|&&j| x[j as usize]).count() as f64;
                let mut g = 1.0 - taken;
                if !self.project_eq && mult.project[p] <= 0.0 && g > 0.0 {
                    g = 0.0;
                }
                g_project[p] = g;
                norm += g * g;
            }
            for (r, row) in self.rows.iter().enumerate() {
                let ax: f64 = row.terms.iter().filter(|t| x[t.0 as usize]).map(|t| t.1).sum();
                let mut g = row.b - ax;
                if mult.row[r] <= 0.0 && g > 0.0 {
                    g = 0.0;
                }
                g_row[r] = g;
                norm += g * g;
            }
            if norm <= 0.0 {
                // x meets every relaxed row with complementary slackness: L is attained.
                break;
            }
            let goal = if target.is_finite() {
                target.min(b - 1e-6 * (1.0 + b.abs()))
            } else {
                match &self.incumbent {
                    Some((_, v)) => v.min(b - 1e-6 * (1.0 + b.abs())),
                    None => b - 0.02 * (1.0 + b.abs()),
                }
            };
            let t = theta * (l - goal).max(1e-9) / norm;
            for &p in &self.projects {
                let p = p as usize;
                let v = mult.project[p] - t * g_project[p];
                mult.project[p] = if self.project_eq { v } else { v.max(0.0) };
            }
            for (r, m) in mult.row.iter_mut().enumerate() {
                *m = (*m - t * g_row[r]).max(0.0);
            }
        }
        match best {
            Some(d) => NodeBound::Bound(d),
            None => NodeBound::Infeasible,
        }
    }

    /// Whether `x` meets every relaxed row.
    fn meets_relaxed(&self, x: &[bool]) -> bool {
        self.projects.iter().all(|&p| {
            let t = self.model.projects[p as usize].iter().filter(|&&j| x[j as usize]).count();
            t <= 1 && (!self.project_eq || t == 1)
        }) && self
            .rows
            .iter()
            .all(|r| r.terms.iter().filter(|t| x[t.0 as usize]).map(|t| t.1).sum::<f64>() <= r.b + 1e-9)
    }

    /// Offers a solution: kept when it meets every row and beats the incumbent.
    fn offer(&mut self, values: Vec<bool>) {
        if !self.model.feasible(&values, 1e-9) {
            return;
        }
        let v = Model::value(self.c, &values);
        if self.incumbent.as_ref().is_none_or(|(_, best)| v > *best + self.tol.min(1e-12 * (1.0 + best.abs())).max(0.0))
        {
            self.incumbent = Some((values, v));
        }
    }

    /// Greedy repair of the Lagrangian solution into one that meets every row.
    fn heuristic(&mut self, fix: &[Fix], d: &Dual, thorough: bool) {
        if self.meets_relaxed(&d.x) {
            self.offer(d.x.clone());
        }
        let model = self.model;
        let n = model.columns.len();
        let mut take = vec![false; n];
        let mut project_used = vec![false; model.projects.len()];
        let mut load = vec![0usize; self.parts.len()];
        let mut hours = vec![0.0f64; self.parts.len()];
        let mut activity: Vec<f64> = vec![0.0; model.rows.len()];
        let mut row_of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for (r, row) in model.rows.iter().enumerate() {
            for &(j, a) in &row.terms {
                row_of[j as usize].push((r, a));
            }
        }
        let fits =
            |j: usize, take: &[bool], project_used: &[bool], load: &[usize], hours: &[f64], activity: &[f64]| -> bool {
                if take[j] {
                    return false;
                }
                if let Kind::Edge { project, partner } = model.columns[j].kind {
                    let (p, q) = (project as usize, partner as usize);
                    if project_used[p] || load[q] >= model.limits[q].capacity as usize {
                        return false;
                    }
                    if model.limits[q].budget.is_some_and(|b| hours[q] + model.columns[j].hours > b + 1e-9) {
                        return false;
                    }
                }
                row_of[j].iter().all(|&(r, a)| activity[r] + a <= model.rows[r].hi + 1e-9)
            };
        let add = |j: usize,
                   take: &mut [bool],
                   project_used: &mut [bool],
                   load: &mut [usize],
                   hours: &mut [f64],
                   activity: &mut [f64]| {
            take[j] = true;
            if let Kind::Edge { project, partner } = model.columns[j].kind {
                project_used[project as usize] = true;
                load[partner as usize] += 1;
                hours[partner as usize] += model.columns[j].hours;
            }
            for &(r, a) in &row_of[j] {
                activity[r] += a;
            }
        };
        let remove = |j: usize,
                      take: &mut [bool],
                      project_used: &mut [bool],
                      load: &mut [usize],
                      hours: &mut [f64],
                      activity: &mut [f64]| {
            take[j] = false;
            if let Kind::Edge { project, partner } = model.columns[j].kind {
                project_used[project as usize] = false;
                load[partner as usize] -= 1;
                hours[partner as usize] -= model.columns[j].hours;
            }
            for &(r, a) in &row_of[j] {
                activity[r] -= a;
            }
        };
        for (j, f) in fix.iter().enumerate() {
            if *f == Fix::One && matches!(model.columns[j].kind, Kind::Edge { .. }) {
                add(j, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
            }
        }
        // Edges: those of the Lagrangian solution first, then by profit; each where it fits.
        let mut order: Vec<usize> = (0..n)
            .filter(|&j| fix[j] == Fix::Free && matches!(model.columns[j].kind, Kind::Edge { .. }))
            .filter(|&j| d.x[j] || self.c[j] >= 0.0)
            .collect();
        order.sort_by(|&a, &b| d.x[b].cmp(&d.x[a]).then(d.profit[b].total_cmp(&d.profit[a])).then(a.cmp(&b)));
        // Serving partners pays (retention), or a row asks for it (the fixed retention objective).
        let wanted = |z: u32| {
            self.c[z as usize] > 0.0
                || model.rows.iter().any(|r| r.lo.is_finite() && r.terms.iter().any(|t| t.0 == z && t.1 > 0.0))
        };
        let wanted: Vec<bool> = self.parts.iter().map(|part| part.serve.is_some_and(wanted)).collect();
        // Then one project per partner first.
        let spread = wanted.iter().any(|w| *w);
        for pass in 0..2 {
            if pass == 0 && !spread {
                continue;
            }
            for &j in &order {
                if pass == 0 {
                    let Kind::Edge { partner, .. } = model.columns[j].kind else { continue };
                    if load[partner as usize] > 0 || !wanted[partner as usize] {
                        continue;
                    }
                }
                if fits(j, &take, &project_used, &load, &hours, &activity) {
                    add(j, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
                }
            }
        }
        // Lower sides of rows still short: add their positive columns, best first.
        for (r, row) in model.rows.iter().enumerate() {
            if activity[r] >= row.lo - 1e-9 {
                continue;
            }
            let mut cand: Vec<usize> = row
                .terms
                .iter()
                .filter(|t| t.1 > 0.0 && fix[t.0 as usize] == Fix::Free)
                .map(|t| t.0 as usize)
                .filter(|&j| matches!(model.columns[j].kind, Kind::Edge { .. }))
                .collect();
            cand.sort_by(|&a, &b| self.c[b].total_cmp(&self.c[a]).then(a.cmp(&b)));
            for j in cand {
                if activity[r] >= row.lo - 1e-9 {
                    break;
                }
                if fits(j, &take, &project_used, &load, &hours, &activity) {
                    add(j, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
                }
            }
        }
        // Unmatched projects, where a match pays: a column that fits, or one freed by moving
        // another project of that partner elsewhere (an augmenting path of length two), when it
        // gains. Only in thorough mode (the root), as it costs a pass over many columns.
        if thorough {
            let mut edge_of: Vec<Option<usize>> = vec![None; model.projects.len()];
            for (j, col) in model.columns.iter().enumerate() {
                if let (true, Kind::Edge { project, .. }) = (take[j], col.kind) {
                    edge_of[project as usize] = Some(j);
                }
            }
            let mut taken_by: Vec<Vec<usize>> = vec![Vec::new(); self.parts.len()];
            for (j, col) in model.columns.iter().enumerate() {
                if let (true, Kind::Edge { partner, .. }) = (take[j], col.kind) {
                    taken_by[partner as usize].push(j);
                }
            }
            for p in 0..model.projects.len() {
                if edge_of[p].is_some() {
                    continue;
                }
                let mut cols: Vec<usize> = model.projects[p]
                    .iter()
                    .map(|&j| j as usize)
                    .filter(|&j| fix[j] == Fix::Free && self.c[j] > 0.0)
                    .collect();
                cols.sort_by(|&a, &b| self.c[b].total_cmp(&self.c[a]).then(a.cmp(&b)));
                'columns: for &j in &cols {
                    let Kind::Edge { partner: q, .. } = model.columns[j].kind else { continue };
                    if fits(j, &take, &project_used, &load, &hours, &activity) {
                        add(j, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
                        edge_of[p] = Some(j);
                        taken_by[q as usize].push(j);
                        break;
                    }
                    for k in 0..taken_by[q as usize].len() {
                        let old = taken_by[q as usize][k];
                        if fix[old] == Fix::One {
                            continue;
                        }
                        let Kind::Edge { project: p2, .. } = model.columns[old].kind else { continue };
                        remove(old, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
                        if fits(j, &take, &project_used, &load, &hours, &activity) {
                            add(j, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
                            for &alt in &model.projects[p2 as usize] {
                                let alt = alt as usize;
                                if alt == old || fix[alt] != Fix::Free {
                                    continue;
                                }
                                if self.c[j] + self.c[alt] - self.c[old] > 0.0
                                    && fits(alt, &take, &project_used, &load, &hours, &activity)
                                {
                                    add(alt, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
                                    let Kind::Edge { partner: q2, .. } = model.columns[alt].kind else { continue };
                                    taken_by[q as usize][k] = j;
                                    taken_by[q2 as usize].push(alt);
                                    edge_of[p] = Some(j);
                                    edge_of[p2 as usize] = Some(alt);
                                    break 'columns;
                                }
                            }
                            remove(j, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
                        }
                        add(old, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
                    }
                }
            }
        }
        // Partners retention wants served and the greedy left without a project: an unassigned
        // project that fits, or one moved from a partner that keeps another.
        let mut edge_of_project: Vec<Option<usize>> = vec![None; model.projects.len()];
        for (j, col) in model.columns.iter().enumerate() {
            if let (true, Kind::Edge { project, .. }) = (take[j], col.kind) {
                edge_of_project[project as usize] = Some(j);
            }
        }
        for q in 0..self.parts.len() {
            let Some(z) = self.parts[q].serve else { continue };
            if load[q] > 0 || fix[z as usize] == Fix::Zero || !wanted[q] {
                continue;
            }
            let mut cols: Vec<usize> =
                self.parts[q].cols.iter().map(|&j| j as usize).filter(|&j| fix[j] == Fix::Free).collect();
            cols.sort_by(|&a, &b| d.profit[b].total_cmp(&d.profit[a]).then(a.cmp(&b)));
            let mut done = false;
            for &j in &cols {
                let Kind::Edge { project, .. } = model.columns[j].kind else { continue };
                if edge_of_project[project as usize].is_none()
                    && fits(j, &take, &project_used, &load, &hours, &activity)
                {
                    add(j, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
                    edge_of_project[project as usize] = Some(j);
                    done = true;
                    break;
                }
            }
            if done {
                continue;
            }
            for &j in &cols {
                let Kind::Edge { project, .. } = model.columns[j].kind else { continue };
                let Some(old) = edge_of_project[project as usize] else { continue };
                let Kind::Edge { partner: from, .. } = model.columns[old].kind else { continue };
                if fix[old] == Fix::One || load[from as usize] < 2 {
                    continue;
                }
                // Move the project from `from` to q when it fits there.
                take[old] = false;
                project_used[project as usize] = false;
                load[from as usize] -= 1;
                hours[from as usize] -= model.columns[old].hours;
                for &(r, a) in &row_of[old] {
                    activity[r] -= a;
                }
                if fits(j, &take, &project_used, &load, &hours, &activity) {
                    add(j, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
                    edge_of_project[project as usize] = Some(j);
                    break;
                }
                add(old, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
            }
        }
        // Serve columns where their partner has an edge; free columns where they pay and fit.
        for q in 0..self.parts.len() {
            if let Some(z) = self.parts[q].serve {
                let z = z as usize;
                if load[q] > 0 && fix[z] != Fix::Zero && (self.c[z] >= 0.0 || fix[z] == Fix::One) {
                    add(z, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
                }
            }
        }
        let mut frees: Vec<usize> =
            self.free_cols.iter().map(|&j| j as usize).filter(|&j| fix[j] != Fix::Zero).collect();
        frees.sort_by(|&a, &b| self.c[b].total_cmp(&self.c[a]).then(a.cmp(&b)));
        for j in frees {
            if (self.c[j] > 0.0 || fix[j] == Fix::One) && fits(j, &take, &project_used, &load, &hours, &activity) {
                add(j, &mut take, &mut project_used, &mut load, &mut hours, &mut activity);
            }
        }
        self.offer(take);
    }

    /// Fixes to 0 every free edge whose bound with it taken falls below `target`.
    fn reduce(&mut self, fix: &mut [Fix], d: &Dual, target: f64) {
        if !target.is_finite() {
            return;
        }
        let cols = &self.model.columns;
        for q in 0..self.parts.len() {
            let part = &self.parts[q];
            let mut count = 0;
            let mut used = 0.0;
            let mut value = 0.0;
            let mut cand_p: Vec<f64> = Vec::new();
            let mut cand_h: Vec<f64> = Vec::new();
            for &j in &part.cols {
                let j = j as usize;
                match fix[j] {
                    Fix::One => {
                        count += 1;
                        used += cols[j].hours;
                    }
                    Fix::Free if d.profit[j] > 0.0 => {
                        cand_p.push(d.profit[j]);
                        cand_h.push(cols[j].hours);
                    }
                    _ => {}
                }
                if d.x[j] {
                    value += d.profit[j];
                }
            }
            if let Some(z) = part.serve {
                if d.x[z as usize] {
                    value += d.profit[z as usize];
                }
            }
            let serve_bonus = part
                .serve
                .map_or(0.0, |z| if fix[z as usize] == Fix::Zero { 0.0 } else { d.profit[z as usize].max(0.0) });
            let left = part.capacity.saturating_sub(count);
            let room = part.budget.map(|b| b - used);
            // With one more edge taken: the best k − 1 of the others (an upper bound: the edge
            // itself may be among them), within the hours left.
            let top = knapsack::top_sum(&cand_p, left.saturating_sub(1));
            for &j in &part.cols {
                let j = j as usize;
                if fix[j] != Fix::Free || d.x[j] {
                    continue;
                }
                let with = if left == 0 {
                    f64::NEG_INFINITY
                } else {
                    let rest = match room {
                        None => top,
                        Some(r) => {
                            let r = r - cols[j].hours;
                            if r < -1e-9 { f64::NEG_INFINITY } else { top.min(dantzig(&cand_p, &cand_h, r)) }
                        }
                    };
                    // Fixed ones' profits plus this edge plus the rest, plus the serve column.
                    let fixed: f64 =
                        part.cols.iter().filter(|&&i| fix[i as usize] == Fix::One).map(|&i| d.profit[i as usize]).sum();
                    fixed + d.profit[j] + rest + serve_bonus
                };
                if d.bound - value + with < target - self.tol {
                    fix[j] = Fix::Zero;
                }
            }
        }
    }

    /// Depth-first search of the subtree under `fix` for solutions worth at least `target`.
    fn search(&mut self, fix: &[Fix], mult: &Mult, target: f64) {
        struct Frame {
            fix: Vec<Fix>,
            mult: Mult,
        }
        let mut stack = vec![Frame { fix: fix.to_vec(), mult: mult.clone() }];
        let mut target = target;
        while let Some(Frame { mut fix, mult }) = stack.pop() {
            if self.out_of_time() {
                return;
            }
            self.stats.nodes += 1;
            if !self.propagate(&mut fix) {
                continue;
            }
            let iters = if self.stats.nodes == 1 { 200 } else { 60 };
            let d = match self.dual(&fix, mult, target, iters, if self.stats.nodes == 1 { 1.0 } else { 0.5 }) {
                NodeBound::Infeasible => continue,
                NodeBound::Bound(d) => d,
            };
            if d.bound < target - self.tol {
                continue;
            }
            self.heuristic(&fix, &d, self.stats.nodes <= 1);
            if let Some((_, v)) = &self.incumbent {
                target = target.max(self.above(*v));
            }
            if d.bound < target - self.tol {
                continue;
            }
            self.reduce(&mut fix, &d, target);
            let Some((j, first)) = self.branch(&fix, &d) else {
                // Every column fixed: the fixed assignment is the node's only solution.
                let values: Vec<bool> = fix.iter().map(|f| *f == Fix::One).collect();
                self.offer(values);
                if let Some((_, v)) = &self.incumbent {
                    target = target.max(self.above(*v));
                }
                continue;
            };
            let mut second = fix.clone();
            second[j] = if first == Fix::One { Fix::Zero } else { Fix::One };
            fix[j] = first;
            stack.push(Frame { fix: second, mult: d.mult.clone() });
            stack.push(Frame { fix, mult: d.mult });
        }
    }

    /// The column to branch on and the value to try first; None when every column is fixed.
    fn branch(&self, fix: &[Fix], d: &Dual) -> Option<(usize, Fix)> {
        let x = &d.x;
        let free = |j: u32| fix[j as usize] == Fix::Free;
        // A project taken by several partners: its most profitable one.
        let mut worst: Option<(usize, u32)> = None;
        for &p in &self.projects {
            let cols = &self.model.projects[p as usize];
            let t = cols.iter().filter(|&&j| x[j as usize] && free(j)).count();
            if t > 1 && worst.is_none_or(|(w, _)| t > w) {
                worst = Some((t, p));
            }
        }
        if let Some((_, p)) = worst {
            let j = self.model.projects[p as usize]
                .iter()
                .copied()
                .filter(|&j| x[j as usize] && free(j))
                .max_by(|&a, &b| d.profit[a as usize].total_cmp(&d.profit[b as usize]).then(b.cmp(&a)))?;
            return Some((j as usize, Fix::One));
        }
        // The most violated relaxed row.
        let mut row: Option<(f64, usize)> = None;
        for (r, rel) in self.rows.iter().enumerate() {
            let ax: f64 = rel.terms.iter().filter(|t| x[t.0 as usize]).map(|t| t.1).sum();
            let over = ax - rel.b;
            if over > 1e-9 && row.is_none_or(|(o, _)| over > o) {
                row = Some((over, r));
            }
        }
        if let Some((_, r)) = row {
            // Too much of a positive term: drop its least profitable taken column; too little of a
            // negative term (a lower side): take its most profitable column.
            let terms = &self.rows[r].terms;
            let drop = terms
                .iter()
                .filter(|t| t.1 > 0.0 && x[t.0 as usize] && free(t.0))
                .min_by(|a, b| d.profit[a.0 as usize].total_cmp(&d.profit[b.0 as usize]).then(a.0.cmp(&b.0)));
            let add = terms
                .iter()
                .filter(|t| t.1 < 0.0 && !x[t.0 as usize] && free(t.0))
                .max_by(|a, b| d.profit[a.0 as usize].total_cmp(&d.profit[b.0 as usize]).then(b.0.cmp(&a.0)));
            match (add, drop) {
                (Some(t), _) => return Some((t.0 as usize, Fix::One)),
                (None, Some(t)) => return Some((t.0 as usize, Fix::Zero)),
                _ => {}
            }
        }
        // An equality project row left empty: its most profitable free column.
        if self.project_eq {
            for &p in &self.projects {
                let cols = &self.model.projects[p as usize];
                if cols.iter().all(|&j| !x[j as usize]) {
                    if let Some(j) = cols
                        .iter()
                        .copied()
                        .filter(|&j| free(j))
                        .max_by(|&a, &b| d.profit[a as usize].total_cmp(&d.profit[b as usize]).then(b.cmp(&a)))
                    {
                        return Some((j as usize, Fix::One));
                    }
                }
            }
        }
        // Otherwise the most profitable free column taken, then any free column.
        let taken = (0..fix.len())
            .filter(|&j| fix[j] == Fix::Free && x[j])
            .max_by(|&a, &b| d.profit[a].total_cmp(&d.profit[b]).then(b.cmp(&a)));
        if let Some(j) = taken {
            return Some((j, Fix::One));
        }
        (0..fix.len())
            .filter(|&j| fix[j] == Fix::Free)
            .max_by(|&a, &b| d.profit[a].total_cmp(&d.profit[b]).then(b.cmp(&a)))
            .map(|j| (j, Fix::One))
    }
}

/// The fractional knapsack bound of items (profit, hours) within `room` hours.
fn dantzig(profit: &[f64], hours: &[f64], room: f64) -> f64 {
    let mut order: Vec<usize> = (0..profit.len()).collect();
    let density = |i: usize| if hours[i] > 0.0 { profit[i] / hours[i] } else { f64::INFINITY };
    order.sort_by(|&a, &b| density(b).total_cmp(&density(a)));
    let mut room = room;
    let mut v = 0.0;
    for i in order {
        if hours[i] <= room + 1e-9 {
            room -= hours[i];
            v += profit[i];
        } else {
            if hours[i] > 0.0 && room > 0.0 {
                v += profit[i] * room / hours[i];
            }
            break;
        }
    }
    v
}
