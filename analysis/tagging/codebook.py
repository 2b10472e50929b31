"""Codebooks: a frame scheme as a versioned, human-readable YAML file.

A codebook names its categories, says what each means (definition, notes on
what to include and exclude, examples) and lists the cues the tagger looks
for. See docs/codebooks.md for the format. Loading validates the file and
reports every problem with its file name and line number.
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from analysis.exceptions import LanguageMismatchWarning
from analysis.tagging.layers import rule_layer_names
from threads.errors import ThreadframeError

#: Codebooks shipped with threadframe (``analysis/codebooks/<name>.yaml``).
BUILTIN = ("surveillance", "policy-frames")
DEFAULT_CODEBOOK = "surveillance"
DEFAULT_WINDOW = 4

_CATEGORY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# A cue token: letters/digits, optionally ending in * (prefix wildcard).
_TOKEN = re.compile(r"\w+\*?", re.UNICODE)
_CUE_CHARS = re.compile(r"^[\w\s*'’\-.,&/]+$", re.UNICODE)


class CodebookError(ThreadframeError):
    """A codebook file that cannot be used: names the file, the line and the problem(s)."""

    def __init__(self, source: str | None, problems: list[tuple[int | None, str]]):
        self.source = source
        self.problems = list(problems)
        lines = []
        for line, msg in self.problems:
            where = source or ("<codebook>" if line is not None else "")
            if line is not None:
                where += f", line {line}"
            lines.append(f"{where}: {msg}" if where else msg)
        head = "" if len(lines) == 1 else f"{len(lines)} problems in the codebook:\n  "
        super().__init__(head + "\n  ".join(lines))


@dataclass(frozen=True)
class Cue:
    """One cue pattern of a category (or of a stance side).

    ``tokens`` is the pattern split into words, each ``(text, is_prefix)``;
    words of a multi-word cue match across any run of spaces, punctuation or
    line breaks. ``not_near`` are phrases that, when found within ``window``
    tokens of a match, cancel it.
    """

    pattern: str
    tokens: tuple[tuple[str, bool], ...]
    weight: float = 1.0
    case_sensitive: bool = False
    not_near: tuple[str, ...] = ()
    window: int = DEFAULT_WINDOW
    line: int | None = None

    @property
    def is_wildcard(self) -> bool:
        return any(prefix for _, prefix in self.tokens)


@dataclass(frozen=True)
class Category:
    """A category: what it means for a coder, and the cues for the tagger."""

    name: str
    label: str
    definition: str
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    cues: tuple[Cue, ...] = ()
    threshold: float = 1.0
    code: int | None = None
    rules: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Stance:
    """Stance towards a target: cues for a critical and for a supportive stance."""

    target: str
    critical: tuple[Cue, ...]
    supportive: tuple[Cue, ...]
    threshold: float = 1.0


@dataclass(frozen=True, repr=False)
class Codebook:
    """A frame codebook. Immutable; load one with :func:`load_codebook`.

    ``categories`` lists the category names in codebook order; index the
    codebook by name for the full :class:`Category` (``codebook["rights"]``).
    """

    name: str
    version: str
    specs: tuple[Category, ...]
    authors: tuple[str, ...] = ()
    citation: str = ""
    description: str = ""
    language: str = "en"
    stance: Stance | None = None
    source: str | None = field(default=None, compare=False)
    #: The YAML text it was parsed from (model files embed it; see model_io).
    text: str | None = field(default=None, compare=False)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.specs)

    def __getitem__(self, name: str) -> Category:
        for c in self.specs:
            if c.name == name:
                return c
        raise KeyError(_unknown("category", name, self.categories, self.name))

    def __contains__(self, name: object) -> bool:
        return name in self.categories

    def __iter__(self):
        return iter(self.specs)

    def __len__(self) -> int:
        return len(self.specs)

    @property
    def id(self) -> str:
        return f"{self.name}@{self.version}"

    def cues(self) -> pd.DataFrame:
        """One row per cue: category, pattern, weight, case, not_near, window."""
        rows = []
        for c in self.specs:
            for q in c.cues:
                rows.append({"category": c.name, "cue": q.pattern, "weight": q.weight,
                             "case_sensitive": q.case_sensitive, "not_near": "; ".join(q.not_near),
                             "window": q.window})
        if self.stance is not None:
            for side in ("critical", "supportive"):
                for q in getattr(self.stance, side):
                    rows.append({"category": f"stance:{side}", "cue": q.pattern, "weight": q.weight,
                                 "case_sensitive": q.case_sensitive,
                                 "not_near": "; ".join(q.not_near), "window": q.window})
        return pd.DataFrame(rows, columns=["category", "cue", "weight", "case_sensitive",
                                           "not_near", "window"])

    def to_frame(self) -> pd.DataFrame:
        """One row per category, for display: label, definition, notes, cue count, examples."""
        rows = [{"category": c.name, "code": c.code, "label": c.label, "definition": c.definition,
                 "include": c.include, "exclude": c.exclude, "n_cues": len(c.cues),
                 "cues": ", ".join(q.pattern for q in c.cues[:12]) + (" ..." if len(c.cues) > 12 else ""),
                 "threshold": c.threshold, "rules": c.rules or "",
                 "examples": " | ".join(c.examples)} for c in self.specs]
        out = pd.DataFrame(rows)
        out["code"] = out["code"].astype("Int64")
        return out

    def __repr__(self) -> str:
        return f"<Codebook {self.name} v{self.version}: {', '.join(self.categories)}>"

    def __str__(self) -> str:
        lines = [f"Codebook {self.name} v{self.version}"]
        if self.authors:
            lines.append("by " + ", ".join(self.authors))
        if self.stance:
            lines.append(f"stance target: {self.stance.target}")
        for c in self.specs:
            lines.append(f"- {c.name} ({c.label}): {len(c.cues)} cues; {c.definition.strip()[:100]}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        head = f"<p><b>Codebook {esc(self.name)}</b> v{esc(self.version)}"
        if self.authors:
            head += " &middot; " + esc(", ".join(self.authors))
        head += "</p>"
        if self.citation:
            head += f"<p><i>{esc(self.citation)}</i></p>"
        if self.stance:
            head += f"<p>Stance target: {esc(self.stance.target)}</p>"
        frame = self.to_frame()[["category", "label", "definition", "n_cues", "cues"]]
        return head + frame.to_html(index=False, escape=True)


# ---------------------------------------------------------------------- loading
#: The language of the built-in codebooks' base files (``<name>.yaml``); translations
#: are ``<name>.<language>.yaml`` beside them.
BASE_LANGUAGE = "en"


def codebook_path(name: str, language: str | None = None) -> Path:
    """Path of a built-in codebook by name (of its translation into ``language``, if given)."""
    code = language_code(language) if language is not None else BASE_LANGUAGE
    stem = name if code == BASE_LANGUAGE else f"{name}.{code}"
    return Path(str(resources.files("analysis") / "codebooks" / f"{stem}.yaml"))


def codebook_languages(name: str) -> tuple[str, ...]:
    """The languages a built-in codebook ships in, the base language first: ``("en", "de", "fr")``."""
    if name not in BUILTIN:
        raise CodebookError(None, [(None, _unknown("codebook", name, BUILTIN, None))])
    folder = codebook_path(name).parent
    found = sorted(p.name[len(name) + 1:-len(".yaml")] for p in folder.glob(f"{name}.*.yaml"))
    return (BASE_LANGUAGE, *(code for code in found if re.fullmatch(r"[a-z]{2,3}", code)))


def language_code(language: str) -> str:
    """``"de"`` from ``"de"``, ``"DE"``, ``"de-AT"`` or ``"de_CH"``."""
    if not isinstance(language, str) or not re.match(r"^[A-Za-z]{2,3}(?:[-_].*)?$", language.strip()):
        raise CodebookError(None, [(None, f"language must be an ISO 639-1 code such as 'de', not {language!r}")])
    return re.split(r"[-_]", language.strip().lower())[0]


def codebook_source(codebook: Codebook) -> str:
    """What the ``source`` column of tags says: ``codebook:surveillance``, or
    ``codebook:surveillance@de`` for a codebook in another language than English."""
    if codebook.language == BASE_LANGUAGE:
        return f"codebook:{codebook.name}"
    return f"codebook:{codebook.name}@{codebook.language}"


def load_codebook(name_or_path: str | os.PathLike | Codebook = DEFAULT_CODEBOOK,
                  language: str | None = None) -> Codebook:
    """Load a codebook: a built-in name (``"surveillance"``, ``"policy-frames"``) or a YAML file.

    ``language`` (``"de"``, ``"fr"``) picks a built-in codebook's translation;
    where it has none, the English codebook is returned with a
    :class:`~analysis.exceptions.LanguageMismatchWarning`. A file or a
    :class:`Codebook` is used as given (with the same warning when its
    ``language`` differs). Raises :class:`CodebookError` (a
    ``ThreadframeError``) naming the file and the line of every problem found.
    """
    if isinstance(name_or_path, Codebook):
        return _check_language(name_or_path, language)
    if not isinstance(name_or_path, str | os.PathLike):
        raise CodebookError(None, [(None, f"expected a codebook name or path, got {type(name_or_path).__name__}")])
    text_name = str(name_or_path)
    if text_name in BUILTIN:
        path = codebook_path(text_name)
        if language is not None and language_code(language) in codebook_languages(text_name):
            path = codebook_path(text_name, language)
    else:
        path = Path(name_or_path)
        if not path.exists():
            if "/" not in text_name and not text_name.endswith((".yaml", ".yml")):
                raise CodebookError(None, [(None, _unknown("codebook", text_name, BUILTIN, None)
                                            + " (or give the path of a YAML file)")])
            raise CodebookError(str(path), [(None, "file not found")])
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise CodebookError(str(path), [(None, f"cannot be read ({exc})")]) from None
    return _check_language(_load_file(str(path), stamp), language)


def _check_language(codebook: Codebook, language: str | None) -> Codebook:
    if language is not None and language_code(language) != codebook.language:
        have = (f"; it ships in {', '.join(codebook_languages(codebook.name))}"
                if codebook.name in BUILTIN and codebook.source == str(codebook_path(codebook.name))
                else "")
        warnings.warn(
            f"codebook {codebook.name!r} is in {codebook.language!r}, not {language_code(language)!r}"
            f"{have}; its cue words will not match text in {language_code(language)!r}, so frames "
            "read as absent there (write or copy a codebook in that language)",
            LanguageMismatchWarning, stacklevel=3)
    return codebook


@lru_cache(maxsize=32)
def _load_file(path: str, stamp: int) -> Codebook:
    """Parse a codebook file once per modification (edit the file and it is read again)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(path, [(None, f"cannot be read ({exc})")]) from None
    return parse_codebook(text, source=path)


