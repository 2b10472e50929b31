"""Declarative profiles for plain-text scrapes.

A profile is a small YAML file (``threads/profiles/*.yaml``) that says what
one outlet's scrapes look like: which lines are boilerplate or meta, where
the comment section starts, which line ends a comment, how replies mark their
depth. The parser (:mod:`threads.formats.text`) knows no site; supporting a
new site means writing a profile. See docs/parsing-text.md for the format.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from ..errors import InputError
from ..schema import FLAGS, ROLES

#: Where a line rule applies: before the first body line, anywhere in the
#: article, in the comment section, or everywhere.
WHERE = ("head", "article", "comments", "anywhere")
PARAGRAPHS = ("lines", "blocks", "auto")
#: Named groups of a rule's pattern that fill the docs column of the same name.
DOC_FIELDS = ("author", "url", "published")
#: Detection reads this much of the start and of the end of a text.
DETECT_CHARS = 256 * 1024

_TOP_KEYS = {"name", "description", "include", "outlet", "outlet_kind", "language", "detect",
             "paragraphs", "title", "lines", "blocks", "prefixes", "inline_flags",
             "comment_hints", "comments", "repeated_lines", "dates"}


class ProfileError(InputError):
    """A profile file is malformed: names the file and the problem."""


@dataclass(frozen=True)
class LineRule:
    name: str
    pattern: re.Pattern
    role: str
    where: str = "article"
    flag: str | None = None


@dataclass(frozen=True)
class BlockRule:
    """A run of lines from ``start`` through ``end`` (at most ``max_lines``)."""

    name: str
    start: re.Pattern
    end: re.Pattern
    role: str
    max_lines: int = 10
    flag: str | None = None


@dataclass(frozen=True)
class PrefixRule:
    """The start of a line (e.g. a dateline) split off as its own unit."""

    name: str
    pattern: re.Pattern
    role: str
    where: str = "head"


@dataclass(frozen=True)
class InlineFlag:
    """A flag added to a unit whose text contains ``pattern``."""

    name: str
    pattern: re.Pattern
    flag: str
    roles: tuple[str, ...] = ("title", "body", "comment")


@dataclass(frozen=True)
class CommentRules:
    #: the line that opens the comment section (itself boilerplate)
    start: re.Pattern | None = None
    #: lines of the comment section that are navigation (boilerplate)
    chrome: tuple[re.Pattern, ...] = ()
    #: the line that ends each comment (boilerplate)
    terminator: re.Pattern | None = None
    #: a line that opens a comment (meta); groups ``author``/``published`` fill those columns
    header: re.Pattern | None = None
    #: subject prefix whose repetitions give the depth: ``Re: Re:`` -> depth 3
    reply_prefix: re.Pattern | None = None
    #: the prefix itself, casefolded, for counting its repetitions
    reply_token: str = ""
    #: a comment's first line is its subject when a later reply quotes it
    subject_quotes: bool = True


@dataclass(frozen=True)
class Profile:
    name: str
    description: str = ""
    source: str = "<profile>"
    outlet: str | None = None
    outlet_kind: str | None = None
    language: str | None = None
    detect: tuple[re.Pattern, ...] = ()
    min_matches: int = 1
    paragraphs: str = "lines"
    title_first_line: bool = False
    title_max_chars: int = 300
    title_clean: re.Pattern | None = None
    lines: tuple[LineRule, ...] = ()
    blocks: tuple[BlockRule, ...] = ()
    prefixes: tuple[PrefixRule, ...] = ()
    inline_flags: tuple[InlineFlag, ...] = ()
    comment_hints: tuple[re.Pattern, ...] = ()
    comments: CommentRules | None = None
    repeated_role: str | None = None
    repeated_min_chars: int = 20
    #: strptime formats tried on captured ``published`` values (else pandas guesses)
    date_formats: tuple[str, ...] = ()
    #: zone of naive times (IANA name); naive times are otherwise taken as UTC
    timezone: str | None = None

    def parse_time(self, value: str | None):
        """A captured date string as a timezone-aware datetime (None if unparseable or implausible)."""
        if not value:
            return None
        from datetime import UTC, datetime
        from zoneinfo import ZoneInfo

        import pandas as pd

        when = None
        for fmt in self.date_formats:
            try:
                when = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
        if when is None:
            try:
                when = pd.Timestamp(value).to_pydatetime()
            except (ValueError, TypeError, OverflowError):
                return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=ZoneInfo(self.timezone) if self.timezone else UTC)
        from ..times import parse_time

        return when if parse_time(when)[0] is not None else None  # the plausible range of threads.times

    def detect_score(self, text: str) -> int:
        """How many of the profile's detection patterns occur in ``text`` (0 when none)."""
        if not self.detect:
            return 0
        if len(text) > 2 * DETECT_CHARS:
            text = text[:DETECT_CHARS] + "\n" + text[-DETECT_CHARS:]
        return sum(1 for p in self.detect if p.search(text))

    def matches(self, text: str) -> bool:
        return bool(self.detect) and self.detect_score(text) >= self.min_matches


