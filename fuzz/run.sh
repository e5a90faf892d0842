#!/usr/bin/env bash
# Runs every fuzz target for a bounded time and reports executions and crashes.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s, every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). libFuzzer instrumentation needs nightly
# compiler flags; on a stable toolchain RUSTC_BOOTSTRAP=1 enables them (set here). Not part of the
# test suite or of CI. Corpora grow in fuzz/corpus/<target> (seeded from fuzz/seeds/<target>),
# crashing inputs land in fuzz/artifacts/<target>; logs in fuzz/logs/<target>.log.
# JOBS=2 runs two targets at a time (default 1).
set -uo pipefail
cd "$(dirname "$0")"

SECONDS_PER_TARGET="${1:-60}"
shift || true
ALL=(projects_csv partners_csv projects_json partners_json scores preferences capacities match_config assignment
  referrals outcomes weights scenario)
if [ "$#" -eq 0 ]; then TARGETS=("${ALL[@]}"); else TARGETS=("$@"); fi
JOBS="${JOBS:-1}"

export RUSTC_BOOTSTRAP=1
export RAYON_NUM_THREADS=1
# No external symbolizer: it fails to start under ASan here, and the crash report was lost with it.
export ASAN_OPTIONS="${ASAN_OPTIONS:-symbolize=0}"
mkdir -p logs corpus

echo "== building ${#TARGETS[@]} targets"
nice cargo fuzz build -O >logs/build.log 2>&1 || { tail -n 30 logs/build.log; exit 1; }
BIN="target/$(rustc -vV | sed -n 's/^host: //p')/release"

run_one() {
  local t="$1"
  mkdir -p "corpus/$t" "artifacts/$t"
  # -rss_limit_mb / -malloc_limit_mb: an input that makes the reader allocate gigabytes is a bug too.
  # -timeout: an input taking over 10 s is reported as a hang.
  # The binary built above is run directly (`cargo fuzz run` would rebuild first whenever a source
  # file changed meanwhile).
  nice "$BIN/$t" -artifact_prefix="artifacts/$t/" "corpus/$t" "seeds/$t" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 >"logs/$t.log" 2>&1
  local rc=$?
  local execs
  execs=$(grep -a 'stat::number_of_executed_units' "logs/$t.log" | awk '{print $2}' | tail -n 1)
  local crashes
  crashes=$(grep -aE '^(==[0-9]+== ERROR|SUMMARY: libFuzzer|.*panicked at)' "logs/$t.log" | head -n 3)
  if [ "$rc" -eq 0 ] && [ -z "$crashes" ]; then
    printf '%-14s %8ss %12s execs  ok\n' "$t" "$SECONDS_PER_TARGET" "${execs:-?}"
  else
    printf '%-14s %8ss %12s execs  CRASH (exit %s), see fuzz/logs/%s.log\n' "$t" "$SECONDS_PER_TARGET" \
      "${execs:-?}" "$rc" "$t"
    [ -n "$crashes" ] && printf '    %s\n' "$crashes"
    ls -1 "artifacts/$t" 2>/dev/null | sed 's/^/    artifact: /'
  fi
  return "$rc"
}

status=0
running=0
for t in "${TARGETS[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || status=1
  running=$((running - 1))
done
exit "$status"
