"""The demo shows one alert for a rupture's check-in, repaired and recovered; a risk alert with a
safety review and one still open; and a worsening that eased but stays open until reviewed."""

import pytest

from alliance import demo
from alliance.alerts.models import Alert, Status


@pytest.fixture(scope="module")
def seeded(seed_once):
    # Seeding replays the rules over six months of history: done once for the module.
    return seed_once(demo.seed)


@pytest.fixture
def clinic(seeded, db):
    return seeded


def of(clinic, email):
    alerts = Alert.objects.filter(clinic=clinic, client__user__email=email)
    return list(alerts.order_by("created_at", "pk"))


def test_the_demo_tells_the_rupture_and_repair_story_in_one_alert(clinic):
    priya = of(clinic, "priya@riverside.example")
    gathered = [a for a in priya if a.rule == "alliance" and len(a.evidence["findings"]) > 1]
    assert gathered, "the rupture's check-in shows several findings in one alert"
    rupture = gathered[0]
    assert {"alliance_drop", "weak_spot"} <= set(rupture.evidence["findings"])
    assert rupture.status == Status.RECOVERED
    assert rupture.repairs.count() == 1
    assert rupture.follow_ups[-1]["status"] == "recovered"
    assert rupture.follow_ups[-1]["repaired"] is True
    assert rupture.repairs.first().created_at < rupture.closed_at
    assert not [a for a in priya if a.rule in ("alliance_drop", "weak_spot", "two_view_gap")]


def test_the_demo_shows_a_risk_alert_with_a_safety_review_and_one_still_open(clinic):
    risks = [a for a in of(clinic, "jordan@riverside.example") if a.rule == "risk"]
    assert len(risks) == 2
    reviewed, current = risks
    assert reviewed.status == Status.REVIEWED and reviewed.severity == "urgent"
    assert [r.kind for r in reviewed.repairs.all()] == ["risk_assessed", "safety_plan"]
    assert all(r.note for r in reviewed.repairs.all())
    assert current.is_active and current.severity == "urgent"
    # The answer after it joined it rather than opening a third.
    assert [entry["status"] for entry in current.follow_ups] == ["flag_again"]


def test_the_demo_shows_a_worsening_that_eased_and_stays_open_until_reviewed(clinic):
    [worse] = [
        a
        for a in of(clinic, "alex@riverside.example")
        if a.rule == "reliable_deterioration" and a.subject == "phq9"
    ]
    assert worse.is_active and not worse.repairs.exists()
    states = [entry["status"] for entry in worse.follow_ups]
    assert "eased" in states
    assert states[-1] == "eased"
    assert (
        "no longer a reliable worsening"
        in " ".join(entry["details"]["summary"] for entry in worse.follow_ups)
        or "reliable improvement" in worse.follow_ups[-1]["details"]["summary"]
    )


def test_seeding_again_adds_no_alerts(clinic):
    count = Alert.objects.filter(clinic=clinic).count()
    assert demo.seed() == clinic
    assert Alert.objects.filter(clinic=clinic).count() == count
