"""Alt+letter presses the button it names: no two controls on one screen share a letter (two
sharing "P" made Alt+P only move the focus between them instead of preparing the post)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from tests.ui.conftest import add_staff

pytestmark = pytest.mark.gui

_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def mnemonics(window: QWidget) -> Counter[str]:
    """The Alt letters of the buttons and labelled fields a person can see now."""
    letters: Counter[str] = Counter()
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel) and widget.buddy() is None:
            continue
        letters.update(m.lower() for m in _MNEMONIC.findall(widget.text()))
    return letters


@pytest.mark.parametrize("role", ["headteacher", "office", "staff"])
def test_every_page_has_one_control_per_alt_letter(school, make_window, role):
    services, head = school
    session = head if role == "headteacher" else add_staff(
        services, head, role, role, ("facebook", "dojo") if role == "staff" else ())
    window = make_window(services, session)
    for key in window.page_keys():
        window.show_page(key)
        repeated = {k: n for k, n in mnemonics(window).items() if n > 1}
        assert not repeated, (key, repeated, _owners(window, repeated))


def _owners(window: QWidget, letters: dict[str, int]) -> list[str]:
    return [w.text() for w in window.findChildren(QAbstractButton) + window.findChildren(QLabel)
            if w.isVisibleTo(window) and any(f"&{k}" in w.text().lower() for k in letters)]
