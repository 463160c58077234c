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
    # Nor the keyring of whoever runs the tests (the audit anchors write to one if it exists).
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.delenv("CROFTPOST_USER", raising=False)
    monkeypatch.delenv("CROFTPOST_PASSWORD", raising=False)


# -- services on a fresh data folder ------------------------------------------------------------

HEAD_PASSWORD = "head-password-1"
STAFF_PASSWORD = "staff-password-1"


class FakeClock:
    """A clock tests can move forward (lockouts, expiry). Real services, controllable time."""

    def __init__(self) -> None:
        from datetime import UTC, datetime

        self.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def __call__(self):  # noqa: ANN204 - a datetime, like utc_now
        return self.now

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fast_hasher():
    """Real Argon2id with test-sized costs, so a suite of logins stays quick."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def school(tmp_path: Path, clock: FakeClock, fast_hasher):
    """A set-up school: (services, headteacher session)."""
    from croftpost.core.services import set_up_school

    services, head = set_up_school(tmp_path / "school", "Croftlands Junior", "head",
                                   "Alex Morgan", HEAD_PASSWORD, clock=clock, hasher=fast_hasher)
    yield services, head
    services.close()


# -- a school on the command line with one enrolled pupil -----------------------------------------

OLLY_REGISTER = (
    "pupil_id,first_name,last_name,class,photo_facebook,photo_dojo,name_facebook,name_dojo,"
    "biometric,consent_expires,withdrawn_on\n"
    "P001,Olly,Barnes,Year 5,yes,no,no,no,yes,2027-07-31,\n"
)
KNN = "face_recognition/examples/knn_examples"


@pytest.fixture
def cli_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A school set up through the command line in tmp_path/cli-school, with the headteacher
    ("head", HEAD_PASSWORD) logged in through the environment. Returns the data folder."""
    from croftpost.cli import run

    data = tmp_path / "cli-school"
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(data))
    monkeypatch.setenv("CROFTPOST_PASSWORD", HEAD_PASSWORD)
    assert run(["setup", "--school", "Croftlands Junior", "--headteacher", "head",
                "--name", "Alex Morgan"]) == 0
    monkeypatch.setenv("CROFTPOST_USER", "head")
    return data


@pytest.fixture
def olly_enrolled(cli_head: Path, tmp_path: Path, faces_dir: Path) -> Path:
    """cli_head's school whose register has Olly (P001): photo consent for Facebook only, no
    name consent, enrolled from two photos of one public face. Returns the data folder."""
    from croftpost.cli import run

    data = cli_head
    register = tmp_path / "register.csv"
    register.write_text(OLLY_REGISTER)
    assert run(["consent", "import", str(register)]) == 0
    train = sorted((faces_dir / KNN / "train" / "obama").glob("*.jpg"))[:2]
    assert run(["consent", "enrol", "P001", *map(str, train)]) == 0
    return data
