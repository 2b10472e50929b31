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

from analysis.exceptions import NothingTaggedWarning
from analysis.languages import check_codebook_language, document_languages
from analysis.sentences import split_sentences
from analysis.tagging import whataboutism as wa
from analysis.tagging._spans import span_table, str_array, str_take
from analysis.tagging.codebook import DEFAULT_CODEBOOK, Codebook, codebook_source, load_codebook
from analysis.tagging.display import Explanation, Highlighted, result_html
from analysis.tagging.inputs import TaggingError, as_units, unit_contexts
from analysis.tagging.layers import get_rule_layer
from analysis.tagging.matcher import Matcher
from analysis.tagging.multilingual import Languages, chooses_language, language_map, tag_by_language
from threads.schema import CONTENT_ROLES, ROLES

LEVELS = ("unit", "sentence")
TAG_COLUMNS = ["unit_id", "doc_id", "category", "score", "present", "n_cues", "source"]
EVIDENCE_COLUMNS = ["unit_id", "doc_id", "category", "cue", "start", "end", "matched", "weight"]
STANCE_COLUMNS = ["unit_id", "doc_id", "stance", "score", "critical", "supportive"]
STANCE_EVIDENCE_COLUMNS = ["unit_id", "doc_id", "side", "cue", "start", "end", "matched", "weight"]


@lru_cache(maxsize=16)
def compiled_matcher(codebook: Codebook) -> Matcher:
    extra: dict = {}
    for name in dict.fromkeys(c.rules for c in codebook.specs if c.rules):
        extra.update(get_rule_layer(name, codebook.language).cues())
    return Matcher(codebook, extra=extra or None)


def compile_codebook(codebook: str | Codebook = DEFAULT_CODEBOOK) -> Matcher:
    """The codebook compiled into its automaton (cached; tagging calls this for you)."""
    return compiled_matcher(load_codebook(codebook))


# ---------------------------------------------------------------------- result
@dataclass(frozen=True, repr=False)
class TagResult:
    """What :func:`tag` returns: long tables of tags, evidence and stance.

    ``tags``: one row per (unit[, sentence], category), zeros included;
    ``evidence``: one row per cue match (``start``/``end`` index the unit's
    ``text``); ``stance``: one row per unit[/sentence]; ``units``: the texts
    that were tagged (for :meth:`show` and :meth:`explain`).

    Tagged with a built-in codebook by name, each document is tagged with the
    codebook in its language: ``units`` then has a ``language`` column, the
    ``source`` column of ``tags`` names the translation used
    (``codebook:surveillance@de``) and ``variants`` holds the translations;
    ``codebook`` is the English one (the categories are the same).
    """

    tags: pd.DataFrame
    evidence: pd.DataFrame
    stance: pd.DataFrame
    codebook: Codebook
    level: str = "unit"
    units: pd.DataFrame = field(default_factory=pd.DataFrame)
    stance_evidence: pd.DataFrame = field(default_factory=pd.DataFrame)
    variants: tuple[Codebook, ...] = ()

    def codebook_of(self, unit_id: str) -> Codebook:
        """The codebook (or its translation) the unit was tagged with."""
        row = self._unit_row("codebook_of", unit_id)
        if self.variants and "language" in row.columns:
            lang = row["language"].iloc[0]
            for book in self.variants:
                if book.language == lang:
                    return book
        return self.codebook

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
        row = self._unit_row("show", unit_id)
        ev = self.evidence[self.evidence["unit_id"] == unit_id]
        t = self.tags[(self.tags["unit_id"] == unit_id) & self.tags["present"]]
        return Highlighted(unit_id, row["text"].iloc[0], ev.reset_index(drop=True),
                           self.codebook_of(unit_id), tuple(dict.fromkeys(t["category"])))

    def _unit_row(self, what: str, unit_id: str) -> pd.DataFrame:
        row = self.units[self.units["unit_id"] == unit_id]
        if row.empty:
            raise TaggingError(f"{what}: unit {unit_id!r} is not in this result")
        return row

    def explain(self, unit_id: str, category: str):
        """Why this unit got (or did not get) ``category``: see :func:`analysis.explain`."""
        row = self._unit_row("explain", unit_id)
        ctx = row["context"].iloc[0] if "context" in row.columns else ""
        return explain(row["text"].iloc[0], category, self.codebook_of(unit_id),
                       context=tuple(ctx.split(";")) if ctx else None)

    def __len__(self) -> int:
        return len(self.stance)

    def __repr__(self) -> str:
        n = len(self.stance)
        return (f"<TagResult {self.codebook.name} v{self.codebook.version}: {n} "
                f"{'units' if self.level == 'unit' else 'sentences'}, {len(self.evidence)} cue matches>")

    __str__ = __repr__

    def _repr_html_(self) -> str:
        return result_html(self)


