"""One story across outlets: align the sentences of different versions of a report.

Framing by selection and salience shows in what a version keeps, rewrites,
adds and leaves out. For every ordered pair of versions (version, reference):

1. sentences are compared by the cosine similarity of TF-IDF character
   n-grams (robust to small edits, inflection and British/American spelling);
2. a one-to-one matching maximises total similarity (Hungarian algorithm,
   ``scipy.optimize.linear_sum_assignment``; ``method="greedy"`` takes the best
   remaining pair first) and drops matched pairs below ``paraphrase_threshold``;
3. each sentence of the version is ``shared`` (similarity >= ``shared_threshold``,
   near-identical), ``paraphrased`` (matched below that) or ``added`` (no
   match); each unmatched sentence of the reference is ``omitted``.

Sentences are shaped like units (``unit_id``, ``doc_id``, ``role``, ``text``),
so the tagger can tag them and :func:`change_frames` can say which frames the
added and omitted material carries.
"""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pandas as pd

from analysis._tables import as_list, require_columns, tags_table, units_table
from analysis.sentences import split_sentences as sentence_spans
from threads.errors import ThreadframeError

__all__ = ["align_versions", "alignment_matrix", "change_frames", "story_sentences"]

STATUSES = ("shared", "paraphrased", "added", "omitted")

def story_sentences(units, *, roles=("title", "body")) -> pd.DataFrame:
    """Split units (by default article titles and body paragraphs) into sentences
    (with the tagger's splitter, :func:`analysis.sentences.split_sentences`).

    Returns a units-shaped table, one row per sentence: ``doc_id``, ``unit_id``
    (``"<unit_id>:s<k>"``), ``source_unit_id``, ``role``, ``sentence`` (order in
    its document), ``start``/``end`` (offsets in the unit's text) and ``text``,
    plus any other columns of the units (``outlet``, ...).
    """
    u = units_table(units, roles)
    require_columns(u, ["text"], "story_sentences: units")
    if "position" in u.columns:
        u = u.sort_values(["doc_id", "position"], kind="stable")
    rows = []
    for rec in u.to_dict("records"):
        text = rec["text"] if isinstance(rec["text"], str) else ""
        for k, (s, e) in enumerate(sentence_spans(text)):
            rows.append({**rec, "unit_id": f"{rec['unit_id']}:s{k}", "source_unit_id": rec["unit_id"],
                         "start": s, "end": e, "text": text[s:e].strip()})
    out = pd.DataFrame(rows)
    if out.empty:
        raise ThreadframeError("story_sentences: no sentences in the selected units")
    out["sentence"] = out.groupby("doc_id").cumcount()
    front = ["doc_id", "unit_id", "source_unit_id", "role", "sentence", "start", "end", "text"]
    front = [c for c in front if c in out.columns]
    out = out[front + [c for c in out.columns if c not in front and c not in ("position",)]]
    for c in ("doc_id", "unit_id", "source_unit_id", "text"):
        out[c] = out[c].astype("str")
    return out.reset_index(drop=True)


def _match(sim: np.ndarray, method: str) -> list[tuple[int, int]]:
    if method == "hungarian":
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(-sim)
        return list(zip(rows.tolist(), cols.tolist(), strict=True))
    if method == "greedy":
        order = np.argsort(-sim, axis=None, kind="stable")
        used_r, used_c, pairs = set(), set(), []
        for flat in order:
            r, c = divmod(int(flat), sim.shape[1])
            if r not in used_r and c not in used_c:
                used_r.add(r)
                used_c.add(c)
                pairs.append((r, c))
        return pairs
    raise ThreadframeError(f"method={method!r}: use 'hungarian' or 'greedy'")


