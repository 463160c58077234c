"""Shared fixtures. Qt runs offscreen; every test gets its own data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent


def face_samples_dir() -> Path | None:
    """The folder of public face photos, or None when this machine has none."""
    configured = os.environ.get("CROFTPOST_FACE_SAMPLES")
    folder = Path(configured) if configured else REPO_ROOT.parent / "shared" / "faces"
    return folder if folder.is_dir() else None


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    folder = face_samples_dir()
    if folder is None:
        pytest.skip("face samples not found: set CROFTPOST_FACE_SAMPLES or provide ../shared/faces")
    return folder


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch data/ or the user's folders."""
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home" / ".cache"))
    monkeypatch.delenv("CROFTPOST_USER", raising=False)
    monkeypatch.delenv("CROFTPOST_PASSWORD", raising=False)
