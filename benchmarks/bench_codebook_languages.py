"""Do the German and French codebooks find the same frames? A check on x-stance.

    python benchmarks/bench_codebook_languages.py

Reads ../shared/data/stance/xstance-valid/valid.jsonl (or
$THREADFRAME_SHARED_DATA/stance/...; never copied into the repository):
3,926 comments by Swiss election candidates on political questions, 2,871
in German and 1,055 in French, each under one of ten topics (Economy,
Immigration, Security, ...). There is no frame coding of them, so this is
a consistency check, not a validation: tagged with `analysis.tag(units,
"policy-frames")` (each comment with the codebook of its stated language)
and with the English codebook for comparison, it reports

- coverage: the share of comments with at least one frame, per language;
- agreement across languages: per topic, the share of comments carrying
  each frame in German and in French, and the correlation of the two
  topic x frame tables (the same topics should be framed alike);
- topic fit: for topics with an obvious frame (Economy -> economic,
  Immigration -> cultural_identity, Security -> security_defense, ...), that
  frame's share under the topic against its share under other topics.

Writes benchmarks/results/codebook_languages.json.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import analysis  # noqa: E402

DATA = Path(os.environ.get("THREADFRAME_SHARED_DATA", ROOT.parent / "shared" / "data"))
FILE = DATA / "stance" / "xstance-valid" / "valid.jsonl"
TOPIC_FRAME = {"Economy": "economic", "Finances": "economic", "Immigration": "cultural_identity",
               "Security": "security_defense", "Foreign Policy": "external_regulation"}


def main() -> int:
    if not FILE.exists():
        print(f"x-stance not found at {FILE}; set THREADFRAME_SHARED_DATA")
        return 1
    raw = pd.read_json(FILE, lines=True, dtype={"id": str})
    units = pd.DataFrame({"unit_id": raw["id"].astype("str"), "doc_id": raw["id"].astype("str"),
                          "text": raw["comment"].astype("str"), "language": raw["language"].astype("str")})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the English run warns, by design
        by_language = analysis.tag(units, "policy-frames")
        english = analysis.tag(units, analysis.load_codebook("policy-frames"))
    frames = [c for c in by_language.codebook.categories if c != "other"]
    lang = raw.set_index(raw["id"].astype("str"))["language"]
    topic = raw.set_index(raw["id"].astype("str"))["topic"]
    out: dict = {"data": str(FILE), "n": {k: int(v) for k, v in lang.value_counts().items()}}

    print("coverage (share of comments with at least one frame)")
    cov = {}
    for name, result in (("by language", by_language), ("English codebook", english)):
        wide = result.wide()[frames]
        any_ = wide.any(axis=1).groupby(lang.reindex(wide.index)).mean()
        cov[name] = {k: round(float(v), 3) for k, v in any_.items()}
        print(f"  {name:17s} " + ", ".join(f"{k}: {v:.0%}" for k, v in any_.items()))
    out["coverage"] = cov

    wide = by_language.wide()[frames].astype(float)
    wide["language"] = lang.reindex(wide.index).to_numpy()
    wide["topic"] = topic.reindex(wide.index).to_numpy()
    overall = wide.groupby("language")[frames].mean().T
    print("\nshare of comments per frame, all topics\n" + overall.round(3).to_string())
    out["frame_share"] = {k: {f: round(float(v), 3) for f, v in col.items()} for k, col in overall.items()}
    shares = wide.groupby(["language", "topic"])[frames].mean()
    de, fr = shares.loc["de"], shares.loc["fr"]
    common = de.index.intersection(fr.index)
    r = float(np.corrcoef(de.loc[common].to_numpy().ravel(), fr.loc[common].to_numpy().ravel())[0, 1])
    # within-topic profile correlation, frame shares centred per frame (topic differences only)
    dc, fc = de.loc[common] - de.loc[common].mean(), fr.loc[common] - fr.loc[common].mean()
    r_centred = float(np.corrcoef(dc.to_numpy().ravel(), fc.to_numpy().ravel())[0, 1])
    print(f"\ntopic x frame shares, German vs French: r = {r:.2f} (centred per frame: {r_centred:.2f})")
    out["topic_frame_r"] = round(r, 3)
    out["topic_frame_r_centred"] = round(r_centred, 3)

    print("\ntopic fit: the topic's frame, share under the topic vs under other topics")
    fit = []
    for t, frame in TOPIC_FRAME.items():
        for code in ("de", "fr"):
            sub = wide[wide["language"] == code]
            inside = float(sub.loc[sub["topic"] == t, frame].mean())
            outside = float(sub.loc[sub["topic"] != t, frame].mean())
            fit.append({"topic": t, "frame": frame, "language": code, "in_topic": round(inside, 3),
                        "other_topics": round(outside, 3)})
    fit_t = pd.DataFrame(fit)
    print(fit_t.to_string(index=False))
    out["topic_fit"] = fit
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "codebook_languages.json").write_text(json.dumps(out, indent=2))
    print("\nwrote benchmarks/results/codebook_languages.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
