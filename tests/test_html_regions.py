"""Page-region blocks, features and the shipped model (issue 18, phase 1)."""

from __future__ import annotations

import pytest
from lxml import etree, html

from threads.errors import FormatError
from threads.formats._regions import add_features, load_model, page_blocks, predict

PAGE = """<html><head><script>var x = 1;</script></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>Title here</h1><p>First paragraph of the story with <b>bold</b> words.</p>
<div class="inner">Loose text<p>nested</p>tail text</div></article>
<ol class="commentlist"><li class="comment"><p>Great post, thanks!</p></li>
<li class="comment"><p>I disagree with this.</p></li><li class="comment"><p>Me too.</p></li></ol>
</body></html>"""


def test_blocks_own_text_only_and_no_script():
    blocks = page_blocks(html.fromstring(PAGE), etree)
    texts = [b.text for b in blocks]
    assert "First paragraph of the story with bold words." in texts
    assert "Loose text tail text" in texts and "nested" in texts
    assert not any("var x" in t for t in texts)
    home = next(b for b in blocks if b.text == "Home")
    assert home.link_chars == 4


def test_features_see_comment_tokens_repetition_and_trafilatura():
    blocks = page_blocks(html.fromstring(PAGE), etree)
    add_features(blocks, traf_main="Title here First paragraph of the story with bold words.")
    great = next(b for b in blocks if b.text.startswith("Great"))
    assert "anc_comment_word" in great.features and "repeated=0" in great.features
    assert "rel=after" in great.features
    first = next(b for b in blocks if b.text.startswith("First"))
    assert "traf_main=True" in first.features and "in_article" in first.features


def test_shipped_model_scores_roles():
    blocks = page_blocks(html.fromstring(PAGE), etree)
    add_features(blocks, traf_main="Title here First paragraph of the story with bold words.")
    probs = predict(blocks)
    assert all(abs(sum(p.values()) - 1) < 1e-9 for p in probs)
    m = load_model()
    assert set(m["stage1"]["classes"]) == set(m["stage2"]["classes"]) == {"body", "boilerplate", "comment"}


RECORDS = """<html><body><article><h1>T</h1><p>A story about cameras in the city centre today.</p></article>
<section><div class="c-item"><span class="c-author">anna</span><time datetime="2021-06-01T10:00:00Z">1 June</time>
<p>First reader text here.</p><button>Reply</button></div>
<div class="c-item"><span class="c-author">ben</span><p>Second reader text.</p><a href="#r">Antworten</a></div>
</section></body></html>"""


def test_comment_records_are_found_and_described():
    blocks = page_blocks(html.fromstring(RECORDS), etree)
    add_features(blocks, traf_main="T A story about cameras in the city centre today.")
    first = next(b for b in blocks if b.text.startswith("First"))
    second = next(b for b in blocks if b.text.startswith("Second"))
    story = next(b for b in blocks if b.text.startswith("A story"))
    # the two c-items are one repeated container; the reply button (dropped as a block) still counts
    assert {"rec_date", "rec_reply", "rec_author"} <= set(first.features)
    assert "rec_reply" in second.features and first.ctx["cont"] == second.ctx["cont"]
    assert first.ctx["rec"] != second.ctx["rec"] and story.ctx["rec"] is None


def test_model_can_be_switched_off_for_the_parser(fixtures):
    import threads
    from threads.formats._regions import using_model

    page = fixtures / "html" / "article_unmarked_comments.html"
    assert (threads.read(page).units["role"] == "comment").sum() == 2
    with using_model(None), pytest.warns(UserWarning, match="comment section"):
        c = threads.read(page)
    assert (c.units["role"] == "comment").sum() == 0


def test_bad_model_file_is_a_format_error(tmp_path):
    bad = tmp_path / "m.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(FormatError, match="m.json"):
        load_model(str(bad))


def test_leave_site_out_on_real_pages(shared_data):
    if not (shared_data / "threads" / "news-pages" / "gold.json").exists():
        pytest.skip("news-pages absent")
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "bench_pr", Path(__file__).resolve().parents[1] / "benchmarks" / "bench_page_regions.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.site_of("https://www.blog.example.co.uk/x", "f") == "example.co.uk"
    pages = bench.load(shared_data / "threads" / "news-pages", 40, False)
    model = bench.fit(pages[:30])
    found = total = 0
    for p in pages[30:]:
        body, _ = bench.apply(model, p)
        f, _, _ = bench.score(body, "", p["gold"])
        found, total = found + f, total + len(p["gold"]["with"])
    assert total and found / total > 0.5
