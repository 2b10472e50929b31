"""Importing LIWC .dic, Lexicoder .lc3/.lcd and quanteda YAML dictionaries (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

import analysis
from analysis.tagging.dictionaries import MAX_LINE

FIX = Path(__file__).parent / "fixtures" / "dictionaries"


def _cues(cb):
    return {c.name: [q.pattern for q in c.cues] for c in cb}


def test_liwc_dic_categories_cues_and_report():
    cb, rep = analysis.import_dictionary(FIX / "mini.dic")
    assert cb.name == "mini" and cb.categories == ("surveillance", "rights_talk", "empty_one")
    assert _cues(cb) == {"surveillance": ["camera*", "facial recognition", "watch*"],
                         "rights_talk": ["facial recognition", "privacy"], "empty_one": []}
    assert cb["rights_talk"].label == "Rights talk"
    assert "imported from mini.dic" in cb["surveillance"].definition.lower()
    assert rep.format == "liwc" and rep.n_converted == 5 and rep.n_dropped == 4
    assert rep.empty_categories == ("empty_one",)
    why = dict(zip(rep.dropped["entry"], rep.dropped["reason"], strict=True))
    assert why["*veillance"].endswith("mini.dic, line 11: '*veillance': a leading wildcard cannot be "
                                      "expressed (cues match from the start of a word)")
    assert "line 12" in why[":)"] and "characters a cue cannot use" in why[":)"]
    assert "line 13" in why["like"] and "conditional" in why["like"]
    assert "line 14" in why["spy"] and "'07' is not in the '%' header" in why["spy"]
    dup = rep.rows[rep.rows["status"] == "duplicate"]
    assert dup["line"].tolist() == [10] and "repeats line 9" in dup["reason"].iloc[0]


def test_lexicoder_categories_phrases_and_dropped_regex():
    cb, rep = analysis.import_dictionary(FIX / "mini.lc3")
    assert _cues(cb) == {"surveillance": ["camera*", "facial recognition", "watchlist"],
                         "rights": ["privacy", "civil libert*"]}
    assert rep.format == "lexicoder"
    assert rep.dropped["entry"].tolist() == ["(rights|freedom)", "*ing"]
    assert rep.dropped["line"].tolist() == [8, 9]


def test_lcd_suffix_is_lexicoder(tmp_path):
    p = tmp_path / "neg.lcd"
    p.write_text("+negative\nabandon*\nnot good\n", encoding="utf-8")
    cb, rep = analysis.import_dictionary(p)
    assert rep.format == "lexicoder" and _cues(cb) == {"negative": ["abandon*", "not good"]}


def test_quanteda_yaml_nested_globs_and_scalar_values():
    cb, rep = analysis.import_dictionary(FIX / "mini.yml")
    assert cb.categories == ("state__police", "state", "rights", "economy")
    assert cb["state__police"].label == "state.police"
    assert _cues(cb) == {"state__police": ["police", "cop*", "facial recognition"],
                         "state": ["government"], "rights": ["privacy", "liberty"], "economy": ["trade"]}
    why = dict(zip(rep.dropped["entry"], rep.dropped["reason"], strict=True))
    assert set(why) == {"colo?r", "*ism", "free*dom"}
    assert "line 8" in why["colo?r"] and "'?'" in why["colo?r"]
    assert "line 10" in why["free*dom"] and "may only end a word" in why["free*dom"]


def test_strict_raises_naming_file_and_lines():
    with pytest.raises(analysis.CodebookError) as err:
        analysis.import_dictionary(FIX / "mini.lc3", strict=True)
    msg = str(err.value)
    assert "2 problems" in msg and "mini.lc3, line 8" in msg and "mini.lc3, line 9" in msg


@pytest.mark.parametrize("fixture", ["mini.dic", "mini.lc3", "mini.yml"])
def test_evidence_offsets_point_at_the_matched_text(fixture):
    cb, _ = analysis.import_dictionary(FIX / fixture)
    texts = ["Cameras everywhere: “facial\n recognition” for cops, and privacy?",
             "Über-watchful police; the Government watches; civil liberties and trade."]
    r = analysis.tag(texts, cb)
    assert len(r.evidence) >= 3
    for row in r.evidence.itertuples():
        assert texts[int(row.unit_id)][row.start:row.end] == row.matched
    assert "facial\n recognition" in r.evidence["matched"].tolist()


@pytest.mark.parametrize("fixture", ["mini.dic", "mini.lc3", "mini.yml"])
def test_written_codebook_loads_back_identical(fixture, tmp_path):
    cb, _ = analysis.import_dictionary(FIX / fixture, name="mine", version="2")
    out = analysis.write_codebook(cb, tmp_path / "mine.yaml")
    back = analysis.load_codebook(out)
    assert back == cb and back.id == "mine@2"


def test_hostile_binary_file(tmp_path):
    p = tmp_path / "x.dic"
    p.write_bytes(b"%\n1\ta\n%\n\x00\x01\x02binary")
    with pytest.raises(analysis.CodebookError, match=r"x\.dic: is a binary file"):
        analysis.import_dictionary(p)


def test_hostile_huge_line(tmp_path):
    p = tmp_path / "x.lc3"
    p.write_text("+a\nok\n" + "w" * (MAX_LINE + 1) + "\n", encoding="utf-8")
    with pytest.raises(analysis.CodebookError, match=r"x\.lc3, line 3: line of 10,001 characters"):
        analysis.import_dictionary(p)


def test_wrong_encoding_names_line_and_suggests_one(tmp_path):
    p = tmp_path / "x.dic"
    p.write_bytes("%\n1\tCafé\n%\nna\xefve\t1\n".encode("latin-1"))
    with pytest.raises(analysis.CodebookError, match=r"x\.dic, line 2: is not valid utf-8.*latin-1"):
        analysis.import_dictionary(p)
    cb, _ = analysis.import_dictionary(p, encoding="latin-1")
    assert cb["caf"].label == "Café" and _cues(cb) == {"caf": ["naïve"]}


@pytest.mark.parametrize("name,text,expect", [
    ("a.dic", "word\t1\n", r"a\.dic, line 1: a LIWC \.dic file starts with a '%' line"),
    ("a.dic", "%\n1\tx\n", r"a\.dic, line 1: the '%' header block is not closed"),
    ("a.dic", "%\n1\tx\nword\t1\n", r"a\.dic, line 3: header line 'word\\t1'.*closing '%' missing"),
    ("a.dic", "%\nfoo bar\n%\n", r"a\.dic, line 2: header line 'foo bar'"),
    ("a.lc3", "orphan\n+cat\nx\n", r"a\.lc3, line 1: 'orphan' comes before the first '\+category'"),
    ("a.lc3", "", r"a\.lc3: no '\+category' lines"),
    ("a.yml", "a: [x\n", r"a\.yml, line 2: not valid YAML"),
    ("a.yml", "- just\n- a list\n", r"a\.yml, line 1: a quanteda dictionary is a mapping"),
    ("a.yml", "a: !!python/name:os.system x\n", r"a\.yml, line 1: YAML tags are not allowed"),
    ("a.txt", "+a\nx\n", r"a\.txt: cannot tell the dictionary format"),
])
def test_malformed_files_raise_clear_errors(tmp_path, name, text, expect):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    with pytest.raises(analysis.CodebookError, match=expect):
        analysis.import_dictionary(p)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(analysis.CodebookError, match="nope.dic: cannot be read"):
        analysis.import_dictionary(tmp_path / "nope.dic")
    with pytest.raises(analysis.CodebookError, match="unknown dictionary format 'liwc2015'"):
        analysis.import_dictionary(FIX / "mini.dic", format="liwc2015")
    with pytest.raises(analysis.CodebookError, match="mini.dic: unknown encoding 'klingon'"):
        analysis.import_dictionary(FIX / "mini.dic", encoding="klingon")


def test_format_overrides_suffix_and_names_collide(tmp_path):
    p = tmp_path / "words.txt"
    p.write_text("+Rights!\nprivacy\n+rights?\nliberty\n+2020\nvote\n", encoding="utf-8")
    cb, _ = analysis.import_dictionary(p, format="lexicoder")
    assert cb.categories == ("rights", "rights_2", "c_2020")
    assert [c.label for c in cb] == ["Rights!", "rights?", "2020"]


def test_yaml_lookalike_words_crlf_and_bom_survive_the_round_trip(tmp_path):
    p = tmp_path / "odd.dic"
    text = "%\r\n1\tWords\r\n%\r\nno\t1\r\nnull\t1\r\n1984\t1\r\ntrue\t1\r\nyes please\t1\r\n"
    p.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    cb, rep = analysis.import_dictionary(p)
    assert _cues(cb) == {"words": ["no", "null", "1984", "true", "yes please"]} and rep.n_dropped == 0
    back = analysis.load_codebook(analysis.write_codebook(cb, tmp_path / "odd.yaml"))
    assert back == cb
    r = analysis.tag(["No, 1984 is true."], back)
    assert r.evidence["matched"].tolist() == ["No", "1984", "true"]


def test_category_names_that_look_like_markers_are_categories(tmp_path):
    p = tmp_path / "m.lc3"
    p.write_text("+!important\nurgent\n+?maybe\nperhaps\n", encoding="utf-8")
    cb, rep = analysis.import_dictionary(p)
    assert _cues(cb) == {"important": ["urgent"], "maybe": ["perhaps"]} and rep.n_dropped == 0
