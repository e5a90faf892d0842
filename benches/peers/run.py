#!/usr/bin/env python3
"""Pounce side by side with the tools users would otherwise reach for.

Generates seeded instances into a work directory, builds `pounce` in release mode, then for each
workload times

* Pounce: the `pounce` command end to end (process start, reading the CSVs, solving, writing the
  output file; its user+sys CPU time and peak RSS are recorded too, through GNU time), and
* the peer: a Python function that reads the same CSVs (pandas) and solves (scipy, networkx,
  matching); the interpreter's start-up and imports are excluded, reading is included,

N times each (median reported), checks that both give the same answer and prints one table, also
written as Markdown (RESULTS.md) with the date, the machine and the command.

Set up the peers first:  bash benches/peers/setup.sh
Run:                     benches/peers/.venv/bin/python benches/peers/run.py [--quick] [--only NAME ...]

A workload is a subclass of `Workload` registered in `WORKLOADS`: `generate` writes its files,
`pounce_args` is the command, `pounce_answer` reads Pounce's output, each entry of `peers` solves
the same files, and `agree` compares two answers.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import matching
import networkx as nx
import numpy as np
import pandas as pd
import scipy
from matching.games import HospitalResident
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
POUNCE = ROOT / "target" / "release" / "pounce"


# ---------------------------------------------------------------------------------------------
# Framework


@dataclass
class Peer:
    """One way of solving a workload in Python: `solve(work)` returns the answer to compare."""

    name: str
    solve: Callable[[Path], Any]
    runs: int | None = None  # None: the run's --runs
    skip: str | None = None  # reason the peer is not run (the row says so)
    report: Callable[[Any], float] | None = None  # the time to report, from the answer (None: as measured)


@dataclass
class PounceRun:
    """One `pounce` process: wall seconds, user+sys CPU seconds and peak resident memory (KiB)."""

    wall: float
    cpu: float
    rss_kb: int


@dataclass
class Row:
    workload: str
    size: str
    pounce: float | None
    peer: str
    peer_time: float | None
    agreement: str
    pounce_runs: list[float] | None = None
    peer_runs: list[float] | None = None

    def cells(self) -> list[str]:
        def secs(t: float | None) -> str:
            return "—" if t is None else f"{t:.3f}"

        ratio = "—" if self.pounce is None or self.peer_time is None else f"{self.peer_time / self.pounce:.2f}×"
        return [self.workload, self.size, secs(self.pounce), self.peer, secs(self.peer_time), ratio, self.agreement]


class Workload:
    """A workload: instance files, the Pounce command, the peers and the agreement check."""

    name = ""
    size = ""
    note = ""  # what is compared, for RESULTS.md

    def __init__(self, quick: bool, seed: int):
        self.quick = quick
        self.seed = seed

    def dir(self, work: Path) -> Path:
        return work / ("quick" if self.quick else "full") / self.name

    def generate(self, d: Path) -> None:
        raise NotImplementedError

    def pounce_args(self, d: Path) -> list[str]:
        raise NotImplementedError

    def pounce_answer(self, d: Path) -> Any:
        raise NotImplementedError

    def peers(self) -> list[Peer]:
        return []

    def agree(self, pounce: Any, peer: Any) -> tuple[bool, str]:
        raise NotImplementedError

    def placeholder(self) -> str | None:
        """A reason when the workload is only a row to be filled in later."""
        return None

    def annotate(self, words: str, pounce: list[PounceRun]) -> str:
        """The agreement cell, with anything the workload adds about Pounce's runs."""
        return words


