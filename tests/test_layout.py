"""The package layout the docs promise: ingest never depends on analysis,
warnings live in one module, the public API is what ``analysis.__all__`` says,
and no module imports its way into a circle."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import analysis

ROOT = Path(__file__).resolve().parents[1]


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path, ast.parse(path.read_text(encoding="utf-8"))


def _is_package(name: str) -> bool:
    return (ROOT / name.replace(".", "/") / "__init__.py").exists()


def _imported(name: str, tree: ast.AST, in_functions: bool = True) -> set[str]:
    """Modules a module imports anywhere (top level or inside functions), absolute names."""
    pkg = name if _is_package(name) else name.rsplit(".", 1)[0]
    out = set()
    type_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                 and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
                 for n in ast.walk(node)}
    in_def = set() if in_functions else {
        id(n) for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for n in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in in_def:  # a facade method's delegation, see FACADES
            continue
        if id(node) in type_only:  # annotations only: no import at run time
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
    return out


def test_threads_never_imports_analysis():
    offenders = [name for name, _, tree in _modules("threads")
                 if any(m == "analysis" or m.startswith("analysis.") for m in _imported(name, tree))]
    assert offenders == []


def test_every_analysis_warning_lives_in_analysis_exceptions():
    defined = []
    for name, _, tree in _modules("analysis"):
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Warning"):
                defined.append(f"{name}.{node.name}")
    assert defined and all(d.startswith("analysis.exceptions.") for d in defined), defined
    for d in defined:
        cls = d.rsplit(".", 1)[1]
        assert getattr(analysis, cls) is getattr(importlib.import_module("analysis.exceptions"), cls)
        assert issubclass(getattr(analysis, cls), analysis.ThreadframeWarning)


def test_every_threads_warning_lives_in_threads_errors_and_is_exported():
    import threads

    defined = [f"{name}.{node.name}" for name, _, tree in _modules("threads") for node in ast.walk(tree)
               if isinstance(node, ast.ClassDef) and node.name.rstrip("_").endswith("Warning")]
    assert defined and all(d.startswith("threads.errors.") for d in defined), defined
    assert all(d.rsplit(".", 1)[1] in threads.__all__ for d in defined)


@pytest.mark.parametrize("name", analysis.__all__)
def test_public_name_resolves(name):
    assert getattr(analysis, name) is not None


#: ``Corpus`` is the one facade whose methods hand work to the modules that
#: build or write a corpus (``Corpus.from_pandas``, ``to_excel``, ``to_stata``,
#: ...), importing them inside the method; those modules import ``Corpus``.
FACADES = {"threads.corpus"}


def _graph(package: str) -> dict[str, set[str]]:
    mods = {name: tree for name, _, tree in _modules(package)}
    graph = {}
    for name, tree in mods.items():
        deps = set()
        for m in _imported(name, tree, in_functions=name not in FACADES):
            # "from analysis.tagging import whataboutism" names the submodule
            while m and m not in mods:
                m = m.rpartition(".")[0]
            if m and m != name and not name.startswith(m + ".") and m != package:
                deps.add(m)
        graph[name] = deps
    return graph


@pytest.mark.parametrize("package", ["threads", "analysis"])
def test_no_import_cycles_between_modules(package):
    """A cycle (even through a function-level import) means two modules are
    really one; the docs' top-to-bottom reading order needs none."""
    graph = _graph(package)
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []
