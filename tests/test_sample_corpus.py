"""The bundled sample corpus: files, metadata, parse results, audit, round trips."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

import threads
from threads.sample import sample_metadata

EXPECTED_FILES = ["afp.txt", "aggregator.txt", "lifesitenews.txt", "techdirt-ecuador.txt", "uca-news-lemmy.txt"]
# Units per role, counted by hand from the files (see tests/test_text_parser.py for line-by-line roles).
EXPECTED_COUNTS = {
    "afp": dict(n_title=0, n_body=30, n_comment=0, n_boilerplate=0, n_meta=0),
    "aggregator": dict(n_title=0, n_body=6, n_comment=0, n_boilerplate=0, n_meta=0),
    # section label + dateline; promo twice + "Previous ArticleNext Article"
    "lifesitenews": dict(n_title=1, n_body=19, n_comment=0, n_boilerplate=3, n_meta=2),
    # meta: dept, follow-me, Filed Under, Companies + 9 comment subject lines;
    # boilerplate: 4 donation lines, 3 comment chrome lines, 14 link lines
    "techdirt-ecuador": dict(n_title=1, n_body=10, n_comment=14, n_boilerplate=21, n_meta=13),
    # meta: 5 cross-post header lines + 6 editorial lines
    "uca-news-lemmy": dict(n_title=0, n_body=18, n_comment=0, n_boilerplate=0, n_meta=11),
}


@pytest.fixture(scope="module")
def sample():
    return threads.sample_corpus()


def test_sample_files_and_metadata_agree():
    assert [p.name for p in threads.sample_paths()] == EXPECTED_FILES
    meta = sample_metadata()
    assert sorted(meta["doc_id"]) == [f.removesuffix(".txt") for f in EXPECTED_FILES]
    for path in threads.sample_paths():
        row = meta[meta["doc_id"] == path.stem].iloc[0]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"]


def test_sample_files_are_the_seeds(shared_data):
    seeds = shared_data.parent / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} is absent")
    meta = sample_metadata().set_index("doc_id")
    for path in threads.sample_paths():
        assert path.read_bytes() == (seeds / meta.loc[path.stem, "seed_file"]).read_bytes()


def test_metadata_is_merged_and_extra_columns_survive(sample):
    docs = sample.docs.set_index("doc_id")
    assert docs["outlet_kind"].to_dict() == {
        "afp": "wire service", "aggregator": "aggregator", "lifesitenews": "advocacy site",
        "techdirt-ecuador": "tech blog", "uca-news-lemmy": "religious news"}
    assert docs.loc["lifesitenews", "title"] == (
        "Chinese firms show off latest police-state surveillance tech at security expo")
    assert docs.loc["techdirt-ecuador", "title"].startswith("China Exporting Its Surveillance Tech")
    assert docs.loc["techdirt-ecuador", "author"] == "glynmoody"
    assert docs.loc["uca-news-lemmy", "platform"] == "Lemmy"
    assert docs["title"].isna().sum() == 3  # the other three texts show no headline
    assert docs["published"].isna().all()  # no text shows its date
    assert set(docs["language"]) == {"en"}
    for col in ("platform", "seed_file", "sha256", "notes", "profile"):
        assert col in docs.columns
    assert (docs["source_format"] == "text").all()


def test_sample_summary_counts(sample):
    summary = sample.summary().set_index("doc_id")
    for doc_id, counts in EXPECTED_COUNTS.items():
        assert summary.loc[doc_id, list(counts)].to_dict() == counts, doc_id
    assert summary.loc["techdirt-ecuador", "max_depth"] == 5
    assert summary.loc["techdirt-ecuador", "text_lost"] == 6


def test_article_comment_split(sample):
    u = sample.units
    assert set(u.loc[u["role"] == "comment", "doc_id"]) == {"techdirt-ecuador"}
    t = u[u["doc_id"] == "techdirt-ecuador"]
    marker = t.loc[t["text"] == "Reader Comments", "position"].item()
    assert (t.loc[t["role"].isin(["title", "body"]), "position"] < marker).all()
    assert (t.loc[t["role"] == "comment", "position"] > marker).all()
    assert (t.loc[t["role"] == "comment", "depth"] >= 1).all()
    assert (u.loc[u["role"] != "comment", "depth"] == 0).all()


def test_audit_nothing_but_whitespace_unaccounted(sample):
    audit = sample.audit().set_index("doc_id")
    assert (audit["unaccounted_chars"] == 0).all()
    for path in threads.sample_paths():
        text = path.read_text(encoding="utf-8")
        assert audit.loc[path.stem, "source_chars"] == len(text)
        units = sample.units[sample.units["doc_id"] == path.stem]
        # units plus whitespace make up the whole file
        nonspace_in_units = sum(len("".join(t.split())) for t in units["text"])
        assert nonspace_in_units == len("".join(text.split()))
        roles = [c for c in audit.columns if c.startswith("chars_")]
        assert audit.loc[path.stem, roles].sum() == units["text"].str.len().sum()


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_round_trip(sample, tmp_path, fmt):
    sample.save(tmp_path / fmt, format=fmt)
    again = threads.read_corpus(tmp_path / fmt)
    pd.testing.assert_frame_equal(again.units, sample.units)
    pd.testing.assert_frame_equal(again.docs, sample.docs)
    pd.testing.assert_frame_equal(again.problems, sample.problems)
