"""Long fuzzing run (``make fuzz``): inputs per second and a crash table.

    python tests/fuzz/run.py --inputs 100000 --jobs 2 [--seed 0] [--save DIR]

Prints one row per distinct defect (kind, signature, count, first seed file
and case index: ``fuzzing.case(seed_file, index, seed)`` rebuilds it). With
``--save DIR`` the first input of each defect is written there; copy it to
tests/fuzz/regressions/ to keep it as a regression example. Exits 1 when any
defect was found.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzzing  # noqa: E402


def _work(args):
    seeds, start, stop, seed = args
    found: dict[tuple[str, str], tuple[int, str, int, str]] = {}
    kinds: Counter = Counter()
    n = 0
    for seed_file, index, outcome in fuzzing.run_cases(seeds, range(start, stop), seed=seed):
        n += 1
        kinds[outcome.kind] += 1
        if outcome.defect:
            key = (outcome.kind, outcome.signature)
            count, first, idx, detail = found.get(key, (0, str(seed_file), index, outcome.detail))
            found[key] = (count + 1, first, idx, detail)
    return n, kinds, found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100_000, help="mutated inputs in all")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save", type=Path, help="write the first input of each defect here")
    args = parser.parse_args(argv)

    seeds = fuzzing.seed_files()
    per_seed = max(1, args.inputs // len(seeds))
    chunk = max(1, per_seed // (args.jobs * 4))
    tasks = [(seeds, lo, min(per_seed, lo + chunk), args.seed) for lo in range(0, per_seed, chunk)]
    print(f"fuzzing threads.read: {len(seeds)} seed files x {per_seed} inputs, {args.jobs} jobs", flush=True)
    t0 = time.perf_counter()
    total, kinds, found = 0, Counter(), {}
    with mp.get_context("spawn").Pool(args.jobs) as pool:
        for n, k, f in pool.imap_unordered(_work, tasks):
            total += n
            kinds.update(k)
            for key, (count, first, idx, detail) in f.items():
                prev = found.get(key)
                found[key] = (count + (prev[0] if prev else 0), *(prev[1:] if prev else (first, idx, detail)))
            rate = total / (time.perf_counter() - t0)
            print(f"  {total:>7} inputs  {rate:6.0f}/s  defects {sum(v[0] for v in found.values())}", flush=True)
    elapsed = time.perf_counter() - t0
    print(f"\n{total} inputs in {elapsed:.0f} s ({total / elapsed:.0f} inputs/s): "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    if not found:
        print("no crashes, no unnamed errors, every corpus saved")
        return 0
    print(f"\n{'kind':<11} {'count':>6}  signature / first input (seed file, case seed)")
    for (kind, signature), (count, first, idx, detail) in sorted(found.items(), key=lambda kv: -kv[1][0]):
        print(f"{kind:<11} {count:>6}  {signature}\n{'':19}{Path(first).name} case {idx}: {detail[:160]}")
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            data = fuzzing.case(Path(first), idx, args.seed)
            name = f"{kind}-{signature.split()[0]}-{Path(first).stem}-{idx}{Path(first).suffix}"
            (args.save / name).write_bytes(data)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
