"""Rule layers: scoring a codebook category by rules over cue matches, not by cue weights.

A codebook category with ``rules: NAME`` is scored by the rule layer called
NAME. A layer is any object with this small protocol (:class:`RuleLayer`):

- ``name``: what codebooks write after ``rules:``;
- ``cues()``: extra cue groups (``{group: [Cue, ...]}``) compiled into the
  same automaton as the codebook, so a layer costs no second pass;
- ``hits(matcher, matches, n, contexts)``: for a batch of ``n`` texts, each
  text's score and one evidence row per rule that fired (:class:`LayerHits`).
  ``contexts[i]`` is what text ``i`` responds to: the actors its article (or
  a given ``context``, such as a video title) names most, or ``None``;
- optionally ``for_language(code)``: the layer for codebooks in that language
  (whataboutism has German and French lexicons); without it a layer is
  used for every language as it is.

A built-in layer is one module in this package that defines ``LAYER``; a
user's layer is registered for the session with :func:`register_rule_layer`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from analysis.tagging.codebook import Cue
    from analysis.tagging.matcher import Matcher, Matches

__all__ = ["LayerHits", "RuleLayer", "get_rule_layer", "register_rule_layer", "rule_layer_names"]


@dataclass(frozen=True)
class LayerHits:
    """What a layer returns for a batch of ``n`` texts.

    ``score`` has one value per text; the other arrays have one value per
    rule that fired: its text's row, its name (written as the evidence
    ``cue``, e.g. ``"rule:comparison"``), its character span and its weight.
    """

    score: np.ndarray
    text: np.ndarray
    rule: np.ndarray
    start: np.ndarray
    end: np.ndarray
    weight: np.ndarray


@runtime_checkable
class RuleLayer(Protocol):
    name: str

    def cues(self) -> dict[str, list[Cue]]: ...

    def hits(self, matcher: Matcher, matches: Matches, n: int,
             contexts: Sequence[tuple[str, ...] | None]) -> LayerHits: ...


_REGISTERED: dict[str, RuleLayer] = {}


def _builtin_names() -> list[str]:
    return [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]


def rule_layer_names() -> list[str]:
    """Names a codebook may give after ``rules:`` (built-in and registered)."""
    return sorted(set(_builtin_names()) | set(_REGISTERED))


def register_rule_layer(layer: RuleLayer) -> RuleLayer:
    """Make ``layer`` available to codebooks as ``rules: <layer.name>`` for this session
    (a registered layer of the same name as a built-in one replaces it)."""
    if not isinstance(layer, RuleLayer) or not isinstance(getattr(layer, "name", None), str):
        raise TypeError(f"register_rule_layer: {type(layer).__name__} is not a rule layer; it needs "
                        "a name and cues() and hits() methods (see analysis.tagging.layers.RuleLayer)")
    _REGISTERED[layer.name] = layer
    _forget_compiled()
    return layer


def get_rule_layer(name: str, language: str | None = None) -> RuleLayer:
    """The layer called ``name`` (for codebooks in ``language``, where the layer
    has a version for it); a ``KeyError`` naming the known ones otherwise."""
    if name in _REGISTERED:
        layer = _REGISTERED[name]
    elif name in _builtin_names():
        layer = importlib.import_module(f"{__name__}.{name}").LAYER
    else:
        raise KeyError(f"no rule layer {name!r}; known: {', '.join(rule_layer_names())}")
    in_language = getattr(layer, "for_language", None)
    return in_language(language) if language is not None and callable(in_language) else layer


def _forget_compiled() -> None:
    # codebooks compiled before the registration must pick up the new layer
    import sys

    tagger = sys.modules.get("analysis.tagging.tagger")
    if tagger is not None:
        tagger.compiled_matcher.cache_clear()
