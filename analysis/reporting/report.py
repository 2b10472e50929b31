"""The whole analysis of any parsed corpus: ``threadframe report`` / :func:`report`.

Tag -> compare -> figures, tables and a Markdown report whose every number is
read from the tables it writes. ``threadframe demo`` is this on the bundled
sample corpus. Layout of the output directory::

    DIR/<figure>.pdf|svg|png|csv|txt   one stem per figure (data + caption beside it)
    DIR/tables/<table>.csv             every table the report quotes
    DIR/report.md                      the findings, generated from the tables

Steps that need something the corpus lacks (two groups to compare, comments
with replies, several versions of one story) are skipped and the report says
so in a sentence.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.reporting.report_stance import _stance, _stance_model, unit_stance_of
from analysis.reporting.report_text import ARTICLE, _n, write_report
from threads.errors import ThreadframeError

__all__ = ["ReportResult", "report"]


@dataclass
class ReportResult:
    """What :func:`report` produced: output directory, written files, tables, skipped steps."""

    out: Path
    files: list[Path] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def report(self) -> Path:
        return self.out / "report.md"


def _labelled(corpus, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(docs, units) with a ``by`` label for every document (its doc_id
    where the metadata has none) joined onto the units. Units without text
    (:func:`analysis.countable.has_text`, the rule every table uses) are
    flagged ``analysed = False``: they stay in reply trees but carry no tags,
    and the tables count them in ``n_excluded``."""
    from analysis.countable import has_text

    docs = corpus.docs.copy()
    if by not in docs.columns:
        raise ThreadframeError(f"report: by={by!r} is not a column of the documents table; it has "
                               f"{', '.join(map(str, docs.columns))}")
    docs[by] = docs[by].astype("str").where(docs[by].notna(), docs["doc_id"]).astype("str")
    units = corpus.units.drop(columns=[by], errors="ignore").merge(docs[["doc_id", by]], on="doc_id",
                                                                   how="left")
    units["analysed"] = has_text(units)
    return docs, units


