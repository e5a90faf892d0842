//! Replays saved fuzz inputs through the fuzz targets that read them (the same code: the targets live
//! in `fuzz/src/targets.rs`): every crash the fuzzer found (`tests/fuzz_regressions/<target>-*.bin`)
//! and the seed corpus (`fuzz/seeds/<target>/`). Each must be read without a panic; an error must
//! say what is wrong (the targets assert it). The scenario target is replayed by pounce-sim's test
//! of the same name. See `fuzz/README.md`.

#[path = "../../../fuzz/src/targets.rs"]
mod targets;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

fn target(name: &str) -> targets::Target {
    targets::TARGETS.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no fuzz target {name}")).1
}

#[test]
fn crashing_inputs_found_by_fuzzing_are_read_without_a_panic() {
    let mut replayed = 0;
    for path in files(&root().join("tests/fuzz_regressions")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".bin") || name.starts_with("scenario-") {
            continue;
        }
        let (t, _) = name.split_once('-').unwrap_or_else(|| panic!("{name}: expected <target>-<short>.bin"));
        eprintln!("replaying {name}");
        target(t)(&std::fs::read(&path).unwrap());
        replayed += 1;
    }
    eprintln!("{replayed} saved crashing inputs replayed");
}

#[test]
fn seed_corpus_is_read_without_a_panic() {
    for (name, run) in targets::TARGETS {
        let dir = root().join("fuzz/seeds").join(name);
        let seeds = files(&dir);
        assert!(!seeds.is_empty(), "{}: no seeds", dir.display());
        for path in seeds {
            eprintln!("replaying {}", path.display());
            run(&std::fs::read(&path).unwrap());
        }
    }
}