def parse_codebook(text: str, source: str | None = None) -> Codebook:
    """Build a :class:`Codebook` from YAML text (``source`` names it in errors)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(source, [(line, f"not valid YAML: {problem}")]) from None
    tagged = _foreign_tags(root)
    if tagged:
        raise CodebookError(source, [(n.start_mark.line + 1, f"YAML tag {n.tag.replace('tag:yaml.org,2002:', '!!')} "
                                      "is not allowed in a codebook (only plain YAML values)")
                                     for n in tagged])
    return dataclasses.replace(_Builder(source).build(root), text=text)


_TOP_KEYS = {"name", "version", "authors", "citation", "description", "language", "defaults",
             "stance", "categories"}
_CATEGORY_KEYS = {"label", "definition", "include", "exclude", "examples", "cues", "threshold",
                  "code", "rules", "not_near", "window"}
_CUE_KEYS = {"cue", "weight", "case_sensitive", "not_near", "window"}
_STANCE_KEYS = {"target", "critical", "supportive", "threshold"}
_DEFAULT_KEYS = {"threshold", "window", "weight"}


_SAFE_TAGS = frozenset(t for t in yaml.constructor.SafeConstructor.yaml_constructors if t)


def _foreign_tags(root) -> list:
    """Nodes tagged with anything but the safe YAML types (``!!python/...``, ``!custom``)."""
    found, seen, todo = [], set(), [root] if root is not None else []
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag not in _SAFE_TAGS:
            found.append(node)
        if isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            todo.extend(v for pair in node.value for v in pair)
    return sorted(found, key=lambda n: n.start_mark.index)


def _unknown(kind: str, name: str, known, where) -> str:
    near = difflib.get_close_matches(str(name), list(known), n=1)
    hint = f"; did you mean {near[0]!r}?" if near else f"; known: {', '.join(known)}"
    return f"unknown {kind} {name!r}" + (f" in {where}" if where else "") + hint


class _Builder:
    """Walks the YAML node tree so every problem can name its line."""

    def __init__(self, source: str | None):
        self.source = source
        self.problems: list[tuple[int | None, str]] = []
        self._scalars = yaml.constructor.SafeConstructor()

    # -- helpers
    def err(self, node, msg: str) -> None:
        self.problems.append((node.start_mark.line + 1 if node is not None else None, msg))

    def mapping(self, node, keys: set[str], what: str) -> dict:
        if not isinstance(node, yaml.MappingNode):
            self.err(node, f"{what} must be a mapping of keys to values")
            return {}
        out: dict = {}
        for k, v in node.value:
            key = self.scalar(k)
            if not isinstance(key, str):
                self.err(k, f"{what}: keys must be text, not {key!r}")
                continue
            if key in out:
                self.err(k, f"{what}: key {key!r} appears twice")
                continue
            if keys and key not in keys:
                self.err(k, _unknown("key", key, sorted(keys), what))
                continue
            out[key] = v
        return out

    def scalar(self, node):
        if not isinstance(node, yaml.ScalarNode):
            return node
        try:
            return self._scalars.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError) as exc:  # e.g. !!int "ten"
            self.err(node, f"value {node.value[:60]!r} cannot be read ({exc})")
            return None

    def text(self, node, what: str, required: bool = False, default: str = "") -> str:
        if node is None:
            if required:
                self.problems.append((None, f"{what} is required"))
            return default
        v = self.scalar(node)
        if isinstance(v, bool) or v is None or not isinstance(v, str | int | float):
            self.err(node, f"{what} must be text")
            return default
        v = str(v).strip()
        if required and not v:
            self.err(node, f"{what} must not be empty")
        return v

    def number(self, node, what: str, default: float, minimum: float = 0.0) -> float:
        if node is None:
            return default
        v = self.scalar(node)
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.err(node, f"{what} must be a number, not {v!r}")
            return default
        if v < minimum:
            self.err(node, f"{what} must be at least {minimum}, not {v}")
            return default
        return float(v)

    def texts(self, node, what: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if isinstance(node, yaml.ScalarNode):
            return (self.text(node, what),)
        if not isinstance(node, yaml.SequenceNode):
            self.err(node, f"{what} must be a list of texts")
            return ()
        return tuple(self.text(n, what) for n in node.value)

    # -- cues
    def cue(self, node, what: str, defaults: dict, inherited_not_near: tuple[str, ...]) -> Cue | None:
        if isinstance(node, yaml.ScalarNode):
            spec = {"cue": node}
        else:
            spec = self.mapping(node, _CUE_KEYS, what)
            if not spec:
                return None
            if "cue" not in spec:
                self.err(node, f"{what}: a cue written as a mapping needs a 'cue:' key")
                return None
        pattern = self.text(spec["cue"], f"{what}: cue")
        tokens = self.pattern_tokens(pattern, spec["cue"], what)
        if tokens is None:
            return None
        case = self.scalar(spec.get("case_sensitive")) if "case_sensitive" in spec else False
        if not isinstance(case, bool):
            self.err(spec["case_sensitive"], f"{what}: case_sensitive must be true or false")
            case = False
        not_near = self.texts(spec.get("not_near"), f"{what}: not_near")
        for phrase in not_near:
            self.pattern_tokens(phrase, spec.get("not_near"), f"{what}: not_near")
        window = self.number(spec.get("window"), f"{what}: window", defaults["window"], 1)
        weight = self.number(spec.get("weight"), f"{what}: weight", defaults["weight"], 0.0)
        return Cue(pattern=pattern, tokens=tokens, weight=weight, case_sensitive=case,
                   not_near=tuple(dict.fromkeys(not_near + inherited_not_near)),
                   window=int(window), line=node.start_mark.line + 1)

    def pattern_tokens(self, pattern: str, node, what: str):
        if not pattern:
            self.err(node, f"{what}: empty cue")
            return None
        if not _CUE_CHARS.match(pattern):
            bad = sorted(set(re.sub(r"[\w\s*'’\-.,&/]", "", pattern)))
            self.err(node, f"{what}: cue {pattern!r} has characters a cue cannot use: {''.join(bad)!r} "
                           "(cues are words, phrases and trailing * wildcards, not regular expressions)")
            return None
        if re.search(r"\*\w|\*\*|(?<!\w)\*", pattern):
            self.err(node, f"{what}: cue {pattern!r}: '*' may only end a word (as in surveil*), "
                           "with at least two letters before it")
            return None
        tokens = tuple((t.rstrip("*"), t.endswith("*")) for t in _TOKEN.findall(pattern))
        if not tokens:
            self.err(node, f"{what}: cue {pattern!r} has no words")
            return None
        for t, prefix in tokens:
            if prefix and len(t) < 2:
                self.err(node, f"{what}: cue {pattern!r}: a wildcard needs at least two letters before '*'")
                return None
        return tokens

    def cue_list(self, node, what, defaults, not_near) -> tuple[Cue, ...]:
        if node is None:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.err(node, f"{what} must be a list of cues")
            return ()
        cues = [self.cue(n, what, defaults, not_near) for n in node.value]
        seen: dict[tuple, int | None] = {}
        out = []
        for q in cues:
            if q is None:
                continue
            key = (q.tokens, q.case_sensitive)
            if key in seen:
                self.problems.append((q.line, f"{what}: cue {q.pattern!r} repeats the cue on line {seen[key]}"))
                continue
            seen[key] = q.line
            out.append(q)
        return tuple(out)

    # -- whole file
    def build(self, root) -> Codebook:
        if root is None:
            raise CodebookError(self.source, [(None, "the file is empty")])
        top = self.mapping(root, _TOP_KEYS, "the codebook")
        name = self.text(top.get("name"), "name", required=True)
        version = self.text(top.get("version"), "version", required=True)
        dnode = top.get("defaults")
        dmap = self.mapping(dnode, _DEFAULT_KEYS, "defaults") if dnode is not None else {}
        defaults = {"threshold": self.number(dmap.get("threshold"), "defaults: threshold", 1.0),
                    "window": self.number(dmap.get("window"), "defaults: window", DEFAULT_WINDOW, 1),
                    "weight": self.number(dmap.get("weight"), "defaults: weight", 1.0)}
        cats = []
        cnode = top.get("categories")
        if cnode is None:
            self.problems.append((None, "categories: required (a mapping of category names to their definitions)"))
        else:
            if not isinstance(cnode, yaml.MappingNode):
                self.err(cnode, "categories must be a mapping of category names to their definitions")
            else:
                seen: dict[str, int | None] = {}
                for knode, vnode in cnode.value:
                    cat = self.category(knode, vnode, defaults)
                    if cat is None:
                        continue
                    if cat.name in seen:
                        self.err(knode, f"category {cat.name!r} appears twice (first on line {seen[cat.name]})")
                        continue
                    seen[cat.name] = cat.line
                    cats.append(cat)
        stance = self.stance(top.get("stance"), defaults) if "stance" in top else None
        if self.problems:
            raise CodebookError(self.source, self.problems)
        if not cats:
            raise CodebookError(self.source, [(None, "no categories")])
        return Codebook(
            name=name, version=version, specs=tuple(cats),
            authors=self.texts(top.get("authors"), "authors"),
            citation=self.text(top.get("citation"), "citation"),
            description=self.text(top.get("description"), "description"),
            language=self.text(top.get("language"), "language", default="en"),
            stance=stance, source=self.source)

    def category(self, knode, vnode, defaults) -> Category | None:
        name = self.scalar(knode)
        if not isinstance(name, str) or not _CATEGORY_NAME.match(name):
            self.err(knode, f"category name {name!r}: use lower-case letters, digits and _ "
                            "(it becomes a column name)")
            return None
        what = f"category {name!r}"
        spec = self.mapping(vnode, _CATEGORY_KEYS, what)
        if not spec and not isinstance(vnode, yaml.MappingNode):
            return None
        label = self.text(spec.get("label"), f"{what}: label", default=name.replace("_", " ").title())
        definition = self.text(spec.get("definition"), f"{what}: definition")
        if not definition:
            self.err(vnode, f"{what}: a definition is required (what a second coder needs to apply it)")
        cat_defaults = dict(defaults)
        cat_defaults["window"] = self.number(spec.get("window"), f"{what}: window", defaults["window"], 1)
        not_near = self.texts(spec.get("not_near"), f"{what}: not_near")
        cues = self.cue_list(spec.get("cues"), f"{what}: cues", cat_defaults, not_near)
        rules = self.text(spec.get("rules"), f"{what}: rules") or None
        if rules is not None and rules not in (known := rule_layer_names()):
            self.err(spec["rules"], _unknown("rule layer", rules, known, what))
        code = None
        if "code" in spec:
            code = self.scalar(spec["code"])
            if isinstance(code, bool) or not isinstance(code, int):
                self.err(spec["code"], f"{what}: code must be a whole number")
                code = None
        if not cues and rules is None and "cues" in spec:
            self.err(spec["cues"], f"{what}: cues is empty (leave it out for a category coded by hand only)")
        return Category(
            name=name, label=label, definition=definition,
            include=self.text(spec.get("include"), f"{what}: include"),
            exclude=self.text(spec.get("exclude"), f"{what}: exclude"),
            examples=self.texts(spec.get("examples"), f"{what}: examples"),
            cues=cues, threshold=self.number(spec.get("threshold"), f"{what}: threshold",
                                             defaults["threshold"]),
            code=code, rules=rules, line=knode.start_mark.line + 1)

    def stance(self, node, defaults) -> Stance | None:
        spec = self.mapping(node, _STANCE_KEYS, "stance")
        if not spec:
            return None
        target = self.text(spec.get("target"), "stance: target", required=True)
        critical = self.cue_list(spec.get("critical"), "stance: critical", defaults, ())
        supportive = self.cue_list(spec.get("supportive"), "stance: supportive", defaults, ())
        if not critical and not supportive:
            self.err(node, "stance: give critical and/or supportive cues")
        return Stance(target=target, critical=critical, supportive=supportive,
                      threshold=self.number(spec.get("threshold"), "stance: threshold", 1.0))
