//! `pounce recommend`.

use anyhow::Result;
use pounce::output::{write_recommendations_csv, write_recommendations_json};
use pounce::{Scorer, Side, recommend};

use super::table;
use crate::cli::{ForSide, Format, RecommendArgs};
use crate::{files, progress};

pub fn run(a: &RecommendArgs) -> Result<()> {
    let (term, weights) = files::term(&a.term)?;
    let side = match a.side {
        ForSide::Projects => Side::Projects,
        ForSide::Partners => Side::Partners,
    };
    let referrals = files::referrals(&a.term.referral, &term, &weights)?;
    let scorer = Scorer::with_referrals(&term, &weights, referrals.as_ref());
    let subjects = match side {
        Side::Projects => term.projects.len(),
        Side::Partners => term.partners.len(),
    };
    let work = term.projects.len() as u128 * term.partners.len() as u128;
    let pb = progress::bar(subjects as u64, work, "scoring");
    let recs = recommend(&scorer, a.top, side, &|n| pb.inc(n as u64));
    pb.finish_and_clear();
    files::write_output(a.out.as_deref(), |w, name| match a.format {
        Format::Table => table::write_recommendations(w, name, &scorer, side, &recs, a.explain),
        Format::Csv => write_recommendations_csv(w, name, &scorer, side, &recs, a.explain),
        Format::Json => write_recommendations_json(w, name, &scorer, side, &recs, a.explain),
    })?;
    let feasible_none = recs.iter().filter(|r| r.feasible == 0).count();
    eprintln!(
        "{} {} scored against {} {}; {} with no feasible counterpart",
        subjects,
        match side {
            Side::Projects => "projects",
            Side::Partners => "partners",
        },
        match side {
            Side::Projects => term.partners.len(),
            Side::Partners => term.projects.len(),
        },
        match side {
            Side::Projects => "partners",
            Side::Partners => "projects",
        },
        feasible_none
    );
    Ok(())
}
