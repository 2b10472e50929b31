"""The registry of input formats.

A format is a small module that knows one kind of source. It registers a
:class:`Format` with a ``sniff`` function (how sure it is, from the content,
that some bytes are its kind) and a ``parse`` function (bytes -> Corpus).
Site-specific knowledge lives in profiles (``threads/profiles/*.yaml``), not
in the parsers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..corpus import Corpus

#: Modules that register formats, imported on first use (no work at import time).
FORMAT_MODULES = ("text",)

#: Structured platform exports (docs/formats-platforms.md); added on their own line to merge cleanly.
FORMAT_MODULES += ("reddit", "hackernews_json", "disqus", "discourse", "lemmy", "wxr", "tabular", "json_unknown")  # type: ignore[assignment]


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    #: (head of the content as text, file name) -> confidence in [0, 1]
    sniff: Callable[[str, str], float]
    #: (decoded text, path, doc_id) -> Corpus
    parse: Callable[[str, Path, str], Corpus]
    extensions: tuple[str, ...] = ()
    #: pip extra that provides optional dependencies, e.g. "html"
    extra: str | None = None
    options: dict = field(default_factory=dict)


_REGISTRY: dict[str, Format] = {}
_loaded = False

#: HTML pages (docs/formats-html.md); on their own line so branches merge cleanly.
FORMAT_MODULES += ("wordpress", "hackernews_html", "article_html")  # type: ignore[assignment]

#: Social platforms (docs/formats-platforms.md, issue 17); on their own line so branches merge cleanly.
FORMAT_MODULES += ("mastodon", "bluesky", "youtube")  # type: ignore[assignment]


def register(fmt: Format) -> Format:
    _REGISTRY[fmt.name] = fmt
    return fmt


def registry() -> dict[str, Format]:
    """All known formats by name (imports the format modules on first call)."""
    global _loaded
    if not _loaded:
        for mod in FORMAT_MODULES:
            importlib.import_module(f"{__name__}.{mod}")
        _loaded = True
    return dict(_REGISTRY)


#: Thread folders (RumourEval: structure.json + source-tweet/ + replies/); on their own line to merge cleanly.
FORMAT_MODULES += ("rumoureval",)  # type: ignore[assignment]

#: Exchange formats written by threadframe too (ConvoKit folders, issue 17); on their own line to merge cleanly.
FORMAT_MODULES += ("convokit",)  # type: ignore[assignment]
