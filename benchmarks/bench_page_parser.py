"""The HTML parser end to end on unseen pages, leave-site-out, beside trafilatura (issue 18).

Every page of ``<shared>/threads/news-pages`` is read with ``threads.read``
(format detection included) while the page-region model in use is one refitted
on the other folds (GroupKFold by registered domain, as in
``bench_page_regions.py``), and once with the model switched off (the profile
walk alone, the parser before issue 18). Scored on the snippets visible in
the page's HTML: body snippets found in the ``body`` units, excluded snippets
leaked into them, comment snippets placed in ``comment`` units; beside
``trafilatura.extract(include_comments=True)`` (main text as body, its comment
section as comments) on the same pages in the same run, with time per page
(wall clock, one process).

Run: ``python benchmarks/bench_page_parser.py [--data DIR] [--folds 5] [--limit N] [--cache PICKLE]``
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_page_regions as regions  # noqa: E402

from threads.formats._model_page import trafilatura_parts  # noqa: E402


class _Hung(Exception):
    pass


def _alarm(signum, frame):
    raise _Hung


#: Seconds a page may take: format detection hangs on one page of the set (a regular
#: expression in looks_like_html backtracks), which then scores zero and is counted.
PAGE_LIMIT = 20


def read_units(path: Path) -> tuple[str, str]:
    import signal

    import threads

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(PAGE_LIMIT)
        try:
            u = threads.read(path).units
        except _Hung:
            print(f"hung: {path.name} (over {PAGE_LIMIT} s)", flush=True)
            return "", ""
        except Exception:  # noqa: BLE001 - a page that fails scores zero, counted
            return "", ""
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
    return " ".join(u.loc[u["role"] == "body", "text"]), " ".join(u.loc[u["role"] == "comment", "text"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=Path(os.environ.get("THREADFRAME_SHARED_DATA",
                                                          ROOT.parent / "shared" / "data")) / "threads" / "news-pages")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--cache", help="pickle of the loaded pages (see bench_page_regions.py)")
    ap.add_argument("--every", type=int, default=1,
                    help="all comment pages and every N-th body-only page (the floor test's subset: 8)")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not (data / "gold.json").exists():
        print(f"no pages at {data}")
        return 1
    from sklearn.model_selection import GroupKFold

    from threads.formats._regions import using_model

    pages = [regions.prepare(p, data) for p in regions.cached_load(data, args, False)]
    body_only = [p for p in pages if not p["gold"]["comments"]]
    pages = [p for p in pages if p["gold"]["comments"]] + body_only[::args.every]
    sites = [p["site"] for p in pages]
    totals: dict = {}
    secs = {"threads.read (model)": 0.0, "threads.read (no model)": 0.0, "trafilatura": 0.0}
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for tr, te in GroupKFold(n_splits=args.folds).split(pages, groups=sites):
            model = regions.fit([pages[i] for i in tr])
            for i in te:
                p = pages[i]
                html = gzip.decompress((data / "pages" / (p["file"] + ".gz")).read_bytes()).decode("utf-8", "replace")
                path = Path(tmp) / (p["file"] if p["file"].endswith((".html", ".htm")) else p["file"] + ".html")
                path.write_text(html, encoding="utf-8")
                outs = {}
                for name, m in (("threads.read (model)", model), ("threads.read (no model)", None)):
                    t0 = time.perf_counter()
                    with using_model(m):
                        outs[name] = read_units(path)
                    took = time.perf_counter() - t0
                    secs[name] += took
                    if took > 2:
                        print(f"slow: {name} {took:.1f} s {p['file']}", flush=True)
                    failed += not any(outs[name])
                t0 = time.perf_counter()
                outs["trafilatura"] = trafilatura_parts(path.read_text("utf-8"))
                secs["trafilatura"] += time.perf_counter() - t0
                for name, (body, com) in outs.items():
                    t = totals.setdefault(name, [0] * 6)
                    g = p["visible"]
                    f, lk, c = regions.score(body, com, g)
                    for k, v in enumerate((f, len(g["with"]), lk, len(g["without"]), c, len(g["comments"]))):
                        t[k] += v
    n = max(len(pages), 1)
    print(f"pages {len(pages)}, sites {len(set(sites))}, leave-site-out GroupKFold({args.folds}), "
          f"model refitted per fold; snippets visible in the HTML")
    print("system | body found | leaked | comments placed | ms/page")
    for name, t in totals.items():
        print(f"{name} | {t[0] / max(t[1], 1):.3f} ({t[0]}/{t[1]}) | {t[2] / max(t[3], 1):.3f} ({t[2]}/{t[3]}) | "
              f"{t[4] / max(t[5], 1):.3f} ({t[4]}/{t[5]}) | {1000 * secs[name] / n:.1f}")
    print(f"speed: threads.read (model) is {secs['trafilatura'] / max(secs['threads.read (model)'], 1e-9):.2f}x "
          f"trafilatura.extract(include_comments=True); pages with no body or comment unit: {failed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
