"""Tag units (or sentences) with a codebook's categories and stance, keeping the evidence.

>>> import analysis
>>> r = analysis.tag(["Facial recognition cameras track Uighurs in Xinjiang."])
>>> r.wide().loc["0"].to_dict()["technology"]
True

See docs/tagging.md. The table shapes are the contract in docs/contracts.md.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

import numpy as np
import pandas as pd

from analysis.languages import check_codebook_language
from analysis.sentences import split_sentences
from analysis.tagging import whataboutism as wa
from analysis.tagging.codebook import DEFAULT_CODEBOOK, Codebook, load_codebook
from analysis.tagging.matcher import Matcher
from threads.errors import ThreadframeError, ThreadframeWarning
from threads.schema import ARTICLE_ROLES, CONTENT_ROLES, ROLES

LEVELS = ("unit", "sentence")
TAG_COLUMNS = ["unit_id", "doc_id", "category", "score", "present", "n_cues", "source"]
EVIDENCE_COLUMNS = ["unit_id", "doc_id", "category", "cue", "start", "end", "matched", "weight"]
STANCE_COLUMNS = ["unit_id", "doc_id", "stance", "score", "critical", "supportive"]
STANCE_EVIDENCE_COLUMNS = ["unit_id", "doc_id", "side", "cue", "start", "end", "matched", "weight"]


class TaggingError(ThreadframeError):
    """Input the tagger cannot use (wrong type, missing text column, bad level)."""


@lru_cache(maxsize=16)
def _compiled(codebook: Codebook) -> Matcher:
    extra = wa.rule_cues() if any(c.rules == "whataboutism" for c in codebook.specs) else None
    return Matcher(codebook, extra=extra)


def compile_codebook(codebook: str | Codebook = DEFAULT_CODEBOOK) -> Matcher:
    """The codebook compiled into its automaton (cached; tagging calls this for you)."""
    return _compiled(load_codebook(codebook))


# ---------------------------------------------------------------------- result
@dataclass(frozen=True, repr=False)
class TagResult:
    """What :func:`tag` returns: long tables of tags, evidence and stance.

    ``tags``: one row per (unit[, sentence], category), zeros included;
    ``evidence``: one row per cue match (``start``/``end`` index the unit's
    ``text``); ``stance``: one row per unit[/sentence]; ``units``: the texts
    that were tagged (for :meth:`show` and :meth:`explain`).
    """

    tags: pd.DataFrame
    evidence: pd.DataFrame
    stance: pd.DataFrame
    codebook: Codebook
    level: str = "unit"
    units: pd.DataFrame = field(default_factory=pd.DataFrame)
    stance_evidence: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def _keys(self) -> list[str]:
        return ["unit_id", "sentence"] if self.level == "sentence" else ["unit_id"]

    def wide(self, value: str = "present") -> pd.DataFrame:
        """Indexed by unit_id (and sentence), one column per category (bool ``present``,
        or ``score``/``n_cues``), in codebook order."""
        if value not in ("present", "score", "n_cues"):
            raise TaggingError(f"wide: value must be present, score or n_cues, not {value!r}")
        out = self.tags.pivot(index=self._keys, columns="category", values=value)
        out = out.reindex(columns=list(self.codebook.categories))
        out.columns.name = None
        if self.level == "unit":
            order = pd.unique(self.tags["unit_id"])
            out = out.reindex(order)
        return out

    def summary(self) -> pd.DataFrame:
        """Per category: units tagged, share, cue matches, most frequent cues."""
        t = self.tags
        g = t.groupby("category", sort=False)
        out = pd.DataFrame({"n_present": g["present"].sum().astype(int),
                            "share": g["present"].mean(), "n_cues": g["n_cues"].sum().astype(int)})
        top = (self.evidence.groupby(["category", "cue"]).size().rename("n").reset_index()
               .sort_values(["category", "n"], ascending=[True, False]))
        out["top_cues"] = top.groupby("category")["cue"].apply(lambda s: ", ".join(s.head(5)))
        out["top_cues"] = out["top_cues"].fillna("")
        return out.reindex(list(self.codebook.categories)).reset_index()

    def show(self, unit_id: str):
        """The unit's text with its cues highlighted per category (renders in Jupyter)."""
        from analysis.tagging.display import Highlighted

        return Highlighted.from_result(self, unit_id)

    def explain(self, unit_id: str, category: str):
        """Why this unit got (or did not get) ``category``: see :func:`analysis.explain`."""
        from analysis.tagging.display import explain

        row = self.units[self.units["unit_id"] == unit_id]
        if row.empty:
            raise TaggingError(f"explain: unit {unit_id!r} is not in this result")
        ctx = row["context"].iloc[0] if "context" in row.columns else ""
        return explain(row["text"].iloc[0], category, self.codebook,
                       context=tuple(ctx.split(";")) if ctx else None)

    def __len__(self) -> int:
        return len(self.stance)

    def __repr__(self) -> str:
        n = len(self.stance)
        return (f"<TagResult {self.codebook.name} v{self.codebook.version}: {n} "
                f"{'units' if self.level == 'unit' else 'sentences'}, {len(self.evidence)} cue matches>")

    __str__ = __repr__

    def _repr_html_(self) -> str:
        from analysis.tagging.display import result_html

        return result_html(self)


