"""``threadframe demo``: :func:`analysis.reporting.report` on the bundled sample corpus.

Five documents (an AFP report, an aggregator's summary, LifeSiteNews, a
Techdirt post with its comments, a Lemmy thread), tagged with the
``surveillance`` codebook, compared by outlet; three of them tell one story
(the Lianyungang police-technology forum), whose versions are aligned.
"""

from __future__ import annotations

import os

from analysis.reporting.report import ReportResult, report

__all__ = ["DemoResult", "STORY_KEYWORD", "run_demo"]

#: The event the sample corpus reports several times over.
STORY_KEYWORD = "Lianyungang"
#: Kept for code written against the first release.
DemoResult = ReportResult


def run_demo(out: str | os.PathLike = "figures", *, progress: bool = True, n_boot: int = 2000,
             seed: int = 0, formats=("pdf", "svg", "png"), dpi: int = 300) -> ReportResult:
    """Run the whole analysis of the sample corpus into ``out``.

    ``formats`` and ``dpi`` go to :func:`analysis.figures.save.save_figure` (fewer
    formats and a lower resolution make a quick look faster); ``n_boot`` and
    ``seed`` to the cluster bootstrap.
    """
    import threads

    return report(threads.sample_corpus(), out, codebook="surveillance", by="outlet",
                  story=STORY_KEYWORD, title="threadframe demo: the sample corpus", progress=progress,
                  n_boot=n_boot, seed=seed, formats=formats, dpi=dpi, command="threadframe demo")