class _Run:
    def __init__(self, out: Path, progress: bool, formats, dpi: int, title: str, command: str):
        self.out = out
        self.result = ReportResult(out=out)
        self.title = title
        self.command = command
        self.progress = progress
        self.formats = tuple(formats)
        self.dpi = dpi

    def table(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        path = self.out / "tables" / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")
        self.result.files.append(path)
        self.result.tables[name] = df
        return df

    def figure(self, fig, data: pd.DataFrame, name: str, caption: str) -> None:
        from analysis.figures.save import save_figure

        self.result.files.extend(save_figure(fig, data, self.out / name, caption,
                                             formats=self.formats, dpi=self.dpi))

    def skip(self, step: str, why: str) -> None:
        self.result.skipped[step] = why


def report(corpus, out: str | os.PathLike = "report", *, codebook="surveillance", by: str = "outlet",
           story: str | None = None, title: str | None = None, progress: bool = True,
           n_boot: int = 2000, seed: int = 0, formats=("pdf", "svg", "png"), dpi: int = 300,
           command: str = "analysis.report", stance_model=None) -> ReportResult:
    """Run the whole analysis of ``corpus`` into ``out`` (see module docs).

    Parameters
    ----------
    corpus : a ``threads.Corpus`` (parsed, or loaded with ``threads.Corpus.load``).
    codebook : a built-in codebook name, a YAML path or a ``Codebook``.
    by : the documents column to compare (``outlet`` by default; any column
        of ``corpus.docs``); documents without a value are their own group.
    story : a word that marks the documents telling one story (e.g. an event's
        name); their versions are aligned sentence by sentence. None skips it.
    title : the report's heading.
    n_boot, seed : the cluster bootstrap of the intervals.
    formats, dpi : passed to :func:`analysis.figures.save.save_figure`.
    stance_model : None (the codebook's dictionary stance), a fitted
        ``StanceClassifier`` / ``ReplyStanceClassifier`` or the path of a
        ``.tfm`` file holding one; the report names it and quotes its model
        card's scores (where it was validated).
    """
    from analysis.figures.save import FORMATS
    from analysis.tagging.codebook import load_codebook

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ThreadframeError(f"report: unknown figure format(s) {unknown}; use {', '.join(FORMATS)}")
    if not (hasattr(corpus, "docs") and hasattr(corpus, "units")):
        raise ThreadframeError(f"report: expected a threads.Corpus, got {type(corpus).__name__}")
    cb = load_codebook(codebook)
    docs, units = _labelled(corpus, by)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    run = _Run(out, progress, formats, dpi, title or f"threadframe report: {len(docs)} documents by {by}",
               command)
    state: dict = {"corpus": corpus, "docs": docs, "units": units, "by": by, "codebook": cb,
                   "story_keyword": story, "stance_model": _stance_model(stance_model)}
    steps: list[tuple[str, Callable]] = [
        ("the corpus", lambda: _describe(run, state)),
        ("tag frames and stance", lambda: _tag(run, state)),
        (f"prevalence by {by}", lambda: _prevalence(run, state, n_boot, seed)),
        (f"stance by {by}", lambda: _stance(run, state, n_boot, seed)),
        ("article against comments", lambda: _article_comments(run, state, n_boot, seed)),
        ("reply trees", lambda: _replies(run, state)),
        ("distinctive terms", lambda: _terms(run, state)),
        ("one story across documents", lambda: _story(run, state)),
        ("write the report", lambda: write_report(run, state)),
    ]
    from tqdm.auto import tqdm

    with tqdm(steps, desc=command.split()[0], unit="step", disable=not progress) as bar:
        for name, step in bar:
            bar.set_postfix_str(name)
            step()
    return run.result


# ---------------------------------------------------------------------- steps
def _describe(run: _Run, state: dict) -> None:
    from analysis.languages import check_codebook_language

    corpus, docs, by = state["corpus"], state["docs"], state["by"]
    summary = corpus.summary().drop(columns=[by], errors="ignore").merge(docs[["doc_id", by]],
                                                                          on="doc_id")
    summary = summary[["doc_id", by, *[c for c in summary.columns if c.startswith("n_")], "max_depth"]]
    run.table("corpus", summary)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        langs = check_codebook_language(corpus, state["codebook"])
    for w in caught:  # shown to the user once, and said in the report
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    state["languages"] = run.table("languages", langs)
    state["language_warning"] = str(caught[0].message) if caught else None


def _tag(run: _Run, state: dict) -> None:
    import analysis

    units = state["units"]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=analysis.LanguageMismatchWarning)
        result = analysis.tag(units[units["analysed"]], state["codebook"], progress=run.progress)
    state["analysed"] = units[units["analysed"]].reset_index(drop=True)
    state["result"] = result
    state["categories"] = list(result.codebook.categories)
    run.table("tags", result.tags)
    unit_stance_of(run, state)


def _prevalence(run: _Run, state: dict, n_boot: int, seed: int) -> None:
    from analysis.compare.groups import compare_groups, prevalence
    from analysis.figures.plots import plot_prevalence

    units, result, cats, by = state["units"], state["result"], state["categories"], state["by"]
    state["prev"] = state["tests"] = None
    if not units.loc[units["analysed"], "role"].isin(ARTICLE).any():
        run.skip(f"prevalence by {by}", "the corpus has no article text (title or body units)")
        return
    prev = run.table(f"prevalence_by_{by}", prevalence(result.tags, units, by=by, roles=ARTICLE,
                                                       categories=cats, n_boot=n_boot, seed=seed))
    state["prev"] = prev
    if prev[by].nunique() >= 2:
        # Paragraphs of one article are not independent: permute whole documents.
        state["tests"] = run.table(f"{by}_tests", compare_groups(
            result.tags, units, by=by, roles=ARTICLE, categories=cats, pairwise=False,
            test="permutation", cluster="doc", seed=seed))
    fig = plot_prevalence(prev, by, categories=cats)
    n_docs = int(prev.groupby(by)["n_docs"].max().max())
    run.figure(fig, prev, f"prevalence_by_{by}",
               f"Share of article paragraphs (title and body units) carrying each frame, by {by}, "
               f"tagged with the '{result.codebook.name}' codebook. Whiskers: 95% intervals; open "
               "markers are Wilson intervals, used where a group has too few documents for a cluster "
               f"bootstrap (here at most {_n(n_docs, 'document')} per {by}; with few documents they "
               f"describe these documents, not the {by} as such). n: units with text per {by} "
               "(units without text are left out).")


