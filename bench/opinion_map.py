"""Opinion-map benchmark (issue 7; ``shared/design/opinion-map.md`` §3–4), run on demand:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/opinion_map.py
    .venv/bin/python bench/opinion_map.py --sizes 10000x300 --repeat 3 \
        --reddwarf-python /tmp/rd-venv/bin/python

Data: planted groups of 50 / 30 / 20 % (``danchu.consultation.map_synthetic``, the §3.1 recipe,
about 71 % of the cells missing), one fixed seed per size.

Methods, each run in its own child process (so peak resident memory is that method's, data
included), single-threaded, median of ``--repeat`` runs:

- ``floor``: the plain numpy/scikit-learn pass of §3.1 — dense matrix from the vote arrays,
  column-mean imputation, ``PCA(2)``, √(m/nᵢ) scaling, ``KMeans(k, n_init=1)`` for k = 2..5 on
  participants with ≥ 7 votes, silhouette on a fixed 5,000 sample, then repness (top 5 by score),
  classic and group-aware consensus and priority, vectorised;
- ``danchu``: :func:`danchu.consultation.opinion_map.compute_map` from the same arrays
  (building the sparse vote table included);
- ``reddwarf``: red-dwarf's ``run_pipeline`` end to end (building its list of vote dicts is
  timed separately), only when ``--reddwarf-python`` names an interpreter that has it (it is a
  benchmark peer, never a project dependency).

Prints seconds, peak RSS and the adjusted Rand index against the planted groups over the
participants every method clusters (≥ 7 votes), and the goal: danchu ≤ the floor's time at
50,000 × 1,000 with ARI ≥ the floor's − 0.01.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
SEEDS = {"1000x100": 11, "10000x300": 12, "50000x1000": 13}
SINGLE_THREAD = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    )
}


def _data(size: str):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(SRC))
    from danchu.consultation.map_synthetic import planted_votes

    n, m = (int(x) for x in size.split("x"))
    return planted_votes(n, m, seed=SEEDS.get(size, 1))


def _floor(data):  # type: ignore[no-untyped-def]
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.metrics import silhouette_score

    n, m = data.n_participants, data.n_statements
    dense = np.full((n, m), np.nan, dtype=np.float32)
    dense[data.participant, data.statement] = data.vote
    voted = ~np.isnan(dense)
    counts = voted.sum(axis=1)
    means = np.nanmean(np.where(voted.any(axis=0), dense, 0), axis=0)
    imputed = np.where(voted, dense, means)
    projected = PCA(n_components=2).fit_transform(imputed)
    projected *= np.sqrt(m / np.maximum(counts, 1))[:, None]
    clustered = np.flatnonzero(counts >= 7)
    points = projected[clustered]
    rng = np.random.default_rng(0)
    sample = rng.choice(points.shape[0], size=min(5000, points.shape[0]), replace=False)
    best = (-2.0, None)
    for k in range(2, 6):
        labels = KMeans(k, n_init=1, random_state=0).fit_predict(points)
        score = silhouette_score(points[sample], labels[sample])
        if score > best[0]:
            best = (score, labels)
    labels = best[1]
    k = int(labels.max()) + 1
    one_hot = np.zeros((k, clustered.size))
    one_hot[labels, np.arange(clustered.size)] = 1
    rows = np.nan_to_num(dense[clustered])
    agree = one_hot @ (rows == 1)
    disagree = one_hot @ ((rows == -1) & voted[clustered])
    votes = one_hot @ voted[clustered]
    z = 1.2816

    def prop(s, t):  # type: ignore[no-untyped-def]
        return 2 * np.sqrt(t + 1) * ((s + 1) / (t + 1) - 0.5)

    def two(s, t, o, ot):  # type: ignore[no-untyped-def]
        q = (s + o + 2) / (t + ot + 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = ((s + 1) / (t + 1) - (o + 1) / (ot + 1)) / np.sqrt(
                q * (1 - q) * (1 / (t + 1) + 1 / (ot + 1))
            )
        return np.nan_to_num(r)

    rep = []
    for counts_x in (agree, disagree):
        other = counts_x.sum(0) - counts_x
        other_s = votes.sum(0) - votes
        p = (counts_x + 1) / (votes + 2)
        r = p / ((other + 1) / (other_s + 2))
        rep.append((p, prop(counts_x, votes), r, two(counts_x, votes, other, other_s)))
    (pa, pat, ra, rat), (pd, pdt, rd, rdt) = rep
    sig = ((pat > z) & (rat > z)) | ((pdt > z) & (rdt > z))
    score = np.where(rat > rdt, ra * rat * pa * pat, rd * rdt * pd * pdt)
    top = np.argsort(-np.where(sig, score, -np.inf), axis=1)[:, :5]
    all_votes = voted.sum(0)
    all_agree = (np.nan_to_num(dense) == 1).sum(0)
    p_all = (all_agree + 1) / (all_votes + 2)
    consensus = np.argsort(-np.where((p_all > 0.5) & (prop(all_agree, all_votes) > z), p_all, 0))
    gac = np.prod(pa, axis=0)
    priority = (p_all * (1 + 8 * 2 ** (-all_votes / 5))) ** 2
    return clustered, labels, (top, consensus[:5], gac, priority)


def _danchu(data):  # type: ignore[no-untyped-def]
    import numpy as np

    from danchu.consultation.opinion_map import VoteTable, compute_map

    table = VoteTable.from_events(
        data.participant,
        data.statement,
        data.vote,
        n_participants=data.n_participants,
        n_statements=data.n_statements,
    )
    result = compute_map(table)
    clustered = np.flatnonzero(result.labels >= 0)
    return clustered, result.labels[clustered], result


def _reddwarf(data):  # type: ignore[no-untyped-def]
    import numpy as np
    from reddwarf.implementations.base import run_pipeline

    started = time.perf_counter()
    votes = [
        {"participant_id": int(p), "statement_id": int(s), "vote": int(v)}
        for p, s, v in zip(data.participant, data.statement, data.vote, strict=True)
    ]
    build = time.perf_counter() - started
    result = run_pipeline(votes=votes, random_state=0)
    ids = np.asarray(result.participants_df.index, dtype=np.int64)
    labels = np.asarray(result.participants_df["cluster_id"])
    keep = ~np.isnan(labels.astype(float))
    return ids[keep], labels[keep].astype(int), {"build_seconds": build}


def _child(method: str, size: str) -> None:
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    data = _data(size)
    # Imports before the clock: each method is timed on its work, not on loading modules.
    if method == "reddwarf":
        import reddwarf.implementations.base  # noqa: F401
    else:
        import sklearn.cluster  # noqa: F401
        import sklearn.decomposition  # noqa: F401
        import sklearn.metrics  # noqa: F401

        import danchu.consultation.opinion_map  # noqa: F401
    run = {"floor": _floor, "danchu": _danchu, "reddwarf": _reddwarf}[method]
    started = time.perf_counter()
    clustered, labels, extra = run(data)
    seconds = time.perf_counter() - started
    # ARI over the participants every method clusters: those with ≥ 7 votes.
    counts = np.bincount(data.participant, minlength=data.n_participants)
    common = np.flatnonzero(counts >= 7)
    label_of = np.full(data.n_participants, -1)
    label_of[clustered] = labels
    common = common[label_of[common] >= 0]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "ari": adjusted_rand_score(data.group[common], label_of[common]),
                "k": int(np.unique(labels).size),
                "votes": int(data.vote.size),
                "missing": 1 - data.vote.size / (data.n_participants * data.n_statements),
                "extra": extra if isinstance(extra, dict) else {},
            }
        )
    )


def _measure(python: str, method: str, size: str, repeat: int) -> dict[str, float] | None:
    runs = []
    env = {**os.environ, **SINGLE_THREAD, "PYTHONPATH": str(SRC)}
    for _ in range(repeat):
        done = subprocess.run(
            [python, __file__, "--child", method, "--sizes", size],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if done.returncode != 0:
            print(f"  {method} {size}: failed\n{done.stderr[-2000:]}")
            return None
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "ari": runs[0]["ari"],
        "k": runs[0]["k"],
        "votes": runs[0]["votes"],
        "missing": runs[0]["missing"],
        "all_seconds": [round(r["seconds"], 2) for r in runs],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000x300,50000x1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reddwarf-python", default="")
    parser.add_argument("--reddwarf-sizes", default="10000x300")
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.sizes)
        return 0
    ok = True
    for size in args.sizes.split(","):
        print(f"{size} (participants x statements)")
        floor = _measure(sys.executable, "floor", size, args.repeat)
        mine = _measure(sys.executable, "danchu", size, args.repeat)
        peers = {"floor": floor, "danchu": mine}
        if args.reddwarf_python and size in args.reddwarf_sizes.split(","):
            peers["red-dwarf"] = _measure(args.reddwarf_python, "reddwarf", size, 1)
        for name, figures in peers.items():
            if figures:
                print(
                    f"  {name:9} {figures['seconds']:7.2f} s {figures['all_seconds']}"
                    f"  peak {figures['peak_mb']:7.0f} MB  ARI {figures['ari']:.4f}"
                    f"  k={figures['k']}  votes {figures['votes']:,}"
                    f"  missing {figures['missing']:.1%}"
                )
        if floor and mine:
            ratio = mine["seconds"] / floor["seconds"]
            within = mine["ari"] >= floor["ari"] - 0.01
            print(f"  danchu/floor time {ratio:.2f}x; ARI within 0.01 of the floor: {within}")
            if size == "50000x1000":
                ok = ok and ratio <= 1.0 and within
    print("goal met" if ok else "goal NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
