"""Reddit dump files (Pushshift / Arctic Shift): submissions and comments, one JSON object a line.

``RS_*.zst`` files hold submissions, ``RC_*.zst`` comments, each
zstandard-compressed (or plain ``.ndjson``); both kinds may also be mixed in
one file. They are read as a stream (:mod:`threads.dumps`), in batches of
rows, so a dump of any size goes through in bounded memory.

A document is a submission, by its fullname (``doc_id`` = ``link_id``, e.g.
``t3_abc123``); ``outlet`` is ``r/<subreddit>``. Units have the same ids and
fields as :mod:`threads.formats.reddit` gives a thread's ``.json``: the
post's ``title``, ``body`` paragraphs and ``meta`` link unit
(``{doc}:t3_x:title`` ...), one ``comment`` per comment (``{doc}:t1_y``,
``parent_id`` from its ``parent_id``: ``t3_`` = top level). ``[deleted]`` and
``[removed]`` keep their row, empty, flagged. Text is kept as the dump has it
(Pushshift bodies keep Reddit's ``&amp;`` escapes). ``locator`` is
``<file> line <n>``.

Threads are assembled across the stream by :func:`assemble` once all rows
of a document are together (all of them in memory for
:func:`read_reddit_dump`, one partition at a time for
:func:`threads.write_dataset`). A comment whose parent is not in the files
is kept, at the top level of its thread, flagged ``orphan``; a thread whose
submission is not in the files is a document without title or body units.
Lines that cannot be read are rows of ``problems`` (see :mod:`threads.dumps`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..dumps import Line, iter_lines
from ..schema import PROBLEM_COLUMNS
from ..times import EARLIEST, FUTURE_SLACK, PROBLEM, flag_bad_times, parse_times
from ..tree import repair_reply_tree
from ._htmltext import paragraphs

SOURCE_FORMAT = "reddit-dump"
_GONE = {"[deleted]": "deleted", "[removed]": "removed"}
_UNIT_FIELDS = ("doc_id", "unit_id", "role", "parent_id", "author", "published", "subject", "text",
                "start", "end", "locator", "platform_id", "flags", "_seq", "_src")
_DOC_FIELDS = ("doc_id", "outlet", "outlet_kind", "title", "url", "published", "author",
               "source_format", "source_path", "_seq")
#: Ordering keys the partitions carry so that the whole corpus comes back in one order.
ORDER_KEYS = ("_k1", "_k2")


@dataclass(frozen=True)
class DumpBatch:
    """Rows of a stretch of the stream: units and submission docs (with their stream
    order in ``_seq``, and ``_src``, the file), and the lines that could not be read."""

    units: pd.DataFrame
    docs: pd.DataFrame
    problems: pd.DataFrame


def _time(value) -> str | None:
    """``created_utc`` as text (an int, a float or a string in the dumps), read later by threads.times."""
    if value is None or isinstance(value, str):
        return value
    return repr(value) if isinstance(value, float) else str(value)


def _author(name) -> str | None:
    return None if name in (None, "", "[deleted]", "[removed]") else str(name)


def _text(value) -> tuple[str, str]:
    """(text, flag): text that is not a string is lost but its row kept."""
    if value is None:
        return "", ""
    if not isinstance(value, str):
        return "", "text_lost"
    return value, _GONE.get(value.strip(), "")


def _strings(values: list) -> pd.api.extensions.ExtensionArray:
    """A list of text (or None) as pandas' str dtype, through Arrow (3x faster than pd.array)."""
    try:
        return pd.array(pa.array(values, type=pa.large_string()), dtype="str")
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # a number where text was expected: str() it
        return pd.array(values, dtype="str")


def _epochs(values: pd.Series) -> tuple[np.ndarray, list[str | None]]:
    """``created_utc`` text as UTC times: plausible epoch seconds vectorised, the rest
    (dates as text, implausible or unreadable values) by :func:`threads.times.parse_times`."""
    seconds = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
    lo = EARLIEST.timestamp()
    hi = (pd.Timestamp.now(tz="UTC") + FUTURE_SLACK).timestamp()
    fast = (seconds >= lo) & (seconds <= hi)
    out = np.full(len(values), np.datetime64("NaT", "us"))
    out[fast] = np.round(seconds[fast] * 1e6).astype("int64").view("datetime64[us]")
    reasons: list[str | None] = [None] * len(values)
    rest = np.flatnonzero(~fast & values.notna().to_numpy())
    if len(rest):
        times, why = parse_times(values.iloc[rest].tolist(), unit="s")
        out[rest] = times.dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
        for i, w in zip(rest.tolist(), why, strict=True):
            reasons[i] = w
    return pd.Series(out).dt.tz_localize("UTC").to_numpy(), reasons


