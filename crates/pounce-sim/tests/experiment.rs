//! Tests of the research harness: scenarios from TOML (round trip, errors with their line, the
//! shipped scenario), determinism across thread counts, known relations between strategies
//! (optimal ≥ greedy in total score, stable has no blocking pair), the report, and the statistics
//! of `summarise` against hand-computed values.

use std::time::Instant;

use pounce::matching::{Assignment, Market, Resolved, Strategy, Uses};
use pounce::metrics::{ASSIGNMENT_METRICS, RECOMMENDATION_METRICS};
use pounce_sim::{
    Experiment, ResultRow, Scenario, builtin_strategies, run_experiment, summarise, write_report_markdown,
    write_results_csv, write_summary_json,
};

const SHIPPED: &str = include_str!("../../../datasets/scenarios/term.toml");

fn tiny(strategies: &[&str]) -> Experiment {
    let text = "[term]\nprojects = 30\npartners = 150\nnear = [\"Eindhoven, NL\", \"Lyon, FR\", \"Guelph, CA\"]\n";
    let scenario = Scenario::from_toml(text, "tiny.toml").unwrap();
    Experiment { scenario, strategies: builtin_strategies(strategies).unwrap(), seeds: vec![11, 12, 13] }
}

fn csv_of(rows: &[ResultRow]) -> String {
    let mut out = Vec::new();
    write_results_csv(&mut out, "results.csv", rows).unwrap();
    String::from_utf8(out).unwrap()
}

fn value(rows: &[ResultRow], seed: u64, strategy: &str, metric: &str) -> f64 {
    rows.iter().find(|r| r.seed == seed && r.strategy == strategy && r.metric == metric).unwrap().value
}

