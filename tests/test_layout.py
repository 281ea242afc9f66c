"""The shape of the code (issue 12): the layout names the parts, no module imports
itself round a circle, and no module grows past about 300 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.chat import REPO

PACKAGES = ("bot", "actions")
LONGEST = 320  # "about 300 lines": a docstring or two over is not a new part
# Imports made inside a function, on purpose, to break what would be a circle at import
# time are not edges; neither are those under `if TYPE_CHECKING:`.


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in (REPO / package).rglob("*.py")}


def _top_level_imports(path: Path, modules: dict[str, Path], name: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for child in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                             ast.ClassDef)) else []:
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                found.add(base)
                found.update(f"{base}.{a.name}" for a in child.names)
    return {m for m in found if m in modules and m != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_module_imports_itself_round_a_circle() -> None:
    modules = _modules()
    graph = {name: _top_level_imports(path, modules, name) for name, path in modules.items()}
    # A package's __init__ importing its own submodule is how a package is made, not a circle.
    for name in graph:
        graph[name] = {m for m in graph[name] if not name.startswith(f"{m}.") }
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_much_over_300_lines(package: str) -> None:
    long = {str(p.relative_to(REPO)): n for p in (REPO / package).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > LONGEST}
    assert long == {}


def test_the_folders_name_the_parts() -> None:
    for folder in ("engine", "dialogue", "nlu", "channels/sms", "channels/voice", "channels/twilio",
                   "records", "jobs", "console", "commands"):
        assert (REPO / "bot" / folder / "__init__.py").exists(), folder
    assert not list((REPO / "bot" / "channels").glob("sms_*.py"))
    assert not list((REPO / "bot" / "channels").glob("voice_*.py"))