class _Columns:
    """Column lists filled row by row (cheaper than one dict per row)."""

    def __init__(self, fields: tuple[str, ...]):
        self.fields = fields
        self.cols: dict[str, list] = {f: [] for f in fields}

    def add(self, **row) -> None:
        for f in self.fields:
            self.cols[f].append(row.get(f))

    def __len__(self) -> int:
        return len(self.cols[self.fields[0]])

    def frame(self) -> pd.DataFrame:
        """The rows with one dtype per column whatever the lines held (batches are spilled and
        concatenated): offsets Int64, ``_seq`` int64, everything else text."""
        data: dict[str, object] = {}
        for f, values in self.cols.items():
            if f in ("start", "end"):
                data[f] = pd.array(values, dtype="Int64")
            elif f == "_seq":
                data[f] = np.asarray(values, dtype="int64")
            else:
                data[f] = _strings(values)
        return pd.DataFrame(data, columns=list(self.fields))


class _Reader:
    def __init__(self) -> None:
        self.seq = 0
        self.units = _Columns(_UNIT_FIELDS)
        self.docs = _Columns(_DOC_FIELDS)
        self.problems: list[dict] = []
        self._outlets: dict[str, str] = {}  # subreddit of threads seen through their comments
        self._names: dict[Path, tuple[str, str]] = {}

    def problem(self, path, doc_id, unit_id, problem: str, detail: str) -> None:
        self.problems.append({"source_path": str(path), "doc_id": doc_id, "unit_id": unit_id,
                              "problem": problem, "detail": detail})

    def unit(self, **row) -> None:
        self.seq += 1
        self.units.add(_seq=self.seq, **row)

    def record(self, line: Line) -> None:
        r = line.record
        if line.path not in self._names:
            self._names[line.path] = (line.path.name, str(line.path))
        name_of, src = self._names[line.path]
        where = f"{name_of} line {line.number}"
        name = str(r.get("name") or "")
        if "title" in r or name.startswith("t3_") or ("link_id" not in r and "selftext" in r):
            self.submission(r, line, where)
        elif "link_id" in r or "body" in r:
            self.comment(r, line, where, src)
        else:
            self.problem(line.path, None, None, "bad_line",
                         f"line {line.number}: neither a submission nor a comment (no title, body or link_id)")

    def submission(self, r: dict, line: Line, where: str) -> None:
        fullname = str(r.get("name") or f"t3_{r.get('id')}")
        if fullname in ("t3_None", "t3_"):
            self.problem(line.path, None, None, "bad_line", f"line {line.number}: a submission without id")
            return
        doc, author, published = fullname, _author(r.get("author")), _time(r.get("created_utc"))
        title, title_flag = _text(r.get("title"))
        permalink, sub = r.get("permalink"), r.get("subreddit")
        self.seq += 1
        self.docs.add(doc_id=doc, outlet=f"r/{sub}" if sub else None, outlet_kind="forum",
                      title=title or None, published=published, author=author,
                      url=f"https://www.reddit.com{permalink}" if permalink else r.get("url"),
                      source_format=SOURCE_FORMAT, source_path=str(line.path), _seq=self.seq)
        common = {"doc_id": doc, "author": author, "published": published, "platform_id": fullname,
                  "locator": where, "_src": str(line.path)}
        self.unit(unit_id=f"{doc}:{fullname}:title", role="title", text="" if title_flag else title,
                  flags=title_flag if title_flag == "text_lost" else "", **common)
        body, body_flag = _text(r.get("selftext"))
        if body_flag:
            self.unit(unit_id=f"{doc}:{fullname}:body", role="body", text="", flags=body_flag, **common)
        else:
            for start, end, para in paragraphs(body):
                self.unit(unit_id=f"{doc}:{fullname}:body@{start}", role="body", text=para,
                          start=start, end=end, flags="", **common)
        if not r.get("is_self", True) and r.get("url"):
            self.unit(unit_id=f"{doc}:{fullname}:link", role="meta", text=str(r["url"]), subject="link",
                      flags="", **common)

    def comment(self, r: dict, line: Line, where: str, src: str) -> None:
        doc = r.get("link_id")
        if not isinstance(doc, str) or not doc:
            self.problem(line.path, None, None, "bad_line",
                         f"line {line.number}: a comment without link_id (its thread is unknown); skipped")
            return
        fullname = str(r.get("name") or f"t1_{r.get('id')}")
        parent = str(r.get("parent_id") or doc)
        text, flag = _text(r.get("body"))
        # the hot path of a dump (one call per comment): straight into the column lists
        c = self.units.cols
        self.seq += 1
        c["doc_id"].append(doc)
        c["unit_id"].append(f"{doc}:{fullname}")
        c["role"].append("comment")
        c["parent_id"].append(None if parent.startswith("t3_") else f"{doc}:{parent}")
        c["author"].append(_author(r.get("author")))
        c["published"].append(_time(r.get("created_utc")))
        c["subject"].append(None)
        c["text"].append("" if flag else text)
        c["start"].append(None)
        c["end"].append(None)
        c["locator"].append(where)
        c["platform_id"].append(fullname)
        c["flags"].append(flag)
        c["_seq"].append(self.seq)
        c["_src"].append(src)
        if r.get("subreddit") and doc not in self._outlets:
            self._outlets[doc] = f"r/{r['subreddit']}"

    def take(self) -> DumpBatch:
        units, docs = self.units.frame(), self.docs.frame()
        # documents known from comments alone carry their subreddit until a submission says more
        first = units[units["role"] == "comment"].drop_duplicates("doc_id")
        implied = pd.DataFrame({"doc_id": first["doc_id"].to_numpy(),
                                "outlet": first["doc_id"].map(self._outlets).to_numpy(),
                                "outlet_kind": "forum", "source_format": SOURCE_FORMAT,
                                "source_path": first["_src"].to_numpy(), "_seq": np.int64(-1)})
        problems = pd.DataFrame(self.problems, columns=list(PROBLEM_COLUMNS))
        self.units, self.docs, self._outlets, self.problems = _Columns(_UNIT_FIELDS), _Columns(_DOC_FIELDS), {}, []
        return DumpBatch(units, pd.concat([docs, implied], ignore_index=True) if len(implied) else docs,
                         problems)


