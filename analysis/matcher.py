"""Cue matching: a codebook compiled once into an Aho-Corasick automaton.

The automaton holds the first word of every cue (lower-cased). Each hit is
checked for word boundaries, extended to the end of the word for wildcard
cues (``surveil*``), and for multi-word cues the remaining words are checked
with a small anchored regex that allows any run of spaces, punctuation or
line breaks between words. Matching runs over many texts at once, joined by
NUL characters that no cue can cross, so the per-text Python cost is small.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import ahocorasick

from .codebook import Codebook, Cue

SEP = "\x00"
# What may stand between the words of a multi-word cue: spaces, punctuation,
# line breaks (not NUL, which separates texts in a batch), at most 12 chars.
_GAP = r"[^\w\x00]{1,12}"
_WORD_END = re.compile(r"\w*")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Entry:
    """One compiled cue: the group it counts for (a category or a stance side)."""

    group: int
    cue: Cue
    first_prefix: bool
    rest: re.Pattern | None  # anchored match of the words after the first
    exact: re.Pattern | None  # case-sensitive check of the whole match
    not_near: tuple[re.Pattern, ...]


def _token_regex(text: str, prefix: bool) -> str:
    return re.escape(text) + (r"\w*" if prefix else r"(?!\w)")


def phrase_regex(tokens, flags=0) -> re.Pattern:
    """A regex for a whole cue (used for not_near phrases and case checks)."""
    body = _GAP.join(_token_regex(t, p) for t, p in tokens)
    return re.compile(r"(?<!\w)" + body, flags)


def cue_tokens(pattern: str):
    return tuple((t.rstrip("*"), t.endswith("*")) for t in re.findall(r"\w+\*?", pattern))


class Matcher:
    """A codebook's cues compiled into one automaton.

    ``groups`` names what each match counts for: the codebook's categories in
    order, then ``stance:critical`` and ``stance:supportive``, then any
    ``extra`` groups.
    """

    def __init__(self, codebook: Codebook | None, extra: dict[str, list[Cue]] | None = None):
        self.codebook = codebook
        self.groups: list[str] = []
        sets: list[tuple[int, Cue]] = []
        if codebook is not None:
            self.groups += list(codebook.categories)
            for gi, cat in enumerate(codebook.specs):
                sets += [(gi, q) for q in cat.cues]
            if codebook.stance is not None:
                for side in ("critical", "supportive"):
                    self.groups.append(f"stance:{side}")
                    sets += [(len(self.groups) - 1, q) for q in getattr(codebook.stance, side)]
        # extra groups (the whataboutism rule lexicon) ride along in the same automaton
        for name, cues in (extra or {}).items():
            self.groups.append(name)
            sets += [(len(self.groups) - 1, q) for q in cues]
        self.entries: list[Entry] = []
        by_key: dict[str, list[int]] = {}
        for gi, q in sets:
            (first, first_prefix), rest = q.tokens[0], q.tokens[1:]
            rest_re = None
            if rest:
                rest_re = re.compile(
                    "".join(_GAP + _token_regex(t.lower(), p) for t, p in rest))
            exact = phrase_regex(q.tokens) if q.case_sensitive else None
            not_near = tuple(phrase_regex(cue_tokens(ph.lower())) for ph in q.not_near)
            by_key.setdefault(first.lower(), []).append(len(self.entries))
            self.entries.append(Entry(gi, q, first_prefix, rest_re, exact, not_near))
        self.automaton = ahocorasick.Automaton()
        for key, ids in by_key.items():
            self.automaton.add_word(key, (len(key), tuple(ids)))
        if by_key:
            self.automaton.make_automaton()
        self._empty = not by_key

    # ------------------------------------------------------------------ matching
    def match_batch(self, texts: list[str], keep_excluded: bool = False):
        """Match every cue in ``texts``.

        Returns ``(offsets, hits, excluded)``: ``offsets[i]`` is where text i
        starts in the joined batch; ``hits`` is a list of
        ``(text_index, entry_index, start, end)`` with spans relative to each
        text, overlaps within a group resolved (longest first); ``excluded``
        lists matches a not_near phrase cancelled as
        ``(text_index, entry_index, start, end, phrase)`` when ``keep_excluded``.
        """
        offsets = [0] * len(texts)
        pos = 0
        for i, t in enumerate(texts):
            offsets[i] = pos
            pos += len(t) + 1
        if self._empty or not texts:
            return offsets, [], []
        big = SEP.join(texts)
        low = big.lower()
        if len(low) != len(big):  # a few characters lower-case to two (e.g. 'İ'): keep spans exact
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in big)
        n = len(low)
        entries = self.entries
        raw = []
        word_end = _WORD_END.match
        excluded = []
        for end_idx, (klen, ids) in self.automaton.iter(low):
            s = end_idx - klen + 1
            if s > 0:
                c = low[s - 1]
                if c.isalnum() or c == "_":
                    continue
            e = end_idx + 1
            at_boundary = e >= n or not (low[e].isalnum() or low[e] == "_")
            for eid in ids:
                ent = entries[eid]
                if ent.first_prefix:
                    stop = word_end(low, e).end()
                elif at_boundary:
                    stop = e
                else:
                    continue
                if ent.rest is not None:
                    m = ent.rest.match(low, stop)
                    if m is None:
                        continue
                    stop = m.end()
                if ent.exact is not None and ent.exact.fullmatch(big, s, stop) is None:
                    continue
                if ent.not_near:
                    phrase = self._near(low, offsets, s, stop, ent)
                    if phrase is not None:
                        if keep_excluded:
                            excluded.append((s, eid, stop, phrase))
                        continue
                raw.append((s, eid, stop))
        hits = _resolve(raw, entries, offsets)
        excl = []
        for s, eid, stop, phrase in excluded:
            ti = bisect.bisect_right(offsets, s) - 1
            excl.append((ti, eid, s - offsets[ti], stop - offsets[ti], phrase))
        return offsets, hits, excl

    def _near(self, low: str, offsets, s: int, e: int, ent: Entry) -> str | None:
        """The not_near phrase found within the cue's window, if any."""
        ti = bisect.bisect_right(offsets, s) - 1
        t_start = offsets[ti]
        t_end = offsets[ti + 1] - 1 if ti + 1 < len(offsets) else len(low)
        w = ent.cue.window
        before = list(_WORD.finditer(low, max(t_start, s - 40 * w), s))
        lo = before[-w].start() if len(before) >= w else max(t_start, s - 40 * w)
        after = list(_WORD.finditer(low, e, min(t_end, e + 40 * w)))
        hi = after[w - 1].end() if len(after) >= w else min(t_end, e + 40 * w)
        for rx, phrase in zip(ent.not_near, ent.cue.not_near, strict=True):
            if rx.search(low, lo, hi):
                return phrase
        return None


def _resolve(raw, entries, offsets):
    """Spans relative to each text; within a group, overlapping matches keep the longest."""
    if not raw:
        return []
    out = []
    # sort by group, start, longest first
    raw.sort(key=lambda h: (entries[h[1]].group, h[0], -h[2]))
    last_group, last_end = -1, -1
    for s, eid, e in raw:
        g = entries[eid].group
        if g != last_group:
            last_group, last_end = g, -1
        if s < last_end:
            continue
        last_end = e
        ti = bisect.bisect_right(offsets, s) - 1
        o = offsets[ti]
        out.append((ti, eid, s - o, e - o))
    return out