#[test]
fn scenario_defaults_and_round_trip() {
    let s = Scenario::from_toml("", "empty.toml").unwrap();
    assert_eq!(s, Scenario::default());
    assert_eq!(s.generator_config(5), pounce_sim::GeneratorConfig { seed: 5, ..Default::default() });

    let text = "description = \"x\"\nstrategies = [\"optimal\"]\nseeds = 3\nfirst_seed = 40\n\
                [term]\nprojects = 12\npartners = 99\ninstitutions = 2\nstart = 2028-09-01\n\
                near = [\"Lyon, FR\", \"Denver, US\"]\nlocal_share = 0.5\n\
                [referrals]\nenabled = false\nalumni_per_institution = 7\nas_of = \"2028-08-01\"\n\
                [weights.fit]\nskills = 5\n[constraints]\nmin_score = 0.25\nmax_per_institution = 2\n";
    let s = Scenario::from_toml(text, "s.toml").unwrap();
    assert_eq!(s.seed_list(), vec![40, 41, 42]);
    assert_eq!(s.term.start, chrono::NaiveDate::from_ymd_opt(2028, 9, 1).unwrap());
    assert_eq!(s.referrals.as_of, chrono::NaiveDate::from_ymd_opt(2028, 8, 1).unwrap());
    assert_eq!(s.weights.fit.skills, 5.0);
    assert_eq!(s.weights.fit.industry, pounce::Weights::default().fit.industry);
    assert_eq!(s.constraints.max_per_institution, Some(2));
    assert!(s.referral_config(1).is_none());
    let g = s.generator_config(9);
    assert_eq!((g.projects, g.partners, g.institutions, g.seed, g.local_share), (12, 99, 2, 9, 0.5));
    assert_eq!(g.near.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Lyon", "Denver"]);

    let back = Scenario::from_toml(&s.to_toml(), "back.toml").unwrap_or_else(|e| panic!("{e}\n{}", s.to_toml()));
    assert_eq!(back, s);
}

#[test]
fn scenario_errors_name_their_line() {
    let e = Scenario::from_toml("seeds = 2\n[term]\nprojects = 3\nprojcts = 4\n", "s.toml").unwrap_err().to_string();
    assert!(e.contains("s.toml:4") && e.contains("projcts"), "{e}");

    let text = "[term]\nnear = [\n  \"Lyon, FR\",\n  \"Atlantis, XX\",\n]\n";
    let e = Scenario::from_toml(text, "s.toml").unwrap_err().to_string();
    assert!(e.contains("s.toml:4: term.near") && e.contains("Atlantis"), "{e}");

    let e = Scenario::from_toml("strategies = [\"greedy\", \"gredy\"]\n", "s.toml").unwrap_err().to_string();
    assert!(e.contains("s.toml:1: strategies") && e.contains("gredy"), "{e}");

    let e = Scenario::from_toml("[term]\nlocal_share = 2\n", "s.toml").unwrap_err().to_string();
    assert!(e.contains("s.toml:2: term.local_share"), "{e}");

    let e = Scenario::from_toml("[term]\n[weights.fit]\nskills = -1\n", "s.toml").unwrap_err().to_string();
    assert!(e.contains("s.toml:3: weights.fit.skills"), "{e}");

    let e = Scenario::from_toml("[weights.fit]\nskils = 1\n", "s.toml").unwrap_err().to_string();
    assert!(e.contains("s.toml:2") && e.contains("skils"), "{e}");

    let e = Scenario::from_toml("[term]\nstart = 2027-13-01\n", "s.toml").unwrap_err().to_string();
    assert!(e.contains("s.toml:2"), "{e}");
}

#[test]
fn shipped_scenario_parses() {
    let s = Scenario::from_toml(SHIPPED, "term.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((s.term.projects, s.term.partners, s.term.institutions), (200, 2000, 20));
    assert_eq!(s.generator_config(1).near.len(), s.term.near.len());
    let e = Experiment::from_scenario(s).unwrap();
    assert_eq!(e.seeds.len(), 10);
    assert!(e.strategies.iter().any(|(n, _)| n == "optimal"));
}

#[test]
fn shipped_scenario_spells_out_the_default_mixes() {
    let s = Scenario::from_toml(SHIPPED, "term.toml").unwrap();
    assert_eq!(s.partners, pounce_sim::PartnerMix::default());
    assert_eq!(s.projects, pounce_sim::ProjectMix::default());
}

#[test]
fn scenario_mixes_shape_the_generated_term() {
    let text = "[term]\nprojects = 60\npartners = 400\n\n[partners]\nremote_web = 1.0\nremote_other = 1.0\n\
                capacity = [{ min = 7, max = 7 }, { min = 7, max = 7 }, { min = 7, max = 7 }, { min = 7, max = 7 }, \
                { min = 7, max = 7 }, { min = 7, max = 7 }]\n[partners.status]\nactive = 0\nprospect = 1\nlapsed = 0\n\
                declined = 0\n\n[projects]\nmust = 0\n[projects.frameworks]\npbl = 0\napprenticeship = 1\ncodesign = 0\n";
    let s = Scenario::from_toml(text, "mix.toml").unwrap_or_else(|e| panic!("{e}"));
    let term = pounce_sim::generate(&s.generator_config(3));
    assert!(term.partners.iter().all(|q| q.remote && q.capacity == 7));
    assert!(term.partners.iter().all(|q| q.status == pounce::PartnerStatus::Prospect));
    assert!(term.projects.iter().all(|p| p.framework == pounce::Framework::Apprenticeship && p.must.is_empty()));
    // The defaults give a mix.
    let plain =
        pounce_sim::generate(&Scenario::from_toml("[term]\npartners = 400\n", "p.toml").unwrap().generator_config(3));
    assert!(plain.partners.iter().any(|q| !q.remote) && plain.partners.iter().any(|q| q.capacity != 7));
}

#[test]
fn scenario_mix_errors_name_their_line_and_key() {
    let text = "[term]\nprojects = 3\n\n[partners]\npbl = 1.5\nskills = { min = 9, max = 2 }\n\n[partners.status]\n\
                active = -1\n\n[projects]\nremote = 2\n";
    let e = Scenario::from_toml(text, "s.toml").unwrap_err().to_string();
    assert!(e.contains("s.toml:5: partners.pbl: must be a probability between 0 and 1, found 1.5"), "{e}");
    assert!(e.contains("s.toml:6: partners.skills: min (9) must not exceed max (2)"), "{e}");
    assert!(e.contains("s.toml:8: partners.status"), "{e}");
    assert!(e.contains("s.toml:12: projects.remote"), "{e}");
    let e = Scenario::from_toml("[partners]\ncapacity = [{ lo = 1 }]\n", "s.toml").unwrap_err().to_string();
    assert!(e.contains("s.toml:2"), "{e}");
}

#[test]
fn results_are_byte_identical_on_any_thread_count() {
    let e = tiny(&["greedy", "optimal", "stable-projects"]);
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| csv_of(&run_experiment(&e, &|_| {}).unwrap()))
    };
    let one = on(1);
    assert_eq!(one, on(2));
    assert_eq!(one, on(3));
    assert!(one.starts_with("seed,strategy,metric,value\n11,greedy,total_score,"), "{one}");
    assert_eq!(one.lines().count(), 1 + 3 * (3 * ASSIGNMENT_METRICS.len() + RECOMMENDATION_METRICS.len()));
}

