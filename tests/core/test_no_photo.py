"""The trip list: who must not appear in photos, per class and per channel."""

from __future__ import annotations

from datetime import date

from croftpost.core.consent_model import ConsentRecord, Pupil
from croftpost.core.no_photo import natural_key, no_photo_lists

DAY = date(2026, 11, 24)


def pupil(pid: str, first: str, last: str, cls: str, facebook: bool, dojo: bool,
          protected: bool = False, left: date | None = None) -> Pupil:
    consents = {"photo_facebook": ConsentRecord("photo_facebook", facebook),
                "photo_dojo": ConsentRecord("photo_dojo", dojo)}
    return Pupil(pid, first, last, cls, left, protected, consents)


def test_lists_per_class_per_channel_with_protected_pupils_and_no_leavers():
    pupils = [
        pupil("P1", "Ava", "Thornton", "Year 10", True, True),
        pupil("P2", "Noah", "Bennett", "Year 3", False, True),
        pupil("P3", "Isla", "Adams", "Year 3", False, False),
        pupil("P4", "Zain", "Haddad", "Year 3", True, True, protected=True),
        pupil("P5", "Leo", "Gone", "Year 3", False, False, left=date(2026, 7, 20)),
    ]
    lists = no_photo_lists(pupils, DAY)
    assert [c.class_name for c in lists] == ["Year 3", "Year 10"]
    year3, year10 = lists
    assert year3.on_roll == 3
    assert [e.name for e in year3.entries] == ["Isla Adams", "Noah Bennett", "Zain Haddad"]
    assert [e.name for e in year3.barred_on("facebook")] == [
        "Isla Adams", "Noah Bennett", "Zain Haddad"]
    assert [e.name for e in year3.barred_on("dojo")] == ["Isla Adams", "Zain Haddad"]
    assert year3.entries[2].protected and year3.entries[2].barred == ("facebook", "dojo")
    assert year10.entries == () and year10.on_roll == 1  # still listed: nobody is barred


def test_expired_and_withdrawn_consents_bar_a_pupil():
    expired = Pupil("P1", "Maya", "Oduya", "Year 4", consents={
        "photo_facebook": ConsentRecord("photo_facebook", True, expires_on=date(2026, 11, 1)),
        "photo_dojo": ConsentRecord("photo_dojo", True, withdrawn_on=date(2026, 11, 24))})
    [year4] = no_photo_lists([expired], DAY)
    assert year4.entries[0].barred == ("facebook", "dojo")


def test_natural_order_of_class_names():
    names = ["Year 10", "Reception", "Year 2", "Class 2, Willow", "Year 1"]
    assert sorted(names, key=natural_key) == [
        "Class 2, Willow", "Reception", "Year 1", "Year 2", "Year 10"]
