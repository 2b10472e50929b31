"""Cue matching: a codebook compiled once into an Aho-Corasick automaton.

How it works, and why it is fast:

1. A batch of texts is joined, lower-cased and encoded as UTF-8; every ASCII
   byte that is not a letter, digit or ``_`` becomes a space (one
   ``bytes.translate``), runs of spaces collapse to one (numpy), and the
   bytes are viewed as a latin-1 string (one character per byte). Words are
   now separated by exactly one space, whatever punctuation or line breaks
   stood between them, and every word starts after a space.
2. Each cue is one key of the automaton, written with its word boundaries:
   ``" facial recognition "`` for a phrase, ``" surveil"`` for the wildcard
   ``surveil*``. So the automaton reports no hits inside words, and a hit on
   a key *is* a match: no regex runs for ordinary cues. (A wildcard in the
   middle of a phrase keys on the first word and is confirmed by a regex.)
3. Case-sensitive cues are checked against the original text, and
   ``not_near`` phrases are searched within ``window`` words of a match;
   only these cues cost Python work per hit.
4. Positions are mapped back through the collapse and from bytes to
   characters of each text (only texts with non-ASCII characters need a
   decode), so evidence spans index the exact characters of the unit text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain

import ahocorasick
import numpy as np

from analysis.tagging.codebook import Codebook, Cue

SEP = " \x00 "  # between texts of a batch; no cue crosses the NUL
_BSEP = SEP.encode()
_SPACE = ord(" ")
_TABLE = bytes(
    b if (chr(b).isalnum() or b == ord("_") or b >= 0x80 or b == 0) else _SPACE for b in range(256))
_LATIN1_PUNCT = np.zeros(256, dtype=bool)
_LATIN1_PUNCT[[0xA0, 0xA1, 0xA6, 0xA7, 0xA8, 0xA9, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF, 0xB0, 0xB1,
               0xB4, 0xB6, 0xB7, 0xB8, 0xBB, 0xBF]] = True
_WORD_RUN = re.compile(r"[^ \x00]*")
_WORD = re.compile(r"[^ \x00]+")


@dataclass(frozen=True)
class Entry:
    """One compiled cue: the group it counts for (a category or a stance side)."""

    group: int
    cue: Cue
    key: str
    ends_in_prefix: bool  # last word is a wildcard: extend the match to the end of the word
    confirm: re.Pattern | None  # a phrase with a wildcard inside, confirmed by regex
    exact: re.Pattern | None  # case-sensitive check of the matched original text
    not_near: tuple[re.Pattern, ...]


def _b(text: str) -> str:
    """A string in the normalised byte space (UTF-8 bytes viewed as latin-1)."""
    return text.lower().encode("utf-8").decode("latin-1")


def norm_phrase_regex(tokens) -> re.Pattern:
    """A regex for a cue over normalised text (used for not_near and inner wildcards)."""
    body = " ".join(re.escape(_b(t)) + ("[^ \x00]*" if p else "(?![^ \x00])") for t, p in tokens)
    return re.compile("(?<![^ \x00])" + body)


def phrase_regex(tokens, flags=0) -> re.Pattern:
    """A regex for a cue over original text (case-sensitive checks)."""
    body = r"[^\w\x00]+".join(re.escape(t) + (r"\w*" if p else r"(?!\w)") for t, p in tokens)
    return re.compile(r"(?<!\w)" + body, flags)


def cue_tokens(pattern: str):
    return tuple((t.rstrip("*"), t.endswith("*")) for t in re.findall(r"\w+\*?", pattern))


def _fold(text: str) -> str:
    """Lower-case without changing the length in characters."""
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two (e.g. 'İ'): keep them
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


@dataclass(frozen=True)
class Normalised:
    """A batch in the normalised space.

    ``text``: the normalised batch; ``keep[i]``: the byte offset (in the
    joined UTF-8 batch, before collapsing) of normalised character i;
    ``char_off``: each text's character offset in the joined batch;
    ``cont``: positions of UTF-8 continuation bytes (None when the batch is
    pure ASCII, where bytes are characters).
    """

    text: str
    arr: np.ndarray  # the same, as bytes
    keep: np.ndarray
    char_off: np.ndarray
    cont: np.ndarray | None

    def to_chars(self, byte_pos: np.ndarray) -> np.ndarray:
        """Byte offsets (of character starts) in the joined batch -> character offsets."""
        if self.cont is None:
            return byte_pos
        return byte_pos - np.searchsorted(self.cont, byte_pos, side="left")


def normalise(texts: list[str]) -> Normalised:
    """Join ``texts`` into the normalised space (see the module docstring)."""
    lens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    char_off = 1 + np.r_[0, np.cumsum(lens + len(SEP))[:-1]] if len(texts) else lens
    big = " " + SEP.join(texts) + " "
    low = big.lower()
    if len(low) != len(big):  # a character lower-cases to two (e.g. 'İ'): fold text by text
        low = " " + SEP.join(t.lower() if len(t.lower()) == len(t) else _fold(t) for t in texts) + " "
    raw = low.encode("utf-8", "surrogatepass")
    cont = None
    if len(raw) == len(low):
        arr = np.frombuffer(raw.translate(_TABLE), dtype=np.uint8)
    else:  # multi-byte characters: count continuation bytes to map back
        arr = np.frombuffer(raw.translate(_TABLE), dtype=np.uint8).copy()
        cont = np.flatnonzero((arr & 0xC0) == 0x80)  # few in most text: cheap to search
        # punctuation U+2000-U+206F (curly quotes, dashes, ...) and Latin-1
        # punctuation (no-break space, guillemets, ...) become spaces too
        lead = np.flatnonzero(arr[:-2] == 0xE2)
        lead = lead[(arr[lead + 1] == 0x80) | (arr[lead + 1] == 0x81)]
        for k in range(3):
            arr[lead + k] = _SPACE
        lead = np.flatnonzero(arr[:-1] == 0xC2)
        lead = lead[_LATIN1_PUNCT[arr[lead + 1]]]
        arr[lead] = _SPACE
        arr[lead + 1] = _SPACE
    space = arr == _SPACE
    keep = np.flatnonzero(np.r_[True, ~(space[1:] & space[:-1])])  # drop a space after a space
    collapsed = arr[keep]
    return Normalised(collapsed.tobytes().decode("latin-1"), collapsed, keep, char_off, cont)


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
            inner_wildcard = any(p for _, p in q.tokens[:-1])
            if inner_wildcard:  # key on the first word, confirm the rest by regex
                first, p0 = q.tokens[0]
                key = " " + _b(first) + ("" if p0 else " ")
                confirm = norm_phrase_regex(q.tokens)
                ends_in_prefix = False
            else:
                ends_in_prefix = q.tokens[-1][1]
                key = " " + " ".join(_b(t) for t, _ in q.tokens) + ("" if ends_in_prefix else " ")
                confirm = None
            exact = phrase_regex(q.tokens) if q.case_sensitive else None
            not_near = tuple(norm_phrase_regex(cue_tokens(ph)) for ph in q.not_near)
            by_key.setdefault(key, []).append(len(self.entries))
            self.entries.append(Entry(gi, q, key, ends_in_prefix, confirm, exact, not_near))
        # The automaton's value for a key is its index: hits then come out of
        # the automaton as plain integers that numpy takes in one go.
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        key_len, vec_ptr, vec_ids, slow_ids = [], [0], [], []
        for kid, (key, ids) in enumerate(by_key.items()):
            # "vector" cues (words, phrases, trailing wildcards; no case check,
            # no not_near) are resolved for all hits at once with numpy
            vec = [i for i in ids if self._vector(self.entries[i])]
            slow_ids.append(tuple(i for i in ids if i not in vec))
            vec_ids += vec
            vec_ptr.append(len(vec_ids))
            key_len.append(len(key))
            self.automaton.add_word(key, kid)
        if by_key:
            self.automaton.make_automaton()
        self._empty = not by_key
        self._key_len = np.asarray(key_len, dtype=np.int64)
        self._vec_ptr = np.asarray(vec_ptr, dtype=np.int64)
        self._vec_ids = np.asarray(vec_ids, dtype=np.int64)
        self._slow_ids = slow_ids
        self._has_slow = np.array([bool(x) for x in slow_ids], dtype=bool)
        self.entry_group = np.array([e.group for e in self.entries], dtype=np.int64)
        self.entry_weight = np.array([e.cue.weight for e in self.entries], dtype=float)
        self.entry_pattern = np.array([e.cue.pattern for e in self.entries], dtype=object)
        self._has_exact = np.array([e.exact is not None for e in self.entries], dtype=bool)
        self._prefix = np.array([e.ends_in_prefix for e in self.entries], dtype=bool)

    @staticmethod
    def _vector(ent: Entry) -> bool:
        return ent.confirm is None and not ent.not_near

    # ------------------------------------------------------------------ matching
    def match_batch(self, texts: list[str], keep_excluded: bool = False):
        """Match every cue in ``texts``.

        Returns ``(None, hits, excluded)``: ``hits`` is a list of
        ``(text_index, entry_index, start, end)`` with character spans of each
        text, overlaps within a group resolved (longest first); ``excluded``
        lists matches a not_near phrase cancelled, as
        ``(text_index, entry_index, start, end, phrase)``, when ``keep_excluded``.
        """
        m = self.match_arrays(texts, keep_excluded)
        hits = list(zip(m.text.tolist(), m.entry.tolist(), m.start.tolist(), m.end.tolist(), strict=True))
        return None, hits, m.excluded

    def match_arrays(self, texts: list[str], keep_excluded: bool = False) -> Matches:
        """Like :meth:`match_batch`, as numpy arrays sorted by text, group and start."""
        if self._empty or not texts:
            return Matches.empty()
        nz = normalise(texts)
        norm = nz.text
        flat = np.fromiter(chain.from_iterable(self.automaton.iter(norm)), dtype=np.int64)
        ends, kids = flat[0::2], flat[1::2]
        starts = ends - self._key_len[kids] + 2  # skip the key's leading space
        # vector cues: every (hit, entry) pair at once
        n_vec = self._vec_ptr[kids + 1] - self._vec_ptr[kids]
        rep = np.repeat(np.arange(len(kids)), n_vec)
        within = np.arange(len(rep)) - np.repeat(np.cumsum(n_vec) - n_vec, n_vec)
        v_ids = self._vec_ids[self._vec_ptr[kids][rep] + within]
        v_s = starts[rep]
        v_e = ends[rep]  # the key's trailing space
        pre = self._prefix[v_ids]
        if pre.any():  # a trailing wildcard runs to the end of the word
            gaps = np.flatnonzero((nz.arr == _SPACE) | (nz.arr == 0))
            v_e[pre] = gaps[np.searchsorted(gaps, v_e[pre] + 1)]
        S, E, ids_out = [v_s], [v_e], [v_ids]
        # the few cues that need Python: inner wildcards and not_near phrases
        entries = self.entries
        word_run = _WORD_RUN.match
        excluded = []
        sl_s, sl_e, sl_i = [], [], []
        for h in np.flatnonzero(self._has_slow[kids]).tolist():
            s, end_idx = int(starts[h]), int(ends[h])
            for eid in self._slow_ids[kids[h]]:
                ent = entries[eid]
                if ent.confirm is not None:
                    m = ent.confirm.match(norm, s)
                    if m is None:
                        continue
                    stop = m.end()
                elif ent.ends_in_prefix:
                    run = word_run(norm, end_idx + 1)  # matches the empty string, so never None
                    stop = run.end() if run is not None else end_idx
                else:
                    stop = end_idx
                if ent.not_near:
                    phrase = self._near(norm, s, stop, ent)
                    if phrase is not None:
                        if keep_excluded:
                            excluded.append((s, eid, stop, phrase))
                        continue
                sl_s.append(s)
                sl_e.append(stop)
                sl_i.append(eid)
        if sl_s:
            S.append(np.asarray(sl_s, dtype=np.int64))
            E.append(np.asarray(sl_e, dtype=np.int64))
            ids_out.append(np.asarray(sl_i, dtype=np.int64))
        starts, ends, entry_ids = np.concatenate(S), np.concatenate(E), np.concatenate(ids_out)
        ti, eid, cs, ce = self._to_chars(starts, ends, entry_ids, texts, nz)
        ti, eid, cs, ce = _resolve(ti, eid, cs, ce, self.entry_group)
        excl = []
        if excluded:
            xs = np.asarray([x[0] for x in excluded], dtype=np.int64)
            xe = np.asarray([x[2] for x in excluded], dtype=np.int64)
            xi = np.asarray([x[1] for x in excluded], dtype=np.int64)
            xt, xi, xcs, xce = self._to_chars(xs, xe, xi, texts, nz, check=False)
            excl = [(int(a), int(b), int(c), int(d), x[3])
                    for a, b, c, d, x in zip(xt, xi, xcs, xce, excluded, strict=True)]
        return Matches(ti, eid, cs, ce, excl)

    def _to_chars(self, S, E, ids, texts, nz: Normalised, check: bool = True):
        """Spans in the normalised batch -> text index and character spans of that text."""
        if len(S):  # undo the collapse, then bytes -> characters of the joined batch
            S = nz.to_chars(nz.keep[S])
            E = nz.to_chars(nz.keep[E - 1] + 1)
        ti = np.searchsorted(nz.char_off, S, side="right") - 1
        cs = S - nz.char_off[ti]
        ce = E - nz.char_off[ti]
        if check and len(ids):
            rows = np.flatnonzero(self._has_exact[ids])
            if len(rows):  # case-sensitive cues: check the original text
                keep = np.ones(len(ids), dtype=bool)
                for r in rows:
                    if self.entries[ids[r]].exact.fullmatch(texts[ti[r]], cs[r], ce[r]) is None:
                        keep[r] = False
                ti, ids, cs, ce = ti[keep], ids[keep], cs[keep], ce[keep]
        return ti, ids, cs, ce

    def _near(self, norm: str, s: int, e: int, ent: Entry) -> str | None:
        """The not_near phrase found within the cue's window of words, if any."""
        w = ent.cue.window
        lo_bound = norm.rfind("\x00", 0, s) + 1
        hi_bound = norm.find("\x00", e)
        if hi_bound < 0:
            hi_bound = len(norm)
        lo_try = max(lo_bound, s - 30 * w)
        before = list(_WORD.finditer(norm, lo_try, s))
        lo = before[-w].start() if len(before) >= w else lo_try
        hi_try = min(hi_bound, e + 30 * w)
        after = list(_WORD.finditer(norm, e, hi_try))
        hi = after[w - 1].end() if len(after) >= w else hi_try
        for rx, phrase in zip(ent.not_near, ent.cue.not_near, strict=True):
            if rx.search(norm, lo, hi):
                return phrase
        return None



