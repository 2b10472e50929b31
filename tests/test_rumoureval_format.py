"""RumourEval thread folders: one document per folder, the reply tree, and the keys as codes."""

from __future__ import annotations

import json
import shutil
import warnings

import pandas as pd
import pytest

import analysis
import threads
from analysis.validation.coding import CodingSheetError
from analysis.validation.rumoureval import read_rumoureval_key
from threads.errors import FormatError, InputError, ThreadframeWarning
from threads.formats._thread import DataGapWarning
from threads.read import detect_format


@pytest.fixture
def rumour(fixtures):
    return fixtures / "rumoureval"


def read_quiet(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThreadframeWarning)
        return threads.read(path)


def test_twitter_thread_folder_is_one_document_with_its_tree(rumour):
    with pytest.warns(DataGapWarning, match="9004"):
        c = threads.read(rumour / "twitter-english" / "harbour-fire" / "9001")
    assert c.docs["doc_id"].tolist() == ["9001"]
    doc = c.docs.iloc[0]
    assert doc["source_format"] == "rumoureval-twitter"
    assert doc["author"] == "harbournews"
    assert doc["url"] == "https://twitter.com/harbournews/status/9001"
    u = c.units.set_index("platform_id")
    assert u.loc["9001", "role"] == "body" and u.loc["9001", "depth"] == 0
    assert u.loc["9002", "parent_id"] == "9001:9001" and u.loc["9002", "depth"] == 1
    assert u.loc["9003", "parent_id"] == "9001:9002" and u.loc["9003", "depth"] == 2
    assert u.loc["9003", "author"] == "ben_s"
    assert u.loc["9002", "published"] == pd.Timestamp("2020-03-02 10:05:00", tz="UTC")
    # the files in the folder (urls.dat, the reply JSONs) are not read as documents of their own
    assert len(c.units) == 6


def test_absent_reply_is_flagged_not_dropped_and_keeps_its_replies_in_place(rumour):
    c = read_quiet(rumour / "twitter-english")
    u = c.units.set_index("platform_id")
    assert u.loc["9004", "flags"] == "text_lost" and u.loc["9004", "text"] == ""
    assert u.loc["9005", "parent_id"] == "9001:9004" and u.loc["9005", "depth"] == 2
    row = c.problems[c.problems["problem"] == "missing_reply"]
    assert row["unit_id"].tolist() == ["9001:9004"]
    assert "replies/9004.json is absent" in row["detail"].iloc[0]


def test_bad_time_is_flagged(rumour):
    c = read_quiet(rumour / "twitter-english")
    u = c.units.set_index("platform_id")
    assert pd.isna(u.loc["9006", "published"]) and "bad_date" in u.loc["9006", "flags"]


def test_reddit_thread_folder(rumour):
    c = read_quiet(rumour / "reddit-training-data" / "q7x1")
    assert c.docs["source_format"].tolist() == ["rumoureval-reddit"]
    assert c.docs["outlet"].iloc[0] == "r/DebunkThis"
    u = c.units.set_index("unit_id")
    assert u.loc["q7x1:q7x1", "role"] == "title" and u.loc["q7x1:q7x1", "platform_id"] == "q7x1"
    assert u.loc["q7x1:q7x1:body", "text"] == "Saw this claim on a poster."
    assert u.loc["q7x1:k1", "parent_id"] == "q7x1:q7x1" and u.loc["q7x1:k1", "author"] == "eve"
    assert u.loc["q7x1:k1", "published"] == pd.Timestamp(1583143800, unit="s", tz="UTC")
    assert u.loc["q7x1:k2", "flags"] == "deleted" and u.loc["q7x1:k2", "depth"] == 2
    assert u.loc["q7x1:k3", "role"] == "meta" and u.loc["q7x1:k3", "flags"] == "more_stub"


def test_whole_data_folder_reads_each_thread_once(rumour):
    c = read_quiet(rumour)
    assert sorted(c.docs["doc_id"]) == ["9001", "q7x1"]  # the key file is skipped, not a thread
    assert c.problems["source_path"].str.endswith("train-key.json").sum() == 1


def test_structure_json_is_sniffed_by_name():
    assert detect_format('{"1": {"2": []}}', "x/structure.json").name == "rumoureval"
    assert detect_format('{"1": {"2": []}}', "x/other.json").name != "rumoureval"


def _copy(rumour, tmp_path):
    dst = tmp_path / "9001"
    shutil.copytree(rumour / "twitter-english" / "harbour-fire" / "9001", dst)
    return dst


def test_malformed_structure_names_the_file(rumour, tmp_path):
    dst = _copy(rumour, tmp_path)
    (dst / "structure.json").write_text('{"9001": {"9002": [', encoding="utf-8")
    with pytest.raises(FormatError, match=r"structure\.json.*not valid JSON"):
        threads.read(dst / "structure.json")


