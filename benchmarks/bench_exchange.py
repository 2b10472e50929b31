"""Speed and size of the exchange writers and readers (docs/corpus.md, issue 17).

Builds a synthetic corpus of ``--docs`` threads with ``--comments`` comments
each (bushy reply trees, texts with cue words so the tagger finds frames),
tags it, then times each writer and reader (median of ``--repeat`` runs) and
reports the size of what it wrote. Scaling: the same for a corpus ten times
smaller, so time per unit can be compared (it should stay flat).

    python benchmarks/bench_exchange.py [--docs 200 --comments 100 --repeat 3]

Prints a table and writes benchmarks/results/exchange.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

import threads

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = ("police cameras track people in the city; rights groups say privacy matters; "
            "firms sell facial recognition abroad; the economy needs trade; China exports its model")
WORDS = SENTENCE.split(" ")


def synthetic(docs: int, comments: int, seed: int = 0) -> threads.Corpus:
    rng = random.Random(seed)
    rows, arts = [], []
    for d in range(docs):
        arts.append({"thread": f"t{d}", "outlet": f"Outlet {d % 7}", "title": f"Story {d}",
                     "text": " ".join(rng.choices(WORDS, k=60)) + "\n\n" + " ".join(rng.choices(WORDS, k=40)),
                     "published": f"2024-05-{1 + d % 28:02d}T08:00:00Z"})
        for c in range(comments):
            rows.append({"thread": f"t{d}", "id": f"t{d}-c{c}",
                         "reply_to": f"t{d}-c{rng.randrange(c)}" if c and rng.random() < 0.7 else None,
                         "body": " ".join(rng.choices(WORDS, k=rng.randint(5, 40))),
                         "when": f"2024-05-{1 + d % 28:02d}T{9 + c // 60:02d}:{c % 60:02d}:00Z",
                         "user": f"u{rng.randrange(500)}"})
    return threads.Corpus.from_pandas(pd.DataFrame(rows), pd.DataFrame(arts), doc_id="thread", unit_id="id",
                                      parent_id="reply_to", text="body", published="when", author="user")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds (CPU time is steadier on a machine others share)."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def run(docs: int, comments: int, repeat: int) -> list[dict]:
    from analysis import tag

    corpus = synthetic(docs, comments)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = tag(corpus)
    n = len(corpus.units)
    out = Path(tempfile.mkdtemp())
    jobs = {
        "to_convokit": (lambda: corpus.to_convokit(out / "ck", tags=result), out / "ck"),
        "from_convokit": (lambda: threads.from_convokit(out / "ck"), None),
        "to_refi_qda": (lambda: corpus.to_refi_qda(out / "p.qdpx", tags=result, codes=result.codebook),
                        out / "p.qdpx"),
        "read_refi_qda + coding_sheet": (
            lambda: threads.read_refi_qda(out / "p.qdpx").coding_sheet(include_auto=True), None),
        "to_csv": (lambda: corpus.to_csv(out / "u.csv", tags=result), out / "u.csv"),
        "to_parquet": (lambda: corpus.to_parquet(out / "u.parquet", tags=result), out / "u.parquet"),
        "save (parquet, for scale)": (lambda: corpus.save(out / "saved"), out / "saved"),
    }
    rows = []
    for name, (fn, written) in jobs.items():
        wall, cpu = timed(fn, repeat)
        rows.append({"step": name, "units": n, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
                     "cpu_us_per_unit": round(cpu / n * 1e6, 1),
                     "bytes": _size(written) if written is not None else None})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--comments", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = run(max(1, args.docs // 10), args.comments, args.repeat) + run(args.docs, args.comments, args.repeat)
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    results = {"python": sys.version.split()[0], "machine": platform.machine(), "pandas": pd.__version__,
               "args": vars(args), "rows": rows}
    dest = ROOT / "benchmarks" / "results" / "exchange.json"
    dest.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {dest}")


if __name__ == "__main__":
    main()
