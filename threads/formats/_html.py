"""Shared machinery of the HTML formats: parsing, profiles, dates, metadata.

lxml and trafilatura come with the ``html`` extra; they are imported inside
functions so that ``import threads`` works without them and a user who lacks
them gets a clear message instead of an ImportError from deep inside.
"""

from __future__ import annotations

import functools
import re
import warnings
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

from ..errors import FormatError, ThreadframeError, TruncatedPageWarning

INSTALL_HINT = 'pip install "threadframe[html]"'


def require_lxml():
    """``lxml.html`` and ``lxml.etree``, or a clear error telling what to install."""
    try:
        import lxml.etree as etree
        import lxml.html as lhtml
    except ImportError:
        raise ThreadframeError(
            f"reading HTML pages needs lxml, which is not installed; run: {INSTALL_HINT}") from None
    return lhtml, etree


def require_trafilatura():
    try:
        import lxml_html_clean  # noqa: F401  (trafilatura needs it; pip < 24 skips it)
        import trafilatura
    except ImportError:
        raise ThreadframeError(
            "extracting article text from this page needs trafilatura and lxml_html_clean, "
            f"which are not installed; run: {INSTALL_HINT}") from None
    return trafilatura


# ---------------------------------------------------------------- sniffing
_HTML_START = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
# a comment may not run past its own "-->": with ".*?" the comments before an HTML root
# could be split in exponentially many ways (a page with 22 comments took 33 s)
_XML_FEED = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*<(?:rss|feed|disqus|rdf:RDF)[\s>]",
                       re.I | re.S)


_FRAGMENT = re.compile(r"\s*<(?:p|div|article|section|main|ol|ul|table|h[1-6])[\s>]", re.I)


def looks_like_html(head: str, name: str = "") -> bool:
    """True for an HTML page (not an XML export that happens to carry HTML).

    A fragment without ``<html>`` counts when it starts with a block tag and
    the file name says HTML.
    """
    stripped = head.lstrip()
    if not stripped.startswith("<") or _XML_FEED.match(stripped):
        return False
    if _HTML_START.search(head[:20000]):
        return True
    return name.lower().endswith((".html", ".htm")) and bool(_FRAGMENT.match(stripped))


# ---------------------------------------------------------------- parsing
_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"])
_CLOSES_P = frozenset(["address", "article", "aside", "blockquote", "div", "dl", "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section", "table", "ul", "li"])


def parse_html(text: str, path: str | Path):
    """Parse a page into an lxml tree, without libxml2's depth limit.

    libxml2 silently drops everything nested deeper than its limit; a
    thread thousands of replies deep would lose its deep replies. Such pages
    are rebuilt with the standard library's tokenizer instead (slower, no
    depth limit, no recursion).
    """
    lhtml, etree = require_lxml()
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)  # lxml refuses str with a declaration
    if not re.search(r"<[A-Za-z!]", text[:1_000_000]):
        raise FormatError(path, "no HTML markup found (expected an HTML page)")
    # plain etree elements: lxml.html's element classes cost a Python lookup per node
    # the text is decoded already: hand libxml2 UTF-8 and tell it so (meta charset is moot)
    parser = etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True, encoding="utf-8")
    try:
        root = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise FormatError(path, f"cannot be parsed as HTML ({exc})") from None
    if root is None:
        raise FormatError(path, "cannot be parsed as HTML (no elements found)")
    if any("depth" in e.message.lower() for e in parser.error_log
           if e.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in e.message):
        root = _parse_deep(text, etree)
    return root


class _DeepBuilder(HTMLParser):
    """html.parser events -> lxml TreeBuilder, with the few implied end tags pages rely on."""

    def __init__(self, etree):
        super().__init__(convert_charrefs=True)
        self.tb = etree.TreeBuilder()
        self.open: list[str] = []
        self.count: dict[str, int] = {}  # open elements per tag: "is it open?" in O(1)
        self.tb.start("html", {})
        self.open.append("html")

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            return
        if tag in _CLOSES_P and "p" in self.open[-1:]:
            self._close_to("p")
        if tag == "li" and self.open[-1:] == ["li"]:
            self._close_to("li")
        self.tb.start(tag, {k: v or "" for k, v in attrs if _ok_attr(k)})
        if tag in _VOID:
            self.tb.end(tag)
        else:
            self.open.append(tag)
            self.count[tag] = self.count.get(tag, 0) + 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.open and self.open[-1] == tag:
            self._close_to(tag)

    def handle_endtag(self, tag):
        if tag != "html" and self.count.get(tag):
            self._close_to(tag)

    def _close_to(self, tag):
        while len(self.open) > 1:
            t = self.open.pop()
            self.count[t] -= 1
            self.tb.end(t)
            if t == tag:
                return

    def handle_data(self, data):
        self.tb.data(data)

    def close_tree(self):
        self.close()
        while self.open:
            self.tb.end(self.open.pop())
        return self.tb.close()


