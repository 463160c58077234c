"""Imports point one way: core and storage never load Qt (house style)."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import croftpost
import croftpost.core
import croftpost.storage


def _modules(package) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


def test_core_and_storage_never_import_qt():
    modules = _modules(croftpost.core) + _modules(croftpost.storage) + ["croftpost.cli"]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "", f"Qt loaded by core/storage: {result.stdout}"
    assert len(modules) > 5


def test_storage_does_not_import_ui():
    import inspect

    for name in _modules(croftpost.storage):
        module = __import__(name, fromlist=["_"])
        assert "croftpost.ui" not in inspect.getsource(module)


# -- the import graph, read from the source (TYPE_CHECKING imports count: they are a cycle too) --

PACKAGE = Path(croftpost.__file__).parent
LAYERS = {  # a layer may not import these
    "croftpost.storage": ("croftpost.core", "croftpost.ui", "croftpost.commands", "croftpost.cli"),
    "croftpost.core": ("croftpost.ui", "croftpost.commands", "croftpost.cli"),
    "croftpost.commands": ("croftpost.ui",),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """module -> the croftpost modules it imports anywhere in its source."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
        graph[name] = {m for m in found if m in files and m != name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_imports_point_down_the_layers():
    wrong = [(module, imported) for module, imports in import_graph().items()
             for layer, forbidden in LAYERS.items() if module.startswith(layer)
             for imported in imports if imported.startswith(forbidden)]
    assert wrong == []


def test_the_package_has_no_import_cycles():
    assert import_cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_only_core_writes_the_audit_log():
    """Screens and commands ask a service, which checks the permission and writes the entry."""
    writers = [str(p.relative_to(PACKAGE)) for folder in ("ui", "commands")
               for p in (PACKAGE / folder).rglob("*.py")
               if "audit.record(" in p.read_text(encoding="utf-8")]
    assert writers == []


def test_the_compose_widgets_share_only_the_model():
    """The photo flow and the posting panel work on the ComposeModel's state and signals: they
    import neither the screen nor each other (issue 15)."""
    graph = import_graph()
    views = "croftpost.ui.views."
    widgets = [f"{views}compose_photo_flow", f"{views}compose_posting", f"{views}compose_clips"]
    for widget in widgets:
        others = {f"{views}compose_view", *widgets} - {widget}
        assert not graph[widget] & others, widget
        assert f"{views}compose_model" in graph[widget]
    assert not {m for m in graph[f"{views}compose_model"] if m.startswith(views)} - {
        f"{views}photo_set", f"{views}clip_set"}
