"""The whataboutism rules (:mod:`analysis.tagging.whataboutism`) as a rule layer."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis.tagging import whataboutism as wa
from analysis.tagging.layers import LayerHits


class WhataboutismLayer:
    """Scores ``rules: whataboutism`` categories: each rule that fires counts once."""

    name = "whataboutism"

    def cues(self):
        return wa.rule_cues()

    def hits(self, matcher, matches, n: int, contexts: Sequence[tuple[str, ...] | None]) -> LayerHits:
        masks = np.fromiter((wa.context_mask(c) for c in contexts), dtype=np.int64, count=n)
        score, _, (ti, rule, start, end) = wa.rule_arrays(matcher, matches, n, masks)
        names = np.array([f"rule:{r}" for r in wa.RULES], dtype=object)
        weights = np.array([wa.RULE_WEIGHTS[r] for r in wa.RULES])
        return LayerHits(score=score, text=ti, rule=names[rule], start=start, end=end,
                         weight=weights[rule])


LAYER = WhataboutismLayer()
