"""Honest evaluation of a classifier against human codes: cross-validation or
a held-out split, precision / recall / F1 per category with macro and micro
averages, a confusion table, Krippendorff's alpha between model and coders, a
figure and a paragraph for a methods section; and uncertainty sampling to
choose the next units to code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import KFold, StratifiedKFold

from analysis.validation.reliability import krippendorff_alpha
from threads.errors import ThreadframeError

#: Groups with fewer coded units get no score of their own in the methods paragraph.
MIN_GROUP_UNITS = 30

# Okabe-Ito colours (colour-blind safe) for the report figure.
_COLOURS = {"f1": "#0072B2", "precision": "#E69F00", "recall": "#009E73"}


@dataclass
class EvaluationReport:
    """Scores of one evaluation. ``table`` is tidy: one row per (group,
    category) plus ``macro avg`` and ``micro avg`` rows."""

    table: pd.DataFrame
    confusion: pd.DataFrame
    predictions: pd.DataFrame
    alpha: float
    setting: str
    model_name: str
    n_units: int
    details: dict = field(default_factory=dict)
    #: What the classifier is (its class and the settings that differ from the defaults).
    description: str = ""

    def scores(self, group: str = "all") -> pd.DataFrame:
        return self.table[self.table["group"] == group].set_index("category")

    def score(self, category: str, metric: str = "f1", group: str = "all") -> float:
        """One number of the table, e.g. ``score("macro avg")``."""
        return _num(self.scores(group).loc[category, metric])

    @property
    def macro_f1(self) -> float:
        return self.score("macro avg")

    @property
    def micro_f1(self) -> float:
        return self.score("micro avg")

    def figure(self, ax=None, group: str = "all"):
        """Per-category F1 bars with precision and recall marks; returns the Figure."""
        # built without pyplot, like analysis.figures.plots: nothing shown twice in Jupyter
        from matplotlib.figure import Figure

        data = self.scores(group).reset_index()
        data = data.iloc[::-1]
        if ax is None:
            fig = Figure(figsize=(6.0, 0.35 * len(data) + 1.2))
            ax = fig.add_subplot()
        else:
            fig = ax.figure
        y = np.arange(len(data))
        ax.barh(y, data["f1"], color=_COLOURS["f1"], height=0.6, label="F1")
        ax.plot(data["precision"], y, "o", color=_COLOURS["precision"], label="precision")
        ax.plot(data["recall"], y, "D", color=_COLOURS["recall"], label="recall", markersize=4)
        ax.set_yticks(y, data["category"])
        ax.set_xlim(0, 1)
        ax.set_xlabel("score")
        ax.set_title(f"{self.model_name}: {self.setting}", fontsize="medium")
        ax.legend(loc="lower right", fontsize="small", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        return fig

    def confusion_figure(self, ax=None, normalize: bool = True):
        """Confusion matrix of a single-label evaluation (rows: human codes,
        columns: model), shares per row when ``normalize``; returns the Figure."""
        from matplotlib.figure import Figure

        if "category" in self.confusion.columns:
            raise ThreadframeError("a confusion matrix needs single-label codes; for multi-label "
                                   "models see report.confusion (one 2x2 table per category)")
        table = self.confusion.pivot(index="true", columns="predicted", values="n")
        order = [c for c in self.scores().index if c not in ("macro avg", "micro avg")]
        table = table.reindex(index=order, columns=order).fillna(0)
        counts = table.to_numpy(dtype=float)
        shown = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1) if normalize else counts
        if ax is None:
            size = 0.45 * len(order) + 1.8
            fig = Figure(figsize=(size + 0.8, size))
            ax = fig.add_subplot()
        else:
            fig = ax.figure
        image = ax.imshow(shown, cmap="viridis", vmin=0, vmax=1 if normalize else None)
        for i in range(len(order)):
            for j in range(len(order)):
                if counts[i, j]:
                    ax.text(j, i, str(int(counts[i, j])), ha="center", va="center", fontsize="x-small",
                            color="black" if shown[i, j] > 0.6 * (shown.max() or 1) else "white")
        ax.set_xticks(range(len(order)), order, rotation=45, ha="right")
        ax.set_yticks(range(len(order)), order)
        ax.set_xlabel("model")
        ax.set_ylabel("human code")
        fig.colorbar(image, ax=ax, label="share of the row" if normalize else "units")
        return fig

    def macro_f1_interval(self, group: str = "all", level: float = 0.95, n_boot: int = 2000,
                          seed: int = 0) -> tuple[float, float]:
        """Percentile bootstrap interval of macro-F1 over the coded units of ``group``."""
        from analysis.validation.score_intervals import macro_f1_interval

        preds = self.predictions if group == "all" else self.predictions[self.predictions["group"] == group]
        cats = [c for c in self.scores(group).index if c not in ("macro avg", "micro avg")]
        multilabel = "category" in self.confusion.columns
        if multilabel:
            def indicator(col):
                return np.array([[c in set(v) for c in cats] for v in preds[col]], dtype=int)

            return macro_f1_interval(indicator("true"), indicator("predicted"), multilabel=True,
                                     level=level, n_boot=n_boot, seed=seed)
        return macro_f1_interval(preds["true"], preds["predicted"], classes=cats, level=level,
                                 n_boot=n_boot, seed=seed)

    def methods_text(self, min_group: int = MIN_GROUP_UNITS) -> str:
        """A paragraph to adapt for a methods section: the classifier, the
        setting, macro-F1 with its 95% bootstrap interval, per group where a
        group has at least ``min_group`` coded units (smaller ones are named
        as left out, not given a score that would mean little)."""
        from analysis.validation.methods_text import methods_paragraph

        return methods_paragraph(self, min_group)

    def to_dict(self) -> dict:
        return {"model": self.model_name, "setting": self.setting, "n_units": self.n_units,
                "macro_f1": self.macro_f1, "micro_f1": self.micro_f1,
                "alpha": None if np.isnan(self.alpha) else self.alpha,
                "scores": self.table.to_dict(orient="records"), **self.details}

    def _repr_html_(self) -> str:
        return f"<p>{self.methods_text()}</p>" + self.table.to_html(
            index=False, float_format=lambda v: f"{v:.3f}")


# --------------------------------------------------------------------------
# Scoring


def _as_indicator(y, classes) -> np.ndarray:
    if isinstance(y, pd.DataFrame):
        return y.to_numpy().astype(int)
    return np.asarray(y).astype(int)


def score_predictions(y_true, y_pred, *, classes=None, multilabel: bool = False, groups=None,
                      model_name: str = "model", setting: str = "held-out split",
                      unit_ids=None) -> EvaluationReport:
    """An :class:`EvaluationReport` from gold labels and predictions."""
    n = len(y_true)
    if len(y_pred) != n:
        raise ThreadframeError(f"{n} gold labels but {len(y_pred)} predictions")
    groups = (pd.Series(["all"] * n) if groups is None
              else pd.Series(np.asarray(groups, dtype=object)).fillna("unknown").astype(str))
    rows, conf = [], []
    if multilabel:
        Yt, Yp = _as_indicator(y_true, classes), _as_indicator(y_pred, classes)
        classes = list(classes) if classes is not None else list(range(Yt.shape[1]))
    else:
        # Score on the labels' text: sklearn cannot type object arrays of numbers,
        # and the report names categories as text anyway.
        raw_true, raw_pred = list(y_true), list(y_pred)
        yt = np.array([str(v) for v in raw_true], dtype=object)
        yp = np.array([str(v) for v in raw_pred], dtype=object)
        classes = ([str(c) for c in classes] if classes is not None
                   else sorted(set(yt) | set(yp)))
    for name in ["all"] + sorted(set(groups) - {"all"}):
        mask = np.ones(n, bool) if name == "all" else (groups == name).to_numpy()
        if multilabel:
            t, p = Yt[mask], Yp[mask]
        else:
            t, p = yt[mask], yp[mask]
        # Categories neither coded nor predicted in a group do not count towards
        # its macro average (they would add an F1 of 0 that means nothing).
        seen = None if multilabel else [c for c in classes if c in set(t) | set(p)]
        per = precision_recall_fscore_support(t, p, labels=seen, zero_division=0)
        for i, c in enumerate(list(classes) if seen is None else seen):
            rows.append({"group": name, "category": str(c), "precision": per[0][i],
                         "recall": per[1][i], "f1": per[2][i], "support": int(per[3][i])})
        for avg in ("macro", "micro"):
            pr = precision_recall_fscore_support(t, p, labels=seen, average=avg, zero_division=0)
            rows.append({"group": name, "category": f"{avg} avg", "precision": pr[0],
                         "recall": pr[1], "f1": pr[2], "support": int(mask.sum())})
    if multilabel:
        for i, c in enumerate(classes):
            for tv in (1, 0):
                for pv in (1, 0):
                    conf.append({"category": str(c), "true": tv, "predicted": pv,
                                 "n": int(((Yt[:, i] == tv) & (Yp[:, i] == pv)).sum())})
        alpha = _alpha_pairs(Yt.reshape(-1), Yp.reshape(-1))
        preds = pd.DataFrame({"true": [tuple(np.asarray(classes)[r == 1]) for r in Yt],
                              "predicted": [tuple(np.asarray(classes)[r == 1]) for r in Yp]})
    else:
        table = pd.crosstab(pd.Categorical(yt, categories=classes),
                            pd.Categorical(yp, categories=classes), dropna=False)
        conf = [{"true": str(t), "predicted": str(p), "n": int(table.loc[t, p])}
                for t in classes for p in classes]
        alpha = _alpha_pairs(yt, yp)
        preds = pd.DataFrame({"true": raw_true, "predicted": raw_pred})
    if unit_ids is not None:
        preds.insert(0, "unit_id", np.asarray(unit_ids))
    preds["group"] = groups.to_numpy()
    return EvaluationReport(table=pd.DataFrame(rows), confusion=pd.DataFrame(conf),
                            predictions=preds, alpha=alpha, setting=setting,
                            model_name=model_name, n_units=n)


def _describe(model) -> str:
    from analysis.validation.methods_text import describe_model

    return describe_model(model)


def _num(value) -> float:
    return float(np.asarray(value, dtype=float))


def _alpha_pairs(a, b) -> float:
    """Nominal alpha with the model as one more coder beside the gold codes."""
    data = pd.DataFrame([list(map(str, a)), list(map(str, b))])
    return float(krippendorff_alpha(data).alpha)


def _label_sets_to_frame(y, classes=None):
    """Multi-label codes given as label sets -> a 0/1 DataFrame (else ``y`` unchanged)."""
    if isinstance(y, pd.DataFrame | np.ndarray):
        return y
    items = list(y)
    if items and all(isinstance(v, list | tuple | set | frozenset) for v in items):
        from sklearn.preprocessing import MultiLabelBinarizer

        mlb = MultiLabelBinarizer(classes=classes)
        return pd.DataFrame(mlb.fit_transform(items), columns=list(mlb.classes_))
    return y


def evaluate_model(model, X, y, *, groups=None, setting: str = "held-out split") -> EvaluationReport:
    """Score a fitted model on held-out, human-coded units ``X`` with codes ``y``."""
    pred = model.predict(X)
    multilabel = bool(getattr(model, "multilabel_", False))
    if multilabel:
        y = _label_sets_to_frame(y, list(model.classes_))
    report = score_predictions(y, pred, classes=list(model.classes_), multilabel=multilabel,
                               groups=groups, model_name=getattr(model, "model_name", "model"),
                               setting=setting, unit_ids=_unit_ids(X))
    report.description = _describe(model)
    return report


def _unit_ids(X):
    if isinstance(X, pd.DataFrame) and "unit_id" in X.columns:
        return X["unit_id"].to_numpy()
    return None


def cross_validate_model(model, X, y, *, cv: int = 10, groups=None,
                         random_state: int = 0) -> EvaluationReport:
    """Out-of-fold predictions of a fresh clone of ``model`` per fold (stratified
    for single-label models), scored as one set; ``groups`` (e.g. article /
    comment) adds per-group rows."""
    n = len(y)
    if isinstance(X, pd.DataFrame):
        X = X.reset_index(drop=True)
    probe = clone(model)
    labels = _label_sets_to_frame(y)
    labels = labels.reset_index(drop=True) if isinstance(labels, pd.Series | pd.DataFrame) else labels
    multilabel = isinstance(labels, pd.DataFrame) or np.asarray(labels, dtype=object).ndim == 2
    if multilabel:
        splitter = KFold(cv, shuffle=True, random_state=random_state)
        split = splitter.split(np.zeros(n))
        Y = _as_indicator(labels, None)
        out = np.zeros_like(Y)
    else:
        arr = np.asarray(labels, dtype=object)
        counts = pd.Series(arr).value_counts()
        if counts.min() < cv:
            raise ThreadframeError(f"class {counts.idxmin()!r} has {counts.min()} coded units, fewer "
                                   f"than the {cv} folds; use fewer folds or code more units")
        splitter = StratifiedKFold(cv, shuffle=True, random_state=random_state)
        split = splitter.split(np.zeros(n), arr.astype(str))
        out = np.empty(n, dtype=object)
    for train, test in split:
        fold = clone(probe)
        Xtr = X.iloc[train] if isinstance(X, pd.DataFrame) else [X[i] for i in train]
        Xte = X.iloc[test] if isinstance(X, pd.DataFrame) else [X[i] for i in test]
        if multilabel:
            ytr = labels.iloc[train] if isinstance(labels, pd.DataFrame) else Y[train]
            fold.fit(Xtr, ytr)
            out[test] = fold.predict(Xte)
        else:
            fold.fit(Xtr, arr[train])
            out[test] = fold.predict(Xte)
    classes = (list(labels.columns) if isinstance(labels, pd.DataFrame) else
               list(range(Y.shape[1])) if multilabel else sorted(set(np.asarray(labels, dtype=object)), key=str))
    if not multilabel:
        out = np.array([v.item() if isinstance(v, np.generic) else v for v in out], dtype=object)
        labels = np.asarray(labels, dtype=object)
    report = score_predictions(Y if multilabel else labels, out, classes=classes,
                               multilabel=multilabel, groups=groups,
                               model_name=getattr(model, "model_name", type(model).__name__),
                               setting=f"{cv}-fold cross-validation", unit_ids=_unit_ids(X))
    report.description = _describe(model)
    return report


# --------------------------------------------------------------------------
# Model against several coders


def model_coder_agreement(model, units, coders: pd.DataFrame, *, level: str = "nominal",
                          values=None, n_boot: int = 0) -> pd.DataFrame:
    """Krippendorff's alpha among the human coders, and with the model added as
    one more coder, per category (``coders`` as :func:`read_coding_sheets` returns;
    ``values`` as for :func:`krippendorff_alpha`)."""
    from analysis.validation.reliability import declared_order, reliability_report

    if "category" not in coders.columns:
        raise ThreadframeError("coders must be a long table coder, unit_id, category, code")
    ids = set(coders["unit_id"].astype(str))
    table = units[units["unit_id"].astype(str).isin(ids)]
    if table.empty:
        raise ThreadframeError("none of the coded units is in the units table given")
    tags = model.tag(table)
    if set(coders["category"]) == {"frame"}:  # single-label sheets
        chosen = tags[tags["present"]].drop_duplicates("unit_id")
        mine = pd.DataFrame({"coder": "model", "unit_id": chosen["unit_id"], "category": "frame",
                             "code": chosen["category"]})
    else:
        mine = pd.DataFrame({"coder": "model", "unit_id": tags["unit_id"],
                             "category": tags["category"], "code": tags["present"].astype(int)})
        mine = mine[mine["category"].isin(set(coders["category"]))]
    if values is None and "code" in coders.columns:
        values = declared_order([coders["code"]])  # before the concat below drops the dtype
    humans = reliability_report(coders, level, values=values, n_boot=n_boot)
    both = reliability_report(pd.concat([coders.astype({"code": object}),
                                         mine.astype({"code": object})], ignore_index=True),
                              level, values=values, n_boot=n_boot)
    out = humans[["category", "alpha", "n_units"]].rename(columns={"alpha": "alpha_coders"})
    return out.merge(both[["category", "alpha"]].rename(columns={"alpha": "alpha_with_model"}),
                     on="category", how="outer")


# --------------------------------------------------------------------------
# Uncertainty sampling


def suggest_next(model, units, n: int = 20, *, exclude=None, strategy: str = "margin") -> pd.DataFrame:
    """The ``n`` units the model is least sure about, to code in the next round.

    ``strategy``: ``margin`` (smallest gap between the two most likely classes;
    for multi-label, the label closest to 0.5), ``entropy`` or
    ``least_confident``. ``exclude`` lists unit ids already coded.
    """
    from analysis.models.classifiers import as_units

    table = units.units if hasattr(units, "units") else units
    if isinstance(table, pd.DataFrame):
        base = table.reset_index(drop=True)
        if "role" in base.columns and hasattr(units, "units"):
            import threads

            base = base[base["role"].isin(threads.CONTENT_ROLES)].reset_index(drop=True)
    else:
        base = as_units(table)
    if "unit_id" not in base.columns:
        base = base.assign(unit_id=[f"u{i}" for i in range(len(base))])
    if exclude is not None:
        base = base[~base["unit_id"].astype(str).isin({str(e) for e in exclude})].reset_index(drop=True)
    if base.empty:
        return base.assign(uncertainty=pd.Series(dtype=float))
    proba = model.predict_proba(base)
    if getattr(model, "multilabel_", False):
        uncertainty = 1.0 - 2.0 * np.abs(proba - 0.5).min(axis=1)
    elif strategy == "margin":
        top = np.sort(proba, axis=1)
        uncertainty = 1.0 - (top[:, -1] - top[:, -2])
    elif strategy == "entropy":
        p = np.clip(proba, 1e-12, 1)
        uncertainty = -(p * np.log(p)).sum(axis=1) / np.log(proba.shape[1])
    elif strategy == "least_confident":
        uncertainty = 1.0 - proba.max(axis=1)
    else:
        raise ThreadframeError(f"strategy must be margin, entropy or least_confident, not {strategy!r}")
    out = base.assign(uncertainty=uncertainty)
    if not getattr(model, "multilabel_", False):
        out["predicted"] = np.asarray(model.classes_)[proba.argmax(axis=1)]
    order = np.lexsort((out["unit_id"].astype(str).to_numpy(), -out["uncertainty"].to_numpy()))
    return out.iloc[order[:n]].reset_index(drop=True)