#[test]
fn strategies_keep_their_known_relations() {
    let e = tiny(&["greedy", "optimal", "stable-projects", "stable-partners"]);
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let rows = run_experiment(&e, &|done| {
        assert!((1..=3).contains(&done));
        calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    })
    .unwrap();
    assert_eq!(calls.into_inner(), 3);
    // Rows in (seed, strategy, metric) order.
    let expected: Vec<(u64, &str, &str)> = e
        .seeds
        .iter()
        .flat_map(|&s| {
            e.strategies
                .iter()
                .flat_map(move |(n, _)| ASSIGNMENT_METRICS.map(|m| (s, n.as_str(), m)))
                .chain(RECOMMENDATION_METRICS.map(|m| (s, "recommend", m)))
        })
        .collect();
    assert_eq!(rows.iter().map(|r| (r.seed, r.strategy.as_str(), r.metric)).collect::<Vec<_>>(), expected);
    for &seed in &e.seeds {
        let total = |s| value(&rows, seed, s, "total_score");
        assert!(total("optimal") >= total("greedy") - 1e-9, "seed {seed}");
        assert!(total("greedy") > 0.0, "seed {seed}");
        assert_eq!(value(&rows, seed, "stable-projects", "blocking_pairs"), 0.0, "seed {seed}");
        assert_eq!(value(&rows, seed, "stable-partners", "blocking_pairs"), 0.0, "seed {seed}");
    }
}

#[test]
fn a_refused_constraint_names_the_strategy_and_reason() {
    let mut e = tiny(&["greedy", "stable-projects"]);
    e.scenario.constraints.max_per_institution = Some(1);
    let err = run_experiment(&e, &|_| panic!("nothing should run")).unwrap_err().to_string();
    assert!(err.contains("stable-projects") && err.contains("max_per_institution"), "{err}");
}

#[test]
fn a_plugged_in_strategy_runs_beside_the_builtins() {
    /// Matches every project to its best-scored partner with room left, in project order.
    struct FirstChoice;
    impl Strategy for FirstChoice {
        fn name(&self) -> String {
            "first-choice".into()
        }
        fn check(&self, uses: Uses) -> Result<(), String> {
            if uses == Uses::default() { Ok(()) } else { Err("honours no constraint".into()) }
        }
        fn solve(&self, market: &Market, _: &Resolved) -> pounce::Result<Assignment> {
            let mut a = Assignment::empty(market.projects.len());
            let mut left: Vec<u32> = market.partners.iter().map(|q| q.capacity).collect();
            for p in 0..market.projects.len() {
                for e in market.project_edge_range(p) {
                    let q = market.edges()[e].partner;
                    if left[q] > 0 {
                        left[q] -= 1;
                        a.edges[p] = Some(e);
                        break;
                    }
                }
            }
            Ok(a)
        }
    }
    let mut e = tiny(&["optimal"]);
    e.strategies.push(("first-choice".into(), Box::new(FirstChoice)));
    let rows = run_experiment(&e, &|_| {}).unwrap();
    for &seed in &e.seeds {
        assert!(value(&rows, seed, "first-choice", "match_rate") > 0.0);
        assert!(
            value(&rows, seed, "optimal", "total_score") >= value(&rows, seed, "first-choice", "total_score") - 1e-9
        );
    }
}