def _ok_attr(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][\w.:-]*", name or ""))


def _parse_deep(text: str, etree):
    builder = _DeepBuilder(etree)
    builder.feed(re.sub(r"<!--.*?-->", "", text, flags=re.S))
    return builder.close_tree()


def strip_invisible(root, etree) -> None:
    """Remove script, style and template elements (their tails stay), so that
    ``itertext`` yields only what a reader sees."""
    etree.strip_elements(root, "script", "style", "noscript", "template", etree.Comment,
                         with_tail=False)


_END_TAG = re.compile(r"</(?:html|body)\s*>", re.I)


_START_TAG = re.compile(r"<(?:html|body)[\s>]", re.I)


def looks_truncated(text: str) -> bool:
    """A page that opens ``<html>``/``<body>`` but does not close them was cut off.

    (A fragment that never opened them is not.)
    """
    return bool(_START_TAG.search(text[:65536])) and not _END_TAG.search(text[-4096:])


def warn_truncated(path, what: str) -> None:
    warnings.warn(f"{path}: the page ends before </html> (cut off?); parsed what is there; {what}",
                  TruncatedPageWarning, stacklevel=4)


# ---------------------------------------------------------------- profiles
_EMPTY: frozenset = frozenset()
_DIGITS = str.maketrans("123456789", "000000000")


class HtmlProfile:
    """Markup knowledge from ``threads/profiles/html/*.yaml`` (see the files)."""

    def __init__(self, data: dict):
        self.name = data.get("name", "?")
        self.description = data.get("description", "")
        self.raw = data
        self._rx: dict[str, re.Pattern | None] = {}
        for key, value in data.items():
            if key in ("name", "description", "extends") or not isinstance(value, list):
                continue
            if key in ("content", "comment_id", "author_text", "boilerplate_text"):
                continue
            if all(isinstance(v, str) for v in value) and not key.endswith("_tags"):
                self._rx[key] = re.compile("|".join(f"(?:{v.lower()})" for v in value)) if value else None
        self.content_tiers = [re.compile("|".join(f"(?:{v.lower()})" for v in tier))
                              for tier in data.get("content", []) if tier]
        self.comment_id = [re.compile(p, re.I) for p in data.get("comment_id", [])]
        self.author_text = [re.compile(p, re.I) for p in data.get("author_text", [])]
        self.boilerplate_text = re.compile("|".join(f"(?:{p})" for p in data.get("boilerplate_text", [])),
                                           re.I) if data.get("boilerplate_text") else None
        self.tags = {k: frozenset(v) for k, v in data.items() if k.endswith("_tags")}
        self._cache: dict = {}
        self._id_cache: dict = {}
        self._single: dict = {}
        self._prio_cache: dict = {}

    def kinds(self, el) -> frozenset:
        """Every profile list that matches the element's classes, id, itemprop or property.

        Class strings repeat across a page, so results are cached by them.
        """
        get = el.get
        return self.kinds_of_attrs(get("class"), get("itemprop"), get("property"), get("id"))

    def kinds_of_attrs(self, cls: str | None, ip: str | None, pr: str | None, el_id: str | None) -> frozenset:
        """:meth:`kinds` from the attribute values (for callers that read them anyway)."""
        if not (cls or ip or pr or el_id):
            return _EMPTY
        key = (cls, ip, pr)
        k = self._cache.get(key)
        if k is None:
            toks = []
            if cls:
                toks.extend(cls.lower().split())
            if ip:
                toks.extend("itemprop:" + v for v in ip.lower().split())
            if pr:
                toks.extend("property:" + v for v in pr.lower().split())
            k = self._kinds_of(toks)
            self._cache[key] = k
        if el_id:
            norm_id = el_id.lower().translate(_DIGITS)  # comment-123 and comment-456 share
            ik = self._id_cache.get(norm_id)
            if ik is None:
                ik = self._id_cache[norm_id] = self._kinds_of([el_id.lower()])
            if ik:
                k = k | ik
        return k

    def _kinds_of(self, toks) -> frozenset:
        out = {kind for kind, rx in self._rx.items() if rx is not None and any(rx.search(t) for t in toks)}
        for i, rx in enumerate(self.content_tiers):
            if any(rx.search(t) for t in toks):
                out.add(f"content:{i}")
                break
        return frozenset(out)

    def priority(self, kind: str, el) -> int:
        """Index of the first pattern of ``kind`` the element matches (lower is better)."""
        key = (kind, el.get("class"), el.get("itemprop"), el.get("property"), el.get("id"))
        prio = self._prio_cache.get(key)
        if prio is None:
            toks = tokens_of(el)
            rxs = self._single.setdefault(kind, [re.compile(v.lower()) for v in self.raw.get(kind, [])])
            prio = next((i for i, rx in enumerate(rxs) if any(rx.search(t) for t in toks)), 99)
            self._prio_cache[key] = prio
        return prio

    def match(self, kind: str, tokens) -> bool:
        rx = self._rx.get(kind)
        return rx is not None and any(rx.search(t) for t in tokens)

    def comment_key(self, el_id: str) -> str | None:
        for rx in self.comment_id:
            m = rx.match(el_id)
            if m:
                return m.group(1)
        return None


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        if k == "content" and k in out:
            tiers = [list(t) for t in out[k]]
            for i, tier in enumerate(v):
                if i < len(tiers):
                    tiers[i] = tiers[i] + [x for x in tier if x not in tiers[i]]
                else:
                    tiers.append(list(tier))
            out[k] = tiers
        elif isinstance(v, list) and isinstance(out.get(k), list):
            out[k] = out[k] + [x for x in v if x not in out[k]]
        else:
            out[k] = v
    return out


