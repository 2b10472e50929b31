"""The methods-section paragraph of an evaluation: what the classifier is, how
it was evaluated, macro-F1 with a bootstrap interval, and per-group scores
only where a group is large enough to report."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from analysis.validation.evaluation import EvaluationReport

__all__ = ["describe_model", "methods_paragraph"]


def _ci(interval: tuple[float, float]) -> str:
    lo, hi = interval
    return "95% bootstrap interval n/a" if np.isnan(lo) else f"95% bootstrap interval {lo:.2f}–{hi:.2f}"


def describe_model(model) -> str:
    """A model's class and the parameters set away from their defaults, for a methods text."""
    if callable(getattr(model, "describe", None)):
        return str(model.describe())
    name = type(model).__name__
    try:
        params = model.get_params(deep=False)
        defaults = type(model)().get_params(deep=False)
    except Exception:  # noqa: BLE001 (not a scikit-learn estimator, or one without defaults)
        return name
    changed = {k: v for k, v in params.items() if k in defaults and repr(defaults[k]) != repr(v)}
    shown = ", ".join(f"{k}={v!r}" for k, v in sorted(changed.items()) if len(repr(v)) <= 40)
    return f"{name}({shown})" if shown else f"{name} with default settings"


def methods_paragraph(report: EvaluationReport, min_group: int) -> str:
    """See :meth:`analysis.validation.evaluation.EvaluationReport.methods_text`."""
    s = report.scores()
    best = s.drop(index=["macro avg", "micro avg"]).sort_values("f1")
    groups = [str(g) for g in report.table["group"].unique() if g != "all"]
    sizes = {g: int(report.score("micro avg", "support", group=g)) for g in groups}
    shown = [g for g in groups if sizes[g] >= min_group]
    small = [g for g in groups if sizes[g] < min_group]
    by_group = "".join(
        f" For {g} units macro-F1 was {report.score('macro avg', group=g):.2f}"
        f" ({_ci(report.macro_f1_interval(g))}; n = {sizes[g]})." for g in shown)
    if small:
        by_group += (f" Groups with fewer than {min_group} coded units are not scored separately "
                     f"({', '.join(f'{g}: n = {sizes[g]}' for g in small)}).")
    f1 = best["f1"].to_numpy(dtype=float)
    names = [str(c) for c in best.index]
    alpha = ("" if np.isnan(report.alpha) else
             f" Krippendorff's alpha between the model and the human codes was {report.alpha:.2f}.")
    what = f"{report.model_name}: {report.description}" if report.description else report.model_name
    return (
        f"We evaluated the classifier ({what}) by {report.setting} on "
        f"{report.n_units} human-coded units. Macro-averaged F1 was {report.macro_f1:.2f} "
        f"({_ci(report.macro_f1_interval())}; precision {report.score('macro avg', 'precision'):.2f}, "
        f"recall {report.score('macro avg', 'recall'):.2f}); micro-averaged F1 was "
        f"{report.micro_f1:.2f}.{by_group}{alpha} F1 ranged from "
        f"{f1[0]:.2f} ({names[0]}) to {f1[-1]:.2f} ({names[-1]}).")
