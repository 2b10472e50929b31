"""``threadframe export CORPUS_DIR --to convokit|refi-qda|excel|stata|csv|parquet --out PATH [--tags TAGS_DIR]``"""

from __future__ import annotations

import argparse

TARGETS = ("convokit", "refi-qda", "excel", "stata", "csv", "parquet")


def add_parser(sub) -> None:
    p = sub.add_parser("export", help="write a corpus for another program (ConvoKit, NVivo/ATLAS.ti/MAXQDA, R, ...)",
                       description="Read a corpus directory (threadframe parse --out DIR) and write it for "
                                   "another program, with the tags of `threadframe tag --out TAGS_DIR` if given: "
                                   "a ConvoKit corpus folder, a REFI-QDA project (.qdpx), an Excel workbook, "
                                   "Stata files, or one tidy CSV or Parquet table (docs/corpus.md).")
    p.add_argument("corpus", help="corpus directory written by `threadframe parse`")
    p.add_argument("--to", required=True, choices=TARGETS, help="what to write")
    p.add_argument("--out", required=True,
                   help="where: a folder (convokit, stata), or a .qdpx, .xlsx, .csv/.tsv or .parquet file")
    p.add_argument("--tags", default=None, help="tags folder written by `threadframe tag --out`")
    p.add_argument("--codebook", default=None,
                   help="refi-qda: the code system (codebook name or YAML file; default: the one the tags "
                        "were made with, else the tags' categories)")
    p.add_argument("--roles", default=None,
                   help="comma-separated roles to export (refi-qda default: title,body,comment; "
                        "csv/parquet default: all)")
    p.set_defaults(func=run)


def _codes(args: argparse.Namespace):
    """The codebook for the REFI-QDA code system: --codebook, else the tags' own, else None."""
    import json
    from pathlib import Path

    from analysis.tagging.codebook import load_codebook

    if args.codebook:
        return load_codebook(args.codebook)
    manifest = Path(args.tags) / "manifest.json" if args.tags else None
    if manifest is None or not manifest.is_file():
        return None
    try:
        name = json.loads(manifest.read_text(encoding="utf-8")).get("codebook")
        return load_codebook(name) if name else None
    except (ValueError, OSError):  # a custom codebook not at hand (CodebookError is one): the tags' categories
        return None


def run(args: argparse.Namespace) -> int:
    import threads
    from threads.errors import InputError
    from threads.schema import CONTENT_ROLES
    from threads.tidy import tag_columns

    corpus = threads.read_corpus(args.corpus)
    roles = [r.strip() for r in args.roles.split(",") if r.strip()] if args.roles else None
    unknown = sorted(set(roles or []) - set(threads.ROLES))
    if unknown:
        raise InputError(None, f"--roles: unknown role(s) {', '.join(unknown)}; roles are {', '.join(threads.ROLES)}")
    tags = args.tags
    if args.to == "convokit":
        written = [corpus.to_convokit(args.out, tags=tags)]
    elif args.to == "refi-qda":
        written = [corpus.to_refi_qda(args.out, tags=tags, codes=_codes(args), roles=roles or CONTENT_ROLES)]
    elif args.to == "csv":
        written = [corpus.to_csv(args.out, tags=tags, roles=roles)]
    elif args.to == "parquet":
        written = [corpus.to_parquet(args.out, tags=tags, roles=roles)]
    else:
        if roles:
            raise InputError(None, f"--roles applies to refi-qda, csv and parquet; --to {args.to} writes every unit")
        if tags:  # the tags as tag_<category> columns of the units sheet / table
            units = corpus.units
            corpus = threads.Corpus(docs=corpus.docs, units=units.join(tag_columns(units, tags)),
                                    problems=corpus.problems)
        written = ([corpus.to_excel(args.out)] if args.to == "excel"
                   else list(corpus.to_stata(args.out).values()))
    print(f"exported {len(corpus.docs)} documents, {len(corpus.units)} units"
          f"{' with tags from ' + str(tags) if tags else ''} to {args.to}: {', '.join(map(str, written))}")
    return 0
