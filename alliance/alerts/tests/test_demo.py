"""The demo shows a rupture detected, repaired and recovered, an open gap and a risk alert."""

from alliance import demo
from alliance.alerts.models import Alert, Status


def test_the_demo_tells_the_rupture_and_repair_story(db):
    clinic = demo.seed()
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


def test_seeding_again_adds_no_alerts(db):
    clinic = demo.seed()
    count = Alert.objects.filter(clinic=clinic).count()
    demo.seed()
    assert Alert.objects.filter(clinic=clinic).count() == count
