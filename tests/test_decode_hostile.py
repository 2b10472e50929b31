"""Hostile and broken input (issue 12): bad bytes repaired locally and flagged,
UTF-16 without a byte-order mark, stray NULs, lone surrogates in JSON, and
exported times out of range."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import threads
from threads.errors import EncodingWarning_, InputError

FFFD = "\ufffd"


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return threads.read(path, **kw)


# ------------------------------------------------------------------ one bad byte in UTF-8
def test_one_bad_byte_in_utf8_is_replaced_locally_and_flagged(tmp_path):
    p = tmp_path / "one_bad.txt"
    good = "Headline caf\u00e9\nA second paragraph with na\u00efve \u201cquotes\u201d.\n".encode()
    p.write_bytes(good + b"A third line with one bad \xff byte.\n")
    with pytest.warns(EncodingWarning_, match=re.escape(f"{p}: not valid UTF-8: 1 invalid byte sequence")
                      + r".*offset 86.*U\+FFFD"):
        corpus = threads.read(p)
    texts = corpus.units["text"].tolist()
    # the rest stays UTF-8: no mojibake anywhere
    assert texts == ["Headline caf\u00e9", "A second paragraph with na\u00efve \u201cquotes\u201d.",
                     f"A third line with one bad {FFFD} byte."]
    flags = corpus.units["flags"].fillna("").tolist()
    assert ["bad_chars" in f for f in flags] == [False, False, True]
    bad = corpus.problems[corpus.problems["problem"] == "bad_chars"]
    assert bad["unit_id"].tolist() == [corpus.units["unit_id"].iloc[2]]
    assert bad["source_path"].tolist() == [str(p)]
    audit = corpus.audit()
    assert audit["replaced_chars"].tolist() == [1]


def test_several_bad_sequences_each_become_one_replacement(tmp_path):
    p = tmp_path / "some_bad.txt"
    body = ("\u00fcber " * 20).encode() + b"\xe2\x80 cut \xc3 and \xfe\n"  # truncated 3-byte, lone lead, 0xfe
    p.write_bytes(b"Title\n" + body)
    with pytest.warns(EncodingWarning_, match="3 invalid byte sequences"):
        corpus = threads.read(p)
    text = corpus.units["text"].iloc[1]
    assert text.startswith("\u00fcber \u00fcber")
    assert text.count(FFFD) == 3
    assert corpus.audit()["replaced_chars"].tolist() == [3]


def test_genuine_cp1252_file_still_decodes_as_cp1252(tmp_path):
    # many non-UTF-8 bytes and no valid multi-byte sequence: a legacy file, not broken UTF-8
    p = tmp_path / "legacy.txt"
    p.write_bytes("Titel\n\u201eGr\u00fc\u00dfe\u201c aus K\u00f6ln \u2013 sch\u00f6n, n\u00e4mlich.\n".encode("cp1252"))
    with pytest.warns(EncodingWarning_, match="decoded as cp1252"):
        corpus = threads.read(p)
    assert corpus.units["text"].tolist() == ["Titel", "\u201eGr\u00fc\u00dfe\u201c aus K\u00f6ln \u2013 sch\u00f6n, n\u00e4mlich."]
    assert not corpus.units["flags"].fillna("").str.contains("bad_chars").any()
    assert corpus.audit()["replaced_chars"].tolist() == [0]


def test_mostly_legacy_bytes_with_one_accidental_utf8_pair_stay_cp1252(tmp_path):
    # "\u00c3\u00a9" in cp1252 is the bytes c3 a9, valid UTF-8 for one character: outnumbered, so cp1252
    p = tmp_path / "legacy2.txt"
    p.write_bytes("Titel\nCaf\u00e9 cr\u00e8me \u00e0 la fa\u00e7on \u00c3\u00a9.\n".encode("cp1252"))
    with pytest.warns(EncodingWarning_, match="decoded as cp1252"):
        corpus = threads.read(p)
    assert corpus.units["text"].iloc[1] == "Caf\u00e9 cr\u00e8me \u00e0 la fa\u00e7on \u00c3\u00a9."


def test_a_genuine_replacement_character_is_flagged_too(tmp_path):
    # U+FFFD already in valid UTF-8 means characters were lost upstream: flagged, no warning
    p = tmp_path / "upstream.txt"
    p.write_text(f"Title\nA line where something was lost: {FFFD}.\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corpus = threads.read(p)
    assert corpus.units["flags"].fillna("").str.contains("bad_chars").tolist() == [False, True]


# ------------------------------------------------------------------ UTF-16 without a BOM, NULs, binaries
ARTICLE = "A headline\nThe first paragraph, caf\u00e9 and \u201cquotes\u201d.\nThe second paragraph.\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_text(tmp_path, encoding):
    p = tmp_path / f"{encoding}.txt"
    p.write_bytes(ARTICLE.encode(encoding))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corpus = threads.read(p)
    assert corpus.units["text"].tolist() == ARTICLE.split("\n")[:3]


def test_utf16_without_bom_that_is_not_valid_names_the_file(tmp_path):
    p = tmp_path / "broken16.txt"
    p.write_bytes("A headline\nsome text\n".encode("utf-16-le") + b"\x00\xd8" + "more\n".encode("utf-16-le"))
    with pytest.raises(InputError, match=re.escape(f"{p}: looks like UTF-16 (no byte-order mark) but is not "
                                                   "valid UTF-16")):
        threads.read(p)


def test_stray_nul_bytes_are_bad_characters_not_a_binary_file(tmp_path):
    p = tmp_path / "nul.txt"
    p.write_bytes(b"A headline\nThe first para\x00graph.\nThe second paragraph.\x00\n")
    with pytest.warns(EncodingWarning_, match=re.escape(f"{p}: 2 NUL characters replaced with U+FFFD")):
        corpus = threads.read(p)
    assert corpus.units["text"].tolist() == ["A headline", f"The first para{FFFD}graph.",
                                             f"The second paragraph.{FFFD}"]
    assert corpus.units["flags"].fillna("").str.contains("bad_chars").tolist() == [False, True, True]
    assert corpus.audit()["replaced_chars"].tolist() == [2]
    assert int(corpus.docs["unaccounted_chars"].iloc[0]) == 0


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(range(i, i + 48)) for i in range(16))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _zip_of_text() -> bytes:
    # stored (not compressed): mostly the text itself, so only the signature gives it away
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("article.txt", ARTICLE * 40)
    return buf.getvalue()


def _gzip_of_text() -> bytes:
    import gzip

    return gzip.compress((ARTICLE * 40).encode(), mtime=0)


def _elf() -> bytes:
    import sys

    with open(sys.executable, "rb") as f:
        data = f.read(16384)
    return data if data.startswith(b"\x7fELF") else b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00>\x00" + bytes(4000)


@pytest.mark.parametrize("make", [_png, _zip_of_text, _gzip_of_text, _elf], ids=["png", "zip", "gzip", "elf"])
def test_real_binaries_are_still_refused(tmp_path, make):
    p = tmp_path / "export.txt"
    p.write_bytes(make())
    with pytest.raises(InputError, match="^" + re.escape(f"{p}: looks like a binary file, not text")):
        threads.read(p)


def test_a_stored_zip_is_named_as_an_archive(tmp_path):
    p = tmp_path / "comments.csv"
    p.write_bytes(_zip_of_text())
    with pytest.raises(InputError, match=re.escape(f"{p}: looks like a binary file, not text (a zip archive")):
        threads.read(p)


# ------------------------------------------------------------------ lone surrogates in JSON
TEXT_KEYS = ("body", "text", "cooked", "content")
MARK = "@@lone@@"


def _with_lone_surrogate(raw: str, jsonl: bool = False) -> tuple[str, str]:
    """``raw`` JSON with ``\\ud800`` (as an escape) appended to the first comment-like text; and that text."""
    import json

    lines = raw.splitlines() if jsonl else [raw]
    data = json.loads(lines[0])
    todo = [data]
    while todo:
        item = todo.pop(0)
        if isinstance(item, dict):
            key = next((k for k in TEXT_KEYS if isinstance(item.get(k), str) and item[k]), None)
            if key is not None:
                before = item[key]
                item[key] = before + MARK
                break
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    else:  # pragma: no cover - the fixtures all have text
        raise AssertionError("no text field")
    lines[0] = json.dumps(data).replace(MARK, "\\ud800")
    return "\n".join(lines) + "\n", before


@pytest.mark.parametrize("name", ["reddit_thread.json", "hn_item.json", "discourse_topic.json",
                                  "lemmy_post.json", "lemmy_comments.json", "pushshift.jsonl"])
def test_lone_surrogate_in_json_is_replaced_flagged_and_saves(fixtures, tmp_path, name):
    raw = (fixtures / "platforms" / name).read_text(encoding="utf-8")
    text, _ = _with_lone_surrogate(raw, jsonl=name.endswith(".jsonl"))
    assert "\\ud800" in text
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    with pytest.warns(EncodingWarning_, match=re.escape(str(p)) + r".*1 lone surrogate replaced with U\+FFFD"):
        corpus = threads.read(p)
    hit = corpus.units[corpus.units["text"].str.contains(FFFD, regex=False)]
    assert len(hit) >= 1
    assert hit["flags"].str.contains("bad_chars").all()
    assert (corpus.problems["problem"] == "bad_chars").sum() == len(hit)
    for fmt in ("parquet", "jsonl", "csv"):
        again = threads.read_corpus(corpus.save(tmp_path / f"out-{fmt}", format=fmt))
        assert again.units["text"].tolist() == corpus.units["text"].tolist()


def test_lone_surrogate_in_a_json_array_table_and_a_key(tmp_path):
    p = tmp_path / "rows.json"
    p.write_text('[{"id": "a", "text": "fine"}, {"id": "b", "text": "x \\udc00 y", "extra\\ud83d": "1"}]')
    with pytest.warns(EncodingWarning_, match="2 lone surrogates replaced"):
        corpus = threads.read(p)
    assert corpus.units["text"].tolist() == ["fine", f"x {FFFD} y"]
    assert f"extra{FFFD}" in corpus.units.columns
    corpus.save(tmp_path / "out")


def test_surrogate_pairs_and_escaped_backslashes_are_left_alone(tmp_path):
    p = tmp_path / "rows.jsonl"
    p.write_text('{"id": "a", "text": "an emoji \\ud83d\\ude00 here"}\n{"id": "b", "text": "not an escape: \\\\ud800"}\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corpus = threads.read(p)
    assert corpus.units["text"].tolist() == ["an emoji \U0001f600 here", "not an escape: \\ud800"]
    assert not corpus.units["flags"].fillna("").str.contains("bad_chars").any()


def test_lone_surrogate_in_json_ld_of_a_page_saves(tmp_path):
    pytest.importorskip("lxml")
    p = tmp_path / "page.html"
    p.write_text('<html><head><title>T</title><script type="application/ld+json">{"@type": "NewsArticle", '
                 '"headline": "Head", "author": {"name": "A \\ud800"}}</script></head><body><article><h1>Head</h1>'
                 "<p>" + "Some article text here. " * 20 + "</p></article></body></html>", encoding="utf-8")
    corpus = _read(p)
    assert corpus.docs["author"].tolist() == [f"A {FFFD}"]
    corpus.save(tmp_path / "out")


# ------------------------------------------------------------------ exported times out of range
TIME_KEYS = ("created_utc", "created_at", "created_at_i", "published")
BAD_TIMES = [1e300, -1e12, 1e20, 0, "garbage", "99999-12-31T00:00:00Z"]


def _with_time(raw: str, value, jsonl: bool = False) -> str:
    """``raw`` JSON with the time of the first record that has text set to ``value``."""
    import json

    lines = raw.splitlines() if jsonl else [raw]
    data = json.loads(lines[0])
    todo = [data]
    while todo:
        item = todo.pop(0)
        if isinstance(item, dict):
            times = [k for k in TIME_KEYS if k in item]
            if times and any(isinstance(item.get(k), str) and item[k] for k in TEXT_KEYS):
                for k in times:  # HN reads created_at first, then the epoch created_at_i
                    item[k] = value if not (k == "created_at" and "created_at_i" in item
                                            and not isinstance(value, str)) else None
                break
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    lines[0] = json.dumps(data)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("value", BAD_TIMES, ids=[str(v) for v in BAD_TIMES])
@pytest.mark.parametrize("name", ["reddit_thread.json", "hn_item.json", "discourse_topic.json",
                                  "lemmy_comments.json", "pushshift.jsonl"])
def test_bad_exported_time_is_empty_and_flagged(fixtures, tmp_path, name, value):
    src = fixtures / "platforms" / name
    base = _read(src)
    p = tmp_path / name
    p.write_text(_with_time(src.read_text(encoding="utf-8"), value, jsonl=name.endswith(".jsonl")),
                 encoding="utf-8")
    corpus = _read(p)  # no OverflowError, ValueError or OutOfBoundsDatetime
    flagged = corpus.units["flags"].fillna("").str.contains("bad_date")
    assert flagged.sum() >= 1
    assert corpus.units.loc[flagged, "published"].isna().all()
    # nothing else lost its time, and nothing became 1970
    assert corpus.units["published"].isna().sum() == base.units["published"].isna().sum() + flagged.sum()
    assert (corpus.units["published"].dropna() > pd.Timestamp("1971-01-01", tz="UTC")).all()
    rows = corpus.problems[(corpus.problems["problem"] == "bad_date") & corpus.problems["unit_id"].notna()]
    assert sorted(rows["unit_id"]) == sorted(corpus.units.loc[flagged, "unit_id"])
    assert rows["detail"].str.contains(re.escape(repr(value)), regex=True).all()
    corpus.save(tmp_path / "out")


def test_bad_times_in_a_csv_table(tmp_path):
    p = tmp_path / "comments.csv"
    p.write_text("thread,id,parent_id,created_utc,body\n"
                 "s,a,,1700000000,fine\ns,b,a,1e300,huge\ns,c,a,-1e12,negative\ns,d,a,0,epoch zero\n"
                 "s,e,a,garbage,words\ns,f,a,,missing\n", encoding="utf-8")
    corpus = _read(p)
    units = corpus.units.set_index("platform_id")
    assert units.loc["a", "published"] == pd.Timestamp(1700000000, unit="s", tz="UTC")
    assert units["published"].isna().tolist() == [False, True, True, True, True, True]
    assert units["flags"].fillna("").str.contains("bad_date").tolist() == [False, True, True, True, True, False]
    bad = corpus.problems[corpus.problems["problem"] == "bad_date"]
    assert bad["unit_id"].tolist() == ["s:b", "s:c", "s:d", "s:e"]
    assert "cannot read 'garbage' as a time" in bad["detail"].iloc[3]


def test_time_rule(monkeypatch):
    from threads.times import parse_time

    assert parse_time(1700000000) == (pd.Timestamp(1700000000, unit="s", tz="UTC"), None)
    assert parse_time("2023-11-14T22:13:20Z")[0] == pd.Timestamp(1700000000, unit="s", tz="UTC")
    assert parse_time("2023-11-14 22:13:20")[0] == pd.Timestamp(1700000000, unit="s", tz="UTC")  # naive is UTC
    assert parse_time(None) == (None, None)
    assert parse_time("") == (None, None)
    assert parse_time(86400)[0] == pd.Timestamp("1970-01-02", tz="UTC")  # the earliest plausible time
    for bad in (86399, 0, -1, 1e300, 10**400, float("inf"), "1" * 400, "1970-01-01T00:00:00Z", True, [1]):
        when, why = parse_time(bad)
        assert when is None and why, bad
    tomorrow = pd.Timestamp.now(tz="UTC") + pd.Timedelta(hours=23)
    assert parse_time(tomorrow.isoformat())[0] is not None
    assert parse_time((tomorrow + pd.Timedelta(hours=2)).isoformat())[0] is None


def test_implausible_date_in_a_text_comment_header_is_flagged(fixtures, tmp_path):
    src = (fixtures / "text" / "techdirt-mini.txt").read_text(encoding="utf-8")
    assert "28 Nov 2017 @ 1:54pm" in src
    p = tmp_path / "techdirt.txt"
    p.write_text(src.replace("28 Nov 2017 @ 1:54pm", "28 Nov 1903 @ 1:54pm", 1), encoding="utf-8")
    corpus = _read(p)
    c = corpus.units[corpus.units["role"] == "comment"].reset_index(drop=True)
    assert pd.isna(c["published"].iloc[0]) and c["flags"].iloc[0] == "bad_date"
    bad = corpus.problems[corpus.problems["problem"] == "bad_date"]
    assert bad["unit_id"].tolist() == [c["unit_id"].iloc[0]]
    assert "'28 Nov 1903 @ 1:54pm'" in bad["detail"].iloc[0]


@pytest.mark.parametrize(("name", "good", "bad"), [
    ("disqus_export.xml", "<createdAt>2024-05-01T09:00:00Z</createdAt>", "<createdAt>garbage</createdAt>"),
    ("wxr_export.xml", "<wp:comment_date_gmt>", "<wp:comment_date_gmt>9"),
    # no post_date_gmt: the post's time comes from pubDate, here unreadable
    ("wxr_export.xml", "<pubDate>Wed, 01 May 2024 08:00:00 +0000</pubDate>",
     "<pubDate>Wed, 41 Foo 2024</pubDate><wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>"),
])
def test_bad_time_in_xml_exports_is_flagged(fixtures, tmp_path, name, good, bad):
    src = (fixtures / "platforms" / name).read_text(encoding="utf-8")
    assert good in src
    p = tmp_path / name
    p.write_text(src.replace(good, bad, 1).replace("<wp:post_date_gmt>2024-05-01 08:00:00</wp:post_date_gmt>", "")
                 if "pubDate" in good else src.replace(good, bad, 1), encoding="utf-8")
    corpus = _read(p)
    flagged = corpus.units["flags"].fillna("").str.contains("bad_date")
    # one comment, or the post's title and body units (the document row repeats nothing)
    assert flagged.sum() == (1 if "comment" in good or "createdAt" in good else 3)
    assert corpus.units.loc[flagged, "published"].isna().all()
    assert (corpus.problems["problem"] == "bad_date").sum() == flagged.sum()


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "0000000000",
                                   "1970-01-01T00:00:00Z", "99999999999", "31 December 9999 23:59"])
def test_page_times_out_of_range_are_none_not_a_traceback(value):
    from threads.formats._html import parse_when

    assert parse_when(value) is None
    assert parse_when("2016-06-23T17:21:00+02:00") == pd.Timestamp("2016-06-23T15:21:00Z").to_pydatetime()
