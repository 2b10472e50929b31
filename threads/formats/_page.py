"""Article pages with comment sections -> corpus tables.

:mod:`._walk` does the one pass over the page; this module turns its blocks
and comments into unit records with roles, authors, UTC times and parents,
fills the document's metadata, falls back to trafilatura where the page names
no content container, and reports truncation and unplaced comment sections.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC
from pathlib import Path

import pandas as pd

from ..corpus import Corpus
from ..errors import BadTimeWarning, FormatError, UnplacedTextWarning
from ._html import (
    HtmlProfile,
    bad_offset,
    clean,
    implausible_when,
    looks_truncated,
    offset_of,
    page_metadata,
    parse_html,
    parse_when,
    require_lxml,
    require_trafilatura,
    strip_invisible,
    warn_truncated,
)
from ._regions import _coverage, _grams, model_enabled
from ._tables import corpus_from_records, unique_id
from ._walk import PageWalker, _Comment, _Segment


# ---------------------------------------------------------------- assembling
def _norm(s: str) -> str:
    return " ".join(s.split()).lower()


def build_page_corpus(text: str, path: Path, doc_id: str, profile: HtmlProfile,
                      source_format: str, use_trafilatura_meta: bool = False, model: bool = False) -> Corpus:
    """Parse an article page with its comments into a Corpus (see module docstring)."""
    doc, rows, problems = extract_page(text, path, doc_id, profile, source_format, use_trafilatura_meta,
                                       model)
    if not rows:
        raise FormatError(path, "the page has no visible text (no title, body or comments); expected an "
                                "article page (a page built by JavaScript must be saved after it has loaded)")
    return corpus_from_records(doc, rows, problems)


def extract_page(text: str, path: Path, doc_id: str, profile: HtmlProfile, source_format: str,
                 use_trafilatura_meta: bool = False, model: bool = False) -> tuple[dict, list[dict], list[dict]]:
    """The page's document record, unit records (with the reply tree) and problems.

    With ``model``, the page-region model (:mod:`._model_page`) decides what the profile
    does not: the comments when the profile finds no comment markup, the body when it
    names no content container.
    """
    _, etree = require_lxml()
    root = parse_html(text, path)
    meta = page_metadata(root) if root.find("head") is not None else {}  # reads JSON-LD scripts
    strip_invisible(root, etree)
    walker = PageWalker(root, profile)
    regions = walker.find_regions(etree)
    walker.walk(regions, etree)
    how = regions["how"]
    found = {key: regions.get(key) for key in ("author", "published")}
    walker.release(regions)
    problems: list[dict] = []

    mp = None
    if model and (not walker.comments or how != "profile") and model_enabled():
        from ._model_page import read_regions

        mp = read_regions(text, path)
    model_body = mp is not None and how != "profile"
    comments = walker.comments
    if mp is not None and not walker.comments and mp.comments:
        comments = _model_comments(mp, walker.segments)
    in_traf: set[str] | None = None
    if how == "trafilatura" and not model_body:
        in_traf = _found_in(_trafilatura_body(text, path),
                            [s.text for s in walker.segments if s.comment is None])
    for key in ("author", "published"):
        if found[key] and not meta.get(key):
            meta[key] = found[key]
    if not meta.get("published"):
        # a date written in the byline/dateline next to the post ("21.04.2020")
        for seg in walker.segments:
            if seg.label in ("meta", "scope") and len(seg.text) < 200:
                when = parse_when(seg.text)
                if when is not None:
                    meta["published"] = when.isoformat()
                    break
    if use_trafilatura_meta and not all(meta.get(k) for k in ("title", "published", "author")):
        meta = _fill_meta_from_trafilatura(text, meta)

    tz = offset_of(meta.get("published")) or UTC
    zone = bad_offset(meta.get("published"))
    if zone:
        detail = (f"the page's time {meta['published']!r} has the UTC offset {zone}, which no time zone has; "
                  "its publication time is NaT and comment times without a zone are read as UTC")
        warnings.warn(f"{path}: {detail}", BadTimeWarning, stacklevel=3)
        problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": pd.NA,
                         "problem": "bad_timezone", "detail": detail})
    if not zone and meta.get("published") and (why := implausible_when(meta["published"])):
        problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": pd.NA,
                         "problem": "bad_date", "detail": f"published: {why}"})
    rows: list[dict] = []
    # ---- article side
    title_done = False
    in_model_comment = _in_model_comments(mp, walker.segments) if comments is not walker.comments else set()
    body_grams = (_grams(" ".join(t for t, r in mp.roles.items() if r == "body"), haystack=True)
                  if model_body and mp else set())
    for s in walker.segments:
        if s.comment is not None or s.key in in_model_comment:
            continue
        role = _article_role(s, profile, in_traf)
        if model_body and mp is not None and role in ("body", "boilerplate"):
            m_role = mp.roles.get(_norm(s.text))
            if m_role is None:  # segmented differently: the model's body text decides
                m_role = "body" if _coverage(s.text, body_grams) >= 0.5 else "boilerplate"
            role = "body" if m_role == "body" else "boilerplate"
        if role == "title":
            if title_done:
                role = "meta"
            title_done = True
        rows.append({"unit_id": f"{doc_id}:{s.key}", "role": role, "order": (s.order, 0),
                     "text": s.text, "locator": s.locator, "depth": 0})
    if not title_done and meta.get("title"):
        rows.append({"unit_id": f"{doc_id}:title", "role": "title", "order": (0, 0),
                     "text": clean(meta["title"]), "locator": "/html/head", "depth": 0})
    # ---- comments
    uid_of: dict[int, str] = {}
    used: set[str] = set()
    for c in comments:
        pid = f"comment-{c.key}" if c.key is not None else None
        uid = f"{doc_id}:{pid}" if pid else f"{doc_id}:c{c.order}"
        uid = unique_id(uid, used, problems, path, doc_id, c.locator)  # e.g. a comment list given twice
        uid_of[c.idx] = uid
        author = c.author[1] if c.author else None
        when_raw = c.when[1] if c.when else None
        chrome = " | ".join(c.chrome)
        if author is None or when_raw is None:
            for rx in profile.author_text:
                m = rx.search(chrome)
                if m:
                    author = author or clean(m.group("author")).rstrip(",:")
                    when_raw = when_raw or m.group("date")
                    break
        published = parse_when(when_raw, tz) if when_raw else None
        if published is None and chrome:
            published = parse_when(chrome, tz)
        if when_raw and (odd := bad_offset(when_raw)):
            problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": uid,
                             "problem": "bad_timezone",
                             "detail": f"comment time {when_raw!r} has the UTC offset {odd}, which no time zone "
                                       "has; " + ("left NaT" if published is None else
                                                  "the date shown on the page was used")})
        if author:
            author = _SAYS.sub("", author).strip(" ,:|") or None
        flags = []
        if c.pingback:
            flags.append("pingback")
        if published is None and when_raw and (why := implausible_when(when_raw, tz)):
            flags.append("bad_date")
            problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": uid,
                             "problem": "bad_date", "detail": f"published: {why}"})
        body = "\n\n".join(c.content)
        if not body:
            flags.append("text_lost")
            problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": uid,
                             "problem": "text_lost", "detail": "comment has no text in the page"})
        rows.append({"unit_id": uid, "role": "comment", "order": (c.order, 1), "text": body,
                     "locator": c.locator, "depth": c.depth, "author": author, "published": published,
                     "subject": " ".join(c.subject) or None, "platform_id": pid,
                     "parent": c.parent, "flags": ";".join(flags)})
        if chrome:
            rows.append({"unit_id": f"{uid}:meta", "role": "meta", "order": (c.order, 2),
                         "text": chrome, "locator": c.locator, "depth": 0})
    for r in rows:
        par = r.pop("parent", None)
        r["parent_id"] = uid_of.get(par) if par is not None else None
    rows.sort(key=lambda r: r["order"])
    for i, r in enumerate(rows):
        r["position"] = i
        del r["order"]
        r["doc_id"] = doc_id

    truncated = looks_truncated(text)
    if truncated:
        what = ("the comment list is cut off" if comments or walker.comment_area_seen
                else "the article may be incomplete")
        warn_truncated(path, what)
        problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": pd.NA,
                         "problem": "truncated", "detail": f"page ends before </html>; {what}"})
    if walker.comment_area_seen and not comments:
        warnings.warn(f"{path}: the page has a comment section but no comment markup this parser "
                      "knows; its text is kept as boilerplate", UnplacedTextWarning, stacklevel=3)
        problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": pd.NA,
                         "problem": "unplaced_comments",
                         "detail": "comment section found, comments not recognised"})

    seg_texts = [s.text for s in walker.segments]
    visible = sum(map(len, seg_texts))
    accounted = _nonspace_chars([r["text"] for r in rows])
    nonspace_visible = _nonspace_chars(seg_texts)
    lost = nonspace_visible - accounted
    if nonspace_visible and lost > LOST_SHARE * nonspace_visible:  # never drop text without a word
        detail = (f"{lost} of {nonspace_visible} visible characters are in no unit (broken or repeated "
                  "markup the walk could not place)")
        warnings.warn(f"{path}: {detail}", UnplacedTextWarning, stacklevel=3)
        problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": pd.NA,
                         "problem": "unaccounted_text", "detail": detail})
    doc = {
        "doc_id": doc_id, "title": meta.get("title"), "url": meta.get("url"),
        "published": parse_when(meta.get("published")) if meta.get("published") and not zone else None,
        "author": meta.get("author"), "language": meta.get("language"),
        "outlet": _outlet(meta.get("url")), "outlet_kind": "news_site",
        "source_format": source_format, "source_path": str(path),
        "source_chars": visible, "unaccounted_chars": max(0, nonspace_visible - accounted)}
    return doc, rows, problems


def _comment_line(c) -> str:
    """A model comment's author, chrome and texts in page order, for matching segments."""
    return " ".join(([c.author] if c.author else []) + list(c.chrome) + list(c.texts))


