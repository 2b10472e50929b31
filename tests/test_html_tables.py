"""The fast paths of the HTML parsers give exactly what the general ones give.

Parsers build their tables column by column in the schema's dtypes and hand
them to the Corpus without a copy; the walker finds bylines and post dates in
one Python pass instead of an XPath union. These tests hold each fast path to
the general one on the fixture pages.
"""

from __future__ import annotations

import importlib
import warnings

import pandas as pd
import pytest

from threads.corpus import Corpus
from threads.errors import CorpusError
from threads.read import detect_format, make_doc_id

pytest.importorskip("lxml")

PAGES = ["wp_classic_commentlist.html", "wp_comment_list_article.html", "wp_highlander.html",
         "drupal_indented.html", "article_unmarked_comments.html", "hn_item_small.html"]

# The XPath unions the walker used before its one-pass generators.
BYLINE_XPATH = (
    ".//a[@rel='author'] | .//*[contains(concat(' ', @class, ' '), ' fn ')]"
    "[ancestor::*[contains(concat(' ', @class, ' '), ' author ')]] | .//*[@itemprop='author']"
    " | .//*[contains(concat(' ', @class, ' '), ' byline ')]"
    " | .//*[contains(concat(' ', @class, ' '), ' username ')]"
    " | .//*[contains(concat(' ', @class, ' '), ' author-name ')]"
    " | .//a[contains(@href, '/author/') or contains(@href, '/autor/')"
    " or contains(@href, '/autoren/') or contains(@href, '/authors/')]")
POST_DATE_XPATH = (".//time[@datetime] | .//*[@itemprop='datePublished'][@content or @datetime]"
                   " | .//*[contains(@property, 'dc:date') or contains(@property, 'datePublished')][@content]")