@dataclass(frozen=True)
class Matches:
    """Cue matches of a batch: parallel arrays (text index, entry, char start, char end)."""

    text: np.ndarray
    entry: np.ndarray
    start: np.ndarray
    end: np.ndarray
    excluded: list

    @classmethod
    def empty(cls) -> Matches:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, [])

    def __len__(self) -> int:
        return len(self.text)


def _resolve(ti, eid, cs, ce, entry_group):
    """Within a text and group, overlapping matches keep the longest (then the earliest)."""
    if len(ti) == 0:
        return ti, eid, cs, ce
    g = entry_group[eid]
    span = int(ce.max()) + 1
    ng = int(g.max()) + 1
    if (int(ti.max()) + 1) * ng * span * span < 2**62:  # one int64 key sorts faster than lexsort
        order = np.argsort(((ti * ng + g) * span + cs) * span + (span - 1 - (ce - cs)), kind="stable")
    else:
        order = np.lexsort((-ce, cs, g, ti))
    ti, eid, cs, ce, g = ti[order], eid[order], cs[order], ce[order], g[order]
    same = np.r_[False, (ti[1:] == ti[:-1]) & (g[1:] == g[:-1])]
    # one running maximum of ends over all (text, group) blocks: offset each
    # block so that no block reaches into the next
    big = int(ce.max()) + 1
    base = (ti * (int(g.max()) + 1) + g) * big
    reach = np.maximum.accumulate(base + ce)
    if not (base[1:] + cs[1:] < reach[:-1]).any():
        return ti, eid, cs, ce
    # greedy: keep a match unless it starts before the end of the last kept one
    keep = np.ones(len(ti), dtype=bool)
    last_end = -1
    for i, (s_, e_, sm) in enumerate(zip(cs.tolist(), ce.tolist(), same.tolist(), strict=True)):
        if not sm:
            last_end = e_
        elif s_ < last_end:
            keep[i] = False
        else:
            last_end = e_
    return ti[keep], eid[keep], cs[keep], ce[keep]
