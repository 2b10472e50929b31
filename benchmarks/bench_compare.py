"""Comparison statistics at corpus scale, against what a user would otherwise write.

    python benchmarks/bench_compare.py [--units 100000] [--boot 2000] [--naive-boot 40]

1. Cluster-bootstrap prevalence (`analysis.prevalence`) on a synthetic tags
   table: N units in documents of 10-90 units, 5 outlets, 6 categories,
   `--boot` replicates; against the obvious pandas loop (for each replicate,
   draw documents with replacement within each outlet, concatenate, group
   and average) run for `--naive-boot` replicates and scaled up. The two
   intervals are printed side by side as a sanity check.
2. Distinctive terms (`analysis.distinctive_terms`, 5 groups one-vs-rest)
   on comments built from the sample corpus's text, against a
   `collections.Counter` implementation of the same Monroe et al. formula;
   the z-scores must agree.

One process. Writes benchmarks/results/compare.json.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import threads  # noqa: E402
from analysis.compare.groups import prevalence  # noqa: E402
from analysis.compare.terms import distinctive_terms, tokenize  # noqa: E402

CATS = ["security", "rights", "geopolitics", "economy", "technology", "whataboutism"]


def synthetic(n_units: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(10, 90, size=n_units // 40 + 1)
    doc = np.repeat(np.arange(len(sizes)), sizes)[:n_units]
    outlet = np.array(list("ABCDE"))[doc % 5]
    p_doc = rng.beta(2, 5, size=(len(sizes), len(CATS)))
    present = rng.random((n_units, len(CATS))) < p_doc[doc]
    units = pd.DataFrame({"unit_id": [f"u{i}" for i in range(n_units)],
                          "doc_id": [f"d{d}" for d in doc], "role": "body", "outlet": outlet})
    tags = pd.DataFrame({"unit_id": np.repeat(units["unit_id"].to_numpy(), len(CATS)),
                         "category": np.tile(CATS, n_units), "present": present.ravel()})
    return units, tags


def naive_bootstrap(units, tags, n_boot, seed=0):
    """What one writes by hand: resample documents per outlet with pandas."""
    wide = tags.pivot(index="unit_id", columns="category", values="present").astype(float)
    df = units.set_index("unit_id").join(wide)
    rng = np.random.default_rng(seed)
    out = {}
    for outlet, g in df.groupby("outlet"):
        docs = g["doc_id"].unique()
        by_doc = {d: x for d, x in g.groupby("doc_id")}
        shares = []
        for _ in range(n_boot):
            pick = rng.choice(docs, size=len(docs), replace=True)
            shares.append(pd.concat([by_doc[d] for d in pick])[CATS].mean())
        out[outlet] = pd.DataFrame(shares).quantile([0.025, 0.975])
    return out


def counter_log_odds(texts_by_group: dict[str, list[str]]):
    counts = {g: Counter(w for t in texts for w in tokenize(t)) for g, texts in texts_by_group.items()}
    total = Counter()
    for c in counts.values():
        total.update(c)
    n_all = sum(total.values())
    a0 = n_all
    rows = {}
    for g, c in counts.items():
        n_i = sum(c.values())
        n_j = n_all - n_i
        for w, y in total.items():
            a = a0 * y / n_all
            yi, yj = c.get(w, 0), y - c.get(w, 0)
            d = math.log((yi + a) / (n_i + a0 - yi - a)) - math.log((yj + a) / (n_j + a0 - yj - a))
            rows[(g, w)] = d / math.sqrt(1 / (yi + a) + 1 / (yj + a))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=100_000)
    ap.add_argument("--boot", type=int, default=2000)
    ap.add_argument("--naive-boot", type=int, default=40)
    ap.add_argument("--comments", type=int, default=20_000)
    args = ap.parse_args()

    units, tags = synthetic(args.units)
    t0 = time.perf_counter()
    prev = prevalence(tags, units, by="outlet", cluster="doc", n_boot=args.boot)
    t_prev = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive = naive_bootstrap(units, tags, args.naive_boot)
    t_naive = (time.perf_counter() - t0) * args.boot / args.naive_boot
    a = prev[(prev["outlet"] == "A") & (prev["category"] == "security")].iloc[0]

    rng = np.random.default_rng(1)
    pool = [t for t in threads.sample_corpus().select()["text"] if t.strip()]
    texts = [" ".join(rng.choice(pool, 2)) for _ in range(args.comments)]
    groups = np.array(list("VWXYZ"))[rng.integers(0, 5, args.comments)]
    cu = pd.DataFrame({"unit_id": [f"c{i}" for i in range(args.comments)], "doc_id": "d",
                       "role": "comment", "group": groups, "text": texts})
    tokenize("warm up")  # import NLTK's tokenizer outside both timings
    t0 = time.perf_counter()
    terms = distinctive_terms(cu, by="group")
    t_terms = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = counter_log_odds({g: cu.loc[cu["group"] == g, "text"].tolist() for g in sorted(set(groups))})
    t_counter = time.perf_counter() - t0
    z_ref = np.array([ref[(g, w)] for g, w in zip(terms["group"], terms["term"], strict=True)])
    max_diff = float(np.max(np.abs(z_ref - terms["z"].to_numpy())))

    rows = [
        ("prevalence, cluster bootstrap", f"{args.units:,} units, {args.boot} replicates", t_prev,
         f"pandas loop (scaled from {args.naive_boot} replicates)", t_naive),
        ("distinctive_terms, 5 groups", f"{args.comments:,} comments", t_terms,
         "collections.Counter + same formula", t_counter),
    ]
    print(f"{'task':32s} {'size':34s} {'threadframe s':>14s} {'alternative s':>14s} {'speed-up':>9s}")
    for task, size, t_ours, _alt, t_alt in rows:
        print(f"{task:32s} {size:34s} {t_ours:14.2f} {t_alt:14.2f} {t_alt / t_ours:8.1f}x")
    print(f"interval check, outlet A security: threadframe {a['ci_low']:.4f}-{a['ci_high']:.4f}, "
          f"naive {naive['A'].loc[0.025, 'security']:.4f}-{naive['A'].loc[0.975, 'security']:.4f} "
          f"({args.naive_boot} replicates)")
    print(f"largest |z| difference against the Counter implementation: {max_diff:.2e}")
    out = ROOT / "benchmarks" / "results" / "compare.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "python": platform.python_version(), "machine": platform.machine(),
        "rows": [{"task": r[0], "size": r[1], "threadframe_s": round(r[2], 3), "alternative": r[3],
                  "alternative_s": round(r[4], 3)} for r in rows],
        "z_max_abs_diff": max_diff,
    }, indent=2) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
