"""Imports point one way: core and storage never load Qt (house style)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

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
