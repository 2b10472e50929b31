"""``threadframe sample CORPUS_DIR --n N [--stratify outlet] --codebook NAME --out SHEET``"""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("sample", help="draw a coding sample and write a coding sheet",
                       description="Draw a reproducible (optionally stratified) sample of units "
                                   "and write a CSV or Excel coding sheet with the codebook's "
                                   "definitions beside the units.")
    p.add_argument("corpus", help="corpus directory written by `threadframe parse`")
    p.add_argument("--n", type=int, required=True, help="number of units to sample")
    p.add_argument("--stratify", default=None,
                   help="stratify by a column: outlet, role, depth (or any unit column)")
    p.add_argument("--allocation", default="proportional", choices=("proportional", "equal"))
    p.add_argument("--codebook", default="surveillance", help="codebook name or YAML file")
    p.add_argument("--scheme", default="presence", choices=("presence", "single"),
                   help="presence: 0/1 per category; single: one frame per unit")
    p.add_argument("--roles", default="title,body,comment", help="roles to sample from")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--out", required=True, help="coding sheet to write (.csv or .xlsx)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import threads
    from analysis.validation.coding import draw_sample, write_coding_sheet

    corpus = threads.read_corpus(args.corpus)
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    sample = draw_sample(corpus, args.n, stratify=args.stratify, roles=roles,
                         allocation=args.allocation, random_state=args.seed)
    path = write_coding_sheet(sample, args.codebook, args.out, scheme=args.scheme)
    print(f"sampled {len(sample)} units (seed {args.seed}); wrote {path}")
    return 0
