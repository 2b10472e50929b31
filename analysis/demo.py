"""The whole analysis of the bundled sample corpus, offline: ``threadframe demo``.

Parse -> tag -> compare -> figures, tables and a Markdown report whose every
number is read from the tables it writes. Layout of the output directory::

    DIR/<figure>.pdf|svg|png|csv|txt   one stem per figure (data + caption beside it)
    DIR/tables/<table>.csv             every table the report quotes
    DIR/report.md                      the findings, generated from the tables

Steps that need something the corpus lacks (comments with replies, two
versions of one story) are skipped and the report says so.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .demo_report import ARTICLE, STORY_KEYWORD, write_report

__all__ = ["DemoResult", "run_demo"]


@dataclass
class DemoResult:
    """What :func:`run_demo` produced: output directory, written files, tables."""

    out: Path
    files: list[Path] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def report(self) -> Path:
        return self.out / "report.md"


def _labelled(corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(docs, units) with an ``outlet`` label for every document (its doc_id
    where the metadata has none) joined onto the units. Units without text
    (:func:`analysis.countable.has_text`, the rule every table uses) are
    flagged ``analysed = False``: they stay in reply trees but carry no tags,
    and the tables count them in ``n_excluded``."""
    from .countable import has_text

    docs = corpus.docs.copy()
    docs["outlet"] = docs["outlet"].fillna(docs["doc_id"]).astype("str")
    units = corpus.units.merge(docs[["doc_id", "outlet"]], on="doc_id", how="left")
    units["analysed"] = has_text(units)
    return docs, units


class _Run:
    def __init__(self, out: Path, progress: bool, formats, dpi: int):
        self.out = out
        self.result = DemoResult(out=out)
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
        from .figures import save_figure

        self.result.files.extend(save_figure(fig, data, self.out / name, caption,
                                             formats=self.formats, dpi=self.dpi))

    def skip(self, step: str, why: str) -> None:
        self.result.skipped[step] = why


