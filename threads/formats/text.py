"""Plain-text scrapes: article paragraphs, boilerplate and comment threads.

The parser is site-agnostic; what a site's scrape looks like lives in a
profile (``threads/profiles/*.yaml``, see :mod:`threads.formats.profile` and
docs/parsing-text.md). A profile is chosen from the content; text no profile
recognises falls back to ``generic``: paragraphs as body, with a warning when
it sees comment-like lines it cannot place.

Every unit's ``text`` is exactly ``source[start:end]`` of the decoded source,
units never overlap, and every non-whitespace character of the source lies in
some unit (``docs.unaccounted_chars`` counts the ones that do not). A comment
whose text was lost in the scrape keeps its row with ``text == ""`` (an empty
span just before its terminator line) and the flag ``text_lost``.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..corpus import Corpus
from ..errors import UnplacedTextWarning
from ..times import RULE
from . import Format, register
from .profile import (
    CommentRules,
    Profile,
    add_user_profile,
    all_profiles,
    choose_profile,
    get_profile,
    remove_user_profile,
)

_MARKUP = re.compile(r"\A\s*(?:<(?:!doctype|\?xml|html|head|body|rss|feed|[a-zA-Z][\w:-]*[\s>/])"
                     r"|[\[{]\s*[\"{\[\]}]|[\[{]\s*$)", re.IGNORECASE)
_TAGS = re.compile(r"</?(?:html|body|div|p|span|article|script|a)\b[^>]*>", re.IGNORECASE)


# ---------------------------------------------------------------------- lines
@dataclass(slots=True)
class _Line:
    no: int      # 1-based line number
    start: int   # offset of the first non-whitespace character
    end: int     # offset after the last non-whitespace character
    text: str    # the stripped line


def _lines(text: str) -> list[_Line]:
    """Non-blank lines with their stripped spans (any line break, CRLF included)."""
    out = []
    offset = 0
    for no, raw in enumerate(text.splitlines(keepends=True), start=1):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(_Line(no, offset + lead, offset + lead + len(stripped), stripped))
        offset += len(raw)
    return out


@dataclass(slots=True)
class _Unit:
    role: str
    start: int
    end: int
    first_line: int
    last_line: int
    flags: list[str] = field(default_factory=list)
    depth: int = 0
    parent: int | None = None  # index into the unit list
    subject: str | None = None
    author: str | None = None
    published: object = None  # datetime
    note: str = ""


def _nonspace(s: str) -> int:
    return sum(map(len, s.split()))


# ---------------------------------------------------------------------- parsing
class _Parser:
    def __init__(self, text: str, path: Path, doc_id: str, profile: Profile):
        self.text = text
        self.path = path
        self.doc_id = doc_id
        self.p = profile
        self.units: list[_Unit] = []
        self.problems: list[dict] = []
        self.doc_fields: dict[str, str] = {}
        self.hinted: list[_Unit] = []
        self.body_seen = False
        self.title_seen = False

    # -------------------------------------------------------------- helpers
    def add(self, role: str, line: _Line, start: int | None = None, end: int | None = None,
            flag: str | None = None) -> _Unit:
        u = _Unit(role, line.start if start is None else start, line.end if end is None else end,
                  line.no, line.no, [flag] if flag else [])
        self.units.append(u)
        return u

    def capture(self, m: re.Match) -> None:
        for key in ("author", "url", "published"):
            val = m.groupdict().get(key)
            if val and key not in self.doc_fields:
                self.doc_fields[key] = val.strip()

    def problem(self, unit: _Unit | None, problem: str, detail: str) -> None:
        self.problems.append({"unit": unit, "problem": problem, "detail": detail})

    # -------------------------------------------------------------- article
    def parse(self) -> tuple[list[_Unit], list[dict]]:
        lines = _lines(self.text)
        comments = self.p.comments
        split_at = len(lines)
        if comments is not None and comments.start is not None:
            split_at = next((i for i, ln in enumerate(lines) if comments.start.search(ln.text)), len(lines))
        self.article(lines[:split_at])
        if comments is not None and split_at < len(lines):
            self.add("boilerplate", lines[split_at])  # the section marker itself
            self.comment_section(comments, lines[split_at + 1:])
        self.flag_inline()
        self.report_hints()
        return self.units, self.problems

    def article(self, lines: list[_Line]) -> None:
        p = self.p
        mode = p.paragraphs if p.paragraphs != "auto" else _guess_paragraphs(self.text, lines)
        repeated: set[str] = set()
        if p.repeated_role:
            counts = Counter(ln.text for ln in lines if len(ln.text) >= p.repeated_min_chars)
            repeated = {t for t, n in counts.items() if n > 1}
        comments = p.comments
        i = 0
        prev_body: _Unit | None = None
        prev_no = -1
        while i < len(lines):
            ln = lines[i]
            where_ok = ("head", "article", "anywhere") if not self.body_seen else ("article", "anywhere")
            if comments is not None and comments.start is None and _opens_comments(comments, ln):
                # no start marker configured: the section starts at the first comment line
                self.comment_section(comments, lines[i:])
                return
            unit, consumed = self.apply_rules(lines, i, where_ok)
            if unit is not None:
                i += consumed
                prev_body = None if unit.role != "body" else unit
                prev_no = lines[i - 1].no
                continue
            if ln.text in repeated:
                self.add(p.repeated_role, ln)  # type: ignore[arg-type]
                prev_body = None
            elif p.title_first_line and not self.title_seen and not self.body_seen \
                    and len(ln.text) <= p.title_max_chars:
                self.add("title", ln)
                self.title_seen = True
                prev_body = None
            else:
                if mode == "blocks" and prev_body is not None and ln.no == prev_no + 1:
                    prev_body.end = ln.end  # same paragraph: wrapped line
                    prev_body.last_line = ln.no
                else:
                    prev_body = self.add("body", ln)
                self.body_seen = True
                if self._hinted(ln.text):
                    self.hinted.append(prev_body)
            prev_no = ln.no
            i += 1

    def _hinted(self, line: str) -> bool:
        return any(h.search(line) for h in self.p.comment_hints)

    def apply_rules(self, lines: list[_Line], i: int, where_ok: tuple[str, ...]) -> tuple[_Unit | None, int]:
        """Try block, line and prefix rules on line ``i``; return the unit and lines consumed."""
        ln = lines[i]
        for b in self.p.blocks:
            if b.start.search(ln.text):
                j = next((k for k in range(i, min(i + b.max_lines, len(lines))) if b.end.search(lines[k].text)), None)
                if j is None:
                    j = i  # the end never came: only the opening line is known boilerplate
                for k in range(i, j + 1):
                    u = self.add(b.role, lines[k], flag=b.flag)
                return u, j - i + 1
        for r in self.p.lines:
            if r.where not in where_ok:
                continue
            m = r.pattern.search(ln.text)
            if m:
                self.capture(m)
                if r.role == "title":
                    self.title_seen = True
                elif r.role == "body":
                    self.body_seen = True
                return self.add(r.role, ln, flag=r.flag), 1
        for pr in self.p.prefixes:
            if pr.where not in where_ok:
                continue
            m = pr.pattern.match(ln.text)
            if m and m.end() > 0:
                head = m.group().rstrip()
                rest = len(ln.text) - len(ln.text[m.end():].lstrip())
                u = self.add(pr.role, ln, end=ln.start + len(head))
                if rest < len(ln.text):
                    u = self.add("body", ln, start=ln.start + rest)
                    self.body_seen = True
                return u, 1
        return None, 0

    # -------------------------------------------------------------- comments
    def comment_section(self, c: CommentRules, lines: list[_Line]) -> None:
        segments: list[dict] = []
        cur: dict = {"header": None, "lines": [], "end": None}

        def close(terminator: _Line | None) -> None:
            nonlocal cur
            cur["end"] = terminator
            segments.append(cur)
            cur = {"header": None, "lines": [], "end": None}

        rules = [r for r in self.p.lines if r.where in ("comments", "anywhere")]
        for ln in lines:
            if any(ch.search(ln.text) for ch in c.chrome) or (c.start is not None and c.start.search(ln.text)):
                if cur["lines"]:  # chrome ends the comment: its span must not cover the chrome line
                    cur["unterminated"] = c.terminator is not None
                    close(None)
                self.add("boilerplate", ln)
                continue
            if not cur["lines"]:
                rule = next((r for r in rules if r.pattern.search(ln.text)), None)
                if rule is not None:
                    self.add(rule.role, ln, flag=rule.flag)
                    continue
            if c.terminator is not None and c.terminator.search(ln.text):
                close(ln)
                self.add("boilerplate", ln)
                continue
            m = c.header.search(ln.text) if c.header is not None else None
            if m is not None:
                if cur["header"] is not None or cur["lines"]:
                    close(None)
                cur["header"] = (ln, m)
                continue
            cur["lines"].append(ln)
        if cur["header"] is not None or cur["lines"]:
            cur["unterminated"] = c.terminator is not None
            close(None)
        self.build_comments(c, segments)

    def build_comments(self, c: CommentRules, segments: list[dict]) -> None:
        # 1. subjects: "Re: ..." lines, and first lines that a later reply quotes
        n_re = [0] * len(segments)
        has_subject = [False] * len(segments)
        quoted: set[str] = set()
        # quotes cut short with "...", by length: checking a line costs at most
        # one lookup per distinct length, so the pass stays linear in the text
        truncated: dict[int, set[str]] = {}
        for k in range(len(segments) - 1, -1, -1):
            lines = segments[k]["lines"]
            if not lines:
                continue
            first = lines[0].text
            m = c.reply_prefix.match(first) if c.reply_prefix is not None else None
            if m and m.end() > 0:
                n_re[k] = first[:m.end()].casefold().count(c.reply_token)
                has_subject[k] = True
                quote = _norm(first[m.end():])
                if quote:
                    if quote.endswith(("...", "…")):
                        cut = quote.rstrip(".…").rstrip()
                        if len(cut) >= _MIN_TRUNCATED_QUOTE:
                            truncated.setdefault(len(cut), set()).add(cut)
                    else:
                        quoted.add(quote)
            elif c.subject_quotes:
                norm = _norm(first)
                if norm in quoted or any(norm[:n] in cuts for n, cuts in truncated.items() if n <= len(norm)):
                    has_subject[k] = True

        # 2. units, depth from the Re: count, parent = nearest preceding comment one level up
        last_at_depth: dict[int, int] = {}
        last_index: dict[int, int] = {}  # depth -> index in segments of the latest comment there
        used_empty: set[int] = set()
        for k, seg in enumerate(segments):
            header = seg["header"]
            lines = list(seg["lines"])
            comment_author = comment_published = None
            if header is not None:
                hline, hm = header
                u = self.add("meta", hline)
                u.note = "comment header"
                comment_author = (hm.groupdict().get("author") or "").strip() or None
                comment_published = (hm.groupdict().get("published") or "").strip() or None
            subject = None
            if has_subject[k]:
                sline = lines.pop(0)
                su = self.add("meta", sline)
                su.note = "comment subject"
                subject = sline.text
            if lines:
                cu = _Unit("comment", lines[0].start, lines[-1].end, lines[0].no, lines[-1].no)
            else:
                if seg["end"] is not None:  # just before the terminator line
                    anchor = seg["end"]
                    pos = self._empty_position((anchor.start - 1, anchor.end), used_empty)
                else:  # just after the header line, or the subject line of a comment without one
                    anchor = header[0] if header is not None else seg["lines"][-1]
                    pos = self._empty_position((anchor.end, anchor.start - 1), used_empty)
                cu = _Unit("comment", pos, pos, anchor.no, anchor.no, ["text_lost"])
                cu.note = "text lost"
            cu.subject, cu.author = subject, comment_author
            cu.published = self.p.parse_time(comment_published)
            if comment_published and cu.published is None:
                self.problem(cu, "bad_date", f"line {header[0].no}: cannot read {comment_published!r} as a "
                                             f"plausible date ({RULE}); left empty")
                cu.flags.append("bad_date")
            depth = 1 + n_re[k]
            parent = last_at_depth.get(depth - 1) if depth > 1 else None
            if depth > 1 and parent is None:
                # a reply with no comment one level up before it: attach to the nearest shallower one
                shallower = [(last_index[d], d) for d in last_index if d < depth - 1]
                if shallower:
                    _, d = max(shallower)
                    parent = last_at_depth[d]
                    new_depth = d + 1
                else:
                    new_depth = 1
                self.problem(cu, "depth_gap",
                             f"line {cu.first_line}: {depth - 1} reply prefix(es) but no comment at depth "
                             f"{depth - 1} before it; placed at depth {new_depth}")
                depth = new_depth
            cu.depth, cu.parent = depth, parent
            self.units.append(cu)
            if seg.get("unterminated"):
                first = header[0] if header is not None else seg["lines"][0]
                self.problem(cu, "unterminated", f"text from line {first.no} to the end has no closing "
                                                 "terminator line; kept as a comment")
            last_at_depth[depth] = len(self.units) - 1
            last_index[depth] = k

    def _empty_position(self, candidates: tuple[int, int], used: set[int]) -> int:
        """Where a lost comment's empty span sits: on whitespace (or the end of the
        text) next to the line that shows it, where no other unit can start;
        the first free candidate."""
        n = len(self.text)

        def free(p: int) -> bool:
            return 0 <= p <= n and (p == n or self.text[p].isspace()) and p not in used

        pos = next((p for p in candidates if free(p)), None)
        if pos is None:  # both taken (lost comments on adjacent lines at the very start)
            pos = max(candidates)
            while not free(pos) and pos < n:
                pos += 1
        used.add(pos)
        return pos

    # -------------------------------------------------------------- finishing
    def flag_inline(self) -> None:
        for rule in self.p.inline_flags:
            for u in self.units:
                if u.role in rule.roles and rule.flag not in u.flags and rule.pattern.search(
                        self.text, u.start, u.end):
                    u.flags.append(rule.flag)

    def report_hints(self) -> None:
        if not self.hinted:
            return
        for u in self.hinted:
            self.problem(u, "unplaced", f"line {u.first_line} looks like comment structure "
                                        f"({self.text[u.start:u.end][:60]!r}) but was kept as body")
        shown = ", ".join(f"line {u.first_line} {self.text[u.start:u.end][:40]!r}" for u in self.hinted[:3])
        more = f" and {len(self.hinted) - 3} more" if len(self.hinted) > 3 else ""
        warnings.warn(
            f"{self.path}: {len(self.hinted)} line(s) look like comment structure that the "
            f"{self.p.name!r} text profile cannot place ({shown}{more}); kept as body. "
            "Add a profile for this site (see docs/parsing-text.md).",
            UnplacedTextWarning, stacklevel=4)


#: a quote cut short ("Re: Yes...") must be this long to mark a subject
_MIN_TRUNCATED_QUOTE = 10


def _opens_comments(c: CommentRules, ln: _Line) -> bool:
    return bool((c.terminator and c.terminator.search(ln.text)) or (c.header and c.header.search(ln.text)))


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()


def _guess_paragraphs(text: str, lines: list[_Line]) -> str:
    """'blocks' for hard-wrapped text (paragraphs of short lines between blank
    lines), else 'lines' (one paragraph per line, as scrapes usually are)."""
    continued = [a for a, b in zip(lines, lines[1:], strict=False) if b.no == a.no + 1]
    if len(continued) < 3 or len(continued) == len(lines) - 1:
        return "lines"  # no blank lines between paragraphs, or hardly any wrapping
    wrapped = sum(1 for a in continued if 30 <= len(a.text) <= 80)
    return "blocks" if wrapped >= 0.6 * len(continued) else "lines"


# ---------------------------------------------------------------------- public
def parse_text(text: str, path: str | Path = "<text>", doc_id: str = "doc",
               profile: str | Profile | None = None) -> Corpus:
    """Parse one decoded plain-text scrape into a :class:`~threads.Corpus`.

    ``profile`` is a profile name or :class:`Profile`; by default the profile
    is chosen from the content (``generic`` when none matches).
    """
    path = Path(path)
    prof = get_profile(profile) if isinstance(profile, str) else profile or choose_profile(text)
    parser = _Parser(text, path, doc_id, prof)
    units, problems = parser.parse()
    fields: dict[str, str | None] = dict(parser.doc_fields)
    title = next((text[u.start:u.end] for u in units if u.role == "title"), None)
    if title is not None and prof.title_clean is not None:
        title = prof.title_clean.sub("", title).strip() or title
    fields["title"] = title
    return _to_corpus(text, path, doc_id, prof, units, problems, fields)


def _to_corpus(text: str, path: Path, doc_id: str, prof: Profile, units: list[_Unit],
               problems: list[dict], fields: dict) -> Corpus:
    order = sorted(range(len(units)), key=lambda k: (units[k].start, units[k].end))
    ids = {k: f"{doc_id}:{units[k].start}" for k in order}
    cols: dict[str, list] = {c: [] for c in ("unit_id", "role", "position", "parent_id", "depth", "author",
                                             "published", "subject", "text", "start", "end", "locator", "flags")}
    covered_to = 0
    uncovered = 0
    for pos, k in enumerate(order):
        u = units[k]
        if u.start > covered_to:
            uncovered += _nonspace(text[covered_to:u.start])
        covered_to = max(covered_to, u.end)
        cols["unit_id"].append(ids[k])
        cols["role"].append(u.role)
        cols["position"].append(pos)
        cols["parent_id"].append(ids[u.parent] if u.parent is not None else None)
        cols["depth"].append(u.depth)
        cols["author"].append(u.author)
        cols["published"].append(u.published)
        cols["subject"].append(u.subject)
        cols["text"].append(text[u.start:u.end])
        cols["start"].append(u.start)
        cols["end"].append(u.end)
        where = f"line {u.first_line}" if u.first_line == u.last_line else f"lines {u.first_line}-{u.last_line}"
        cols["locator"].append(f"{where}; {u.note}" if u.note else where)
        cols["flags"].append(";".join(u.flags))
    uncovered += _nonspace(text[covered_to:])
    frame = pd.DataFrame(cols)
    frame.insert(0, "doc_id", doc_id)
    frame["platform_id"] = None
    if frame.empty:
        frame = frame.astype({"position": "int64", "depth": "int64", "start": "int64", "end": "int64"})
    doc = {"doc_id": doc_id, "outlet": prof.outlet, "outlet_kind": prof.outlet_kind,
           "title": fields.get("title"), "url": fields.get("url"),
           "published": prof.parse_time(fields.get("published")),
           "author": fields.get("author"), "language": prof.language, "source_format": "text",
           "source_path": str(path), "source_chars": len(text), "unaccounted_chars": uncovered,
           "profile": prof.name}
    index_of = {id(u): k for k, u in enumerate(units)}
    problem_rows = [{"source_path": str(path), "doc_id": doc_id,
                     "unit_id": ids[index_of[id(pr["unit"])]] if pr["unit"] is not None else None,
                     "problem": pr["problem"], "detail": pr["detail"]} for pr in problems]
    return Corpus(docs=pd.DataFrame([doc]), units=frame,
                  problems=pd.DataFrame(problem_rows, columns=["source_path", "doc_id", "unit_id",
                                                               "problem", "detail"]))


def sniff(head: str, name: str = "") -> float:
    """Confidence that ``head`` is a plain-text scrape: high when a profile
    recognises it, low for anything that looks like HTML, XML or JSON."""
    if _MARKUP.match(head) or len(_TAGS.findall(head[:8192])) >= 3:
        return 0.1
    if any(p.matches(head) for p in all_profiles()):
        return 0.9
    return 0.5


def _parse_format(text: str, path: Path, doc_id: str) -> Corpus:
    return parse_text(text, path, doc_id)


def _never(head: str, name: str) -> float:
    return 0.0  # forced with format="text:<profile>", never detected


def _parse_with(prof: Profile, text: str, path: Path, doc_id: str) -> Corpus:
    return parse_text(text, path, doc_id, profile=prof)


def register_profile_format(prof: Profile) -> Format:
    """Register ``text:<profile>``, which forces that profile (never detected on its own)."""
    return register(Format(
        name=f"text:{prof.name}",
        description=f"plain-text scrape read with the {prof.name!r} profile: {prof.description}",
        sniff=_never,
        parse=functools.partial(_parse_with, prof),
        extensions=(".txt",),
    ))


register(Format(
    name="text",
    description="plain-text scrape; site profiles (threads/profiles) split article, boilerplate and comments",
    sniff=sniff,
    parse=_parse_format,
    extensions=(".txt",),
))
for _prof in all_profiles():
    if _prof.name != "common":
        register_profile_format(_prof)


def register_profile(profile) -> Profile:
    """Add a profile (a YAML path, a mapping, or a Profile) for this session, and its
    ``text:<name>`` format.

    Registered profiles are tried before the built-in ones, and a profile with
    the name of an earlier one replaces it.
    """
    prof = add_user_profile(profile)
    register_profile_format(prof)
    return prof


def unregister_profile(name: str) -> None:
    """Forget a profile added with :func:`register_profile` (and its ``text:<name>`` format)."""
    from . import _REGISTRY

    _REGISTRY.pop(f"text:{name}", None)
    builtin = remove_user_profile(name)
    if builtin is not None:  # a registered profile had shadowed a built-in one
        register_profile_format(builtin)
