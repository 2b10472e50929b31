"""Scale: Reddit dump (zstd NDJSON) -> on-disk corpus dataset, peak memory and time by size.

Generates its own Reddit-like dumps: submissions (``RS_bench.zst``) and
comments (``RC_bench.zst``) in time order across threads, threads of about
125 comments (a reply tree: each comment answers the submission or an
earlier comment of its thread), texts drawn from the real article and
comment paragraphs of the bundled sample corpus, a few [deleted] bodies and
parents outside the file (orphans). Then, in a fresh process per size (so
peak RSS is that step's alone), runs::

    threads.write_dataset([RS, RC], OUT)      # parse -> dataset, two passes

and reports wall time, peak RSS (ru_maxrss) and the per-million costs, plus
the reply-tree steps at the largest size: ``repair_reply_tree`` and
``thread_root`` on the assembled units.

    .venv/bin/python benchmarks/bench_scale.py                 # 1M and 2M comments
    .venv/bin/python benchmarks/bench_scale.py --sizes 1e6 2e6 5e6

Writes benchmarks/results/scale.json. Needs about 1.5 GB of disk per million
comments in a temporary folder (``--workdir``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "scale.json"
THREAD_SIZE = 125


def text_pool() -> list[str]:
    import threads

    u = threads.sample_corpus().units
    texts = [t for t in u.loc[u["role"].isin(["body", "comment"]), "text"] if isinstance(t, str) and len(t) > 20]
    return texts


def generate(n_comments: int, folder: Path, seed: int = 0) -> tuple[Path, Path, dict]:
    """Write RS/RC dumps with ``n_comments`` comments; returns their paths and what is in them."""
    import zstandard

    rng = np.random.default_rng(seed)
    pool = text_pool()
    n_threads = max(1, n_comments // THREAD_SIZE)
    subs = folder / "RS_bench.zst"
    comments = folder / "RC_bench.zst"
    start = 1_600_000_000
    thread_start = np.sort(rng.integers(start, start + 30 * 86400, n_threads))
    with open(subs, "wb") as fh, zstandard.ZstdCompressor(level=3).stream_writer(fh) as w:
        for t in range(n_threads):
            w.write((json.dumps({
                "id": f"s{t:x}", "name": f"t3_s{t:x}", "subreddit": f"sub{t % 50}", "author": f"op{t % 997}",
                "title": pool[t % len(pool)][:120], "selftext": pool[(t * 7) % len(pool)] if t % 3 == 0 else "",
                "is_self": t % 3 == 0, "url": f"https://example.org/{t}", "permalink": f"/r/sub{t % 50}/comments/s{t:x}/",
                "created_utc": int(thread_start[t])}) + "\n").encode())
    # comments: thread t gets a block; written in time order across threads, chunk by chunk
    thread = np.repeat(np.arange(n_threads), THREAD_SIZE)[:n_comments]
    if len(thread) < n_comments:
        thread = np.concatenate([thread, rng.integers(0, n_threads, n_comments - len(thread))])
    when = thread_start[thread] + rng.integers(1, 3 * 86400, n_comments)
    order = np.argsort(when, kind="stable")
    # within a thread, in time order; a comment answers the thread (30%) or an earlier comment
    rank = np.empty(n_comments, dtype=np.int64)
    rank[order] = np.arange(n_comments)
    deleted = rng.random(n_comments) < 0.02
    orphan = rng.random(n_comments) < 0.001
    texts = rng.integers(0, len(pool), n_comments)
    by_thread: dict[int, list[int]] = {}
    with open(comments, "wb") as fh, zstandard.ZstdCompressor(level=3).stream_writer(fh) as w:
        buf = []
        for i in order.tolist():
            t = int(thread[i])
            earlier = by_thread.setdefault(t, [])
            if earlier and rng.random() > 0.3:
                parent = f"t1_c{earlier[int(rng.integers(max(0, len(earlier) - 20), len(earlier)))]:x}"
            else:
                parent = f"t3_s{t:x}"
            if orphan[i]:
                parent = f"t1_gone{i:x}"
            earlier.append(i)
            if len(earlier) == THREAD_SIZE:
                by_thread.pop(t)
            buf.append(json.dumps({
                "id": f"c{i:x}", "link_id": f"t3_s{t:x}", "parent_id": parent, "subreddit": f"sub{t % 50}",
                "author": "[deleted]" if deleted[i] else f"user{int(texts[i]) * 31 % 50021}",
                "body": "[deleted]" if deleted[i] else pool[int(texts[i])], "created_utc": int(when[i]),
                "score": int(texts[i]) % 40}))
            if len(buf) == 10_000:
                w.write(("\n".join(buf) + "\n").encode())
                buf = []
        if buf:
            w.write(("\n".join(buf) + "\n").encode())
    info = {"comments": n_comments, "threads": n_threads, "orphans": int(orphan.sum()),
            "rs_bytes": subs.stat().st_size, "rc_bytes": comments.stat().st_size}
    return subs, comments, info


def child(args: list[str]) -> None:
    """Run one measured step in this fresh process and print its numbers as JSON."""
    import warnings

    import threads

    step, *paths = args
    warnings.simplefilter("ignore")  # orphans warn; they are counted below
    t0 = time.perf_counter()
    if step == "parse":
        *inputs, out = paths
        ds = threads.write_dataset(inputs, out, progress=False)
        result = {"seconds": time.perf_counter() - t0, "units": len(ds), "documents": ds.manifest["documents"],
                  "problems": ds.manifest["problems"], "partitions": ds.n_partitions}
    elif step == "tree":  # the reply-tree steps on the assembled units of the whole corpus
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from reference_walk import thread_root as walked_root

        from threads.tree import repair_reply_tree, thread_root

        units = threads.open_corpus(paths[0]).to_corpus().units
        units = units.assign(parent_id=units["parent_id"].where(units["flags"] != "orphan"))
        t0 = time.perf_counter()
        repair_reply_tree(units)
        t1 = time.perf_counter()
        thread_root(units)
        t2 = time.perf_counter()
        walked_root(units)
        t3 = time.perf_counter()
        result = {"units": len(units), "repair_reply_tree_s": t1 - t0, "thread_root_s": t2 - t1,
                  "thread_root_per_row_walk_s": t3 - t2}
    else:
        raise SystemExit(f"unknown step {step}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime  # steadier than wall time on a shared machine
    print(json.dumps(result))


def measure(*args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True,
                         env=env, check=False)
    if out.returncode:
        raise SystemExit(f"step {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", type=float, default=[1e6, 2e6], help="comments per run")
    ap.add_argument("--workdir", type=Path, default=None, help="folder for the generated dumps (temporary)")
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench-scale-", dir=args.workdir))
    rows = []
    try:
        for size in [int(s) for s in args.sizes]:
            folder = work / f"n{size}"
            folder.mkdir()
            t0 = time.perf_counter()
            rs, rc, info = generate(size, folder)
            info["generate_s"] = time.perf_counter() - t0
            parse = measure("parse", str(rs), str(rc), str(folder / "dataset"))
            row = {"size": size, **info, "parse": parse,
                   "parse_s_per_million": parse["seconds"] / size * 1e6,
                   "parse_cpu_s_per_million": parse["cpu_seconds"] / size * 1e6,
                   "input_mb": (info["rs_bytes"] + info["rc_bytes"]) / 2**20}
            print(f"{size:>9,} comments: parse -> dataset {parse['seconds']:7.1f} s wall, "
                  f"{parse['cpu_seconds']:7.1f} s CPU ({row['parse_cpu_s_per_million']:.1f} CPU s per million), "
                  f"peak RSS {parse['peak_rss_mb']:,.0f} MB, "
                  f"input {row['input_mb']:.0f} MB zstd, {parse['partitions']} partitions, "
                  f"{parse['units']:,} units", flush=True)
            rows.append(row)
            if size == max(int(s) for s in args.sizes):
                tree = measure("tree", str(folder / "dataset"))
                row["tree"] = tree
                print(f"{'':>9} reply tree on {tree['units']:,} units: repair_reply_tree "
                      f"{tree['repair_reply_tree_s']:.2f} s, thread_root {tree['thread_root_s']:.2f} s "
                      f"(per-row walk {tree['thread_root_per_row_walk_s']:.2f} s)", flush=True)
            shutil.rmtree(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"runs": rows}, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