def align_versions(
    sentences: pd.DataFrame,
    by: str = "doc_id",
    *,
    versions=None,
    shared_threshold: float = 0.8,
    paraphrase_threshold: float = 0.25,
    method: str = "hungarian",
    analyzer: str = "char_wb",
    ngram_range: tuple[int, int] = (3, 5),
) -> pd.DataFrame:
    """Align the sentences of every pair of versions of one story.

    Parameters
    ----------
    sentences : from :func:`story_sentences` (or any table with ``unit_id``,
        ``text`` and the ``by`` column).
    by : the column naming a version (``doc_id``, ``outlet``, ...).
    versions : the versions to align, in order (default: all, sorted).

    Returns
    -------
    One row per (version, reference, sentence): ``version``, ``reference``,
    ``unit_id`` (the sentence), ``status`` (shared / paraphrased / added for
    the version's sentences, omitted for the reference's unmatched ones),
    ``match_id`` (the matched sentence), ``similarity`` (cosine with the
    match; for added and omitted sentences the best similarity available) and
    ``text``.
    """
    require_columns(sentences, ["unit_id", "text", by], "align_versions: sentences")
    if not 0 <= paraphrase_threshold <= shared_threshold <= 1:
        raise ThreadframeError("need 0 <= paraphrase_threshold <= shared_threshold <= 1")
    s = sentences[sentences[by].notna()].reset_index(drop=True)
    names = sorted(s[by].astype("str").unique()) if versions is None else [str(v) for v in as_list(versions)]
    missing = [v for v in names if v not in set(s[by].astype("str"))]
    if missing:
        raise ThreadframeError(f"align_versions: versions {missing} have no sentences")
    if len(names) < 2:
        raise ThreadframeError(f"align_versions: need at least two versions in {by!r}, found {names}")
    s = s[s[by].astype("str").isin(names)].reset_index(drop=True)

    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=analyzer, ngram_range=ngram_range, lowercase=True, sublinear_tf=True)
    X = vec.fit_transform(s["text"].astype("str"))  # rows are L2-normalised: X @ X.T is the cosine
    index = {v: np.flatnonzero(s[by].astype("str").to_numpy() == v) for v in names}
    rows = []
    for a, b in permutations(names, 2):
        ia, ib = index[a], index[b]
        sim = (X[ia] @ X[ib].T).toarray()
        # only pairs above the threshold compete: a weak pair must not pull a
        # sentence away from its real counterpart to raise the total
        eligible = np.where(sim >= paraphrase_threshold, sim, 0.0)
        matched = {r: c for r, c in _match(eligible, method) if sim[r, c] >= paraphrase_threshold}
        used = set(matched.values())
        for r, i in enumerate(ia):
            c = matched.get(r)
            if c is None:
                status, match_id, score = "added", None, sim[r].max(initial=0.0)
            else:
                status = "shared" if sim[r, c] >= shared_threshold else "paraphrased"
                match_id, score = s.at[ib[c], "unit_id"], sim[r, c]
            rows.append((a, b, s.at[i, "unit_id"], status, match_id, float(score), s.at[i, "text"]))
        for c, j in enumerate(ib):
            if c not in used:
                rows.append((a, b, s.at[j, "unit_id"], "omitted", None, float(sim[:, c].max(initial=0.0)),
                             s.at[j, "text"]))
    out = pd.DataFrame(rows, columns=["version", "reference", "unit_id", "status", "match_id",
                                      "similarity", "text"])
    for name in ("version", "reference", "unit_id", "status", "match_id", "text"):
        out[name] = out[name].astype("str")
    return out


def alignment_matrix(alignment: pd.DataFrame) -> pd.DataFrame:
    """One row per ordered pair of versions: counts of each status, and
    ``share_kept``: the share of the reference's sentences the version carries
    (shared or paraphrased), ``share_shared`` the near-identical part of it."""
    require_columns(alignment, ["version", "reference", "status"], "alignment_matrix: alignment")
    counts = (alignment.groupby(["version", "reference", "status"]).size()
              .unstack("status").reindex(columns=list(STATUSES), fill_value=0).fillna(0).astype(int))
    counts.columns = [f"n_{c}" for c in counts.columns]
    out = counts.reset_index()
    n_ref = out["n_shared"] + out["n_paraphrased"] + out["n_omitted"]
    out["n_sentences"] = out["n_shared"] + out["n_paraphrased"] + out["n_added"]
    out["n_reference"] = n_ref
    out["share_kept"] = (out["n_shared"] + out["n_paraphrased"]) / n_ref
    out["share_shared"] = out["n_shared"] / n_ref
    return out


def change_frames(alignment: pd.DataFrame, tags, *, categories=None) -> pd.DataFrame:
    """Which frames the shared, paraphrased, added and omitted sentences carry.

    ``tags`` are tags of the sentences (tag the :func:`story_sentences` table).
    Returns one row per version, reference, status and category:
    ``n_sentences``, ``n_present`` and ``share``.
    """
    t = tags_table(tags)
    if categories is not None:
        t = t[t["category"].isin(as_list(categories))]
    j = alignment[["version", "reference", "unit_id", "status"]].merge(t, on="unit_id", how="inner")
    if j.empty:
        raise ThreadframeError("change_frames: no tags for the aligned sentences (tag the sentence table)")
    g = j.groupby(["version", "reference", "status", "category"], sort=True)
    out = g["present"].agg(n_sentences="size", n_present="sum").reset_index()
    out["n_present"] = out["n_present"].astype(int)
    out["share"] = out["n_present"] / out["n_sentences"]
    return out