# ---------------------------------------------------------------------- input
# ---------------------------------------------------------------------- tagging
def tag(data, codebook: str | Codebook = DEFAULT_CODEBOOK, level: str = "unit", *,
        roles: Iterable[str] | None = CONTENT_ROLES, batch_size: int = 10000,
        progress: bool = False) -> TagResult:
    """Tag every unit (or sentence) with the codebook's categories and stance.

    Parameters
    ----------
    data : Corpus, units DataFrame (``text`` plus ideally ``unit_id``,
        ``doc_id``, ``role``), a Series or list of texts, or one text.
    codebook : a built-in name, a YAML path or a :class:`Codebook`. A built-in
        name tags each document with the codebook in its language (stated by
        the data or detected, see :func:`analysis.languages.document_languages`;
        English where the codebook has no translation, with a
        ``LanguageMismatchWarning``); a path or a Codebook is used as given.
    level : ``"unit"`` or ``"sentence"`` (tags then carry a ``sentence`` index;
        evidence spans still index the unit's text).
    roles : roles to tag when the input has a ``role`` column (default
        title, body, comment); ``None`` tags every row.
    batch_size : units matched at once; memory grows with it, not with the corpus.
    """
    cb = load_codebook(codebook)
    import threads

    choose = chooses_language(codebook)
    doc_langs = None
    if isinstance(data, threads.Corpus):
        if choose:
            doc_langs = language_map(document_languages(data))
        else:
            check_codebook_language(data, cb)
    parts = list(_tag_stream(data, cb, level, roles, batch_size, progress, choose, doc_langs))
    if not parts:
        return _empty_result(cb, level)
    if len(parts) == 1:
        return parts[0]
    variants = tuple(dict.fromkeys(v for p in parts for v in p.variants))
    return TagResult(**{name: pd.concat([getattr(p, name) for p in parts], ignore_index=True)
                        for name in ("tags", "evidence", "stance", "units", "stance_evidence")},
                     codebook=cb, level=level, variants=variants)


def tag_batches(data, codebook: str | Codebook = DEFAULT_CODEBOOK, level: str = "unit", *,
                roles: Iterable[str] | None = CONTENT_ROLES, batch_size: int = 10000,
                progress: bool = False) -> Iterator[TagResult]:
    """Like :func:`tag`, but yields one :class:`TagResult` per batch of units.

    ``data`` may also be an iterable of units DataFrames (e.g. chunks read
    from a large file), so a corpus never has to be in memory at once; the
    whataboutism context then comes from each chunk's own article units.
    A built-in codebook name chooses each document's language as in :func:`tag`.
    """
    import threads

    choose = chooses_language(codebook)
    doc_langs = None
    if choose and isinstance(data, threads.Corpus):
        doc_langs = language_map(document_languages(data))
    return _tag_stream(data, load_codebook(codebook), level, roles, batch_size, progress, choose,
                       doc_langs)


