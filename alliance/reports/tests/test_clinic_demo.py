"""The demo clinic has enough history for real figures on every page, and one figure that is
too few to say."""

import pytest

from alliance import demo
from alliance.accounts.models import User
from alliance.care.models import Session
from alliance.notes.models import Note, NoteKind
from alliance.reports import analytics
from alliance.reports.clinic_views import last_twelve_months
from alliance.reports.models import OutcomeSummary


@pytest.fixture(scope="module")
def seeded(seed_once):
    return seed_once(demo.seed)


@pytest.fixture
def clinic(seeded, db):
    return seeded


def figures(clinic, counselor=None, today=None):
    from django.utils import timezone

    period = last_twelve_months(today or timezone.localdate())
    return analytics.figures(analytics.Scope(clinic, counselor), period)


def test_the_clinic_page_has_real_figures(clinic):
    result = figures(clinic)
    assert result["paired"] >= 15
    for rate in ("recovery_rate", "reliable_improvement_rate", "reliable_deterioration_rate"):
        assert result[rate] is not None
    link = result["alliance_outcome"]
    assert link["r"] is not None and link["r"] < 0  # a stronger alliance, a larger fall


def test_each_counselor_has_real_figures_and_tom_one_too_few_to_say(clinic):
    maya = User.objects.get(email="maya@riverside.example")
    tom = User.objects.get(email="tom@riverside.example")
    mine = figures(clinic, maya)
    assert mine["recovery_rate"] is not None
    [accuracy] = mine["prediction_accuracy"]
    assert accuracy["subscales"]["task"]["mean_gap"] > accuracy["subscales"]["bond"]["mean_gap"]
    toms = figures(clinic, tom)
    assert toms["paired"] >= 5 and toms["caseness_start"] == 4
    assert toms["recovery_rate"] is None  # four cases at the start: too few to say
    assert toms["reliable_improvement_rate"] is not None
    [accuracy] = toms["prediction_accuracy"]
    assert accuracy["subscales"]["bond"]["mean_gap"] < 0


def test_the_summaries_cover_every_client_and_every_session_is_noted(clinic):
    assert OutcomeSummary.objects.filter(clinic=clinic).count() == clinic.clients.count()
    sessions = Session.objects.filter(client__clinic=clinic).count()
    assert Note.objects.filter(kind=NoteKind.PROGRESS, client__clinic=clinic).count() == sessions


def test_seeding_again_adds_nobody(clinic):
    people = User.objects.filter(clinic=clinic).count()
    assert demo.seed() == clinic
    assert User.objects.filter(clinic=clinic).count() == people
