"""``threadframe parse PATH... --out DIR``"""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("parse", help="parse pages, scrapes and exports into a corpus directory",
                       description="Parse files (or folders of files) into docs and units tables.")
    p.add_argument("paths", nargs="*", help="files or folders to parse (Reddit dump files, *.zst, "
                                              "are streamed to an on-disk dataset)")
    p.add_argument("--sample", action="store_true", help="parse the bundled sample corpus")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--format", dest="save_format", default="parquet", choices=("parquet", "csv", "jsonl"),
                   help="file format of the tables (default: parquet)")
    p.add_argument("--input-format", default=None, help="force an input format (default: detect)")
    p.add_argument("--profile", action="append", default=[], metavar="YAML",
                   help="an extra text-scrape profile (repeatable; see docs/parsing-text.md)")
    p.add_argument("--articles", default=None, metavar="TABLE",
                   help="a CSV/TSV/JSONL table of the articles the comments belong to (id, title, text, "
                        "outlet, url, date, ...): their title and paragraphs go in front of the comments")
    p.add_argument("--follow-symlinks", action="store_true",
                   help="inside folders, also read symlinks that point outside the folder (default: skip "
                        "and list them)")
    p.set_defaults(func=run)


def summary_table(corpus):
    """Per document: units per role, comments, deepest reply, lost texts, unaccounted characters."""
    s = corpus.summary()
    audit = corpus.audit().set_index("doc_id")["unaccounted_chars"]
    table = s.rename(columns={f"n_{r}": r for r in ("title", "body", "comment", "boilerplate", "meta")})
    table = table.rename(columns={"comment": "comments", "max_depth": "deepest", "text_lost": "lost"})
    table["unaccounted"] = table["doc_id"].map(audit)
    if "profile" in corpus.docs.columns:
        table.insert(1, "profile", table["doc_id"].map(corpus.docs.set_index("doc_id")["profile"]))
    cols = ["doc_id", "profile", "title", "body", "comments", "deepest", "lost", "boilerplate", "meta",
            "unaccounted"]
    return table[[c for c in cols if c in table.columns]]


def run(args: argparse.Namespace) -> int:
    import threads

    if args.sample == bool(args.paths):
        raise threads.InputError(None, "give PATH... or --sample (not both, not neither)")
    if args.profile:
        from threads.formats.text import register_profile

        for path in args.profile:
            register_profile(path)
    from threads.formats.reddit_dump import is_dump

    if args.paths and all(is_dump(p) for p in args.paths):  # Reddit dumps: streamed to an on-disk dataset
        ds = threads.write_dataset(args.paths, args.out, progress=True)
        print(f"{ds!r}\nwrote {ds.path}/manifest.json, docs/, units/ and problems/ "
              "(threads.open_corpus; threadframe tag DIR --n-jobs N)")
        return 0
    corpus = threads.sample_corpus() if args.sample else threads.read(
        args.paths, format=args.input_format, progress=True, follow_symlinks=args.follow_symlinks)
    if args.articles:
        from threads.articles import attach_articles, read_articles

        try:
            corpus = attach_articles(corpus, read_articles(args.articles))
        except threads.CorpusError as exc:
            raise threads.InputError(args.articles, str(exc).replace("from_pandas: ", "")) from None
    out = corpus.save(args.out, format=args.save_format)
    # as objects first: "" is no value of a nullable Int64 column (unaccounted is NA for a table),
    # and to_string's na_rep leaves such NA as <NA>
    print(summary_table(corpus).astype(object).fillna("").to_string(index=False))
    if len(corpus.problems):
        kinds = corpus.problems["problem"].value_counts()
        print("\nproblems: " + ", ".join(f"{n} {k}" for k, n in kinds.items())
              + f" (see {out}/problems.{args.save_format})")
        for row in corpus.problems[corpus.problems["problem"] == "skipped"].itertuples():
            print(f"  skipped {row.source_path}: {row.detail}")
    print(f"\n{corpus!r}\nwrote {out}/docs.{args.save_format} and {out}/units.{args.save_format}")
    return 0
