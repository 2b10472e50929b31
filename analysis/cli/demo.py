"""``threadframe demo [--out DIR]``: the whole analysis of the sample corpus."""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="run the whole analysis of the bundled sample corpus",
                       description="Parse, tag and compare the bundled sample corpus offline; write "
                                   "figures (PDF/SVG/PNG + data + caption), tables/ and report.md.")
    p.add_argument("--out", default="figures", help="output directory (default: figures)")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default: 0)")
    p.add_argument("--formats", default="pdf,svg,png",
                   help="figure formats, comma-separated (default: pdf,svg,png)")
    p.add_argument("--dpi", type=int, default=300, help="resolution of PNG files (default: 300)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..demo import run_demo
    from .report import print_summary

    formats = tuple(f.strip().lower() for f in args.formats.split(",") if f.strip())
    result = run_demo(args.out, progress=not args.no_progress, seed=args.seed, formats=formats,
                      dpi=args.dpi)
    print_summary(result)
    return 0
