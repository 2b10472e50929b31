"""The report's stance: which model produced it, its shares by group, and its text.

Stance comes from the codebook's dictionary unless :func:`analysis.report`
is given a ``stance_model`` (a fitted stance model or a ``.tfm`` file); the
report names the model and quotes its card's scores. Shares per group are
:func:`analysis.stance_shares` (cluster-aware intervals and a net row).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pandas as pd

from threads.errors import ThreadframeError

if TYPE_CHECKING:
    from analysis.reporting.report import _Run

STANCE_MODELS = ("StanceClassifier", "ReplyStanceClassifier")


def _stance_model(spec):
    """None, a fitted stance model, or one loaded from a path."""
    if spec is None:
        return None
    if isinstance(spec, str | os.PathLike):
        from analysis.models.model_io import PRETRAINED, load_model, load_pretrained

        # a shipped model by name (xstance-stance, rumoureval-replies), else a file
        spec = load_pretrained(spec) if spec in PRETRAINED and not os.path.exists(spec) else load_model(spec)
    if type(spec).__name__ not in STANCE_MODELS:
        raise ThreadframeError(f"report: stance_model must be a fitted {' or '.join(STANCE_MODELS)} "
                               f"(or a .tfm file of one), got {type(spec).__name__}")
    if not hasattr(spec, "classes_"):
        raise ThreadframeError(f"report: the {type(spec).__name__} given as stance_model is not fitted")
    return spec


def _dictionary_sentence(cb) -> str:
    return (f"Stance comes from the dictionary stance of the `{cb.name}` codebook (v{cb.version}): its "
            "critical and supportive cue words, counted per unit. It is not a validated measure: it "
            "knows only the codebook's words in the codebook's language (on the German and French "
            "x-stance comments it labels 3 of 3926; docs/stance.md). Give the report a trained stance "
            "model (`--stance-model FILE.tfm`) validated on coded units like these "
            "(docs/validation.md) before reading stance as a finding.")


def unit_stance_of(run: _Run, state: dict) -> None:
    """One stance per analysed unit, from the model or the dictionary, as ``tables/stance.csv``."""
    from analysis.compare.stance_shares import unit_stance
    from analysis.models.stance_card import card_sentence

    model, analysed, cb = state["stance_model"], state["analysed"], state["codebook"]
    if model is None:
        state["unit_stance"] = unit_stance(state["result"])
        state["stance_sentence"] = _dictionary_sentence(cb)
        run.table("stance", state["result"].stance)
        return
    X = analysed
    if type(model).__name__ == "StanceClassifier" and model.target is None and model.target_column not in X:
        if cb.stance is None:
            raise ThreadframeError(f"report: the StanceClassifier has no target and the codebook {cb.name!r} "
                                   "names none (stance: target:); fit it with target='...'")
        X = X.assign(**{model.target_column: cb.stance.target})
    st = unit_stance(model, X)
    langs = state.get("languages")
    corpus_langs = langs["language"].dropna().astype(str).unique() if langs is not None and len(langs) else ()
    state["unit_stance"] = st
    state["stance_sentence"] = card_sentence(model, corpus_langs)
    run.table("stance", st.assign(doc_id=analysed["doc_id"].astype("str").to_numpy(),
                                  source=st.attrs["stance_source"])[["unit_id", "doc_id", "stance", "source"]])


def _stance(run: _Run, state: dict, n_boot: int, seed: int) -> None:
    from analysis.compare.stance_shares import SIDES, stance_shares

    units, by = state["units"], state["by"]
    model = state["stance_model"]
    state["stance_shares"] = {}
    sides = ["comments"] if type(model).__name__ == "ReplyStanceClassifier" else ["article", "comments"]
    roles = set(units.loc[units["analysed"], "role"].astype(str))
    for side in sides:
        if not roles & set(SIDES[side]):
            continue
        name = f"stance_by_{by}" if side == "article" else f"comment_stance_by_{by}"
        state["stance_shares"][side] = run.table(name, stance_shares(state["unit_stance"], units, by=by,
                                                                     side=side, n_boot=n_boot, seed=seed))
    if not state["stance_shares"]:
        run.skip(f"stance by {by}", "no units with text on the sides stance is read from")


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _pct(x: float) -> str:
    return "n/a" if pd.isna(x) else f"{100 * x:.0f}%"


def _signed(x: float) -> str:
    return "n/a" if pd.isna(x) else f"{x:+.2f}"


def stance_source_line(state: dict) -> str:
    """One sentence for the report's opening: where the stance numbers come from."""
    model = state["stance_model"]
    if model is None:
        return "Stance comes from the same codebook's dictionary (see Stance)."
    from analysis.models.stance_card import model_card

    name = model_card(model).get("name") or type(model).__name__
    return f"Stance comes from the trained model `{name}` (see Stance for where it was validated)."


def stance_lines(run: _Run, state: dict) -> list[str]:
    """The report's stance section."""
    by, cb = state["by"], state["codebook"]
    target = f" toward “{cb.stance.target}”" if cb.stance is not None and state["stance_model"] is None else ""
    lines = [f"## Stance{target}, by {by}", "", state["stance_sentence"], ""]
    shares = state.get("stance_shares") or {}
    if not shares:
        return lines + [f"*Skipped: {run.result.skipped.get(f'stance by {by}', '')}*", ""]
    for side, table in shares.items():
        net = table[table["category"] == "net"]
        where = "article text" if side == "article" else "comment sections"
        if net.empty:
            lines.append(f"Stance in the {where}: shares in `tables/{'stance' if side == 'article' else 'comment_stance'}"
                         f"_by_{by}.csv` (these labels have no for/against pair to net).")
            continue
        lines += [f"Net stance in the {where} ({table.attrs['net']}; 95% intervals: "
                  "cluster bootstrap, or as `ci_method` says with fewer than 5 clusters):", ""]
        pair = str(table.attrs["net"]).split(" - ")
        for _, r in net.iterrows():
            g = table[(table[by] == r[by]) & table["category"].isin(pair)].set_index("category")["share"]
            parts = ", ".join(f"{c} {_pct(g.get(c, 0.0))}" for c in pair)
            lines.append(f"- **{r[by]}**: {_signed(r['share'])} ({_signed(r['ci_low'])} to "
                         f"{_signed(r['ci_high'])}; {parts}; {r['n_units']} units in "
                         f"{_n(int(r['n_clusters']), 'cluster')}, {r['ci_method']})")
        lines.append("")
    return lines
