"""How long importing a large dictionary takes, beside loading the codebook it becomes.

    python benchmarks/bench_dictionaries.py

No real LIWC dictionary can ship (they are licensed), so this builds
LIWC-shaped synthetic ones in a temporary folder: 64 categories, words of
3-10 letters, a fifth of them trailing wildcards, each in 1-3 categories,
at 6,500 entries (the size of LIWC2015's) and 20,000. For each it times
`analysis.import_dictionary` (parse, check every entry, build and validate
the codebook), `analysis.load_codebook` on the YAML `write_codebook` saved
(what a user pays on every later run), and tagging 1,000 units with it.
Best of 3. Writes benchmarks/results/dictionaries.json.
"""

from __future__ import annotations

import json
import random
import string
import tempfile
from pathlib import Path

from _timing import best_of

import analysis
from analysis.tagging.codebook import _load_file


def make_dic(path: Path, n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    lines = ["%", *(f"{i}\tcat{i}" for i in range(1, 65)), "%"]
    words: set[str] = set()
    while len(words) < n:
        w = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 10)))
        words.add(w + ("*" if rng.random() < 0.2 else ""))
    for w in sorted(words):
        lines.append(w + "\t" + " ".join(str(c) for c in rng.sample(range(1, 65), rng.randint(1, 3))))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sorted(words)


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (6_500, 20_000):
            dic = Path(tmp) / f"synthetic{n}.dic"
            words = make_dic(dic, n)
            cb, rep = analysis.import_dictionary(dic)
            yaml_path = analysis.write_codebook(cb, Path(tmp) / f"synthetic{n}.yaml")
            rng = random.Random(1)
            texts = ["so " + " ".join(w.rstrip("*") + "s" for w in rng.sample(words, 50)) for _ in range(1000)]

            def load(path=yaml_path):
                _load_file.cache_clear()  # time the parse, not the cache
                analysis.load_codebook(path)

            row = {"entries": n, "cues": rep.n_converted,
                   "import_s": round(best_of(lambda dic=dic: analysis.import_dictionary(dic)), 3),
                   "load_yaml_s": round(best_of(load), 3),
                   "tag_1000_units_s": round(best_of(lambda cb=cb, texts=texts: analysis.tag(texts, cb)), 3)}
            rows.append(row)
            print(row)
    out = Path(__file__).parent / "results" / "dictionaries.json"
    out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
