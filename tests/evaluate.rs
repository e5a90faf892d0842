//! End-to-end tests of `pounce evaluate`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pounce() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pounce"));
    c.current_dir(root());
    c
}

const SCENARIO: &str = "[term]\nprojects = 30\npartners = 200\ninstitutions = 3\npreference_noise = 0.1\n";

#[test]
fn evaluate_writes_every_file_and_is_deterministic_across_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let run = |threads: &str, out: &Path| {
        pounce()
            .args(["--threads", threads, "evaluate", "--scenario", scenario.to_str().unwrap()])
            .args(["--strategies", "greedy,optimal,stable-projects", "--seeds", "3", "--out", out.to_str().unwrap()])
            .assert()
            .success()
            .stderr(predicate::str::contains("3 strategies × 3 seeds"));
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run("1", &a);
    run("2", &b);
    for f in [
        "results.csv",
        "summary.json",
        "report.md",
        "institutions.csv",
        "total_score.svg",
        "fairness_by_institution.svg",
    ] {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), "{f}");
    }
    let csv = std::fs::read_to_string(a.join("results.csv")).unwrap();
    assert!(csv.starts_with("seed,strategy,metric,value\n"));
    let report = std::fs::read_to_string(a.join("report.md")).unwrap();
    for s in ["greedy", "optimal", "stable-projects"] {
        assert!(report.contains(&format!("| {s} |")), "{s}");
    }
    // Optimal is never below greedy, and stable has no blocking pair, seed by seed.
    let value = |seed: &str, strategy: &str, metric: &str| -> f64 {
        let prefix = format!("{seed},{strategy},{metric},");
        csv.lines().find(|l| l.starts_with(&prefix)).unwrap()[prefix.len()..].parse().unwrap()
    };
    for seed in ["1", "2", "3"] {
        assert!(value(seed, "optimal", "total_score") >= value(seed, "greedy", "total_score") - 1e-9);
        assert_eq!(value(seed, "stable-projects", "blocking_pairs"), 0.0);
    }
    let svg = std::fs::read_to_string(a.join("total_score.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("summary.json")).unwrap()).unwrap();
    assert!(summary.as_array().unwrap().len() >= 3 * 17);
}

#[test]
fn evaluate_reports_bad_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, "[term]\nprojects = 30\nnear = [\"Atlantis, XX\"]\n").unwrap();
    pounce()
        .args(["evaluate", "--scenario", scenario.to_str().unwrap(), "--out", dir.path().join("o").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown city \"Atlantis, XX\""));
    std::fs::write(&scenario, SCENARIO).unwrap();
    pounce()
        .args(["evaluate", "--scenario", scenario.to_str().unwrap(), "--strategies", "best"])
        .args(["--out", dir.path().join("o").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown strategy \"best\""));
}

#[test]
fn the_shipped_scenario_parses() {
    let text = std::fs::read_to_string(root().join("datasets/scenarios/term.toml")).unwrap();
    assert!(text.contains("[term]"));
}

#[test]
fn simulate_reports_each_term_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let run = |threads: &str| {
        let out = pounce()
            .args(["--threads", threads, "simulate", "--scenario", scenario.to_str().unwrap()])
            .args(["--terms", "3", "--strategies", "greedy,optimal"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let mut lines = one.lines();
    assert_eq!(
        lines.next(),
        Some(
            "strategy,term,partners_active,prospects_joined,lapsed,matched,dropped,completed,mean_score,retention,referral_edges"
        )
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 6);
    for r in &rows {
        let n = |i: usize| r[i].parse::<usize>().unwrap();
        assert_eq!(n(5), n(6) + n(7), "matched = dropped + completed");
    }
}

#[test]
fn evaluate_runs_on_a_real_instance() {
    let dir = tempfile::tempdir().unwrap();
    pounce()
        .args(["evaluate", "--projects", "datasets/sample/projects.csv", "--partners", "datasets/sample/partners.csv"])
        .args(["--strategies", "greedy,optimal,stable", "--out", dir.path().to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("3 strategies × 1 seeds"));
    let csv = std::fs::read_to_string(dir.path().join("results.csv")).unwrap();
    assert!(csv.contains("0,stable-projects,blocking_pairs,0\n"), "{csv}");
    let report = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(report.contains("40 projects and 300 partners"));
}

#[test]
fn simulation_settings_come_from_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, format!("{SCENARIO}[simulation]\nlapse_unmatched = 2\n")).unwrap();
    let name = scenario.display().to_string();
    pounce()
        .args(["simulate", "--scenario", &name, "--terms", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{name}:7: simulation.lapse_unmatched: must be a probability")));
    // Nobody lapses when both lapse probabilities are 0.
    std::fs::write(&scenario, format!("{SCENARIO}[simulation]\nlapse_unmatched = 0\nlapse_after_drop = 0\n")).unwrap();
    let out =
        pounce().args(["simulate", "--scenario", &name, "--terms", "3", "--strategies", "greedy"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().skip(1).all(|l| l.split(',').nth(4) == Some("0")), "{text}");
}

#[test]
fn evaluate_scores_recommendations_against_held_out_truth() {
    let dir = tempfile::tempdir().unwrap();
    let truth = dir.path().join("truth.csv");
    // Ground truth: the optimal matching of the sample term (one partner per matched project).
    pounce()
        .args(["match", "--projects", "datasets/sample/projects.csv", "--partners", "datasets/sample/partners.csv"])
        .args(["--strategy", "optimal", "--out", truth.to_str().unwrap()])
        .assert()
        .success();
    let out = dir.path().join("out");
    pounce()
        .args(["evaluate", "--projects", "datasets/sample/projects.csv", "--partners", "datasets/sample/partners.csv"])
        .args(["--strategies", "greedy", "--truth", truth.to_str().unwrap(), "--k", "5"])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    let value = |metric: &str| -> f64 {
        let prefix = format!("0,recommend,{metric},");
        csv.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("{metric}: {csv}"))[prefix.len()..]
            .parse()
            .unwrap()
    };
    for m in ["precision_at_k", "recall_at_k", "ndcg_at_k", "mrr", "pool_coverage"] {
        assert!((0.0..=1.0).contains(&value(m)), "{m}");
    }
    // One relevant partner per project: precision at 5 is recall / 5, and the optimal partner is often
    // among the top recommendations.
    assert!((value("precision_at_k") - value("recall_at_k") / 5.0).abs() < 1e-12);
    assert!(value("mrr") > 0.2, "{csv}");
    assert!(std::fs::read_to_string(out.join("report.md")).unwrap().contains("| recommend |"));

    // Unknown ids are reported with their line; nothing is written.
    std::fs::write(&truth, "project,partner\nP-NOPE,Q1\n").unwrap();
    let out = dir.path().join("bad");
    pounce()
        .args(["evaluate", "--projects", "datasets/sample/projects.csv", "--partners", "datasets/sample/partners.csv"])
        .args(["--truth", truth.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("truth.csv:2: project: unknown project \"P-NOPE\""));
    assert!(!out.exists());
}
