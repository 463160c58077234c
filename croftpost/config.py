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


LOG_FILENAME = "croftpost.log"


def configure_logging(data_dir: Path) -> None:
    """Log to an owner-only file in the data folder. Log lines carry ids and counts, never
    names, passwords, hashes or face encodings (privacy by design)."""
    import logging
    from logging.handlers import RotatingFileHandler

    if not data_dir.is_dir():
        return
    path = data_dir / LOG_FILENAME
    try:
        os.close(os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600))
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return  # a read-only data folder still works; it just keeps no log
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
