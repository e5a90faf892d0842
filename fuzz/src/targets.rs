//! The engine's fuzz targets, one function per reader, and the downstream code they run on what was
//! read (scoring, recommendation, matching, reports, writers), so that a panic deeper in the engine
//! surfaces too. Shared with `crates/pounce/tests/fuzz_regressions.rs`.

use std::collections::BTreeSet;

use pounce::input::{
    CapacityRow, Kind, Reference, ScoreRow, assignment_from_rows, market_from_preferences, market_from_scores,
    read_assignment_csv, read_capacities_csv, read_outcomes_csv, read_partners_csv, read_preferences_csv,
    read_projects_csv, read_records, read_referrals, read_scores_csv, read_term_json,
};
use pounce::matching::report::report;
use pounce::matching::{Builtin, Constraints, Market, MatchConfig, OptimalOptions, Proposer, Strategy, run};
use pounce::output::{
    write_match_csv, write_match_json, write_recommendations_csv, write_recommendations_json, write_referrals_csv,
};
use pounce::referral::{PageRankOptions, ReferralGraph, Referrals, personalized_pagerank, strongest_paths};
use pounce::{Error, Place, Scorer, Side, Term, Weights, recommend};

/// The name every target gives its input.
pub const SOURCE: &str = "fuzz.input";

/// A fuzz target: a function of the input bytes.
pub type Target = fn(&[u8]);

/// Every engine target by name (the file name prefix of a saved input), for the regression test.
pub const TARGETS: &[(&str, Target)] = &[
    ("projects_csv", projects_csv),
    ("partners_csv", partners_csv),
    ("projects_json", projects_json),
    ("partners_json", partners_json),
    ("scores", scores),
    ("preferences", preferences),
    ("capacities", capacities),
    ("match_config", match_config),
    ("assignment", assignment),
    ("referrals", referrals),
    ("outcomes", outcomes),
    ("weights", weights),
];

// ---------------------------------------------------------------------------------------------
// Targets

/// Projects CSV: read; on success written and read back, then scored and matched against fixed
/// partners.
pub fn projects_csv(data: &[u8]) {
    match read_projects_csv(data, SOURCE, Reference::bundled()) {
        Ok(projects) => {
            round_trip_projects(&projects);
            let term = Term { projects, partners: fixed_term().partners };
            exercise_term(&term, &Weights::default());
        }
        Err(e) => check_err(&e),
    }
}

/// Partners CSV: read; on success written and read back, then scored and matched against fixed
/// projects.
pub fn partners_csv(data: &[u8]) {
    match read_partners_csv(data, SOURCE, Reference::bundled()) {
        Ok(partners) => {
            round_trip_partners(&partners);
            let term = Term { projects: fixed_term().projects, partners };
            exercise_term(&term, &Weights::default());
        }
        Err(e) => check_err(&e),
    }
}

fn term_json(data: &[u8], kind: Kind) {
    match read_term_json(data, SOURCE, Reference::bundled()) {
        Ok(term) => {
            round_trip_projects(&term.projects);
            round_trip_partners(&term.partners);
            let fixed = fixed_term();
            let term = match kind {
                Kind::Projects => Term { projects: term.projects, partners: fixed.partners },
                Kind::Partners => Term { projects: fixed.projects, partners: term.partners },
            };
            exercise_term(&term, &Weights::default());
        }
        Err(e) => check_err(&e),
    }
    // The format-sniffing entry point the command-line tool uses.
    if let Err(e) = read_records(data, SOURCE, kind, Reference::bundled()) {
        check_err(&e);
    }
}

/// A JSON term, its projects scored and matched against fixed partners.
pub fn projects_json(data: &[u8]) {
    term_json(data, Kind::Projects);
}

/// A JSON term, its partners scored and matched against fixed projects.
pub fn partners_json(data: &[u8]) {
    term_json(data, Kind::Partners);
}

