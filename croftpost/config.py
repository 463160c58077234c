"""Where croftpost keeps its data and finds its assets. No side effects at import time."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent
DATA_DIR_ENV = "CROFTPOST_DATA_DIR"


def running_from_checkout() -> bool:
    """True when the package sits in a source checkout (pyproject.toml beside it)."""
    return (CHECKOUT_DIR / "pyproject.toml").is_file() and (CHECKOUT_DIR / "assets").is_dir()


def default_data_dir() -> Path:
    """The embedded data/ folder of a checkout, else the user's data folder for croftpost."""
    if running_from_checkout():
        return CHECKOUT_DIR / "data"
    from platformdirs import user_data_path

    return user_data_path("croftpost", appauthor=False)


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir wins over CROFTPOST_DATA_DIR, which wins over the default."""
    if option:
        return Path(option).expanduser()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_data_dir()


def assets_dir() -> Path:
    """assets/ of a checkout, or the copy packaged inside the wheel."""
    in_checkout = CHECKOUT_DIR / "assets"
    if in_checkout.is_dir():
        return in_checkout
    return PACKAGE_DIR / "_assets"
