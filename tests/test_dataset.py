"""The on-disk corpus (issue 15): a Parquet dataset partitioned by document, read lazily."""

from __future__ import annotations

import json
import random
import warnings

import pandas as pd
import pytest
import zstandard

import threads
from threads.errors import CorpusError, SchemaError
from threads.formats.reddit_dump import read_reddit_dump


def _dump(tmp_path, n_threads=12, seed=3):
    """Comments of ``n_threads`` threads interleaved in time order, their submissions in a
    second file, plus an orphan, a self-reply, a non-JSON line and a cut last line."""
    rng = random.Random(seed)
    subs, comments = [], []
    for t in range(n_threads):
        subs.append({"id": f"p{t}", "subreddit": f"sub{t % 3}", "title": f"Post {t}", "author": f"op{t}",
                     "selftext": "Para one.\n\nPara two." if t % 2 else "", "is_self": t % 2 == 1,
                     "url": f"https://example.org/{t}", "permalink": f"/r/sub{t % 3}/comments/p{t}/",
                     "created_utc": 1700000000 + t})
        ids: list[str] = []
        for c in range(rng.randint(1, 30)):
            parent = f"t1_{rng.choice(ids)}" if ids and rng.random() < 0.7 else f"t3_p{t}"
            cid = f"c{t}_{c}"
            comments.append({"id": cid, "link_id": f"t3_p{t}", "parent_id": parent, "body": f"text {cid}",
                             "author": rng.choice(["a", "b", "[deleted]"]), "subreddit": f"sub{t % 3}",
                             "created_utc": 1700000100 + rng.randint(0, 10_000)})
            ids.append(cid)
    comments.sort(key=lambda c: c["created_utc"])
    comments.append({"id": "lost", "link_id": "t3_p0", "parent_id": "t1_nowhere", "body": "orphan",
                     "created_utc": 1700020000})
    comments.append({"id": "me", "link_id": "t3_p1", "parent_id": "t1_me", "body": "self-reply",
                     "created_utc": 1700020001})
    comments.append({"id": "x", "link_id": "t3_unseen", "parent_id": "t3_unseen", "body": "no submission",
                     "created_utc": 1700020002})
    lines = [json.dumps(c) for c in comments]
    lines.insert(5, "this is not json")
    rc = tmp_path / "RC_2023-11.zst"
    rc.write_bytes(zstandard.ZstdCompressor().compress(("\n".join(lines) + '\n{"id": "cut').encode()))
    rs = tmp_path / "RS_2023-11.zst"
    rs.write_bytes(zstandard.ZstdCompressor().compress("\n".join(json.dumps(s) for s in subs).encode()))
    return [rs, rc]


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def assert_same(a: threads.Corpus, b: threads.Corpus) -> None:
    for t in ("docs", "units", "problems"):
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), obj=t)


def assert_partitioned(ds: threads.DatasetCorpus) -> None:
    """No document, and so no thread, is split: each partition holds all units of its documents."""
    doc_part, unit_part = {}, {}
    for k, part in enumerate(ds.iter_partitions()):
        for d in part.docs["doc_id"]:
            assert d not in doc_part, f"document {d} in partitions {doc_part[d]} and {k}"
            doc_part[d] = k
        for u, d in zip(part.units["unit_id"], part.units["doc_id"], strict=True):
            assert doc_part.get(d) == k, f"unit {u} of {d} is in partition {k}"
            unit_part[u] = k
        ids = set(part.units["unit_id"])
        assert set(part.units["parent_id"].dropna()) <= ids  # every reply tree is whole here
    assert len(unit_part) == len(ds)


def test_a_dump_stream_written_by_document_reads_back_as_the_in_memory_corpus(tmp_path):
    paths = _dump(tmp_path)
    ds = quiet(threads.write_dataset, paths, tmp_path / "ds", partitions=4, batch_rows=7)
    assert ds.n_partitions == 4 and not (tmp_path / "ds" / "_spill").exists()
    assert_partitioned(ds)
    memory = quiet(read_reddit_dump, paths)
    assert_same(ds.to_corpus(), memory)
    assert len(ds) == len(memory.units) and ds.manifest["documents"] == len(memory.docs)
    problems = memory.problems.set_index("problem")["detail"]
    assert problems["bad_line"].startswith("line 6: not JSON")
    assert "the last line is cut off" in problems["truncated"]
    assert {"orphan", "loop", "bad_line", "truncated"} <= set(memory.problems["problem"])
    assert "t3_unseen" in set(ds.docs["doc_id"])


def test_partition_count_does_not_change_the_corpus(tmp_path):
    paths = _dump(tmp_path, n_threads=20, seed=8)
    one = quiet(threads.write_dataset, paths, tmp_path / "one", partitions=1)
    many = quiet(threads.write_dataset, paths, tmp_path / "many", partitions=7, batch_rows=5)
    sized = quiet(threads.write_dataset, paths, tmp_path / "sized", rows_per_partition=60, batch_rows=9)
    assert_partitioned(many)
    assert_partitioned(sized)
    assert 3 < sized.n_partitions < 20  # buckets joined up to about 60 units
    assert max(len(p.units) for p in sized.iter_partitions()) < 60 + 40  # plus at most one thread
    assert_same(one.to_corpus(), many.to_corpus())
    assert_same(one.to_corpus(), sized.to_corpus())
    assert sum(len(p.units) for p in many.iter_partitions()) == len(one)


def test_an_in_memory_corpus_round_trips(tmp_path):
    corpus = threads.sample_corpus()
    ds = threads.write_dataset(corpus, tmp_path / "ds", partitions=3)
    assert_partitioned(ds)
    assert_same(ds.to_corpus(), corpus)
    batches = list(ds.iter_batches("units", columns=["unit_id", "text"], batch_size=10))
    assert all(len(b) <= 10 and list(b.columns) == ["unit_id", "text"] for b in batches)
    assert sorted(pd.concat(batches)["unit_id"]) == sorted(corpus.units["unit_id"])
    pd.testing.assert_frame_equal(ds.docs, corpus.docs)


def test_open_corpus_checks_what_it_opens(tmp_path):
    ds = threads.write_dataset(threads.sample_corpus(), tmp_path / "ds")
    with pytest.raises(CorpusError, match="not empty"):
        threads.write_dataset(threads.sample_corpus(), tmp_path / "ds")
    again = threads.write_dataset(threads.sample_corpus(), tmp_path / "ds", overwrite=True, partitions=2)
    assert again.n_partitions == 2 and "2 partitions" in repr(again)
    manifest = json.loads((ds.path / "manifest.json").read_text())
    (ds.path / "manifest.json").write_text(json.dumps(manifest | {"schema_version": "threadframe-corpus/0"}))
    with pytest.raises(SchemaError, match="written with schema 'threadframe-corpus/0'"):
        threads.open_corpus(ds.path)
    with pytest.raises(SchemaError, match="not a corpus dataset"):
        threads.open_corpus(tmp_path)
    saved = threads.sample_corpus().save(tmp_path / "saved")
    with pytest.raises(SchemaError, match="not a dataset; read it with threads.read_corpus"):
        threads.open_corpus(saved)
    (ds.path / "manifest.json").write_text(json.dumps(manifest))
    (ds.path / "units" / "part-00001.parquet").unlink()
    with pytest.raises(SchemaError, match="incomplete dataset"):
        threads.open_corpus(ds.path)
