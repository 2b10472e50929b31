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

The lexicon is compiled into the same automaton as the codebook
(:func:`rule_cues`), so the rules cost no second pass over the text;
:func:`rule_arrays` applies them to a whole batch with numpy and
:func:`combine` to one text (they agree; the tests check it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.tagging.codebook import Cue
from analysis.tagging.matcher import Matcher, cue_tokens

# ---------------------------------------------------------------------- lexicons
# Actors: surface form -> canonical actor. Lower-case; matched on word boundaries.
_ACTOR_GROUPS = {
    # US agencies count as the US: a comment on the NSA under a story about
    # the US government does not switch actor
    "US": ["us", "u.s.", "u.s", "usa", "america", "american", "americans", "united states",
           "washington", "uncle sam", "pentagon", "white house", "us government",
           "nsa", "cia", "fbi", "dhs", "ice"],
    "China": ["china", "chinese", "beijing", "ccp", "prc", "xi", "xi jinping", "communist party"],
    "Russia": ["russia", "russian", "russians", "putin", "kremlin", "moscow", "soviet", "ussr"],
    "Ukraine": ["ukraine", "ukrainian", "ukrainians", "zelensky", "zelenskyy", "kyiv", "kiev"],
    "UK": ["uk", "britain", "british", "england", "english", "london", "gchq"],
    "Europe": ["europe", "european", "europeans", "eu", "nato", "germany", "france", "german", "french"],
    "Israel": ["israel", "israeli", "israelis", "idf", "netanyahu"],
    "Palestine": ["palestine", "palestinian", "palestinians", "hamas", "gaza"],
    "Iran": ["iran", "iranian", "iranians"],
    "Saudi Arabia": ["saudi", "saudis", "saudi arabia"],
    "India": ["india", "indian", "modi"],
    "West": ["the west", "western", "westerners"],
    "Big Tech": ["facebook", "google", "amazon", "apple", "microsoft", "twitter", "meta",
                 "tiktok", "youtube", "big tech", "silicon valley", "mega-corps", "corporations"],
    "Huawei": ["huawei", "zte", "hikvision"],
    "Democrats": ["democrats", "democrat", "dems", "liberals", "liberal", "the left", "leftists",
                  "lefties", "biden", "obama", "clinton", "hillary", "pelosi", "antifa", "blm"],
    "Republicans": ["republicans", "republican", "gop", "conservatives", "the right",
                    "trump", "trumpers", "maga", "bush", "reagan"],
    "Police": ["police", "cops", "cop", "officers"],
    "Media": ["media", "msm", "cnn", "fox", "nbc", "bbc", "press", "journalists", "techdirt"],
    "Whites": ["whites", "white people", "white men", "white guy", "white supremacists"],
    "Blacks": ["blacks", "black people", "black men", "black lives"],
}
ACTORS = {form: actor for actor, forms in _ACTOR_GROUPS.items() for form in forms}
# "us" as a pronoun is far more common than the country: only upper-case "US" counts.
_CASE_SENSITIVE = {"us": "US", "ice": "ICE", "fox": "Fox", "meta": "Meta"}

WRONGS = [
    "surveil*", "spy", "spies", "spied", "spying", "kill", "kills", "killed", "killing",
    "killings", "murder*", "bomb", "bombs", "bombed", "bombing*", "invade*", "invasion",
    "invading", "war", "wars", "war crimes", "genocide", "massacre*", "tortur*", "occupied",
    "occupation", "atrocities", "crimes", "corrupt*", "lie", "lies", "lied", "lying",
    "steal*", "stole", "stolen", "rigged", "cheat*", "racist*", "racism", "riot*", "loot*",
    "violence", "violent", "abuse*", "oppress*", "repression", "censor*", "propaganda",
    "terror*", "regime change", "coup", "drone strikes", "collusion", "treason", "shot",
    "shoot", "shooting", "burned", "burning", "destroyed", "attacked", "attack", "collect*",
    "track", "tracks", "tracking", "direct access", "hypocrisy", "interfere*", "meddl*",
    "blame*", "to blame", "fault", "responsible", "accountab*", "biased", "fake news",
    "traitor*", "criminal charges", "dirt on", "slavery", "nazi*", "collud*",
]

# Each rule's lexical triggers, in codebook cue syntax (words, phrases matched
# across punctuation, trailing * wildcards): compiled with the codebook's cues
# into one automaton, so the rule layer costs one pass over the text.
RULE_CUES: dict[str, list[str]] = {
    "comparison": [
        "does the same", "do the same", "did the same", "doing the same", "done the same",
        "does exactly the same", "do exactly the same", "did exactly the same",
        "same thing", "same things", "similar thing", "the exact same", "the same way",
        "no different", "not any different", "no better", "just as bad", "equally bad",
        "as bad as", "just as guilty", "equally guilty", "worse than", "far worse",
        "everyone does", "everybody does", "they all do", "all do it",
        "every country does", "all governments", "every government", "both sides",
        "did it too", "does it too", "do it too", "did that too", "does that too",
        "also spy", "also spies", "spy too", "also kill", "also kills", "also bomb",
        "when they did it", "when he did it", "when she did it", "when obama did",
        "when trump did", "when bush did", "when clinton did", "when biden did",
        "same as", "like the us", "like america", "just like", "lives matter",
        "imagine if", "if it was", "if it were", "if that was", "if obama", "if trump", "if biden",
    ],
    "selective_outrage": [
        "where was the outrage", "where were the protests", "where was all the outrage",
        "where is the outrage", "where's the outrage", "where was your outrage",
        "where was everyone when", "where were you when", "where were they when",
        "where was the media", "where were the media", "where was this", "where were all",
        "i don't remember you", "i dont remember you", "i don't recall you", "didn't hear you",
        "nobody cared when", "no one cared when", "nobody complained when", "no one complained when",
        "nobody said anything when", "no one said anything when", "not a peep",
        "suddenly care", "now you care", "now they care", "suddenly you care",
    ],
    "selective_attention": [
        "never a mention", "never mention", "never mentions", "never mentioned", "no mention of",
        "not a word about", "not a word on", "not one word", "never a word",
        "nobody talks about", "no one talks about", "nobody mentions", "no one mentions",
        "nobody reports", "no one reports", "nobody cares about", "no one cares about",
        "don't hear about", "dont hear about", "never hear about", "didn't hear about",
        "you never hear", "you don't hear", "media won't", "media doesn't", "media didn't",
        "ignoring how", "ignoring the fact", "ignoring that", "ignore how", "ignore the fact",
        "ignores the fact", "ignored the fact", "ignores how", "conveniently", "convenient",
        "selective*", "forgot to mention", "forget to mention", "failed to mention",
        "silent about", "silent on", "quiet about", "left out", "leave out", "leaves out",
        "but never", "yet never",
    ],
    "counter_accusation": [
        "look who's talking", "look whos talking", "look who is talking", "pot calling",
        "pot meet kettle", "pot and kettle", "glass house", "glass houses", "you're one to talk",
        "your one to talk", "you are one to talk", "clean up your own", "clean your own",
        "in the mirror", "look at yourself", "look at yourselves", "your own country",
        "your own house", "your own backyard", "your own government", "your own side",
        "our own country", "our own backyard", "here at home", "at home we", "at least we don't",
        "at least they don't", "at least we didn't", "at least they didn't", "says the guy",
        "says the man", "says the country", "says the party", "says the one", "projection",
        "you people", "you lot", "your side", "you guys", "hypocri*", "double standard",
        "double standards",
        "same people who", "the same people", "same ones who",
    ],
    # weak deflecting questions: on their own not enough, followed by another
    # actor or a wrong they count as a comparison (see combine)
    "what_about": [
        "what about", "how about", "what of", "whatabout*", "funny how", "interesting how",
        "strange how", "odd how", "amazing how", "curious how", "funny that", "how come",
        "what happened to", "what happened with", "don't forget", "dont forget", "do not forget",
        "remember when", "remember how", "why didn't you", "why didnt you", "why didn't they",
        "why don't you", "why dont you", "why isn't anyone", "why is nobody", "why is no one",
        "where was the", "where were the", "when it was", "when it's",
    ],
}
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


def rule_cues() -> dict[str, list[Cue]]:
    """The rule layer's lexicon as cue groups: one ``wa:<rule>`` per lexical rule,
    ``wa:wrong`` and one ``wa:actor:<Actor>`` per actor."""
    groups: dict[str, list[Cue]] = {}
    for rule, pats in RULE_CUES.items():
        groups[f"wa:{rule}"] = _cues(pats)
    groups["wa:wrong"] = _cues(WRONGS)
    for actor, forms in _ACTOR_GROUPS.items():
        groups[f"wa:actor:{actor}"] = _cues(forms)
    return groups


def _cues(patterns) -> list[Cue]:
    out, seen = [], set()
    for p in patterns:
        pat = _CASE_SENSITIVE.get(p, p)
        cs = p in _CASE_SENSITIVE
        tokens = cue_tokens(pat if cs else p)
        if (tokens, cs) in seen:
            continue
        seen.add((tokens, cs))
        out.append(Cue(pattern=pat, tokens=tokens, case_sensitive=cs))
    return out


@lru_cache(maxsize=1)
def _matcher() -> Matcher:
    return Matcher(None, extra=rule_cues())


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


def _group_hits(texts: list[str]) -> list[list[tuple[str, int, int, str]]]:
    m = _matcher()
    _, hits, _ = m.match_batch(texts)
    out: list[list] = [[] for _ in texts]
    for ti, eid, s, e in hits:
        out[ti].append((m.groups[m.entries[eid].group], s, e, texts[ti][s:e]))
    for hits_of_text in out:
        hits_of_text.sort(key=lambda h: h[1])  # text order (ties in focal_actors: first mention)
    return out


def actor_mentions(text: str) -> list[tuple[str, int, int]]:
    """Actors named in ``text``: ``(actor, start, end)``."""
    return [(g[9:], s, e) for g, s, e, _ in _group_hits([text or ""])[0] if g.startswith("wa:actor:")]


def focal_actors(texts: Iterable[str], top: int = 3) -> tuple[str, ...]:
    """The actors a context (an article, a title) mentions most, most frequent first."""
    counts: Counter[str] = Counter()
    for hits in _group_hits([t or "" for t in texts]):
        counts.update(g[9:] for g, _, _, _ in hits if g.startswith("wa:actor:"))
    return tuple(a for a, _ in counts.most_common(top))


def rule_hits(text: str, context_actors: Sequence[str] | None = None) -> list[RuleHit]:
    """Every rule that fires in ``text`` (all spans; :func:`score` counts each rule once).

    ``context_actors`` are the actors the text responds to (see
    :func:`focal_actors`); without them ``actor_switch`` cannot fire and the
    weaker ``other_wrong`` stands in for it.
    """
    return combine(_group_hits([text or ""])[0], context_actors)


def score(hits: Iterable[RuleHit]) -> float:
    """Sum of the weights of the rules that fired, each rule counted once."""
    best: dict[str, float] = {}
    for h in hits:
        best[h.rule] = max(best.get(h.rule, 0.0), h.weight)
    return float(sum(best.values()))


def is_whataboutism(text: str, context_actors: Sequence[str] | None = None,
                    threshold: float = THRESHOLD) -> bool:
    """Whether the rule layer calls ``text`` whataboutism."""
    return score(rule_hits(text, context_actors)) >= threshold


def rule_features(texts: Iterable[str], context: Iterable[str | Sequence[str] | None] | None = None,
                  binary: bool = False) -> pd.DataFrame:
    """One row per text, one column per rule (hit counts, or 0/1 with ``binary``), plus ``score``.

    ``context`` gives, per text, what it responds to: a string (e.g. the
    article title; its most-mentioned actors become the focal actors), a
    sequence of actor names, or None. Use the columns as features beside a
    supervised model (analysis.tagging.tagger.CueFeatures can add them too).
    """
    texts = list(texts)
    ctx = [None] * len(texts) if context is None else list(context)
    if len(ctx) != len(texts):
        from threads.errors import ThreadframeError

        raise ThreadframeError(f"rule_features: {len(texts)} texts but {len(ctx)} contexts")
    clean = [t if isinstance(t, str) else "" for t in texts]
    masks = np.array([context_mask(_context_actors(c)) for c in ctx], dtype=np.int64)
    rows = np.zeros((len(texts), len(RULES)), dtype=float)
    scores = np.zeros(len(texts))
    m = _matcher()
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


def _context_actors(c) -> tuple[str, ...] | None:
    if c is None or (isinstance(c, float) and np.isnan(c)):
        return None
    if isinstance(c, str):
        return focal_actors([c]) or None
    return tuple(c) or None


# ---------------------------------------------------------------------- batch form
_ACTOR_INDEX = {a: i for i, a in enumerate(_ACTOR_GROUPS)}
_HAS_CONTEXT = 1 << 62  # set in every mask built from a non-empty context


def context_mask(actors: Sequence[str] | None) -> int:
    """Bit mask of context actors (0 = no context), for :func:`rule_arrays`."""
    if not actors:
        return 0
    mask = _HAS_CONTEXT
    for a in actors:
        if a in _ACTOR_INDEX:
            mask |= 1 << _ACTOR_INDEX[a]
    return mask


def _group_kinds(matcher: Matcher) -> np.ndarray:
    """Per matcher group: rule index (>= 0), -2 for wrongs, -(10 + actor) for actors, -1 else."""
    kinds = np.full(len(matcher.groups), -1, dtype=np.int64)
    for gi, name in enumerate(matcher.groups):
        if not name.startswith("wa:"):
            continue
        rest = name[3:]
        if rest in RULE_WEIGHTS:
            kinds[gi] = RULES.index(rest)
        elif rest == "wrong":
            kinds[gi] = -2
        elif rest.startswith("actor:"):
            kinds[gi] = -(10 + _ACTOR_INDEX[rest[6:]])
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
