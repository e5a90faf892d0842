//! `pounce match` and `pounce rematch`.

use std::path::Path;

use anyhow::Result;
use pounce::input::{
    assignment_from_rows, market_from_preference_bytes, market_from_preferences, market_from_score_bytes,
    market_from_scores, read_assignment_csv, read_capacities_csv, read_preferences_csv, read_scores_csv,
};
use pounce::matching::rematch::{ChangeKind, rematch};
use pounce::matching::report::report;
use pounce::matching::{Builtin, Constraints, Market, MatchConfig, OptimalOptions, Origins, Proposer, run};
use pounce::output::{write_match_csv, write_match_json};
use pounce::{Scorer, Term, Weights};

use crate::BadInput;
use crate::cli::{ConstraintArgs, DataFormat, MarketArgs, MatchArgs, ProposerArg, RematchArgs, StrategyArgs};
use crate::files::{self, Gather};

/// The inputs of a market: a scored term, or a market read from scores or preferences.
pub(crate) enum Source {
    Term(Box<(Term, Weights, Option<pounce::referral::Referrals>)>),
    Market(Box<Market>),
}

pub(crate) fn load(a: &MarketArgs) -> Result<Source> {
    match (&a.projects, &a.partners, &a.scores, &a.preferences, &a.capacities) {
        (Some(p), Some(q), None, None, _) => {
            let (term, weights) = files::term_from(p, q, a.weights.as_deref())?;
            let referrals = files::referrals(&a.referral, &term, &weights)?;
            Ok(Source::Term(Box::new((term, weights, referrals))))
        }
        (None, None, Some(s), None, Some(c)) => {
            let mut g = Gather::default();
            let name = s.display().to_string();
            let bytes = files::read_bytes(s)?;
            let caps = capacities(c)?;
            // A clean file goes straight to the market (which takes the bytes, to free them early);
            // otherwise the file is read again and its rows are checked, to report problems.
            if let Ok(caps) = caps.as_deref() {
                if let Some(market) = market_from_score_bytes(bytes, caps) {
                    return Ok(Source::Market(Box::new(market?)));
                }
            }
            let bytes = files::read_bytes(s)?;
            let scores = g.keep(read_scores_csv(&bytes[..], &name).and_then(|r| non_empty(r, &name, "scores")))?;
            let caps = g.keep(caps)?;
            g.finish()?;
            let (scores, caps) = (scores.unwrap_or_default(), caps.unwrap_or_default());
            Ok(Source::Market(Box::new(market_from_scores(&scores, &name, &caps)?)))
        }
        (None, None, None, Some(s), Some(c)) => {
            let mut g = Gather::default();
            let name = s.display().to_string();
            let bytes = files::read_bytes(s)?;
            let caps = capacities(c)?;
            // A clean file goes straight to the market; otherwise the rows are read to report problems.
            if let Some(market) = caps.as_deref().ok().and_then(|caps| market_from_preference_bytes(&bytes, caps)) {
                return Ok(Source::Market(Box::new(market?)));
            }
            let prefs =
                g.keep(read_preferences_csv(&bytes[..], &name).and_then(|r| non_empty(r, &name, "preferences")))?;
            let caps = g.keep(caps)?;
            g.finish()?;
            let (prefs, caps) = (prefs.unwrap_or_default(), caps.unwrap_or_default());
            Ok(Source::Market(Box::new(market_from_preferences(&prefs, &name, &caps)?)))
        }
        _ => Err(BadInput(
            "give --projects and --partners, or --scores with --capacities, or --preferences with --capacities".into(),
        )
        .into()),
    }
}

/// Refuses a file with a header and no rows: a market of nothing is a mistake, not a term.
fn non_empty<T>(rows: Vec<T>, name: &str, what: &str) -> pounce::Result<Vec<T>> {
    if rows.is_empty() {
        let reason = format!("no {what}: the file has a header but no rows");
        return Err(pounce::Error::Invalid(pounce::Problems(vec![pounce::Problem::new(
            name,
            pounce::Place::File,
            None,
            reason,
        )])));
    }
    Ok(rows)
}

/// Reads a capacities file, keeping its problems apart from other failures.
fn capacities(path: &Path) -> Result<pounce::Result<Vec<pounce::input::CapacityRow>>> {
    let name = path.display().to_string();
    Ok(read_capacities_csv(files::open(path)?, &name).and_then(|r| non_empty(r, &name, "capacities")))
}

/// A pair of ids, and the file and place it was read from.
type PlacedPair = ((String, String), (String, pounce::Place));