def run_demo(out: str | os.PathLike = "figures", *, progress: bool = True, n_boot: int = 2000,
             seed: int = 0, formats=("pdf", "svg", "png"), dpi: int = 300) -> DemoResult:
    """Run the whole analysis of the sample corpus into ``out`` (see module docs).

    ``formats`` and ``dpi`` go to :func:`analysis.figures.save_figure` (fewer
    formats and a lower resolution make a quick look faster); ``n_boot`` and
    ``seed`` to the cluster bootstrap. Returns a :class:`DemoResult`.
    """
    import threads

    from .figures import FORMATS

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        from threads.errors import ThreadframeError

        raise ThreadframeError(f"demo: unknown figure format(s) {unknown}; use {', '.join(FORMATS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    run = _Run(out, progress, formats, dpi)
    state: dict = {}
    steps: list[tuple[str, Callable]] = [
        ("parse the sample corpus", lambda: _parse(run, state, threads)),
        ("tag frames and stance", lambda: _tag(run, state)),
        ("prevalence by outlet", lambda: _prevalence(run, state, n_boot, seed)),
        ("article against comments", lambda: _article_comments(run, state, n_boot, seed)),
        ("reply trees", lambda: _replies(run, state)),
        ("distinctive terms", lambda: _terms(run, state)),
        ("one story across outlets", lambda: _story(run, state)),
        ("write the report", lambda: write_report(run, state)),
    ]
    from tqdm.auto import tqdm

    with tqdm(steps, desc="threadframe demo", unit="step", disable=not progress) as bar:
        for name, step in bar:
            bar.set_postfix_str(name)
            step()
    return run.result


# ---------------------------------------------------------------------- steps
def _parse(run: _Run, state: dict, threads) -> None:
    corpus = threads.sample_corpus()
    docs, units = _labelled(corpus)
    state.update(corpus=corpus, docs=docs, units=units)
    summary = corpus.summary().merge(docs[["doc_id", "outlet"]], on="doc_id", suffixes=("_raw", ""))
    summary = summary[["doc_id", "outlet", *[c for c in summary.columns if c.startswith("n_")],
                       "max_depth"]]
    run.table("corpus", summary)


def _tag(run: _Run, state: dict) -> None:
    import analysis

    units = state["units"]
    result = analysis.tag(units[units["analysed"]])
    state["analysed"] = units[units["analysed"]].reset_index(drop=True)
    state["result"] = result
    state["categories"] = list(result.codebook.categories)
    run.table("tags", result.tags)
    run.table("stance", result.stance)


def _prevalence(run: _Run, state: dict, n_boot: int, seed: int) -> None:
    from .compare import compare_groups, prevalence
    from .plots import plot_prevalence

    units, result, cats = state["units"], state["result"], state["categories"]
    prev = run.table("prevalence_by_outlet", prevalence(result.tags, units, by="outlet", roles=ARTICLE,
                                                       categories=cats, n_boot=n_boot, seed=seed))
    state["prev"] = prev
    run.table("stance_by_outlet", prevalence(result.stance, units, by="outlet", roles=ARTICLE,
                                             n_boot=n_boot, seed=seed))
    tests = run.table("outlet_tests", compare_groups(result.tags, units, by="outlet", roles=ARTICLE,
                                                     categories=cats, pairwise=False))
    state["tests"] = tests
    fig = plot_prevalence(prev, "outlet", categories=cats)
    n_docs = int(prev.groupby("outlet")["n_docs"].max().max())
    run.figure(fig, prev, "prevalence_by_outlet",
               "Share of article paragraphs (title and body units) carrying each frame, by outlet, "
               "tagged with the 'surveillance' codebook. Whiskers: 95% intervals; open markers are "
               "Wilson intervals, used where an outlet has too few documents for a cluster bootstrap "
               f"(here at most {n_docs} document per outlet, so they describe these documents, not "
               "the outlets). n: units with text per outlet (units without text are left out).")


def _article_comments(run: _Run, state: dict, n_boot: int, seed: int) -> None:
    from .plots import plot_article_vs_comments
    from .replies import article_vs_comments

    units, result, cats = state["units"], state["result"], state["categories"]
    if not units.loc[units["analysed"], "role"].eq("comment").any():
        state["avc"] = None
        run.skip("article against comments", "the parsed corpus has no comments")
        return
    avc = article_vs_comments(result.tags, units, by=["outlet"], categories=cats, n_boot=n_boot,
                              seed=seed)
    avc = run.table("article_vs_comments", avc)
    state["avc"] = avc
    fig = plot_article_vs_comments(avc, "outlet", categories=cats)
    run.figure(fig, avc, "article_vs_comments",
               "Share of units carrying each frame in the article (title and body) and in its comment "
               "section, for each outlet with comments. Whiskers: 95% intervals (cluster bootstrap "
               "over comment threads where there are enough, else Wilson). n: units with text; "
               "comments whose text was lost in the scrape are left out of every share.")


def _replies(run: _Run, state: dict) -> None:
    from .plots import plot_reply_tree, plot_transitions
    from .replies import answered_by, reply_edges, transitions

    units, result, cats = state["units"], state["result"], state["categories"]
    edges = reply_edges(units, include_article=True)
    state["transitions"] = state["answers"] = None
    if edges.empty:
        run.skip("reply trees", "the parsed corpus has no comments to follow")
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
    ans = run.table("whataboutism_answers", answered_by(result.tags, units, "whataboutism",
                                                        categories=cats))
    state["answers"] = ans
    comments = units[units["role"] == "comment"]
    doc = comments["doc_id"].value_counts().sort_index().idxmax()
    state["tree_doc"] = doc
    outlet = units.loc[units["doc_id"] == doc, "outlet"].iloc[0]
    from .plots import tree_layout

    lay = tree_layout(units, doc)
    wide = result.wide().reindex(lay["unit_id"])
    wide.index.name = "unit_id"
    data = lay.merge(wide.reset_index(), on="unit_id", how="left")
    data["tagged"] = data["unit_id"].isin(set(result.tags["unit_id"]))
    run.figure(plot_reply_tree(units, result.tags, doc, categories=cats), data, "reply_tree",
               f"The comment section under {outlet} ({doc}): each comment a dot coloured by its first "
               "frame in codebook order (grey: none), replies to the right of what they answer; "
               "black rings mark comments tagged as whataboutism. The square is the article.")


def _terms(run: _Run, state: dict) -> None:
    from .plots import plot_distinctive_terms
    from .terms import Z_THRESHOLD, distinctive_terms

    units = state["analysed"]
    terms = distinctive_terms(units, by="outlet", roles=ARTICLE, min_count=2)
    run.table("distinctive_terms", terms)
    state["terms"] = terms
    top = terms[(terms["rank"] <= 6) & (terms["z"] > 0)]
    a0 = terms.attrs["prior_strength"]
    run.figure(plot_distinctive_terms(terms, k=6), top, "distinctive_terms",
               "Words most distinctive of each outlet's article text against all other outlets: "
               "z-scores of the weighted log-odds ratio with an informative Dirichlet prior "
               f"(Monroe, Colaresi & Quinn 2008) of strength a0 = {a0:g} (the corpus's token count; "
               "z depends on it). The dashed line is z = 1.96; pale bars fall below it and are not "
               "evidence that the word distinguishes the outlet. Numbers give the word's count in "
               "the outlet. Words seen fewer than twice in the corpus are left out.")
    state["z_threshold"] = Z_THRESHOLD


def _story(run: _Run, state: dict) -> None:
    import analysis

    from .alignment import align_versions, alignment_matrix, change_frames, story_sentences
    from .plots import plot_alignment_matrix

    units = state["analysed"]
    art = units[units["role"].isin(ARTICLE)]
    story_docs = sorted(art.loc[art["text"].str.contains(STORY_KEYWORD, regex=False), "doc_id"].unique())
    state["story"] = None
    if len(story_docs) < 2:
        run.skip("one story across outlets", f"fewer than two documents report on {STORY_KEYWORD}")
        return
    sents = story_sentences(art[art["doc_id"].isin(story_docs)])
    run.table("story_sentences", sents[["doc_id", "outlet", "unit_id", "source_unit_id", "sentence",
                                        "text"]])
    sent_tags = analysis.tag(sents).tags
    al = run.table("story_alignment", align_versions(sents, by="outlet"))
    matrix = run.table("story_alignment_matrix", alignment_matrix(al))
    frames = run.table("story_change_frames", change_frames(al, sent_tags,
                                                            categories=state["categories"]))
    state["story"] = {"docs": story_docs, "alignment": al, "matrix": matrix, "frames": frames,
                      "n_sentences": sents.groupby("outlet").size()}
    run.figure(plot_alignment_matrix(matrix), matrix, "story_alignment",
               f"One story, {len(story_docs)} versions: the {STORY_KEYWORD} police-technology forum. "
               "Each cell: the share of the reference version's sentences (column) that the version "
               "(row) carries, shared near-identically or paraphrased; in brackets the near-identical "
               "share alone. Sentences matched by TF-IDF character n-gram cosine similarity and a "
               "one-to-one (Hungarian) assignment; >= 0.8 shared, >= 0.25 paraphrased.")