# ---------------------------------------------------------------------- input
def _as_units(data, roles) -> pd.DataFrame:
    """A units table (unit_id, doc_id, text, ...) from a Corpus, a DataFrame or texts."""
    import threads

    if isinstance(data, threads.Corpus):
        units = data.units
    elif isinstance(data, pd.DataFrame):
        if "text" not in data.columns:
            raise TaggingError(f"tag: the table needs a 'text' column; it has {', '.join(map(str, data.columns))}")
        units = data
    elif isinstance(data, str):
        units = pd.DataFrame({"text": [data]})
    elif isinstance(data, pd.Series):
        units = pd.DataFrame({"unit_id": data.index.astype("str"), "text": data.to_numpy()})
    elif isinstance(data, Iterable):
        units = pd.DataFrame({"text": list(data)})
    else:
        raise TaggingError(f"tag: expected a Corpus, a units DataFrame or texts, got {type(data).__name__}")
    out = pd.DataFrame(index=units.index)
    out["unit_id"] = (units["unit_id"] if "unit_id" in units.columns
                      else pd.Series(np.arange(len(units)), index=units.index)).astype("str")
    out["doc_id"] = (units["doc_id"].astype("str") if "doc_id" in units.columns else out["unit_id"])
    for col in ("role", "parent_id", "context"):
        if col in units.columns:
            out[col] = units[col]
    text = units["text"]
    kind = "string" if isinstance(text.dtype, pd.StringDtype) else pd.api.types.infer_dtype(text, skipna=True)
    bad = pd.Series(False, index=text.index)
    if kind not in ("string", "empty"):
        bad = ~text.map(lambda v: isinstance(v, str) or v is None or (isinstance(v, float) and np.isnan(v)))
    if bad.any():
        raise TaggingError(f"tag: 'text' must be text; row {int(np.flatnonzero(bad)[0])} holds "
                           f"{type(text[bad].iloc[0]).__name__}")
    out["text"] = text.astype("str").fillna("")
    if out["unit_id"].duplicated().any():
        dup = out["unit_id"][out["unit_id"].duplicated()].iloc[0]
        raise TaggingError(f"tag: unit_id must be unique; {dup!r} appears more than once")
    return out.reset_index(drop=True)


