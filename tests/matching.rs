//! End-to-end tests of `pounce match` and `pounce rematch`: every strategy on the sample term,
//! published optima of OR-Library, preferences input, constraints and refusals.

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

fn sample_match(extra: &[&str]) -> Command {
    let mut c = pounce();
    c.args(["match", "--projects", "datasets/sample/projects.csv", "--partners", "datasets/sample/partners.csv"]);
    c.args(extra);
    c
}

fn json(c: &mut Command) -> serde_json::Value {
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn every_strategy_matches_the_sample_within_capacity() {
    for s in ["greedy", "rank-sum", "optimal", "stable", "rank-maximal"] {
        let v = json(&mut sample_match(&["--strategy", s, "--format", "json", "--backups", "2"]));
        let rows = v["assignments"].as_array().unwrap();
        assert_eq!(rows.len(), 40, "{s}");
        let mut load = std::collections::HashMap::new();
        for r in rows {
            if let Some(q) = r["partner"].as_str() {
                *load.entry(q.to_owned()).or_insert(0) += 1;
                assert!(r["explanation"]["summary"].as_str().unwrap().contains("covers"), "{s}");
            } else {
                assert!(!r["reason"].as_str().unwrap().is_empty(), "{s}: an unmatched project says why");
            }
        }
        let partners = std::fs::read_to_string(root().join("datasets/sample/partners.csv")).unwrap();
        let mut rdr = csv::Reader::from_reader(partners.as_bytes());
        let cap_col = rdr.headers().unwrap().iter().position(|h| h == "capacity").unwrap();
        for rec in rdr.records() {
            let rec = rec.unwrap();
            let cap: u32 = rec[cap_col].parse().unwrap();
            assert!(load.get(&rec[0]).copied().unwrap_or(0) <= cap, "{s}: {} over capacity", &rec[0]);
        }
        if s == "stable" {
            assert_eq!(v["summary"]["blocking_pairs"], 0);
        }
    }
}

#[test]
fn optimal_is_at_least_greedy_on_the_sample() {
    let total = |s: &str| {
        json(&mut sample_match(&["--strategy", s, "--format", "json"]))["summary"]["total_score"].as_f64().unwrap()
    };
    assert!(total("optimal") >= total("greedy") - 1e-9);
    assert!(total("optimal") >= total("stable") - 1e-9);
}

#[test]
fn csv_output_has_the_documented_columns_and_summary_on_stderr() {
    sample_match(&["--strategy", "greedy"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("project,partner,score,project_rank,partner_rank,reason,backups\n"))
        .stderr(predicate::str::contains("greedy: matched 40 of 40 projects"));
}

/// Writes an OR-Library assignment problem as scores and capacities CSVs.
fn assign_files(dir: &Path, n: usize) -> (String, String) {
    let text = std::fs::read_to_string(root().join(format!("datasets/benchmarks/assign/assign{n}.txt"))).unwrap();
    let mut nums = text.split_whitespace().map(|t| t.parse::<f64>().unwrap());
    assert_eq!(nums.next(), Some(n as f64));
    let mut scores = String::from("project,partner,score\n");
    for i in 0..n {
        for j in 0..n {
            scores.push_str(&format!("r{i},c{j},{}\n", nums.next().unwrap()));
        }
    }
    let mut caps = String::from("partner,capacity\n");
    for j in 0..n {
        caps.push_str(&format!("c{j},1\n"));
    }
    (write(dir, &format!("s{n}.csv"), &scores), write(dir, &format!("c{n}.csv"), &caps))
}

#[test]
fn or_library_assignment_optima() {
    let dir = tempfile::tempdir().unwrap();
    for (n, optimum) in [
        (100, 305.0),
        (200, 475.0),
        (300, 626.0),
        (400, 804.0),
        (500, 991.0),
        (600, 1176.0),
        (700, 1362.0),
        (800, 1552.0),
    ] {
        let (s, c) = assign_files(dir.path(), n);
        let v = json(pounce().args([
            "match",
            "--scores",
            &s,
            "--capacities",
            &c,
            "--strategy",
            "optimal",
            "--minimize",
            "--format",
            "json",
        ]));
        assert_eq!(v["summary"]["matched"], n, "assign{n}");
        assert_eq!(v["summary"]["total_score"].as_f64().unwrap(), optimum, "assign{n}");
    }
}

#[test]
fn preferences_drive_stable_and_rank_maximal() {
    let dir = tempfile::tempdir().unwrap();
    // Two projects both rank A first; A prefers p2. Same id "x" for a project and a partner, told apart by `side`.
    let prefs = write(
        dir.path(),
        "prefs.csv",
        "chooser,chosen,rank,side\np1,A,1,project\np1,x,2,project\np2,A,1,project\nA,p2,1,partner\nA,p1,2,partner\nx,p1,1,partner\n",
    );
    let caps = write(dir.path(), "caps.csv", "partner,capacity\nA,1\nx,1\n");
    let v = json(pounce().args([
        "match",
        "--preferences",
        &prefs,
        "--capacities",
        &caps,
        "--strategy",
        "stable",
        "--format",
        "json",
    ]));
    let got: Vec<(String, String)> = v["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["project"].as_str().unwrap().to_owned(), r["partner"].as_str().unwrap_or("").to_owned()))
        .collect();
    assert_eq!(got, vec![("p1".into(), "x".into()), ("p2".into(), "A".into())]);
    let v = json(pounce().args([
        "match",
        "--preferences",
        &prefs,
        "--capacities",
        &caps,
        "--strategy",
        "rank-maximal",
        "--format",
        "json",
    ]));
    assert_eq!(v["summary"]["project_ranks"]["first"], 1);
    assert_eq!(v["summary"]["matched"], 2);
}

#[test]
fn locks_forbids_and_min_score_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let lock = write(dir.path(), "lock.csv", "project,partner\nTU-01,P-CASE-02\n");
    let forbid = write(dir.path(), "forbid.csv", "project,partner\nTU-02,P-CASE-01\n");
    for s in ["greedy", "optimal", "stable", "rank-maximal", "rank-sum"] {
        let v = json(&mut sample_match(&[
            "--strategy",
            s,
            "--lock",
            &lock,
            "--forbid",
            &forbid,
            "--min-score",
            "0.5",
            "--format",
            "json",
        ]));
        let rows = v["assignments"].as_array().unwrap();
        let find = |id: &str| rows.iter().find(|r| r["project"] == id).unwrap();
        assert_eq!(find("TU-01")["partner"], "P-CASE-02", "{s}");
        assert_eq!(find("TU-01")["reason"], "locked (agreed in advance)", "{s}");
        assert_ne!(find("TU-02")["partner"], "P-CASE-01", "{s}");
        for r in rows {
            if r["project"] != "TU-01" {
                if let Some(x) = r["score"].as_f64() {
                    assert!(x >= 0.5, "{s}");
                }
            }
        }
    }
}

#[test]
fn a_strategy_refuses_a_constraint_it_cannot_honour() {
    sample_match(&["--strategy", "stable", "--budgets"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stable-projects strategy cannot honour budgets"));
    sample_match(&["--strategy", "greedy", "--max-matches"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("apply to the optimal strategy"));
    sample_match(&["--strategy", "best"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown strategy \"best\""));
}

#[test]
fn contradictory_constraints_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let lock = write(dir.path(), "lock.csv", "project,partner\nTU-01,P-CASE-02\nTU-01,P-CASE-03\nNOPE,P-CASE-02\n");
    let forbid = write(dir.path(), "forbid.csv", "project,partner\nTU-01,P-CASE-02\n");
    sample_match(&["--lock", &lock, "--forbid", &forbid])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("TU-01–P-CASE-02 is both locked and forbidden"))
        .stderr(predicate::str::contains("project TU-01 is locked to two partners"))
        .stderr(predicate::str::contains("unknown project \"NOPE\""));
}

#[test]
fn config_file_sets_strategy_and_constraints() {
    let dir = tempfile::tempdir().unwrap();
    let cfg =
        write(dir.path(), "m.toml", "strategy = \"greedy\"\nbackups = 1\n[constraints]\nmax_per_institution = 1\n");
    let v = json(&mut sample_match(&["--config", &cfg, "--format", "json"]));
    assert_eq!(v["strategy"], "greedy");
    let rows = v["assignments"].as_array().unwrap();
    let mut pairs = std::collections::HashSet::new();
    for r in rows {
        if let Some(q) = r["partner"].as_str() {
            let inst = r["project"].as_str().unwrap().split('-').next().unwrap().to_owned();
            assert!(pairs.insert((inst, q.to_owned())), "two projects of one institution with {q}");
        }
        assert!(r["backups"].as_array().unwrap().len() <= 1);
    }
    let bad = write(dir.path(), "bad.toml", "strategy = \"greedy\"\nbackup = 1\n");
    sample_match(&["--config", &bad]).assert().code(2).stderr(predicate::str::contains("bad.toml:2"));
}

#[test]
fn rematch_keeps_unaffected_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("term.csv");
    sample_match(&["--strategy", "optimal", "--out", first.to_str().unwrap()]).assert().success();
    let before = std::fs::read_to_string(&first).unwrap();
    let out = pounce()
        .args(["rematch", "--projects", "datasets/sample/projects.csv", "--partners", "datasets/sample/partners.csv"])
        .args(["--previous", first.to_str().unwrap(), "--drop-partner", "P-CASE-01"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let after = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("Rematched"), "{stderr}");
    let pairs = |text: &str| -> Vec<(String, String)> {
        text.lines()
            .skip(1)
            .map(|l| {
                let mut f = l.split(',');
                (f.next().unwrap().to_owned(), f.next().unwrap().to_owned())
            })
            .collect()
    };
    for ((p, q), (p2, q2)) in pairs(&before).iter().zip(pairs(&after)) {
        assert_eq!(p, &p2);
        if q != "P-CASE-01" {
            assert_eq!(q, &q2, "{p} kept its partner");
        } else {
            assert_ne!(q2, "P-CASE-01");
        }
    }
    pounce()
        .args(["rematch", "--projects", "datasets/sample/projects.csv", "--partners", "datasets/sample/partners.csv"])
        .args(["--previous", first.to_str().unwrap(), "--drop-partner", "NOBODY"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--drop-partner: unknown partner \"NOBODY\""));
}

#[test]
fn matching_is_deterministic_across_threads() {
    for s in ["greedy", "optimal", "stable", "rank-maximal"] {
        let one = sample_match(&["--strategy", s, "--threads", "1"]).output().unwrap().stdout;
        let two = sample_match(&["--strategy", s, "--threads", "2"]).output().unwrap().stdout;
        assert_eq!(one, two, "{s}");
    }
}

/// Writes an OR-Library generalized assignment problem as scores (with hours) and capacities (with
/// budgets): agent = partner (capacity = every job, budget = the agent's capacity), job = project.
fn gap_files(dir: &Path, name: &str) -> (String, String) {
    let text = std::fs::read_to_string(root().join(format!("datasets/benchmarks/gap/{name}.txt"))).unwrap();
    let nums: Vec<f64> = text.split_whitespace().map(|t| t.parse().unwrap()).collect();
    let (m, n) = (nums[0] as usize, nums[1] as usize);
    let cost = |i: usize, j: usize| nums[2 + i * n + j];
    let res = |i: usize, j: usize| nums[2 + m * n + i * n + j];
    let cap = |i: usize| nums[2 + 2 * m * n + i];
    let mut scores = String::from("project,partner,score,hours\n");
    for j in 0..n {
        for i in 0..m {
            scores.push_str(&format!("job{j},agent{i},{},{}\n", cost(i, j), res(i, j)));
        }
    }
    let mut caps = String::from("partner,capacity,hours\n");
    for i in 0..m {
        caps.push_str(&format!("agent{i},{n},{}\n", cap(i)));
    }
    (write(dir, &format!("{name}-s.csv"), &scores), write(dir, &format!("{name}-c.csv"), &caps))
}

#[test]
fn or_library_gap_optima_with_budgets() {
    let bounds = std::fs::read_to_string(root().join("datasets/benchmarks/gap/bounds.txt")).unwrap();
    let optimum = |key: &str| -> f64 {
        let line = bounds.lines().find(|l| l.split_whitespace().next() == Some(key)).unwrap();
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f[1], f[2], "{key}: the optimum is known");
        f[1].parse().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for group in
        ["c0515", "c0520", "c0525", "c0530", "c0824", "c0832", "c0840", "c0848", "c1030", "c1040", "c1050", "c1060"]
    {
        for k in 1..=5 {
            let name = format!("{group}_{k}");
            let (s, c) = gap_files(dir.path(), &name);
            let v = json(pounce().args([
                "match",
                "--scores",
                &s,
                "--capacities",
                &c,
                "--strategy",
                "optimal",
                "--max-matches",
                "--budgets",
                "--format",
                "json",
            ]));
            let jobs: usize = group[3..].parse().unwrap();
            assert_eq!(v["summary"]["matched"], jobs, "{name}: every job assigned");
            assert_eq!(v["summary"]["total_score"].as_f64().unwrap(), optimum(&format!("{name}_Max")), "{name}");
            checked += 1;
        }
    }
    assert_eq!(checked, 60);
}