def _tag_stream(data, cb: Codebook, level: str, roles, batch_size: int, progress: bool,
                choose: bool, doc_langs: dict[str, str] | None) -> Iterator[TagResult]:
    if level not in LEVELS:
        raise TaggingError(f"tag: level must be one of {', '.join(LEVELS)}, not {level!r}")
    if not isinstance(batch_size, int | np.integer) or batch_size < 1:
        raise TaggingError(f"tag: batch_size must be a positive whole number, not {batch_size!r}")
    matcher = compiled_matcher(cb)
    languages = Languages(cb, doc_langs) if choose else None
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
            chunks = iter([as_units(data, roles)])
        else:
            rest = () if first is None else chain([first], data)
            chunks = (as_units(c, roles) for c in rest)
    else:
        chunks = iter([as_units(data, roles)])
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(unit="units", desc=f"tagging ({cb.name})")
    try:
        for units in chunks:
            # languages and contexts come from every unit (the article sets them), before roles filter
            langs = languages.of(units) if languages is not None else None
            ctx = {}
            if _has_rules(cb):
                ctx = unit_contexts(units, cb.language if langs is None or languages is None else
                                    dict(zip(units["doc_id"], map(languages.language_of, langs), strict=True)))
            if roles_ is not None and "role" in units.columns:
                n_in = len(units)
                keep = units["role"].isin(roles_).to_numpy(bool)
                units = units[keep].reset_index(drop=True)
                langs = langs[keep] if langs is not None else None
                if n_in and units.empty:
                    warnings.warn(f"tag: none of {n_in} units has a role in {', '.join(roles_)}; "
                                  "nothing was tagged (pass roles=None to tag every row)",
                                  NothingTaggedWarning, stacklevel=3)
            for lo in range(0, len(units), batch_size):
                batch = units.iloc[lo:lo + batch_size]
                if langs is None or languages is None:
                    yield _tag_batch(batch, cb, matcher, level, ctx)
                else:
                    yield tag_by_language(batch, langs[lo:lo + batch_size], languages, level, ctx,
                                          _tag_one_language)
                if bar is not None:
                    bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()


def _tag_one_language(units: pd.DataFrame, cb: Codebook, level: str, ctx) -> TagResult:
    return _tag_batch(units, cb, compiled_matcher(cb), level, ctx)


def _has_rules(cb: Codebook) -> bool:
    return any(c.rules for c in cb.specs)


