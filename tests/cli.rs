//! End-to-end tests of the `pounce` command: every subcommand, its formats, bad input and exit codes.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sample(file: &str) -> String {
    root().join("datasets/sample").join(file).display().to_string()
}

fn pounce() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pounce"));
    c.current_dir(root());
    c
}

fn recommend(extra: &[&str]) -> Command {
    let mut c = pounce();
    c.args(["recommend", "--projects", &sample("projects.csv"), "--partners", &sample("partners.csv")]);
    c.args(extra);
    c
}

fn stdout(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn recommend_prints_ranked_explained_partners_for_the_sample() {
    let out = stdout(&mut recommend(&["--top", "3"]));
    assert!(out.contains("TU-01  "), "{out}");
    assert!(out.contains("  1. "), "{out}");
    assert!(out.contains(" covers "), "{out}");
    let projects = std::fs::read_to_string(sample("projects.csv")).unwrap().lines().count() - 1;
    assert_eq!(out.matches("\n  1. ").count() + out.matches("no feasible counterpart").count(), projects);
}

#[test]
fn recommend_explain_breaks_scores_down() {
    let out = stdout(&mut recommend(&["--top", "1", "--explain"]));
    for d in
        ["industry", "skills", "size", "location", "commitment", "framework", "schedule", "ip", "referral", "appeal"]
    {
        assert!(out.contains(&format!("       {d} ")), "missing {d}");
    }
}

#[test]
fn recommend_csv_has_the_documented_columns() {
    let out = stdout(&mut recommend(&["--top", "2", "--format", "csv"]));
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "project",
            "rank",
            "partner",
            "score",
            "industry",
            "skills",
            "size",
            "location",
            "commitment",
            "framework",
            "schedule",
            "ip",
            "referral",
            "fit",
            "appeal",
            "partner_name"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(rows.len() > 40);
    for pair in rows.windows(2) {
        if pair[0][0] == pair[1][0] {
            assert!(pair[0][3].parse::<f64>().unwrap() >= pair[1][3].parse::<f64>().unwrap());
        }
    }
}

#[test]
fn recommend_for_partners_puts_the_partner_first() {
    let out = stdout(&mut recommend(&["--top", "2", "--format", "csv", "--for", "partners"]));
    assert!(out.starts_with("partner,rank,project,score,"), "{}", &out[..80]);
}

#[test]
fn recommend_json_with_explanations() {
    let out = stdout(&mut recommend(&["--top", "2", "--format", "json", "--explain"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &v["recommendations"][0];
    assert_eq!(first["subject"], "TU-01");
    let pick = &first["picks"][0];
    assert_eq!(pick["rank"], 1);
    assert_eq!(pick["explanation"]["dimensions"].as_array().unwrap().len(), 9);
    assert!(pick["explanation"]["summary"].as_str().unwrap().ends_with('.'));
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let one = stdout(&mut recommend(&["--threads", "1", "--format", "csv", "--top", "10"]));
    let two = stdout(&mut recommend(&["--threads", "2", "--format", "csv", "--top", "10"]));
    assert_eq!(one, two);
}

#[test]
fn out_writes_the_file_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("recs.csv");
    recommend(&["--format", "csv", "--out", out.to_str().unwrap()]).assert().success().stdout("");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("project,rank,partner,score"));
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[cfg(unix)]
#[test]
fn out_to_a_named_pipe_writes_through_it() {
    // A device or pipe at --out (/dev/null, a FIFO) is written to, never replaced by a file.
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("recs.pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(path).unwrap());
    recommend(&["--format", "csv", "--out", fifo.to_str().unwrap()]).assert().success().stdout("");
    // Renaming over the pipe would have left a regular file here (and the reader waiting).
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(reader.join().unwrap().starts_with("project,rank,partner,score"));
}

#[test]
fn bad_input_lists_every_problem_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let partners = write(
        dir.path(),
        "partners.csv",
        "id,name,industries,employees,city,capacity,frameworks\n\
         Q1,Acme,999999,4,\"Lyon, FR\",1,pbl\n\
         Q2,Beta,5415,4,\"Atlantis, XX\",-1,pbl\n\
         Q2,Gamma,5415,4,\"Lyon, FR\",1,teaching\n",
    );
    let weights = write(dir.path(), "w.toml", "[fit]\nskills = -3\n");
    let out = dir.path().join("recs.csv");
    pounce()
        .args(["recommend", "--projects", &sample("projects.csv"), "--partners", &partners, "--weights", &weights])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{partners}:2: industries: unknown NAICS 2022 code \"999999\"")))
        .stderr(predicate::str::contains(format!("{partners}:3: city: unknown city \"Atlantis, XX\"")))
        .stderr(predicate::str::contains(format!("{partners}:3: capacity: must not be negative, found \"-1\"")))
        .stderr(predicate::str::contains(format!("{partners}:4: frameworks: unknown framework \"teaching\"")))
        .stderr(predicate::str::contains(format!("{partners}:4: id: duplicate id \"Q2\" (first at line 3)")))
        .stderr(predicate::str::contains(format!("{weights}:2: fit.skills: must be a finite weight >= 0, found -3")));
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn a_missing_file_is_bad_input() {
    pounce()
        .args(["recommend", "--projects", "no/such.csv", "--partners", &sample("partners.csv")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such.csv: cannot open"));
}

#[test]
fn weights_change_the_ranking_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let weights = write(
        dir.path(),
        "w.toml",
        "[fit]\nindustry = 0\nskills = 0\nsize = 0\nlocation = 0\ncommitment = 0\nframework = 0\nschedule = 0\nip = 1\n[mutual]\nappeal_share = 0\n",
    );
    let out = stdout(&mut recommend(&["--format", "csv", "--top", "1", "--weights", &weights]));
    let mut rdr = csv::Reader::from_reader(out.as_bytes());
    for row in rdr.records() {
        let row = row.unwrap();
        assert_eq!(&row[3], &row[11], "score equals the ip value when only ip weighs");
    }
}

#[test]
fn score_lists_feasible_pairs_and_all_pairs() {
    let feasible =
        stdout(pounce().args(["score", "--projects", &sample("projects.csv"), "--partners", &sample("partners.csv")]));
    let all = stdout(pounce().args([
        "score",
        "--projects",
        &sample("projects.csv"),
        "--partners",
        &sample("partners.csv"),
        "--all",
    ]));
    assert!(feasible.starts_with("project,partner,feasible,score,fit,appeal,industry,"));
    let (nf, na) = (feasible.lines().count() - 1, all.lines().count() - 1);
    let projects = std::fs::read_to_string(sample("projects.csv")).unwrap().lines().count() - 1;
    let partners = std::fs::read_to_string(sample("partners.csv")).unwrap().lines().count() - 1;
    assert_eq!(na, projects * partners);
    assert!(nf < na && nf > 0);
    assert!(feasible.lines().skip(1).all(|l| l.split(',').nth(2) == Some("true")));
    assert!(all.contains(",false,"));
}

#[test]
fn score_json_explains_each_pair() {
    let dir = tempfile::tempdir().unwrap();
    let projects =
        write(dir.path(), "p.csv", "id,institution,title,skills,start,city\nP1,U,T,rust,2027-01-11,\"Lyon, FR\"\n");
    let partners =
        write(dir.path(), "q.csv", "id,name,industries,employees,city,skills\nQ1,A,5415,4,\"Lyon, FR\",rust\n");
    let out = stdout(pounce().args(["score", "--projects", &projects, "--partners", &partners, "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["project"], "P1");
    assert_eq!(v[0]["dimensions"][1]["reason"], "covers 1 of 1 skills");
}

#[test]
fn validate_reports_ok_and_problems() {
    pounce()
        .args(["validate", &sample("projects.csv"), &sample("partners.csv"), "datasets/weights.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("projects.csv: ok (40 projects)"))
        .stdout(predicate::str::contains("partners.csv: ok (300 partners)"))
        .stdout(predicate::str::contains("weights.toml: ok (weights)"));
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "p.csv",
        "id,institution,title,start,city,framework\nP1,U,T,2027-02-30,\"Lyon, FR\",pbl\nP2,U,,2027-01-01,\"Lyon, FR\",design\n",
    );
    let json =
        write(dir.path(), "t.json", r#"{"partners": [{"id": "Q1", "name": "A", "employees": 4, "city": "Lyon, FR"}]}"#);
    let unknown = write(dir.path(), "u.csv", "a,b\n1,2\n");
    pounce()
        .args(["validate", &bad, &json, &unknown])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{bad}:2: start: expected a date as YYYY-MM-DD, found \"2027-02-30\""
        )))
        .stderr(predicate::str::contains(format!("{bad}:3: title: a value is required")))
        .stderr(predicate::str::contains(format!("{bad}:3: framework: unknown framework \"design\"")))
        .stderr(predicate::str::contains(format!(
            "{json}:$.partners[0]: industries: at least one NAICS 2022 code is required"
        )))
        .stderr(predicate::str::contains(format!("{unknown}:1: cannot tell what the file holds")));
}

#[test]
fn generate_is_deterministic_and_valid() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    for (d, seed) in [(&a, "7"), (&b, "7"), (&c, "8")] {
        pounce()
            .args(["generate", "--projects", "30", "--partners", "200", "--seed", seed, "--out", d.to_str().unwrap()])
            .assert()
            .success();
    }
    let read = |d: &Path, f: &str| std::fs::read(d.join(f)).unwrap();
    assert_eq!(read(&a, "partners.csv"), read(&b, "partners.csv"));
    assert_eq!(read(&a, "projects.csv"), read(&b, "projects.csv"));
    assert_ne!(read(&a, "partners.csv"), read(&c, "partners.csv"));
    let (p, q) = (a.join("projects.csv"), a.join("partners.csv"));
    pounce()
        .args(["validate", p.to_str().unwrap(), q.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok (30 projects)"))
        .stdout(predicate::str::contains("ok (200 partners)"));
    let out = stdout(pounce().args([
        "recommend",
        "--projects",
        p.to_str().unwrap(),
        "--partners",
        q.to_str().unwrap(),
        "--format",
        "csv",
    ]));
    assert!(out.lines().count() > 30);
}

#[test]
fn generate_refuses_unknown_cities() {
    let dir = tempfile::tempdir().unwrap();
    pounce()
        .args(["generate", "--near", "Atlantis, XX", "--out", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--near: unknown city \"Atlantis, XX\""));
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in ["recommend", "score", "validate", "generate"] {
        pounce().args([cmd, "--help"]).assert().success().stdout(predicate::str::contains("Example"));
    }
    pounce().arg("--help").assert().success().stdout(predicate::str::contains("pounce recommend"));
    pounce().arg("frobnicate").assert().code(2);
}
