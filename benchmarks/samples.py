"""Where the shared face photos are (never committed: see ../shared/faces/README.md)."""

from __future__ import annotations

import os
from pathlib import Path


def faces_dir() -> Path | None:
    """CROFTPOST_FACE_SAMPLES, or ../shared/faces beside the checkout; None when absent."""
    configured = os.environ.get("CROFTPOST_FACE_SAMPLES")
    default = Path(__file__).resolve().parents[2] / "shared" / "faces"
    folder = Path(configured) if configured else default
    return folder if folder.is_dir() else None