def _in_model_comments(mp, segments) -> set[str]:
    """Keys of the article-side segments whose text is in a comment the model found
    (exactly, or by word 3-grams where the walk cut the page into other pieces)."""
    grams = _grams(" | ".join(_comment_line(c) for c in mp.comments), haystack=True)
    out = set()
    for s in segments:
        if s.comment is None and (mp.roles.get(_norm(s.text)) == "comment"
                                  or _coverage(s.text, grams) >= 0.8):
            out.add(s.key)
    return out


def _model_comments(mp, segments) -> list[_Comment]:
    """The model's comment records as the walk's comments, each ordered at the first
    segment from the previous comment's on that holds its text (searched in a window,
    so that a page with many comments stays linear; unit ids ``c<order>`` stay unique)."""
    segs = [s for s in segments if s.comment is None]
    grams_of: dict[int, set] = {}
    out: list[_Comment] = []
    used: set[int] = set()
    at, last = 0, 0
    for n, mc in enumerate(mp.comments):
        first = _norm(mc.texts[0] if mc.texts else _comment_line(mc))
        mine = _grams(_comment_line(mc), haystack=True)
        order = last
        for j in range(at, min(at + _WINDOW, len(segs))):
            s = segs[j]
            if first in _norm(s.text) or _coverage_cached(s, j, mine, grams_of) >= 0.5:
                order, at = s.order, j
                break
        while order in used:
            order += 1
        used.add(order)
        last = order
        c = _Comment(idx=n, key=None, parent=mc.parent, depth=mc.depth, locator=mc.locator, order=order)
        c.content, c.chrome = list(mc.texts), list(mc.chrome)
        c.author = (0, mc.author) if mc.author else None
        c.when = (0, mc.when) if mc.when else None
        out.append(c)
    return out