@functools.cache
def load_html_profile(name: str) -> HtmlProfile:
    """Load ``threads/profiles/html/<name>.yaml`` (following ``extends``).

    HTML profiles live in their own folder: ``threads/profiles/*.yaml`` are the
    text-scrape profiles, read by a loader that expects their schema.
    """
    return HtmlProfile(_profile_data(name))


def _profile_data(name: str) -> dict:
    import yaml

    try:
        text = resources.files("threads").joinpath("profiles", "html", f"{name}.yaml").read_text("utf-8")
    except FileNotFoundError:
        raise ThreadframeError(f"unknown HTML profile {name!r}") from None
    data = yaml.safe_load(text) or {}
    if data.get("extends"):
        data = _merge(_profile_data(data["extends"]), data)
    return data


def tokens_of(el) -> list[str]:
    """Class tokens, the id and itemprop/property values of an element, lower-cased."""
    out = []
    get = el.get
    cls = get("class")
    if cls:
        out.extend(cls.lower().split())
    i = get("id")
    if i:
        out.append(i.lower())
    ip = get("itemprop")
    if ip:
        out.extend("itemprop:" + v for v in ip.lower().split())
    pr = get("property")
    if pr:
        out.extend("property:" + v for v in pr.lower().split())
    return out


# ---------------------------------------------------------------- dates
_MONTHS = {}
for _i, _names in enumerate([
    "jan january januar janv janvier enero ene gennaio gen januari jänner",
    "feb february februar fév févr fevrier février febrero febbraio februari",
    "mar march märz maerz mars marzo mrt maart",
    "apr april avr avril abril aprile",
    "may mai mayo maggio mei",
    "jun june juni juin junio giugno",
    "jul july juli juil juillet julio luglio",
    "aug august août aout agosto augustus",
    "sep sept september septembre septiembre settembre set",
    "oct october oktober octobre octubre ottobre okt",
    "nov november novembre noviembre",
    "dec december dezember déc décembre diciembre dicembre dez",
], start=1):
    for _n in _names.split():
        _MONTHS[_n] = _i