/// The pairs of a lock or forbid file, each with where it is (for messages).
fn pairs_file(path: &Path) -> Result<Vec<PlacedPair>> {
    let name = path.display().to_string();
    let rows = read_assignment_csv(files::open(path)?, &name)?;
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (p, q, place) in rows {
        match q {
            Some(q) => out.push(((p, q), (name.clone(), place))),
            None => missing.push(pounce::Problem::new(&name, place, Some("partner"), "a partner is required")),
        }
    }
    if missing.is_empty() { Ok(out) } else { Err(pounce::Error::Invalid(pounce::Problems(missing)).into()) }
}

/// The configuration file, with the flags applied on top; and where each constraint was read from.
fn settings(
    s: &StrategyArgs,
    c: &ConstraintArgs,
    backups: Option<usize>,
) -> Result<(Builtin, Constraints, usize, Origins)> {
    let (mut config, mut origins) = match &s.config {
        Some(path) => {
            let name = path.display().to_string();
            let text = files::read_text(path)?;
            let config = MatchConfig::from_toml(&text, &name)?;
            let origins = config.origins(&text, &name);
            (config, origins)
        }
        None => (MatchConfig::default(), Origins::default()),
    };
    if let Some(st) = &s.strategy {
        config.strategy = Some(st.clone());
    }
    config.max_matches |= s.max_matches;
    config.minimize |= s.minimize;
    if let Some(t) = s.time_limit {
        config.time_limit = Some(t);
    }
    if let Some(m) = &s.mip_solver {
        config.mip_solver = Some(m.parse().map_err(|e: String| BadInput(format!("--mip-solver: {e}")))?);
    }
    let time_limit = match config.time_limit {
        None => None,
        Some(t) if t.is_finite() && t > 0.0 && t <= 1e9 => Some(std::time::Duration::from_secs_f64(t)),
        Some(t) => {
            return Err(BadInput(format!("time limit: must be a number of seconds in (0, 1e9], found {t}")).into());
        }
    };
    if let Some(p) = s.proposer {
        config.proposer = Some(match p {
            ProposerArg::Projects => Proposer::Projects,
            ProposerArg::Partners => Proposer::Partners,
        });
    }
    let name = config.strategy.clone().unwrap_or_else(|| "optimal".into());
    let mut strategy: Builtin = name.parse().map_err(BadInput)?;
    match &mut strategy {
        Builtin::Optimal(o) => {
            *o = OptimalOptions {
                max_matches: config.max_matches || o.max_matches,
                minimize: config.minimize,
                time_limit,
                solver: config.mip_solver.unwrap_or_default(),
            };
        }
        _ if config.max_matches || config.minimize => {
            return Err(
                BadInput(format!("--max-matches and --minimize apply to the optimal strategy, not {name}")).into()
            );
        }
        _ if time_limit.is_some() || config.mip_solver.is_some() => {
            return Err(
                BadInput(format!("--time-limit and --mip-solver apply to the optimal strategy, not {name}")).into()
            );
        }
        _ => {}
    }
    match (&mut strategy, config.proposer) {
        (Builtin::Stable(p), Some(x)) => *p = x,
        (Builtin::Stable(_), None) | (_, None) => {}
        (_, Some(_)) => return Err(BadInput(format!("--proposer applies to the stable strategy, not {name}")).into()),
    }
    let k = &mut config.constraints;
    // Origins run parallel to the pairs: pad the config's (when it could not place them) first.
    origins.locked.resize(k.locked.len(), ("constraints".into(), pounce::Place::File));
    origins.forbidden.resize(k.forbidden.len(), ("constraints".into(), pounce::Place::File));
    if let Some(f) = &c.lock {
        for (pair, at) in pairs_file(f)? {
            k.locked.push(pair);
            origins.locked.push(at);
        }
    }
    if let Some(f) = &c.forbid {
        for (pair, at) in pairs_file(f)? {
            k.forbidden.push(pair);
            origins.forbidden.push(at);
        }
    }
    // A flag overrides the file: its problems are the flag's.
    for (key, given) in [
        ("min_score", c.min_score.is_some()),
        ("max_per_institution", c.max_per_institution.is_some()),
        ("max_sector_share", c.max_sector_share.is_some()),
    ] {
        if given {
            let flag = format!("--{}", key.replace('_', "-"));
            origins.keys.retain(|(k, _)| k != key);
            origins.keys.push((key.to_owned(), (flag, pounce::Place::File)));
        }
    }
    k.min_score = c.min_score.or(k.min_score);
    k.max_per_institution = c.max_per_institution.or(k.max_per_institution);
    k.max_sector_share = c.max_sector_share.or(k.max_sector_share);
    k.retention |= c.retention;
    k.institution_min = c.institution_min.or(k.institution_min);
    k.budgets |= c.budgets;
    Ok((strategy, config.constraints, backups.or(config.backups).unwrap_or(0), origins))
}

