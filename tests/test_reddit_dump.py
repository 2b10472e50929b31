"""Reddit dump files (issue 15): zstandard NDJSON streams, threads assembled across the
stream, bad input kept as problem rows, against the in-memory readers on the same data."""

from __future__ import annotations

import io
import json
import random
import warnings
from pathlib import Path

import pandas as pd
import pytest
import zstandard

import threads
from threads.dumps import Line, LineProblem, iter_lines
from threads.errors import InputError
from threads.formats.reddit_dump import ORDER_KEYS, assemble, iter_batches, read_reddit_dump

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"


def zst(path: Path, lines: list[str], tail: str = "\n") -> Path:
    path.write_bytes(zstandard.ZstdCompressor().compress(("\n".join(lines) + tail).encode()))
    return path


def thread_lines() -> tuple[dict, list[dict]]:
    """The submission and the comments of tests/fixtures/platforms/reddit_thread.json,
    flattened as a dump has them (``more`` stubs are not in dumps)."""
    data = json.loads((FIXTURES / "reddit_thread.json").read_text())
    post = data[0]["data"]["children"][0]["data"]
    comments, stack = [], list(reversed(data[1]["data"]["children"]))
    while stack:
        thing = stack.pop()
        if thing["kind"] != "t1":
            continue
        d = dict(thing["data"])
        replies = d.pop("replies", None)
        comments.append(d | {"subreddit": post["subreddit"]})
        if isinstance(replies, dict):
            stack.extend(reversed(replies["data"]["children"]))
    return post, comments


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def test_a_dump_gives_the_units_the_thread_json_gives(tmp_path):
    post, comments = thread_lines()
    random.Random(1).shuffle(comments)  # dumps are in time order, not tree order
    rs = zst(tmp_path / "RS_2023-11.zst", [json.dumps(post)])
    rc = zst(tmp_path / "RC_2023-11.zst", [json.dumps(c) for c in comments])
    dump = read_reddit_dump([rc, rs])  # comments file first: the thread is assembled all the same
    page = quiet(threads.read, FIXTURES / "reddit_thread.json")
    page_units = page.units[~page.units["flags"].str.contains("more_stub")]
    cols = ["role", "parent_id", "depth", "author", "published", "text", "platform_id", "flags", "start", "end"]

    def keyed(units, doc):
        out = units.assign(unit_id=units["unit_id"].str.replace(f"{doc}:", "", n=1),
                           parent_id=units["parent_id"].str.replace(f"{doc}:", "", n=1))
        return out.set_index("unit_id")[cols].sort_index()

    doc = page.docs["doc_id"].iloc[0]
    pd.testing.assert_frame_equal(keyed(dump.units, "t3_abc123"), keyed(page_units, doc))
    assert dump.docs["doc_id"].tolist() == ["t3_abc123"]
    for col in ("outlet", "outlet_kind", "title", "url", "published", "author"):
        assert dump.docs[col].iloc[0] == page.docs[col].iloc[0], col
    assert dump.docs["source_path"].iloc[0] == str(rs)
    # submission units first, then comments in file order
    assert dump.units["position"].tolist() == list(range(len(dump.units)))
    assert dump.units["role"].iloc[0] == "title"
    assert dump.units.loc[dump.units["role"] == "comment", "locator"].tolist() == [
        f"RC_2023-11.zst line {n}" for n in range(1, len(comments) + 1)]


def test_same_threads_as_the_in_memory_table_reader(tmp_path):
    lines = (FIXTURES / "pushshift.jsonl").read_text().splitlines()
    table = quiet(threads.read, FIXTURES / "pushshift.jsonl")
    dump = read_reddit_dump(zst(tmp_path / "RC.zst", lines))
    assert dump.docs["doc_id"].tolist() == table.docs["doc_id"].tolist()
    ours = dump.units.set_index(dump.units["platform_id"].str.removeprefix("t1_"))
    theirs = table.units.set_index("platform_id")
    for col in ("doc_id", "depth", "text", "published", "position"):
        assert ours[col].tolist() == theirs[col].tolist(), col
    assert dump.docs["outlet"].tolist() == ["r/worldnews"]