#: Segments looked at past the previous comment's when placing the next one.
_WINDOW = 200


def _coverage_cached(s, j: int, grams: set, cache: dict) -> float:
    mine = cache.get(j)
    if mine is None:
        mine = cache[j] = _grams(s.text)
    return sum(g in grams for g in mine) / len(mine) if mine else 0.0


#: Share of a page's visible characters that may stay out of every unit without a problem row.
LOST_SHARE = 0.05


_SAYS = re.compile(r"\s*(?:says|sagt|dit|dice|schreibt|wrote|schrieb)\s*:?\s*$", re.I)


def _nonspace_chars(texts) -> int:
    """Characters that are not whitespace, summed over whitespace-normalised ``texts``.

    Every unit text of a page is built from the walk's blocks, which hold no
    whitespace but single spaces and ``\n`` (see ``PageWalker._flush``), so
    counting those two is exact: two C calls per text, where splitting the
    whole page into words took ~0.7 ms a page.
    """
    return sum(len(t) - t.count(" ") - t.count("\n") for t in texts)


def _outlet(url: str | None) -> str | None:
    if not url:
        return None
    m = re.match(r"[a-z]+://(?:www\.)?([^/:]+)", url, re.I)
    return m.group(1).lower() if m else None


def _article_role(s: _Segment, profile: HtmlProfile, in_traf: set[str] | None) -> str:
    lab = s.label
    if lab == "title":
        return "title"
    if lab == "meta":
        return "meta"
    if lab in ("boiler", "comments-area", "comment"):
        return "boilerplate"
    if profile.boilerplate_text is not None and len(s.text) < 200 and profile.boilerplate_text.search(s.text):
        return "boilerplate"
    if lab in ("content", "lead"):
        if len(s.text) < 300 and s.links > 0.4 * len(s.text):
            return "boilerplate"  # a link list or a pointer to another article
        return "body"
    if in_traf is not None and _norm(s.text) in in_traf:
        if len(s.text) < 300 and s.links > 0.4 * len(s.text):
            return "boilerplate"
        return "body"
    return "boilerplate"


