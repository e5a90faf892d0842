//! The documentation shows what the program does: every `console` block of README.md is run and its
//! output compared; `--help` keeps its tables and examples at any terminal width; completions and
//! man pages are generated from the same definition.
//!
//! A `console` block holds commands (`$ pounce ...`, continued by a trailing `\`) each followed by
//! the standard output it prints. A line `...` stands for any number of lines; everything else
//! must match exactly. Commands run in the repository root, `pounce` being the built binary.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pounce() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pounce"));
    c.current_dir(root());
    c
}

/// One documented command and the output it should print.
#[derive(Debug)]
struct Example {
    line: usize,
    args: Vec<String>,
    expected: Vec<String>,
}

/// Splits a command line into words: spaces separate, double or single quotes group.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for ch in line.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(ch);
                any = true;
            }
            (None, ' ') => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The examples of every ```console block of a Markdown text.
fn examples(text: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_block = false;
    let mut pending: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        if !in_block {
            in_block = line.trim_end() == "```console";
            continue;
        }
        if line.trim_end() == "```" {
            in_block = false;
            continue;
        }
        if let Some((at, mut cmd)) = pending.take() {
            // A continuation of the command above.
            cmd.push(' ');
            cmd.push_str(line.trim().trim_end_matches('\\').trim());
            if line.trim_end().ends_with('\\') {
                pending = Some((at, cmd));
            } else {
                out.push(Example { line: at, args: words(&cmd), expected: Vec::new() });
            }
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            let body = cmd.trim_end().trim_end_matches('\\').trim().to_owned();
            if cmd.trim_end().ends_with('\\') {
                pending = Some((i + 1, body));
            } else {
                out.push(Example { line: i + 1, args: words(&body), expected: Vec::new() });
            }
            continue;
        }
        if let Some(last) = out.last_mut() {
            last.expected.push(line.to_owned());
        }
    }
    out
}

/// Whether `got` matches `expected`, where a `...` line stands for any number of lines.
fn matches(expected: &[String], got: &[&str]) -> bool {
    match expected.split_first() {
        None => got.is_empty(),
        Some((first, rest)) if first == "..." => (0..=got.len()).any(|k| matches(rest, &got[k..])),
        Some((first, rest)) => got.first().is_some_and(|g| g == first) && matches(rest, &got[1..]),
    }
}

#[test]
fn readme_console_blocks_print_what_they_show() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let all = examples(&text);
    assert!(all.len() >= 2, "README.md has {} console examples", all.len());
    let mut failures = Vec::new();
    for ex in &all {
        assert_eq!(ex.args[0], "pounce", "README.md:{}: a console example runs `pounce`", ex.line);
        let out = pounce().args(&ex.args[1..]).output().unwrap();
        if !out.status.success() {
            failures.push(format!(
                "README.md:{}: exit {:?}: {}",
                ex.line,
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let stdout = String::from_utf8(out.stdout).unwrap();
        let mut expected = ex.expected.clone();
        while expected.last().is_some_and(|l| l.is_empty()) {
            expected.pop();
        }
        let got: Vec<&str> = stdout.trim_end_matches('\n').lines().collect();
        if !matches(&expected, &got) {
            failures.push(format!(
                "README.md:{}: `{}` printed\n{}\n--- where the README shows\n{}",
                ex.line,
                ex.args.join(" "),
                got.join("\n"),
                expected.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_example_matcher_takes_ellipses_and_continuations() {
    let text = "```console\n$ pounce a \\\n  --b \"c d\"\nx\n...\nz\n```\n";
    let ex = examples(text);
    assert_eq!(ex.len(), 1);
    assert_eq!(ex[0].args, ["pounce", "a", "--b", "c d"]);
    assert!(matches(&ex[0].expected, &["x", "y", "y", "z"]));
    assert!(matches(&ex[0].expected, &["x", "z"]));
    assert!(!matches(&ex[0].expected, &["x", "y"]));
}

/// Every command's long help, at a terminal width.
fn help(width: &str, command: &[&str]) -> String {
    let out = pounce().args(command).arg("--help").env("COLUMNS", width).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

const COMMANDS: &[&[&str]] = &[
    &[],
    &["recommend"],
    &["match"],
    &["rematch"],
    &["score"],
    &["validate"],
    &["generate"],
    &["referrals"],
    &["referrals", "rank"],
    &["referrals", "paths"],
    &["referrals", "prospects"],
    &["referrals", "feedback"],
    &["referrals", "generate"],
    &["evaluate"],
    &["simulate"],
    &["completions"],
    &["manpage"],
];

#[test]
fn help_keeps_its_layout_at_any_width() {
    for command in COMMANDS {
        let wide = help("200", command);
        assert_eq!(help("40", command), wide, "pounce {} --help changes with the width", command.join(" "));
        // (clap's usage line lists every required option on one line)
        for line in wide.lines().filter(|l| !l.starts_with("Usage:")) {
            assert!(
                line.chars().count() <= 100,
                "pounce {} --help: a line of {} columns: {line}",
                command.join(" "),
                line.chars().count()
            );
        }
    }
    // The match table and an example, line for line as written in cli.rs.
    let m = help("80", &["match"]);
    for line in [
        "  constraint                      greedy rank-sum optimal stable rank-maximal",
        "  --budgets                       yes    yes      yes     no     no",
        "  --retention --institution-min   no     no       yes     no     no",
        "  pounce match --projects datasets/sample/projects.csv \\",
        "      --partners datasets/sample/partners.csv --strategy stable --backups 2",
    ] {
        assert!(m.lines().any(|l| l == line), "pounce match --help lacks the line\n{line}\nin\n{m}");
    }
}

#[test]
fn completions_and_man_pages_come_from_the_same_definition() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = pounce().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("recommend") && text.contains("time-limit"), "{shell} completion lacks commands");
    }
    let out = pounce().args(["manpage"]).output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with(".ie") && page.contains(".TH pounce 1"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    let out = pounce().args(["manpage", "--out"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success());
    for page in ["pounce.1", "pounce-match.1", "pounce-referrals-rank.1"] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
    let m = std::fs::read_to_string(dir.path().join("pounce-match.1")).unwrap();
    assert!(m.contains("time\\-limit"), "the match page documents --time-limit");
}