def iter_batches(paths: str | os.PathLike | Iterable[str | os.PathLike], *, batch_rows: int = 100_000,
                 strict: bool = False, progress: bool = False) -> Iterator[DumpBatch]:
    """The rows of Reddit dump files as a stream of :class:`DumpBatch` (about ``batch_rows`` units each)."""
    given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    reader = _Reader()
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(desc="reading dump", unit=" lines")
    for path in given:
        for item in iter_lines(path, strict=strict):
            if bar is not None:
                bar.update()
            if isinstance(item, Line):
                reader.record(item)
            else:
                reader.problem(item.path, None, None, item.problem, item.detail)
            if len(reader.units) >= batch_rows:
                yield reader.take()
    if bar is not None:
        bar.close()
    if len(reader.units) or len(reader.docs) or reader.problems or reader._outlets:
        yield reader.take()


# ---------------------------------------------------------------- threads
def assemble(units: pd.DataFrame, docs: pd.DataFrame, problems: pd.DataFrame
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The corpus tables of whole threads from the rows of :func:`iter_batches` (any
    number of batches concatenated; every row of each document among them).

    Returns (docs, units, problems) with the ordering keys ``_k1``, ``_k2``
    (stream order: documents by their first row, units by position, problems by
    document) that put partitions back in one order.
    """
    units = units.sort_values("_seq", kind="stable")
    dup = units["unit_id"].duplicated()
    repeat_rows = [{"source_path": s, "doc_id": d, "unit_id": u, "problem": "duplicate_id",
                    "detail": f"{loc} repeats {u}; kept the first"}
                   for s, d, u, loc in units.loc[dup, ["_src", "doc_id", "unit_id", "locator"]].itertuples(index=False)]
    units = units[~dup.to_numpy()]
    # a document: its submission when the files have it, else what its comments say
    docs = docs.assign(_implied=docs["_seq"] < 0).sort_values(["_implied", "_seq"], kind="stable")
    docs = docs.drop_duplicates("doc_id").drop(columns="_implied")
    first = units.groupby("doc_id", sort=False)["_seq"].min()
    docs = docs[docs["doc_id"].isin(first.index)].copy()
    docs["_k1"] = docs["doc_id"].map(first).astype("int64")
    docs = docs.sort_values("_k1", kind="stable").reset_index(drop=True)
    # units: submission units first, then comments in stream order
    units = units.assign(_k1=units["doc_id"].map(first).astype("int64"),
                         _comment=units["role"].eq("comment"))
    units = units.sort_values(["_k1", "_comment", "_seq"], kind="stable").reset_index(drop=True)
    units.insert(3, "position", units.groupby("doc_id", sort=False).cumcount())
    sources = units["_src"]
    units, repairs = repair_reply_tree(units.drop(columns=["_comment"]))
    rows = list(repeat_rows)
    if repairs:  # each repair names its unit's own file
        at = pd.Index(units["unit_id"]).get_indexer([r["unit_id"] for r in repairs])
        rows += [{"source_path": sources.iat[i], **r} for i, r in zip(at.tolist(), repairs, strict=True)]
    times, reasons = _epochs(units["published"])  # Reddit's epochs are seconds
    units["published"] = times
    if any(reasons):
        units["flags"] = flag_bad_times(units["flags"], reasons)
        rows += [{"source_path": s, "doc_id": d, "unit_id": u, "problem": PROBLEM, "detail": f"published: {why}"}
                 for s, d, u, why in zip(sources, units["doc_id"], units["unit_id"], reasons, strict=True) if why]
    docs["published"], _ = _epochs(docs["published"])  # a bad one is flagged on its title unit
    units["_k2"] = units["position"].astype("int64")
    units = units.drop(columns=["_seq", "_src"])
    docs = docs.drop(columns=["_seq"]).assign(_k2=np.int64(0))
    extra = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    # problems of a document follow their document; lines that were not read come first
    lines = problems.assign(_k1=np.int64(-1), _k2=np.arange(len(problems), dtype="int64"))
    extra = extra.assign(_k1=extra["doc_id"].map(first).astype("int64"),
                         _k2=np.arange(len(extra), dtype="int64"))
    problems = pd.concat([lines, extra], ignore_index=True) if len(extra) else lines
    problems = problems.sort_values(list(ORDER_KEYS), kind="stable").reset_index(drop=True)
    return docs, units, problems


def read_reddit_dump(paths: str | os.PathLike | Iterable[str | os.PathLike], *, strict: bool = False):
    """Reddit dump files -> one in-memory :class:`~threads.Corpus` (for data that fits;
    :func:`threads.write_dataset` writes larger ones to disk, thread by thread)."""
    from ..corpus import Corpus

    batches = list(iter_batches(paths, strict=strict))
    docs, units, problems = assemble(*(pd.concat([getattr(b, t) for b in batches], ignore_index=True)
                                       for t in ("units", "docs", "problems")))
    keys = list(ORDER_KEYS)
    return Corpus(docs=docs.drop(columns=keys), units=units.drop(columns=keys),
                  problems=problems.drop(columns=keys))


def dump_paths(path: str | os.PathLike) -> list[Path]:
    """The dump files of ``path``: itself, or a folder's ``*.zst``/``*.ndjson``/``*.jsonl`` files in name order."""
    p = Path(path)
    if p.is_dir():
        return sorted(f for f in p.iterdir() if f.suffix in (".zst", ".ndjson", ".jsonl") and f.is_file())
    return [p]


def is_dump(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a zstandard-compressed dump file, or a folder holding only such files
    (what ``threadframe parse`` sends to :func:`threads.write_dataset` rather than :func:`threads.read`)."""
    from ..dumps import ZSTD_MAGIC

    p = Path(path)
    files = [f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")] if p.is_dir() else [p]
    if not files:
        return False
    for f in files:
        try:
            with open(f, "rb") as fh:
                if fh.read(4) != ZSTD_MAGIC:
                    return False
        except OSError:
            return False
    return True
