#!/usr/bin/env bash
# Rebuilds datasets/sample/partners.csv: the hand-written partners of cases_partners.csv followed by
# 272 partners generated near the five sample institutions (seed 2027), and referrals.csv, the sample
# term's referral network (seed 2027). Run from the repository root.
set -euo pipefail
tmp=$(mktemp -d)
cargo run --release -q -p pounce-cli -- generate --projects 0 --partners 272 --seed 2027 \
  --near "Eindhoven, NL;Lyon, FR;Guelph, CA;Denver, US;Vancouver, CA" --id-prefix P-GEN- --out "$tmp"
python3 - "$tmp/partners.csv" <<'PY'
import csv, sys
generated = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
cases = list(csv.DictReader(open("datasets/sample/cases_partners.csv", newline="", encoding="utf-8")))
columns = list(generated[0].keys())
with open("datasets/sample/partners.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for row in cases + generated:
        w.writerow({c: row.get(c, "") for c in columns})
PY
rm -rf "$tmp"
echo "wrote datasets/sample/partners.csv"
cargo run --release -q -p pounce-cli -- referrals generate --projects datasets/sample/projects.csv \
  --partners datasets/sample/partners.csv --seed 2027 --as-of 2027-01-01 --out datasets/sample/referrals.csv
