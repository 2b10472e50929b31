"""The exchange formats on the real threads in ../shared/data (skipped when absent; nothing is vendored).

Real exports bring what fixtures may not: thousands of units, deep reply
chains, ``more`` stubs, HTML pages with boilerplate, texts with odd characters.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import lxml.etree as et
import pandas as pd
import pytest

import threads

FIX = Path(__file__).parent / "fixtures"
FOLDERS = ("reddit", "hackernews", "discourse", "wordpress", "news-comments")


@pytest.fixture(scope="module")
def real(shared_data):
    from analysis import tag

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = threads.read([shared_data / "threads" / f for f in FOLDERS if (shared_data / "threads" / f).is_dir()])
        return corpus, tag(corpus)  # German pages: the English codebook warns, and that is fine here


def test_convokit_round_trip_on_real_threads(tmp_path, real):
    corpus, result = real
    back = threads.from_convokit(corpus.to_convokit(tmp_path / "ck", tags=result))
    pd.testing.assert_frame_equal(back.docs, corpus.docs)
    pd.testing.assert_frame_equal(back.units[corpus.units.columns], corpus.units)
    pd.testing.assert_frame_equal(back.problems, corpus.problems)


def test_refi_qda_on_real_threads_validates_and_reads_back(tmp_path, real):
    corpus, result = real
    path = corpus.to_refi_qda(tmp_path / "real.qdpx", tags=result, codes=result.codebook)
    schema = et.XMLSchema(et.parse(str(FIX / "refi_qda" / "Project-mrt2019.xsd")))
    with zipfile.ZipFile(path) as z:
        assert schema.validate(et.fromstring(z.read("project.qde"))), schema.error_log
    sheet = threads.read_refi_qda(path).coding_sheet(include_auto=True)
    got = sheet.pivot(index="unit_id", columns="category", values="code")
    wide = result.wide().astype(int)
    assert (got.loc[wide.index, wide.columns].to_numpy() == wide.to_numpy()).all()


def test_tidy_csv_on_real_threads(tmp_path, real):
    corpus, result = real
    back = pd.read_csv(corpus.to_csv(tmp_path / "u.csv", tags=result), dtype=str, keep_default_na=False)
    assert back["unit_id"].tolist() == corpus.units["unit_id"].tolist()
    assert back["text"].tolist() == corpus.units["text"].fillna("").tolist()
