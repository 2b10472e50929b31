"""Quality and speed of the HTML formats on real pages with gold snippets.

For every page in ``<shared>/threads/wordpress`` and ``<shared>/threads/news-comments``
(gold snippets in each folder's ``gold-snippets.json``) and the Hacker News
item page, it reports:

- ``with``: body snippets found in the body units (role ``body``),
- ``without``: excluded snippets that leaked into the body units,
- ``comments``: comment snippets found inside comment units,
- ``n_comments`` against ``n_source``: comments counted independently in the raw
  HTML (distinct N of ``id="comment-N"``/``li-comment-N``/``div-comment-N``;
  HN: ``tr.athing.comtr`` rows), by regular expressions, not by the parser,
- the time of ``threads`` end to end, from decoded text to the pandas tables
  of a Corpus, format detection included (``ms_corpus``: what a user of
  ``threads.read`` waits for once the file is decoded, the headline), of its
  structured parsing alone (decoded text -> unit records with roles, authors,
  times and the reply tree, no tables: ``ms_threads``), and of
  ``trafilatura.extract(include_comments=True)`` on the same text (flat text,
  no reply structure; ``ms_trafilatura``), best of ``--repeat`` interleaved
  runs each, in the same process. ``--clock cpu`` times with the process's
  CPU time instead of wall time, for a machine shared with other jobs.
- for context: ``ms_lxml``, libxml2 building the page's tree and nothing else
  (a floor both tools stand on), and ``ms_traf_fast``, trafilatura with
  ``fast=True`` (no fallback extractors), a setting a user might pick for speed.

Run: ``python benchmarks/bench_html_ingest.py [--data DIR] [--repeat 5] [--clock wall|cpu]``;
writes ``benchmarks/results/html_ingest.json``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_COMMENT_ID = re.compile(r"""\bid\s*=\s*["'](?:li-|div-)?comment-(\d+)["']""", re.I)
_HN_ROW = re.compile(r"""<tr[^>]+class\s*=\s*["']athing comtr["']""", re.I)


def norm(s: str) -> str:
    return " ".join(s.split())


def count_source_comments(html: str) -> int:
    hn = len(_HN_ROW.findall(html))
    return hn if hn else len(set(_COMMENT_ID.findall(html)))


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = time.perf_counter


def best_time(fn, args: tuple, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = clock()
        fn(*args)
        best = min(best, clock() - t)
    return best


def _trafilatura_with_comments(trafilatura, text: str):
    return trafilatura.extract(text, include_comments=True)


def _trafilatura_fast(trafilatura, text: str):
    return trafilatura.extract(text, include_comments=True, fast=True)


def _threads_from_text(text: str, path: Path, doc_id: str):
    """What ``threads.read`` does once the file is decoded: detect the format, parse."""
    from threads.read import detect_format

    return detect_format(text, path).parse(text, path, doc_id)


def deep_page(n: int) -> str:
    opening = "".join(
        f'<li class="comment" id="comment-{i}"><div class="comment-author"><cite class="fn">u{i % 7}</cite>'
        f'</div><div class="comment-content"><p>reply number {i}</p></div><ol class="children">'
        for i in range(n))
    return ('<html><head><link rel="stylesheet" href="/wp-content/x.css"></head><body><article class="post">'
            '<div class="entry-content"><p>' + "word " * 60 + '</p></div></article><ol class="commentlist">'
            + opening + "</ol></li>" * n + "</ol></body></html>")


def tree_builder(text: str) -> str:
    """Which parser builds the tree: libxml2, or the standard library's tokenizer when
    the page nests deeper than libxml2's limit (the condition ``parse_html`` checks)."""
    import lxml.etree as etree

    parser = etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True, encoding="utf-8")
    etree.fromstring(text.encode("utf-8"), parser=parser)
    deep = any("depth" in e.message.lower() for e in parser.error_log
               if e.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in e.message)
    return "html.parser" if deep else "libxml2"


def deep_scaling(repeat: int) -> list[dict]:
    """Time per comment must stay flat as the chain gets deeper (linear, no recursion)."""
    from threads.formats.wordpress import extract

    rows = []
    for n in (500, 1000, 2000, 4000):
        text = deep_page(n)
        t = best_time(extract, (text, Path(f"deep{n}.html"), f"deep{n}"), max(1, repeat // 2))
        rows.append({"comments": n, "depth": n, "tree_builder": tree_builder(text),
                     "ms_threads": round(t * 1000, 1), "us_per_comment": round(t * 1e6 / n, 1)})
    return rows


def pages(data: Path):
    for folder in ("wordpress", "news-comments"):
        gold_path = data / "threads" / folder / "gold-snippets.json"
        if not gold_path.exists():
            continue
        for url, g in json.loads(gold_path.read_text("utf-8")).items():
            yield folder, data / "threads" / folder / g["file"], {**g, "url": url}
    for f in sorted((data / "threads" / "hackernews").glob("*.html")):
        yield "hackernews", f, {"with": [], "without": [], "comments": [], "url": None}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.environ.get("THREADFRAME_SHARED_DATA", ROOT.parent / "shared" / "data"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", default=ROOT / "benchmarks" / "results" / "html_ingest.json")
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                    help="wall time (default) or the process's CPU time (steadier on a shared machine)")
    args = ap.parse_args(argv)
    global clock
    clock = CLOCKS[args.clock]
    data = Path(args.data)
    if not (data / "threads").is_dir():
        print(f"no real data at {data}/threads (set THREADFRAME_SHARED_DATA)")
        return 1

    import pandas as pd
    import trafilatura

    from threads.decode import read_text
    from threads.formats._html import parse_html
    from threads.read import detect_format, make_doc_id

    rows = []
    for folder, path, gold in pages(data):
        text = read_text(path)
        fmt = detect_format(text, path)
        doc_id = make_doc_id(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            corpus = fmt.parse(text, path, doc_id)
            extract = importlib.import_module(f"threads.formats.{fmt.name}").extract
            # interleaved, so that all of them see the same load on a shared machine
            t_ours = t_corpus = t_traf = t_fast = t_lxml = float("inf")
            for _ in range(args.repeat):
                t_ours = min(t_ours, best_time(extract, (text, path, doc_id), 1))
                t_corpus = min(t_corpus, best_time(_threads_from_text, (text, path, doc_id), 1))
                t_traf = min(t_traf, best_time(_trafilatura_with_comments, (trafilatura, text), 1))
                t_fast = min(t_fast, best_time(_trafilatura_fast, (trafilatura, text), 1))
                t_lxml = min(t_lxml, best_time(parse_html, (text, path), 1))
        u = corpus.units
        body = norm(" ".join(u.loc[u["role"] == "body", "text"]))
        comments = [norm(t) for t in u.loc[u["role"] == "comment", "text"]]
        found = [s for s in gold["with"] if norm(s) in body]
        leaked = [s for s in gold["without"] if norm(s) in body]
        placed = [s for s in gold["comments"] if any(norm(s) in c for c in comments)]
        n_comments = int((u["role"] == "comment").sum())
        d = corpus.docs.iloc[0]
        meta_checks = [(k, gold.get(k), v) for k, v in (
            ("title", d["title"]), ("author", d["author"]),
            ("date", None if d["published"] is pd.NaT or pd.isna(d["published"]) else str(d["published"])[:10]))
            if gold.get(k)]
        meta_ok = [k for k, want, got in meta_checks
                   if isinstance(got, str) and (norm(want).casefold() in norm(got).casefold())]
        n_source = count_source_comments(text)
        rows.append({
            "page": path.name, "folder": folder, "format": fmt.name,
            "with": f"{len(found)}/{len(gold['with'])}",
            "without_leaked": f"{len(leaked)}/{len(gold['without'])}",
            "comments": f"{len(placed)}/{len(gold['comments'])}",
            "n_comments": n_comments, "n_source": n_source,
            "metadata": f"{len(meta_ok)}/{len(meta_checks)}",
            "max_depth": int(u.loc[u["role"] == "comment", "depth"].max() or 0) if n_comments else 0,
            "ms_corpus": round(t_corpus * 1000, 1), "ms_trafilatura": round(t_traf * 1000, 1),
            "speedup": round(t_traf / t_corpus, 1) if t_corpus else None,
            "ms_threads": round(t_ours * 1000, 1), "ms_lxml": round(t_lxml * 1000, 1),
            "ms_traf_fast": round(t_fast * 1000, 1),
            "missing": [s for s in gold["with"] if s not in found], "leaked": leaked,
            "unplaced": [s for s in gold["comments"] if s not in placed],
            "ok": (len(found) == len(gold["with"]) and not leaked and len(placed) == len(gold["comments"])
                   and n_comments == n_source),
        })

    cols = ["page", "format", "with", "without_leaked", "comments", "n_comments", "n_source", "metadata",
            "max_depth", "ms_corpus", "ms_trafilatura", "speedup", "ms_threads", "ms_lxml", "ms_traf_fast"]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    print(" | ".join(c.ljust(widths[c]) for c in cols))
    print("-|-".join("-" * widths[c] for c in cols))
    for r in rows:
        print(" | ".join(str(r[c]).ljust(widths[c]) for c in cols))
    total_ours = sum(r["ms_threads"] for r in rows)
    total_traf = sum(r["ms_trafilatura"] for r in rows)
    total_corpus = sum(r["ms_corpus"] for r in rows)
    speedup = total_traf / total_corpus if total_corpus else float("nan")
    speedup_parse = total_traf / total_ours if total_ours else float("nan")
    total_lxml = sum(r["ms_lxml"] for r in rows)
    total_fast = sum(r["ms_traf_fast"] for r in rows)
    print(f"\npages all right: {sum(r['ok'] for r in rows)}/{len(rows)}; {args.clock} time, best of {args.repeat}: "
          f"threads to a Corpus {total_corpus:.1f} ms vs trafilatura (include_comments=True) "
          f"{total_traf:.1f} ms: {speedup:.1f}x faster\n"
          f"(parsing alone, without the pandas tables: {total_ours:.1f} ms, {speedup_parse:.1f}x)\n"
          f"context: libxml2 building the trees alone {total_lxml:.1f} ms; "
          f"trafilatura with fast=True {total_fast:.1f} ms ({total_fast / total_corpus:.1f}x threads' time)")
    for r in rows:
        for k in ("missing", "leaked", "unplaced"):
            if r[k]:
                print(f"  {r['page']}: {k}: {r[k]}")
    scaling = deep_scaling(args.repeat)
    print("\ndeep threads (one chain of replies, WordPress markup):")
    print("comments | depth | tree_builder | ms_threads | us_per_comment")
    for r in scaling:
        print(f"{r['comments']:8d} | {r['depth']:5d} | {r['tree_builder']:12s} | {r['ms_threads']:10.1f} | "
              f"{r['us_per_comment']:.0f}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    import platform

    import lxml

    out.write_text(json.dumps({
        "benchmark": "html_ingest", "repeat": args.repeat, "clock": args.clock,
        "python": platform.python_version(),
        "trafilatura": trafilatura.__version__, "lxml": lxml.__version__,
        "total_ms_threads": round(total_ours, 1), "total_ms_corpus": round(total_corpus, 1),
        "total_ms_trafilatura": round(total_traf, 1), "total_ms_lxml": round(total_lxml, 1),
        "total_ms_trafilatura_fast": round(total_fast, 1),
        "speedup": round(speedup, 2), "speedup_parse_only": round(speedup_parse, 2), "pages": rows, "deep_scaling": scaling}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