/// Scores CSV, optionally followed by a `%%` line and a capacities CSV (else every partner of the
/// scores gets capacity 2 and 10 hours): the market built from them is matched by every strategy,
/// without and with constraints.
pub fn scores(data: &[u8]) {
    let (scores_part, caps_part) = split(data);
    let scores = match read_scores_csv(scores_part, SOURCE) {
        Ok(s) => s,
        Err(e) => return check_err(&e),
    };
    let caps = match caps_part {
        Some(c) => match read_capacities_csv(c, "capacities.csv") {
            Ok(c) => c,
            Err(e) => return check_err(&e),
        },
        None => capacities_for(scores.iter().map(|s| s.partner.as_str())),
    };
    match market_from_scores(&scores, SOURCE, &caps) {
        Ok(market) => {
            exercise_market(&market);
            exercise_market_with(&market, &packing_constraints());
        }
        Err(e) => check_err(&e),
    }
}

/// Capacities CSV: read; on success a market of three projects scoring every partner is matched.
pub fn capacities(data: &[u8]) {
    let caps = match read_capacities_csv(data, SOURCE) {
        Ok(c) => c,
        Err(e) => return check_err(&e),
    };
    let mut scores = Vec::new();
    for (j, c) in caps.iter().enumerate().take(32) {
        for i in 0..3 {
            scores.push(ScoreRow {
                project: format!("P{i}"),
                partner: c.partner.clone(),
                score: ((i * 7 + j * 3) % 10) as f64 / 10.0,
                hours: (i + 1) as f64,
                place: Place::Line((j * 3 + i + 2) as u64),
            });
        }
    }
    let caps: Vec<CapacityRow> = caps.into_iter().take(32).collect();
    match market_from_scores(&scores, "scores.csv", &caps) {
        Ok(market) => {
            exercise_market(&market);
            exercise_market_with(&market, &packing_constraints());
        }
        Err(e) => check_err(&e),
    }
}

/// Preferences CSV, optionally followed by a `%%` line and a capacities CSV (else every partner
/// named gets capacity 1): the market built from them is matched by every strategy.
pub fn preferences(data: &[u8]) {
    let (prefs_part, caps_part) = split(data);
    let prefs = match read_preferences_csv(prefs_part, SOURCE) {
        Ok(p) => p,
        Err(e) => return check_err(&e),
    };
    let caps = match caps_part {
        Some(c) => match read_capacities_csv(c, "capacities.csv") {
            Ok(c) => c,
            Err(e) => return check_err(&e),
        },
        None => capacities_for(
            prefs
                .iter()
                .map(|p| if p.chooser_is_partner == Some(true) { p.chooser.as_str() } else { p.chosen.as_str() }),
        ),
    };
    match market_from_preferences(&prefs, SOURCE, &caps) {
        Ok(market) => exercise_market(&market),
        Err(e) => check_err(&e),
    }
}

/// A match configuration (TOML; its `[constraints]` are the locks and forbidden pairs): the
/// strategy named and the constraints are applied to the fixed term's market (projects P1–P3,
/// partners Q1–Q4).
pub fn match_config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let config = match MatchConfig::from_toml(text, SOURCE) {
        Ok(c) => c,
        Err(e) => return check_err(&e),
    };
    let term = fixed_term();
    let scorer = Scorer::new(&term, &Weights::default());
    let market = Market::from_scorer(&scorer);
    if let Some(name) = &config.strategy {
        match name.parse::<Builtin>() {
            Ok(s) => {
                if let Err(e) = run(&s, &market, &config.constraints) {
                    check_err(&e);
                }
            }
            Err(e) => assert!(!e.is_empty()),
        }
    }
    exercise_market_with(&market, &config.constraints);
}

/// A pairs file (`project,partner`, as `pounce match` writes and `--lock`/`--forbid` read): resolved
/// as a previous assignment of the fixed term's market, then used as locked and as forbidden pairs.
pub fn assignment(data: &[u8]) {
    let rows = match read_assignment_csv(data, SOURCE) {
        Ok(r) => r,
        Err(e) => return check_err(&e),
    };
    let term = fixed_term();
    let scorer = Scorer::new(&term, &Weights::default());
    let market = Market::from_scorer(&scorer);
    if let Err(e) = assignment_from_rows(&market, &rows, SOURCE) {
        check_err(&e);
    }
    let pairs: Vec<(String, String)> =
        rows.iter().filter_map(|(p, q, _)| q.as_ref().map(|q| (p.clone(), q.clone()))).collect();
    exercise_market_with(&market, &Constraints { locked: pairs.clone(), ..Constraints::none() });
    exercise_market_with(&market, &Constraints { forbidden: pairs, ..Constraints::none() });
}