def test_batches_and_file_order_do_not_change_the_corpus(tmp_path):
    post, comments = thread_lines()
    other = [{"id": f"o{i}", "link_id": "t3_zz", "parent_id": "t3_zz" if i == 0 else f"t1_o{i - 1}",
              "body": f"other {i}", "created_utc": 1700000000 + i, "subreddit": "news"} for i in range(5)]
    mixed = [json.dumps(x) for pair in zip(comments, other, strict=False) for x in pair] + [json.dumps(post)]
    path = zst(tmp_path / "mixed.zst", mixed)
    whole = read_reddit_dump(path)
    batches = list(iter_batches(path, batch_rows=2))
    assert len(batches) > 3
    docs, units, problems = assemble(*(pd.concat([getattr(b, t) for b in batches], ignore_index=True)
                                       for t in ("units", "docs", "problems")))
    keys = list(ORDER_KEYS)
    again = threads.Corpus(docs=docs.drop(columns=keys), units=units.drop(columns=keys),
                           problems=problems.drop(columns=keys))
    pd.testing.assert_frame_equal(again.units, whole.units)
    pd.testing.assert_frame_equal(again.docs, whole.docs)
    assert whole.docs["doc_id"].tolist() == ["t3_abc123", "t3_zz"]  # by first row in the stream
    assert whole.units.groupby("doc_id")["depth"].max().to_dict() == {"t3_abc123": 3, "t3_zz": 5}


def test_parent_outside_the_file_is_kept_and_flagged(tmp_path):
    lines = [json.dumps({"id": "a", "link_id": "t3_p", "parent_id": "t1_gone", "body": "late reply",
                         "created_utc": 1700000000}),
             json.dumps({"id": "b", "link_id": "t3_p", "parent_id": "t1_a", "body": "under it",
                         "created_utc": 1700000001})]
    with pytest.warns(threads.ThreadframeWarning, match="1 orphan"):
        c = read_reddit_dump(zst(tmp_path / "RC.zst", lines))
    u = c.units.set_index("platform_id")
    assert u.loc["t1_a", "flags"] == "orphan" and u.loc["t1_a", "depth"] == 1
    assert u.loc["t1_b", "depth"] == 2 and u.loc["t1_b", "text"] == "under it"
    assert c.problems["problem"].tolist() == ["orphan"]
    assert "'t3_p:t1_gone' does not exist" in c.problems["detail"].iloc[0]
    assert c.problems["source_path"].iloc[0].endswith("RC.zst")
    assert pd.isna(c.docs["title"].iloc[0])  # the submission is not in the files


# ---------------------------------------------------------------- bad input
def _lines(n: int) -> list[str]:
    return [json.dumps({"id": f"c{i}", "link_id": "t3_p", "parent_id": "t3_p", "body": f"comment {i}",
                        "created_utc": 1700000000 + i}) for i in range(n)]


def test_a_line_that_is_not_json_is_a_problem_row_and_the_stream_goes_on(tmp_path):
    lines = _lines(5)
    lines[2] = '{"id": "c2", "body": "cut'
    lines.insert(4, "[1, 2]")
    path = zst(tmp_path / "RC.zst", lines)
    c = read_reddit_dump(path)
    assert len(c.units) == 4
    assert c.problems["problem"].tolist() == ["bad_line", "bad_line"]
    assert c.problems["detail"].str.startswith(("line 3: not JSON", "line 5: a JSON list")).all()
    assert (c.problems["source_path"] == str(path)).all()
    with pytest.raises(InputError, match=r"RC\.zst: line 3: not JSON"):
        read_reddit_dump(path, strict=True)


def test_a_truncated_last_line_is_reported_and_the_rest_kept(tmp_path):
    lines = _lines(4)
    path = zst(tmp_path / "RC.zst", lines[:3] + [lines[3][:20]], tail="")
    c = read_reddit_dump(path)
    assert len(c.units) == 3
    assert c.problems["problem"].tolist() == ["truncated"]
    assert c.problems["detail"].iloc[0].startswith("line 4: the last line is cut off")
    # a complete last line without its newline is no problem
    assert len(read_reddit_dump(zst(tmp_path / "ok.zst", lines, tail="")).units) == 4