def _is_chunk_stream(data) -> bool:
    import threads

    if isinstance(data, str | pd.DataFrame | pd.Series | threads.Corpus):
        return False
    return isinstance(data, Iterator)


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

    # -- rule categories: scored by their rule layer, one evidence row per rule that fired
    layer_hits: dict = {}
    row_ctx = [ctx.get(u) for u in unit_ids[row_unit_a]] if ctx else [None] * n
    for gi, spec in enumerate(cb.specs):
        if not spec.rules:
            continue
        if spec.rules not in layer_hits:
            layer = get_rule_layer(spec.rules, cb.language)
            layer_hits[spec.rules] = layer.hits(matcher, m, n, row_ctx)
        h = layer_hits[spec.rules]
        scores[np.arange(n) * ncat + gi] += h.score
        counts += np.bincount(h.text * ncat + gi, minlength=n * ncat)
        ev_parts.append((h.text, np.full(len(h.text), gi), h.rule, h.start, h.end, h.weight))
    thresholds = np.array([c.threshold for c in cb.specs])
    scores = scores.reshape(n, ncat)
    present = (scores >= thresholds) & (scores > 0)

    # -- tables
    each_row = np.repeat(row_unit_a, ncat)
    tags = pd.DataFrame({
        "unit_id": str_take(unit_ids, each_row),
        "doc_id": str_take(doc_ids, each_row),
        "category": str_take(cats, np.tile(np.arange(ncat), n)),
        "score": scores.ravel(),
        "present": present.ravel(),
        "n_cues": counts,
        "source": str_take([codebook_source(cb)], np.zeros(n * ncat, dtype=np.int64)),
    })
    cat_names = np.asarray(cats, dtype=object)
    ev, ev_rows = span_table(ev_parts, texts, row_unit_a, row_off_a, unit_ids, doc_ids,
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
    st_ev, st_rows = span_table(st_parts, texts, row_unit_a, row_off_a, unit_ids, doc_ids,
                                 lambda v: v, "side", STANCE_EVIDENCE_COLUMNS)
    st_score = supp - crit
    thr = cb.stance.threshold if cb.stance is not None else 1.0
    label = np.where(st_score >= thr, "supportive", np.where(st_score <= -thr, "critical", "neutral"))
    stance = pd.DataFrame({"unit_id": str_take(unit_ids, row_unit_a),
                           "doc_id": str_take(doc_ids, row_unit_a),
                           "stance": str_array(label.astype(object)), "score": st_score,
                           "critical": crit, "supportive": supp})
    units_out = batch[[c for c in ("unit_id", "doc_id", "role", "text") if c in batch.columns]]
    if layer_hits:  # the actors each unit responds to, so explain() can show them
        context = ([";".join(ctx.get(u) or ()) for u in unit_ids] if ctx else [""] * len(unit_ids))
        units_out = units_out.assign(context=str_array(np.array(context, dtype=object)))
    if level == "sentence":
        sent = np.asarray(row_sent, dtype=np.int64)
        tags.insert(1, "sentence", np.repeat(sent, ncat))
        stance.insert(1, "sentence", sent)
        ev.insert(1, "sentence", sent[ev_rows])
        st_ev.insert(1, "sentence", sent[st_rows])
    return TagResult(tags=tags, evidence=ev, stance=stance, codebook=cb, level=level,
                     units=units_out.reset_index(drop=True), stance_evidence=st_ev)


def _empty_result(cb: Codebook, level: str) -> TagResult:
    empty = _tag_batch(pd.DataFrame({"unit_id": pd.Series(dtype="str"), "doc_id": pd.Series(dtype="str"),
                                     "text": pd.Series(dtype="str")}), cb, compiled_matcher(cb), level, {})
    return empty


# ---------------------------------------------------------------------- explain
def explain(text_or_unit, category: str, codebook="surveillance", context=None, *,
            language: str | None = None) -> Explanation:
    """Say why a text (or a one-row units table) gets or does not get ``category``:
    the cues that matched, matches a not_near phrase cancelled, rules that fired,
    and the score against the category's threshold.

    ``context`` (actor names or a text such as the article title) is what the
    text responds to, used by rule layers such as whataboutism's. The text is
    scored by the same batch scorer as :func:`tag`, so the two always agree.
    ``language`` picks a built-in codebook's translation (``"de"``, ``"fr"``).
    """
    cb = load_codebook(codebook, language=language)
    if category not in cb.categories:
        raise TaggingError(f"explain: {cb.name} has no category {category!r}; "
                           f"categories: {', '.join(cb.categories)}")
    text = _one_text(text_or_unit)
    spec = cb[category]
    ctx = None
    if spec.rules and isinstance(context, str):
        ctx = wa.focal_actors([context], language=cb.language) or None
    elif spec.rules and context is not None:
        ctx = tuple(context)
    matcher = compiled_matcher(cb)
    one = pd.DataFrame({"unit_id": ["text"], "doc_id": ["text"], "text": [text]})
    res = _tag_batch(one, cb, matcher, "unit", {"text": ctx} if ctx is not None else {})
    row = res.tags[res.tags["category"] == category].iloc[0]
    ev = res.evidence[res.evidence["category"] == category]
    is_rule = ev["cue"].str.startswith("rule:").to_numpy(bool)
    cols = ["cue", "start", "end", "matched", "weight"]
    matches = ev.loc[~is_rule, cols].reset_index(drop=True)
    rules = (ev.loc[is_rule, cols].rename(columns={"cue": "rule"})
             .assign(rule=lambda d: d["rule"].str.removeprefix("rule:")).reset_index(drop=True))
    gi = cb.categories.index(category)
    _, _, excl = matcher.match_batch([text], keep_excluded=True)
    excluded = pd.DataFrame([(matcher.entries[eid].cue.pattern, s, e, text[s:e], phrase)
                             for _, eid, s, e, phrase in excl if matcher.entries[eid].group == gi],
                            columns=["cue", "start", "end", "matched", "not_near"])
    return Explanation(category, bool(row["present"]), float(row["score"]), spec.threshold,
                       matches, excluded, rules, text, cb, ctx)


def _one_text(text_or_unit) -> str:
    if isinstance(text_or_unit, pd.DataFrame):
        if len(text_or_unit) != 1 or "text" not in text_or_unit.columns:
            raise TaggingError("explain: give one text or a one-row table with a 'text' column")
        return str(text_or_unit["text"].iloc[0])
    if isinstance(text_or_unit, pd.Series) and "text" in text_or_unit.index:
        return str(text_or_unit["text"])
    if isinstance(text_or_unit, str):
        return text_or_unit
    raise TaggingError(f"explain: expected a text or a unit row, got {type(text_or_unit).__name__}")


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


