"""The demo school has every role and every consent state, and never touches real data."""

from __future__ import annotations

from croftpost.core.demo import DEMO_PASSWORD, create_demo
from croftpost.core.services import open_services


def test_demo_has_every_role_and_consent_state(tmp_path, fast_hasher, monkeypatch):
    real = tmp_path / "real-data"
    monkeypatch.setenv("CROFTPOST_DATA_DIR", str(real))
    logins = create_demo(tmp_path / "demo", hasher=fast_hasher)
    assert {role for _, role, _ in logins} == {"headteacher", "office", "staff"}
    services = open_services(tmp_path / "demo", hasher=fast_hasher)
    head = services.accounts.login("head", DEMO_PASSWORD)
    today = services.consent.today()
    states = {
        record.state_on(today)
        for pupil in services.consent.pupils(head)
        for record in pupil.consents.values()
    }
    assert {"valid", "refused", "expired", "withdrawn"} <= states
    assert any(p.protected for p in services.consent.all_pupils())
    teacher = services.accounts.login("teacher", DEMO_PASSWORD)
    assert len(services.drafts.my_drafts(teacher)) == 2
    # The Safeguarding page has something to show: a post to take down, protected-pupil alerts.
    assert [t.assignee for t in services.takedowns.takedowns(head)] == ["teacher"]
    assert [a.times for a in services.alerts.alerts(head)] == [2, 1]
    assert services.audit.verify().intact
    assert not real.exists()
    services.close()
