import datetime

import pytest

from alliance import demo
from alliance.care.models import Session
from alliance.measures import services
from alliance.measures.demo import WEEKS, anchor_for, seed_checkins
from alliance.measures.instruments import find
from alliance.measures.models import CheckInSchedule, Response
from alliance.psychometrics import classify_change

SEED_DAY = datetime.date(2026, 5, 20)


@pytest.fixture(scope="module")
def without_history(seed_once):
    # Everything but the check-ins, seeded once for the module; each test seeds the history for
    # a fixed date inside its own transaction, which ends rolled back.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "seed_checkins", lambda clinic: None)
        return seed_once(demo.seed)


@pytest.fixture
def clinic(without_history, db):
    return without_history


def history():
    sessions = [
        (s.client.user.email, s.date, s.attendance, s.duration_minutes)
        for s in Session.objects.select_related("client__user").order_by(
            "client__user__email", "date"
        )
    ]
    responses = [
        (r.client.user.email, r.session.date, r.instrument, r.answers, r.total, r.submitted_at)
        for r in Response.objects.select_related("client__user", "session").order_by(
            "client__user__email", "session__date", "instrument"
        )
    ]
    return sessions, responses


def totals(email, code):
    return [
        r.score_total
        for r in Response.objects.filter(client__user__email=email, instrument=code).order_by(
            "session__date"
        )
    ]


def test_it_gives_the_same_history_for_the_same_day(clinic):
    seed_checkins(clinic, SEED_DAY)
    first = history()
    Response.objects.all().delete()
    Session.objects.all().delete()
    CheckInSchedule.objects.all().delete()
    seed_checkins(clinic, SEED_DAY)
    assert history() == first
    assert len(first[0]) == 5 * WEEKS


def test_it_puts_six_months_of_weekly_sessions_before_the_seed_day(clinic):
    seed_checkins(clinic, SEED_DAY)
    dates = sorted(Session.objects.values_list("date", flat=True))
    assert dates[-1] < SEED_DAY
    assert (dates[-1] - dates[0]).days >= 7 * (WEEKS - 1)
    assert anchor_for(SEED_DAY) == datetime.date(2026, 5, 11)
    assert Session.objects.exclude(attendance="attended").exists()
    for client in clinic.clients.all():
        first = client.sessions.order_by("date")[0].date
        assert client.created_at.date() < first
        assert client.assignments.get().started_at.date() < first


@pytest.mark.parametrize("day", [SEED_DAY, datetime.date(2027, 1, 4), datetime.date(2026, 9, 30)])
def test_it_tells_each_clients_story(clinic, day):
    seed_checkins(clinic, day)
    phq9 = find("phq9")

    def outcome(email):
        scores = totals(email, "phq9")
        return classify_change(phq9, scores[0], scores[-1])["reliable"]

    assert outcome("sam@riverside.example") == "improved"
    assert outcome("alex@riverside.example") == "improved"
    assert outcome("jordan@riverside.example") == "deteriorated"
    assert outcome("robin@riverside.example") == "no reliable change"
    assert (
        max(totals("robin@riverside.example", "phq9"))
        - min(totals("robin@riverside.example", "phq9"))
        <= 6
    )


@pytest.mark.parametrize("day", [SEED_DAY, datetime.date(2027, 1, 4), datetime.date(2026, 9, 30)])
def test_it_shows_a_drop_in_alliance_and_its_repair(clinic, day):
    seed_checkins(clinic, day)
    first = Session.objects.filter(client__user__email="priya@riverside.example").order_by("date")[
        0
    ]
    by_week = {
        (r.session.date - first.date).days // 7: r.score_total
        for r in Response.objects.filter(
            client__user__email="priya@riverside.example", instrument="wai-sr"
        ).select_related("session")
    }
    before = [t for week, t in by_week.items() if week < 9]
    during = [t for week, t in by_week.items() if 11 <= week <= 15]
    after = [t for week, t in by_week.items() if week >= 19]
    assert min(before) - min(during) >= 10
    assert min(after) - min(during) >= 10


def test_it_flags_item_9_only_for_the_client_getting_worse(clinic):
    seed_checkins(clinic, SEED_DAY)
    flagged = [r for r in Response.objects.select_related("client__user") if r.flags]
    assert {r.client.user.email for r in flagged} == {"jordan@riverside.example"}
    assert {tuple(r.flags) for r in flagged} == {("suicide_risk_item9",)}


def test_it_leaves_check_ins_due_to_show(clinic):
    seed_checkins(clinic, SEED_DAY)
    sam = clinic.clients.get(user__email="sam@riverside.example")
    priya = clinic.clients.get(user__email="priya@riverside.example")
    assert [d.instrument.code for d in services.due_checkins(sam)] == ["gad7", "phq9", "wai-sr"]
    assert [d.instrument.code for d in services.due_checkins(priya)] == ["wai-sr-predicted"]


def test_it_follows_a_changed_schedule(clinic):
    seed_checkins(clinic, SEED_DAY)
    robin = clinic.clients.get(user__email="robin@riverside.example")
    assert robin.checkin_schedule.intervals["gad7"] == 2
    attended = robin.sessions.filter(attendance="attended").count()
    assert Response.objects.filter(client=robin, instrument="gad7").count() <= (attended + 1) // 2