_MONTH_RX = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_TIME = r"(?:\D{0,12}?(?P<H>\d{1,2})[:.h](?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)?)?"
_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME, re.I),
    re.compile(r"(?P<d>\d{1,2})\.\s*(?P<m>\d{1,2})\.\s*(?P<y>\d{4})" + _TIME, re.I),
    re.compile(r"(?P<d>\d{1,2})\.?\s+(?P<mn>" + _MONTH_RX + r")\.?,?\s+(?P<y>\d{4})" + _TIME, re.I),
    re.compile(r"(?P<mn>" + _MONTH_RX + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _TIME,
               re.I),
    re.compile(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})" + _TIME, re.I),
]


_EPOCH_SECONDS = re.compile(r"\d{9,11}").fullmatch
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d").match


def parse_when(value: str | None, default_tz=UTC) -> datetime | None:
    """:func:`_parse_when`, None for a time outside the plausible range of :mod:`threads.times`."""
    from ..times import parse_time

    try:
        dt = _parse_when(value, default_tz)
    except OverflowError:  # year 1 or 9999 pushed off the calendar by its UTC offset
        return None
    return dt if dt is None or parse_time(dt)[0] is not None else None


def implausible_when(value: str | None, default_tz=UTC) -> str | None:
    """Why a time the page states was left empty (it reads as a date, but an
    implausible one: :mod:`threads.times`), or None when it is fine or no date."""
    from ..times import RULE, parse_time

    try:
        dt = _parse_when(value, default_tz)
    except OverflowError:
        return f"{value!r} falls off the calendar once its UTC offset is applied; left empty"
    if dt is None or parse_time(dt)[1] is None:
        return None
    return f"{value!r} is not a plausible time ({RULE}); left empty"


def _parse_when(value: str | None, default_tz=UTC) -> datetime | None:
    """A timestamp from an attribute or a page's text, as an aware UTC datetime.

    Handles ISO 8601 (``datetime=`` attributes), Unix epochs and dates written
    out in English, German, French, Spanish, Italian or Dutch ("23. Juni 2016
    um 17:21 Uhr", "July 11, 2011 at 12:25 pm"). Times without a zone are read
    in ``default_tz`` (the page's own offset when it states one).
    """
    if not value:
        return None
    s = " ".join(str(value).split())
    if not s:
        return None
    if _EPOCH_SECONDS(s):
        return datetime.fromtimestamp(int(s), tz=UTC)
    iso = s.replace("Z", "+00:00") if _ISO_DATE(s) else None
    if iso and bad_offset(s):  # no zone has it: not a time to guess (the date patterns below would)
        return None
    if iso:
        try:
            dt = datetime.fromisoformat(iso.split()[0] if "T" in iso else iso)
        except ValueError:
            dt = None
        if dt is not None:
            return (dt if dt.tzinfo else dt.replace(tzinfo=default_tz)).astimezone(UTC)
    for rx in _DATE_PATTERNS:
        m = rx.search(s)
        if not m:
            continue
        g = m.groupdict()
        month = _MONTHS.get(g["mn"].lower().rstrip(".")) if g.get("mn") else int(g["m"])
        if month is None:
            continue
        try:
            hour = int(g["H"]) if g.get("H") else 0
            ap = (g.get("ap") or "").lower().replace(".", "")
            if ap == "pm" and hour < 12:
                hour += 12
            elif ap == "am" and hour == 12:
                hour = 0
            dt = datetime(int(g["y"]), month, int(g["d"]), hour,
                          int(g["M"]) if g.get("M") else 0, int(g["S"]) if g.get("S") else 0,
                          tzinfo=default_tz)
        except (TypeError, ValueError):
            continue
        return dt.astimezone(UTC)
    return None


_ISO_OFFSET = re.compile(r"T\d\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(Z|[+-]\d\d:?\d\d)$")


def offset_of(value: str | None):
    """The UTC offset stated in an ISO timestamp, as a tzinfo (None when there is none or it is impossible)."""
    if not value:
        return None
    m = _ISO_OFFSET.search(value.strip())
    if not m or bad_offset(value):
        return None
    z = m.group(1)
    if z == "Z":
        return UTC
    sign = 1 if z[0] == "+" else -1
    hh, mm = int(z[1:3]), int(z[-2:])
    return timezone(sign * timedelta(hours=hh, minutes=mm))