def _records(path):
    text = path.read_text("utf-8")
    fmt = detect_format(text, path)
    module = importlib.import_module(f"threads.formats.{fmt.name}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fmt, text, module.extract(text, path, make_doc_id(path))


@pytest.mark.parametrize("name", PAGES)
def test_typed_tables_equal_the_general_constructor(fixtures, name):
    path = fixtures / "html" / name
    fmt, text, (doc, rows, problems) = _records(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = fmt.parse(text, path, make_doc_id(path))
    general = Corpus(docs=pd.DataFrame([doc]), units=pd.DataFrame(rows), problems=pd.DataFrame(problems))
    pd.testing.assert_frame_equal(fast.docs, general.docs)
    pd.testing.assert_frame_equal(fast.units, general.units)
    pd.testing.assert_frame_equal(fast.problems, general.problems)
    assert str(fast.units["published"].dtype) == "datetime64[us, UTC]"


def test_records_that_fail_the_checks_raise_the_usual_error(fixtures):
    from threads.formats._tables import corpus_from_records

    _, _, (doc, rows, problems) = _records(fixtures / "html" / "wp_classic_commentlist.html")
    dup = rows + [dict(rows[-1])]
    with pytest.raises(CorpusError, match="duplicate unit_id"):
        corpus_from_records(doc, dup, problems)
    bad_role = [dict(rows[0], role="headline")] + rows[1:]
    with pytest.raises(CorpusError, match="unknown role"):
        corpus_from_records(doc, bad_role, problems)


def test_corpus_from_normal_frames_does_not_share_them(fixtures):
    c = _records(fixtures / "html" / "wp_highlander.html")[2]
    from threads.formats._tables import doc_table, problem_table, unit_table

    units = unit_table(c[1])
    corpus = Corpus(docs=doc_table(c[0]), units=units, problems=problem_table(c[2]))
    before = units["text"].tolist()
    corpus.units.loc[0, "text"] = "changed"
    corpus.units["extra"] = 1
    assert units["text"].tolist() == before
    assert "extra" not in units.columns


@pytest.mark.parametrize("name", PAGES)
def test_byline_and_date_passes_match_the_xpath(fixtures, name):
    from threads.formats._html import parse_html, strip_invisible
    from threads.formats._walk import _byline_candidates, _post_date_candidates

    lxml_etree = pytest.importorskip("lxml.etree")
    path = fixtures / "html" / name
    root = parse_html(path.read_text("utf-8"), path)
    strip_invisible(root, lxml_etree)
    scopes = [root, *root.iter("article", "main", "div", "li")]
    with_date_attr = root.xpath("//*[@datetime or @content]")
    for scope in scopes:
        assert list(_byline_candidates(scope)) == scope.xpath(BYLINE_XPATH)
        assert list(_post_date_candidates(scope)) == scope.xpath(POST_DATE_XPATH)
        # the page walker passes the elements its attribute scan saw with datetime= or content=
        assert list(_post_date_candidates(scope, with_date_attr)) == scope.xpath(POST_DATE_XPATH)


def test_the_fixtures_have_bylines_and_dates_to_find(fixtures):
    """So that the comparison above is not between two empty lists."""
    from threads.formats._html import parse_html

    found = {"byline": 0, "date": 0}
    for name in PAGES:
        path = fixtures / "html" / name
        root = parse_html(path.read_text("utf-8"), path)
        found["byline"] += len(root.xpath(BYLINE_XPATH))
        found["date"] += len(root.xpath(POST_DATE_XPATH))
    assert found["byline"] > 0 and found["date"] > 0, found


def test_unusual_record_values_convert_as_the_general_constructor_does():
    import numpy as np

    from threads.formats._tables import corpus_from_records

    doc = {"doc_id": "d", "source_chars": np.int64(12), "unaccounted_chars": pd.NA}
    rows = [{"doc_id": "d", "unit_id": "d:1", "role": "comment", "text": pd.NA, "flags": float("nan"),
             "position": np.int64(0), "depth": 1},
            {"doc_id": "d", "unit_id": "d:2", "role": "body", "text": "x", "position": 1, "depth": None}]
    fast = corpus_from_records(doc, rows, [])
    general = Corpus(docs=pd.DataFrame([doc]), units=pd.DataFrame(rows))
    pd.testing.assert_frame_equal(fast.units, general.units)
    pd.testing.assert_frame_equal(fast.docs, general.docs)
    assert fast.units["text"].tolist() == ["", "x"]
    # a number in a string column becomes its text (pd.DataFrame(records) would make it 17.0)
    odd = corpus_from_records(doc, [dict(rows[0], platform_id=17)], [])
    assert odd.units["platform_id"].tolist() == ["17"]


@pytest.mark.parametrize("name", PAGES)
def test_unit_texts_hold_no_whitespace_but_spaces_and_newlines(fixtures, name):
    """The audit counts non-space characters by counting ' ' and '\\n' (exact only then)."""
    from threads.formats._page import _nonspace_chars

    fmt, text, (doc, rows, _) = _records(fixtures / "html" / name)
    texts = [r["text"] for r in rows if r["text"]]
    assert texts
    for t in texts:
        assert {c for c in t if c.isspace()} <= {" ", "\n"}, repr(t)
    assert _nonspace_chars(texts) == sum(len("".join(t.split())) for t in texts)


def test_tables_fall_back_to_public_pandas_when_the_internal_constructors_are_gone(fixtures, monkeypatch):
    """_from_arrays and DatetimeArray._simple_new are pandas-internal: without them, same tables."""
    import threads.formats._tables as tables

    _, _, (doc, rows, problems) = _records(fixtures / "html" / "wp_highlander.html")
    fast = tables.corpus_from_records(doc, rows, problems)
    monkeypatch.delattr(pd.DataFrame, "_from_arrays")
    monkeypatch.setattr(tables, "DatetimeArray", type("DatetimeArrayWithoutSimpleNew", (), {}))
    assert not hasattr(pd.DataFrame, "_from_arrays")
    slow = tables.corpus_from_records(doc, rows, problems)
    monkeypatch.undo()
    assert slow.units["published"].notna().any()
    for name in ("docs", "units", "problems"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name))
