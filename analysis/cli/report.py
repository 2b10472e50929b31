"""``threadframe report CORPUS_DIR --codebook NAME --by COLUMN --out DIR``"""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="the whole analysis of a parsed corpus: figures, tables, report.md",
                       description="Tag a corpus directory (threadframe parse --out DIR) with a codebook, "
                                   "compare groups of documents, articles against their comments and "
                                   "reply trees, and write figures (PDF/SVG/PNG + data + caption), "
                                   "tables/ and report.md. Steps the data cannot support are skipped "
                                   "with a sentence saying why.")
    p.add_argument("corpus", help="corpus directory written by `threadframe parse`")
    p.add_argument("--codebook", default="surveillance",
                   help="built-in codebook name or a YAML file (default: surveillance)")
    p.add_argument("--by", default="outlet",
                   help="documents column to compare (default: outlet)")
    p.add_argument("--story", default=None, metavar="WORD",
                   help="align the versions of the documents that mention WORD (one story told "
                        "several times); skipped when not given")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--title", default=None, help="the report's heading")
    p.add_argument("--stance-model", default=None, metavar="FILE.tfm",
                   help="a saved StanceClassifier or ReplyStanceClassifier (analysis.save_model), or a "
                        "shipped one by name (xstance-stance, rumoureval-replies), whose predictions give "
                        "the stance; the report names it and quotes its model card's scores (default: the "
                        "codebook's dictionary stance)")
    add_output_options(p)
    p.set_defaults(func=run)


def add_output_options(p) -> None:
    """The options ``report`` and ``demo`` share: bootstrap seed, figure formats, resolution, progress."""
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default: 0)")
    p.add_argument("--formats", default="pdf,svg,png",
                   help="figure formats, comma-separated (default: pdf,svg,png)")
    p.add_argument("--dpi", type=int, default=300, help="resolution of PNG files (default: 300)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def formats_of(args: argparse.Namespace) -> tuple[str, ...]:
    return tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())


def run(args: argparse.Namespace) -> int:
    import threads
    from analysis.reporting.report import report

    corpus = threads.read_corpus(args.corpus)
    formats = formats_of(args)
    result = report(corpus, args.out, codebook=args.codebook, by=args.by, story=args.story,
                    title=args.title, progress=not args.no_progress, seed=args.seed, formats=formats,
                    dpi=args.dpi, command=f"threadframe report {args.corpus}",
                    stance_model=args.stance_model)
    print_summary(result)
    return 0


def print_summary(result) -> None:
    """What was written and what was skipped (shared with ``threadframe demo``)."""
    n_fig = sum(1 for f in result.files if f.suffix == ".txt" and f.parent == result.out)
    n_tab = sum(1 for f in result.files if f.parent.name == "tables")
    print(f"wrote {n_fig} figures, {n_tab} tables and {result.report} under {result.out}/")
    for step, why in result.skipped.items():
        print(f"skipped {step}: {why}")
