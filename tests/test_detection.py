"""Format detection looks at structure, not at what happens to be in the first 64 KB."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import threads
from threads.read import _markup_start, detect_format

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(("name", "fmt", "root"), [("platforms/disqus_export.xml", "disqus", "<disqus"),
                                                   ("platforms/wxr_export.xml", "wxr", "<rss")])
def test_an_export_with_a_long_prolog_is_still_detected(tmp_path, name, fmt, root):
    """More than 64 KB of comment before the root element made these plain-text scrapes."""
    src = (FIXTURES / name).read_text(encoding="utf-8")
    i = src.index(root)
    path = tmp_path / Path(name).name
    path.write_text(src[:i] + "<!-- " + "x" * 70_000 + " -->\n" + src[i:], encoding="utf-8")
    assert detect_format(path.read_text(encoding="utf-8"), path).name == fmt
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = threads.read(path)
    assert set(corpus.docs["source_format"]) == {fmt}


def test_markup_start_skips_declaration_comments_and_doctype():
    text = '\ufeff<?xml version="1.0"?>\n<!-- a -->\n<!DOCTYPE x [<!ENTITY e "v">]>\n  <root/>'
    assert text[_markup_start(text):].startswith("<root")
    assert _markup_start("plain text <b>") == 0
    assert _markup_start("<!-- never closed") == 0