def _article_comments(run: _Run, state: dict, n_boot: int, seed: int) -> None:
    from analysis.compare.replies import article_vs_comments
    from analysis.figures.plots import plot_article_vs_comments

    units, result, cats, by = state["units"], state["result"], state["categories"], state["by"]
    analysed = units.loc[units["analysed"], "role"]
    state["avc"] = None
    if not analysed.eq("comment").any() or not analysed.isin(ARTICLE).any():
        run.skip("article against comments", "the corpus does not have both article text and comments")
        return
    avc = article_vs_comments(result.tags, units, by=[by], categories=cats, n_boot=n_boot, seed=seed)
    avc = run.table("article_vs_comments", avc)
    state["avc"] = avc
    fig = plot_article_vs_comments(avc, by, categories=cats)
    run.figure(fig, avc, "article_vs_comments",
               "Share of units carrying each frame in the article (title and body) and in its comment "
               f"section, for each {by} with comments. Whiskers: 95% intervals (cluster bootstrap "
               "over comment threads where there are enough, else Wilson). n: units with text; "
               "comments whose text was lost in the scrape are left out of every share.")


def _replies(run: _Run, state: dict) -> None:
    from analysis.compare.replies import answered_by, reply_edges, transitions
    from analysis.figures.plots import plot_reply_tree, plot_transitions, tree_layout

    units, result, cats, by = state["units"], state["result"], state["categories"], state["by"]
    edges = reply_edges(units, include_article=True)
    state["transitions"] = state["answers"] = None
    if edges.empty:
        run.skip("reply trees", "the corpus has no comments to follow")
        return
    tr = run.table("transitions", transitions(result.tags, units, categories=cats, include_article=True))
    state["transitions"] = tr
    run.figure(plot_transitions(tr), tr, "transitions",
               "Reply transitions: of the replies to a unit carrying the row's frame (the article "
               "counts as the parent of top-level comments, carrying the frames at least half its "
               "paragraphs carry), the share carrying the column's frame; cells give the count of "
               "such replies out of all replies to that frame. Grey rows rest on fewer than "
               f"{tr.attrs['min_replies']} replies and are not findings. A unit may carry several "
               "frames; 'none' marks units with no frame; comments without text are left out.")
    if "whataboutism" in cats:
        state["answers"] = run.table("whataboutism_answers", answered_by(
            result.tags, units, "whataboutism", categories=cats))
    comments = units[units["role"] == "comment"]
    doc = comments["doc_id"].value_counts().sort_index().idxmax()
    state["tree_doc"] = doc
    label = units.loc[units["doc_id"] == doc, by].iloc[0]
    lay = tree_layout(units, doc)
    wide = result.wide().reindex(lay["unit_id"])
    wide.index.name = "unit_id"
    data = lay.merge(wide.reset_index(), on="unit_id", how="left")
    data["tagged"] = data["unit_id"].isin(set(result.tags["unit_id"]))
    rings = ("; black rings mark comments tagged as whataboutism" if "whataboutism" in cats else "")
    run.figure(plot_reply_tree(units, result.tags, doc, categories=cats), data, "reply_tree",
               f"The comment section under {label} ({doc}), the largest in the corpus: each comment a "
               "dot coloured by its first frame in codebook order (grey: none), replies to the right "
               f"of what they answer{rings}. The square is the article.")


