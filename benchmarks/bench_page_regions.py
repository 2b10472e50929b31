"""Page-region model, leave-site-out, beside trafilatura and the current parser (issue 18).

For every page in ``<shared>/threads/news-pages`` (gold.json: ``with``,
``without``, ``comments`` snippets) the page's blocks (threads.formats._regions)
are labelled by the gold snippets they contain, a logistic model is fitted with
GroupKFold by registered domain (host minus ``www.``/subdomains: the last two
labels, three for ``co.uk``-style hosts), and each page is scored only by a
model that never saw its site. Reported: body snippets found, excluded snippets
leaked into the body, comment snippets placed in comment text, for the model,
trafilatura (include_comments=True) and the current parser; pages whose gold is
not in the HTML at all are counted apart. ``--save`` fits on all pages and writes
``threads/data/page_regions.json``.

Run: ``python benchmarks/bench_page_regions.py [--data DIR] [--limit N] [--folds 5] [--save] [--parser]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from threads.formats._model_page import trafilatura_parts  # noqa: E402
from threads.formats._regions import MODEL_PATH, add_features, norm, page_blocks  # noqa: E402

_SECOND = {"co", "com", "org", "net", "ac", "gov", "ne", "or", "edu"}


def site_of(url: str | None, file: str) -> str:
    if not url or "://" not in url:
        return "hard::" + file
    host = url.split("://", 1)[1].split("/", 1)[0].split(":")[0].lower()
    parts = host.split(".")
    if len(parts) >= 3 and parts[-2] in _SECOND:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def label(text: str, gold: dict) -> str | None:
    t = norm(text)
    for role, key in (("comment", "comments"), ("body", "with"), ("boilerplate", "without")):
        for s in gold[key]:
            s = norm(s)
            if s and (s in t or (len(t) >= 25 and t in s)):
                return role
    return None


_COMMENTISH = ("anc_comment_word", "rec_comment_word", "tok0=comment", "tok0=comments")


def visible_text(html: str) -> str:
    """The page's text without tags, scripts and styles, normalised: the same yardstick
    for every system (a snippet that is not in it cannot be found from the HTML)."""
    import html as htmllib
    import re

    html = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)
    return norm(htmllib.unescape(re.sub(r"(?s)<[^>]*>", " ", html)))


def prepare(page: dict, data: Path) -> dict:
    """Visible gold and training labels of a loaded page (kept apart from ``load`` so that
    a cached page list gets them too).

    Snippets that are not in the page's visible text (comments a script loads) cannot be
    found by any system from the HTML: they are counted apart, not scored. In the body-only
    pages ``without`` also covers comment sections, so a ``without`` block inside comment
    markup on such a page is left out of training (it would teach the model that comments
    are boilerplate); scoring is unaffected.
    """
    g = page["gold"]
    raw = gzip.decompress((data / "pages" / (page["file"] + ".gz")).read_bytes()).decode("utf-8", "replace")
    flat = visible_text(raw)
    page["visible"] = {k: [x for x in g[k] if norm(x) in flat] for k in ("with", "without", "comments")}
    page["hidden"] = {k: len(g[k]) - len(page["visible"][k]) for k in ("with", "without", "comments")}
    labels = [label(b.text, g) for b in page["blocks"]]
    if not g["comments"]:
        labels = [None if lab == "boilerplate" and any(f in b.features for f in _COMMENTISH) else lab
                  for b, lab in zip(page["blocks"], labels, strict=True)]
    page["labels"] = labels
    return page


def score(body: str, comments: str, gold: dict) -> tuple[int, int, int]:
    body, comments = norm(body), norm(comments)
    return (sum(norm(s) in body for s in gold["with"]), sum(norm(s) in body for s in gold["without"]),
            sum(norm(s) in comments for s in gold["comments"]))


def load(data: Path, limit: int | None, parser: bool, files: list[str] | None = None):
    from lxml import etree

    from threads.formats._html import parse_html

    gold = json.loads((data / "gold.json").read_text("utf-8"))
    pages = []
    items = sorted(gold.items()) if files is None else [(f, gold[f]) for f in files]
    for n, (file, g) in enumerate(items):
        g = {**g, **{k: g.get(k) or [] for k in ("with", "without", "comments")}}
        if limit and n >= limit:
            break
        html = gzip.decompress((data / "pages" / (file + ".gz")).read_bytes()).decode("utf-8", "replace")
        t0 = time.process_time()
        main, com = trafilatura_parts(html)
        t_traf = time.process_time() - t0
        t0 = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            blocks = page_blocks(parse_html(html, Path(file)), etree)
        add_features(blocks, main, com)
        t_blocks = time.process_time() - t0
        flat = norm(" ".join(b.text for b in blocks))
        findable = any(norm(s) in flat for s in g["with"] + g["comments"])
        cur = None
        if parser:
            cur = current_parser(html, file)
        pages.append({"file": file, "site": site_of(g.get("url"), file), "gold": g, "blocks": blocks,
                      "labels": [label(b.text, g) for b in blocks], "traf": (main, com),
                      "findable": findable, "cur": cur, "t_traf": t_traf, "t_blocks": t_blocks})
    return pages


def cached_load(data, args, parser):
    import pickle

    if args.cache and Path(args.cache).exists():
        return pickle.loads(Path(args.cache).read_bytes())
    pages = load(data, args.limit, parser)
    if args.cache:
        for p in pages:
            for b in p["blocks"]:
                b.el = None
        Path(args.cache).write_bytes(pickle.dumps(pages))
    return pages


def current_parser(html: str, file: str):
    from threads.read import detect_format

    path = Path(file)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            u = detect_format(html, path).parse(html, path, "d").units
        except Exception:  # noqa: BLE001 - a failing page scores zero, reported as such
            return "", ""
    return " ".join(u.loc[u["role"] == "body", "text"]), " ".join(u.loc[u["role"] == "comment", "text"])


def fit(pages, stacked: bool = True):
    from threads.formats._regions_fit import fit_stacked, fit_stage1

    return fit_stacked(pages) if stacked else fit_stage1(pages)


def apply(model, page, fallback: bool = True) -> tuple[str, str]:
    from threads.formats._regions import UNSURE, decide, predict

    probs = predict(page["blocks"], model)
    roles = decide(page["blocks"], probs, model.get("unsure", UNSURE)) if fallback else [max(p, key=p.get) for p in probs]
    body = " ".join(b.text for b, r in zip(page["blocks"], roles, strict=True) if r == "body")
    com = " ".join(b.text for b, r in zip(page["blocks"], roles, strict=True) if r == "comment")
    return body, com


def cross_validate(pages, folds: int = 5, stage1: bool = False) -> dict:
    """Leave-site-out totals per (page group, system): found, with, leaked, without,
    placed, comments, pages; each page scored by a model fitted without its site."""
    from sklearn.model_selection import GroupKFold

    sites = [p["site"] for p in pages]
    totals: dict = {}
    for tr, te in GroupKFold(n_splits=folds).split(pages, groups=sites):
        train = [pages[i] for i in tr]
        model = fit(train)
        base = fit(train, stacked=False) if stage1 else None
        print(f"fold: unsure range {model.get('unsure')}")
        for i in te:
            p = pages[i]
            outs = {"model": apply(model, p), "trafilatura": p["traf"]}
            if base is not None:
                outs["stage1 only"] = apply(base, p)
                outs["model, no fallback"] = apply(model, p, fallback=False)
            if p["cur"] is not None:
                outs["parser"] = p["cur"]
            group = "findable" if p["findable"] else "not_in_html"
            for name, (body, com) in outs.items():
                t = totals.setdefault((group, name), [0, 0, 0, 0, 0, 0, 0])
                g = p["visible"]
                f, lk, c = score(body, com, g)
                for k, v in enumerate((f, len(g["with"]), lk, len(g["without"]), c, len(g["comments"]), 1)):
                    t[k] += v
    return totals


CARD_PATH = MODEL_PATH.with_name("page_regions.card.json")


def model_card(pages, sites, folds, totals, model) -> dict:
    """What the shipped model was trained on and how it scored leave-site-out."""
    import datetime

    import sklearn
    import trafilatura

    def rates(t):
        return {"body_found": round(t[0] / max(t[1], 1), 3), "body_snippets": t[1],
                "leaked": round(t[2] / max(t[3], 1), 3), "excluded_snippets": t[3],
                "comments_placed": round(t[4] / max(t[5], 1), 3), "comment_snippets": t[5], "pages": t[6]}

    from threads.formats import _regions_fit

    return {
        "model": "threads/data/page_regions.json",
        "date": datetime.date.today().isoformat(),
        "what": "two-stage multinomial logistic model of page-block roles (body, boilerplate, comment); "
                "stage 2 adds the record's, container's, ancestors' and neighbours' stage-1 scores; "
                "trafilatura decides the body where the body score is in the 'unsure' range",
        "training_pages": len(pages), "training_sites": len(set(sites)),
        "comment_pages": sum(bool(p["gold"]["comments"]) for p in pages),
        "data": "Trafilatura evaluation set (Barbaresi 2021, adbar/trafilatura e90b0ef, Apache-2.0): "
                "news-pages in the project's shared data; pages not vendored",
        "labels": "a block is labelled by the gold snippet it contains (comments, with -> body, "
                  "without -> boilerplate); 'without' blocks inside comment markup on body-only pages "
                  "are left out of training",
        "fit": {"C": _regions_fit.C, "class_weight": "balanced", "inner_folds": _regions_fit.INNER_FOLDS,
                "unsure": model.get("unsure"), "sklearn": sklearn.__version__,
                "trafilatura": trafilatura.__version__},
        "cross_validation": {
            "scheme": f"GroupKFold({folds}) by registered domain; snippets visible in the HTML only",
            "model": rates(totals[("findable", "model")]),
            "trafilatura_include_comments": rates(totals[("findable", "trafilatura")]),
        },
        "command": "python benchmarks/bench_page_regions.py --save",
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=Path(os.environ.get("THREADFRAME_SHARED_DATA",
                                                          ROOT.parent / "shared" / "data")) / "threads" / "news-pages")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--save", action="store_true")
    ap.add_argument("--parser", action="store_true", help="also score the current parser (slower)")
    ap.add_argument("--stage1", action="store_true", help="also score the first stage alone")
    ap.add_argument("--cache", help="pickle of the loaded pages (development: load once)")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not (data / "gold.json").exists():
        print(f"no pages at {data}")
        return 1
    pages = [prepare(p, data) for p in cached_load(data, args, args.parser)]
    sites = [p["site"] for p in pages]
    totals = cross_validate(pages, args.folds, args.stage1)
    print(f"pages {len(pages)}, sites {len(set(sites))}, leave-site-out GroupKFold({args.folds})")
    hidden = {k: sum(p["hidden"][k] for p in pages) for k in ("with", "without", "comments")}
    print("snippets not in the visible text (not scored): " + ", ".join(f"{k} {v}" for k, v in hidden.items()))
    print("group | system | body found | leaked | comments placed | pages")
    for (group, name), t in sorted(totals.items()):
        print(f"{group} | {name} | {t[0] / max(t[1], 1):.3f} ({t[0]}/{t[1]}) | {t[2] / max(t[3], 1):.3f} "
              f"({t[2]}/{t[3]}) | {t[4] / max(t[5], 1):.3f} ({t[4]}/{t[5]}) | {t[6]}")
    n = max(len(pages), 1)
    print(f"cpu ms/page: trafilatura {1000 * sum(p['t_traf'] for p in pages) / n:.1f}, "
          f"blocks+features {1000 * sum(p['t_blocks'] for p in pages) / n:.1f}")
    if args.save:
        model = fit(pages)
        MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
        MODEL_PATH.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
        card = model_card(pages, sites, args.folds, totals, model)
        CARD_PATH.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH} ({sum(len(m['coef']) for m in (model['stage1'], model['stage2']))} "
              f"weights) and {CARD_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
