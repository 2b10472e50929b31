"""``threadframe parse PATH... --out DIR``"""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("parse", help="parse pages, scrapes and exports into a corpus directory",
                       description="Parse files (or folders of files) into docs and units tables.")
    p.add_argument("paths", nargs="*", help="files or folders to parse")
    p.add_argument("--sample", action="store_true", help="parse the bundled sample corpus")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--format", dest="save_format", default="parquet", choices=("parquet", "csv", "jsonl"),
                   help="file format of the tables (default: parquet)")
    p.add_argument("--input-format", default=None, help="force an input format (default: detect)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import threads

    if args.sample == bool(args.paths):
        raise threads.InputError(None, "give PATH... or --sample (not both, not neither)")
    corpus = threads.sample_corpus() if args.sample else threads.read(
        args.paths, format=args.input_format, progress=True)
    out = corpus.save(args.out, format=args.save_format)
    summary = corpus.summary()
    print(summary.to_string(index=False))
    print(f"\n{corpus!r}\nwrote {out}/docs.{args.save_format} and {out}/units.{args.save_format}")
    return 0