/// Referral edges (CSV or JSON): the graph is built (undirected and directed), PageRank, strongest
/// paths and closeness computed, the fixed term scored with it, and the edges written and read back.
pub fn referrals(data: &[u8]) {
    let records = match read_referrals(data, SOURCE) {
        Ok(r) => r,
        Err(e) => return check_err(&e),
    };
    let mut out = Vec::new();
    write_referrals_csv(&mut out, "rt.csv", &records).expect("writes to memory");
    match read_referrals(out.as_slice(), "rt.csv") {
        Ok(back) => assert_eq!(back.len(), records.len(), "round trip lost edges"),
        Err(e) => panic!("written edges do not read back: {e}\n{}", String::from_utf8_lossy(&out)),
    }
    let weights = Weights::default();
    let as_of = records.iter().filter_map(|r| r.date).max();
    let options = PageRankOptions { damping: weights.referral.damping, ..Default::default() };
    for directed in [false, true] {
        let graph = ReferralGraph::build(&records, &weights.referral, as_of, directed);
        let n = graph.node_count() as u32;
        if n > 0 {
            match personalized_pagerank(&graph, &[(0, 1.0)], &options) {
                Ok(pr) => assert_eq!(pr.scores.len(), n as usize),
                Err(e) => check_err(&e),
            }
            for p in strongest_paths(&graph, 0, n - 1, 3, 6) {
                let _ = p.describe(&|v| graph.id(v).to_owned());
            }
            let _ = pounce::referral::paths::strongest_from(&graph, n - 1);
        }
        let term = fixed_term();
        match Referrals::new(graph, &term, &options) {
            Ok(refs) => {
                let scorer = Scorer::with_referrals(&term, &weights, Some(&refs));
                let _ = recommend(&scorer, 2, Side::Projects, &|_| {});
                let _ = scorer.explain(0, 0);
            }
            Err(e) => check_err(&e),
        }
    }
}

/// Outcomes CSV: read; on success turned into `past_project` edges against the fixed term and a
/// graph built from them.
pub fn outcomes(data: &[u8]) {
    let rows = match read_outcomes_csv(data, SOURCE) {
        Ok(r) => r,
        Err(e) => return check_err(&e),
    };
    let term = fixed_term();
    match pounce::referral::feedback::outcome_edges(&term, &rows, SOURCE) {
        Ok((edges, reliability)) => {
            for r in reliability.values() {
                assert!(r.rate().is_finite());
            }
            let weights = Weights::default();
            let graph = ReferralGraph::build(&edges, &weights.referral, None, false);
            let _ = Referrals::new(graph, &term, &PageRankOptions::default());
        }
        Err(e) => check_err(&e),
    }
}

