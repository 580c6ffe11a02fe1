"""The demo shows a rupture detected, repaired and recovered, an open gap and a risk alert."""

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


def test_the_demo_tells_the_rupture_and_repair_story(clinic):
    alerts = Alert.objects.filter(clinic=clinic).select_related("client__user")
    priya = [a for a in alerts if a.client.user.email == "priya@riverside.example"]
    [drop] = [a for a in priya if a.rule == "alliance_drop"]
    assert drop.status == Status.RECOVERED
    assert drop.repairs.exists()
    assert drop.follow_ups[-1]["status"] == "recovered"
    assert drop.follow_ups[-1]["repaired"] is True
    assert drop.repairs.first().created_at < drop.closed_at
    jordan = [a for a in alerts if a.client.user.email == "jordan@riverside.example"]
    assert any(a.rule == "two_view_gap" and a.is_active for a in jordan)
    risks = [a for a in jordan if a.rule == "risk"]
    assert risks and all(a.severity == "urgent" and a.is_active for a in risks)


def test_seeding_again_adds_no_alerts(clinic):
    count = Alert.objects.filter(clinic=clinic).count()
    assert demo.seed() == clinic
    assert Alert.objects.filter(clinic=clinic).count() == count
