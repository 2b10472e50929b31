"""Corpus.to_convokit writes ConvoKit's own folder layout; from_convokit / threads.read read it back (issue 17).

``tests/fixtures/convokit/reddit_small`` was written by ConvoKit 5.0.0's
``Corpus.dump`` (the script beside it), so the reader is tested on the files
ConvoKit writes, and the writer is compared against them key by key.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

import threads
from threads.convokit import FILES, UNKNOWN_SPEAKER
from threads.errors import FormatError, InputError, ReplyTreeWarning
from threads.read import SkippedFileWarning

FIX = Path(__file__).parent / "fixtures"
PLATFORMS = FIX / "platforms"
CONVOKIT = FIX / "convokit" / "reddit_small"
UTTERANCE_KEYS = ["id", "conversation_id", "text", "speaker", "meta", "reply-to", "timestamp", "vectors"]


def _quiet_read(path) -> threads.Corpus:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return threads.read(path)


def _lines(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "utterances.jsonl").read_text(encoding="utf-8").splitlines()]


def _assert_same(a: threads.Corpus, b: threads.Corpus) -> None:
    pd.testing.assert_frame_equal(a.docs, b.docs)
    pd.testing.assert_frame_equal(a.units, b.units)
    pd.testing.assert_frame_equal(a.problems, b.problems)


@pytest.mark.parametrize("source", ["reddit_thread.json", "discourse_topic.json", "comments.csv",
                                    "hn_item.json", "mastodon_thread.json", "youtube_comment_threads.json"])
def test_round_trip_is_exact(tmp_path, source):
    corpus = _quiet_read(PLATFORMS / source)
    folder = corpus.to_convokit(tmp_path / "ck")
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    _assert_same(corpus, threads.from_convokit(folder))
    _assert_same(corpus, _quiet_read(folder))  # threads.read finds the folder by its content


def test_round_trip_of_the_sample_corpus_and_a_saved_copy(tmp_path):
    corpus = threads.sample_corpus()
    _assert_same(corpus, threads.from_convokit(corpus.to_convokit(tmp_path / "ck")))
    saved = threads.read_corpus(corpus.save(tmp_path / "saved"))
    _assert_same(saved, threads.from_convokit(saved.to_convokit(tmp_path / "ck2")))


def test_layout_matches_what_convokit_writes(tmp_path):
    corpus = _quiet_read(PLATFORMS / "reddit_thread.json")
    folder = corpus.to_convokit(tmp_path / "ck")
    ours, theirs = _lines(folder), _lines(CONVOKIT)
    assert [list(u) for u in ours] == [UTTERANCE_KEYS] * len(ours)
    assert list(theirs[0]) == UTTERANCE_KEYS
    for name in ("speakers.json", "conversations.json"):
        for entry in (json.loads((d / name).read_text()) for d in (folder, CONVOKIT)):
            assert all(list(v) == ["meta", "vectors"] for v in entry.values())
    index = json.loads((folder / "index.json").read_text())
    assert list(index) == list(json.loads((CONVOKIT / "index.json").read_text()))
    # every metadata key of every utterance is indexed with its Python type, as ConvoKit does
    for u in ours:
        for k, v in u["meta"].items():
            assert v is None or str(type(v)) in index["utterances-index"][k]


def test_conversation_tree_and_times(tmp_path):
    corpus = _quiet_read(PLATFORMS / "reddit_thread.json")
    utts = {u["id"]: u for u in _lines(corpus.to_convokit(tmp_path / "ck"))}
    doc = corpus.docs["doc_id"].iloc[0]
    root = utts[doc]
    assert root["reply-to"] is None and root["meta"]["role"] == "document"
    assert root["text"] == "\n\n".join(corpus.units.loc[corpus.units["role"] == "body", "text"])
    assert [r["role"] for r in root["meta"]["threadframe_units"]] == ["title", "body", "body"]
    comments = corpus.units[corpus.units["role"] == "comment"]
    for row in comments.itertuples():
        u = utts[row.unit_id]
        assert u["conversation_id"] == doc
        assert u["reply-to"] == (row.parent_id if isinstance(row.parent_id, str) else doc)
        assert u["text"] == row.text
        assert u["timestamp"] == int(row.published.timestamp())
        assert u["speaker"] == (row.author if isinstance(row.author, str) else UNKNOWN_SPEAKER)
    # a "more" stub has no time: it borrows its parent's so ConvoKit can sort, and says so
    stub = corpus.units[corpus.units["flags"].str.contains("more_stub")].iloc[0]
    u = utts[stub["unit_id"]]
    assert u["meta"]["timestamp_missing"] is True
    assert u["timestamp"] == utts[stub["parent_id"]]["timestamp"]


def test_subsecond_times_survive(tmp_path):
    df = pd.DataFrame({"thread": ["t"] * 2, "id": ["a", "b"], "reply_to": [None, "a"], "body": ["x", "y"],
                       "when": ["2024-05-01T10:00:00.123456Z", "2024-05-01T10:00:01Z"]})
    c = threads.Corpus.from_pandas(df, doc_id="thread", unit_id="id", parent_id="reply_to", text="body",
                                   published="when")
    utts = _lines(c.to_convokit(tmp_path / "ck"))
    assert [u["timestamp"] for u in utts[1:]] == [1714557600.123456, 1714557601]
    _assert_same(c, threads.from_convokit(tmp_path / "ck"))


def test_unit_named_like_its_document_gets_a_distinct_root(tmp_path):
    df = pd.DataFrame({"thread": ["t1", "t1"], "id": ["t1", "b"], "reply_to": [None, "t1"], "body": ["x", "y"]})
    c = threads.Corpus.from_pandas(df, doc_id="thread", unit_id="id", parent_id="reply_to", text="body")
    utts = _lines(c.to_convokit(tmp_path / "ck"))
    assert [u["id"] for u in utts] == ["t1:document", "t1", "b"]
    assert utts[2]["reply-to"] == "t1"
    _assert_same(c, threads.from_convokit(tmp_path / "ck"))


def test_tags_become_utterance_metadata(tmp_path):
    from analysis import tag

    corpus = _quiet_read(PLATFORMS / "reddit_thread.json")
    result = tag(corpus)
    utts = {u["id"]: u for u in _lines(corpus.to_convokit(tmp_path / "ck", tags=result))}
    wide = result.wide()
    for unit_id in corpus.units.loc[corpus.units["role"] == "comment", "unit_id"]:
        meta = utts[unit_id]["meta"]
        assert meta["tags"] == [c for c in wide.columns if wide.loc[unit_id, c]]
        assert set(meta["tag_scores"]) == set(result.codebook.categories)
        ev = result.evidence[result.evidence["unit_id"] == unit_id]
        assert [(e["category"], e["start"], e["end"]) for e in meta["evidence"]] == list(
            zip(ev["category"], ev["start"], ev["end"], strict=True))
        assert meta["stance"] == result.stance.set_index("unit_id").loc[unit_id, "stance"]
    assert any(utts[u]["meta"]["tags"] for u in corpus.units["unit_id"] if u in utts)
    back = threads.from_convokit(tmp_path / "ck")  # the tags come back as extra unit columns
    pd.testing.assert_frame_equal(back.units[corpus.units.columns], corpus.units)
    assert {"tags", "tag_scores", "evidence", "stance"} <= set(back.units.columns)


def test_tags_from_a_tag_folder_and_from_another_corpus(tmp_path):
    corpus = _quiet_read(PLATFORMS / "reddit_thread.json")
    uid = corpus.units["unit_id"].iloc[3]
    folder = tmp_path / "tags"
    folder.mkdir()
    pd.DataFrame({"unit_id": [uid, uid], "doc_id": ["d", "d"], "category": ["rights", "security"],
                  "score": [2.0, 0.0], "present": [True, False]}).to_parquet(folder / "tags.parquet")
    utts = {u["id"]: u for u in _lines(corpus.to_convokit(tmp_path / "ck", tags=folder))}
    assert utts[uid]["meta"]["tags"] == ["rights"]
    assert utts[uid]["meta"]["tag_scores"] == {"rights": 2.0, "security": 0.0}
    other = pd.DataFrame({"unit_id": ["nope:1"], "category": ["rights"], "present": [True]})
    with pytest.raises(threads.CorpusError, match="none of its unit ids"):
        corpus.to_convokit(tmp_path / "ck2", tags=other)
    with pytest.raises(InputError, match="no tags.parquet"):
        corpus.to_convokit(tmp_path / "ck3", tags=tmp_path)


# ---------------------------------------------------------------------- a corpus ConvoKit wrote
def test_reads_a_folder_convokit_wrote():
    c = threads.read(CONVOKIT)
    assert c.docs["doc_id"].tolist() == ["p1", "q1"]
    assert c.docs["title"].tolist() == ["Facial recognition in the city centre", "Leaks"]
    assert set(c.docs["source_format"]) == {"convokit"}
    u = c.units.set_index("platform_id")
    assert u.loc["p1", "role"] == "body" and u.loc["p1", "depth"] == 0
    assert u.loc["c2", "parent_id"] == "p1:c1" and u.loc["c2", "depth"] == 2
    assert u.loc["c1", "parent_id"] == "p1:p1" and u.loc["c1", "depth"] == 1
    assert u.loc["c3", "flags"] == "deleted" and u.loc["c3", "text"] == "" and pd.isna(u.loc["c3", "author"])
    assert u.loc["c4", "published"] == pd.Timestamp("2023-11-14T22:20:00.5Z")
    assert u.loc["c4", "score"] == 1 and u.loc["c4", "top_level_comment"] == "c3"
    assert len(c.problems) == 0


def test_detected_inside_a_larger_folder(tmp_path):
    threads.sample_corpus().to_convokit(tmp_path / "a")
    (tmp_path / "b").mkdir()
    for f in CONVOKIT.iterdir():
        (tmp_path / "b" / f.name).write_bytes(f.read_bytes())
    c = threads.read(tmp_path)
    assert set(c.docs["doc_id"]) == set(threads.sample_corpus().docs["doc_id"]) | {"p1", "q1"}
    assert threads.detect_format((CONVOKIT / "utterances.jsonl").read_text(), "utterances.jsonl").name == "convokit"


# ---------------------------------------------------------------------- bad input
def _copy(tmp_path) -> Path:
    d = tmp_path / "ck"
    d.mkdir()
    for f in CONVOKIT.iterdir():
        (d / f.name).write_bytes(f.read_bytes())
    return d


def test_truncated_utterances_name_the_file_and_line(tmp_path):
    d = _copy(tmp_path)
    text = (d / "utterances.jsonl").read_text()
    (d / "utterances.jsonl").write_text(text[: text.index("\n", 10) + 40])
    with pytest.raises(FormatError, match=r"utterances.jsonl: line 2 is not valid JSON"):
        threads.from_convokit(d)


def test_broken_sibling_file_is_named(tmp_path):
    d = _copy(tmp_path)
    (d / "conversations.json").write_text("{not json")
    with pytest.raises(FormatError, match=r"utterances.jsonl: conversations.json beside it is not valid JSON"):
        threads.from_convokit(d)
    (d / "conversations.json").write_text("[1, 2]")
    with pytest.raises(FormatError, match=r"conversations.json beside it is not a JSON object"):
        threads.read(d / "utterances.jsonl")
    # inside a folder the entry is skipped and listed, and the message says which sibling broke
    with pytest.warns(SkippedFileWarning), pytest.raises(InputError, match="conversations.json beside it"):
        threads.read(d)


def test_not_a_convokit_folder(tmp_path):
    with pytest.raises(InputError, match="no utterances.jsonl"):
        threads.from_convokit(tmp_path)
    (tmp_path / "utterances.jsonl").write_text('{"text": "hello"}\n')
    with pytest.raises(FormatError, match="has no id or conversation_id"):
        threads.from_convokit(tmp_path)


def test_binary_metadata_is_never_unpickled(tmp_path):
    d = _copy(tmp_path)
    lines = _lines(d)
    lines[1]["meta"]["parsed"] = "<##bin{0}&&@**>"
    (d / "utterances.jsonl").write_text("".join(json.dumps(u) + "\n" for u in lines))
    # a pickle that would raise if anyone loaded it
    (d / "parsed-bin.p").write_bytes(b"cos\nsystem\n(S'false'\ntR.")
    c = threads.from_convokit(d)
    assert c.units.set_index("platform_id").loc["c1", "parsed"] == "<##bin{0}&&@**>"
    assert c.problems["problem"].tolist() == ["binary_meta"]


def test_reply_to_a_missing_utterance_is_an_orphan(tmp_path):
    d = _copy(tmp_path)
    lines = _lines(d)
    lines[2]["reply-to"] = "gone"
    (d / "utterances.jsonl").write_text("".join(json.dumps(u) + "\n" for u in lines))
    with pytest.warns(ReplyTreeWarning):
        c = threads.from_convokit(d)
    row = c.units.set_index("platform_id").loc["c2"]
    assert "orphan" in row["flags"] and row["depth"] == 1


def test_missing_conversation_ids_follow_the_reply_chain(tmp_path):
    d = _copy(tmp_path)
    lines = _lines(d)
    for u in lines:
        if u["id"] in ("c2", "c4"):
            u["conversation_id"] = None  # ConvoKit fills these from the reply chain; so do we
    (d / "utterances.jsonl").write_text("".join(json.dumps(u) + "\n" for u in lines))
    c = threads.from_convokit(d)
    u = c.units.set_index("platform_id")
    assert u.loc["c2", "doc_id"] == "p1" and u.loc["c4", "doc_id"] == "p1"
    assert u.loc["c4", "parent_id"] == "p1:c3"


def test_an_utterance_added_in_convokit_reads_as_a_comment(tmp_path):
    corpus = _quiet_read(PLATFORMS / "reddit_thread.json")
    folder = corpus.to_convokit(tmp_path / "ck")
    doc = corpus.docs["doc_id"].iloc[0]
    with open(folder / "utterances.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "new1", "conversation_id": doc, "text": "Added later.", "speaker": "zoe",
                            "meta": {}, "reply-to": doc, "timestamp": 1700000900, "vectors": []}) + "\n")
    back = threads.from_convokit(folder)
    row = back.units.set_index("unit_id").loc["new1"]
    assert row["role"] == "comment" and row["author"] == "zoe" and row["text"] == "Added later."
    assert pd.isna(row["parent_id"]) and row["depth"] == 1  # a top-level comment
    pd.testing.assert_frame_equal(back.units[back.units["unit_id"] != "new1"].reset_index(drop=True),
                                  corpus.units)


def test_exchange_modules_do_not_import_analysis():
    import subprocess
    import sys

    code = ("import sys, threads, threads.convokit, threads.refi_qda, threads.refi_qda_read, threads.tidy\n"
            "threads.formats.registry()\n"
            "assert not [m for m in sys.modules if m.split('.')[0] == 'analysis'], 'threads imported analysis'")
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": ""})
    assert proc.returncode == 0, proc.stderr
