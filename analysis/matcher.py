"""Cue matching: a codebook compiled once into an Aho-Corasick automaton.

How it works, and why it is fast:

1. A batch of texts is joined, lower-cased and encoded as UTF-8; every ASCII
   byte that is not a letter, digit or ``_`` becomes a space (one
   ``bytes.translate``), and the bytes are viewed as a latin-1 string so that
   one character is one byte. Words are now runs of non-space bytes and
   every word starts after a space.
2. Each cue contributes one key to the automaton: its *anchor* word (the
   longest word of the cue that is not a function word) written as
   ``" word "`` (exact word) or ``" word"`` (a ``word*`` wildcard). Keys carry
   their own word boundaries, so the automaton reports no hits inside words
   and a common first word such as "the" never becomes a key.
3. For a multi-word cue, an anchor hit is confirmed by a small regex over the
   surrounding bytes that allows 1-12 spaces (i.e. any run of spaces,
   punctuation and line breaks) between words. Case-sensitive cues are then
   checked against the original text, and ``not_near`` phrases are searched
   within ``window`` words of the match.
4. Byte offsets are turned back into character offsets of each text (only
   texts with non-ASCII characters need a decode), so evidence spans index
   the exact characters of the unit text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import ahocorasick

from .codebook import Codebook, Cue

SEP = " \x00 "  # between texts of a batch; no cue crosses the NUL
_BSEP = SEP.encode()
_TABLE = bytes(
    b if (chr(b).isalnum() or b == ord("_") or b >= 0x80 or b == 0) else ord(" ") for b in range(256))
# Unicode punctuation common in news and comments, turned into ASCII first
# (one character each, so character offsets do not move).
_PUNCT = {"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-",
          "…": ".", "\u00a0": " ", "\u2009": " ", "\u200b": " ", "\u2028": " ", "\u2029": " "}
# Very common English words, most common first: a cue is anchored on its
# least common word so the automaton reports few hits that need checking.
_COMMON = ["the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on", "are", "with", "as", "i", "his", "they", "be", "at", "one", "have", "this", "from", "or", "had", "by", "not", "but", "what", "all", "were", "we", "when", "your", "can", "said", "there", "use", "an", "each", "which", "she", "do", "how", "their", "if", "will", "up", "other", "about", "out", "many", "then", "them", "these", "so", "some", "her", "would", "make", "like", "him", "into", "time", "has", "look", "two", "more", "go", "see", "no", "way", "could", "people", "my", "than", "first", "been", "call", "who", "its", "now", "find", "long", "down", "did", "get", "come", "made", "may", "part", "s", "t", "don", "didn", "doesn", "isn", "just", "too", "also", "here", "where", "why", "never", "same"]
_RANK = {w: len(_COMMON) - i for i, w in enumerate(_COMMON)}
GAP = " {1,12}"  # what may stand between words of a phrase (after step 1)
_WORD_RUN = re.compile(r"[^ \x00]*")
_WORD = re.compile(r"[^ \x00]+")


@dataclass(frozen=True)
class Entry:
    """One compiled cue: the group it counts for (a category or a stance side)."""

    group: int
    cue: Cue
    anchor: int  # index of the token the automaton looks for
    anchor_prefix: bool
    phrase: re.Pattern | None  # whole multi-word cue over normalised bytes
    canon: str | None  # the phrase with single spaces (fast check, no wildcards)
    pre: int  # bytes of the canonical phrase before the anchor
    span: tuple[int, int]  # bytes the phrase can reach before/after the anchor
    exact: re.Pattern | None  # case-sensitive check of the matched original text
    not_near: tuple[re.Pattern, ...]


def _b(text: str) -> str:
    """A string in the normalised byte space (UTF-8 bytes viewed as latin-1)."""
    return text.lower().encode("utf-8").decode("latin-1")


def _token_rx(text: str, prefix: bool) -> str:
    return re.escape(_b(text)) + ("[^ \x00]*" if prefix else "(?![^ \x00])")


def norm_phrase_regex(tokens) -> re.Pattern:
    """A regex for a cue over normalised text (used for phrases and not_near)."""
    return re.compile("(?<![^ \x00])" + GAP.join(_token_rx(t, p) for t, p in tokens))


def phrase_regex(tokens, flags=0) -> re.Pattern:
    """A regex for a cue over original text (case-sensitive checks)."""
    body = r"[^\w\x00]{1,12}".join(re.escape(t) + (r"\w*" if p else r"(?!\w)") for t, p in tokens)
    return re.compile(r"(?<!\w)" + body, flags)


def cue_tokens(pattern: str):
    return tuple((t.rstrip("*"), t.endswith("*")) for t in re.findall(r"\w+\*?", pattern))


def _anchor(tokens) -> int:
    best, best_key = 0, (-1, -1)
    for i, (t, _) in enumerate(tokens):
        key = (-_RANK.get(t.lower(), 0), len(t))
        if key > best_key:
            best, best_key = i, key
    return best


def _fold(text: str) -> str:
    """Lower-case and ASCII-fy punctuation without changing the length in characters."""
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two (e.g. 'İ'): keep them
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for a, b in _PUNCT.items():
        if a in low:
            low = low.replace(a, b)
    return low


def normalise(texts: list[str]) -> tuple[str, list[int], dict[int, bytes]]:
    """Join ``texts`` into the normalised byte space.

    Returns the normalised string, each text's byte offset in it, and for
    texts with non-ASCII characters their folded UTF-8 bytes (to turn byte
    offsets back into character offsets; ASCII texts need nothing).
    """
    folded = []
    wide: dict[int, bytes] = {}
    offsets = []
    pos = 1  # the leading space
    for i, t in enumerate(texts):
        if t.isascii():
            f = t.lower()
            n = len(f)
        else:
            f = _fold(t)
            wide[i] = f.encode("utf-8", "surrogatepass")
            n = len(wide[i])
        folded.append(f)
        offsets.append(pos)
        pos += n + len(_BSEP)
    raw = SEP.join(folded).encode("utf-8", "surrogatepass")
    norm = (b" " + raw.translate(_TABLE) + b" ").decode("latin-1")
    return norm, offsets, wide


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
            k = _anchor(q.tokens)
            tok, prefix = q.tokens[k]
            phrase, span, canon, pre = None, (0, 0), None, 0
            if len(q.tokens) > 1:
                if not any(p for _, p in q.tokens):
                    canon = " ".join(_b(t) for t, _ in q.tokens)
                    pre = len(" ".join(_b(t) for t, _ in q.tokens[:k])) + (1 if k else 0)
                phrase = norm_phrase_regex(q.tokens)
                reach = [len(_b(t)) + (40 if p else 0) + 12 for t, p in q.tokens]
                span = (sum(reach[:k]), sum(reach[k + 1:]) + reach[k])
            exact = phrase_regex(q.tokens) if q.case_sensitive else None
            not_near = tuple(norm_phrase_regex(cue_tokens(ph)) for ph in q.not_near)
            key = " " + _b(tok) + ("" if prefix else " ")
            by_key.setdefault(key, []).append(len(self.entries))
            self.entries.append(Entry(gi, q, k, prefix, phrase, canon, pre, span, exact, not_near))
        self.automaton = ahocorasick.Automaton()
        for key, ids in by_key.items():
            self.automaton.add_word(key, (len(key), tuple(ids)))
        if by_key:
            self.automaton.make_automaton()
        self._empty = not by_key

    # ------------------------------------------------------------------ matching
    def match_batch(self, texts: list[str], keep_excluded: bool = False):
        """Match every cue in ``texts``.

        Returns ``(None, hits, excluded)``: ``hits`` is a list of
        ``(text_index, entry_index, start, end)`` with character spans of each
        text, overlaps within a group resolved (longest first); ``excluded``
        lists matches a not_near phrase cancelled, as
        ``(text_index, entry_index, start, end, phrase)``, when ``keep_excluded``.
        """
        if self._empty or not texts:
            return None, [], []
        norm, offsets, wide = normalise(texts)
        entries = self.entries
        word_run = _WORD_RUN.match
        raw = []
        excluded = []
        for end_idx, (klen, ids) in self.automaton.iter(norm):
            s = end_idx - klen + 2  # skip the key's leading space
            e0 = end_idx + 1
            for eid in ids:
                ent = entries[eid]
                start = s
                # a wildcard runs to the end of the word; an exact key ends with a space
                stop = word_run(norm, e0).end() if ent.anchor_prefix else e0 - 1
                if ent.phrase is not None:
                    before, after = ent.span
                    lo, hi = max(0, start - before), stop + after
                    slow = ent.canon is None
                    if not slow:
                        # fast path: the phrase with single separators, as most are written
                        p0 = start - ent.pre
                        p1 = p0 + len(ent.canon)
                        if p0 >= 1 and norm.startswith(ent.canon, p0) and norm[p1] in " \x00":
                            start, stop = p0, p1
                        elif "  " in norm[lo:hi]:
                            slow = True  # a run of separators nearby: try the full regex
                        else:
                            continue
                    if slow:
                        for m in ent.phrase.finditer(norm, lo, hi):
                            if m.start() <= start and m.end() >= stop:
                                start, stop = m.start(), m.end()
                                break
                        else:
                            continue
                if ent.not_near:
                    phrase = self._near(norm, start, stop, ent)
                    if phrase is not None:
                        if keep_excluded:
                            excluded.append((start, eid, stop, phrase))
                        continue
                raw.append((start, eid, stop))
        hits = _resolve(self._to_chars(raw, texts, offsets, wide), entries)
        excl = []
        if excluded:
            spans = self._to_chars([(s, eid, e) for s, eid, e, _ in excluded], texts, offsets,
                                   wide, check=False)
            excl = [(ti, eid, cs, ce, x[3]) for (ti, eid, cs, ce), x in zip(spans, excluded, strict=True)]
        return None, hits, excl

    def _to_chars(self, spans, texts, offsets, wide, check: bool = True):
        """Byte spans of the batch -> (text index, entry, char start, char end)."""
        out = []
        entries = self.entries
        for s, eid, e in spans:
            ti = bisect.bisect_right(offsets, s) - 1
            o = offsets[ti]
            t = texts[ti]
            bt = wide.get(ti)
            if bt is None:
                cs, ce = s - o, e - o
            else:
                cs = len(bt[:s - o].decode("utf-8", "surrogatepass"))
                ce = cs + len(bt[s - o:e - o].decode("utf-8", "surrogatepass"))
            ex = entries[eid].exact
            if check and ex is not None and ex.fullmatch(t, cs, ce) is None:
                continue
            out.append((ti, eid, cs, ce))
        return out

    def _near(self, norm: str, s: int, e: int, ent: Entry) -> str | None:
        """The not_near phrase found within the cue's window of words, if any."""
        w = ent.cue.window
        lo_bound = norm.rfind("\x00", 0, s) + 1
        hi_bound = norm.find("\x00", e)
        if hi_bound < 0:
            hi_bound = len(norm)
        lo_try = max(lo_bound, s - 40 * w)
        before = list(_WORD.finditer(norm, lo_try, s))
        lo = before[-w].start() if len(before) >= w else lo_try
        hi_try = min(hi_bound, e + 40 * w)
        after = list(_WORD.finditer(norm, e, hi_try))
        hi = after[w - 1].end() if len(after) >= w else hi_try
        for rx, phrase in zip(ent.not_near, ent.cue.not_near, strict=True):
            if rx.search(norm, lo, hi):
                return phrase
        return None


def _resolve(hits, entries):
    """Within a text and group, overlapping matches keep the longest (then the earliest)."""
    if not hits:
        return []
    hits.sort(key=lambda h: (h[0], entries[h[1]].group, h[2], -h[3]))
    out = []
    last, last_end = None, -1
    for ti, eid, s, e in hits:
        key = (ti, entries[eid].group)
        if key != last:
            last, last_end = key, -1
        if s < last_end:
            continue
        last_end = e
        out.append((ti, eid, s, e))
    return out