def _contexts(units: pd.DataFrame) -> dict[str, tuple[str, ...] | None]:
    """Per unit_id, the actors its thread context criticises (for whataboutism's actor switch).

    A comment's context is the article above it: the actors its title and
    body mention most. A ``context`` column (e.g. a video title) overrides it.
    Article units themselves get no context (they set it).
    """
    out: dict[str, tuple[str, ...] | None] = {}
    if "role" in units.columns:
        is_article = units["role"].isin(list(ARTICLE_ROLES))
        article = units[units["role"].isin(["title", "body"])]
        focal = {d: f for d, g in article.groupby("doc_id", sort=False)
                 if (f := wa.focal_actors(g["text"].tolist()))}
        if focal:
            sel = units[~is_article & units["doc_id"].isin(list(focal))]
            out.update(zip(sel["unit_id"], sel["doc_id"].map(focal), strict=True))
    if "context" in units.columns:
        for uid, c in zip(units["unit_id"], units["context"], strict=True):
            if isinstance(c, str) and c:
                out[uid] = wa.focal_actors([c]) or None
    return out


# ---------------------------------------------------------------------- tagging
def tag(data, codebook: str | Codebook = DEFAULT_CODEBOOK, level: str = "unit", *,
        roles: Iterable[str] | None = CONTENT_ROLES, batch_size: int = 10000,
        progress: bool = False) -> TagResult:
    """Tag every unit (or sentence) with the codebook's categories and stance.

    Parameters
    ----------
    data : Corpus, units DataFrame (``text`` plus ideally ``unit_id``,
        ``doc_id``, ``role``), a Series or list of texts, or one text.
    codebook : a built-in name, a YAML path or a :class:`Codebook`.
    level : ``"unit"`` or ``"sentence"`` (tags then carry a ``sentence`` index;
        evidence spans still index the unit's text).
    roles : roles to tag when the input has a ``role`` column (default
        title, body, comment); ``None`` tags every row.
    batch_size : units matched at once; memory grows with it, not with the corpus.
    """
    cb = load_codebook(codebook)
    import threads

    if isinstance(data, threads.Corpus):
        check_codebook_language(data, cb)
    parts = list(tag_batches(data, cb, level, roles=roles, batch_size=batch_size,
                             progress=progress))
    if not parts:
        return _empty_result(cb, level)
    if len(parts) == 1:
        return parts[0]
    return TagResult(**{name: pd.concat([getattr(p, name) for p in parts], ignore_index=True)
                        for name in ("tags", "evidence", "stance", "units", "stance_evidence")},
                     codebook=cb, level=level)


def tag_batches(data, codebook: str | Codebook = DEFAULT_CODEBOOK, level: str = "unit", *,
                roles: Iterable[str] | None = CONTENT_ROLES, batch_size: int = 10000,
                progress: bool = False) -> Iterator[TagResult]:
    """Like :func:`tag`, but yields one :class:`TagResult` per batch of units.

    ``data`` may also be an iterable of units DataFrames (e.g. chunks read
    from a large file), so a corpus never has to be in memory at once; the
    whataboutism context then comes from each chunk's own article units.
    """
    if level not in LEVELS:
        raise TaggingError(f"tag: level must be one of {', '.join(LEVELS)}, not {level!r}")
    if not isinstance(batch_size, int | np.integer) or batch_size < 1:
        raise TaggingError(f"tag: batch_size must be a positive whole number, not {batch_size!r}")
    cb = load_codebook(codebook)
    matcher = _compiled(cb)
    roles_ = None if roles is None else ([roles] if isinstance(roles, str) else list(roles))
    if roles_ is not None:
        unknown = sorted(set(roles_) - set(ROLES))
        if unknown:
            raise TaggingError(f"tag: unknown role(s) {', '.join(map(repr, unknown))}; "
                               f"roles are {', '.join(ROLES)}")
    if isinstance(data, list | tuple) and data and all(isinstance(d, pd.DataFrame) for d in data):
        data = iter(data)
    if _is_chunk_stream(data):
        first = next(data, None)
        if first is not None and not isinstance(first, pd.DataFrame):
            data = [first, *data]  # an iterator of texts, not of tables: take it whole
            chunks = iter([_as_units(data, roles)])
        else:
            rest = () if first is None else chain([first], data)
            chunks = (_as_units(c, roles) for c in rest)
    else:
        chunks = iter([_as_units(data, roles)])
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(unit="units", desc=f"tagging ({cb.name})")
    try:
        for units in chunks:
            ctx = _contexts(units) if _has_rules(cb) else {}
            if roles_ is not None and "role" in units.columns:
                n_in = len(units)
                units = units[units["role"].isin(roles_)].reset_index(drop=True)
                if n_in and units.empty:
                    warnings.warn(f"tag: none of {n_in} units has a role in {', '.join(roles_)}; "
                                  "nothing was tagged (pass roles=None to tag every row)",
                                  ThreadframeWarning, stacklevel=3)
            for lo in range(0, len(units), batch_size):
                batch = units.iloc[lo:lo + batch_size]
                yield _tag_batch(batch, cb, matcher, level, ctx)
                if bar is not None:
                    bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()


