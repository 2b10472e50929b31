"""How long threads.read takes on big plain-text scrapes, against a plain
``str.split('\\n')`` paragraph splitter, at 5, 10, 25 and 50 MB.

Two kinds of file: a Techdirt post with a huge reader-comment thread (the
sample's thread repeated: profile detection, comment segmentation, Re: depth
and parents) and a long generic article (the AFP sample repeated: paragraphs
only). Time per MB should stay flat as the size grows (linear time).

    python benchmarks/bench_text_parse.py [--sizes 5 10 25 50]

Prints a table and writes benchmarks/results/text_parse.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import tempfile
import time
import warnings
from pathlib import Path

import threads

SAMPLE = Path(threads.__file__).parent / "data" / "sample"
RESULTS = Path(__file__).parent / "results" / "text_parse.json"


def make_thread(mb: float) -> str:
    seed = (SAMPLE / "techdirt-ecuador.txt").read_text(encoding="utf-8")
    head, marker, thread = seed.partition("Reader Comments\n")
    n = max(1, int(mb * 1_000_000 / len(thread.encode("utf-8"))))
    return head + marker + thread * n


def make_article(mb: float) -> str:
    seed = (SAMPLE / "afp.txt").read_text(encoding="utf-8") + "\n"
    n = max(1, int(mb * 1_000_000 / len(seed.encode("utf-8"))))
    return seed * n


def plain_split(path: Path) -> int:
    """What a user would write without threadframe: lines as paragraphs."""
    text = path.read_text(encoding="utf-8")
    return len([p for p in text.split("\n") if p.strip()])


def threadframe_read(path: Path) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return len(threads.read(path).units)


def timed(fn, path: Path, repeat: int) -> tuple[float, float, int]:
    """Fastest wall-clock and fastest CPU seconds of ``repeat`` runs. CPU time
    is what other processes on a shared machine disturb least."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        n = fn(path)
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[5, 10, 25, 50], help="sizes in MB")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per measurement; the fastest counts (the machine may be shared)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm-up.txt"  # imports and profile loading are not part of the timing
        warm.write_text(make_thread(0.05), encoding="utf-8")
        threadframe_read(warm)
        for kind, make in (("techdirt thread", make_thread), ("generic article", make_article)):
            for mb in args.sizes:
                path = Path(tmp) / f"{kind.split()[0]}-{mb:g}mb.txt"
                path.write_text(make(mb), encoding="utf-8")
                size = path.stat().st_size / 1e6
                w_split, c_split, n_split = timed(plain_split, path, args.repeat)
                w_tf, c_tf, n_units = timed(threadframe_read, path, args.repeat)
                rows.append({"kind": kind, "mb": round(size, 2),
                             "split_wall_s": round(w_split, 3), "split_cpu_s": round(c_split, 3),
                             "threadframe_wall_s": round(w_tf, 3), "threadframe_cpu_s": round(c_tf, 3),
                             "cpu_s_per_mb": round(c_tf / size, 4), "cpu_ratio": round(c_tf / max(c_split, 1e-3), 1),
                             "units": n_units, "paragraphs": n_split})
                path.unlink()
                r = rows[-1]
                print(f"{r['kind']:<16} {r['mb']:>6.1f} MB | split {r['split_wall_s']:>6.3f} s wall "
                      f"{r['split_cpu_s']:>6.3f} s cpu | threadframe {r['threadframe_wall_s']:>7.3f} s wall "
                      f"{r['threadframe_cpu_s']:>7.3f} s cpu ({r['cpu_s_per_mb']:.3f} s/MB) | "
                      f"{r['units']:,} units", flush=True)
    # linear time: seconds per MB at the largest size vs the smallest
    linearity = {}
    for kind in {r["kind"] for r in rows}:
        rs = sorted((r for r in rows if r["kind"] == kind), key=lambda r: r["mb"])
        linearity[kind] = round(rs[-1]["cpu_s_per_mb"] / rs[0]["cpu_s_per_mb"], 2)
    print("\nCPU s/MB at the largest size / at the smallest (1.0 = exactly linear):")
    for kind, v in sorted(linearity.items()):
        print(f"  {kind:<16} {v}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "benchmark": "text_parse", "python": platform.python_version(), "machine": platform.machine(),
        "baseline": "Path.read_text + [p for p in text.split('\\n') if p.strip()]",
        "repeat": args.repeat, "timing": "fastest of `repeat` runs, seconds",
        "rows": rows, "linearity_s_per_mb_ratio": linearity}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
