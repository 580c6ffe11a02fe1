"""The progress pages: the client's own on a phone, and the counselor's for a client."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.alerts.models import ClinicAlertSettings
from alliance.audit.models import AuditEvent
from alliance.measures.models import Response, SkippedPrediction
from alliance.measures.tests.helpers import add_session, give_response, wai
from alliance.reports.tests.helpers import DAYS, build_history


@pytest.fixture
def history(personas):
    return build_history(personas)


def page(web, url, **query):
    response = web.get(url, query)
    return response, response.content.decode()


def test_it_shows_the_client_their_progress_in_plain_words(personas, history, web_as):
    response, text = page(web_as(personas.a.user), reverse("my_progress"))
    assert response.status_code == 200
    assert "Your progress" in text
    assert "Reliable improvement in Mood: down 12 points, from 17 to 5." in text
    # Below the cut-off on one questionnaire is a fact about it, never called recovery.
    assert (
        "It started at or above this questionnaire&#x27;s cut-off (10) and is now below it." in text
    )
    assert "Recovery in" not in text
    assert "Reliable improvement in Anxiety: down 9 points, from 14 to 5." in text
    assert "reached +1, better than expected (your rating)" in text
    assert (
        "Latest: 5 on 2 March 2026, in the mild range, outside the range services usually "
        "treat (the dashed line at 10)."
    ) in text
    assert "Treatment level: 10" in text and "Moderately severe" in text
    # Both views of the alliance, named as the client reads them.
    assert "Your answers" in text and "What Carmen expected" in text
    assert "Tasks done each week" in text
    assert "3 attended of 4 booked" in text
    assert "Download all your data (JSON)" in text
    assert "A check-in is not a diagnosis." in text


CLIENT_JARGON = (
    "caseness",
    "Caseness",
    "T-score",
    "WAI-SR",
    "PHQ-9",
    "GAD-7",
    "RCI",
    "reliable change index",
    "item mean",
    "Item mean",
    "Urgent flag",
    "urgent flag",
    "One number for all goals",
    "GAS",
)


def test_the_clients_pages_use_no_clinical_jargon(personas, history, web_as):
    web = web_as(personas.a.user)
    answered = Response.objects.filter(client=personas.a).values_list("pk", flat=True)
    urls = [reverse("my_progress"), "/home/", "/home/progress/", "/home/alliance/"]
    urls += ["/home/something-isnt-working/", *(f"/home/check-ins/{pk}/" for pk in answered)]
    for url in urls:
        text = without_tokens(web.get(url).content.decode())
        for word in CLIENT_JARGON:
            assert not re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", text), (
                url,
                word,
            )


def without_tokens(html: str) -> str:
    # Random values (the CSRF token, a script nonce) may spell "RCI" by chance; words a person
    # reads never look like a long unbroken run of letters, digits and token punctuation.
    return re.sub(r'="[A-Za-z0-9+/=_-]{20,}"', '=""', html)


def test_it_states_the_persons_outcome_over_mood_and_anxiety_together(personas, history, web_as):
    """Recovery is the person's, over PHQ-9 and GAD-7 together (17/14 → 5/5): shown where the
    definition holds, and called recovery only there."""
    _, text = page(web_as(personas.a.user), reverse("my_progress"))
    assert "Mood and anxiety together" in text
    assert (
        "Your mood and anxiety check-ins together, from your first session with both "
        "(5 January 2026: mood 17, anxiety 14) to the latest (2 March 2026: mood 5, anxiety 5)."
    ) in text
    assert "by the NHS Talking Therapies definition, this counts as recovery." in text
    assert "that is reliable improvement." in text
    assert "Recovery, by the NHS Talking Therapies definition" in text  # a milestone
    _, staff = page(web_as(personas.c1), reverse("client_progress_charts", args=[personas.a.pk]))
    assert "Outcome: PHQ-9 and GAD-7 together" in staff
    assert "Reliable recovery: a case at the start" in staff


def test_it_says_recovery_does_not_apply_when_the_person_started_below_the_cut_off(
    personas, web_as
):
    from alliance.reports.tests.helpers import answers

    for day, phq, gad in (
        (DAYS[0], [1, 1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0]),
        (DAYS[1], [1, 1, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0]),
    ):
        held = add_session(personas.b, day)
        give_response(personas.b, "phq9", answers("phq9", phq), held)
        give_response(personas.b, "gad7", answers("gad7", gad), held)
    _, text = page(web_as(personas.b.user), reverse("my_progress"))
    assert "recovery, as services define it, does not apply." in text
    assert "counts as recovery" not in text


def test_it_shows_no_persons_outcome_without_two_sessions_with_both(personas, web_as):
    from alliance.reports.tests.helpers import answers

    held = add_session(personas.b, DAYS[0])
    give_response(personas.b, "phq9", answers("phq9", [3] * 9), held)
    give_response(personas.b, "gad7", answers("gad7", [3] * 7), held)
    later = add_session(personas.b, DAYS[1])
    give_response(personas.b, "phq9", answers("phq9", [0] * 9), later)  # no GAD-7 this time
    _, text = page(web_as(personas.b.user), reverse("my_progress"))
    assert "Mood and anxiety together" not in text
    assert "recovery" not in text.lower()


def test_it_says_over_which_goals_the_goal_score_is_computed(personas, history, web_as):
    _, text = page(web_as(personas.a.user), reverse("my_progress"))
    goal = history.goal.text.replace("'", "&#x27;")
    assert "Each line is one person&#x27;s latest rating of this goal:" in text
    assert f"“{goal}”" in text
    assert "goals set aside, are not counted" in text
    _, staff = page(web_as(personas.c1), reverse("client_progress_charts", args=[personas.a.pk]))
    assert "Each line is the GAS T-score of this goal, at that side&#x27;s latest rating:" in staff
    assert "One number for all goals" not in staff


def test_it_draws_each_chart_with_a_table_of_its_numbers(personas, history, web_as):
    _, text = page(web_as(personas.a.user), reverse("my_progress"))
    for chart in ("chart-phq9", "chart-gad7", "chart-alliance", "chart-attainment", "chart-tasks"):
        assert f'aria-labelledby="{chart}-title" aria-describedby="{chart}-desc"' in text
    assert text.count('role="img"') >= 5
    assert "<caption>Mood over time</caption>" in text
    assert '<th scope="row">2 Feb 2026</th><td>12</td><td>Moderate</td>' in text


def test_it_narrows_to_the_dates_asked_for_but_counts_change_from_the_first_session(
    personas, history, web_as
):
    """A period starting mid-treatment used to count change from its own first check-in (12,
    not 17). The baseline is the first measured session of the course of care; the period
    only chooses what is shown and where "now" is."""
    response, text = page(
        web_as(personas.a.user),
        reverse("my_progress"),
        **{"from": "2026-02-01", "to": "2026-03-31"},
    )
    assert response.status_code == 200
    assert "1 February 2026 to 31 March 2026" in text
    assert "Reliable improvement in Mood: down 12 points, from 17 to 5." in text
    assert "Reliable improvement in Anxiety: down 9 points, from 14 to 5." in text
    assert "from 12 to 5" not in text and "from 9 to 5" not in text
    assert "since your first check-in on 5 January 2026, before these dates" in text
    # The chart shows only the dates asked for.
    assert "5 Jan 2026" not in text


def test_it_puts_now_at_the_end_of_the_dates_asked_for(personas, history, web_as):
    _, text = page(
        web_as(personas.c1),
        reverse("client_progress_charts", args=[personas.a.pk]),
        **{"to": "2026-02-15"},
    )
    assert "Down 5 points from 17 on 5 January 2026 to 12 on 2 February 2026." in text
    assert "Reliable improvement in Mood (PHQ-9)" not in text
    assert "2 Mar 2026" not in text


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "2026-13-01"}, "Enter the start date as YYYY-MM-DD, for example 2026-01-31."),
        ({"to": "yesterday"}, "Enter the end date as YYYY-MM-DD, for example 2026-01-31."),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "The end date is before the start date."),
        ({"from": "0001-01-01"}, "Enter a start date between the years 1900 and 2999."),
        ({"to": "2" * 40}, "Enter the end date as YYYY-MM-DD, for example 2026-01-31."),
    ],
)
def test_it_explains_dates_it_cannot_use(personas, web_as, query, message):
    response, text = page(
        web_as(personas.c1), reverse("client_progress_charts", args=[personas.a.pk]), **query
    )
    assert response.status_code == 422
    assert message in text
    assert "field-error" in text


def test_it_keeps_the_prediction_lock(personas, web_as):
    """Until Carmen predicts (or skips) for a session, Amira's answers for it stay hidden
    from her, here as everywhere; the supervisor is not locked out."""
    session = add_session(personas.a, DAYS[0])
    give_response(personas.a, "wai-sr", wai(2), session)
    url = reverse("client_progress_charts", args=[personas.a.pk])
    _, text = page(web_as(personas.c1), url)
    assert "Working together" not in text
    _, text = page(web_as(personas.supervisor), url)
    assert "Amira&#x27;s answers" in text
    SkippedPrediction.objects.create(session=session, skipped_by=personas.c1)
    _, text = page(web_as(personas.c1), url)
    assert "Amira&#x27;s answers" in text


def test_it_hides_predictions_from_the_client_when_the_clinic_says_so(personas, history, web_as):
    ClinicAlertSettings.objects.create(clinic=personas.clinic, show_comparison_to_clients=False)
    _, text = page(web_as(personas.a.user), reverse("my_progress"))
    assert "Your answers" in text
    assert "What Carmen expected" not in text


def test_it_says_so_when_there_is_nothing_yet(personas, web_as):
    _, text = page(web_as(personas.b.user), reverse("my_progress"))
    assert "Nothing recorded yet in these dates." in text
    assert 'role="img"' not in text


def test_it_records_the_read_in_the_audit_trail(personas, history, web_as):
    page(web_as(personas.c1), reverse("client_progress_charts", args=[personas.a.pk]))
    event = AuditEvent.objects.filter(actor_id=personas.c1.pk, action="read").latest("id")
    assert (event.object_type, event.client_id) == ("Client", personas.a.pk)
    assert event.detail == "progress, all dates"


def test_it_reads_a_longer_history_with_no_more_queries(personas, web_as):
    web = web_as(personas.a.user)
    url = reverse("my_progress")
    build_history(personas)
    with CaptureQueriesContext(connection) as short:
        web.get(url)
    for day in ("2026-04-06", "2026-04-13", "2026-04-20"):
        session = add_session(personas.a, datetime.date.fromisoformat(day))
        give_response(personas.a, "wai-sr", wai(4), session)
        give_response(personas.a, "wai-sr-predicted", wai(5), session)
    with CaptureQueriesContext(connection) as longer:
        web.get(url)
    assert len(longer.captured_queries) == len(short.captured_queries)
