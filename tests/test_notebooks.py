"""The notebooks are product: each one runs top to bottom, offline, in a fresh
kernel and a scratch folder, within its two-minute budget; the committed
``.ipynb`` files carry no outputs and match their sources in notebooks/src/."""

from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

import pandas as pd
import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebooks extra is not installed")
nbclient = pytest.importorskip("nbclient", reason="the notebooks extra is not installed")
pytest.importorskip("ipykernel", reason="the notebooks extra is not installed")

from loopback import loopback_problem  # noqa: E402
from nbclient.exceptions import CellExecutionError, CellTimeoutError  # noqa: E402
from notebook_kernel import KERNEL_NAME, NOTEBOOKS, ROOT, jupyter_env, stage_notebook  # noqa: E402

#: What the issue promises a reader: each notebook finishes within two minutes.
BUDGET_S = 120
NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "scripts" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    if (problem := loopback_problem()) is not None:
        pytest.skip(problem)
    env = jupyter_env(tmp_path_factory.mktemp("jupyter"))
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        yield env


def _describe_failure(nb, path: Path, index: int | None, problem: str) -> str:
    lines = [f"{path.name}: {problem}"]
    if index is not None:
        cell = nb.cells[index]
        lines += [f"--- cell {index} source ---", cell.source, "--- end of source ---"]
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                lines.append(_ANSI.sub("", "\n".join(out.get("traceback", []))))
    return "\n".join(lines)


def _failing_cell(nb) -> int | None:
    for i, cell in enumerate(nb.cells):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return i
    return None


