"""``threadframe demo [--out DIR]``: the whole analysis of the sample corpus."""

from __future__ import annotations

import argparse

from .report import add_output_options, formats_of, print_summary


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="run the whole analysis of the bundled sample corpus",
                       description="Parse, tag and compare the bundled sample corpus offline; write "
                                   "figures (PDF/SVG/PNG + data + caption), tables/ and report.md.")
    p.add_argument("--out", default="figures", help="output directory (default: figures)")
    add_output_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.reporting.demo import run_demo
    formats = formats_of(args)
    result = run_demo(args.out, progress=not args.no_progress, seed=args.seed, formats=formats,
                      dpi=args.dpi)
    print_summary(result)
    return 0
