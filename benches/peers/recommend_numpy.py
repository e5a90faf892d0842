#!/usr/bin/env python3
"""The numpy peer of `pounce recommend`: top-k partners per project by mutual score.

Reads the same projects.csv / partners.csv (as `pounce generate` writes them), implements the same
scoring formula (crates/pounce/src/score: eight fit dimensions, four appeal parts, mutual =
(1 - s) fit + s appeal, `must` exclusions, declined partners and partners without capacity
excluded) with the built-in default weights and no referral network, vectorised over the partners in
chunks, and prints the top k per project as CSV (project,rank,partner,score with full precision),
ties broken by ascending partner id.

Fuzzy skill matching is replicated exactly: tags normalised as pounce does, compared squashed
(spaces removed), full credit when equal, else the normalised Levenshtein similarity when it reaches
the threshold (0.85), against the vocabulary of partner tags.

    benches/peers/.venv/bin/python benches/peers/recommend_numpy.py \\
        --projects p.csv --partners q.csv [--top 10] [--limit 20] [--out top.csv]

`--limit N` scores only the first N projects (the peer is timed on a subset and extrapolated).
Timings (load, then scoring) go to standard error.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
CITIES = ROOT / "datasets" / "cities" / "cities15000.csv"
EARTH_RADIUS_KM = 6371.0088

# datasets/weights.toml (the built-in defaults); no referral graph, so its weight is 0.
FIT = [2.0, 3.0, 0.5, 1.0, 1.5, 1.0, 1.0, 1.0, 0.0]  # industry skills size location commitment framework schedule ip referral
APPEAL = [1.0, 1.0, 1.0, 1.0]  # industry relevance load framework
SHARE = 0.3
FUZZY = 0.85
MIN_OVERLAP = 2.0
WORKDAY = 8.0
DIMS = ["industry", "skills", "size", "location", "commitment", "framework", "schedule", "ip", "referral"]
FRAMEWORKS = {"apprenticeship": 0, "pbl": 1, "project-based learning": 1, "project based learning": 1,
              "codesign": 2, "co-design": 2}
DEFAULT_WEEKS = {0: (12, 104), 1: (4, 20), 2: (8, 156)}
DEMANDS = {0: 2, 1: 1, 2: 2}  # commitment level a framework demands (low 0, medium 1, high 2)
IP = {"student": 0, "partner": 1, "open": 2}
BANDS = {"micro": 0, "small": 1, "medium": 2, "large": 3, "any": -1, "": -1}


# ----------------------------------------------------------------------------------------------
# Parsing, as crates/pounce/src/input/fields.rs does it


def normalize(tag: str) -> str:
    out: list[str] = []
    pending = False
    for ch in tag.strip():
        if ch.isspace() or ch in "-_/.":
            pending = bool(out)
            continue
        if pending:
            out.append(" ")
            pending = False
        out.append(ch.lower())
    return "".join(out)


def levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def similarity(a: str, b: str) -> float:
    a, b = a.replace(" ", ""), b.replace(" ", "")
    if a == b:
        return 1.0
    longest = max(len(a), len(b))
    if longest == 0 or 1.0 - abs(len(a) - len(b)) / longest < FUZZY:
        return 0.0  # the distance is at least the difference in length
    s = 1.0 - levenshtein(a, b) / longest
    return s if s >= FUZZY else 0.0


def sector_key(code: str) -> int:
    n = int(code[:2])
    return {32: 31, 33: 31, 45: 44, 49: 48}.get(n, n)


def code_similarity(a: str, b: str) -> float:
    levels = min(len(a), len(b)) - 1
    if sector_key(a) != sector_key(b):
        shared = 0
    elif a[:2] != b[:2]:
        shared = 1
    else:
        shared = 1
        for i in range(2, min(len(a), len(b))):
            if a[i] != b[i]:
                break
            shared += 1
    return shared / levels


def covers(a: str, b: str) -> bool:
    return len(a) <= len(b) and b.startswith(a)


def split_list(s) -> list[str]:
    if not isinstance(s, str):
        return []
    return [x.strip() for x in s.split(";") if x.strip()]


class Places:
    """City labels resolved against the bundled gazetteer (most populous namesake first)."""

    def __init__(self) -> None:
        c = pd.read_csv(CITIES, dtype={"admin1code": str, "countrycode": str}, keep_default_na=False)
        c = c.sort_values(["population", "geonameid"], ascending=[False, True])
        self.by_name: dict[tuple[str, str], list[tuple[str, float, float, str]]] = {}
        for name, lat, lon, cc, a1, tz in zip(c["name"], c["latitude"], c["longitude"], c["countrycode"],
                                              c["admin1code"], c["timezone"]):
            self.by_name.setdefault((name.strip().lower(), cc.strip().upper()), []).append((a1, lat, lon, tz))

    def resolve(self, text: str) -> tuple[float, float, str]:
        parts = [p.strip() for p in text.split(",")]
        name, admin1, cc = (parts[0], None, parts[1]) if len(parts) == 2 else (parts[0], parts[1], parts[2])
        found = self.by_name[(name.lower(), cc.upper())]
        if admin1 is None:
            return found[0][1:]
        return next(f[1:] for f in found if f[0].lower() == admin1.lower())


def locations(df: pd.DataFrame, places: Places) -> tuple[np.ndarray, np.ndarray, list[str]]:
    cache: dict[str, tuple[float, float, str]] = {}
    lat = np.empty(len(df))
    lon = np.empty(len(df))
    tzs: list[str] = []
    for i, (city, la, lo, tz) in enumerate(zip(df["city"], df["lat"], df["lon"], df["timezone"])):
        if isinstance(city, str) and city.strip():
            if city not in cache:
                cache[city] = places.resolve(city)
            clat, clon, ctz = cache[city]
        else:
            clat, clon, ctz = la, lo, "UTC"
        has = isinstance(la, str) and la.strip() != ""
        lat[i] = float(la) if has else clat
        lon[i] = float(lo) if has else clon
        tzs.append(tz if isinstance(tz, str) and tz.strip() else ctz)
    return lat, lon, tzs


def offset_hours(tz: str, d: date) -> float:
    noon = datetime(d.year, d.month, d.day, 12, tzinfo=timezone.utc)
    return noon.astimezone(ZoneInfo(tz)).utcoffset().total_seconds() / 3600.0


def ordinal(s) -> int | None:
    if not isinstance(s, str) or not s.strip():
        return None
    return date.fromisoformat(s.strip()).toordinal()


class Pool:
    """The partners as numpy columns."""

    def __init__(self, path: str, places: Places) -> None:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        n = len(df)
        self.n = n
        self.ids = df["id"].to_numpy()
        order = np.argsort(self.ids, kind="stable")
        self.rank = np.empty(n, dtype=np.int64)
        self.rank[order] = np.arange(n)
        # industries: padded code ids, the pad id maps to similarity 0
        self.codes: list[str] = []
        code_id: dict[str, int] = {}
        lists = [split_list(s) for s in df["industries"]]
        width = max((len(x) for x in lists), default=1) or 1
        ind = np.full((n, width), -1, dtype=np.int32)
        for i, xs in enumerate(lists):
            for j, c in enumerate(xs):
                if c not in code_id:
                    code_id[c] = len(self.codes)
                    self.codes.append(c)
                ind[i, j] = code_id[c]
        ind[ind < 0] = len(self.codes)
        self.ind = ind
        # skills: vocabulary ids in order of first appearance, sorted and distinct per partner
        self.vocab: list[str] = []
        vid: dict[str, int] = {}
        raw: dict[str, int] = {}
        rows = []
        for s in df["skills"]:
            ids = set()
            for item in split_list(s):
                t = raw.get(item)
                if t is None:
                    tag = normalize(item)
                    if tag not in vid:
                        vid[tag] = len(self.vocab)
                        self.vocab.append(tag)
                    t = raw[item] = vid[tag]
                ids.add(t)
            rows.append(sorted(ids))
        width = max((len(r) for r in rows), default=1) or 1
        sk = np.full((n, width), len(self.vocab), dtype=np.int32)
        for i, r in enumerate(rows):
            sk[i, : len(r)] = r
        self.sk = sk
        self.nsk = np.array([len(r) for r in rows], dtype=np.float64)
        self.employees = df["employees"].astype(np.int64).to_numpy()
        self.band = np.select([self.employees < 10, self.employees < 50, self.employees < 250], [0, 1, 2], 3)
        self.lat, self.lon, tzs = locations(df, places)
        self.zones = sorted(set(tzs))
        zi = {z: i for i, z in enumerate(self.zones)}
        self.zone = np.array([zi[z] for z in tzs], dtype=np.int32)
        self.remote = df["remote"].str.strip().str.lower().isin(["true", "yes", "1"]).to_numpy()
        self.capacity = df["capacity"].replace("", "1").astype(np.int64).to_numpy()
        self.hours = df["mentor_hours"].replace("", "2").astype(np.float64).to_numpy()
        self.contacts = df["contacts"].replace("", "1").astype(np.int64).to_numpy()
        self.level = np.where((self.hours >= 4.0) & (self.contacts >= 2), 2,
                              np.where((self.hours >= 1.0) & (self.contacts >= 1), 1, 0))
        # frameworks: rank (-1 when not offered), min and max weeks per framework
        self.fw_rank = np.full((n, 3), -1, dtype=np.int64)
        self.fw_min = np.zeros((n, 3), dtype=np.int64)
        self.fw_max = np.zeros((n, 3), dtype=np.int64)
        fcache: dict[str, list[tuple[int, int, int]]] = {}
        for i, s in enumerate(df["frameworks"]):
            offers = fcache.get(s)
            if offers is None:
                offers = []
                for item in split_list(s) or ["pbl"]:
                    name, _, rng = item.partition(":")
                    f = FRAMEWORKS[name.strip().lower()]
                    lo, hi = (int(x) for x in rng.split("-")) if rng else DEFAULT_WEEKS[f]
                    offers.append((f, lo, hi))
                fcache[s] = offers
            for r, (f, lo, hi) in enumerate(offers):
                if self.fw_rank[i, f] < 0:
                    self.fw_rank[i, f], self.fw_min[i, f], self.fw_max[i, f] = r, lo, hi
        ipc: dict[str, int] = {}
        self.ip = np.array([ipc.setdefault(s, sum(1 << IP[x.lower()] for x in split_list(s)) or 7)
                            for s in df["ip"]], dtype=np.int64)
        self.avail_from = np.array([ordinal(s) or -(2**40) for s in df["available_from"]], dtype=np.int64)
        self.avail_to = np.array([ordinal(s) or 2**40 for s in df["available_to"]], dtype=np.int64)
        status = df["status"].str.strip().str.lower()
        self.excluded = (status == "declined").to_numpy() | (self.capacity == 0)


class Project:
    def __init__(self, row: dict, places: Places) -> None:
        self.id = row["id"]
        self.industries = split_list(row["industries"])
        wants: list[tuple[str, float]] = []
        for item in split_list(row["skills"]):
            tag, sep, w = item.rpartition(":")
            tag, weight = (tag, float(w)) if sep else (item, 1.0)
            tag = normalize(tag)
            for k, (t, old) in enumerate(wants):
                if t == tag:
                    wants[k] = (t, max(old, weight))
                    break
            else:
                wants.append((tag, weight))
        self.wants = wants
        self.framework = FRAMEWORKS[(row["framework"] or "pbl").strip().lower()]
        self.weeks = int(row["weeks"] or 12)
        self.start = date.fromisoformat(row["start"])
        self.end = self.start + timedelta(days=max(self.weeks, 1) * 7 - 1)
        self.hours = float(row["mentor_hours"] or 2.0)
        city = row["city"]
        self.lat, self.lon, self.tz = places.resolve(city) if city else (float(row["lat"]), float(row["lon"]), "UTC")
        if row.get("lat"):
            self.lat, self.lon = float(row["lat"]), float(row["lon"])
        if row.get("timezone"):
            self.tz = row["timezone"]
        self.remote = (row["remote"] or "false").strip().lower() in ("true", "yes", "1")
        self.max_km = float(row["max_km"] or 50.0)
        self.band = BANDS[(row["size"] or "any").strip().lower()]
        self.ip = IP[(row["ip"] or "student").strip().lower()]
        self.must = {DIMS.index(d.strip().lower()) for d in split_list(row["must"])}


# ----------------------------------------------------------------------------------------------
# Scoring


class Scorer:
    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.match_cache: dict[str, list[tuple[int, float]]] = {}
        self.offsets: dict[date, np.ndarray] = {}
        self.fit_sum = sum(FIT)
        self.appeal_sum = sum(APPEAL)

    def matches(self, tag: str) -> list[tuple[int, float]]:
        m = self.match_cache.get(tag)
        if m is None:
            m = [(i, s) for i, t in enumerate(self.pool.vocab) if (s := similarity(tag, t)) > 0.0]
            self.match_cache[tag] = m
        return m

    def zone_offsets(self, d: date) -> np.ndarray:
        o = self.offsets.get(d)
        if o is None:
            o = self.offsets[d] = np.array([offset_hours(z, d) for z in self.pool.zones])
        return o

    def score(self, p: Project, sl: slice) -> tuple[np.ndarray, np.ndarray]:
        """Mutual scores of the partners in `sl`, and whether each pair is feasible."""
        q = self.pool
        n = sl.stop - sl.start
        fails = np.zeros((9, n), dtype=bool)
        # industry
        if p.industries:
            codes = q.ind[sl]
            total = np.zeros(n)
            passed = np.zeros(n, dtype=bool)
            for w in p.industries:
                sim = np.array([code_similarity(w, o) for o in q.codes] + [0.0])
                cov = np.array([covers(w, o) or covers(o, w) for o in q.codes] + [False])
                total = total + sim[codes].max(axis=1)
                passed |= cov[codes].any(axis=1)
            industry = total / len(p.industries)
            fails[0] = ~passed
        else:
            industry = np.ones(n)
        # skills (and relevance, the appeal part)
        sk = q.sk[sl]
        any_match = np.zeros(len(q.vocab) + 1, dtype=bool)
        if p.wants:
            got = np.zeros(n)
            covered = np.zeros(n, dtype=np.int64)
            for tag, weight in p.wants:
                credit = np.zeros(len(q.vocab) + 1)
                for i, s in self.matches(tag):
                    credit[i] = s
                    any_match[i] = True
                best = credit[sk].max(axis=1)
                got = got + weight * best
                covered += best > 0.0
            skills = np.clip(got / sum(w for _, w in p.wants), 0.0, 1.0)
            fails[1] = covered != len(p.wants)
        else:
            skills = np.ones(n)
        exercised = any_match[sk].sum(axis=1)
        nsk = q.nsk[sl]
        with np.errstate(divide="ignore", invalid="ignore"):
            relevance = np.where(nsk == 0, 0.5, np.minimum(exercised / np.minimum(nsk, 3.0), 1.0))
        # size
        band = q.band[sl]
        if p.band < 0:
            size = np.ones(n)
        else:
            d = np.abs(p.band - band)
            size = np.array([1.0, 0.5, 0.2, 0.0])[d]
            fails[2] = d != 0
        # location
        p1 = p.lat * (np.pi / 180.0)
        p2 = q.lat[sl] * (np.pi / 180.0)
        dp = p2 - p1
        dl = (q.lon[sl] - p.lon) * (np.pi / 180.0)
        a = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
        km = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(np.sqrt(a), 1.0))
        if p.max_km > 0.0:
            in_person = np.clip(1.0 - km / (2.0 * p.max_km), 0.0, 1.0)
        else:
            in_person = np.where(km < 1.0, 1.0, 0.0)
        in_person_pass = km <= p.max_km
        location, location_pass = in_person, in_person_pass
        if p.remote:
            remote = q.remote[sl]
            diff = self.zone_offsets(p.start)[q.zone[sl]] - offset_hours(p.tz, p.start)
            dd = np.abs(diff) % 24.0
            dd = np.minimum(dd, 24.0 - dd)
            overlap = np.maximum(WORKDAY - dd, 0.0)
            remote_value = overlap / WORKDAY
            remote_pass = overlap >= MIN_OVERLAP
            take_remote = (remote_value > in_person) | ((remote_value == in_person) & ~in_person_pass)
            location = np.where(remote & take_remote, remote_value, in_person)
            location_pass = np.where(remote, remote_pass | in_person_pass, in_person_pass)
        fails[3] = ~location_pass
        # commitment
        hours = q.hours[sl]
        h = np.ones(n) if p.hours <= 0.0 else np.minimum(hours / p.hours, 1.0)
        redundancy = 0.7 + 0.1 * np.minimum(q.contacts[sl], 3).astype(np.float64)
        commitment = np.clip(h * redundancy, 0.0, 1.0)
        fails[4] = ~(hours >= p.hours)
        # framework
        f = p.framework
        rank = q.fw_rank[sl, f]
        lo, hi = q.fw_min[sl, f], q.fw_max[sl, f]
        gap = np.where(p.weeks < lo, lo - p.weeks, np.maximum(p.weeks - hi, 0))
        duration = np.maximum(1.0 - gap.astype(np.float64) / float(max(p.weeks, 1)), 0.0)
        level = np.array([1.0, 0.6, 0.3])[np.maximum(DEMANDS[f] - q.level[sl], 0)]
        offered = rank >= 0
        framework = np.where(offered, duration * level, 0.0)
        fails[5] = ~(offered & (gap == 0))
        fw_appeal = np.where(offered, np.maximum(1.0 - 0.25 * rank.astype(np.float64), 0.25), 0.0)
        # schedule
        s, e = p.start.toordinal(), p.end.toordinal()
        lo_d = np.maximum(q.avail_from[sl], s)
        hi_d = np.minimum(q.avail_to[sl], e)
        total_days = e - s + 1
        covered_days = np.where(hi_d >= lo_d, hi_d - lo_d + 1, 0)
        schedule = covered_days.astype(np.float64) / float(total_days)
        fails[6] = covered_days != total_days
        # ip
        accepted = (q.ip[sl] >> p.ip) & 1 == 1
        ip = np.where(accepted, 1.0, 0.0)
        fails[7] = ~accepted
        # load (appeal)
        with np.errstate(divide="ignore", invalid="ignore"):
            load = np.where(hours <= 0.0, 1.0 if p.hours <= 0.0 else 0.0,
                            np.clip(1.0 - p.hours / (2.0 * hours), 0.0, 1.0))
        # combine, in the scorer's order
        values = [industry, skills, size, location, commitment, framework, schedule, ip, np.zeros(n)]
        fit = values[0] * FIT[0]
        for v, w in zip(values[1:], FIT[1:]):
            fit = fit + v * w
        fit = fit / self.fit_sum
        parts = [industry, relevance, load, fw_appeal]
        appeal = parts[0] * APPEAL[0]
        for v, w in zip(parts[1:], APPEAL[1:]):
            appeal = appeal + v * w
        appeal = appeal / self.appeal_sum
        mutual = np.clip((1.0 - SHARE) * fit + SHARE * appeal, 0.0, 1.0)
        feasible = ~q.excluded[sl]
        for d in p.must:
            feasible &= ~fails[d]
        return mutual, feasible

    def top(self, p: Project, k: int, chunk: int) -> list[tuple[int, float]]:
        """The k best feasible partners (index, mutual), ties by ascending id."""
        q = self.pool
        cand_idx, cand_mut = [], []
        for start in range(0, q.n, chunk):
            sl = slice(start, min(start + chunk, q.n))
            mutual, feasible = self.score(p, sl)
            idx = np.nonzero(feasible)[0]
            m = mutual[idx]
            if len(idx) > k:
                kth = np.partition(m, len(m) - k)[len(m) - k]
                keep = m >= kth  # every candidate tied with the k-th stays, ties resolve by id below
                idx, m = idx[keep], m[keep]
            cand_idx.append(idx + start)
            cand_mut.append(m)
        idx = np.concatenate(cand_idx)
        m = np.concatenate(cand_mut)
        order = np.lexsort((q.rank[idx], -m))[:k]
        return [(int(idx[i]), float(m[i])) for i in order]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--projects", required=True)
    ap.add_argument("--partners", required=True)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--limit", type=int, default=None, help="score only the first N projects")
    ap.add_argument("--chunk", type=int, default=250_000, help="partners per vectorised chunk")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    places = Places()
    pool = Pool(a.partners, places)
    with open(a.projects, newline="", encoding="utf-8") as f:
        projects = [Project(r, places) for r in csv.DictReader(f)]
    if a.limit is not None:
        projects = projects[: a.limit]
    scorer = Scorer(pool)
    t1, c1 = time.perf_counter(), time.process_time()
    rows = []
    for p in projects:
        for r, (i, m) in enumerate(scorer.top(p, a.top, a.chunk), 1):
            rows.append((p.id, r, pool.ids[i], repr(m)))
    t2, c2 = time.perf_counter(), time.process_time()
    out = open(a.out, "w", newline="") if a.out else sys.stdout
    w = csv.writer(out)
    w.writerow(["project", "rank", "partner", "score"])
    w.writerows(rows)
    if a.out:
        out.close()
    print(f"load {t1 - t0:.2f} s (cpu {c1 - c0:.2f} s); scoring {len(projects)} projects x {pool.n} partners "
          f"{t2 - t1:.2f} s (cpu {c2 - c1:.2f} s, {(c2 - c1) / max(len(projects), 1):.3f} s per project)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