/// Weights TOML: read; on success the fixed term is scored, recommended, explained and matched
/// with them.
pub fn weights(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Weights::from_toml(text, SOURCE) {
        Ok(w) => exercise_term(&fixed_term(), &w),
        Err(e) => check_err(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// Splits an input at its first `\n%%\n` line: a target that reads two files (scores or preferences
/// and capacities) fuzzes both.
pub fn split(data: &[u8]) -> (&[u8], Option<&[u8]>) {
    const SEP: &[u8] = b"\n%%\n";
    match data.windows(SEP.len()).position(|w| w == SEP) {
        Some(i) => (&data[..i + 1], Some(&data[i + SEP.len()..])),
        None => (data, None),
    }
}

/// An error must say something: a non-empty message, and for bad input at least one problem, each
/// with a source and a reason.
pub fn check_err(e: &Error) {
    assert!(!e.to_string().trim().is_empty(), "an error with an empty message: {e:?}");
    if let Error::Invalid(problems) = e {
        assert!(!problems.is_empty(), "Error::Invalid without a problem");
        for p in problems.iter() {
            assert!(!p.source.is_empty(), "a problem without a source: {p:?}");
            assert!(!p.reason.trim().is_empty(), "a problem without a reason: {p:?}");
        }
    }
}

/// A small valid term (projects P1–P3, partners Q1–Q4) to pair with what a target reads.
pub fn fixed_term() -> Term {
    pounce::doc_example_term()
}

/// Capacity 2 and 10 hours for each distinct partner id, in order of first appearance.
fn capacities_for<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<CapacityRow> {
    let mut seen = BTreeSet::new();
    ids.filter(|id| seen.insert(*id))
        .map(|id| CapacityRow { partner: id.to_owned(), capacity: 2, hours: Some(10.0) })
        .collect()
}

/// Constraints that need the packing strategies (and, for budgets, the MIP).
fn packing_constraints() -> Constraints {
    Constraints {
        min_score: Some(0.1),
        max_per_institution: Some(1),
        max_sector_share: Some(0.5),
        budgets: true,
        ..Constraints::none()
    }
}

/// Scores, recommends (both sides), explains, writes and matches a term.
pub fn exercise_term(term: &Term, weights: &Weights) {
    let scorer = Scorer::new(term, weights);
    if term.projects.is_empty() || term.partners.is_empty() {
        return;
    }
    for side in [Side::Projects, Side::Partners] {
        let recs = recommend(&scorer, 3, side, &|_| {});
        write_recommendations_csv(std::io::sink(), "recs.csv", &scorer, side, &recs, true).expect("writes to a sink");
        write_recommendations_json(std::io::sink(), "recs.json", &scorer, side, &recs, true).expect("writes to a sink");
    }
    for p in 0..term.projects.len().min(4) {
        for q in 0..term.partners.len().min(4) {
            let s = scorer.score(p, q);
            assert!(!s.fit.is_nan() && !s.appeal.is_nan(), "a NaN score: {s:?}");
            let why = scorer.explain(p, q);
            assert!(!why.summary.is_empty(), "an explanation without a summary");
        }
    }
    let market = Market::from_scorer(&scorer);
    exercise_market(&market);
}

/// The built-in strategies, each with default options.
pub fn strategies() -> Vec<Builtin> {
    vec![
        Builtin::Greedy,
        Builtin::RankSum,
        Builtin::Optimal(OptimalOptions::default()),
        Builtin::Optimal(OptimalOptions { max_matches: true, minimize: false, ..OptimalOptions::DEFAULT }),
        Builtin::Stable(Proposer::Projects),
        Builtin::Stable(Proposer::Partners),
        Builtin::RankMaximal,
    ]
}

/// Runs every built-in strategy on a market without constraints, and reports and writes each result.
pub fn exercise_market(market: &Market) {
    exercise_market_with(market, &Constraints::none());
}

/// Runs every built-in strategy on a market under constraints; a strategy may refuse the
/// constraints or find them contradictory (an error with a message), never panic.
pub fn exercise_market_with(market: &Market, constraints: &Constraints) {
    let resolved = match constraints.resolve(market) {
        Ok(r) => r,
        Err(e) => return check_err(&e),
    };
    for s in strategies() {
        match run(&s, market, constraints) {
            Ok(a) => {
                let r = report(&s.name(), market, &resolved, &a, 2);
                write_match_csv(std::io::sink(), "match.csv", market, &r).expect("writes to a sink");
                write_match_json(std::io::sink(), "match.json", market, &r, None).expect("writes to a sink");
                let _ = pounce::metrics::assignment_metrics(market, &a);
            }
            Err(e) => check_err(&e),
        }
    }
}

/// Writes projects and reads them back: what the writer writes, the reader must accept.
pub fn round_trip_projects(projects: &[pounce::Project]) {
    let mut out = Vec::new();
    pounce::output::write_projects_csv(&mut out, "rt.csv", projects).expect("writes to memory");
    match read_projects_csv(out.as_slice(), "rt.csv", Reference::bundled()) {
        Ok(back) => assert_eq!(back.len(), projects.len(), "round trip lost projects"),
        Err(e) => panic!("written projects do not read back: {e}\n{}", String::from_utf8_lossy(&out)),
    }
}

/// Writes partners and reads them back: what the writer writes, the reader must accept.
pub fn round_trip_partners(partners: &[pounce::Partner]) {
    let mut out = Vec::new();
    pounce::output::write_partners_csv(&mut out, "rt.csv", partners).expect("writes to memory");
    match read_partners_csv(out.as_slice(), "rt.csv", Reference::bundled()) {
        Ok(back) => assert_eq!(back.len(), partners.len(), "round trip lost partners"),
        Err(e) => panic!("written partners do not read back: {e}\n{}", String::from_utf8_lossy(&out)),
    }
}
