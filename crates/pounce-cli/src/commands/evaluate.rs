//! `pounce evaluate`.

use anyhow::{Context, Result};
use pounce_sim::charts::{Bar, fairness_by_group, metric_by_strategy, rank_distribution};
use std::collections::HashMap;

use pounce::{Problem, Problems};
use pounce_sim::experiment::{
    InstitutionRow, evaluate_market_detailed, recommendation_rows, run_experiment_detailed, scenario_intro,
    write_report,
};
use pounce_sim::{
    Experiment, MetricSummary, Scenario, builtin_strategies, summarise, write_results_csv, write_summary_json,
};

use super::matching::Source;
use crate::cli::EvaluateArgs;
use crate::{BadInput, files, progress};

/// The metrics charted one per SVG.
const CHARTED: [(&str, &str); 6] = [
    ("total_score", "Total score"),
    ("match_rate", "Share of projects matched"),
    ("project_first", "Projects given their first choice"),
    ("blocking_pairs", "Blocking pairs"),
    ("justified_envy", "Justified envy"),
    ("institution_gini", "Gini of institutions' mean scores"),
];

fn find<'a>(s: &'a [MetricSummary], strategy: &str, metric: &str) -> Option<&'a MetricSummary> {
    s.iter().find(|m| m.strategy == strategy && m.metric == metric)
}

pub fn run(a: &EvaluateArgs) -> Result<()> {
    let Some(scenario_path) = &a.scenario else { return run_instance(a) };
    let name = scenario_path.display().to_string();
    let text = files::read_text(scenario_path)?;
    let mut scenario = Scenario::from_toml(&text, &name)?;
    if let Some(n) = a.seeds {
        if n == 0 {
            return Err(BadInput("--seeds: give at least 1".into()).into());
        }
        scenario.seeds = n;
    }
    if !a.strategies.is_empty() {
        scenario.strategies = a.strategies.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    }
    let strategies = builtin_strategies(&scenario.strategies)?;
    let seeds = scenario.seed_list();
    let experiment = Experiment { scenario, strategies, seeds };
    let work = (experiment.scenario.term.projects * experiment.scenario.term.partners) as u128
        * experiment.seeds.len() as u128
        * 20;
    let pb = progress::bar(experiment.seeds.len() as u64, work, "seeds");
    let (rows, institutions) = run_experiment_detailed(&experiment, &|n| pb.set_position(n as u64))?;
    pb.finish_and_clear();
    let stem = scenario_path.file_stem().map_or_else(|| "scenario".to_owned(), |s| s.to_string_lossy().into_owned());
    let intro = scenario_intro(&stem, &experiment);
    let names: Vec<String> = experiment.strategies.iter().map(|(n, _)| n.clone()).collect();
    write_all(a, &rows, &institutions, &intro, &names, experiment.seeds.len())
}

/// Evaluates the strategies on one real instance (seed 0 in the results).
fn run_instance(a: &EvaluateArgs) -> Result<()> {
    let source = super::matching::load(&a.market)?;
    let constraints = match &a.config {
        Some(path) => {
            let text = files::read_text(path)?;
            pounce::matching::MatchConfig::from_toml(&text, &path.display().to_string())?.constraints
        }
        None => Default::default(),
    };
    let names: Vec<String> = if a.strategies.is_empty() {
        vec!["greedy".into(), "optimal".into(), "stable-projects".into()]
    } else {
        a.strategies.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
    };
    let strategies = builtin_strategies(&names)?;
    let truth = match (&a.truth, &source) {
        (None, _) => None,
        (Some(path), Source::Term(t)) => Some(read_truth(path, &t.0)?),
        (Some(_), Source::Market(_)) => {
            return Err(BadInput(
                "--truth needs --projects and --partners: recommendations are made from the term".into(),
            )
            .into());
        }
    };
    if truth.is_some() && a.k == 0 {
        return Err(BadInput("--k: give at least 1".into()).into());
    }
    let ((rows, institutions), projects, partners) = super::matching::with_market(&source, |market, scorer| {
        let mut out = evaluate_market_detailed(market, &strategies, &constraints, 0)?;
        if let (Some(truth), Some(scorer)) = (&truth, scorer) {
            let recs = pounce::recommend(scorer, a.k, pounce::Side::Projects, &|_| {});
            out.0.extend(recommendation_rows(&recs, truth, scorer.term().partners.len(), a.k, 0));
        }
        Ok((out, market.projects.len(), market.partners.len()))
    })?;
    let names: Vec<String> = strategies.iter().map(|(n, _)| n.clone()).collect();
    let inputs: Vec<String> = [
        &a.market.projects,
        &a.market.partners,
        &a.market.referral.referrals,
        &a.market.scores,
        &a.market.preferences,
        &a.market.capacities,
    ]
    .into_iter()
    .flatten()
    .map(|p| format!("`{}`", p.display()))
    .collect();
    let intro = format!(
        "# Matching strategies compared on one instance\n\n{projects} projects and {partners} partners, from {}. \
         One instance, so n = 1 and the intervals collapse to the value.\n\nStrategies: {}.\n\n",
        inputs.join(", "),
        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    );
    write_all(a, &rows, &institutions, &intro, &names, 1)
}