def timed(f: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = f()
    return time.perf_counter() - t, out


GNU_TIME = Path("/usr/bin/time")


def run_pounce(args: list[str], d: Path) -> PounceRun:
    """Runs `pounce` once in `d`: its wall time, and its CPU time and peak RSS.

    The CPU time and peak RSS come from GNU time when installed: a child's `ru_maxrss` includes the memory
    of the process it was forked from (here the Python process, large after pandas), so the command is
    forked from the small `time` process instead. Without it, `wait4` gives them (the RSS an upper bound).
    """
    err, usage_file = d / "pounce.stderr", d / "pounce.time"
    wrap = [str(GNU_TIME), "-f", "%U %S %M", "-o", str(usage_file)] if GNU_TIME.exists() else []
    with open(err, "w") as stderr:
        t = time.perf_counter()
        p = subprocess.Popen([*wrap, str(POUNCE), *args], cwd=d, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"pounce {' '.join(args)} failed ({p.returncode}):\n{err.read_text()}")
    if wrap:
        user, system, rss = usage_file.read_text().split()[-3:]
        return PounceRun(elapsed, float(user) + float(system), int(rss))
    return PounceRun(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def rng(seed: int, salt: int) -> np.random.Generator:
    return np.random.default_rng([seed, salt])


def ids(prefix: str, idx: np.ndarray) -> np.ndarray:
    return np.char.add(prefix, idx.astype(str)).astype(object)


def write_csv(path: Path, columns: dict[str, Any], float_format: str | None = None) -> None:
    pd.DataFrame(columns).to_csv(path, index=False, float_format=float_format)


def capacities_csv(path: Path, m: int, capacity: int) -> None:
    write_csv(path, {"partner": ids("Q", np.arange(m)), "capacity": np.full(m, capacity)})


def assignment_of(out: Path) -> pd.DataFrame:
    """`project,partner` of a `pounce match` output (empty partner: unmatched)."""
    return pd.read_csv(out, usecols=["project", "partner"], dtype=str, keep_default_na=False)


def total_of(assignment: pd.DataFrame, scores: Path) -> tuple[float, int]:
    """Total score and number of matched pairs of `project,partner` rows, looked up in the scores file."""
    s = pd.read_csv(scores, dtype={"project": str, "partner": str, "score": float})
    a = assignment[assignment["partner"] != ""]
    m = a.merge(s, on=["project", "partner"], how="left")
    if m["score"].isna().any():
        raise SystemExit("pounce matched a pair that is not in the scores file")
    return float(m["score"].sum()), len(a)


def same_total(pounce: tuple[float, int], peer: tuple[float, int]) -> tuple[bool, str]:
    (a, na), (b, nb) = pounce, peer
    ok = abs(a - b) <= 1e-6 * max(1.0, abs(b)) and na == nb
    return ok, f"{'yes' if ok else 'NO'}: total {a:.6f} vs {b:.6f}, {na} vs {nb} pairs"


# ---------------------------------------------------------------------------------------------
# Workloads


class DenseOptimal(Workload):
    name = "optimal-dense"
    note = (
        "Every project–partner pair has a score (uniform in [0, 1), 6 decimals), capacity 1. Pounce "
        "`match --strategy optimal --scores --capacities` vs `scipy.optimize.linear_sum_assignment(maximize=True)` "
        "on the matrix built from the same CSV with pandas. Agreement: equal total score (relative 1e-6) and "
        "number of pairs; the total of Pounce's output is looked up in the scores file."
    )

    def __init__(self, quick: bool, seed: int):
        super().__init__(quick, seed)
        self.n = 500 if quick else 2000
        self.size = f"{self.n:,} × {self.n:,}"

    def generate(self, d: Path) -> None:
        r = rng(self.seed, 1)
        n = self.n
        p, q = np.divmod(np.arange(n * n), n)
        score = np.round(r.random(n * n), 6)
        write_csv(d / "scores.csv", {"project": ids("P", p), "partner": ids("Q", q), "score": score}, "%.6f")
        capacities_csv(d / "capacities.csv", n, 1)

    def pounce_args(self, d: Path) -> list[str]:
        return ["match", "--strategy", "optimal", "--scores", "scores.csv", "--capacities", "capacities.csv",
                "--out", "pounce.csv"]

    def pounce_answer(self, d: Path) -> Any:
        return total_of(assignment_of(d / "pounce.csv"), d / "scores.csv")

    def peers(self) -> list[Peer]:
        return [Peer("scipy linear_sum_assignment", scipy_dense)]

    def agree(self, pounce: Any, peer: Any) -> tuple[bool, str]:
        return same_total(pounce, peer)


def scipy_dense(d: Path) -> tuple[float, int]:
    s = pd.read_csv(d / "scores.csv", dtype={"project": str, "partner": str, "score": float})
    pi, _ = pd.factorize(s["project"])
    qi, _ = pd.factorize(s["partner"])
    matrix = np.zeros((pi.max() + 1, qi.max() + 1))
    matrix[pi, qi] = s["score"].to_numpy()
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return float(matrix[rows, cols].sum()), len(rows)


class SparseOptimal(Workload):
    name = "optimal-sparse"
    note = (
        "n projects and n partners of capacity 1; each project has ~20 feasible partners (a random permutation's "
        "partner plus 19 uniform draws, duplicates dropped), so a perfect matching exists. scipy's "
        "`min_weight_full_bipartite_matching` needs a full matching and minimises cost, so it gets cost "
        "2 − score (positive: explicit zeros would be dropped by scipy.sparse) and Pounce runs "
        "`--strategy optimal --max-matches` (as many projects as possible, then the largest total score): with a "
        "perfect matching available both maximise the score among perfect matchings. (Plain `optimal` may "
        "leave a project unmatched when that raises the total.) Agreement: equal total score and pair count."
    )

    def __init__(self, quick: bool, seed: int):
        super().__init__(quick, seed)
        self.n = 10_000 if quick else 100_000
        self.degree = 20
        self.size = f"{self.n:,} × {self.n:,}, ~{self.degree} per project"

    def generate(self, d: Path) -> None:
        r = rng(self.seed, 2)
        n, k = self.n, self.degree
        cols = r.integers(0, n, size=(n, k))
        cols[:, 0] = r.permutation(n)
        p = np.repeat(np.arange(n), k)
        q = cols.ravel()
        _, first = np.unique(p.astype(np.int64) * n + q, return_index=True)
        keep = np.sort(first)
        p, q = p[keep], q[keep]
        score = np.round(r.random(len(p)), 6)
        write_csv(d / "scores.csv", {"project": ids("P", p), "partner": ids("Q", q), "score": score}, "%.6f")
        capacities_csv(d / "capacities.csv", n, 1)

    def pounce_args(self, d: Path) -> list[str]:
        return ["match", "--strategy", "optimal", "--max-matches", "--scores", "scores.csv", "--capacities",
                "capacities.csv", "--out", "pounce.csv"]

    def pounce_answer(self, d: Path) -> Any:
        return total_of(assignment_of(d / "pounce.csv"), d / "scores.csv")

    def peers(self) -> list[Peer]:
        return [Peer("scipy min_weight_full_bipartite_matching", scipy_sparse)]

    def agree(self, pounce: Any, peer: Any) -> tuple[bool, str]:
        return same_total(pounce, peer)


def scipy_sparse(d: Path) -> tuple[float, int]:
    s = pd.read_csv(d / "scores.csv", dtype={"project": str, "partner": str, "score": float})
    pi, _ = pd.factorize(s["project"])
    qi, _ = pd.factorize(s["partner"])
    score = s["score"].to_numpy()
    cost = csr_matrix((2.0 - score, (pi, qi)), shape=(pi.max() + 1, qi.max() + 1))
    rows, cols = min_weight_full_bipartite_matching(cost)
    chosen = np.asarray(cost[rows, cols]).ravel()
    return float(np.sum(2.0 - chosen)), len(rows)


def preference_lists(r: np.random.Generator, n: int, m: int, length: int) -> np.ndarray:
    """n rows of `length` distinct partners, drawn in proportion to a log-normal popularity."""
    popularity = r.lognormal(0.0, 0.5, m)
    cdf = np.cumsum(popularity / popularity.sum())
    cdf[-1] = 1.0

    def draw(rows: int) -> np.ndarray:
        return np.minimum(np.searchsorted(cdf, r.random((rows, length)), side="right"), m - 1)

    lists = draw(n)
    while True:
        s = np.sort(lists, axis=1)
        bad = np.flatnonzero((s[:, 1:] == s[:, :-1]).any(axis=1))
        if len(bad) == 0:
            return lists
        lists[bad] = draw(len(bad))


class Stable(Workload):
    note = (
        "Each project ranks `length` distinct partners (drawn by a log-normal popularity); each partner ranks "
        "exactly the projects that rank it, in a random order (consistent lists, strict ranks), capacity 12. "
        "Pounce `match --strategy stable-projects --preferences --capacities` (projects propose: the "
        "project-optimal stable matching) vs `matching.games.HospitalResident` solved resident-optimal, its "
        "preference dictionaries built from the same CSV with pandas. Agreement: the identical matching."
    )

    def __init__(self, quick: bool, seed: int, n: int, m: int, big: bool = False):
        super().__init__(quick, seed)
        self.n, self.m, self.length, self.capacity, self.big = n, m, 10, 12, big
        self.name = "stable-big" if big else "stable"
        self.size = f"{n:,} projects × {m:,} partners, lists of {self.length}, capacity {self.capacity}"

    def generate(self, d: Path) -> None:
        r = rng(self.seed, 4 if self.big else 3)
        n, m, k = self.n, self.m, self.length
        lists = preference_lists(r, n, m, k)
        p = np.repeat(np.arange(n), k)
        q = lists.ravel()
        prank = np.tile(np.arange(1, k + 1), n)
        order = np.lexsort((r.random(len(p)), q))  # by partner, then the partner's random taste
        qs = q[order]
        starts = np.r_[0, np.flatnonzero(qs[1:] != qs[:-1]) + 1]
        group_start = np.repeat(starts, np.diff(np.r_[starts, len(qs)]))
        qrank = np.arange(len(qs)) - group_start + 1
        pid, qid = ids("P", np.arange(n)), ids("Q", np.arange(m))
        frame = pd.concat(
            [
                pd.DataFrame({"chooser": pid[p], "chosen": qid[q], "rank": prank}),
                pd.DataFrame({"chooser": qid[qs], "chosen": pid[p[order]], "rank": qrank}),
            ]
        )
        frame.to_csv(d / "preferences.csv", index=False)
        capacities_csv(d / "capacities.csv", m, self.capacity)

    def pounce_args(self, d: Path) -> list[str]:
        return ["match", "--strategy", "stable-projects", "--preferences", "preferences.csv", "--capacities",
                "capacities.csv", "--out", "pounce.csv"]

    def pounce_answer(self, d: Path) -> Any:
        a = assignment_of(d / "pounce.csv")
        return dict(zip(a["project"], a["partner"]))

    def peers(self) -> list[Peer]:
        if self.big:
            return [Peer("matching HospitalResident", matching_hr,
                         skip="skipped: too slow (pure Python, 100× the 10,000-project row)")]
        return [Peer("matching HospitalResident", matching_hr)]

    def agree(self, pounce: Any, peer: Any) -> tuple[bool, str]:
        peer = {p: peer.get(p, "") for p in pounce}
        diff = sum(1 for p, q in pounce.items() if peer[p] != q)
        matched = sum(1 for q in pounce.values() if q)
        return diff == 0, (f"yes: identical ({matched:,} of {len(pounce):,} matched)" if diff == 0
                           else f"NO: {diff} projects differ")


def matching_hr(d: Path) -> dict[str, str]:
    caps = pd.read_csv(d / "capacities.csv", dtype={"partner": str, "capacity": int})
    prefs = pd.read_csv(d / "preferences.csv", dtype={"chooser": str, "chosen": str, "rank": int})
    prefs = prefs.sort_values(["chooser", "rank"], kind="stable")
    is_partner = prefs["chooser"].isin(set(caps["partner"]))
    lists = lambda f: f.groupby("chooser", sort=False)["chosen"].agg(list).to_dict()  # noqa: E731
    hospital_prefs, resident_prefs = lists(prefs[is_partner]), lists(prefs[~is_partner])
    capacities = dict(zip(caps["partner"], caps["capacity"]))

    def solve() -> dict[str, str]:
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
        result = game.solve(optimal="resident")
        return {r.name: h.name for h, residents in result.items() for r in residents}

    return deep(solve)


def deep(f: Callable[[], Any]) -> Any:
    """Runs f in a thread with a large stack: `matching` deep-copies its players recursively."""
    import threading

    out: list[Any] = []
    limit, stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(10_000_000)
    threading.stack_size(1 << 30)
    try:
        t = threading.Thread(target=lambda: out.append(f()))
        t.start()
        t.join()
    finally:
        threading.stack_size(stack)
        sys.setrecursionlimit(limit)
    if not out:
        raise SystemExit("the matching peer failed")
    return out[0]


class PageRank(Workload):
    name = "pagerank"
    note = (
        "An undirected network of n nodes and E distinct edges (no self-loops; endpoints drawn by a log-normal "
        "activity), every edge of kind `referred` with a weight in [0.1, 1] (4 decimals) and no date, one seed. "
        "Pounce `referrals rank --graph edges.csv --from SEED` (all non-zero scores, 12 decimals) vs (a) a scipy "
        "sparse power iteration with pandas reading the CSV and (b) `networkx.pagerank` with the seed as "
        "personalization (run once). Both peers reproduce Pounce's semantics: strength = min(0.8 × weight, 1) "
        "(referred's strength × weight, capped; parallel edges would add up, capped at 1), edges both ways, "
        "damping 0.85, dangling mass back to the seed, stop when the L1 change < 1e-10 (networkx: tol = "
        "1e-10 / n, as it compares with n · tol). Agreement: max |difference| over all nodes ≤ 1e-6."
    )

    def __init__(self, quick: bool, seed: int, networkx: bool):
        super().__init__(quick, seed)
        self.n, self.e = (10_000, 100_000) if quick else (100_000, 1_000_000)
        self.size = f"{self.n:,} nodes, {self.e:,} edges"
        self.networkx = networkx

    def generate(self, d: Path) -> None:
        r = rng(self.seed, 5)
        n = self.n
        activity = r.lognormal(0.0, 1.0, n)
        cdf = np.cumsum(activity / activity.sum())
        cdf[-1] = 1.0
        pick = lambda k: np.minimum(np.searchsorted(cdf, r.random(k), side="right"), n - 1)  # noqa: E731
        keys = np.empty(0, dtype=np.int64)
        while len(keys) < self.e:
            a, b = pick(self.e), pick(self.e)
            ok = a != b
            lo, hi = np.minimum(a, b)[ok], np.maximum(a, b)[ok]
            keys = np.unique(np.r_[keys, lo.astype(np.int64) * n + hi])
        keys = r.permutation(keys)[: self.e]
        a, b = np.divmod(keys, n)
        flip = r.random(len(a)) < 0.5
        a, b = np.where(flip, b, a), np.where(flip, a, b)
        weight = np.round(r.uniform(0.1, 1.0, len(a)), 4)
        write_csv(
            d / "edges.csv",
            {"source": ids("n", a), "target": ids("n", b), "kind": "referred", "weight": weight},
            "%.4f",
        )
        (d / "seed.txt").write_text(f"n{a[0]}")

    def pounce_args(self, d: Path) -> list[str]:
        return ["referrals", "rank", "--graph", "edges.csv", "--from", (d / "seed.txt").read_text(), "--out",
                "pounce.csv"]

    def pounce_answer(self, d: Path) -> Any:
        s = pd.read_csv(d / "pounce.csv", dtype={"node": str, "score": float})
        return pd.Series(s["score"].to_numpy(), index=s["node"])

    def peers(self) -> list[Peer]:
        nx = Peer("networkx pagerank", networkx_pagerank, runs=1)
        if not self.networkx:
            nx.skip = "skipped (--skip-networkx)"
        return [Peer("scipy sparse power iteration", scipy_pagerank), nx]

    def agree(self, pounce: Any, peer: Any) -> tuple[bool, str]:
        index = peer.index.union(pounce.index)
        diff = float((pounce.reindex(index, fill_value=0.0) - peer.reindex(index, fill_value=0.0)).abs().max())
        ok = diff <= 1e-6
        return ok, f"{'yes' if ok else 'NO'}: max abs diff {diff:.1e} over {len(index):,} nodes"


def read_edges(d: Path) -> tuple[pd.DataFrame, str]:
    e = pd.read_csv(d / "edges.csv", dtype={"source": str, "target": str, "kind": str, "weight": float})
    if (e["kind"] != "referred").any():
        raise SystemExit("the peers implement the strength of `referred` edges only")
    e["strength"] = np.clip(0.8 * e["weight"].to_numpy(), 0.0, 1.0)
    return e, (d / "seed.txt").read_text()


def scipy_pagerank(d: Path, damping: float = 0.85, tol: float = 1e-10, max_iter: int = 1000) -> pd.Series:
    e, seed = read_edges(d)
    codes, names = pd.factorize(pd.concat([e["source"], e["target"]], ignore_index=True))
    a, b = codes[: len(e)], codes[len(e):]
    s = e["strength"].to_numpy()
    loop = a == b
    rows, cols, vals = np.r_[a, b[~loop]], np.r_[b, a[~loop]], np.r_[s, s[~loop]]
    n = len(names)
    adj = csr_matrix((vals, (rows, cols)), shape=(n, n))  # parallel edges add up
    adj.data = np.minimum(adj.data, 1.0)  # ... capped at 1
    out = np.asarray(adj.sum(axis=1)).ravel()
    dangling = out <= 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    pull = (adj.multiply(inv[:, None])).T.tocsr()  # pull[v, u] = share of u's strength going to v
    p = np.zeros(n)
    p[names.get_loc(seed)] = 1.0
    x = p.copy()
    for _ in range(max_iter):
        new = damping * (pull @ x + x[dangling].sum() * p) + (1.0 - damping) * p
        change = np.abs(new - x).sum()
        x = new
        if change < tol:
            break
    return pd.Series(x, index=np.asarray(names))


def networkx_pagerank(d: Path) -> pd.Series:
    e, seed = read_edges(d)
    g = nx.from_pandas_edgelist(e, "source", "target", edge_attr="strength")
    pr = nx.pagerank(g, alpha=0.85, personalization={seed: 1.0}, weight="strength", tol=1e-10 / len(g),
                     max_iter=1000)
    return pd.Series(pr)


class Recommend(Workload):
    name = "recommend"

    def __init__(self, quick: bool, seed: int, subset: int):
        super().__init__(quick, seed)
        self.n, self.m, self.k = (100, 20_000, 10) if quick else (1_000, 1_000_000, 10)
        self.subset = min(subset, self.n)
        self.size = f"{self.n:,} × {self.m:,}"
        self.note = (
            f"`pounce generate --projects {self.n} --partners {self.m}` (the seed; referrals not used), then Pounce "
            f"`recommend --top {self.k} --format json` (partners for every project, the CSV pool streamed in chunks, "
            f"default threads) vs the numpy peer `benches/peers/recommend_numpy.py` (the same formula with the "
            f"default weights, vectorised over the partners in chunks of 250,000; run in-process). The peer takes "
            f"about 0.4 s of CPU per project at 1,000,000 partners, so it scores only the first {self.subset} "
            f"projects and its time is extrapolated: reading and preparing the pool (pandas, once) + scoring time × "
            f"{self.n} / {self.subset}. Agreement, on those {self.subset} projects: identical top-{self.k} partner "
            f"ids in order and every score within 1e-9 of Pounce's (its JSON output has full precision). The row "
            f"also gives the peer's CPU time (its last run, extrapolated the same way), Pounce's peak resident "
            f"memory (largest over the runs) and its user+sys CPU (median)."
        )

    def generate(self, d: Path) -> None:
        args = ["generate", "--projects", str(self.n), "--partners", str(self.m), "--seed", str(self.seed), "--out",
                str(d)]
        p = subprocess.run([str(POUNCE), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            sys.exit(f"pounce {' '.join(args)} failed ({p.returncode}):\n{p.stderr}")
        (d / "referrals.csv").unlink(missing_ok=True)  # not used here, and large

    def pounce_args(self, d: Path) -> list[str]:
        return ["recommend", "--projects", "projects.csv", "--partners", "partners.csv", "--top", str(self.k),
                "--format", "json", "--out", "pounce.json"]

    def pounce_answer(self, d: Path) -> Any:
        import json

        doc = json.loads((d / "pounce.json").read_text())
        return {r["subject"]: [(p["id"], p["score"]) for p in r["picks"]] for r in doc["recommendations"]}

    def peers(self) -> list[Peer]:
        name = f"numpy, same formula vectorised (first {self.subset} projects, × {self.n // self.subset} extrapolated)"
        return [Peer(name, lambda d: numpy_recommend(d, self.k, self.subset), report=extrapolated)]

    def agree(self, pounce: Any, peer: Any) -> tuple[bool, str]:
        tops, projects = peer["tops"], peer["projects"]
        differ, worst = 0, 0.0
        for p in projects:
            ours, theirs = pounce.get(p, []), tops[p]
            if [q for q, _ in ours] != [q for q, _ in theirs]:
                differ += 1
                continue
            worst = max([worst, *(abs(a - b) for (_, a), (_, b) in zip(ours, theirs))])
        ok = differ == 0 and worst <= 1e-9
        head = (f"yes: identical top-{self.k} ids for the {len(projects)} projects, scores within {worst:.0e}"
                if ok else f"NO: {differ} of {len(projects)} projects differ, max score diff {worst:.1e}")
        return ok, f"{head}; numpy {peer['cpu']:,.1f} s CPU (extrapolated)"

    def annotate(self, words: str, pounce: list[PounceRun]) -> str:
        rss = max(r.rss_kb for r in pounce) / 1024
        cpu = statistics.median(r.cpu for r in pounce)
        return f"{words}; Pounce peak RSS {rss:,.0f} MB, {cpu:.1f} s user+sys CPU"


def numpy_recommend(d: Path, k: int, subset: int) -> dict[str, Any]:
    """The numpy peer on the first `subset` projects; its load and scoring times are kept apart."""
    import csv as csvmod

    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import recommend_numpy as rn

    t0, c0 = time.perf_counter(), time.process_time()
    places = rn.Places()
    pool = rn.Pool(str(d / "partners.csv"), places)
    with open(d / "projects.csv", newline="", encoding="utf-8") as f:
        rows = list(csvmod.DictReader(f))
    projects = [rn.Project(r, places) for r in rows[:subset]]
    scorer = rn.Scorer(pool)
    t1, c1 = time.perf_counter(), time.process_time()
    tops = {p.id: [(str(pool.ids[i]), m) for i, m in scorer.top(p, k, 250_000)] for p in projects}
    t2, c2 = time.perf_counter(), time.process_time()
    scale = len(rows) / max(len(projects), 1)
    return {"tops": tops, "projects": [p.id for p in projects], "total": len(rows), "load": t1 - t0,
            "score": t2 - t1, "cpu": (c1 - c0) + (c2 - c1) * scale}


def extrapolated(answer: dict[str, Any]) -> float:
    """Load once, plus the scoring time of the subset scaled to every project."""
    return answer["load"] + answer["score"] * answer["total"] / max(len(answer["projects"]), 1)


def workloads(quick: bool, seed: int, networkx: bool, recommend_subset: int) -> list[Workload]:
    return [
        DenseOptimal(quick, seed),
        SparseOptimal(quick, seed),
        Stable(quick, seed, *((2_000, 200) if quick else (10_000, 1_000))),
        Stable(quick, seed, *((100_000, 10_000) if quick else (1_000_000, 100_000)), big=True),
        PageRank(quick, seed, networkx),
        Recommend(quick, seed, recommend_subset),
    ]


# ---------------------------------------------------------------------------------------------
# Driver


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        ram = f"{kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        ram = "unknown RAM"
    return f"{os.cpu_count()} cores ({cpu}), {ram}, {platform.system()} {platform.release()}"


def versions() -> str:
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, pandas "
            f"{pd.__version__}, networkx {nx.__version__}, matching {getattr(matching, '__version__', '?')}; "
            f"{rustc}")


def table(rows: list[Row]) -> tuple[str, str]:
    head = ["workload", "size", "pounce median s", "peer", "peer median s", "ratio (peer / pounce)", "agreement"]
    cells = [r.cells() for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(head)]
    line = lambda c: "  ".join(x.ljust(w) for x, w in zip(c, widths))  # noqa: E731
    text = "\n".join([line(head), line(["-" * w for w in widths]), *(line(c) for c in cells)])
    md = "\n".join([
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" for _ in head) + "|",
        *("| " + " | ".join(c) + " |" for c in cells),
    ])
    return text, md


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller instances and 3 runs")
    ap.add_argument("--runs", type=int, help="runs per side (default 5, 3 with --quick)")
    ap.add_argument("--seed", type=int, default=2027)
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these workloads")
    ap.add_argument("--skip-networkx", action="store_true", help="do not run networkx.pagerank (slow)")
    ap.add_argument("--recommend-subset", type=int, default=20, metavar="N",
                    help="projects the numpy recommend peer scores (its time is extrapolated to all)")
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/pounce")
    ap.add_argument("--pounce", type=Path, help="the pounce binary to time (implies --no-build)")
    ap.add_argument("--work", type=Path, default=HERE / "work", help="where instances are written")
    ap.add_argument("--results", type=Path, help="Markdown output (default RESULTS.md; work/RESULTS-quick.md with --quick)")
    a = ap.parse_args()
    runs = a.runs or (3 if a.quick else 5)
    results = a.results or (a.work / "RESULTS-quick.md" if a.quick else HERE / "RESULTS.md")

    global POUNCE
    if a.pounce:
        POUNCE, a.no_build = a.pounce.resolve(), True
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "pounce-cli"], cwd=ROOT, check=True)
    chosen = [w for w in workloads(a.quick, a.seed, not a.skip_networkx, a.recommend_subset)
              if not a.only or w.name in a.only]
    load_start = os.getloadavg()[0]
    rows: list[Row] = []
    all_runs: dict[str, list[PounceRun]] = {}
    for w in chosen:
        if (label := w.placeholder()) is not None:
            rows.append(Row(label, w.size, None, "—", None, "pending"))
            continue
        d = w.dir(a.work)
        d.mkdir(parents=True, exist_ok=True)
        stamp = d / f"instance-{a.seed}.done"
        if not stamp.exists():
            print(f"[{w.name}] generating {w.size} ...", flush=True)
            for old in d.glob("instance-*.done"):
                old.unlink()
            t, _ = timed(lambda: w.generate(d))
            stamp.write_text("")
            print(f"[{w.name}] generated in {t:.1f} s", flush=True)
        pounce_runs: list[PounceRun] = []
        for i in range(runs):
            pounce_runs.append(run_pounce(w.pounce_args(d), d))
            r = pounce_runs[-1]
            print(f"[{w.name}] pounce run {i + 1}/{runs}: {r.wall:.3f} s (cpu {r.cpu:.2f} s, peak RSS "
                  f"{r.rss_kb / 1024:.0f} MB)", flush=True)
        all_runs[w.name] = pounce_runs
        times = [r.wall for r in pounce_runs]
        ours = w.pounce_answer(d)
        pounce = statistics.median(times)
        peers = w.peers()
        if not peers:
            rows.append(Row(w.name, w.size, pounce, "—", None, w.annotate("—", pounce_runs), times))
        for peer in peers:
            if peer.skip:
                rows.append(Row(w.name, w.size, pounce, peer.name, None, w.annotate(peer.skip, pounce_runs), times))
                continue
            peer_times, answer = [], None
            for i in range(peer.runs or runs):
                t, answer = timed(lambda: peer.solve(d))
                shown = t if peer.report is None else peer.report(answer)
                peer_times.append(shown)
                extra = "" if peer.report is None else f" (reported: {shown:.3f} s)"
                print(f"[{w.name}] {peer.name} run {i + 1}/{peer.runs or runs}: {t:.3f} s{extra}", flush=True)
            ok, words = w.agree(ours, answer)
            words = w.annotate(words, pounce_runs)
            rows.append(Row(w.name, w.size, pounce, peer.name, statistics.median(peer_times), words, times, peer_times))
            if not ok:
                print(f"[{w.name}] DISAGREEMENT with {peer.name}: {words}", flush=True)

    text, md = table(rows)
    print()
    print(text)
    command = "benches/peers/.venv/bin/python benches/peers/run.py" + "".join(
        f" {shlex.quote(x)}" for x in sys.argv[1:])
    raw, seen = [], set()
    for r in rows:
        if r.pounce_runs and r.workload not in seen:
            seen.add(r.workload)
            raw.append(f"| {r.workload} | pounce | {', '.join(f'{t:.3f}' for t in r.pounce_runs)} |")
            pr = all_runs.get(r.workload, [])
            raw.append(f"| {r.workload} | pounce user+sys CPU | {', '.join(f'{x.cpu:.2f}' for x in pr)} |")
            raw.append(f"| {r.workload} | pounce peak RSS MB | {', '.join(f'{x.rss_kb / 1024:.0f}' for x in pr)} |")
        if r.peer_runs:
            raw.append(f"| {r.workload} | {r.peer} | {', '.join(f'{t:.3f}' for t in r.peer_runs)} |")
    notes = "\n".join(f"- **{w.name}** ({w.size}): {w.note}" for w in chosen if w.note)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(
        f"# Pounce against peers\n\n"
        f"{md}\n\n"
        f"Median of {runs} runs per side (networkx: 1). Pounce: the `pounce` process end to end (start, reading, "
        f"solving, writing its output file), built with `cargo build --release`, default threads (one per core). "
        f"Peer: the Python function that reads the same CSVs with pandas and solves (interpreter start-up and "
        f"imports excluded). Ratio > 1: Pounce is faster. Every run's user+sys CPU time and peak RSS of Pounce "
        f"are listed at the end.\n\n"
        f"- Date: {now}, commit {commit}\n"
        f"- Machine: {machine()}; load average (1 min) {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        f"the end: anything else running on the machine (here: other builds) adds noise, on both sides\n"
        f"- Software: {versions()}\n"
        f"- Command: `bash benches/peers/setup.sh && {command}` (seed {a.seed})\n\n"
        f"## Workloads\n\n{notes}\n\n"
        f"## Every run (seconds, in order)\n\n| workload | side | runs |\n|---|---|---|\n" + "\n".join(raw) + "\n"
    )
    print(f"\nwritten to {results}")


if __name__ == "__main__":
    main()