def _has_rules(cb: Codebook) -> bool:
    return any(c.rules for c in cb.specs)


def _is_chunk_stream(data) -> bool:
    import threads

    if isinstance(data, str | pd.DataFrame | pd.Series | threads.Corpus):
        return False
    return isinstance(data, Iterator)


def _str_array(values):
    return pd.array(values, dtype="str")


def _str_take(values, index: np.ndarray):
    """``values[index]`` as a str array, gathered by Arrow (fast for repeated ids)."""
    import pyarrow as pa

    base = pa.array(np.asarray(values, dtype=object), type=pa.large_string())
    return pd.array(base.take(pa.array(index, type=pa.int64())), dtype="str")


def _tag_batch(batch: pd.DataFrame, cb: Codebook, matcher: Matcher, level: str, ctx) -> TagResult:
    unit_ids = batch["unit_id"].to_numpy(dtype=object)
    doc_ids = batch["doc_id"].to_numpy(dtype=object)
    unit_texts = list(batch["text"].to_numpy(dtype=object))
    if level == "sentence":
        row_unit, row_sent, row_off, texts = [], [], [], []
        for ui, t in enumerate(unit_texts):
            for si, (s, e) in enumerate(split_sentences(t)):
                row_unit.append(ui)
                row_sent.append(si)
                row_off.append(s)
                texts.append(t[s:e])
        row_unit_a = np.asarray(row_unit, dtype=np.int64)
        row_off_a = np.asarray(row_off, dtype=np.int64)
    else:
        texts = unit_texts
        row_unit_a = np.arange(len(texts), dtype=np.int64)
        row_off_a = np.zeros(len(texts), dtype=np.int64)
    n = len(texts)
    cats = cb.categories
    ncat = len(cats)
    m = matcher.match_arrays(texts)
    group = matcher.entry_group[m.entry]
    is_cat = group < ncat

    # -- category cues: scores, counts, evidence rows (text, category, cue, start, end, weight)
    c_ti, c_g, c_e = m.text[is_cat], group[is_cat], m.entry[is_cat]
    c_w = matcher.entry_weight[c_e]
    idx = c_ti * ncat + c_g
    scores = np.bincount(idx, weights=c_w, minlength=n * ncat).astype(float)
    counts = np.bincount(idx, minlength=n * ncat).astype(np.int64)
    ev_parts = [(c_ti, c_g, matcher.entry_pattern[c_e], m.start[is_cat], m.end[is_cat], c_w)]

    # -- rule categories (whataboutism): scored by the rule layer, one evidence row per rule hit
    rule_cats = [gi for gi, c in enumerate(cb.specs) if c.rules == "whataboutism"]
    if rule_cats:
        if ctx:
            uids = unit_ids[row_unit_a]
            masks = np.fromiter((wa.context_mask(ctx.get(u)) for u in uids), dtype=np.int64, count=n)
        else:
            masks = np.zeros(n, dtype=np.int64)
        r_score, _, (r_ti, r_rule, r_s, r_e) = wa.rule_arrays(matcher, m, n, masks)
        names = np.array([f"rule:{r}" for r in wa.RULES], dtype=object)
        weights = np.array([wa._RULE_WEIGHTS[r] for r in wa.RULES])
        for gi in rule_cats:
            scores[np.arange(n) * ncat + gi] += r_score
            counts += np.bincount(r_ti * ncat + gi, minlength=n * ncat)
            ev_parts.append((r_ti, np.full(len(r_ti), gi), names[r_rule], r_s, r_e, weights[r_rule]))
    thresholds = np.array([c.threshold for c in cb.specs])
    scores = scores.reshape(n, ncat)
    present = (scores >= thresholds) & (scores > 0)

    # -- tables
    each_row = np.repeat(row_unit_a, ncat)
    tags = pd.DataFrame({
        "unit_id": _str_take(unit_ids, each_row),
        "doc_id": _str_take(doc_ids, each_row),
        "category": _str_take(cats, np.tile(np.arange(ncat), n)),
        "score": scores.ravel(),
        "present": present.ravel(),
        "n_cues": counts,
        "source": _str_take([f"codebook:{cb.name}"], np.zeros(n * ncat, dtype=np.int64)),
    })
    cat_names = np.asarray(cats, dtype=object)
    ev, ev_rows = _span_table(ev_parts, texts, row_unit_a, row_off_a, unit_ids, doc_ids,
                              lambda g: cat_names[g.astype(np.int64)], "category", EVIDENCE_COLUMNS)

    # -- stance
    crit = np.zeros(n)
    supp = np.zeros(n)
    st_parts = []
    for side, arr in (("critical", crit), ("supportive", supp)):
        if f"stance:{side}" not in matcher.groups:
            continue
        sel = group == matcher.groups.index(f"stance:{side}")
        w = matcher.entry_weight[m.entry[sel]]
        arr += np.bincount(m.text[sel], weights=w, minlength=n)
        st_parts.append((m.text[sel], np.full(int(sel.sum()), side, dtype=object),
                         matcher.entry_pattern[m.entry[sel]], m.start[sel], m.end[sel], w))
    st_ev, st_rows = _span_table(st_parts, texts, row_unit_a, row_off_a, unit_ids, doc_ids,
                                 lambda v: v, "side", STANCE_EVIDENCE_COLUMNS)
    st_score = supp - crit
    thr = cb.stance.threshold if cb.stance is not None else 1.0
    label = np.where(st_score >= thr, "supportive", np.where(st_score <= -thr, "critical", "neutral"))
    stance = pd.DataFrame({"unit_id": _str_take(unit_ids, row_unit_a),
                           "doc_id": _str_take(doc_ids, row_unit_a),
                           "stance": _str_array(label.astype(object)), "score": st_score,
                           "critical": crit, "supportive": supp})
    units_out = batch[[c for c in ("unit_id", "doc_id", "role", "text") if c in batch.columns]]
    if rule_cats:  # the actors each unit responds to, so explain() can show them
        context = ([";".join(ctx.get(u) or ()) for u in unit_ids] if ctx else [""] * len(unit_ids))
        units_out = units_out.assign(context=_str_array(np.array(context, dtype=object)))
    if level == "sentence":
        sent = np.asarray(row_sent, dtype=np.int64)
        tags.insert(1, "sentence", np.repeat(sent, ncat))
        stance.insert(1, "sentence", sent)
        ev.insert(1, "sentence", sent[ev_rows])
        st_ev.insert(1, "sentence", sent[st_rows])
    return TagResult(tags=tags, evidence=ev, stance=stance, codebook=cb, level=level,
                     units=units_out.reset_index(drop=True), stance_evidence=st_ev)


