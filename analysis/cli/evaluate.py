"""``threadframe evaluate MODEL --data FILE --text-column C --label-column L [--json]``"""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="score a trained model against held-out human codes",
                       description="Precision, recall and F1 per category (macro and micro), "
                                   "Krippendorff's alpha between model and codes, and a "
                                   "methods-section paragraph.")
    p.add_argument("model", help="model file, or a pretrained name (policy-frames, whataboutism)")
    p.add_argument("--data", required=True, help="table of held-out coded texts")
    p.add_argument("--text-column", required=True, help="column holding the text")
    p.add_argument("--label-column", required=True, help="column holding the human code")
    p.add_argument("--group-column", default=None, help="also score per value of this column")
    p.add_argument("--multilabel-sep", default=None, help="labels hold several codes separated by this")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    from typing import Any

    import numpy as np

    from analysis.cli._tables import column, read_table
    from analysis.cli.predict import load
    from analysis.validation.evaluation import evaluate_model
    from threads.errors import InputError

    model = load(args.model)
    table = read_table(args.data)
    column(table, args.text_column, args.data, "text")
    labels = column(table, args.label_column, args.data, "label")
    table, labels = table[labels.notna()], labels[labels.notna()]
    model.set_params(text_column=args.text_column)
    y: Any
    if args.multilabel_sep:
        y = [frozenset(s.strip() for s in str(v).split(args.multilabel_sep) if s.strip())
             for v in labels]
    elif getattr(model, "multilabel_", False):
        raise InputError(args.data, "the model is multi-label: give --multilabel-sep")
    else:
        kind = model.classes_.dtype.kind if hasattr(model.classes_, "dtype") else "O"
        y = labels.astype(int).to_numpy() if kind in "iu" else labels.astype(str).to_numpy()
        unknown = sorted(set(map(str, y)) - set(map(str, model.classes_)))
        if unknown:
            raise InputError(args.data, f"codes {unknown} are not classes of the model "
                                        f"({', '.join(map(str, model.classes_))})")
        y = np.asarray(y, dtype=object)
    groups = column(table, args.group_column, args.data, "group") if args.group_column else None
    report = evaluate_model(model, table, y, groups=groups)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        print(report.table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print()
        print(report.methods_text())
    return 0