/// Reads held-out ground truth (`project,partner` pairs) as each project's relevant partner indices;
/// unknown ids are reported with their line.
fn read_truth(path: &std::path::Path, term: &pounce::Term) -> Result<Vec<Vec<usize>>> {
    let name = path.display().to_string();
    let rows = pounce::input::read_assignment_csv(files::open(path)?, &name)?;
    let projects: HashMap<&str, usize> = term.projects.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let partners: HashMap<&str, usize> = term.partners.iter().enumerate().map(|(i, q)| (q.id.as_str(), i)).collect();
    let mut truth = vec![Vec::new(); term.projects.len()];
    let mut problems = Vec::new();
    for (project, partner, place) in &rows {
        let Some(partner) = partner else { continue };
        match (projects.get(project.as_str()), partners.get(partner.as_str())) {
            (Some(&p), Some(&q)) => truth[p].push(q),
            (None, _) => problems.push(Problem::new(
                &name,
                place.clone(),
                Some("project"),
                format!("unknown project \"{project}\""),
            )),
            (_, None) => problems.push(Problem::new(
                &name,
                place.clone(),
                Some("partner"),
                format!("unknown partner \"{partner}\""),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(pounce::Error::Invalid(Problems(problems)).into());
    }
    if truth.iter().all(Vec::is_empty) {
        return Err(BadInput(format!("{name}: no project,partner pair to evaluate recommendations against")).into());
    }
    Ok(truth)
}

/// Writes results.csv, summary.json, report.md and the charts.
fn write_all(
    a: &EvaluateArgs,
    rows: &[pounce_sim::ResultRow],
    institutions: &[InstitutionRow],
    intro: &str,
    names: &[String],
    seeds: usize,
) -> Result<()> {
    let summaries = summarise(rows);
    std::fs::create_dir_all(&a.out).with_context(|| format!("{}: cannot create directory", a.out.display()))?;
    let path = |f: &str| a.out.join(f);
    files::write_output(Some(&path("results.csv")), |w, n| write_results_csv(w, n, rows))?;
    files::write_output(Some(&path("summary.json")), |w, n| write_summary_json(w, n, &summaries))?;
    files::write_output(Some(&path("report.md")), |w, n| write_report(w, n, intro, &summaries))?;
    let mut charts = Vec::new();
    for (metric, title) in CHARTED {
        let bars: Vec<Bar> = names
            .iter()
            .filter_map(|s| find(&summaries, s, metric))
            .map(|m| Bar { label: m.strategy.clone(), mean: m.mean, low: m.ci95.0, high: m.ci95.1 })
            .collect();
        let svg = metric_by_strategy(title, metric, &bars).map_err(anyhow::Error::msg)?;
        charts.push((format!("{metric}.svg"), svg));
    }
    let series: Vec<(String, Vec<f64>)> = names
        .iter()
        .map(|s| {
            let v = |m| find(&summaries, s, m).map_or(f64::NAN, |x| x.mean);
            ((*s).to_owned(), vec![v("project_first"), v("project_top3"), v("project_top10")])
        })
        .collect();
    let svg = rank_distribution("Projects matched within their first 1, 3 and 10 choices", &series)
        .map_err(anyhow::Error::msg)?;
    charts.push(("rank_distribution.svg".to_owned(), svg));
    let mut groups: Vec<String> = institutions.iter().map(|r| r.institution.clone()).collect();
    groups.sort();
    groups.dedup();
    let fairness: Vec<(String, Vec<f64>)> = names
        .iter()
        .map(|s| {
            let means = groups
                .iter()
                .map(|g| {
                    let v: Vec<f64> = institutions
                        .iter()
                        .filter(|r| &r.strategy == s && &r.institution == g)
                        .map(|r| r.mean_score)
                        .collect();
                    if v.is_empty() { f64::NAN } else { v.iter().sum::<f64>() / v.len() as f64 }
                })
                .collect();
            (s.clone(), means)
        })
        .collect();
    let svg = fairness_by_group("Mean score per institution", &groups, &fairness).map_err(anyhow::Error::msg)?;
    charts.push(("fairness_by_institution.svg".to_owned(), svg));
    files::write_output(Some(&path("institutions.csv")), |w, n| {
        let io = |e: csv::Error| pounce::Error::Io { source_name: n.to_owned(), error: std::io::Error::other(e) };
        let mut out = csv::Writer::from_writer(w);
        out.write_record(["seed", "strategy", "institution", "mean_score", "match_rate"]).map_err(io)?;
        for r in institutions {
            out.write_record([
                r.seed.to_string(),
                r.strategy.clone(),
                r.institution.clone(),
                r.mean_score.to_string(),
                r.match_rate.to_string(),
            ])
            .map_err(io)?;
        }
        out.flush().map_err(|error| pounce::Error::Io { source_name: n.to_owned(), error })
    })?;
    for (file, svg) in &charts {
        files::write_output(Some(&path(file)), |w, n| {
            w.write_all(svg.as_bytes()).map_err(|error| pounce::Error::Io { source_name: n.to_owned(), error })
        })?;
    }
    eprintln!(
        "{} strategies × {} seeds: {} rows; wrote results.csv, summary.json, report.md and {} charts to {}",
        names.len(),
        seeds,
        rows.len(),
        charts.len(),
        a.out.display()
    );
    Ok(())
}