def _span_table(parts, texts, row_unit, row_off, unit_ids, doc_ids, name_of, name_col, columns):
    """Evidence rows from parallel arrays (text row, name, cue, start, end, weight),
    sorted by text and start; also returns each row's text (sentence) row."""
    if parts:
        ti, names, cue, start, end, weight = (np.concatenate(x) for x in zip(*parts, strict=True))
    else:
        ti = start = end = np.zeros(0, dtype=np.int64)
        names = cue = np.zeros(0, dtype=object)
        weight = np.zeros(0)
    ti = ti.astype(np.int64)
    order = np.lexsort((start, ti))
    ti, names, cue, start, end, weight = (a[order] for a in (ti, names, cue, start, end, weight))
    matched = [texts[t][s:e] for t, s, e in zip(ti.tolist(), start.tolist(), end.tolist(), strict=True)]
    out = pd.DataFrame({
        "unit_id": _str_take(unit_ids, row_unit[ti]),
        "doc_id": _str_take(doc_ids, row_unit[ti]),
        name_col: _str_array(name_of(names) if len(names) else np.zeros(0, dtype=object)),
        "cue": _str_array(cue),
        "start": (start + row_off[ti]).astype(np.int64),
        "end": (end + row_off[ti]).astype(np.int64),
        "matched": _str_array(np.asarray(matched, dtype=object)),
        "weight": weight.astype(float),
    })[columns]
    return out, ti


