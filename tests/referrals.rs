//! End-to-end tests of `pounce referrals` and of `--referrals` on recommend and match.

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

const GRAPH: &str = "tests/fixtures/referrals_small.csv";
const KEMPEN: &str = "Kempen University of Technology";

fn stdout(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn rank_lists_every_reached_node_with_scores_summing_to_one() {
    let out = stdout(pounce().args(["referrals", "rank", "--graph", GRAPH, "--from", KEMPEN]));
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("node,score"));
    let rows: Vec<(String, f64)> = out
        .lines()
        .skip(1)
        .map(|l| {
            let (n, s) = l.rsplit_once(',').unwrap();
            (n.to_owned(), s.parse().unwrap())
        })
        .collect();
    assert_eq!(rows.len(), 9, "every node of the connected graph");
    assert_eq!(rows[0].0, KEMPEN, "the seed ranks first");
    let sum: f64 = rows.iter().map(|r| r.1).sum();
    assert!((sum - 1.0).abs() < 1e-9, "{sum}");
    assert!(rows.windows(2).all(|w| w[0].1 >= w[1].1));
    let top = stdout(pounce().args([
        "referrals",
        "rank",
        "--graph",
        GRAPH,
        "--from",
        KEMPEN,
        "--top",
        "3",
        "--format",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&top).unwrap();
    assert_eq!(v["scores"].as_array().unwrap().len(), 3);
    assert_eq!(v["converged"], true);
}

#[test]
fn directed_rank_reaches_only_what_edges_point_to() {
    // Directed, edges leave Kempen only through its past project with P-CASE-02 and on to the cluster.
    let out = stdout(pounce().args(["referrals", "rank", "--graph", GRAPH, "--from", KEMPEN, "--directed"]));
    let nodes: Vec<&str> = out.lines().skip(1).map(|l| l.rsplit_once(',').unwrap().0).collect();
    let mut sorted = nodes.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec!["Eindhoven Robotics Cluster", KEMPEN, "P-CASE-02"]);
}

#[test]
fn paths_are_the_strongest_warm_introductions() {
    // As of 2026-03-01 (the latest date): the past project (rating 5, dated 2025-06-30, 244 days old)
    // has strength 0.5^(244/1095) = 0.8568; the second route advises (0.7 · 0.5^(181/1095) = 0.6255)
    // × works at (0.9 · 0.5^(424/1095) = 0.6870) × referred (0.8, same day) = 0.3438.
    let out = stdout(pounce().args([
        "referrals",
        "paths",
        "--graph",
        GRAPH,
        "--from",
        KEMPEN,
        "--to",
        "P-CASE-02",
        "--partners",
        "datasets/sample/partners.csv",
    ]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0], " 1. strength 0.8569  Kempen University of Technology —past project— Kempen Vision Systems");
    assert!(lines[1].starts_with(" 2. strength 0.343"), "{}", lines[1]);
    assert!(
        lines[1].ends_with("—advises— Sam Ortiz —works at— Zuidnet Energy Networks —referred— Kempen Vision Systems")
    );
    pounce()
        .args(["referrals", "paths", "--graph", GRAPH, "--from", KEMPEN, "--to", "Nobody"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--to: \"Nobody\" is not a node of the referral graph"));
}

#[test]
fn prospects_rank_organisations_not_yet_partners() {
    let out = stdout(pounce().args([
        "referrals",
        "prospects",
        "--graph",
        GRAPH,
        "--from",
        KEMPEN,
        "--projects",
        "datasets/sample/projects.csv",
        "--partners",
        "datasets/sample/partners.csv",
        "--format",
        "csv",
    ]));
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][1], "Brainport Widgets");
    assert_eq!(&rows[0][2], "not a partner yet");
    assert!(rows[0][7].ends_with("—works at— Brainport Widgets"));
    assert!(rows.iter().all(|r| &r[1] != "Eindhoven Robotics Cluster" || &r[2] == "not a partner yet"));
}