def _terms(run: _Run, state: dict) -> None:
    from analysis.compare.terms import Z_THRESHOLD, distinctive_terms
    from analysis.figures.plots import plot_distinctive_terms

    units, by = state["analysed"], state["by"]
    state["terms"], state["z_threshold"] = None, Z_THRESHOLD
    art = units[units["role"].isin(ARTICLE)]
    if art[by].nunique() < 2:
        run.skip("distinctive terms", f"the article text comes from fewer than two values of {by}")
        return
    try:
        terms = distinctive_terms(art, by=by, roles=ARTICLE, min_count=2)
    except ThreadframeError as exc:
        run.skip("distinctive terms", str(exc))
        return
    run.table("distinctive_terms", terms)
    state["terms"] = terms
    top = terms[(terms["rank"] <= 6) & (terms["z"] > 0)]
    a0 = terms.attrs["prior_strength"]
    run.figure(plot_distinctive_terms(terms, k=6), top, "distinctive_terms",
               f"Words most distinctive of each {by}'s article text against all others: "
               "z-scores of the weighted log-odds ratio with an informative Dirichlet prior "
               f"(Monroe, Colaresi & Quinn 2008) of strength a0 = {a0:g} (the corpus's token count; "
               "z depends on it). The dashed line is z = 1.96; pale bars fall below it and are not "
               f"evidence that the word distinguishes the {by}. Numbers give the word's count in "
               f"the {by}. Words seen fewer than twice in the corpus are left out.")


def _story(run: _Run, state: dict) -> None:
    import analysis
    from analysis.compare.alignment import (
        align_versions,
        alignment_matrix,
        change_frames,
        story_sentences,
    )
    from analysis.figures.plots import plot_alignment_matrix

    units, by, keyword = state["analysed"], state["by"], state["story_keyword"]
    state["story"] = None
    if keyword is None:
        run.skip("one story across documents", "no story keyword given (story= / --story WORD "
                 "aligns the documents that mention it, sentence by sentence)")
        return
    art = units[units["role"].isin(ARTICLE)]
    story_docs = sorted(art.loc[art["text"].str.contains(keyword, regex=False), "doc_id"].unique())
    if len(story_docs) < 2:
        run.skip("one story across documents", f"fewer than two documents mention {keyword!r}")
        return
    sents = story_sentences(art[art["doc_id"].isin(story_docs)])
    label = "doc_id" if sents.groupby(by)["doc_id"].nunique().max() > 1 else by
    run.table("story_sentences", sents[list(dict.fromkeys(["doc_id", by, "unit_id", "source_unit_id",
                                                           "sentence", "text"]))])
    sent_tags = analysis.tag(sents, state["codebook"]).tags
    al = run.table("story_alignment", align_versions(sents, by=label))
    matrix = run.table("story_alignment_matrix", alignment_matrix(al))
    frames = run.table("story_change_frames", change_frames(al, sent_tags,
                                                            categories=state["categories"]))
    state["story"] = {"docs": story_docs, "alignment": al, "matrix": matrix, "frames": frames,
                      "n_sentences": sents.groupby(label).size()}
    run.figure(plot_alignment_matrix(matrix), matrix, "story_alignment",
               f"One story, {len(story_docs)} versions: the documents that mention {keyword!r}. "
               "Each cell: the share of the reference version's sentences (column) that the version "
               "(row) carries, shared near-identically or paraphrased; in brackets the near-identical "
               "share alone. Sentences matched by TF-IDF character n-gram cosine similarity and a "
               "one-to-one (Hungarian) assignment; >= 0.8 shared, >= 0.25 paraphrased. Shared "
               "material says nothing about who took it from whom.")