def _empty_result(cb: Codebook, level: str) -> TagResult:
    empty = _tag_batch(pd.DataFrame({"unit_id": pd.Series(dtype="str"), "doc_id": pd.Series(dtype="str"),
                                     "text": pd.Series(dtype="str")}), cb, _compiled(cb), level, {})
    return empty


# ---------------------------------------------------------------------- aggregates
def document_stance(result: TagResult) -> pd.DataFrame:
    """Stance per document: counts of critical/supportive/neutral units, mean score, and
    the document's stance (the sign of the summed unit scores beyond the threshold)."""
    st = result.stance
    counts = pd.crosstab(st["doc_id"], st["stance"]).reindex(
        columns=["critical", "supportive", "neutral"], fill_value=0)
    counts.columns = [f"n_{c}" for c in counts.columns]
    g = st.groupby("doc_id")["score"]
    out = counts.join(g.sum().rename("score")).join(g.mean().rename("mean_score"))
    out["n_units"] = counts.sum(axis=1)
    thr = result.codebook.stance.threshold if result.codebook.stance is not None else 1.0
    out["stance"] = np.where(out["score"] >= thr, "supportive",
                             np.where(out["score"] <= -thr, "critical", "neutral"))
    out["stance"] = out["stance"].astype("str")
    return out.reset_index()[["doc_id", "n_units", "n_critical", "n_supportive", "n_neutral",
                              "score", "mean_score", "stance"]]


# ---------------------------------------------------------------------- features
def cue_counts(texts, codebook: str | Codebook = DEFAULT_CODEBOOK, *, weighted: bool = False):
    """Cue matches per text and category as a ``scipy.sparse.csr_matrix`` (n_texts x n_categories).

    Rule categories (whataboutism) count the rules that fired. ``weighted``
    sums cue weights (the tagger's score) instead of counting matches.
    """
    from scipy import sparse

    texts = _text_list(texts)
    res = tag(pd.DataFrame({"unit_id": np.arange(len(texts)).astype(str), "text": texts}),
              codebook, roles=None)
    ncat = len(res.codebook.categories)
    values = res.tags["score" if weighted else "n_cues"].to_numpy(float).reshape(len(texts), ncat)
    return sparse.csr_matrix(values)


def _text_list(texts) -> list[str]:
    if isinstance(texts, str):
        raise TaggingError("expected a list of texts, got one string (wrap it in a list)")
    if isinstance(texts, pd.DataFrame):
        if "text" not in texts.columns:
            raise TaggingError("expected texts or a table with a 'text' column")
        texts = texts["text"]
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]


