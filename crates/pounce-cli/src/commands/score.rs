//! `pounce score`.

use anyhow::Result;
use pounce::Scorer;
use pounce::output::{write_pairs_csv, write_pairs_json};
use rayon::prelude::*;

use crate::cli::{DataFormat, ScoreArgs};
use crate::{files, progress};

pub fn run(a: &ScoreArgs) -> Result<()> {
    let (term, weights) = files::term(&a.term)?;
    let referrals = files::referrals(&a.term.referral, &term, &weights)?;
    let scorer = Scorer::with_referrals(&term, &weights, referrals.as_ref());
    let work = term.projects.len() as u128 * term.partners.len() as u128;
    let pb = progress::bar(term.projects.len() as u64, work, "scoring");
    let pairs: Vec<(usize, usize)> = (0..term.projects.len())
        .into_par_iter()
        .flat_map_iter(|p| {
            let keep: Vec<(usize, usize)> =
                (0..term.partners.len()).filter(|&q| a.all || scorer.score(p, q).feasible()).map(|q| (p, q)).collect();
            pb.inc(1);
            keep
        })
        .collect();
    pb.finish_and_clear();
    files::write_output(a.out.as_deref(), |w, name| match a.format {
        DataFormat::Csv => write_pairs_csv(w, name, &scorer, &pairs),
        DataFormat::Json => write_pairs_json(w, name, &scorer, &pairs),
    })?;
    eprintln!("{} pairs written", pairs.len());
    Ok(())
}