#[test]
fn report_and_summary_cover_every_strategy_and_metric() {
    let e = tiny(&["greedy", "optimal", "stable-projects"]);
    let rows = run_experiment(&e, &|_| {}).unwrap();
    let summaries = summarise(&rows);
    assert_eq!(summaries.len(), 3 * ASSIGNMENT_METRICS.len() + RECOMMENDATION_METRICS.len());
    assert!(summaries.iter().all(|s| s.n == 3 && s.ci95.0 <= s.mean && s.mean <= s.ci95.1));

    let mut md = Vec::new();
    write_report_markdown(&mut md, "report.md", "tiny", &e, &summaries).unwrap();
    let md = String::from_utf8(md).unwrap();
    assert!(md.starts_with("# tiny: matching strategies compared"), "{md}");
    assert!(md.contains("3 seeds (11–13)") && md.contains("30 projects, 150 partners"), "{md}");
    for (name, _) in &e.strategies {
        assert!(md.contains(&format!("| {name} | ")), "{name} missing:\n{md}");
    }
    assert!(md.contains("| recommend | "), "{md}");
    for m in ASSIGNMENT_METRICS.into_iter().chain(RECOMMENDATION_METRICS) {
        assert!(md.contains(&format!("## {m}\n")), "{m} missing");
        assert!(!pounce_sim::experiment::metric_definition(m).is_empty(), "{m} undefined");
    }

    let mut json = Vec::new();
    write_summary_json(&mut json, "summary.json", &summaries).unwrap();
    let back: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(back.as_array().unwrap().len(), summaries.len());
    assert_eq!(back[0]["strategy"], "greedy");
    assert_eq!(back[0]["metric"], "total_score");
    assert_eq!(back[0]["ci95"].as_array().unwrap().len(), 2);
}

#[test]
fn summarise_matches_hand_computed_statistics() {
    let row = |seed, strategy: &str, metric, value| ResultRow { seed, strategy: strategy.into(), metric, value };
    let rows = [
        row(1, "b", "total_score", 1.0),
        row(1, "a", "total_score", 10.0),
        row(2, "b", "total_score", 2.0),
        row(3, "b", "total_score", 3.0),
        row(1, "b", "match_rate", 0.5),
        row(2, "b", "match_rate", 0.5),
    ];
    let s = summarise(&rows);
    assert_eq!(
        s.iter().map(|x| (x.strategy.as_str(), x.metric)).collect::<Vec<_>>(),
        [("b", "total_score"), ("a", "total_score"), ("b", "match_rate")]
    );
    // 1, 2, 3: mean 2, sample variance (1 + 0 + 1) / 2 = 1, t(0.975; 2) = 4.302652730.
    let half = 4.302652730 / 3f64.sqrt();
    assert_eq!((s[0].n, s[0].mean, s[0].std), (3, 2.0, 1.0));
    assert!((s[0].ci95.0 - (2.0 - half)).abs() < 1e-12 && (s[0].ci95.1 - (2.0 + half)).abs() < 1e-12);
    assert!((s[0].half_width() - half).abs() < 1e-12);
    // One value: no spread, a degenerate interval.
    assert_eq!((s[1].n, s[1].mean, s[1].std, s[1].ci95), (1, 10.0, 0.0, (10.0, 10.0)));
    // Equal values: zero width.
    assert_eq!((s[2].mean, s[2].std, s[2].ci95), (0.5, 0.0, (0.5, 0.5)));
    assert!(summarise(&[]).is_empty());

    use pounce_sim::experiment::t_quantile_975 as t;
    assert_eq!((t(1), t(30), t(31)), (12.706204736, 2.042272456, 1.96));
    assert!((1..30).all(|df| t(df) > t(df + 1)));
}

