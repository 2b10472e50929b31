"""``threadframe reliability SHEET...``"""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("reliability", help="agreement between coders' sheets (Krippendorff's alpha)",
                       description="Read coded sheets (one per coder) and report Krippendorff's "
                                   "alpha with a bootstrap interval, percent agreement, Cohen's "
                                   "and Fleiss' kappa per category and overall.")
    p.add_argument("sheets", nargs="+", help="coded sheets (.csv or .xlsx), one per coder")
    p.add_argument("--codebook", default=None,
                   help="codebook to check codes against (default: the one written with the sheet)")
    p.add_argument("--level", default="nominal", choices=("nominal", "ordinal", "interval", "ratio"))
    p.add_argument("--boot", type=int, default=1000, help="bootstrap resamples (default: 1000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.validation.coding import read_coding_sheets
    from analysis.validation.reliability import reliability_report

    codes = read_coding_sheets(args.sheets, codebook=args.codebook)
    report = reliability_report(codes, args.level, n_boot=args.boot, random_state=args.seed)
    if args.json:
        print(report.to_json(orient="records", indent=2))
    else:
        print(f"{codes['coder'].nunique()} coders, {codes['unit_id'].nunique()} units")
        print(report.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0
