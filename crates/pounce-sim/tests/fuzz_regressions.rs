//! Replays saved fuzz inputs of the scenario target (`fuzz/src/scenario.rs`, the same code the fuzzer
//! runs): every crash found (`tests/fuzz_regressions/scenario-*.bin`) and the seed corpus
//! (`fuzz/seeds/scenario/`). Each must be read without a panic; an error must say what is wrong.
//! See `fuzz/README.md`.

#[allow(dead_code)]
#[path = "../../../fuzz/src/targets.rs"]
mod targets;

#[path = "../../../fuzz/src/scenario.rs"]
mod scenario;

use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn scenario_inputs_are_read_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let saved: Vec<PathBuf> = files(&root.join("tests/fuzz_regressions"))
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("scenario-"))
        .collect();
    let seeds = files(&root.join("fuzz/seeds/scenario"));
    assert!(!seeds.is_empty(), "no scenario seeds");
    for path in saved.iter().chain(&seeds) {
        eprintln!("replaying {}", path.display());
        scenario::scenario(&std::fs::read(path).unwrap());
    }
}