def bad_offset(value: str | None) -> str | None:
    """The offset of an ISO timestamp when no time zone can have it (``-45:00``), else None."""
    m = _ISO_OFFSET.search(value.strip()) if value else None
    if not m or m.group(1) == "Z":
        return None
    z = m.group(1)
    hh, mm = int(z[1:3]), int(z[-2:])
    return z if hh >= 24 or mm >= 60 else None


# ---------------------------------------------------------------- metadata
_ARTICLE_TYPES = ("article", "newsarticle", "blogposting", "reportagenewsarticle", "opinionnewsarticle",
                  "analysisnewsarticle", "webpage", "socialmediaposting", "discussionforumposting")


def _json_ld(root) -> dict:
    """Headline, author, date and URL from the page's schema.org JSON-LD, when it has one."""
    import json

    from ..badchars import replace_surrogates

    found: dict = {}
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data, _ = replace_surrogates(json.loads(script.text))  # a lone "\ud800" cannot be saved
        except ValueError:
            continue  # broken JSON-LD is common and optional
        todo = [data]
        while todo:  # iterative: @graph nesting can be deep
            item = todo.pop()
            if isinstance(item, list):
                todo.extend(item)
                continue
            if not isinstance(item, dict):
                continue
            if "@graph" in item:
                todo.append(item["@graph"])
            kind = item.get("@type")
            kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
            if not any(str(k).lower() in _ARTICLE_TYPES for k in kinds):
                continue
            author = item.get("author")
            if isinstance(author, list):
                author = author[0] if author else None
            if isinstance(author, dict):
                author = author.get("name")
            for key, value in (("title", item.get("headline") or item.get("name")),
                               ("author", author if isinstance(author, str) else None),
                               ("published", item.get("datePublished") or item.get("dateCreated")),
                               ("url", item.get("url"))):
                if value and isinstance(value, str) and not found.get(key):
                    found[key] = value.strip()
    return found



def text_content(el) -> str:
    """All the text inside ``el`` (not its tail): ``"".join(el.itertext())``.

    Serialised by libxml2 in one call: lxml's ``itertext`` costs several
    microseconds per call even on a small element, and the walk makes
    hundreds of these calls per page.
    """
    import lxml.etree as etree

    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def spaced_text(el) -> str:
    """``" ".join(el.itertext())``, with the common childless case read directly."""
    if len(el) == 0:
        return el.text or ""
    return " ".join(el.itertext())


def clean(text: str | None) -> str:
    """Whitespace collapsed the way a browser shows it."""
    return " ".join((text or "").split())


def page_metadata(root) -> dict:
    """Title, author, date, canonical URL and language stated in the page's head."""
    meta: dict[str, str] = {}
    head = root.find("head")
    for m in (head.iter("meta") if head is not None else ()):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or m.get("http-equiv") or "").lower()
        if key and m.get("content") and key not in meta:
            meta[key] = m.get("content").strip()
    out = {
        "title": meta.get("og:title") or meta.get("twitter:title") or meta.get("dc.title"),
        "author": meta.get("author") or meta.get("article:author") or meta.get("dc.creator")
        or meta.get("parsely-author") or meta.get("sailthru.author"),
        "published": meta.get("article:published_time") or meta.get("date")
        or meta.get("dc.date.issued") or meta.get("dc.date") or meta.get("datepublished")
        or meta.get("og:published_time"),
        "url": meta.get("og:url"),
        "language": root.get("lang") or root.get("xml:lang") or meta.get("content-language")
        or meta.get("og:locale") or meta.get("language"),
        "description": meta.get("description") or meta.get("og:description"),
    }
    if head is not None:
        for link in head.iter("link"):
            if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
                out["url"] = link.get("href").strip()
                break
        if not out["title"]:
            t = head.find("title")
            out["title"] = clean(text_content(t)) if t is not None else None
    ld = _json_ld(root)
    for key in ("title", "author", "published", "url"):
        if not out[key] and ld.get(key):
            out[key] = ld[key]
    if out["author"] and re.match(r"https?://", out["author"]):
        out["author"] = None
    if out["language"]:
        out["language"] = out["language"].replace("_", "-").split("-")[0].lower() or None
    return {k: (v or None) for k, v in out.items()}
