"""Whataboutism as a move, not a phrase: a transparent rule layer.

Whataboutism deflects criticism of one actor by pointing at a comparable
wrong of another. Each rule below looks for one part of that move and yields
evidence spans; a unit's score is the sum of the weights of the rules that
fired (each rule counts once), and the unit is whataboutism when the score
reaches the codebook's threshold (1.0). No single weak signal reaches it
alone: a literal "what about" scores 0.5, so it needs a second part of the
move (another actor, a wrong, a comparison).

Rules (one feature column each, see :func:`rule_features`):

- ``comparison``: an explicit comparison of wrongs ("the US does the same",
  "just as bad", "no different from", "everyone does it").
- ``selective_outrage``: "where was the outrage when", "nobody cared when ...",
  "I don't remember you complaining".
- ``selective_attention``: "never a mention of", "nobody talks about",
  "ignoring how X ...", "conveniently" (0.75).
- ``counter_accusation``: "look who's talking", "pot calling the kettle",
  "you people ...", "clean up your own house", "hypocrites", "double standard".
- ``what_about``: a weak deflecting question ("what about", "how about",
  "funny how", "how come", "remember when"); followed within a few words by
  another actor or a wrongdoing word, it also counts as a ``comparison``.
- ``actor_switch``: the unit names an actor that is not among the actors
  its context (the article the comment sits under, or a given title)
  mentions most, within NEAR_CHARS of a wrongdoing word (1.0: pointing at
  another actor's wrong is the move itself).
- ``other_wrong``: the same without a context to compare with (0.25).

The lexicon (actors, wrongdoing words, each rule's phrases) is YAML, one
file per language (``analysis/tagging/layers/whataboutism.en.yaml``, ``.de``,
``.fr``), read once on first use; actor names are the same in every language,
so a German comment is compared with its German article's actors. It is
compiled into the same automaton as the codebook (:func:`rule_cues`), so
the rules cost no second pass over the text;
:func:`rule_arrays` applies them to a whole batch with numpy and
:func:`combine` to one text (they agree; the tests check it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.tagging.codebook import _CUE_CHARS, Cue
from analysis.tagging.matcher import Matcher, cue_tokens
from threads.errors import ThreadframeError

# ---------------------------------------------------------------------- lexicons
# The words and phrases each rule looks for live in YAML beside the rule layer
# (analysis/tagging/layers/whataboutism.<language>.yaml), like every other
# lexicon: a linguist can read and extend them, and a language is one file.
LEXICON_LANGUAGE = "en"
_LEXICON_KEYS = {"language", "actors", "case_sensitive", "wrongs", "rules"}


class LexiconError(ThreadframeError):
    """A whataboutism lexicon file that cannot be used: names the file and the problem."""


@dataclass(frozen=True)
class Lexicon:
    """One language's whataboutism lexicon: actor forms, wrongdoing words, rule cues."""

    language: str
    actors: dict[str, tuple[str, ...]]  # canonical actor -> surface forms
    case_sensitive: dict[str, str]  # form -> the form as it must be written ("us" -> "US")
    wrongs: tuple[str, ...]
    rules: dict[str, tuple[str, ...]]  # lexical rule -> its cue phrases
    source: str = ""


def _lexicon_path(language: str) -> Path:
    return Path(str(resources.files("analysis") / "tagging" / "layers" / f"whataboutism.{language}.yaml"))


@lru_cache(maxsize=1)
def lexicon_languages() -> tuple[str, ...]:
    """Languages with a shipped lexicon, English first: ``("en", "de", "fr")``."""
    found = sorted(p.name.split(".")[1] for p in _lexicon_path("en").parent.glob("whataboutism.*.yaml"))
    return (LEXICON_LANGUAGE, *(c for c in found if c != LEXICON_LANGUAGE))


def lexicon_language(language: str | None) -> str:
    """The lexicon used for ``language``: its own where one ships, English otherwise."""
    code = str(language or LEXICON_LANGUAGE).lower().replace("_", "-").split("-")[0]
    return code if code in lexicon_languages() else LEXICON_LANGUAGE


