//! `pounce recommend` on a 5,000,000-partner generated pool under a 2 GiB address-space limit
//! (`ulimit -v`): the pool is read and scored in chunks, so memory stays bounded by two chunks, the
//! projects and one 16-byte entry per partner id.
//!
//! Ignored by default (it writes a 1.3 GB pool and takes minutes); CI runs it on its own:
//! `cargo test -p pounce-cli --test memory_limit -- --ignored`. `POUNCE_MEMORY_PARTNERS` sets another
//! pool size.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::Command;

const LIMIT_KIB: u64 = 2 * 1024 * 1024;
const BATCH: usize = 1_000_000;

fn generate(dir: &Path, projects: usize, partners: usize, seed: u64, prefix: &str) {
    let status = Command::new(env!("CARGO_BIN_EXE_pounce"))
        .args(["generate", "--projects", &projects.to_string(), "--partners", &partners.to_string()])
        .args(["--seed", &seed.to_string(), "--id-prefix", prefix, "--out", dir.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
#[ignore = "minutes and 1.3 GB of disk: run with --ignored (CI does)"]
fn recommend_over_five_million_partners_within_two_gib() {
    let total: usize = std::env::var("POUNCE_MEMORY_PARTNERS").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000_000);
    let dir = tempfile::tempdir().unwrap();
    let pool = dir.path().join("pool.csv");
    let mut out = BufWriter::new(std::fs::File::create(&pool).unwrap());
    // The pool in batches of a million (each batch its own seed and id prefix), so that generating
    // it needs no more memory than one batch.
    let mut made = 0;
    for batch in 0.. {
        if made >= total {
            break;
        }
        let n = BATCH.min(total - made);
        let part = dir.path().join(format!("batch{batch}"));
        let prefix = format!("B{batch}-");
        generate(&part, if batch == 0 { 20 } else { 0 }, n, 100 + batch as u64, &prefix);
        let file = BufReader::new(std::fs::File::open(part.join("partners.csv")).unwrap());
        for (i, line) in file.split(b'\n').enumerate() {
            let line = line.unwrap();
            if i == 0 && batch > 0 {
                continue; // the header once
            }
            out.write_all(&line).unwrap();
            out.write_all(b"\n").unwrap();
        }
        if batch == 0 {
            std::fs::rename(part.join("projects.csv"), dir.path().join("projects.csv")).unwrap();
        }
        std::fs::remove_dir_all(&part).unwrap();
        made += n;
    }
    out.flush().unwrap();
    drop(out);

    let recs = dir.path().join("recs.csv");
    let script = format!(
        "ulimit -v {LIMIT_KIB} && exec \"$0\" recommend --projects \"$1\" --partners \"$2\" --top 10 --format csv --out \"$3\""
    );
    let output = Command::new("bash")
        .args(["-c", &script, env!("CARGO_BIN_EXE_pounce")])
        .arg(dir.path().join("projects.csv"))
        .arg(&pool)
        .arg(&recs)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exit {:?}: {stderr}", output.status.code());
    assert!(stderr.contains(&format!("20 projects scored against {total} partners")), "{stderr}");
    let text = std::fs::read_to_string(&recs).unwrap();
    let rows = text.lines().count() - 1;
    assert_eq!(rows, 20 * 10, "{}", &text[..text.len().min(2000)]);
    // Every batch can be recommended: the ids come from the whole pool, not only the first chunk.
    eprintln!("{rows} recommendations over {total} partners under ulimit -v {LIMIT_KIB} KiB");
}