def _trafilatura_body(text: str, path) -> str:
    """The page's main text as trafilatura sees it (comments left out), normalised."""
    trafilatura = require_trafilatura()
    try:
        out = trafilatura.extract(text, include_comments=False, include_tables=True,
                                  favor_precision=True) or ""
    except Exception as exc:  # trafilatura raises many kinds; name the file instead
        raise FormatError(path, f"article extraction failed ({type(exc).__name__}: {exc})") from None
    return _norm(out)


def _found_in(haystack: str, texts: list[str]) -> set[str]:
    """The normalised ``texts`` that occur in ``haystack``, in one pass (Aho-Corasick).

    Linear in the haystack plus the matches, where ``needle in haystack`` per
    block would be quadratic on a large page.
    """
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for t in {_norm(t) for t in texts}:
        if len(t) >= 4:
            automaton.add_word(t, t)
    if not len(automaton):
        return set()
    automaton.make_automaton()
    return {t for _, t in automaton.iter(haystack)}


def _fill_meta_from_trafilatura(text: str, meta: dict) -> dict:
    require_trafilatura()
    try:
        from trafilatura.metadata import extract_metadata

        m = extract_metadata(text)
    except Exception:  # metadata is optional: the page's own head already filled what it could
        return meta
    if m is None:
        return meta
    out = dict(meta)
    for key, attr in (("title", "title"), ("author", "author"), ("published", "date"),
                      ("url", "url"), ("language", "language")):
        if not out.get(key) and getattr(m, attr, None):
            out[key] = getattr(m, attr)
    return out
