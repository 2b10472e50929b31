"""Build ``notebooks/*.ipynb`` from their sources in ``notebooks/src/*.py``.

Notebooks are authored as plain Python files in the "percent" format (the
subset of jupytext's format that we need), so they diff and review like code:

    # %% [markdown]
    # # A title
    # Some prose. Every line of a markdown cell starts with "# " (or is "#").

    # %%
    import threads
    corpus = threads.sample_corpus()

    # %% tags=["stderr-ok"]
    # a code cell with notebook tags (a JSON list)

A source with cells tagged ``exercise`` or ``solution`` gives two notebooks:
``NN_name.ipynb`` (without the solution cells) and ``NN_name_solutions.ipynb``
(without the exercise cells), so a class exercise and its solutions cannot
drift apart.

The generated notebooks carry no outputs, no execution counts and stable
cell ids, so building twice gives byte-identical files and
``tests/test_notebooks.py`` can check that the committed ``.ipynb`` match
their sources.

    python scripts/build_notebooks.py           # (re)write notebooks/*.ipynb
    python scripts/build_notebooks.py --check   # exit 1 if any is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"

_MARKER = re.compile(r"^# %%(?P<kind> \[markdown\])?(?:\s+tags=(?P<tags>\[.*\]))?\s*$")

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


class NotebookSourceError(ValueError):
    """A notebook source file does not follow the percent format."""

    def __init__(self, path: Path, lineno: int, problem: str) -> None:
        super().__init__(f"{path}:{lineno}: {problem}")


def _markdown_text(lines: list[str], path: Path, first_lineno: int) -> str:
    out = []
    for offset, line in enumerate(lines):
        if line == "#":
            out.append("")
        elif line.startswith("# "):
            out.append(line[2:])
        elif not line.strip():
            out.append("")
        else:
            raise NotebookSourceError(path, first_lineno + offset,
                                      "a markdown cell line must start with '# '")
    return "\n".join(out).strip("\n")


#: Cells with these tags go into only one of the two notebooks built from a source.
EXERCISE, SOLUTION = "exercise", "solution"


def parse_source(text: str, path: Path, variant: str | None = None) -> nbformat.NotebookNode:
    """Percent-format source -> a notebook without outputs.

    ``variant`` is None for a plain notebook, ``EXERCISE`` or ``SOLUTION``
    to keep only the shared cells and the cells tagged for that variant.
    """
    cells: list[tuple[str, list[str], list[str], int]] = []  # kind, tags, lines, lineno
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = _MARKER.match(line)
        if m:
            tags = json.loads(m.group("tags")) if m.group("tags") else []
            if not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
                raise NotebookSourceError(path, lineno, "tags= must be a JSON list of strings")
            cells.append(("markdown" if m.group("kind") else "code", tags, [], lineno + 1))
        elif line.startswith("# %%"):
            raise NotebookSourceError(path, lineno, f"unrecognised cell marker {line!r}")
        elif not cells:
            if line.strip():
                raise NotebookSourceError(path, lineno, "text before the first '# %%' marker")
        else:
            cells[-1][2].append(line)

    nb = new_notebook(metadata={"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)})
    stem = path.stem + ("_solutions" if variant == SOLUTION else "")
    dropped = {EXERCISE: SOLUTION, SOLUTION: EXERCISE}.get(variant)
    kept = [c for c in cells if dropped not in c[1]]
    for i, (kind, tags, lines, lineno) in enumerate(kept):
        tags = [t for t in tags if t not in (EXERCISE, SOLUTION)]
        if kind == "markdown":
            cell = new_markdown_cell(_markdown_text(lines, path, lineno))
        else:
            cell = new_code_cell("\n".join(lines).strip("\n"))
        if not cell.source:
            raise NotebookSourceError(path, lineno - 1, "empty cell")
        # Stable ids: rebuilding must not change the file.
        cell["id"] = f"{stem[:40]}-{i:03d}"
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    if not nb.cells:
        raise NotebookSourceError(path, 1, "no cells")
    nbformat.validate(nb)
    return nb


def _variants(text: str) -> list[str | None]:
    tagged = re.search(r'^# %%.*tags=.*"(exercise|solution)"', text, re.MULTILINE)
    return [EXERCISE, SOLUTION] if tagged else [None]


def render_all(source: Path) -> dict[Path, str]:
    """The exact text of each notebook built from ``source``, by target path."""
    text = source.read_text(encoding="utf-8")
    out = {}
    for variant in _variants(text):
        nb = parse_source(text, source, variant)
        out[target_for(source, variant)] = nbformat.writes(nb) + "\n"
    return out


def render(source: Path) -> str:
    """The exact text of the (exercise) notebook built from ``source``."""
    return next(iter(render_all(source).values()))


def target_for(source: Path, variant: str | None = None) -> Path:
    suffix = "_solutions" if variant == SOLUTION else ""
    return NOTEBOOKS / f"{source.stem}{suffix}.ipynb"


def targets() -> dict[Path, Path]:
    """Every notebook that the sources produce -> its source."""
    out = {}
    for src in sources():
        for variant in _variants(src.read_text(encoding="utf-8")):
            out[target_for(src, variant)] = src
    return out


def sources() -> list[Path]:
    return sorted(SOURCES.glob("*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if a notebook differs from its source")
    args = parser.parse_args(argv)
    stale = []
    for src in sources():
        try:
            built = render_all(src)
        except NotebookSourceError as exc:
            print(f"build_notebooks: {exc}", file=sys.stderr)
            return 2
        for target, text in built.items():
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current == text:
                continue
            if args.check:
                stale.append(target)
            else:
                target.write_text(text, encoding="utf-8")
                print(f"wrote {target.relative_to(ROOT)}")
    orphans = sorted(set(NOTEBOOKS.glob("*.ipynb")) - set(targets()))
    for orphan in orphans:
        print(f"build_notebooks: {orphan.relative_to(ROOT)} has no source in notebooks/src/",
              file=sys.stderr)
    if stale:
        for target in stale:
            print(f"build_notebooks: {target.relative_to(ROOT)} is out of date; "
                  "run python scripts/build_notebooks.py", file=sys.stderr)
        return 1
    return 1 if orphans else 0


if __name__ == "__main__":
    sys.exit(main())
