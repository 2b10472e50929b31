"""Model cards of stance models: what a model was trained on, under which
licence, for which languages, and how well it scored where it was validated.

A card is a plain dict (stored in a ``.tfm`` file's manifest, see
:mod:`analysis.models.stance_io`; on a loaded model as ``model.card_``)::

    {"name": "xstance-de-fr", "data": "x-stance validation split ...",
     "licence": "CC BY-NC 4.0 (the training data)", "languages": ["de", "fr"],
     "scores": [{"setting": "x-stance, unseen questions (5-fold GroupKFold)",
                 "metric": "F1(FAVOR, AGAINST)", "value": 0.628,
                 "baseline": "TF-IDF + LR", "baseline_value": 0.613}],
     "notes": "..."}

:func:`card_sentence` turns a card into the sentence the report prints.
"""

from __future__ import annotations

import math

from threads.errors import ThreadframeError

CARD_KEYS = ("name", "data", "licence", "languages", "scores", "notes")
SCORE_KEYS = ("setting", "metric", "value", "baseline", "baseline_value", "n")


def check_card(card, where: str = "model card") -> dict:
    """A copy of ``card`` with known keys and plain values, or a ThreadframeError naming the problem."""
    if card is None:
        return {}
    if not isinstance(card, dict):
        raise ThreadframeError(f"{where}: expected a dict, got {type(card).__name__}")
    unknown = sorted(set(card) - set(CARD_KEYS))
    if unknown:
        raise ThreadframeError(f"{where}: unknown key(s) {unknown}; a card has {', '.join(CARD_KEYS)}")
    out: dict = {}
    for key in ("name", "data", "licence", "notes"):
        if key in card:
            if not isinstance(card[key], str):
                raise ThreadframeError(f"{where}: {key!r} must be a string")
            out[key] = card[key]
    langs = card.get("languages", [])
    if not isinstance(langs, list | tuple) or not all(isinstance(v, str) for v in langs):
        raise ThreadframeError(f"{where}: 'languages' must be a list of language codes")
    out["languages"] = list(langs)
    scores = card.get("scores", [])
    if not isinstance(scores, list | tuple):
        raise ThreadframeError(f"{where}: 'scores' must be a list of {{setting, metric, value}} entries")
    out["scores"] = []
    for i, s in enumerate(scores):
        if not isinstance(s, dict) or not {"setting", "metric", "value"} <= set(s) or set(s) - set(SCORE_KEYS):
            raise ThreadframeError(f"{where}: score {i} needs setting, metric and value "
                                   f"(and optionally {', '.join(SCORE_KEYS[3:])})")
        for num in ("value", "baseline_value", "n"):
            if num in s and not (isinstance(s[num], int | float) and not isinstance(s[num], bool)
                                 and math.isfinite(s[num])):
                raise ThreadframeError(f"{where}: score {i}: {num!r} must be a finite number")
        for txt in ("setting", "metric", "baseline"):
            if txt in s and not isinstance(s[txt], str):
                raise ThreadframeError(f"{where}: score {i}: {txt!r} must be a string")
        out["scores"].append(dict(s))
    return out


def model_card(model) -> dict:
    """The card of a stance model (``{}`` when it has none, e.g. one just fitted)."""
    card = getattr(model, "card_", None)
    return check_card(card) if card else {}


def score_phrase(score: dict) -> str:
    """'F1(FAVOR, AGAINST) 0.628 on x-stance, unseen questions (TF-IDF + LR: 0.613)'."""
    base = ""
    if "baseline_value" in score:
        base = f" ({score.get('baseline', 'baseline')}: {score['baseline_value']:.3f})"
    n = f", n = {int(score['n'])}" if "n" in score else ""
    return f"{score['metric']} {score['value']:.3f} on {score['setting']}{n}{base}"


def card_sentence(model, corpus_languages=()) -> str:
    """What the report says about the stance model that produced its numbers."""
    name = type(model).__name__
    card = model_card(model)
    label = f"`{card['name']}` ({name})" if card.get("name") else f"a {name}"
    parts = [f"Stance comes from {label}"]
    if card.get("data"):
        parts.append(f", trained on {card['data']}")
    if card.get("languages"):
        parts.append(f" ({', '.join(card['languages'])})")
    text = "".join(parts) + "."
    if card.get("licence"):
        text += f" Licence: {card['licence']}."
    if card.get("scores"):
        text += " Where it was validated: " + "; ".join(score_phrase(s) for s in card["scores"]) + "."
    else:
        text += (" It carries no validation scores (no model card): nothing says how well it codes "
                 "stance anywhere.")
    other = sorted({str(v) for v in corpus_languages} - set(card.get("languages", [])) - {"unknown", "nan"})
    if card.get("languages") and other:
        text += (f" **Warning:** this corpus has text in {', '.join(other)}, which the model was not "
                 "trained or validated on.")
    return text + (" Those scores are not this corpus's: validate the model on a coded sample of it "
                   "(docs/validation.md) before reading its shares as findings.")
