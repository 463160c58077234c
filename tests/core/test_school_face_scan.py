"""The school's face scan setting: how small a face every photo check looks for."""

from __future__ import annotations

import pytest

from croftpost.core.errors import BadInput, PermissionDenied
from croftpost.core.faces import DEEP_PARAMS, THOROUGH_PARAMS
from croftpost.core.services import open_services
from tests.conftest import STAFF_PASSWORD


def test_full_by_default_and_deep_once_the_head_chooses_it(school) -> None:
    services, head = school
    assert services.school.face_scan() == "full"
    assert services.photos.params == THOROUGH_PARAMS
    assert services.school.set_face_scan(head, "deep") == "deep"
    entry = services.audit.entries(limit=1)[0]
    assert (entry.actor, entry.action, entry.target, entry.details) == (
        "head", "school.set", "face_scan", {"before": "full", "after": "deep"})

    again = open_services(services.data_dir, services.clock)  # the next start, or a worker
    try:
        assert again.school.face_scan() == "deep"
        assert again.photos.params == DEEP_PARAMS
    finally:
        again.close()


def test_choosing_the_same_scan_again_records_nothing(school) -> None:
    services, head = school
    count = services.audit.count()
    services.school.set_face_scan(head, "full")
    assert services.audit.count() == count


def test_only_the_headteacher_and_only_full_or_deep(school) -> None:
    services, head = school
    services.accounts.add_staff(head, "teacher", "Sam Teacher", "staff", STAFF_PASSWORD, [])
    teacher = services.accounts.login("teacher", STAFF_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.school.set_face_scan(teacher, "deep")
    with pytest.raises(BadInput, match="use full or deep"):
        services.school.set_face_scan(head, "quick")  # would stop looking under 160 px
    assert services.school.face_scan() == "full"