def test_a_cut_zstd_file_keeps_the_lines_before_the_cut(tmp_path):
    blob = zstandard.ZstdCompressor().compress(("\n".join(_lines(3000)) + "\n").encode())
    path = tmp_path / "RC.zst"
    path.write_bytes(blob[: len(blob) // 2])
    items = list(iter_lines(path))
    read = [i for i in items if isinstance(i, Line)]
    assert 0 < len(read) < 3000
    assert [i.problem for i in items if isinstance(i, LineProblem)] == ["corrupt_data"]
    assert f"after line {len(read)}" in items[-1].detail and "cut off" in items[-1].detail
    c = read_reddit_dump(path)
    assert len(c.units) == len(read) and c.problems["problem"].tolist() == ["corrupt_data"]
    with pytest.raises(InputError, match=rf"RC\.zst: compressed data is corrupt after line {len(read)}"):
        read_reddit_dump(path, strict=True)


def test_a_corrupt_zstd_frame_is_a_problem_row_not_a_traceback(tmp_path):
    compressor = zstandard.ZstdCompressor(write_checksum=True)
    good = compressor.compress(("\n".join(_lines(10)) + "\n").encode())
    bad = bytearray(compressor.compress(("\n".join(_lines(2000)[10:]) + "\n").encode()))
    bad[len(bad) // 2: len(bad) // 2 + 40] = b"\xff" * 40
    path = tmp_path / "RC.zst"
    path.write_bytes(good + bytes(bad))  # two frames: the first is whole
    c = read_reddit_dump(path)
    assert c.problems["problem"].iloc[-1] == "corrupt_data"
    assert len(c.units) >= 10 and "corrupt after line" in c.problems["detail"].iloc[-1]


def test_plain_ndjson_and_the_large_window_of_real_dumps(tmp_path):
    plain = tmp_path / "RC.ndjson"
    plain.write_text("\n".join(_lines(3)) + "\n")
    assert len(read_reddit_dump(plain).units) == 3
    # Pushshift compressed with a 2 GB window (zstd --long=31); the default decoder refuses such frames
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=29, enable_ldm=True)
    buf = io.BytesIO()
    writer = zstandard.ZstdCompressor(compression_params=params).stream_writer(buf, closefd=False)
    writer.write(("\n".join(_lines(3)) + "\n").encode())
    writer.flush(zstandard.FLUSH_FRAME)
    with pytest.raises(zstandard.ZstdError):
        zstandard.ZstdDecompressor().stream_reader(io.BytesIO(buf.getvalue())).read(10)
    path = tmp_path / "RC_long.zst"
    path.write_bytes(buf.getvalue())
    assert len(read_reddit_dump(path).units) == 3


def test_a_missing_file_names_it(tmp_path):
    with pytest.raises(InputError, match=r"nope\.zst: no such file"):
        read_reddit_dump(tmp_path / "nope.zst")


def test_is_dump_tells_zstd_dumps_from_other_inputs(tmp_path):
    from threads.formats.reddit_dump import is_dump

    folder = tmp_path / "dumps"
    folder.mkdir()
    zst(folder / "RC_1.zst", _lines(2))
    zst(folder / "RS_1.zst", _lines(1))
    assert is_dump(folder / "RC_1.zst") and is_dump(folder)
    assert not is_dump(FIXTURES / "pushshift.jsonl") and not is_dump(FIXTURES)
    assert not is_dump(tmp_path / "missing.zst")


def test_vectorised_epochs_follow_the_time_rule():
    from threads.formats.reddit_dump import _epochs
    from threads.times import parse_times

    values = pd.Series(["1700000000", "1700000000.5", "1700000000.25", None, "2023-11-14T22:13:20Z", "0",
                        "99999999999", "soon", "True", "-5", "  1700000001 "], dtype="str")
    times, reasons = _epochs(values)
    expected, why = parse_times(values.tolist(), unit="s")
    assert pd.Series(times).equals(pd.Series(expected.to_numpy()))
    assert reasons == why
