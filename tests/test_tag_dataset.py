"""Tagging a corpus on disk partition by partition, in one process or several,
gives the tables that tagging it in memory gives."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import analysis
import threads
from analysis.cli import main

KEY = ["unit_id", "category"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = threads.sample_corpus()
    return corpus, threads.write_dataset(corpus, tmp_path_factory.mktemp("ds") / "ds", partitions=3)


def _sorted(frame, key):
    return frame.sort_values(key).reset_index(drop=True).astype(object)


def test_one_process_equals_in_memory_tagging(dataset, tmp_path):
    corpus, ds = dataset
    out = analysis.tag_dataset(ds, out=tmp_path / "tags")
    ref = analysis.tag(corpus)
    got = {t: pd.read_parquet(out / f"{t}.parquet") for t in ("tags", "evidence", "stance")}
    assert _sorted(got["tags"], KEY).equals(_sorted(ref.tags, KEY))
    assert _sorted(got["stance"], ["unit_id"]).equals(_sorted(ref.stance, ["unit_id"]))
    ev_key = ["unit_id", "category", "start", "cue"]
    assert _sorted(got["evidence"], ev_key).equals(_sorted(ref.evidence, ev_key))
    assert len(list((out / "tags.parquet").glob("part-*.parquet"))) == ds.n_partitions


def test_two_processes_equal_one(dataset, tmp_path):
    _, ds = dataset
    one = analysis.tag_dataset(ds.path, out=tmp_path / "one", n_jobs=1)
    two = analysis.tag_dataset(ds.path, out=tmp_path / "two", n_jobs=2)
    for table in ("tags", "evidence", "stance", "stance_evidence"):
        # same files, same rows in the same order: partitions are tagged independently
        assert pd.read_parquet(one / f"{table}.parquet").equals(pd.read_parquet(two / f"{table}.parquet"))


def test_bad_n_jobs_is_a_clear_error(dataset, tmp_path):
    with pytest.raises(analysis.TaggingError, match="n_jobs must be"):
        analysis.tag_dataset(dataset[1], out=tmp_path / "x", n_jobs=0)


def test_cli_tags_a_dataset_and_refuses_n_jobs_for_a_corpus_dir(dataset, tmp_path, capsys):
    corpus, ds = dataset
    assert main(["tag", str(ds.path), "--out", str(tmp_path / "t"), "--no-progress"]) == 0
    assert "one file per partition" in capsys.readouterr().out
    assert len(pd.read_parquet(tmp_path / "t" / "tags.parquet")) == len(analysis.tag(corpus).tags)
    saved = corpus.save(tmp_path / "corpus")
    assert main(["tag", str(saved), "--out", str(tmp_path / "u"), "--n-jobs", "2"]) == 2
    assert "--n-jobs works on a dataset" in capsys.readouterr().err
