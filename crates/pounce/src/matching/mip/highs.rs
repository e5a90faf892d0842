//! The binary program of [`super::model`] solved by HiGHS (the `highs` cargo feature).
//!
//! HiGHS runs with a relative MIP gap of 0, an absolute gap of 1e-9 and feasibility tolerances of
//! 1e-9, on one thread and silent; its branch-and-cut is deterministic, so equal inputs give equal
//! assignments. Reference: Q. Huangfu and J. A. J. Hall, "Parallelizing the dual revised simplex
//! method", *Mathematical Programming Computation* 10 (2018) 119–142 (<https://highs.dev>), through
//! the `highs` crate (rust-or/highs).

use std::num::NonZeroU32;
use std::time::Instant;

use highs::{Col, HighsModelStatus, HighsOptionValue, HighsSolutionStatus, Model as HModel, RowProblem, Sense};

use super::lagrange::Outcome;
use super::model::{Kind, Model};
use crate::error::{Error, Result};

/// Absolute MIP gap: stop only when the bound is within this of the incumbent.
const ABS_GAP: f64 = 1e-9;
/// Primal and MIP feasibility tolerance (rows, integrality).
const FEASIBILITY: f64 = 1e-9;
/// How far a solution value may be from an integer and still be read as one.
const INTEGRALITY: f64 = 1e-6;

fn fault(msg: impl Into<String>) -> Error {
    Error::Internal(msg.into())
}

/// Optimises `objective` over the model with HiGHS, stopping at `deadline`.
pub(crate) fn optimize(model: &Model, objective: &[f64], maximize: bool, deadline: Option<Instant>) -> Result<Outcome> {
    let mut pb = RowProblem::default();
    let cols: Vec<Col> = model
        .columns
        .iter()
        .zip(objective)
        .map(|(c, &cost)| pb.add_integer_column(cost, if c.fixed { 1.0 } else { 0.0 }..=1.0))
        .collect();
    for list in &model.projects {
        if list.len() > 1 {
            pb.add_row(..=1.0, list.iter().map(|&j| (cols[j as usize], 1.0)));
        }
    }
    for (q, list) in model.partners.iter().enumerate() {
        let limits = model.limits[q];
        if list.len() > limits.capacity as usize {
            pb.add_row(..=f64::from(limits.capacity), list.iter().map(|&j| (cols[j as usize], 1.0)));
        }
        if let Some(b) = limits.budget {
            let terms: Vec<(Col, f64)> = list
                .iter()
                .map(|&j| (cols[j as usize], model.columns[j as usize].hours))
                .filter(|&(_, h)| h > 0.0)
                .collect();
            if terms.iter().map(|t| t.1).sum::<f64>() > b {
                pb.add_row(..=b, terms);
            }
        }
        if let Some(z) = model.serve[q] {
            let mut terms: Vec<(Col, f64)> = list.iter().map(|&j| (cols[j as usize], 1.0)).collect();
            terms.push((cols[z as usize], -1.0));
            pb.add_row(0.0.., terms);
        }
    }
    for row in &model.rows {
        let terms = row.terms.iter().map(|&(j, a)| (cols[j as usize], a));
        match (row.lo.is_finite(), row.hi.is_finite()) {
            (true, true) => pb.add_row(row.lo..=row.hi, terms),
            (true, false) => pb.add_row(row.lo.., terms),
            (false, true) => pb.add_row(..=row.hi, terms),
            (false, false) => {}
        }
    }
    debug_assert!(model.columns.iter().all(|c| c.kind != Kind::Free || c.hours == 0.0));

    let mut m = HModel::try_new(pb).map_err(|s| fault(format!("the MIP solver (HiGHS) refused the model: {s:?}")))?;
    m.make_quiet();
    m.set_threads(NonZeroU32::MIN);
    set_option(&mut m, "output_flag", false)?;
    set_option(&mut m, "log_to_console", false)?;
    set_option(&mut m, "mip_rel_gap", 0.0)?;
    set_option(&mut m, "mip_abs_gap", ABS_GAP)?;
    set_option(&mut m, "mip_feasibility_tolerance", FEASIBILITY)?;
    set_option(&mut m, "primal_feasibility_tolerance", FEASIBILITY)?;
    if let Some(d) = deadline {
        let left = d.saturating_duration_since(Instant::now()).as_secs_f64().max(1e-3);
        set_option(&mut m, "time_limit", left)?;
    }
    m.set_sense(if maximize { Sense::Maximise } else { Sense::Minimise });
    let solved = m.try_solve().map_err(|s| fault(format!("the MIP solver (HiGHS) failed: {s:?}")))?;
    let values = || -> Result<Vec<bool>> {
        solved
            .get_solution()
            .columns()
            .iter()
            .map(|&v| {
                let r = v.round();
                if (v - r).abs() <= INTEGRALITY && (r == 0.0 || r == 1.0) {
                    Ok(r == 1.0)
                } else {
                    Err(fault(format!("the MIP solver (HiGHS) returned a fractional value {v} for a binary variable")))
                }
            })
            .collect()
    };
    match solved.status() {
        HighsModelStatus::Optimal => {
            let values = values()?;
            let objective = Model::value(objective, &values);
            Ok(Outcome::Optimal { values, objective })
        }
        HighsModelStatus::ModelEmpty => Ok(Outcome::Optimal { values: Vec::new(), objective: 0.0 }),
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => Ok(Outcome::Infeasible),
        HighsModelStatus::ReachedTimeLimit => {
            let bound = solved.double_info_value(c"mip_dual_bound").unwrap_or(f64::NAN);
            let best = if solved.primal_solution_status() == HighsSolutionStatus::Feasible {
                let values = values()?;
                let v = Model::value(objective, &values);
                Some((values, v))
            } else {
                None
            };
            Ok(Outcome::Stopped { best, bound })
        }
        s => Err(fault(format!("the MIP solver (HiGHS) stopped without an optimum: {s:?}"))),
    }
}

fn set_option(model: &mut HModel, name: &str, value: impl HighsOptionValue) -> Result<()> {
    model.try_set_option(name, value).map_err(|_| fault(format!("the MIP solver (HiGHS) refused option {name}")))
}
