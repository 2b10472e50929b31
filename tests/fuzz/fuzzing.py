"""Mutation fuzzing of ``threads.read`` over every real fixture and sample file.

Each input is a seed file (tests/fixtures, the bundled sample corpus, and
../shared/data/threads where present) changed by one to three mutations:
byte-level (flip, delete, duplicate, truncate, insert a hostile token) or,
for JSON and JSON Lines, structure-aware (a value replaced by one of another
type, a huge number, a lone surrogate, ...). The mutated file keeps its name
and suffix and is read as a user would read it.

The oracle: ``threads.read`` returns a corpus that can be saved, or raises
one of the project's own errors naming the file. Anything else is a crash,
classified by exception type and the innermost frame of threadframe code:

- ``crash``: an exception that is not a ``ThreadframeError`` (a raw traceback);
- ``unnamed``: a ``ThreadframeError`` whose message does not name the file;
- ``unsaveable``: a corpus that ``Corpus.save`` cannot write;
- ``unflagged_loss``: a document whose audit says more than
  :data:`LOSS_SHARE` of its source's visible characters are in no unit,
  while no unit of it is flagged and no problem row names it (text dropped
  without a word).

Everything is seeded: ``case(seed_file, index, seed)`` rebuilds an input, so
a crash table row is enough to reproduce it. ``python tests/fuzz/run.py``
is the long mode (``make fuzz``).
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED_THREADS = ROOT.parent / "shared" / "data" / "threads"

#: Seed files bigger than this are left out (they make each input slow, not more interesting).
MAX_SEED_BYTES = 400_000
_SUFFIXES = {".json", ".jsonl", ".csv", ".tsv", ".html", ".htm", ".xml", ".txt", ".md", ".eml"}

#: Tokens that broke parsers before, or that parsers must expect.
HOSTILE_TOKENS: tuple[bytes, ...] = (
    b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\xed\xa0\x80", b"\xc3", b"\\ud800", b"\\udfff",
    b"<![foo[", b"<!--", b"]]>", b"&#0;", b"&#x110000;", b"&#xD800;", b"<script>", b"</html>",
    b"-45:00", b"+99:99", b"1e300", b"-1e12", b"1e20", b"NaN", b"null", b"true", b"[]", b"{}", b'"', b"'",
    b"\r", b"\r\n", b"\t", "\u2028".encode(), b"=cmd|' /C calc'!A0", b"@", b"\\",
    b"9" * 40, b"-", b",", b";", b"|", b"\n\n\n", b"<p>", b"</div></div></div>", b"a" * 5000,
)

#: Values a JSON node may be replaced with (each breaks a type assumption somewhere).
HOSTILE_VALUES: tuple[object, ...] = (
    None, 0, -1, 42, 1e300, -1e12, 1e20, 1.5, True, "", "str", "\ud800", "1970-01-01", "9999-99-99T99:99:99",
    "-45:00", [], {}, [1], {"data": None}, {"kind": "t3"}, "\x00", "<![foo[", "a" * 2000,
)


#: Share of a document's visible source characters that may be in no unit without a flag or problem row
#: (page chrome a parser leaves out: under 1% on every seed page).
LOSS_SHARE = 0.05


def unflagged_losses(corpus) -> list[str]:
    """Documents that lost text without saying so (see :data:`LOSS_SHARE`)."""
    import pandas as pd

    docs = corpus.docs
    if "unaccounted_chars" not in docs.columns or "source_chars" not in docs.columns:
        return []
    said = set(corpus.problems["doc_id"].dropna().astype(str))
    flagged = set(corpus.units.loc[corpus.units["flags"].fillna("").astype(str) != "", "doc_id"].astype(str))
    out = []
    for doc, lost, total in zip(docs["doc_id"].astype(str), docs["unaccounted_chars"], docs["source_chars"],
                                strict=True):
        if pd.isna(lost) or pd.isna(total) or not total or doc in said or doc in flagged:
            continue
        if lost / total > LOSS_SHARE:
            out.append(f"{doc}: {int(lost)} of {int(total)} visible characters in no unit")
    return out


@dataclass(frozen=True)
class Outcome:
    """What reading one mutated input did: ``ok``, ``error`` (ours, naming the file) or a defect."""

    kind: str
    signature: str = ""
    detail: str = ""

    @property
    def defect(self) -> bool:
        return self.kind in ("crash", "unnamed", "unsaveable", "unflagged_loss")


def seed_files(include_shared: bool = True) -> list[Path]:
    """Every fixture and sample file the fuzzer starts from, sorted."""
    roots = [ROOT / "tests" / "fixtures", ROOT / "threads" / "data" / "sample"]
    if include_shared and SHARED_THREADS.is_dir():
        roots += [SHARED_THREADS / d for d in ("reddit", "discourse", "disqus", "wordpress",
                                                "news-comments", "hackernews")]
    files = []
    for root in roots:
        for f in sorted(root.rglob("*")):
            if (f.is_file() and f.suffix.lower() in _SUFFIXES and f.stat().st_size <= MAX_SEED_BYTES
                    and "LICENSE" not in f.name and f.name != "gold-snippets.json"):
                files.append(f)
    return files


# ------------------------------------------------------------------ mutations
def _byte_mutation(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return rng.choice(HOSTILE_TOKENS)
    i = rng.randrange(len(data))
    op = rng.randrange(6)
    if op == 0:  # flip one byte
        return data[:i] + bytes([rng.randrange(256)]) + data[i + 1:]
    if op == 1:  # delete a span
        return data[:i] + data[i + rng.randint(1, 64):]
    if op == 2:  # duplicate a span (a comment list twice, a repeated record)
        j = min(len(data), i + rng.randint(1, 2000))
        return data[:j] + data[i:j] + data[j:]
    if op == 3:  # truncate
        return data[:i]
    return data[:i] + rng.choice(HOSTILE_TOKENS) + data[i:]  # insert a hostile token


def _nodes(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _nodes(v, (*path, i))


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    out = list(value)
    out[head] = _replace(value[head], rest, new)
    return out


def _json_mutation(doc, rng: random.Random):
    paths = list(_nodes(doc))
    target = rng.choice(paths)
    if rng.random() < 0.15 and target:  # drop a key or item
        parent, key = target[:-1], target[-1]
        node = doc
        for k in parent:
            node = node[k]
        node = dict(node) if isinstance(node, dict) else list(node)
        del node[key]
        return _replace(doc, parent, node)
    return _replace(doc, target, rng.choice(HOSTILE_VALUES))


def _dumps(doc) -> bytes:
    # ensure_ascii keeps lone surrogates as \\ud800 escapes, as an exporter would write them.
    return json.dumps(doc, ensure_ascii=True).encode("ascii")


def mutate(data: bytes, suffix: str, rng: random.Random) -> bytes:
    """One to three mutations of ``data`` (structure-aware for JSON half the time)."""
    for _ in range(rng.randint(1, 3)):
        if suffix in (".json", ".jsonl") and rng.random() < 0.5:
            try:
                if suffix == ".json":
                    data = _dumps(_json_mutation(json.loads(data), rng))
                else:
                    lines = data.splitlines()
                    i = rng.randrange(len(lines))
                    lines[i] = _dumps(_json_mutation(json.loads(lines[i]), rng))
                    data = b"\n".join(lines) + b"\n"
                continue
            except (ValueError, IndexError, KeyError, TypeError, RecursionError):
                pass  # not valid JSON any more: mutate its bytes instead
        data = _byte_mutation(data, rng)
    return data


def case(seed_file: Path, index: int, seed: int = 0) -> bytes:
    """The ``index``-th mutated input made from ``seed_file`` (deterministic)."""
    rng = random.Random(f"{seed}:{seed_file.name}:{index}")
    return mutate(seed_file.read_bytes(), seed_file.suffix.lower(), rng)


# ------------------------------------------------------------------ the oracle
def _signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/threads/" in f.filename or "/analysis/" in f.filename]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    loc = f"{Path(where.filename).name}:{where.lineno}" if where else "?"
    return f"{type(exc).__name__} at {loc}"


def check(path: Path, workdir: Path) -> Outcome:
    """Read ``path`` as a user would and judge what happened."""
    import threads
    from threads.errors import ThreadframeError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            corpus = threads.read(path)
        except ThreadframeError as exc:
            if path.name not in str(exc):
                return Outcome("unnamed", f"{type(exc).__name__}: no file name", str(exc)[:300])
            return Outcome("error")
        except RecursionError as exc:
            return Outcome("crash", "RecursionError", str(exc)[:300])
        except Exception as exc:  # noqa: BLE001 (a raw traceback is what we are looking for)
            return Outcome("crash", _signature(exc), f"{type(exc).__name__}: {str(exc)[:300]}")
        if lost := unflagged_losses(corpus):
            return Outcome("unflagged_loss", "unflagged_loss", "; ".join(lost)[:300])
        out = workdir / "saved"
        try:
            corpus.save(out)
        except Exception as exc:  # noqa: BLE001
            return Outcome("unsaveable", _signature(exc), f"{type(exc).__name__}: {str(exc)[:300]}")
        finally:
            shutil.rmtree(out, ignore_errors=True)
    return Outcome("ok")


def run_cases(seeds: list[Path], indices: range, seed: int = 0,
              workdir: Path | None = None) -> Iterator[tuple[Path, int, Outcome]]:
    """Yield (seed file, case index, outcome) for each case index and seed file."""
    own = workdir is None
    base = Path(tempfile.mkdtemp(prefix="tf-fuzz-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None)) \
        if own else workdir
    try:
        for index in indices:
            for seed_file in seeds:
                target = base / "input" / seed_file.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(case(seed_file, index, seed))
                yield seed_file, index, check(target, base)
    finally:
        if own:
            shutil.rmtree(base, ignore_errors=True)