# ---------------------------------------------------------------------- loading
def _fail(source: str, problem: str) -> NoReturn:
    raise ProfileError(source, problem)


def _compile(source: str, where: str, pattern: Any, flags: int = 0) -> re.Pattern:
    if not isinstance(pattern, str) or not pattern:
        _fail(source, f"{where}: expected a regular expression (a non-empty string), got {pattern!r}")
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        _fail(source, f"{where}: bad regular expression {pattern!r} ({exc})")


def _role(source: str, where: str, role: Any) -> str:
    if role not in ROLES:
        _fail(source, f"{where}: role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


def _flag(source: str, where: str, flag: Any) -> str | None:
    if flag is not None and flag not in FLAGS:
        _fail(source, f"{where}: unknown flag {flag!r}; flags are {', '.join(FLAGS)}")
    return flag


def _keys(source: str, where: str, item: Any, allowed: set[str], required: set[str]) -> dict:
    if not isinstance(item, Mapping):
        _fail(source, f"{where}: expected a mapping, got {type(item).__name__}")
    unknown = set(item) - allowed
    if unknown:
        _fail(source, f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    missing = required - set(item)
    if missing:
        _fail(source, f"{where}: missing key(s) {sorted(missing)}")
    return dict(item)


def _list(source: str, where: str, value: Any) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        _fail(source, f"{where}: expected a list, got {type(value).__name__}")
    return value


def _where(source: str, where: str, value: Any, default: str) -> str:
    value = default if value is None else value
    if value not in WHERE:
        _fail(source, f"{where}: 'where' must be one of {', '.join(WHERE)}, not {value!r}")
    return value


def profile_from_mapping(data: Mapping, source: str = "<profile>",
                         includes: Mapping[str, Profile] | None = None) -> Profile:
    """Build and check a :class:`Profile` from parsed YAML (a mapping)."""
    d = _keys(source, "profile", data, _TOP_KEYS, {"name"})
    name = d["name"]
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        _fail(source, f"name must be letters, digits, '-', '_' or '.', not {name!r}")
    base: list[Profile] = []
    for inc in _list(source, "include", d.get("include")):
        found = (includes or {}).get(inc)
        if found is None:
            _fail(source, f"include: unknown profile {inc!r}")
        base.append(found)

    detect = d.get("detect") or {}
    detect = _keys(source, "detect", detect, {"patterns", "min_matches"}, set())
    patterns = tuple(_compile(source, f"detect.patterns[{i}]", p, re.MULTILINE)
                     for i, p in enumerate(_list(source, "detect.patterns", detect.get("patterns"))))
    min_matches = detect.get("min_matches", 1)
    if not isinstance(min_matches, int) or min_matches < 1:
        _fail(source, f"detect.min_matches must be a positive integer, not {min_matches!r}")

    paragraphs = d.get("paragraphs", "lines")
    if paragraphs not in PARAGRAPHS:
        _fail(source, f"paragraphs must be one of {', '.join(PARAGRAPHS)}, not {paragraphs!r}")

    title = _keys(source, "title", d.get("title") or {}, {"first_line", "max_chars", "clean"}, set())
    title_max = title.get("max_chars", 300)
    if not isinstance(title_max, int) or title_max < 1:
        _fail(source, f"title.max_chars must be a positive integer, not {title_max!r}")

    lines = []
    for i, item in enumerate(_list(source, "lines", d.get("lines"))):
        w = f"lines[{i}]"
        r = _keys(source, w, item, {"name", "match", "role", "where", "flag"}, {"match", "role"})
        lines.append(LineRule(name=str(r.get("name", w)), pattern=_compile(source, w + ".match", r["match"]),
                              role=_role(source, w, r["role"]), where=_where(source, w, r.get("where"), "article"),
                              flag=_flag(source, w, r.get("flag"))))
    blocks = []
    for i, item in enumerate(_list(source, "blocks", d.get("blocks"))):
        w = f"blocks[{i}]"
        r = _keys(source, w, item, {"name", "start", "end", "role", "max_lines", "flag"}, {"start", "end", "role"})
        max_lines = r.get("max_lines", 10)
        if not isinstance(max_lines, int) or max_lines < 1:
            _fail(source, f"{w}.max_lines must be a positive integer, not {max_lines!r}")
        blocks.append(BlockRule(name=str(r.get("name", w)), start=_compile(source, w + ".start", r["start"]),
                                end=_compile(source, w + ".end", r["end"]), role=_role(source, w, r["role"]),
                                max_lines=max_lines, flag=_flag(source, w, r.get("flag"))))
    prefixes = []
    for i, item in enumerate(_list(source, "prefixes", d.get("prefixes"))):
        w = f"prefixes[{i}]"
        r = _keys(source, w, item, {"name", "match", "role", "where"}, {"match", "role"})
        pat = r["match"]
        if isinstance(pat, str) and not pat.startswith("^"):
            _fail(source, f"{w}.match must start with '^' (a prefix is the start of a line)")
        prefixes.append(PrefixRule(name=str(r.get("name", w)), pattern=_compile(source, w + ".match", pat),
                                   role=_role(source, w, r["role"]), where=_where(source, w, r.get("where"), "head")))
    inline = []
    for i, item in enumerate(_list(source, "inline_flags", d.get("inline_flags"))):
        w = f"inline_flags[{i}]"
        r = _keys(source, w, item, {"name", "match", "flag", "roles"}, {"match", "flag"})
        roles = tuple(_role(source, w, x) for x in _list(source, w + ".roles", r.get("roles"))) or (
            "title", "body", "comment")
        inline.append(InlineFlag(name=str(r.get("name", w)), pattern=_compile(source, w + ".match", r["match"]),
                                 flag=_flag(source, w, r["flag"]) or "", roles=roles))
    hints = [_compile(source, f"comment_hints[{i}]", p)
             for i, p in enumerate(_list(source, "comment_hints", d.get("comment_hints")))]

    comments = None
    if d.get("comments") is not None:
        c = _keys(source, "comments", d["comments"],
                  {"start", "chrome", "terminator", "header", "reply_prefix", "subject_quotes"}, set())
        if not c.get("terminator") and not c.get("header"):
            _fail(source, "comments: needs a 'terminator' (line that ends each comment) "
                          "or a 'header' (line that starts each comment)")
        reply = c.get("reply_prefix")
        if reply is not None and (not isinstance(reply, str) or not reply.strip()):
            _fail(source, f"comments.reply_prefix must be a non-empty string such as 'Re:', not {reply!r}")
        comments = CommentRules(
            start=_compile(source, "comments.start", c["start"]) if c.get("start") else None,
            chrome=tuple(_compile(source, f"comments.chrome[{i}]", p)
                         for i, p in enumerate(_list(source, "comments.chrome", c.get("chrome")))),
            terminator=_compile(source, "comments.terminator", c["terminator"]) if c.get("terminator") else None,
            header=_compile(source, "comments.header", c["header"]) if c.get("header") else None,
            # the literal prefix, repeated, optionally spaced: "Re: Re:Re:" -> 3
            reply_prefix=re.compile(r"(?:" + re.escape(reply.strip()) + r"[ \t]*)+", re.IGNORECASE)
            if reply else None,
            reply_token=reply.strip().casefold() if reply else "",
            subject_quotes=bool(c.get("subject_quotes", True)),
        )

    repeated = _keys(source, "repeated_lines", d.get("repeated_lines") or {}, {"role", "min_chars"}, set())
    repeated_role = _role(source, "repeated_lines", repeated["role"]) if "role" in repeated else None

    dates = _keys(source, "dates", d.get("dates") or {}, {"formats", "timezone"}, set())
    date_formats = tuple(str(f) for f in _list(source, "dates.formats", dates.get("formats")))
    tz = dates.get("timezone")
    if tz is not None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(str(tz))
        except (ZoneInfoNotFoundError, ValueError):
            _fail(source, f"dates.timezone: unknown time zone {tz!r} (use an IANA name such as 'Europe/Berlin')")

    for b in base:  # the profile's own rules come first, so the site overrides the shared ones
        lines += b.lines
        blocks += b.blocks
        prefixes += b.prefixes
        inline += b.inline_flags
        hints += b.comment_hints

    return Profile(
        name=name, description=str(d.get("description", "")), source=source,
        outlet=d.get("outlet"), outlet_kind=d.get("outlet_kind"), language=d.get("language"),
        detect=patterns, min_matches=min_matches, paragraphs=paragraphs,
        title_first_line=bool(title.get("first_line", False)), title_max_chars=title_max,
        title_clean=_compile(source, "title.clean", title["clean"]) if title.get("clean") else None,
        lines=tuple(lines), blocks=tuple(blocks), prefixes=tuple(prefixes), inline_flags=tuple(inline),
        comment_hints=tuple(hints), comments=comments,
        repeated_role=repeated_role, repeated_min_chars=int(repeated.get("min_chars", 20)),
        date_formats=date_formats, timezone=str(tz) if tz is not None else None,
    )


def load_profile(path: str | os.PathLike, includes: Mapping[str, Profile] | None = None) -> Profile:
    """Read one profile YAML file (``include:`` names resolve against ``includes``
    and the built-in profiles)."""
    import yaml

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(p, "no such profile file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(p, f"cannot be read ({exc})") from None
    except yaml.YAMLError as exc:
        raise ProfileError(p, f"not valid YAML ({exc})".replace("\n", " ")) from None
    if includes is None:
        includes = {pr.name: pr for pr in builtin_profiles()}
    return profile_from_mapping(data, str(p), includes)


_BUILTIN: tuple[Profile, ...] | None = None
_USER: list[Profile] = []


def builtin_profiles() -> tuple[Profile, ...]:
    """The profiles shipped in ``threads/profiles`` (read once, on first use)."""
    global _BUILTIN
    if _BUILTIN is None:
        import yaml

        folder = resources.files("threads") / "profiles"
        raw = {}
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".yaml"):
                raw[entry.name] = yaml.safe_load(entry.read_text(encoding="utf-8"))
        # profiles without includes first, so 'include: [common]' resolves
        loaded: dict[str, Profile] = {}
        pending = dict(raw)
        while pending:
            progressed = False
            for fname, data in list(pending.items()):
                needs = (data or {}).get("include") or []
                if all(n in loaded for n in needs):
                    prof = profile_from_mapping(data, f"threads/profiles/{fname}", loaded)
                    loaded[prof.name] = prof
                    del pending[fname]
                    progressed = True
            if not progressed:
                raise ProfileError(f"threads/profiles/{next(iter(pending))}", "include: unknown or circular")
        _BUILTIN = tuple(loaded.values())
    return _BUILTIN


def add_user_profile(profile: str | os.PathLike | Mapping | Profile) -> Profile:
    """Load ``profile`` and put it first among the session's profiles (a name replaces
    an earlier one). :func:`threads.formats.text.register_profile` also makes it a format."""
    if isinstance(profile, Profile):
        prof = profile
    elif isinstance(profile, Mapping):
        prof = profile_from_mapping(profile, "<mapping>", {p.name: p for p in all_profiles()})
    else:
        prof = load_profile(profile, {p.name: p for p in all_profiles()})
    _USER[:] = [p for p in _USER if p.name != prof.name]
    _USER.insert(0, prof)
    return prof


def remove_user_profile(name: str) -> Profile | None:
    """Forget a session profile; returns the built-in profile it had shadowed, if any."""
    _USER[:] = [p for p in _USER if p.name != name]
    return next((p for p in builtin_profiles() if p.name == name), None)


def all_profiles() -> list[Profile]:
    """Registered profiles first, then the built-in ones (a name appears once)."""
    seen: set[str] = set()
    out = []
    for p in [*_USER, *builtin_profiles()]:
        if p.name not in seen:
            seen.add(p.name)
            out.append(p)
    return out


def get_profile(name: str) -> Profile:
    for p in all_profiles():
        if p.name == name:
            return p
    raise ProfileError(None, f"unknown text profile {name!r}; known: "
                             f"{', '.join(p.name for p in all_profiles())}")


def choose_profile(text: str, profiles: Iterable[Profile] | None = None) -> Profile:
    """The profile whose detection patterns best match ``text``; ``generic`` when none does."""
    best, best_score = None, 0
    for p in profiles if profiles is not None else all_profiles():
        if not p.detect:
            continue
        score = p.detect_score(text)
        if score >= p.min_matches and score > best_score:
            best, best_score = p, score
    return best or get_profile("generic")