try:  # scikit-learn is a core dependency; keep the import lazy-safe
    from sklearn.base import BaseEstimator, TransformerMixin
except ImportError:  # pragma: no cover
    BaseEstimator, TransformerMixin = object, object


class CueFeatures(TransformerMixin, BaseEstimator):
    """scikit-learn transformer: codebook cue counts (and whataboutism rule features).

    Parameters
    ----------
    codebook : codebook name, path or Codebook.
    granularity : ``"category"`` (one column per category) or ``"cue"`` (one per cue pattern).
    weighted : sum cue weights instead of counting matches.
    rules : add one column per whataboutism rule (``wa_<rule>``) and ``wa_score``.
    binary : 0/1 instead of counts.

    Accepts a list/Series of texts or a DataFrame with a ``text`` column (and
    optionally ``context``, e.g. the title a reply answers, for the actor-switch rule).
    Returns a ``scipy.sparse.csr_matrix``.
    """

    def __init__(self, codebook="surveillance", granularity="category", weighted=False,
                 rules=True, binary=False):
        self.codebook = codebook
        self.granularity = granularity
        self.weighted = weighted
        self.rules = rules
        self.binary = binary

    def fit(self, X, y=None):
        if self.granularity not in ("category", "cue"):
            raise TaggingError(f"CueFeatures: granularity must be 'category' or 'cue', not {self.granularity!r}")
        cb = load_codebook(self.codebook)
        if self.granularity == "category":
            names = [f"cue_{c}" for c in cb.categories]
        else:
            names = [f"cue_{c.name}:{q.pattern}" for c in cb.specs for q in c.cues]
        if self.rules:
            names += [f"wa_{r}" for r in wa.RULES] + ["wa_score"]
        self.codebook_ = cb
        self.feature_names_out_ = np.asarray(names, dtype=object)
        self.n_features_out_ = len(names)
        return self

    def get_feature_names_out(self, input_features=None):
        return self.feature_names_out_

    def transform(self, X):
        from scipy import sparse

        if not hasattr(self, "codebook_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("CueFeatures is not fitted yet; call fit first")
        texts = _text_list(X)
        context = X["context"].tolist() if isinstance(X, pd.DataFrame) and "context" in X.columns else None
        cb = self.codebook_
        if self.granularity == "category":
            mat = cue_counts(texts, cb, weighted=self.weighted)
            if any(c.rules for c in cb.specs):  # rule columns come separately below
                keep = [i for i, c in enumerate(cb.specs) if not c.rules]
                cols = mat.toarray()
                for i in set(range(len(cb.specs))) - set(keep):
                    cols[:, i] = 0
                mat = sparse.csr_matrix(cols)
        else:
            mat = self._per_cue(texts, cb)
        if self.rules:
            rf = wa.rule_features(texts, context=context).to_numpy(float)
            mat = sparse.hstack([mat, sparse.csr_matrix(rf)], format="csr")
        if self.binary:
            mat = (mat > 0).astype(float)
        return mat.tocsr()

    def _per_cue(self, texts, cb):
        from scipy import sparse

        matcher = _compiled(cb)
        col = {}
        for c in cb.specs:
            for q in c.cues:
                col[(c.name, q.pattern)] = len(col)
        rows, cols, vals = [], [], []
        for lo in range(0, len(texts), 5000):
            _, hits, _ = matcher.match_batch(texts[lo:lo + 5000])
            for ti, eid, _, _ in hits:
                ent = matcher.entries[eid]
                if ent.group >= len(cb.specs):
                    continue
                rows.append(lo + ti)
                cols.append(col[(cb.specs[ent.group].name, ent.cue.pattern)])
                vals.append(ent.cue.weight if self.weighted else 1.0)
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(col)))
