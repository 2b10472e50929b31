"""A short fuzzing run on every seed file, and the saved crashing inputs.

The long run is ``make fuzz`` (tests/fuzz/run.py). Here: a few mutated inputs
per seed file (deterministic, so a failure reproduces), and every file in
tests/fuzz/regressions/ (inputs that once crashed a parser) read again.
"""

from __future__ import annotations

from pathlib import Path

import fuzzing
import pytest

REGRESSIONS = sorted(p for p in (Path(__file__).parent / "regressions").glob("*--*"))
#: Inputs per seed file in the test suite (about 45 seeds, 200 inputs/s).
PER_SEED = 6


def test_mutations_are_deterministic():
    seed = fuzzing.seed_files(include_shared=False)[0]
    assert fuzzing.case(seed, 3) == fuzzing.case(seed, 3)
    assert any(fuzzing.case(seed, i) != seed.read_bytes() for i in range(5))


def test_the_oracle_catches_a_raw_traceback(tmp_path, monkeypatch):
    import threads

    def boom(path):
        raise KeyError("data")

    monkeypatch.setattr(threads, "read", boom)
    target = tmp_path / "x.json"
    target.write_text("{}")
    outcome = fuzzing.check(target, tmp_path)
    assert outcome.defect and outcome.kind == "crash" and outcome.signature.startswith("KeyError")


def test_short_fuzz_run_finds_no_defect(tmp_path):
    seeds = fuzzing.seed_files(include_shared=False)
    assert len(seeds) >= 30
    defects = [(s.name, i, o) for s, i, o in fuzzing.run_cases(seeds, range(PER_SEED), workdir=tmp_path)
               if o.defect]
    assert not defects, "\n".join(f"{name} case {i}: {o.kind} {o.signature}: {o.detail}"
                                  for name, i, o in defects)


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_saved_crash_inputs_are_handled(path, tmp_path):
    target = tmp_path / path.name.split("--", 1)[-1]
    target.write_bytes(path.read_bytes())
    outcome = fuzzing.check(target, tmp_path)
    assert not outcome.defect, f"{outcome.kind} {outcome.signature}: {outcome.detail}"


def test_the_oracle_catches_text_lost_without_a_word(tmp_path, monkeypatch):
    import threads

    seed = fuzzing.ROOT / "tests" / "fixtures" / "platforms" / "reddit_thread.json"
    corpus = threads.read(seed)
    quiet = threads.Corpus(docs=corpus.docs.assign(unaccounted_chars=corpus.docs["source_chars"] // 2),
                           units=corpus.units.assign(flags=""), problems=corpus.problems.iloc[:0])
    assert fuzzing.unflagged_losses(quiet)
    assert not fuzzing.unflagged_losses(corpus)  # the same loss with its problem rows is said
    monkeypatch.setattr(threads, "read", lambda path: quiet)
    target = tmp_path / "reddit_thread.json"
    target.write_bytes(seed.read_bytes())
    assert fuzzing.check(target, tmp_path).kind == "unflagged_loss"
