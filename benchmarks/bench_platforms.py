"""Speed and scaling of the structured platform parsers (docs/formats-platforms.md).

Compares ``threads.read`` on Reddit thread JSON with what a user would
otherwise write in a notebook: ``json.load`` plus a recursive walk into a
DataFrame (no more-stubs, no deleted flags, no tree repair). Then checks that
time per comment stays flat as threads grow wide (breadth) and deep (a reply
chain), where the recursive walk fails. Last, Discourse topics of growing
size (time per post must stay flat: it was quadratic, issue 15), against
``json.load`` plus a DataFrame of the posts.

    python benchmarks/bench_platforms.py [--quick]

Prints a table and writes benchmarks/results/platforms.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
from pathlib import Path

import pandas as pd
from _timing import best_of

import threads

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("THREADFRAME_SHARED_DATA", ROOT.parent / "shared" / "data"))
REAL = SHARED / "threads" / "reddit" / "r-funny_3hahrw_sort-confidence.json"


def naive_reddit(path: Path) -> pd.DataFrame:
    """The notebook approach: recursive walk over ``replies``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = []

    def visit(children, parent):
        for child in children:
            if child.get("kind") != "t1":
                continue
            d = child["data"]
            rows.append({"id": d["name"], "parent": parent, "author": d.get("author"),
                         "created": d.get("created_utc"), "text": d.get("body")})
            if d.get("replies"):
                visit(d["replies"]["data"]["children"], d["name"])

    visit(data[1]["data"]["children"], None)
    df = pd.DataFrame(rows)
    df["created"] = pd.to_datetime(df["created"], unit="s", utc=True)
    return df


def synthetic_thread(n: int, depth_limit: int | None, seed: int = 0) -> str:
    """A Reddit thread of ``n`` comments: bushy (random parents) or a single chain."""
    rng = random.Random(seed)
    parents = [-1]
    for i in range(1, n):
        parents.append(i - 1 if depth_limit is None else rng.randrange(-1, i))
    kids: dict[int, list[int]] = {}
    for i, p in enumerate(parents):
        kids.setdefault(p, []).append(i)
    out = ['[{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {"id": "p", "name": "t3_p", '
           '"title": "Synthetic", "selftext": "", "is_self": true, "subreddit": "bench", '
           '"created_utc": 1700000000}}]}}, {"kind": "Listing", "data": {"children": [']
    # iterative writer: (node, state) where state 0 = open, 1 = close
    stack = [(i, 0) for i in reversed(kids.get(-1, []))]
    first = [True]
    while stack:
        node, state = stack.pop()
        if state == 1:
            out.append("]}}}}")
            first.pop()
            continue
        if not first[-1]:
            out.append(", ")
        first[-1] = False
        parent = "t3_p" if parents[node] == -1 else f"t1_c{parents[node]}"
        data = {"id": f"c{node}", "name": f"t1_c{node}", "parent_id": parent, "author": f"user{node % 97}",
                "body": f"Comment {node} about security, rights and the export of surveillance.",
                "created_utc": 1700000000 + node}
        out.append('{"kind": "t1", "data": ' + json.dumps(data)[:-1]
                   + ', "replies": {"kind": "Listing", "data": {"children": [')
        first.append(True)
        stack.append((node, 1))
        stack.extend((k, 0) for k in reversed(kids.get(node, [])))
    out.append("]}}]")
    return "".join(out)


def synthetic_topic(n: int) -> str:
    """A Discourse topic of ``n`` posts, each replying to an earlier one, all ids in the stream."""
    posts = [{"id": 1000 + i, "post_number": i + 1, "username": f"user{i % 97}",
              "cooked": f"<p>Post {i} about security, rights and the export of surveillance.</p>",
              "created_at": "2024-01-01T00:00:00Z", "reply_to_post_number": (i // 2) if i > 1 else None}
             for i in range(n)]
    return json.dumps({"id": 1, "title": "Synthetic", "slug": "synthetic",
                       "post_stream": {"posts": posts, "stream": [p["id"] for p in posts]}})


def naive_discourse(path: Path) -> pd.DataFrame:
    data = json.loads(path.read_text(encoding="utf-8"))
    return pd.DataFrame([{"id": p["id"], "parent": p.get("reply_to_post_number"),
                          "author": p.get("username"), "html": p.get("cooked")}
                         for p in data["post_stream"]["posts"]])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (CI smoke run)")
    args = ap.parse_args()
    rows = []
    repeat = 2 if args.quick else 3
    if REAL.exists():
        t_tf = best_of(lambda: threads.read(REAL), repeat)
        t_naive = best_of(lambda: naive_reddit(REAL), repeat)
        n = int((threads.read(REAL).units["role"] == "comment").sum())
        rows.append({"case": "real Reddit thread (r/funny, 476 comments)", "comments": n,
                     "threadframe_s": t_tf, "naive_recursive_s": t_naive})
    else:
        print(f"(real data {REAL} absent: skipping the real-thread row)", file=sys.stderr)
    sizes = [(2000, "bushy"), (500, "chain"), (5000, "chain")]
    if not args.quick:
        sizes += [(20000, "bushy"), (50000, "bushy"), (20000, "chain")]
    with tempfile.TemporaryDirectory() as tmp:
        for n, shape in sizes:
            path = Path(tmp) / f"{shape}-{n}.json"
            path.write_text(synthetic_thread(n, None if shape == "chain" else 1))
            times = repeat if n <= 5000 else 1
            t_tf = best_of(lambda p=path: threads.read(p), times)
            try:
                t_naive = best_of(lambda p=path: naive_reddit(p), times)
            except RecursionError:
                t_naive = float("nan")  # the recursive walk (or json.loads) hits the recursion limit
            rows.append({"case": f"synthetic {shape}, {n:,} comments", "comments": n,
                         "threadframe_s": t_tf, "naive_recursive_s": t_naive})
        for n in [2000, 5000] + ([] if args.quick else [20000, 100000]):
            path = Path(tmp) / f"topic-{n}.json"
            path.write_text(synthetic_topic(n))
            times = repeat if n <= 5000 else 1
            rows.append({"case": f"synthetic Discourse topic, {n:,} posts", "comments": n - 1,
                         "threadframe_s": best_of(lambda p=path: threads.read(p), times),
                         "naive_recursive_s": best_of(lambda p=path: naive_discourse(p), times)})
    table = pd.DataFrame(rows)
    table["threadframe_us_per_comment"] = table["threadframe_s"] / table["comments"] * 1e6
    table["time_vs_naive"] = table["threadframe_s"] / table["naive_recursive_s"]
    with pd.option_context("display.width", 200, "display.float_format", "{:.3f}".format):
        print(table.to_string(index=False))
    print("naive_recursive_s = NaN: the recursive walk failed with RecursionError")
    out = ROOT / "benchmarks" / "results" / "platforms.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "benchmark": "platforms", "python": platform.python_version(), "machine": platform.machine(),
        "quick": args.quick, "pandas": pd.__version__,
        "rows": json.loads(table.to_json(orient="records")),
    }, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
