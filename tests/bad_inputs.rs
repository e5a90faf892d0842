//! The corpus of bad inputs (`tests/bad_inputs/`, one case per file in `cases.toml`) and of awkward but
//! valid inputs (`tests/awkward_inputs/`, made from the sample by `make.py`).
//!
//! Every bad file must make its command exit with code 2, print each expected fragment (file, line or
//! JSON path, field, reason), never panic and write no output. Every awkward file must give the same
//! bytes as the clean sample file it was made from.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pounce() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pounce"));
    c.current_dir(root()).timeout(Duration::from_secs(120));
    c
}

/// One case of `tests/bad_inputs/cases.toml`.
struct Case {
    file: String,
    args: Vec<String>,
    expect: Vec<String>,
}

fn strings(table: &toml::Table, key: &str, file: &str) -> Vec<String> {
    let Some(toml::Value::Array(items)) = table.get(key) else { panic!("case {file}: `{key}` must be an array") };
    items
        .iter()
        .map(|v| v.as_str().unwrap_or_else(|| panic!("case {file}: `{key}` holds strings")).to_owned())
        .collect()
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("tests/bad_inputs/cases.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let Some(toml::Value::Array(list)) = doc.get("case") else { panic!("cases.toml: no [[case]]") };
    list.iter()
        .map(|c| {
            let t = c.as_table().expect("each [[case]] is a table");
            let file = t.get("file").and_then(toml::Value::as_str).expect("each case names its file").to_owned();
            Case { args: strings(t, "args", &file), expect: strings(t, "expect", &file), file }
        })
        .collect()
}

/// Runs one case; returns what went wrong, if anything.
fn check(case: &Case, out_dir: &Path) -> Option<String> {
    let bad = format!("tests/bad_inputs/{}", case.file);
    if !root().join(&bad).is_file() {
        return Some(format!("{bad} does not exist"));
    }
    let out = out_dir.join(format!("{}.out", case.file));
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| {
            a.replace("{bad}", &bad)
                .replace("{sample}", "datasets/sample")
                .replace("{good}", "tests/bad_inputs/good")
                .replace("{out}", &out.display().to_string())
        })
        .collect();
    let result = pounce().args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    let mut wrong = Vec::new();
    if result.status.code() != Some(2) {
        wrong.push(format!("exit code {:?}, expected 2", result.status.code()));
    }
    for fragment in &case.expect {
        if !stderr.contains(fragment.as_str()) {
            wrong.push(format!("missing {fragment:?}"));
        }
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        wrong.push("panicked".into());
    }
    if out.exists() {
        wrong.push(format!("{} was written", out.display()));
    }
    let leftovers: Vec<String> = std::fs::read_dir(out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    if !leftovers.is_empty() {
        wrong.push(format!("temporary files left behind: {leftovers:?}"));
    }
    (!wrong.is_empty())
        .then(|| format!("{}: pounce {}\n    {}\n  stderr:\n{stderr}", case.file, args.join(" "), wrong.join("\n    ")))
}

#[test]
fn every_bad_input_is_refused_with_file_line_field_and_reason() {
    let cases = cases();
    let dir = root().join("tests/bad_inputs");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "cases.toml" && n != "README.md")
        .collect();
    files.sort();
    let listed: Vec<&str> = cases.iter().map(|c| c.file.as_str()).collect();
    let unlisted: Vec<&String> = files.iter().filter(|f| !listed.contains(&f.as_str())).collect();
    assert!(unlisted.is_empty(), "files of tests/bad_inputs without a case in cases.toml: {unlisted:?}");
    assert!(cases.len() >= 45, "only {} cases", cases.len());
    for c in &cases {
        assert!(!c.expect.is_empty(), "case {} expects nothing", c.file);
        assert!(c.args.iter().any(|a| a.contains("{bad}")), "case {} does not use its file", c.file);
    }
    // Each case gets its own directory, so that leftovers are told apart; two at a time.
    let tmp = tempfile::tempdir().unwrap();
    let failures: Vec<String> = std::thread::scope(|s| {
        let halves: Vec<_> = (0..2)
            .map(|k| {
                let cases = &cases;
                let tmp = tmp.path();
                s.spawn(move || {
                    cases
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % 2 == k)
                        .filter_map(|(i, c)| {
                            let d = tmp.join(format!("case-{i}"));
                            std::fs::create_dir(&d).unwrap();
                            check(c, &d).map(|f| (i, f))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<(usize, String)> = halves.into_iter().flat_map(|h| h.join().unwrap()).collect();
        all.sort();
        all.into_iter().map(|(_, f)| f).collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} bad-input cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn output_of(args: &[&str]) -> Result<Vec<u8>, String> {
    let result = pounce().args(args).output().unwrap();
    if result.status.success() {
        Ok(result.stdout)
    } else {
        Err(format!("exit {:?}: {}", result.status.code(), String::from_utf8_lossy(&result.stderr)))
    }
}

#[test]
fn awkward_but_valid_spreadsheet_exports_give_the_same_output_as_the_clean_sample() {
    let dir = root().join("tests/awkward_inputs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv") || n.ends_with(".json"))
        .collect();
    names.sort();
    let sample = |f: &str| format!("datasets/sample/{f}");
    let awkward = |f: &str| format!("tests/awkward_inputs/{f}");
    let recommend = |projects: &str, partners: &str| {
        output_of(&["recommend", "--projects", projects, "--partners", partners, "--top", "3", "--format", "csv"])
    };
    let clean_recommend = recommend(&sample("projects.csv"), &sample("partners.csv")).unwrap();
    // A stable matching of a preferences file with the clean capacities, as CSV.
    let stable = |prefs: &str| {
        output_of(&[
            "match",
            "--preferences",
            prefs,
            "--capacities",
            "tests/awkward_inputs/clean/capacities.csv",
            "--strategy",
            "stable",
            "--format",
            "csv",
        ])
    };
    let clean_prefs = stable("tests/awkward_inputs/clean/preferences.csv").unwrap();
    let mut failures = Vec::new();
    let mut checked = [0; 3];
    for name in &names {
        let path = awkward(name);
        let (got, want) = if name.starts_with("projects_") {
            checked[0] += 1;
            (recommend(&path, &sample("partners.csv")), &clean_recommend)
        } else if name.starts_with("partners_") {
            checked[1] += 1;
            (recommend(&sample("projects.csv"), &path), &clean_recommend)
        } else if name.starts_with("preferences_") {
            checked[2] += 1;
            (stable(&path), &clean_prefs)
        } else {
            failures.push(format!("{name}: unknown kind of file (projects_, partners_ or preferences_)"));
            continue;
        };
        match got {
            Ok(bytes) if &bytes == want => {}
            Ok(_) => failures.push(format!("{name}: accepted, but the output differs from the clean file's")),
            Err(e) => failures.push(format!("{name}: refused: {e}")),
        }
    }
    assert!(checked.iter().all(|&n| n >= 3), "too few awkward files of some kind: {checked:?}");
    assert!(failures.is_empty(), "{} awkward files failed:\n{}", failures.len(), failures.join("\n"));
}