#[test]
fn feedback_adds_past_projects_and_reports_reliability() {
    let dir = tempfile::tempdir().unwrap();
    let outcomes = dir.path().join("o.csv");
    std::fs::write(
        &outcomes,
        "project,partner,outcome,rating\nTU-01,P-CASE-01,completed,5\nTU-02,P-CASE-01,dropped,\n",
    )
    .unwrap();
    let next = dir.path().join("next.csv");
    pounce()
        .args(["referrals", "feedback", "--graph", GRAPH, "--projects", "datasets/sample/projects.csv"])
        .args(["--outcomes", outcomes.to_str().unwrap(), "--out", next.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("2 past_project edges added"))
        .stderr(predicate::str::contains("P-CASE-01: 1 completed, 1 dropped, reliability 0.50"));
    let text = std::fs::read_to_string(&next).unwrap();
    assert_eq!(text.lines().count(), 1 + 9 + 2);
    assert!(text.contains(&format!("{KEMPEN},P-CASE-01,past_project,5,")));
    assert!(text.contains(&format!("{KEMPEN},P-CASE-01,past_project,1,")));
    // The updated network reads back and brings P-CASE-01 closer.
    let before = stdout(pounce().args(["referrals", "rank", "--graph", GRAPH, "--from", KEMPEN]));
    let after = stdout(pounce().args(["referrals", "rank", "--graph", next.to_str().unwrap(), "--from", KEMPEN]));
    let score = |t: &str| -> f64 {
        t.lines().find(|l| l.starts_with("P-CASE-01,")).unwrap().rsplit_once(',').unwrap().1.parse().unwrap()
    };
    assert!(score(&after) > score(&before));
    std::fs::write(&outcomes, "project,partner,outcome,rating\nXX-9,P-CASE-01,finished,9\n").unwrap();
    pounce()
        .args(["referrals", "feedback", "--graph", GRAPH, "--projects", "datasets/sample/projects.csv"])
        .args(["--outcomes", outcomes.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("o.csv:2: outcome: expected completed or dropped, found \"finished\""))
        .stderr(predicate::str::contains("o.csv:2: rating: 9 is out of range"));
}

#[test]
fn recommend_with_referrals_scores_and_explains_closeness() {
    let out = stdout(pounce().args([
        "recommend",
        "--projects",
        "datasets/sample/projects.csv",
        "--partners",
        "datasets/sample/partners.csv",
        "--referrals",
        GRAPH,
        "--format",
        "json",
        "--explain",
        "--top",
        "3",
    ]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let tu01 = &v["recommendations"][0];
    let pick = tu01["picks"].as_array().unwrap().iter().find(|p| p["id"] == "P-CASE-02" || p["id"] == "P-CASE-03");
    let pick = pick.expect("a partner close to Kempen in the top 3");
    assert!(pick["dimensions"]["referral"].as_f64().unwrap() > 0.0);
    let dims = pick["explanation"]["dimensions"].as_array().unwrap();
    let referral = dims.iter().find(|d| d["dimension"] == "referral").unwrap();
    assert!(referral["reason"].as_str().unwrap().contains("warm path"), "{referral}");
    // Without --referrals the dimension does not count.
    let plain = stdout(pounce().args([
        "recommend",
        "--projects",
        "datasets/sample/projects.csv",
        "--partners",
        "datasets/sample/partners.csv",
        "--format",
        "json",
        "--explain",
        "--top",
        "1",
    ]));
    let v: serde_json::Value = serde_json::from_str(&plain).unwrap();
    let dims = v["recommendations"][0]["picks"][0]["explanation"]["dimensions"].as_array().unwrap();
    let referral = dims.iter().find(|d| d["dimension"] == "referral").unwrap();
    assert_eq!(referral["weight"], 0.0);
    assert_eq!(referral["reason"], "no referral graph given");
}

#[test]
fn match_takes_referrals_too() {
    let out = stdout(pounce().args([
        "match",
        "--projects",
        "datasets/sample/projects.csv",
        "--partners",
        "datasets/sample/partners.csv",
        "--referrals",
        GRAPH,
        "--strategy",
        "stable",
        "--format",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["blocking_pairs"], 0);
}

#[test]
fn bad_referral_files_list_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("g.csv");
    std::fs::write(
        &g,
        "source,target,kind,weight,date\na,b,friend,1,\nc,,alumnus,-1,2026-13-01\nx,y,past_project,7,\n",
    )
    .unwrap();
    let name = g.display().to_string();
    pounce()
        .args(["referrals", "rank", "--graph", &name, "--from", "a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{name}:2: kind: unknown edge kind \"friend\"")))
        .stderr(predicate::str::contains(format!("{name}:3: target: a value is required")))
        .stderr(predicate::str::contains(format!("{name}:3: weight: must not be negative")))
        .stderr(predicate::str::contains(format!(
            "{name}:3: date: expected a date as YYYY-MM-DD, found \"2026-13-01\""
        )))
        .stderr(predicate::str::contains(format!("{name}:4: weight: 7 is out of range: expected 0 to 5")));
}
