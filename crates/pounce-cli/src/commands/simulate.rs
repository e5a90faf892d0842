//! `pounce simulate`.

use anyhow::Result;
use pounce_sim::{Scenario, builtin_strategies, simulate};

use crate::cli::SimulateArgs;
use crate::files;

pub fn run(a: &SimulateArgs) -> Result<()> {
    let name = a.scenario.display().to_string();
    let text = files::read_text(&a.scenario)?;
    let scenario = Scenario::from_toml(&text, &name)?;
    let names: Vec<String> = if a.strategies.is_empty() { scenario.strategies.clone() } else { a.strategies.clone() };
    let strategies = builtin_strategies(&names)?;
    let seed = a.seed.unwrap_or(scenario.first_seed);
    let mut stats = Vec::new();
    for (label, strategy) in &strategies {
        stats.extend(simulate(&scenario, strategy.as_ref(), label, a.terms, seed)?);
    }
    files::write_output(a.out.as_deref(), |w, name| {
        let io = |e: csv::Error| pounce::Error::Io { source_name: name.to_owned(), error: std::io::Error::other(e) };
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "strategy",
            "term",
            "partners_active",
            "prospects_joined",
            "lapsed",
            "matched",
            "dropped",
            "completed",
            "mean_score",
            "retention",
            "referral_edges",
        ])
        .map_err(io)?;
        for s in &stats {
            out.write_record([
                s.strategy.clone(),
                s.term.to_string(),
                s.partners_active.to_string(),
                s.prospects_joined.to_string(),
                s.lapsed.to_string(),
                s.matched.to_string(),
                s.dropped.to_string(),
                s.completed.to_string(),
                format!("{:.6}", s.mean_score),
                format!("{:.6}", s.retention),
                s.referral_edges.to_string(),
            ])
            .map_err(io)?;
        }
        out.flush().map_err(|error| pounce::Error::Io { source_name: name.to_owned(), error })
    })?;
    eprintln!("{} strategies × {} terms simulated (seed {seed})", strategies.len(), a.terms);
    Ok(())
}