def test_malformed_reply_names_the_reply_file(rumour, tmp_path):
    dst = _copy(rumour, tmp_path)
    (dst / "replies" / "9003.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(FormatError, match=r"9003\.json.*not valid JSON"):
        read_quiet(dst / "structure.json")
    # inside a folder walk the thread is skipped and listed, like any bad file
    with pytest.warns(UserWarning, match="9003.json"), pytest.raises(InputError, match="no readable files"):
        threads.read(tmp_path)


def test_missing_source_post_is_an_error(rumour, tmp_path):
    dst = _copy(rumour, tmp_path)
    (dst / "source-tweet" / "9001.json").unlink()
    (dst / "source-tweet" / "other.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="source post 9001"):
        threads.read(dst / "structure.json")


def test_structure_of_the_wrong_shape(rumour, tmp_path):
    dst = _copy(rumour, tmp_path)
    (dst / "structure.json").write_text(json.dumps({"9001": {"9002": "x"}}), encoding="utf-8")
    with pytest.raises(FormatError, match="replies of 9002 are a JSON str"):
        threads.read(dst / "structure.json")
    (dst / "structure.json").write_text(json.dumps({"9001": 7}), encoding="utf-8")
    with pytest.raises(FormatError, match="replies of 9001 are a JSON int"):
        threads.read(dst / "structure.json")
    (dst / "structure.json").write_text(json.dumps({"9001": ["9002"]}), encoding="utf-8")
    with pytest.raises(FormatError, match="replies of 9001 are a JSON list"):
        threads.read(dst / "structure.json")
    (dst / "structure.json").write_text("{}", encoding="utf-8")
    with pytest.raises(FormatError, match="naming the source post"):
        threads.read(dst / "structure.json")


def test_loose_top_level_reply_is_attached_to_the_source_and_listed(rumour, tmp_path):
    dst = _copy(rumour, tmp_path)
    (dst / "structure.json").write_text(json.dumps({"9001": {"9002": {"9003": []}}, "9006": []}), encoding="utf-8")
    c = read_quiet(dst)
    u = c.units.set_index("platform_id")
    assert u.loc["9006", "parent_id"] == "9001:9001"
    assert c.problems.loc[c.problems["problem"] == "detached_reply", "unit_id"].tolist() == ["9001:9006"]


# --------------------------------------------------------------------------- keys as codes


def test_key_as_codes_of_one_coder(rumour):
    c = read_quiet(rumour)
    codes = read_rumoureval_key(rumour / "train-key.json", c)
    assert list(codes.columns[:4]) == ["coder", "unit_id", "category", "code"]
    got = dict(zip(codes["unit_id"], codes["code"], strict=True))
    assert got["9001:9002"] == "query" and got["q7x1:q7x1"] == "support" and got["q7x1:k1"] == "deny"
    assert set(codes["coder"]) == {"train-key"} and set(codes["category"]) == {"frame"}
    assert codes.attrs["missing"] == ["404"]  # in the key, not in the corpus
    veracity = read_rumoureval_key(rumour / "train-key.json", task="b")
    assert dict(zip(veracity["unit_id"], veracity["code"], strict=True)) == {"9001": "true", "q7x1": "false"}


def test_key_codes_feed_the_reliability_tools(rumour, tmp_path):
    a = read_rumoureval_key(rumour / "train-key.json", coder="a")
    data = json.loads((rumour / "train-key.json").read_text())
    data["subtaskaenglish"]["9002"] = "comment"
    (tmp_path / "b.json").write_text(json.dumps(data))
    b = read_rumoureval_key(tmp_path / "b.json", coder="b")
    report = analysis.reliability_report(pd.concat([a, b], ignore_index=True))
    assert report["n_units"].iloc[0] == 8
    assert 0 < report["alpha"].iloc[0] < 1
    assert analysis.percent_agreement(pd.concat([a, b])) == pytest.approx(7 / 8)


def test_bad_key_label_names_file_and_post(rumour, tmp_path):
    data = json.loads((rumour / "train-key.json").read_text())
    data["subtaskaenglish"]["9002"] = "maybe"
    (tmp_path / "key.json").write_text(json.dumps(data))
    with pytest.raises(CodingSheetError, match=r"key\.json.*post 9002.*'maybe'"):
        read_rumoureval_key(tmp_path / "key.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(CodingSheetError, match=r"broken\.json.*invalid JSON"):
        read_rumoureval_key(tmp_path / "broken.json")
    (tmp_path / "other.json").write_text('{"labels": {}}')
    with pytest.raises(CodingSheetError, match="subtaskaenglish"):
        read_rumoureval_key(tmp_path / "other.json")


# --------------------------------------------------------------------------- the real folders


def test_real_rumoureval_folders(shared_data):
    root = shared_data / "stance" / "rumoureval2019"
    if not root.is_dir():
        pytest.skip("rumoureval2019 is absent")
    c = read_quiet(root / "twitter-english" / "ferguson")
    assert c.docs["source_format"].eq("rumoureval-twitter").all()
    assert (c.units["depth"] == 0).sum() == len(c.docs)  # one source post per thread
    codes = read_rumoureval_key(root / "dev-key.json", c)
    assert len(codes) > 0 and set(codes["code"]) <= {"support", "deny", "query", "comment"}
    r = read_quiet(root / "reddit-dev-data")
    assert r.docs["source_format"].eq("rumoureval-reddit").all() and len(r.docs) == 10