def lexicon(language: str = LEXICON_LANGUAGE) -> Lexicon:
    """The lexicon for ``language`` (English where none ships), read once on first use."""
    return _read_lexicon(lexicon_language(language))


@lru_cache(maxsize=8)
def _read_lexicon(code: str) -> Lexicon:
    path = _lexicon_path(code)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: cannot be read as YAML ({exc})") from None
    known = None if code == LEXICON_LANGUAGE else set(lexicon(LEXICON_LANGUAGE).actors)
    return _check_lexicon(data, str(path), code, known)


def _check_lexicon(data, where: str, code: str, known_actors: set[str] | None) -> Lexicon:
    def fail(msg: str):
        raise LexiconError(f"{where}: {msg}")

    def cues(value, what: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail(f"{what} must be a list of words or phrases")
        bad = [v for v in value if not _CUE_CHARS.match(v) or not cue_tokens(v)]
        if bad:
            fail(f"{what}: {bad[0]!r} is not a cue (words, phrases and trailing * wildcards)")
        return tuple(value)

    if not isinstance(data, dict):
        fail("expected a mapping with actors, wrongs and rules")
    if unknown := sorted(set(data) - _LEXICON_KEYS):
        fail(f"unknown key(s) {', '.join(unknown)}; keys are {', '.join(sorted(_LEXICON_KEYS))}")
    if data.get("language", code) != code:
        fail(f"says language {data.get('language')!r} but its name says {code!r}")
    if not isinstance(data.get("actors"), dict):
        fail("actors must map actor names to their forms")
    if known_actors is not None and (extra := sorted(set(data["actors"]) - known_actors)):
        fail(f"unknown actor(s) {', '.join(extra)}: actors are those of whataboutism.en.yaml, "
             "so that a comment and its article name the same actors in any language")
    rules = data.get("rules")
    lexical = [r for r in RULE_WEIGHTS if r not in ("actor_switch", "other_wrong")]
    if not isinstance(rules, dict) or (odd := sorted(set(rules) - set(lexical))):
        fail(f"rules must map the lexical rules ({', '.join(lexical)}) to their cues"
             + (f"; unknown: {', '.join(odd)}" if isinstance(rules, dict) else ""))
    case = data.get("case_sensitive") or {}
    if not isinstance(case, dict) or not all(isinstance(v, str) for v in case.values()):
        fail("case_sensitive must map a form to the form as it must be written")
    return Lexicon(language=code, source=where,
                   actors={str(a): cues(f, f"actors: {a}") for a, f in data["actors"].items()},
                   case_sensitive={str(k): v for k, v in case.items()},
                   wrongs=cues(data.get("wrongs"), "wrongs"),
                   rules={r: cues(rules[r], f"rules: {r}") for r in lexical if r in rules})


RULE_WEIGHTS = {
    "comparison": 1.0,
    "selective_outrage": 1.0,
    "selective_attention": 0.75,
    "counter_accusation": 1.0,
    "what_about": 0.5,
    "actor_switch": 1.0,
    "other_wrong": 0.25,
}
#: Rule names, in feature-column order.
RULES = tuple(RULE_WEIGHTS)
THRESHOLD = 1.0
#: How close (in characters) an actor and a wrongdoing word must be to count together.
NEAR_CHARS = 60


@dataclass(frozen=True)
class RuleHit:
    """One rule firing in a text: the rule, its weight and the span it rests on."""

    rule: str
    start: int
    end: int
    matched: str
    weight: float


def rule_cues(language: str = LEXICON_LANGUAGE) -> dict[str, list[Cue]]:
    """The rule layer's lexicon in ``language`` as cue groups: one ``wa:<rule>`` per
    lexical rule, ``wa:wrong`` and one ``wa:actor:<Actor>`` per actor."""
    lex = lexicon(language)
    groups: dict[str, list[Cue]] = {}
    for rule, pats in lex.rules.items():
        groups[f"wa:{rule}"] = _cues(pats, lex.case_sensitive)
    groups["wa:wrong"] = _cues(lex.wrongs, lex.case_sensitive)
    for actor, forms in lex.actors.items():
        groups[f"wa:actor:{actor}"] = _cues(forms, lex.case_sensitive)
    return groups


def _cues(patterns, case_sensitive: dict[str, str]) -> list[Cue]:
    out, seen = [], set()
    for p in patterns:
        pat = case_sensitive.get(p, p)
        cs = p in case_sensitive
        tokens = cue_tokens(pat if cs else p)
        if (tokens, cs) in seen:
            continue
        seen.add((tokens, cs))
        out.append(Cue(pattern=pat, tokens=tokens, case_sensitive=cs))
    return out


@lru_cache(maxsize=8)
def _matcher(language: str = LEXICON_LANGUAGE) -> Matcher:
    return Matcher(None, extra=rule_cues(language))


def combine(group_hits: Iterable[tuple[str, int, int, str]],
            context_actors: Sequence[str] | None) -> list[RuleHit]:
    """Rule hits of one text from its lexical matches ``(group, start, end, matched)``.

    The lexical rules fire on their cues; ``actor_switch`` fires on an actor
    that is not among ``context_actors`` and stands within NEAR_CHARS of a
    wrongdoing word; without context ``other_wrong`` stands in for it.
    """
    hits: list[RuleHit] = []
    actors, wrongs = [], []
    for group, s, e, matched in group_hits:
        name = group[3:]
        if name in RULE_WEIGHTS:
            hits.append(RuleHit(name, s, e, matched, RULE_WEIGHTS[name]))
        elif name == "wrong":
            wrongs.append((s, e))
        elif name.startswith("actor:"):
            actors.append((name[6:], s, e, matched))
    # "what about" + another's wrong or another actor right after it is the
    # canonical move: the weak phrase is upgraded to a full comparison.
    for h in [h for h in hits if h.rule == "what_about"]:
        if any(0 <= s - h.end < NEAR_CHARS for s, _ in wrongs) or any(
                0 <= a[1] - h.end < NEAR_CHARS for a in actors):
            hits.append(RuleHit("comparison", h.start, h.end, h.matched, RULE_WEIGHTS["comparison"]))
    if actors and wrongs:
        focal = set(context_actors or ())
        for actor, s, e, matched in actors:
            if not any(ws - e < NEAR_CHARS and s - we < NEAR_CHARS for ws, we in wrongs):
                continue
            if focal and actor not in focal:
                hits.append(RuleHit("actor_switch", s, e, matched, RULE_WEIGHTS["actor_switch"]))
            elif not focal:
                hits.append(RuleHit("other_wrong", s, e, matched, RULE_WEIGHTS["other_wrong"]))
    hits.sort(key=lambda h: (h.start, h.rule))
    return hits


def _group_hits(texts: list[str], language: str = LEXICON_LANGUAGE) -> list[list[tuple[str, int, int, str]]]:
    m = _matcher(lexicon_language(language))
    _, hits, _ = m.match_batch(texts)
    out: list[list] = [[] for _ in texts]
    for ti, eid, s, e in hits:
        out[ti].append((m.groups[m.entries[eid].group], s, e, texts[ti][s:e]))
    for hits_of_text in out:
        hits_of_text.sort(key=lambda h: h[1])  # text order (ties in focal_actors: first mention)
    return out


def actor_mentions(text: str, language: str = LEXICON_LANGUAGE) -> list[tuple[str, int, int]]:
    """Actors named in ``text``: ``(actor, start, end)``."""
    return [(g[9:], s, e) for g, s, e, _ in _group_hits([text or ""], language)[0]
            if g.startswith("wa:actor:")]


def focal_actors(texts: Iterable[str], top: int = 3, language: str = LEXICON_LANGUAGE) -> tuple[str, ...]:
    """The actors a context (an article, a title) mentions most, most frequent first.

    Actor names are the same in every language ("US", "China"), so a German
    comment is compared with its German article's actors."""
    counts: Counter[str] = Counter()
    for hits in _group_hits([t or "" for t in texts], language):
        counts.update(g[9:] for g, _, _, _ in hits if g.startswith("wa:actor:"))
    return tuple(a for a, _ in counts.most_common(top))


def rule_hits(text: str, context_actors: Sequence[str] | None = None,
              language: str = LEXICON_LANGUAGE) -> list[RuleHit]:
    """Every rule that fires in ``text`` (all spans; :func:`score` counts each rule once).

    ``context_actors`` are the actors the text responds to (see
    :func:`focal_actors`); without them ``actor_switch`` cannot fire and the
    weaker ``other_wrong`` stands in for it.
    """
    return combine(_group_hits([text or ""], language)[0], context_actors)


def score(hits: Iterable[RuleHit]) -> float:
    """Sum of the weights of the rules that fired, each rule counted once."""
    best: dict[str, float] = {}
    for h in hits:
        best[h.rule] = max(best.get(h.rule, 0.0), h.weight)
    return float(sum(best.values()))


def is_whataboutism(text: str, context_actors: Sequence[str] | None = None,
                    threshold: float = THRESHOLD, language: str = LEXICON_LANGUAGE) -> bool:
    """Whether the rule layer calls ``text`` whataboutism."""
    return score(rule_hits(text, context_actors, language)) >= threshold


def rule_features(texts: Iterable[str], context: Iterable[str | Sequence[str] | None] | None = None,
                  binary: bool = False, language: str = LEXICON_LANGUAGE) -> pd.DataFrame:
    """One row per text, one column per rule (hit counts, or 0/1 with ``binary``), plus ``score``.

    ``context`` gives, per text, what it responds to: a string (e.g. the
    article title; its most-mentioned actors become the focal actors), a
    sequence of actor names, or None. Use the columns as features beside a
    supervised model (analysis.tagging.tagger.CueFeatures can add them too).
    ``language`` picks the lexicon (``"de"``, ``"fr"``; English by default).
    """
    texts = list(texts)
    ctx = [None] * len(texts) if context is None else list(context)
    if len(ctx) != len(texts):
        raise ThreadframeError(f"rule_features: {len(texts)} texts but {len(ctx)} contexts")
    clean = [t if isinstance(t, str) else "" for t in texts]
    masks = np.array([context_mask(_context_actors(c, language)) for c in ctx], dtype=np.int64)
    rows = np.zeros((len(texts), len(RULES)), dtype=float)
    scores = np.zeros(len(texts))
    m = _matcher(lexicon_language(language))
    for lo in range(0, len(clean), 5000):
        chunk = clean[lo:lo + 5000]
        sc, _, (e_ti, e_r, _, _) = rule_arrays(m, m.match_arrays(chunk), len(chunk), masks[lo:lo + 5000])
        scores[lo:lo + len(chunk)] = sc
        np.add.at(rows, (e_ti + lo, e_r), 1)
    if binary:
        rows = (rows > 0).astype(float)
    out = pd.DataFrame(rows, columns=[f"wa_{r}" for r in RULES])
    out["wa_score"] = scores
    return out


def _context_actors(c, language: str = LEXICON_LANGUAGE) -> tuple[str, ...] | None:
    if c is None or (isinstance(c, float) and np.isnan(c)):
        return None
    if isinstance(c, str):
        return focal_actors([c], language=language) or None
    return tuple(c) or None


# ---------------------------------------------------------------------- batch form
@lru_cache(maxsize=1)
def _actor_index() -> dict[str, int]:
    # one bit per actor of the English lexicon; other languages use the same actor names
    return {a: i for i, a in enumerate(lexicon(LEXICON_LANGUAGE).actors)}


_HAS_CONTEXT = 1 << 62  # set in every mask built from a non-empty context


def context_mask(actors: Sequence[str] | None) -> int:
    """Bit mask of context actors (0 = no context), for :func:`rule_arrays`."""
    if not actors:
        return 0
    mask = _HAS_CONTEXT
    index = _actor_index()
    for a in actors:
        if a in index:
            mask |= 1 << index[a]
    return mask


def _group_kinds(matcher: Matcher) -> np.ndarray:
    """Per matcher group: rule index (>= 0), -2 for wrongs, -(10 + actor) for actors, -1 else."""
    kinds = np.full(len(matcher.groups), -1, dtype=np.int64)
    index = _actor_index()
    for gi, name in enumerate(matcher.groups):
        if not name.startswith("wa:"):
            continue
        rest = name[3:]
        if rest in RULE_WEIGHTS:
            kinds[gi] = RULES.index(rest)
        elif rest == "wrong":
            kinds[gi] = -2
        elif rest.startswith("actor:"):
            kinds[gi] = -(10 + index[rest[6:]])
    return kinds


def rule_arrays(matcher: Matcher, m, n: int, masks: np.ndarray):
    """The rule layer over a batch of matches at once (same result as :func:`combine` per text).

    ``m`` are the batch's matches (analysis.tagging.matcher.Matches) of a matcher that
    includes :func:`rule_cues`; ``masks`` the per-text :func:`context_mask`.
    Returns ``(score, fired, ev)``: score per text, a bool (n x rules) array,
    and evidence arrays ``(text, rule, start, end)``.
    """
    kinds = _group_kinds(matcher)[matcher.entry_group[m.entry]]
    ti, cs, ce = m.text, m.start, m.end
    fired = np.zeros((n, len(RULES)), dtype=bool)
    ev = []
    lex = kinds >= 0
    if lex.any():
        fired[ti[lex], kinds[lex]] = True
        ev.append((ti[lex], kinds[lex], cs[lex], ce[lex]))
    wr = kinds == -2
    ac = kinds <= -10
    if len(ti):
        big = int(ce.max()) + 2 * NEAR_CHARS + 1  # texts far enough apart on one axis
        w_s, w_e = ti[wr] * big + cs[wr], ti[wr] * big + ce[wr]  # sorted: one group
        wa_i = np.flatnonzero(kinds == RULES.index("what_about"))
        if len(wa_i):
            targets = np.sort(np.r_[w_s, ti[ac] * big + cs[ac]])
            e = ti[wa_i] * big + ce[wa_i]
            j = np.searchsorted(targets, e, side="left")
            ok = j < len(targets)
            ok[ok] = targets[j[ok]] - e[ok] < NEAR_CHARS
            if ok.any():
                comp = RULES.index("comparison")
                fired[ti[wa_i[ok]], comp] = True
                ev.append((ti[wa_i[ok]], np.full(ok.sum(), comp), cs[wa_i[ok]], ce[wa_i[ok]]))
        if ac.any() and wr.any():
            a_s, a_e = ti[ac] * big + cs[ac], ti[ac] * big + ce[ac]
            j = np.searchsorted(w_s, a_e + NEAR_CHARS, side="left") - 1
            near = j >= 0
            near[near] = w_e[j[near]] > a_s[near] - NEAR_CHARS
            aid = -kinds[ac] - 10
            mask = masks[ti[ac]]
            has_ctx = mask != 0
            in_ctx = ((mask >> aid) & 1) == 1
            for rule, sel in (("actor_switch", near & has_ctx & ~in_ctx), ("other_wrong", near & ~has_ctx)):
                if sel.any():
                    r = RULES.index(rule)
                    rows = np.flatnonzero(ac)[sel]
                    fired[ti[rows], r] = True
                    ev.append((ti[rows], np.full(len(rows), r), cs[rows], ce[rows]))
    weights = np.array([RULE_WEIGHTS[r] for r in RULES])
    score = fired.astype(float) @ weights
    if ev:
        e_ti, e_r, e_s, e_e = (np.concatenate(x) for x in zip(*ev, strict=True))
        order = np.lexsort((e_r, e_s, e_ti))
        ev_arrays = (e_ti[order], e_r[order], e_s[order], e_e[order])
    else:
        z = np.zeros(0, dtype=np.int64)
        ev_arrays = (z, z, z, z)
    return score, fired, ev_arrays
