//! SIGINT and SIGTERM during a run of `pounce`: the previous output file is left byte-identical, no
//! temporary file is left behind, the process says it was interrupted (and does not panic), and it
//! exits with 130 (SIGINT) or 143 (SIGTERM).
//!
//! Each signal is sent at two moments: while the output is being written (the test waits until the
//! temporary file exists, then signals), and early, while the inputs are read and scored. A run that
//! finishes before the signal proves nothing: the attempt is repeated on a bigger workload, and the
//! test fails if no attempt was interrupted in time, so it never passes vacuously.

#![cfg(unix)]

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const OLD: &[u8] = b"project,partner,score\nprevious,output,1\n";
const ATTEMPTS: usize = 6;

fn pounce() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pounce"))
}

/// Generates a pool into `dir` with the `pounce` binary itself; returns (projects, partners).
fn pool(dir: &Path, projects: usize, partners: usize) -> (PathBuf, PathBuf) {
    let out = dir.join(format!("pool-{projects}x{partners}"));
    if !out.join("partners.csv").exists() {
        let status = pounce()
            .args(["generate", "--projects", &projects.to_string(), "--partners", &partners.to_string()])
            .args(["--seed", "7", "--out"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "pounce generate failed");
    }
    (out.join("projects.csv"), out.join("partners.csv"))
}

fn send(child: &Child, signal: &str) {
    let status = Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status().unwrap();
    assert!(status.success(), "kill -{signal} failed");
}

/// Files in `dir` whose name marks a temporary output.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

/// What became of one attempt.
enum Outcome {
    /// Interrupted in time: every assertion held.
    Interrupted,
    /// The run completed (or renamed its output) before the signal: try a bigger workload.
    TooLate,
    /// The signal came before the handler was installed: try later.
    TooEarly,
}

/// Checks an interrupted run: exit code, message, old output intact, no temporary file.
fn check(output: &Output, signal: &str, out_dir: &Path, out: &Path) -> Outcome {
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.signal().is_some() {
        return Outcome::TooEarly;
    }
    if output.status.success() || stderr.contains("written before it") {
        return Outcome::TooLate;
    }
    let code = if signal == "INT" { 130 } else { 143 };
    assert_eq!(output.status.code(), Some(code), "exit code; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "a panic was printed: {stderr}");
    assert!(
        stderr.contains(&format!("interrupted (SIG{signal}): no output written; existing files are unchanged")),
        "message: {stderr}"
    );
    assert_eq!(std::fs::read(out).unwrap(), OLD, "the previous output changed");
    assert_eq!(temporaries(out_dir), Vec::<String>::new(), "temporary files left behind");
    Outcome::Interrupted
}

/// `pounce score` on pools of growing size; the signal is sent as soon as the temporary output
/// file exists, while it is being written.
fn interrupt_while_writing(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("pairs.csv");
    let mut partners = 2_000;
    for _ in 0..ATTEMPTS {
        std::fs::write(&out, OLD).unwrap();
        let (p, q) = pool(dir.path(), 20, partners);
        let mut child = pounce()
            .args(["score", "--projects"])
            .arg(&p)
            .arg("--partners")
            .arg(&q)
            .arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let tmp = out_dir.join(format!(".pairs.csv.tmp-{}", child.id()));
        let start = Instant::now();
        let mut seen = false;
        while child.try_wait().unwrap().is_none() && start.elapsed() < Duration::from_secs(60) {
            if tmp.exists() {
                seen = true;
                send(&child, signal);
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let output = child.wait_with_output().unwrap();
        if !seen {
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            partners *= 2;
            continue;
        }
        match check(&output, signal, &out_dir, &out) {
            Outcome::Interrupted => return,
            Outcome::TooLate => partners *= 2,
            Outcome::TooEarly => panic!("killed by the signal's default action although the output was started"),
        }
    }
    panic!("no run was interrupted while writing in {ATTEMPTS} attempts (up to {partners} partners)");
}

/// `pounce recommend` signalled a moment after it starts, while it reads and scores.
fn interrupt_while_scoring(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("recommendations.csv");
    let (mut partners, mut delay) = (20_000, Duration::from_millis(100));
    for _ in 0..ATTEMPTS {
        std::fs::write(&out, OLD).unwrap();
        let (p, q) = pool(dir.path(), 60, partners);
        let child = pounce()
            .args(["recommend", "--format", "csv", "--projects"])
            .arg(&p)
            .arg("--partners")
            .arg(&q)
            .arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        send(&child, signal);
        let output = child.wait_with_output().unwrap();
        match check(&output, signal, &out_dir, &out) {
            Outcome::Interrupted => return,
            Outcome::TooLate => partners *= 2,
            Outcome::TooEarly => delay *= 2,
        }
    }
    panic!("no run was interrupted while scoring in {ATTEMPTS} attempts (up to {partners} partners)");
}

#[test]
fn sigint_while_writing_leaves_the_previous_output() {
    interrupt_while_writing("INT");
}

#[test]
fn sigterm_while_writing_leaves_the_previous_output() {
    interrupt_while_writing("TERM");
}

#[test]
fn sigint_while_scoring_leaves_the_previous_output() {
    interrupt_while_scoring("INT");
}

#[test]
fn sigterm_while_scoring_leaves_the_previous_output() {
    interrupt_while_scoring("TERM");
}
