"""Import the word dictionaries scholars already have into a codebook.

Reads LIWC-style ``.dic`` files, Lexicoder ``.lc3``/``.lcd`` files and
quanteda's YAML dictionaries. Each category becomes a codebook category whose
cues are the dictionary's words, phrases and trailing ``*`` wildcards. What a
codebook cannot express (a leading wildcard ``*ing``, a ``?`` glob, a
regular expression, an emoticon) is dropped and listed in the
:class:`ImportReport` with its file and line, never silently. See
docs/codebooks.md, "Importing a dictionary".
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis.tagging.codebook import (
    Codebook,
    CodebookError,
    _Builder,
    _foreign_tags,
    parse_codebook,
)

FORMATS = ("liwc", "lexicoder", "quanteda")
_SUFFIXES = {".dic": "liwc", ".lc3": "lexicoder", ".lcd": "lexicoder", ".yml": "quanteda",
             ".yaml": "quanteda"}
#: A dictionary entry longer than this is not a word or phrase (a broken or hostile file).
MAX_LINE = 10_000
_REPORT_COLUMNS = ["line", "category", "entry", "cue", "status", "reason"]


@dataclass(frozen=True, repr=False)
class ImportReport:
    """What :func:`import_dictionary` converted and what it dropped.

    ``rows`` has one row per dictionary entry (per category it belongs to):
    ``line`` in the file, ``category`` (the codebook name), ``entry`` as
    written, ``cue`` as converted, ``status`` (``converted``, ``dropped`` or
    ``duplicate``) and ``reason`` (file, line and why, for what was not converted).
    """

    source: str
    format: str
    rows: pd.DataFrame
    categories: tuple[tuple[str, str], ...]  # (codebook name, name in the dictionary)

    def _count(self, status: str) -> int:
        return int((self.rows["status"] == status).sum())

    @property
    def n_converted(self) -> int:
        return self._count("converted")

    @property
    def n_dropped(self) -> int:
        return self._count("dropped")

    @property
    def empty_categories(self) -> tuple[str, ...]:
        """Categories left without cues (coded by hand only until you add some)."""
        have = set(self.rows.loc[self.rows["status"] == "converted", "category"])
        return tuple(slug for slug, _ in self.categories if slug not in have)

    @property
    def dropped(self) -> pd.DataFrame:
        """The entries that could not be expressed as cues, with the reason."""
        return self.rows[self.rows["status"] == "dropped"].reset_index(drop=True)

    def __repr__(self) -> str:
        return (f"<ImportReport {Path(self.source).name} ({self.format}): {len(self.categories)} categories, "
                f"{self.n_converted} cues converted, {self.n_dropped} entries dropped, "
                f"{self._count('duplicate')} duplicates merged"
                + (f", {len(self.empty_categories)} categories without cues" if self.empty_categories else "")
                + ">")

    __str__ = __repr__


def import_dictionary(path: str | os.PathLike, format: str | None = None, name: str | None = None, *,
                      version: str = "1", encoding: str = "utf-8",
                      strict: bool = False) -> tuple[Codebook, ImportReport]:
    """Convert a LIWC ``.dic``, Lexicoder ``.lc3``/``.lcd`` or quanteda YAML dictionary to a codebook.

    ``format`` (``"liwc"``, ``"lexicoder"``, ``"quanteda"``) is taken from the
    file suffix when not given. ``name`` names the codebook (default: the file
    name). Entries a codebook cannot express are dropped and listed in the
    report; ``strict=True`` raises a :class:`CodebookError` listing them
    instead. Returns ``(codebook, report)``; :func:`write_codebook` saves the
    codebook as YAML that :func:`analysis.load_codebook` reads back.
    """
    src = str(path)
    fmt = _format(src, format)
    text = _read(src, encoding)
    entries, labels = _PARSERS[fmt](text, src)
    return _build(src, fmt, entries, labels, name, version, strict)


def write_codebook(codebook: Codebook, path: str | os.PathLike) -> Path:
    """Write a codebook (one imported or loaded from YAML) as a YAML file; returns the path."""
    if codebook.text is None:
        raise CodebookError(str(path), [(None, "this codebook has no YAML text to write "
                                         "(build it with import_dictionary or load_codebook)")])
    out = Path(path)
    try:
        out.write_text(codebook.text, encoding="utf-8")
    except OSError as exc:
        raise CodebookError(str(out), [(None, f"cannot be written ({exc})")]) from None
    return out


# ---------------------------------------------------------------------- reading
def _format(src: str, format: str | None) -> str:
    if format is not None:
        if format not in FORMATS:
            raise CodebookError(src, [(None, f"unknown dictionary format {format!r}; "
                                       f"known: {', '.join(FORMATS)}")])
        return format
    fmt = _SUFFIXES.get(Path(src).suffix.lower())
    if fmt is None:
        raise CodebookError(src, [(None, "cannot tell the dictionary format from the suffix "
                                   f"{Path(src).suffix!r}; pass format= one of {', '.join(FORMATS)}")])
    return fmt


def _read(src: str, encoding: str) -> str:
    try:
        raw = Path(src).read_bytes()
    except OSError as exc:
        raise CodebookError(src, [(None, f"cannot be read ({exc.strerror or exc})")]) from None
    if b"\x00" in raw[:65536]:
        raise CodebookError(src, [(None, "is a binary file, not a text dictionary")])
    try:
        # utf-8-sig drops the byte-order mark that Windows editors write
        text = raw.decode("utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise CodebookError(src, [(line, f"is not valid {encoding} text (byte {raw[exc.start]:#04x}); "
                                   "pass the file's encoding, e.g. encoding='latin-1'")]) from None
    except LookupError:
        raise CodebookError(src, [(None, f"unknown encoding {encoding!r}")]) from None
    for i, row in enumerate(text.splitlines(), 1):
        if len(row) > MAX_LINE:
            raise CodebookError(src, [(i, f"line of {len(row):,} characters; a dictionary entry is "
                                       f"a word or phrase (at most {MAX_LINE:,})")])
    return text


# An entry: (line, dictionary category, pattern as written).
_Entries = list[tuple[int, str, str]]


def _parse_liwc(text: str, src: str) -> tuple[_Entries, dict[str, int]]:
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if start is None or lines[start].strip() != "%":
        raise CodebookError(src, [((start or 0) + 1, "a LIWC .dic file starts with a '%' line, then "
                                   "'number<TAB>category' lines, then another '%'")])
    numbers: dict[str, str] = {}
    labels: dict[str, int] = {}
    end = None
    for i in range(start + 1, len(lines)):
        ln = lines[i].strip()
        if ln == "%":
            end = i
            break
        if not ln:
            continue
        m = re.match(r"^(\d+)\s+(.+)$", ln)
        if not m:
            raise CodebookError(src, [(i + 1, f"header line {ln[:60]!r} is not 'number<TAB>category' "
                                       "(is the closing '%' missing?)")])
        numbers[m.group(1).lstrip("0") or "0"] = m.group(2).strip()
        labels.setdefault(m.group(2).strip(), i + 1)
    if end is None:
        raise CodebookError(src, [(start + 1, "the '%' header block is not closed by a second '%' line")])
    entries: _Entries = []
    for i in range(end + 1, len(lines)):
        ln = lines[i].strip()
        if not ln:
            continue
        word, _, nums = lines[i].strip().partition("\t") if "\t" in ln else _split_words(ln)
        codes = nums.split()
        if not word.strip() or not codes:
            entries.append((i + 1, "", ln))  # reported as dropped below
            continue
        if not all(code.isdigit() for code in codes):
            # LIWC's conditional entries, e.g. "like  (02 134)02/125", depend on the word before.
            entries.append((i + 1, "!" + nums.strip(), word.strip()))
            continue
        for code in codes:
            key = code.lstrip("0") or "0"
            entries.append((i + 1, numbers.get(key, f"?{code}"), word.strip()))
    return entries, labels


def _split_words(ln: str) -> tuple[str, str, str]:
    m = re.match(r"^(.*?)\s+((?:\d+\s*)+)$", ln)
    return (m.group(1), " ", m.group(2)) if m else (ln, "", "")


def _parse_lexicoder(text: str, src: str) -> tuple[_Entries, dict[str, int]]:
    entries: _Entries = []
    labels: dict[str, int] = {}
    current = None
    for i, raw in enumerate(text.splitlines(), 1):
        ln = raw.strip()
        if not ln:
            continue
        if ln.startswith("+"):
            current = ln[1:].strip()
            if not current:
                raise CodebookError(src, [(i, "a '+' line must name a category")])
            labels.setdefault(current, i)
            continue
        if current is None:
            raise CodebookError(src, [(i, f"{ln[:60]!r} comes before the first '+category' line")])
        entries.append((i, current, ln))
    if not labels:
        raise CodebookError(src, [(None, "no '+category' lines: not a Lexicoder dictionary")])
    return entries, labels


def _parse_quanteda(text: str, src: str) -> tuple[_Entries, dict[str, int]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CodebookError(src, [(mark.line + 1 if mark else None,
                                   f"not valid YAML: {getattr(exc, 'problem', None) or exc}")]) from None
    if root is not None and (tagged := _foreign_tags(root)):
        raise CodebookError(src, [(n.start_mark.line + 1, "YAML tags are not allowed in a dictionary")
                                  for n in tagged])
    if not isinstance(root, yaml.MappingNode):
        raise CodebookError(src, [(root.start_mark.line + 1 if root is not None else None,
                                   "a quanteda dictionary is a mapping of category names to word lists")])
    entries: _Entries = []
    labels: dict[str, int] = {}

    def walk(node, parent: str) -> None:
        for knode, vnode in node.value:
            key = str(knode.value).strip() if isinstance(knode, yaml.ScalarNode) else ""
            full = f"{parent}.{key}" if parent and key else (key or parent)
            if not full:
                raise CodebookError(src, [(knode.start_mark.line + 1, "a category needs a name")])
            if isinstance(vnode, yaml.MappingNode):
                walk(vnode, full)
                continue
            labels.setdefault(full, knode.start_mark.line + 1)
            items = vnode.value if isinstance(vnode, yaml.SequenceNode) else [vnode]
            for item in items:
                line = item.start_mark.line + 1
                if isinstance(item, yaml.ScalarNode):
                    if item.value.strip():
                        entries.append((line, full, item.value.strip()))
                else:
                    entries.append((line, full, "<a nested list or mapping>"))

    walk(root, "")
    return entries, labels


_PARSERS = {"liwc": _parse_liwc, "lexicoder": _parse_lexicoder, "quanteda": _parse_quanteda}


# ---------------------------------------------------------------------- converting
def _cue(entry: str, fmt: str) -> tuple[str | None, str]:
    """The codebook cue for a dictionary entry, or None and why it cannot be one."""
    if entry.startswith("<"):
        return None, "a nested list or mapping is not a word"
    if "?" in entry and fmt == "quanteda":
        return None, f"{entry!r}: the '?' (one-character) wildcard cannot be expressed; only a trailing '*'"
    if re.search(r"(?<!\w)\*\w", entry):
        return None, f"{entry!r}: a leading wildcard cannot be expressed (cues match from the start of a word)"
    cue = " ".join(entry.split())
    checker = _Builder(None)
    checker.pattern_tokens(cue, None, "entry")
    if checker.problems:
        return None, checker.problems[0][1].removeprefix("entry: ")
    return cue, ""


def _slug(label: str) -> str:
    # A category name becomes a column name: lower case, digits and _ only;
    # quanteda's nested "parent.child" becomes parent__child.
    parts = [re.sub(r"[^a-z0-9]+", "_", p.lower()).strip("_") for p in label.split(".")]
    s = "__".join(p for p in parts if p)
    return s if re.match(r"^[a-z]", s) else f"c_{s}" if s else "category"


def _build(src: str, fmt: str, entries: _Entries, labels: dict[str, int], name: str | None,
           version: str, strict: bool) -> tuple[Codebook, ImportReport]:
    names: dict[str, str] = {}
    for label in labels:
        slug, n = _slug(label), 2
        while slug in names.values():
            slug, n = f"{_slug(label)}_{n}", n + 1
        names[label] = slug
    cues: dict[str, list[str]] = {label: [] for label in labels}
    seen: dict[tuple[str, str], int] = {}
    rows = []
    dropped: list[tuple[int | None, str]] = []
    for line, label, entry in entries:
        where = f"{src}, line {line}"
        cat = names.get(label, "")
        if not label:
            cue, why = None, f"{entry[:60]!r} is not 'word<TAB>category numbers'"
        elif label not in names and label.startswith("!"):
            cue, why = None, (f"{entry[:60]!r}: the conditional LIWC categories {label[1:]!r} "
                              "depend on the neighbouring word and cannot be expressed")
        elif label not in names:
            cue, why = None, f"{entry[:60]!r}: category number {label[1:]!r} is not in the '%' header"
        else:
            cue, why = _cue(entry, fmt)
        if cue is None:
            dropped.append((line, why))
            rows.append((line, cat, entry, "", "dropped", f"{where}: {why}"))
            continue
        key = (label, cue.lower())
        if key in seen:
            rows.append((line, cat, entry, cue, "duplicate", f"{where}: repeats line {seen[key]}"))
            continue
        seen[key] = line
        cues[label].append(cue)
        rows.append((line, cat, entry, cue, "converted", ""))
    report_rows = pd.DataFrame(rows, columns=_REPORT_COLUMNS)
    report_rows["line"] = report_rows["line"].astype("int64")
    if strict and dropped:
        raise CodebookError(src, dropped)
    file_name = Path(src).name
    categories: dict[str, dict] = {}
    doc = {"name": name or Path(src).stem, "version": version,
           "description": f"Imported from {file_name} ({fmt} dictionary) by threadframe.",
           "categories": categories}
    for label, slug in names.items():
        spec: dict = {"label": label, "definition": f"Imported from {file_name}: the {fmt} dictionary "
                                                    f"category {label!r}. Write what it means for a coder."}
        if cues[label]:
            spec["cues"] = cues[label]
        categories[slug] = spec
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    codebook = parse_codebook(text, source=src)
    report = ImportReport(source=src, format=fmt, rows=report_rows,
                          categories=tuple((slug, label) for label, slug in names.items()))
    return codebook, report