#[test]
fn csv_values_round_trip_and_names_are_quoted() {
    let rows = [
        ResultRow { seed: 1, strategy: "a,b".into(), metric: "total_score", value: 0.1 + 0.2 },
        ResultRow { seed: 2, strategy: "c".into(), metric: "match_rate", value: 1.0 },
    ];
    let text = csv_of(&rows);
    assert_eq!(text, "seed,strategy,metric,value\n1,\"a,b\",total_score,0.30000000000000004\n2,c,match_rate,1\n");
}

/// One seed of the shipped scenario, all six strategies; prints the time (run with `--release
/// --nocapture` for the figure quoted in the report).
#[test]
fn one_seed_of_the_shipped_scenario() {
    let mut e = Experiment::from_scenario(Scenario::from_toml(SHIPPED, "term.toml").unwrap()).unwrap();
    e.seeds = vec![1];
    let start = Instant::now();
    let rows = run_experiment(&e, &|_| {}).unwrap();
    eprintln!("one seed of term.toml, {} strategies: {:?}", e.strategies.len(), start.elapsed());
    assert_eq!(rows.len(), e.strategies.len() * ASSIGNMENT_METRICS.len() + RECOMMENDATION_METRICS.len());
    assert!(value(&rows, 1, "optimal", "total_score") >= value(&rows, 1, "greedy", "total_score") - 1e-9);
}

/// Recommendation quality against held-out stated preferences: in [0, 1], worse with more preference
/// noise, and absent when disabled.
#[test]
fn recommendation_quality_falls_with_preference_noise() {
    let base = "[term]\nprojects = 40\npartners = 300\n[referrals]\nenabled = false\n[recommendations]\nk = 10\nrelevant = 10\n";
    let mean = |noise: f64, metric: &str| {
        let mut scenario = Scenario::from_toml(base, "r.toml").unwrap();
        scenario.term.preference_noise = noise;
        let e = Experiment { scenario, strategies: builtin_strategies(&["greedy"]).unwrap(), seeds: vec![1, 2, 3] };
        let rows = run_experiment(&e, &|_| {}).unwrap();
        let v: Vec<f64> =
            rows.iter().filter(|r| r.strategy == "recommend" && r.metric == metric).map(|r| r.value).collect();
        assert_eq!(v.len(), 3);
        assert!(v.iter().all(|x| (0.0..=1.0).contains(x)), "{metric}: {v:?}");
        v.iter().sum::<f64>() / 3.0
    };
    let (clean, noisy) = (mean(0.0, "precision_at_k"), mean(0.3, "precision_at_k"));
    eprintln!("precision@10: noise 0 {clean:.3}, noise 0.3 {noisy:.3}");
    assert!(clean > 0.5, "{clean}");
    assert!(noisy < clean, "{noisy} vs {clean}");
    assert!(mean(0.0, "ndcg_at_k") > mean(0.3, "ndcg_at_k"));
    assert!(mean(0.0, "pool_coverage") > 0.0);

    let mut off = Scenario::from_toml(base, "r.toml").unwrap();
    off.recommendations.enabled = false;
    let e = Experiment { scenario: off, strategies: builtin_strategies(&["greedy"]).unwrap(), seeds: vec![1] };
    assert!(run_experiment(&e, &|_| {}).unwrap().iter().all(|r| r.strategy != "recommend"));
    let e = Scenario::from_toml("[recommendations]\nk = 0\n", "r.toml").unwrap_err().to_string();
    assert!(e.contains("r.toml:2: recommendations.k: must be at least 1"), "{e}");
}
