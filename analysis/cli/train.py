"""``threadframe train --data FILE --text-column C --label-column L --out MODEL``"""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train a frame or whataboutism classifier on coded units",
                       description="Train a classifier on a table of human-coded texts and save "
                                   "it as a pickle-free model file.")
    p.add_argument("--data", required=True, help="CSV/TSV/Parquet/JSONL/Excel table of coded texts")
    p.add_argument("--text-column", required=True, help="column holding the text")
    p.add_argument("--label-column", required=True, help="column holding the code")
    p.add_argument("--out", required=True, help="model file to write (e.g. frames.tfm)")
    p.add_argument("--kind", default="frames", choices=("frames", "whataboutism"),
                   help="frames (single- or multi-label) or whataboutism (0/1); default: frames")
    p.add_argument("--codebook", default=None,
                   help="codebook whose cues become features (e.g. policy-frames, surveillance)")
    p.add_argument("--context-column", default=None,
                   help="column with what a text answers (e.g. a video or article title)")
    p.add_argument("--multilabel-sep", default=None,
                   help="labels hold several frames separated by this string (e.g. ';')")
    p.add_argument("--C", type=float, default=0.1, help="regularisation strength (default: 0.1)")
    p.add_argument("--name", default=None, help="model name for the tags' source column")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import analysis
    from analysis.cli._tables import column, read_table

    table = read_table(args.data)
    texts = column(table, args.text_column, args.data, "text")
    labels = column(table, args.label_column, args.data, "label")
    keep = labels.notna() & texts.notna()
    dropped = int((~keep).sum())
    table, labels = table[keep], labels[keep]
    y: list
    if args.multilabel_sep:
        y = [frozenset(s.strip() for s in str(v).split(args.multilabel_sep) if s.strip())
             for v in labels]
    else:
        y = labels.astype(str).tolist() if args.kind == "frames" else labels.tolist()
    cls = analysis.FrameClassifier if args.kind == "frames" else analysis.WhataboutismClassifier
    model = cls(codebook=args.codebook, text_column=args.text_column,
                context_column=args.context_column, C=args.C, name=args.name)
    model.fit(table, y)
    counts = labels.astype(str).value_counts().sort_index().to_dict()
    description = {"file": str(args.data), "n_units": int(len(table)),
                   "dropped_uncoded": dropped, "labels": counts}
    out = analysis.save_model(model, args.out, training_data=description)
    print(f"trained {type(model).__name__} on {len(table)} units "
          f"({dropped} without a code left out); classes: {', '.join(map(str, model.classes_))}")
    print(f"wrote {out}")
    return 0
