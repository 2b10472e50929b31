"""``threadframe predict MODEL --data FILE --text-column C --out FILE``"""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("predict", help="apply a trained model to a table or corpus directory",
                       description="Predict codes with a saved model; writes one row per text "
                                   "with the predicted code and a probability column per class.")
    p.add_argument("model", help="model file (threadframe train --out), or a pretrained name "
                                 "(policy-frames, whataboutism)")
    p.add_argument("--data", required=True, help="table of texts, or a corpus directory")
    p.add_argument("--text-column", default="text", help="column holding the text (default: text)")
    p.add_argument("--out", required=True, help="output table (.csv, .parquet or .jsonl)")
    p.add_argument("--tags", action="store_true",
                   help="write the long tags table (unit_id, category, score, present, source)")
    p.set_defaults(func=run)


def load(name_or_path):
    from pathlib import Path

    import analysis
    from analysis.models.model_io import PRETRAINED

    if not Path(name_or_path).exists() and name_or_path in PRETRAINED:
        return analysis.load_pretrained(name_or_path)
    return analysis.load_model(name_or_path)


def run(args: argparse.Namespace) -> int:
    import numpy as np
    import pandas as pd

    from analysis.cli._tables import column, read_table, write_table

    model = load(args.model)
    table = read_table(args.data)
    column(table, args.text_column, args.data, "text")
    model.set_params(text_column=args.text_column)
    if args.tags:
        out = model.tag(table)
    else:
        proba = model.predict_proba(table)
        ids = (table["unit_id"].astype("str").to_numpy() if "unit_id" in table.columns
               else np.arange(len(table)))
        out = pd.DataFrame({"unit_id" if "unit_id" in table.columns else "row": ids})
        pred = model.predict(table)
        if getattr(model, "multilabel_", False):
            out["predicted"] = [";".join(str(c) for c, v in zip(model.classes_, r, strict=True) if v)
                                for r in pred]
        else:
            out["predicted"] = pred
        for i, c in enumerate(model.classes_):
            out[f"p_{c}"] = proba[:, i]
        out["source"] = f"model:{model.model_name}"
    path = write_table(out, args.out)
    print(f"predicted {len(table)} texts with {model.model_name}; wrote {path}")
    return 0
