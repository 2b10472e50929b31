"""The plain-text parser on the real seeds and on small fixtures.

The expected structures below were written by hand from reading the files
(line numbers are 1-based lines of the files), not produced by the parser.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import threads
from threads.errors import UnplacedTextWarning
from threads.formats.profile import ProfileError, get_profile, load_profile, profile_from_mapping
from threads.formats.text import parse_text, sniff

SAMPLE = Path(threads.__file__).parent / "data" / "sample"
FIXTURES = Path(__file__).parent / "fixtures" / "text"


def _parse(path: Path, **kw):
    text = path.read_text(encoding="utf-8")
    return text, parse_text(text, path, path.stem, **kw)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _roles_by_line(text: str, corpus) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for u in corpus.units.itertuples():
        if u.text:  # lost comments have no line of their own
            out.setdefault(_line_of(text, u.start), []).append(u.role)
    return out


def _check_invariants(text: str, corpus) -> None:
    u = corpus.units.sort_values("start", kind="stable")
    for row in u.itertuples():
        assert text[row.start:row.end] == row.text
        assert row.unit_id == f"{row.doc_id}:{row.start}"
    assert list(corpus.units["position"]) == list(range(len(corpus.units)))
    ends = u["end"].tolist()
    starts = u["start"].tolist()
    assert all(s >= e for s, e in zip(starts[1:], ends[:-1], strict=True)), "unit spans overlap"
    covered = [False] * len(text)
    for s, e in zip(starts, ends, strict=True):
        covered[s:e] = [True] * (e - s)
    missed = [c for c, cov in zip(text, covered, strict=True) if not cov and not c.isspace()]
    assert missed == []
    assert int(corpus.docs["unaccounted_chars"].iloc[0]) == 0
    assert int(corpus.docs["source_chars"].iloc[0]) == len(text)


# ------------------------------------------------------------------ seed 004: Techdirt
# Each comment: (first line, last line, subject, depth, parent index, text lost).
# Comments end with the "[ link to this | view in chronology ]" line; for a
# comment whose text was lost, first/last is that link line.
TECHDIRT_THREAD = [
    (23, 23, None, 1, None, True),   # a bare link line: text and subject lost
    (25, 25, "Re:", 2, 0, True),     # "Re:" then the link line
    (26, 36, None, 1, None, False),  # "If someone goes someplace ..."
    (39, 39, '"That Anonymous Coward" and this minion are simply making up FUD while ignoring how '
             'Facebook and Google surveil NOW.', 1, None, False),  # line 38 is its subject: line 41 quotes it
    (42, 42, 'Re: "That Anonymous Coward" and this minion are simply making up FUD while ignoring '
             'how Facebook and Google surveil NOW.', 2, 3, False),
    (44, 44, None, 1, None, True),
    (45, 46, None, 1, None, False),  # "So they aren't just giving ..."
    (48, 48, None, 1, None, True),   # lost; the replies below quote it ("This is also being implemented ...")
    (50, 52, "Re:", 2, 7, False),    # "Primary example..."
    (55, 55, "Re: Re:", 3, 8, True),
    (57, 58, "Re:", 2, 7, False),    # '"This is also being implemented in the US ..."'
    (61, 62, "Re: Re:", 3, 10, False),
    (65, 65, "Re: Re: Re:", 4, 11, True),
    (67, 68, "Re: Re: Re: Re:", 5, 12, False),
]


@pytest.fixture(scope="module")
def techdirt():
    return _parse(SAMPLE / "techdirt-ecuador.txt")


def test_techdirt_profile_chosen_by_content(techdirt):
    text, corpus = techdirt
    assert corpus.docs["profile"].iloc[0] == "techdirt"
    # the file name plays no part: the same text under another name
    assert parse_text(text, "whatever.txt", "x").docs["profile"].iloc[0] == "techdirt"


def test_techdirt_every_comment_depth_parent_and_subject(techdirt):
    text, corpus = techdirt
    lines = text.split("\n")
    comments = corpus.units[corpus.units["role"] == "comment"].reset_index(drop=True)
    assert len(comments) == len(TECHDIRT_THREAD) == 14
    ids = comments["unit_id"].tolist()
    for k, (first, last, subject, depth, parent, lost) in enumerate(TECHDIRT_THREAD):
        row = comments.iloc[k]
        where = f"comment {k} (line {first})"
        assert row["depth"] == depth, where
        assert (row["parent_id"] if isinstance(row["parent_id"], str) else None) == (
            ids[parent] if parent is not None else None), where
        assert (row["subject"] if isinstance(row["subject"], str) else None) == subject, where
        if lost:
            assert row["text"] == "" and "text_lost" in row["flags"], where
            assert row["start"] == row["end"]
            # the empty span sits just before the link line it was found by
            assert lines[_line_of(text, row["end"] + 1) - 1] == "[ link to this | view in chronology ]"
        else:
            assert row["text"] == "\n".join(lines[first - 1:last]), where
            assert "text_lost" not in row["flags"], where


def test_techdirt_roles_of_every_line(techdirt):
    text, corpus = techdirt
    roles = _roles_by_line(text, corpus)
    expected = {1: ["title"], 2: ["meta"], 13: ["meta"], 18: ["meta"], 19: ["meta"]}
    expected.update({n: ["body"] for n in range(3, 13)})
    expected.update({n: ["boilerplate"] for n in (14, 15, 16, 17, 20, 21, 22)})
    link_lines = [n for n, line in enumerate(text.split("\n"), 1) if line.startswith("[ link to this")]
    assert link_lines == [23, 25, 37, 40, 43, 44, 47, 48, 53, 55, 59, 63, 65, 69]
    expected.update({n: ["boilerplate"] for n in link_lines})
    expected.update({n: ["meta"] for n in (24, 38, 41, 49, 54, 56, 60, 64, 66)})  # subject lines
    for first, _last, *_rest, lost in TECHDIRT_THREAD:
        if not lost:
            expected[first] = ["comment"]
    assert roles == expected
    docs = corpus.docs.iloc[0]
    assert docs["title"] == text.split("\n")[0]
    assert docs["author"] == "glynmoody"
    assert docs["outlet"] == "Techdirt"


def test_techdirt_invariants(techdirt):
    _check_invariants(*techdirt)


# ------------------------------------------------------------------ the other seeds
def test_lemmy_crosspost_header_and_editorial_notes():
    text, corpus = _parse(SAMPLE / "uca-news-lemmy.txt")
    assert corpus.docs["profile"].iloc[0] == "lemmy-crosspost"
    assert corpus.docs["url"].iloc[0] == "https://feddit.org/post/2927437"
    roles = _roles_by_line(text, corpus)
    editorial = [13, 15, 17, 21, 26, 29]
    expected = {n: ["meta"] for n in [1, 2, 3, 4, 5, *editorial]}
    expected.update({n: ["body"] for n in range(6, 29) if n not in editorial})
    assert roles == expected
    u = corpus.units
    lines = text.split("\n")
    flagged = u[u["flags"].str.contains("editorial")]
    flagged_lines = sorted(_line_of(text, s) for s in flagged["start"])
    # the standalone notes, plus the paragraph with a bracketed insertion "[Sheena Greitens ...]"
    assert flagged_lines == sorted([*editorial, 27])
    assert "[Sheena Greitens" in lines[26]
    assert set(u.loc[u["text"].isin(["[…]", "[Corrected broken link.]"]), "role"]) == {"meta"}
    assert not (u["role"] == "title").any()  # the scrape has no headline
    _check_invariants(text, corpus)


def test_lifesitenews_promos_title_and_dateline():
    text, corpus = _parse(SAMPLE / "lifesitenews.txt")
    assert corpus.docs["profile"].iloc[0] == "lifesitenews"
    assert corpus.docs["title"].iloc[0] == (
        "Chinese firms show off latest police-state surveillance tech at security expo")
    roles = _roles_by_line(text, corpus)
    expected = {1: ["meta"], 3: ["title"], 5: ["boilerplate"], 7: ["meta", "body"],
                45: ["boilerplate"], 47: ["boilerplate"]}
    expected.update({n: ["body"] for n in range(9, 44, 2)})
    assert roles == expected
    lines = text.split("\n")
    assert lines[4] == lines[44] and lines[4].startswith("Canadians:")  # the repeated promo
    assert lines[46] == "Previous ArticleNext Article"
    dateline = corpus.units[corpus.units["role"] == "meta"]["text"].tolist()
    assert dateline == ["News", "(LifeSiteNews) ––"]
    first_body = corpus.units[corpus.units["role"] == "body"]["text"].iloc[0]
    assert first_body.startswith("45 Chinese firms have showcased")
    _check_invariants(text, corpus)


@pytest.mark.parametrize("name, n_lines", [("afp.txt", 30), ("aggregator.txt", 6)])
def test_plain_articles_are_body_paragraphs(name, n_lines):
    text, corpus = _parse(SAMPLE / name)
    assert corpus.docs["profile"].iloc[0] == "generic"
    assert corpus.units["role"].tolist() == ["body"] * n_lines
    assert corpus.units["text"].tolist() == text.split("\n")
    _check_invariants(text, corpus)


def test_afp_inline_ellipses_flagged_editorial():
    text, corpus = _parse(SAMPLE / "afp.txt")
    flagged = corpus.units[corpus.units["flags"] == "editorial"]
    assert sorted(_line_of(text, s) for s in flagged["start"]) == [8, 15]
    assert all("[…]" in t for t in flagged["text"])


# ------------------------------------------------------------------ fixtures
def test_fixture_techdirt_bylines_dates_and_partial_quotes():
    text, corpus = _parse(FIXTURES / "techdirt-mini.txt")
    c = corpus.units[corpus.units["role"] == "comment"].reset_index(drop=True)
    assert c["author"].tolist()[:2] == ["Alice Example", "Anonymous Coward"]
    assert str(c["published"].iloc[0]) == "2017-11-28 13:54:00+00:00"
    assert c["subject"].iloc[0] == "Cameras everywhere is the plan"  # quoted by the reply below it
    assert c["depth"].tolist() == [1, 2, 3, 1]
    assert c["parent_id"].tolist()[1:3] == [c["unit_id"].iloc[0], c["unit_id"].iloc[1]]
    assert c["flags"].tolist() == ["", "", "text_lost", ""]
    assert corpus.docs["author"].iloc[0] == "someauthor"
    _check_invariants(text, corpus)


def test_fixture_damaged_thread_is_kept_and_reported():
    text, corpus = _parse(FIXTURES / "techdirt-broken.txt")
    c = corpus.units[corpus.units["role"] == "comment"].reset_index(drop=True)
    # "Re: Re:" with nothing before it: top level, reported
    assert c["depth"].tolist() == [1, 1, 2, 1]
    # a subject quoted only in part ("...") is still recognised
    assert c["subject"].iloc[1] == "A long subject line that a reply quotes only in part"
    assert c["parent_id"].iloc[2] == c["unit_id"].iloc[1]
    # text after the last link line is kept as a comment, and reported
    assert c["text"].iloc[3].startswith("This comment was cut off")
    problems = corpus.problems.set_index("problem")["unit_id"]
    assert sorted(problems.index) == ["depth_gap", "unterminated"]
    assert problems["depth_gap"] == c["unit_id"].iloc[0]
    assert problems["unterminated"] == c["unit_id"].iloc[3]
    _check_invariants(text, corpus)


def test_unknown_site_with_comment_markers_warns_and_keeps_body():
    path = FIXTURES / "unknown-with-comments.txt"
    text = path.read_text(encoding="utf-8")
    with pytest.warns(UnplacedTextWarning, match=r"unknown-with-comments.txt: 5 line\(s\) look like comment"):
        corpus = parse_text(text, path, "u")
    assert set(corpus.units["role"]) == {"body"}
    unplaced = corpus.problems[corpus.problems["problem"] == "unplaced"]
    assert [_line_of(text, int(uid.split(":")[1])) for uid in unplaced["unit_id"]] == [7, 9, 11, 13, 15]
    _check_invariants(text, corpus)


def test_plain_text_without_markers_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_text((SAMPLE / "aggregator.txt").read_text(encoding="utf-8"), "a.txt", "a")


def test_hard_wrapped_paragraphs_become_one_unit_each():
    text, corpus = _parse(FIXTURES / "wrapped.txt")
    assert corpus.units["role"].tolist() == ["body", "body", "meta", "body"]
    assert corpus.units["text"].iloc[1].count("\n") == 2
    assert corpus.units["flags"].iloc[2] == "editorial"
    _check_invariants(text, corpus)


def test_crlf_and_leading_whitespace_offsets():
    text = "  Title line\r\nfrom the x dept\r\n\r\n   Body text here.  \r\n"
    corpus = parse_text(text, "crlf.txt", "crlf", profile="techdirt")
    assert corpus.units["text"].tolist() == ["Title line", "from the x dept", "Body text here."]
    _check_invariants(text, corpus)


def test_adding_a_site_is_adding_a_profile(tmp_path):
    text = (FIXTURES / "examplenews.txt").read_text(encoding="utf-8")
    with pytest.warns(UnplacedTextWarning, match="'generic' text profile cannot place"):
        before = parse_text(text, "e.txt", "e")
    assert before.docs["profile"].iloc[0] == "generic"
    prof = load_profile(FIXTURES / "examplenews.yaml")
    corpus = parse_text(text, "e.txt", "e", profile=prof)
    u = corpus.units
    assert u["role"].tolist() == ["boilerplate", "title", "meta", "body", "body", "boilerplate", "boilerplate",
                                  "meta", "comment", "boilerplate", "meta", "comment", "boilerplate",
                                  "boilerplate"]
    assert u.loc[u["role"] == "comment", "author"].tolist() == ["mary", "tom"]
    assert corpus.docs["author"].iloc[0] == "Jane Reporter"
    assert corpus.docs["outlet"].iloc[0] == "Example News"
    _check_invariants(text, corpus)


def test_registered_profile_is_detected_and_forced_by_format(tmp_path):
    from threads.formats.text import register_profile, unregister_profile

    path = tmp_path / "story.txt"
    path.write_text((FIXTURES / "examplenews.txt").read_text(encoding="utf-8"), encoding="utf-8")
    register_profile(FIXTURES / "examplenews.yaml")
    try:
        assert threads.read(path).docs["profile"].iloc[0] == "examplenews"
        forced = threads.read(SAMPLE / "afp.txt", format="text:examplenews")
        assert forced.docs["profile"].iloc[0] == "examplenews"
    finally:
        unregister_profile("examplenews")
    with pytest.warns(UnplacedTextWarning):
        assert threads.read(path).docs["profile"].iloc[0] == "generic"
    with pytest.raises(threads.FormatError, match="unknown format 'text:examplenews'"):
        threads.read(path, format="text:examplenews")


# ------------------------------------------------------------------ profiles and sniffing
@pytest.mark.parametrize("data, problem", [
    ({"lines": []}, r"missing key\(s\) \['name'\]"),
    ({"name": "x", "lines": [{"match": "(", "role": "body"}]}, r"lines\[0\].match: bad regular expression"),
    ({"name": "x", "lines": [{"match": "a", "role": "article"}]}, r"lines\[0\]: role must be one of"),
    ({"name": "x", "lines": [{"match": "a", "role": "meta", "flag": "odd"}]}, "unknown flag 'odd'"),
    ({"name": "x", "colour": "red"}, r"unknown key\(s\) \['colour'\]"),
    ({"name": "x", "comments": {"start": "^C$"}}, "needs a 'terminator'"),
    ({"name": "x", "include": ["nope"]}, "include: unknown profile 'nope'"),
    ({"name": "x", "prefixes": [{"match": "x", "role": "meta"}]}, "must start with"),
    ({"name": "x", "dates": {"timezone": "Mars/Olympus"}}, "unknown time zone"),
])
def test_bad_profiles_name_the_file_and_problem(data, problem):
    with pytest.raises(ProfileError, match=r"^my\.yaml: .*" + problem):
        profile_from_mapping(data, "my.yaml")


def test_bad_profile_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="bad.yaml: not valid YAML"):
        load_profile(bad)
    with pytest.raises(ProfileError, match="nothere.yaml: no such profile file"):
        load_profile(tmp_path / "nothere.yaml")
    with pytest.raises(ProfileError, match="unknown text profile 'nope'"):
        get_profile("nope")


def test_sniff_low_for_markup_high_for_profiles():
    techdirt = (SAMPLE / "techdirt-ecuador.txt").read_text(encoding="utf-8")
    assert sniff(techdirt) == 0.9
    assert sniff((SAMPLE / "afp.txt").read_text(encoding="utf-8")) == 0.5
    for markup in ("<!DOCTYPE html><html><body><p>x</p></body></html>", '{"id": 1, "replies": []}',
                   '[{"id": 1}]', "<?xml version='1.0'?><disqus></disqus>", "\n  <html lang=en>"):
        assert sniff(markup) <= 0.3, markup
    assert sniff("[…]\nA paragraph after an editorial cut.") == 0.5


# ------------------------------------------------------------------ properties
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

MARKERS = [
    "Reader Comments", "Subscribe: RSS", "View by: Time | Thread", "[ link to this | view in chronology ]",
    "Re:", "Re: Re:", "RE: re: Re: a subject", "from the test dept", "Thank you for reading this Techdirt post",
    "–The Techdirt Team", "Filed Under: a, b", "Companies: c", "Follow me @x on Twitter",
    "Alice, 28 Nov 2017 @ 1:54pm", "Bob, 31 Feb 2017 @ 9:99pm", "- cross-posted to:", "- [email protected]",
    "cross-posted from: https://example.org/post/1", "[…]", "[...]", "[Corrected broken link.]", "News",
    "(LifeSiteNews) –– text", "WASHINGTON (LifeSiteNews) —", "A headline – LifeSite", "Previous ArticleNext Article",
    "Canadians: Send an urgent message", "Comments (3)", "bob says:", "Reply", "", " ", "\t", "\xa0",
    "ünïcödé ✓ 中文 🙂", "\u200b", "a [bracketed] word", "mary says:", "2 comments", "Share this article",
    "Example News — x",
]
_line = st.one_of(
    st.sampled_from(MARKERS),
    st.text(max_size=30),
    st.builds(lambda p, t: p + t, st.sampled_from(["Re: ", "Re: Re: ", "[", "- ", "  ", "Re:Re:"]),
              st.text(max_size=20)),
)
_sep = st.sampled_from(["\n", "\r\n", "\n\n", "\r", "\u2028", "\x0c", " \n"])
_documents = st.one_of(
    st.lists(st.tuples(_line, _sep), max_size=40).map(lambda xs: "".join(a + b for a, b in xs)),
    st.text(max_size=300),
)
# the built-in profiles, plus a header-style comment section (the examplenews fixture)
_profiles = st.sampled_from([None, "generic", "techdirt", "lemmy-crosspost", "lifesitenews",
                             load_profile(FIXTURES / "examplenews.yaml")])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_documents, profile=_profiles)
# found by hypothesis: a comment-section marker inside a comment used to leave the
# comment's span covering the marker's boilerplate unit
@example(text="2 comments\nReader Comments\n2 comments\nReader Comments\n",
         profile=load_profile(FIXTURES / "examplenews.yaml"))
# found by hypothesis: a comment that is only a subject line ("Re:") and has no header line
@example(text="Reader Comments\nRe:\n", profile="techdirt")
def test_parsing_never_loses_duplicates_or_crashes(text, profile):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnplacedTextWarning)
        corpus = parse_text(text, "gen.txt", "g", profile=profile)
    _check_invariants(text, corpus)
    u = corpus.units
    assert u["unit_id"].is_unique
    assert u["text"].str.len().sum() <= len(text)
    comments = u[u["role"] == "comment"]
    ids = set(comments["unit_id"])
    for parent, depth in zip(comments["parent_id"], comments["depth"], strict=True):
        assert depth >= 1
        assert parent is None or not isinstance(parent, str) or parent in ids
    # every comment's parent is one level up
    depth_of = dict(zip(comments["unit_id"], comments["depth"], strict=True))
    for parent, depth in zip(comments["parent_id"], comments["depth"], strict=True):
        if isinstance(parent, str):
            assert depth_of[parent] == depth - 1


def test_real_markup_and_exports_sniff_low_and_parse_as_text_without_loss(shared_data):
    """The real pages and exports of ../shared/data/threads: the text format
    leaves them to the markup formats, and forced as text loses nothing."""
    from threads.decode import decode_text

    files = sorted(p for p in (shared_data / "threads").rglob("*") if p.is_file())
    markup = [p for p in files if p.suffix in (".html", ".json", ".xml")]
    assert len(markup) >= 15
    for p in markup:
        text = decode_text(p.read_bytes(), p)
        assert sniff(text[:65536], p.name) <= 0.3, p
    for p in markup[:6]:
        text = decode_text(p.read_bytes(), p)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnplacedTextWarning)
            corpus = parse_text(text, p, "x", profile="generic")
        assert int(corpus.docs["unaccounted_chars"].iloc[0]) == 0, p
        assert all(text[s:e] == t for s, e, t in zip(corpus.units["start"], corpus.units["end"],
                                                    corpus.units["text"], strict=True))
