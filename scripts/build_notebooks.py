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


def parse_source(text: str, path: Path) -> nbformat.NotebookNode:
    """Percent-format source -> a notebook without outputs."""
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
    stem = path.stem
    for i, (kind, tags, lines, lineno) in enumerate(cells):
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


def render(source: Path) -> str:
    """The exact text of the notebook built from ``source``."""
    nb = parse_source(source.read_text(encoding="utf-8"), source)
    return nbformat.writes(nb) + "\n"


def target_for(source: Path) -> Path:
    return NOTEBOOKS / f"{source.stem}.ipynb"


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
            text = render(src)
        except NotebookSourceError as exc:
            print(f"build_notebooks: {exc}", file=sys.stderr)
            return 2
        target = target_for(src)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(target)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    orphans = sorted(set(NOTEBOOKS.glob("*.ipynb")) - {target_for(s) for s in sources()})
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
