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


def test_a_table_quoting_a_sites_page_chrome_is_still_a_table(tmp_path):
    """A CSV whose cells held Techdirt's chrome lines was read as a Techdirt scrape."""
    import pandas as pd

    chrome = ("from the surveillance-expo dept\n[ reply to this | link to this | view in chronology ]\n"
              "View by: Time | Thread")
    path = tmp_path / "comments.csv"
    pd.DataFrame({"comment_id": [1, 2, 3], "thread_id": ["t"] * 3,
                  "text": ["Great post.\n" + chrome, chrome, "ok"]}).to_csv(path, index=False)
    assert detect_format(path.read_text(encoding="utf-8"), path).name == "tabular"
    corpus = threads.read(path)
    assert corpus.docs["source_format"].tolist() == ["csv"] and len(corpus.units) == 3


def test_a_text_scrape_is_not_taken_for_a_table():
    text = (Path(threads.__file__).parent / "data" / "sample" / "techdirt-ecuador.txt").read_text(encoding="utf-8")
    assert detect_format(text, "techdirt-ecuador.txt").name.startswith("text")


def test_many_leading_comments_do_not_hang_detection():
    """Real pages (pferd-aktuell.de, lostiempos.com) open with dozens of HTML comments;
    the feed check used to backtrack exponentially over them (22 comments: 33 s).
    Run in a child process: a regex holds the interpreter, so only a kill can stop it."""
    import subprocess
    import sys

    code = ("from threads.formats._html import looks_like_html\n"
            "page = '<!-- build 1 -->\\n' * 60 + '<html><body><p>x</p></body></html>'\n"
            "feed = \"<?xml version='1.0'?>\" + '<!-- c -->' * 60 + \"<rss version='2.0'></rss>\"\n"
            "print(looks_like_html(page, 'p.html'), looks_like_html(feed))\n")
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        raise AssertionError("looks_like_html did not return within 30 s") from None
    assert done.stdout.split() == ["True", "False"], done.stderr
