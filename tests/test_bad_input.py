"""Bad input for threads.read: each case raises an error naming the file and
the problem, or decodes with a warning, or is skipped and reported."""

from __future__ import annotations

import re
import warnings

import pytest

import threads
from threads.errors import EncodingWarning_, InputError, ThreadframeError
from threads.read import SkippedFileWarning

ARTICLE = "A headline\nThe first paragraph of an article.\nThe second paragraph.\n"


def _raises(path, problem, **kw):
    with pytest.raises(InputError, match="^" + re.escape(f"{path}: {problem}")) as info:
        threads.read(path, **kw)
    assert isinstance(info.value, ThreadframeError)
    assert info.value.source == str(path)
    return info.value


def test_missing_path(tmp_path):
    _raises(tmp_path / "nothere.txt", "no such file or directory")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    _raises(p, "file is empty")


def test_whitespace_only_file(tmp_path):
    p = tmp_path / "blank.txt"
    p.write_bytes(b" \n\r\n\t\n")
    _raises(p, "file contains only whitespace")


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(0, 32)) * 4,
    bytes(range(256)) * 8,
])
def test_binary_file(tmp_path, data):
    p = tmp_path / "picture.txt"  # the name says text; the content decides
    p.write_bytes(data)
    _raises(p, "looks like a binary file, not text")


def test_cp1252_file_decodes_with_a_warning(tmp_path):
    p = tmp_path / "windows.txt"
    p.write_bytes("A headline\n\u201cSmart quotes\u201d and a caf\u00e9 \u2013 in cp1252.\n".encode("cp1252"))
    with pytest.warns(EncodingWarning_, match=re.escape(f"{p}: not valid UTF-8") + r".*decoded as cp1252"):
        corpus = threads.read(p)
    assert corpus.units["text"].tolist() == ["A headline", "\u201cSmart quotes\u201d and a caf\u00e9 \u2013 in cp1252."]


def test_latin1_file_decodes_with_a_warning(tmp_path):
    p = tmp_path / "latin.txt"
    # 0x81 and 0x8d do not exist in cp1252, so only latin-1 reads this
    p.write_bytes(b"Stra\xdfe \x81\x8d und Gr\xfc\xdfe\n")
    with pytest.warns(EncodingWarning_, match="decoded as latin-1"):
        corpus = threads.read(p)
    assert corpus.units["text"].iloc[0].startswith("Stra\u00dfe")
    assert int(corpus.docs["unaccounted_chars"].iloc[0]) == 0


def test_utf8_bom_and_utf16_are_text(tmp_path):
    a = tmp_path / "bom.txt"
    a.write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    b = tmp_path / "utf16.txt"
    b.write_bytes(ARTICLE.encode("utf-16"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corpus = threads.read([a, b])
    assert corpus.units.groupby("doc_id")["text"].apply(list).tolist() == [ARTICLE.split("\n")[:3]] * 2


def test_utf16_bom_with_invalid_utf16_names_the_file(tmp_path):
    # an unpaired surrogate after a UTF-16 byte-order mark (found by hypothesis)
    p = tmp_path / "broken16.txt"
    p.write_bytes(b"\xff\xfeh\x00i\x00\x00\xd8")
    with pytest.raises(InputError, match=r"broken16\.txt: starts with a UTF-16 byte-order mark but is not valid"):
        threads.read(p)


def test_size_limit(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text(ARTICLE * 100, encoding="utf-8")
    _raises(p, f"file is {p.stat().st_size:,} bytes, over the limit of 1,000", max_bytes=1000)


def test_directory_parses_what_is_inside_and_reports_skips(tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    with pytest.warns(SkippedFileWarning) as record:
        corpus = threads.read(tmp_path)
    assert sorted(str(w.message) for w in record) == [
        f"skipped {tmp_path / 'empty.txt'}: file is empty",
        f"skipped {tmp_path / 'image.png'}: looks like a binary file, not text (NUL or control bytes)",
    ]
    # two files with the same name get distinct ids; the hidden file is ignored
    assert sorted(corpus.docs["doc_id"]) == ["good", "good-2"]
    skipped = corpus.problems[corpus.problems["problem"] == "skipped"]
    assert sorted(skipped["source_path"]) == [str(tmp_path / "empty.txt"), str(tmp_path / "image.png")]
    assert sorted(skipped["detail"]) == ["file is empty", "looks like a binary file, not text (NUL or control bytes)"]


def test_directory_without_readable_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.warns(SkippedFileWarning):
        err = _raises(tmp_path, "no readable files (1 skipped:")
    assert "empty.txt: file is empty" in str(err)


def test_empty_directory(tmp_path):
    _raises(tmp_path, "folder contains no files")


def test_a_bad_file_among_given_files_names_that_file(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    _raises(bad, "looks like a binary file")
    with pytest.raises(InputError, match=re.escape(str(bad))):
        threads.read([good, bad])


def test_unknown_format_name(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(threads.FormatError, match="unknown format 'docx'; known: .*text"):
        threads.read(p, format="docx")


# ------------------------------------------------------------------ arbitrary bytes
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_bytes = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.text(alphabet=st.characters(max_codepoint=255), max_size=200).map(lambda t: t.encode("latin-1")),
    st.text(max_size=100).map(lambda t: t.encode("utf-16")),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_bytes)
def test_any_bytes_give_a_corpus_or_a_clear_error(tmp_path, data):
    p = tmp_path / "any.txt"
    p.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # encoding and unplaced-text warnings are fine here
        try:
            corpus = threads.read(p)
        except ThreadframeError as exc:
            assert str(exc).startswith(f"{p}: ")
            return
    assert int(corpus.docs["unaccounted_chars"].iloc[0]) == 0