def _running_cell(nb) -> int | None:
    """The first code cell nbclient did not finish (the one that timed out)."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.get("execution_count") is None:
            return i
    return None


def test_there_are_notebooks():
    names = {p.stem for p in NOTEBOOK_PATHS}
    assert "01_quick_start" in names, f"notebooks/ holds {sorted(names)}"


def _execute(staged: Path, path: Path):
    """Run the notebook at ``staged`` (a copy of ``path``) top to bottom in its folder,
    within the budget and without stray stderr; return the executed notebook."""
    workdir = staged.parent
    nb = nbformat.read(staged, as_version=4)
    deadline = time.monotonic() + BUDGET_S
    client = nbclient.NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(workdir)}},
        # The budget is for the whole notebook: each cell gets what is left.
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic())),
        startup_timeout=60,
        allow_errors=False,
    )
    failure = None
    try:
        client.execute()
    except CellExecutionError as exc:
        failure = _describe_failure(nb, path, _failing_cell(nb), f"{exc.ename}: {exc.evalue}")
    except CellTimeoutError:
        failure = _describe_failure(nb, path, _running_cell(nb), f"did not finish within {BUDGET_S} s")
    if failure:  # outside the except block, so the report is not buried in exception chaining
        pytest.fail(failure, pytrace=False)

    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"{path.name}: cell {i} did not run"
        if "stderr-ok" in cell.metadata.get("tags", []):
            continue
        for out in cell.outputs:
            # A tutorial that spills warnings teaches users to ignore them.
            if out.output_type == "stream" and out.name == "stderr" and out.text.strip():
                pytest.fail(_describe_failure(
                    nb, path, i, f"unexpected stderr output (tag the cell stderr-ok if meant):\n{out.text}"),
                    pytrace=False)
    return nb


def _stdout(nb) -> str:
    return "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                   for out in cell.get("outputs", []) if out.get("name") == "stdout")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_notebook_runs_offline_in_a_scratch_folder(path, tmp_path, kernel_env):
    before = set(NOTEBOOKS.rglob("*"))
    _execute(stage_notebook(path, tmp_path / "work"), path)
    littered = sorted(str(p) for p in set(NOTEBOOKS.rglob("*")) - before)
    assert not littered, f"{path.name} wrote into notebooks/: {littered}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    stale = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not stale, f"{path.name}: cells {stale} carry outputs or execution counts"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_notebook_opens_with_what_it_teaches_and_needs(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), \
        f"{path.name} must open with a markdown title cell"
    head = first.source.lower()
    assert "you will learn" in head or "this notebook teaches" in head, \
        f"{path.name}: the first cell must say what the notebook teaches"
    assert "you need" in head, f"{path.name}: the first cell must say what it needs"


def test_committed_notebooks_match_their_sources():
    builder = _load_builder()
    sources = builder.sources()
    assert sources, "no notebook sources in notebooks/src/"
    built = {target.name: text for s in sources for target, text in builder.render_all(s).items()}
    committed = {p.name: p.read_text(encoding="utf-8") for p in NOTEBOOK_PATHS}
    assert sorted(committed) == sorted(built), "every notebook needs a source and vice versa"
    drifted = [name for name in built if built[name] != committed[name]]
    assert not drifted, f"{drifted} differ from notebooks/src/; run python scripts/build_notebooks.py"


def test_builder_rejects_malformed_sources(tmp_path):
    builder = _load_builder()
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n# %%\nx = 1\n", encoding="utf-8")
    with pytest.raises(builder.NotebookSourceError, match=r"bad\.py:1: text before"):
        builder.render(bad)
    bad.write_text("# %% [markdown]\n# Title\nnot a comment\n", encoding="utf-8")
    with pytest.raises(builder.NotebookSourceError, match=r"bad\.py:3: a markdown cell line"):
        builder.render(bad)


def test_builder_is_deterministic_and_keeps_tags(tmp_path):
    builder = _load_builder()
    src = tmp_path / "99_demo.py"
    src.write_text('# %% [markdown]\n# # Demo\n#\n# Text.\n\n# %% tags=["stderr-ok"]\nx = 1\n\n# %%\nx\n',
                   encoding="utf-8")
    first, second = builder.render(src), builder.render(src)
    assert first == second
    nb = nbformat.reads(first, as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code"]
    assert nb.cells[0].source == "# Demo\n\nText."
    assert nb.cells[1].metadata["tags"] == ["stderr-ok"]
    assert nb.cells[2].source == "x"


def test_exercise_and_solution_cells_go_to_separate_notebooks(tmp_path, monkeypatch):
    builder = _load_builder()
    monkeypatch.setattr(builder, "NOTEBOOKS", tmp_path)
    src = tmp_path / "98_class.py"
    src.write_text('# %% [markdown]\n# # Class\n\n# %%\nx = 1\n\n'
                   '# %% tags=["exercise"]\nanswer = None  # your turn\n\n'
                   '# %% tags=["solution"]\nanswer = x + 1\n', encoding="utf-8")
    built = {p.name: nbformat.reads(t, as_version=4) for p, t in builder.render_all(src).items()}
    assert sorted(built) == ["98_class.ipynb", "98_class_solutions.ipynb"]
    assert [c.source for c in built["98_class.ipynb"].cells[1:]] == ["x = 1", "answer = None  # your turn"]
    assert [c.source for c in built["98_class_solutions.ipynb"].cells[1:]] == ["x = 1", "answer = x + 1"]
    assert all("tags" not in c.metadata for nb in built.values() for c in nb.cells)


def test_shipped_coding_sheets_cover_the_sample_that_04_draws():
    """The two coders' sheets are keyed by unit_id: if the sample corpus's parser
    changes ids or segmentation, they must be re-keyed (see notebooks/data/README.md)."""
    import analysis
    import threads

    sample = analysis.draw_sample(threads.sample_corpus(), 30, stratify="role", allocation="equal",
                                  random_state=0)
    codes = analysis.read_coding_sheets(
        [NOTEBOOKS / "data" / "coding_coder_a.csv", NOTEBOOKS / "data" / "coding_coder_b.csv"],
        codebook="surveillance")
    for coder, coded in codes.groupby("coder"):
        assert set(coded["unit_id"]) == set(sample["unit_id"]), f"{coder}'s sheet no longer matches the sample"
    texts = sample.set_index("unit_id")["text"]
    sheet = pd.read_csv(NOTEBOOKS / "data" / "coding_coder_a.csv", dtype=str,
                        keep_default_na=False).set_index("unit_id")
    changed = [u for u in texts.index if sheet.loc[u, "text"] != texts[u]]
    assert not changed, f"units whose text changed since they were coded: {changed}"


def test_every_notebook_is_described_in_the_docs():
    page = (ROOT / "docs" / "notebooks.md").read_text(encoding="utf-8")
    missing = [p.stem for p in NOTEBOOK_PATHS if f"`{p.stem}`" not in page]
    assert not missing, f"docs/notebooks.md does not describe {missing}"


# Re-running a notebook in the folder where the learner has worked must keep their work.


@pytest.mark.slow
@pytest.mark.parametrize("name", ["03_codebook_workshop", "03_codebook_workshop_solutions"])
def test_rerunning_03_keeps_the_edited_codebook(name, tmp_path, kernel_env):
    path = NOTEBOOKS / f"{name}.ipynb"
    staged = stage_notebook(path, tmp_path / "work")
    first = _execute(staged, path)
    assert "copied the 'surveillance' codebook to my-codebook.yaml" in _stdout(first)
    book = staged.parent / "my-codebook.yaml"
    # The learner's own edit in JupyterLab's editor: one more critical cue and a note.
    text = book.read_text(encoding="utf-8")
    assert text.count("    - creepy\n") == 1
    edited = text.replace("    - creepy\n", "    - creepy\n    - panopticon\n") + "# my note\n"
    book.write_text(edited, encoding="utf-8")
    second = _execute(staged, path)
    assert "my-codebook.yaml already exists: keeping your edits" in _stdout(second)
    assert book.read_text(encoding="utf-8") == edited  # not reset, and no edit made twice


@pytest.mark.slow
def test_rerunning_04_keeps_the_coded_sheet(tmp_path, kernel_env):
    import analysis

    openpyxl = pytest.importorskip("openpyxl")
    path = NOTEBOOKS / "04_validation.ipynb"
    staged = stage_notebook(path, tmp_path / "work")
    first = _execute(staged, path)
    assert "wrote coding/my_sheet.xlsx" in _stdout(first)
    # The learner codes the sheet (here with Ana's codes) and points the notebook at it.
    sheet = staged.parent / "coding" / "my_sheet.xlsx"
    ana = pd.read_csv(staged.parent / "data" / "coding_coder_a.csv", dtype=str,
                      keep_default_na=False).set_index("unit_id")
    categories = list(analysis.load_codebook("surveillance").categories)
    wb = openpyxl.load_workbook(sheet)
    ws = wb["units"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        unit = row[header.index("unit_id")].value
        for cat in categories:
            row[header.index(cat)].value = int(ana.loc[unit, cat])
    wb.save(sheet)
    coded = analysis.read_coding_sheets([sheet])
    assert len(coded) == len(ana) * len(categories)
    nb = nbformat.read(staged, as_version=4)
    cell = next(c for c in nb.cells if c.source.startswith('my_sheet = "data/coding_coder_a.csv"'))
    cell.source = cell.source.replace('"data/coding_coder_a.csv"', '"coding/my_sheet.xlsx"', 1)
    nbformat.write(nb, staged)
    second = _execute(staged, path)
    out = _stdout(second)
    assert "coding/my_sheet.xlsx already exists: keeping your coding" in out
    assert "coding/round2.xlsx already exists: keeping your coding" in out
    pd.testing.assert_frame_equal(analysis.read_coding_sheets([sheet]), coded)
