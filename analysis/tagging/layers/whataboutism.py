"""The whataboutism rules (:mod:`analysis.tagging.whataboutism`) as a rule layer.

The lexicon the rules look for is ``whataboutism.<language>.yaml`` in this
folder; a codebook in German or French gets the layer in its language."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from analysis.tagging import whataboutism as wa
from analysis.tagging.layers import LayerHits


class WhataboutismLayer:
    """Scores ``rules: whataboutism`` categories: each rule that fires counts once."""

    name = "whataboutism"

    def __init__(self, language: str = wa.LEXICON_LANGUAGE):
        self.language = wa.lexicon_language(language)

    def for_language(self, language: str) -> WhataboutismLayer:
        """The layer with the lexicon of ``language`` (English where none ships)."""
        code = wa.lexicon_language(language)
        return self if code == self.language else _in(code)

    def cues(self):
        return wa.rule_cues(self.language)

    def hits(self, matcher, matches, n: int, contexts: Sequence[tuple[str, ...] | None]) -> LayerHits:
        masks = np.fromiter((wa.context_mask(c) for c in contexts), dtype=np.int64, count=n)
        score, _, (ti, rule, start, end) = wa.rule_arrays(matcher, matches, n, masks)
        names = np.array([f"rule:{r}" for r in wa.RULES], dtype=object)
        weights = np.array([wa.RULE_WEIGHTS[r] for r in wa.RULES])
        return LayerHits(score=score, text=ti, rule=names[rule], start=start, end=end,
                         weight=weights[rule])


_LAYERS: dict[str, WhataboutismLayer] = {}


def _in(language: str) -> WhataboutismLayer:
    if language not in _LAYERS:
        _LAYERS[language] = WhataboutismLayer(language)
    return _LAYERS[language]


LAYER = _in(wa.LEXICON_LANGUAGE)
