"""Instructions, not seconds: threads against trafilatura on the real HTML pages.

Wall time on a shared machine moves by 30% between runs; the number of
instructions a run executes does not. This script runs, under valgrind's
callgrind, one worker process per tool that parses the pages of
``bench_html_ingest.py`` (WordPress, news-comment and Hacker News pages) once to
warm up and then ``--passes`` more times, and a second worker that only warms
up; the difference divided by the passes is the instructions one pass costs,
imports and start-up excluded. threads runs what ``threads.read`` runs once a
file is decoded (format detection, parsing, the Corpus tables);
trafilatura runs ``extract(include_comments=True)``.

Instructions are a proxy: a loop of Python bytecode and a loop in libxml2 do
not retire the same number of instructions per second, so the ratio here is
not the wall-time ratio (it came out higher, see docs/formats-html.md).

Run: ``python benchmarks/instructions_html.py [--data DIR] [--passes 2]``
(needs ``valgrind``; takes a few minutes); writes
``benchmarks/results/html_instructions.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _worker(tool: str, passes: int, data: Path) -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_html_ingest import pages

    from threads.decode import read_text
    from threads.read import detect_format, make_doc_id

    warnings.simplefilter("ignore")
    docs = [(path, read_text(path)) for _, path, _ in pages(data)]
    if tool == "threads":
        def run(path, text):
            detect_format(text, path).parse(text, path, make_doc_id(path))
    else:
        import trafilatura

        def run(path, text):
            trafilatura.extract(text, include_comments=True)
    for _ in range(1 + passes):
        for path, text in docs:
            run(path, text)


def _instructions(tool: str, passes: int, data: Path) -> int:
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
           sys.executable, __file__, "--worker", tool, "--passes", str(passes), "--data", str(data)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    m = re.search(r"Collected\s*:\s*(\d+)", out)
    if not m:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out[-2000:]}")
    return int(m.group(1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("THREADFRAME_SHARED_DATA", ROOT.parent / "shared" / "data"))
    ap.add_argument("--passes", type=int, default=2)
    ap.add_argument("--worker", choices=("threads", "trafilatura"), help=argparse.SUPPRESS)
    ap.add_argument("--out", default=ROOT / "benchmarks" / "results" / "html_instructions.json")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if args.worker:
        _worker(args.worker, args.passes, data)
        return 0
    if not (data / "threads").is_dir():
        print(f"no real data at {data}/threads (set THREADFRAME_SHARED_DATA)")
        return 1
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)")
        return 1
    per_pass = {}
    for tool in ("threads", "trafilatura"):
        warm = _instructions(tool, 0, data)
        full = _instructions(tool, args.passes, data)
        per_pass[tool] = (full - warm) / args.passes
        print(f"{tool:12s} {per_pass[tool] / 1e6:8.1f} M instructions per pass over the pages")
    ratio = per_pass["trafilatura"] / per_pass["threads"]
    print(f"trafilatura executes {ratio:.2f}x the instructions threads does")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"benchmark": "html_instructions", "passes": args.passes,
                               "instructions_per_pass": {k: round(v) for k, v in per_pass.items()},
                               "ratio": round(ratio, 2)}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