pub(crate) fn with_market<T>(source: &Source, f: impl FnOnce(&Market, Option<&Scorer<'_>>) -> Result<T>) -> Result<T> {
    match source {
        Source::Term(t) => {
            let (term, weights, referrals) = &**t;
            let scorer = Scorer::with_referrals(term, weights, referrals.as_ref());
            let market = Market::from_scorer(&scorer);
            f(&market, Some(&scorer))
        }
        Source::Market(m) => f(m, None),
    }
}

pub fn run_match(a: &MatchArgs) -> Result<()> {
    let source = load(&a.market)?;
    let (strategy, constraints, backups, origins) = settings(&a.strategy, &a.constraints, a.output.backups)?;
    with_market(&source, |market, scorer| {
        let resolved = constraints.resolve_at(market, &origins)?;
        let assignment = run(&strategy, market, &constraints)?;
        let rep = report(&strategy.to_string(), market, &resolved, &assignment, backups);
        files::write_output(a.output.out.as_deref(), |w, name| match a.output.format {
            DataFormat::Csv => write_match_csv(w, name, market, &rep),
            DataFormat::Json => write_match_json(w, name, market, &rep, scorer),
        })?;
        summarize("", &rep);
        Ok(())
    })
}

pub fn run_rematch(a: &RematchArgs) -> Result<()> {
    let source = load(&a.market)?;
    let (strategy, constraints, backups, origins) = settings(&a.strategy, &a.constraints, a.output.backups)?;
    with_market(&source, |market, scorer| {
        constraints.resolve_at(market, &origins)?;
        let name = a.previous.display().to_string();
        let rows = read_assignment_csv(files::open(&a.previous)?, &name)?;
        let previous = assignment_from_rows(market, &rows, &name)?;
        let mut unknown = Vec::new();
        let mut ids = |list: &[String], find: &dyn Fn(&str) -> Option<usize>, what: &str| -> Vec<usize> {
            list.iter()
                .filter_map(|id| {
                    let i = find(id);
                    if i.is_none() {
                        unknown.push(format!("--drop-{what}: unknown {what} \"{id}\""));
                    }
                    i
                })
                .collect()
        };
        let dq = ids(&a.drop_partners, &|id| market.partner_index(id), "partner");
        let dp = ids(&a.drop_projects, &|id| market.project_index(id), "project");
        if !unknown.is_empty() {
            return Err(BadInput(unknown.join("\n")).into());
        }
        let r = rematch(market, &previous, &dq, &dp, a.allow_moves, &strategy, &constraints)?;
        let resolved = constraints.resolve(&r.market)?;
        let rep = report(&strategy.to_string(), &r.market, &resolved, &r.assignment, backups);
        files::write_output(a.output.out.as_deref(), |w, name| match a.output.format {
            DataFormat::Csv => write_match_csv(w, name, &r.market, &rep),
            DataFormat::Json => write_match_json(w, name, &r.market, &rep, scorer),
        })?;
        let pid = |p: usize| market.projects[p].id.as_str();
        let qid = |q: Option<usize>| q.map_or("(none)", |q| market.partners[q].id.as_str());
        let mut kept = 0;
        for c in &r.changes {
            match c.kind {
                ChangeKind::Kept => kept += 1,
                ChangeKind::StillUnmatched => {}
                kind => eprintln!("{}: {:?}: {} -> {}", pid(c.project), kind, qid(c.before), qid(c.after)),
            }
        }
        summarize(&format!("{kept} pairs kept; "), &rep);
        Ok(())
    })
}

/// The summary on standard error; a warning first when a time limit left the result unproven.
fn summarize(prefix: &str, rep: &pounce::matching::report::Report) {
    match &rep.stopped {
        Some(stopped) => {
            eprintln!("warning: {}", stopped.text());
            eprintln!("{prefix}{} (best found, not proven optimal): {}", rep.strategy, rep.summary.text());
        }
        None => eprintln!("{prefix}{}: {}", rep.strategy, rep.summary.text()),
    }
}
