"""The clinic page and "my practice": the example clinic's figures as charts with their tables,
the CSV download, the definitions, and who reaches which page."""

import csv
import io

import pytest
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.reports import analytics
from alliance.reports.tests import clinic_example as example

CLINIC = reverse("clinic_outcomes")
PRACTICE = reverse("my_practice")
MARCH = f"?{example.MARCH}"


@pytest.fixture
def clinic(personas):
    return example.build(personas)


def page(web_as, user, url):
    response = web_as(user).get(url)
    return response, response.content.decode()


def test_the_clinic_page_shows_the_figures_with_their_charts_and_tables(personas, clinic, web_as):
    response, html = page(web_as, personas.supervisor, CLINIC + MARCH)
    assert response.status_code == 200
    assert "7 paired clients in these dates." in html
    # The clinic's row, then Carmen's (recovery too few to say) and Chidi's.
    assert "<td>60%</td>" in html and "<td>43%</td>" in html
    assert "r = \u22120.92, 95% interval \u22120.99 to \u22120.42, n = 6" in html
    assert html.count("too few to say") >= 10
    for chart in ("recovery-by-month", "alliance-outcome", "prediction-gaps"):
        assert f'id="{chart}-title"' in html
    assert html.count('<table class="chart-table">') == 3
    assert "Carmen Counselor: Goals +0.8, Tasks +4.8, Bond +0.8." in html
    assert "Chidi Counselor: too few to say." in html
    assert 'href="#definitions"' in html and 'id="definitions"' in html
    for term, _ in analytics.DEFINITIONS:
        assert f"<dt>{term}</dt>" in html
    csv_link = f"{reverse('clinic_outcomes_csv')}?{example.MARCH}".replace("&", "&amp;")
    assert f'href="{csv_link}"' in html


def test_the_month_by_month_table_says_too_few_to_say(personas, clinic, web_as):
    _, html = page(web_as, personas.supervisor, CLINIC + "?from=2026-01-01&to=2026-04-30")
    # January: nobody has two measured sessions yet; March: seven; April: Gus alone.
    assert '<th scope="row">Jan 2026</th><td>0</td>' in html
    assert '<th scope="row">Mar 2026</th><td>7</td><td>5</td><td>60%</td>' in html
    assert '<th scope="row">Apr 2026</th><td>1</td><td>too few to say</td>' in html


def test_a_supervisor_can_look_at_one_counselors_clients(personas, clinic, web_as):
    url = f"{CLINIC}{MARCH}&counselor_id={personas.c1.pk}"
    response, html = page(web_as, personas.supervisor, url)
    assert response.status_code == 200
    assert "Carmen Counselor's clients" in html
    assert "5 paired clients in these dates." in html
    assert f'name="counselor_id" value="{personas.c1.pk}"' in html
    assert "Question by question" in html
    other = f"{CLINIC}?counselor_id={personas.other_counselor.pk}"
    assert web_as(personas.supervisor).get(other).status_code == 404


def test_my_practice_shows_a_counselor_their_own_clients_and_predictions(personas, clinic, web_as):
    response, html = page(web_as, personas.c1, PRACTICE + MARCH)
    assert response.status_code == 200
    assert "<h1>My practice</h1>" in html
    assert "5 paired clients in these dates." in html
    assert "On tasks you expected on average 4.8 points more than your clients reported." in html
    assert "On goals you expected on average 0.8 points more" in html
    assert "Chidi" not in html
    assert "Question by question" in html and "<td>+1.20</td>" in html


def test_a_counselor_with_few_clients_is_told_too_few_to_say(personas, clinic, web_as):
    _, html = page(web_as, personas.c2, PRACTICE + MARCH)
    assert "2 paired clients in these dates." in html
    assert "Too few to say: 1 paired client with an alliance check-in" in html
    assert 'id="alliance-outcome-title"' not in html
    assert "Chidi Counselor: too few to say." in html


def test_without_dates_it_shows_the_last_twelve_months(personas, clinic, web_as):
    _, html = page(web_as, personas.supervisor, CLINIC)
    assert "Without a choice the page shows the last twelve months." in html
    assert 'name="from" value="' in html


def test_bad_dates_are_shown_beside_the_field(personas, clinic, web_as):
    response, html = page(web_as, personas.supervisor, CLINIC + "?from=2026-03-31&to=2026-03-01")
    assert response.status_code == 422
    assert "The end date is before the start date." in html


def test_the_csv_has_the_clinic_and_each_counselor(personas, clinic, web_as):
    response = web_as(personas.supervisor).get(reverse("clinic_outcomes_csv") + MARCH)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "outcomes-clinic-2026-03-01-2026-03-31.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["group"] for r in rows] == ["clinic", "counselor", "counselor"]
    assert rows[0]["recovery_rate"] == "0.6" and rows[0]["alliance_outcome_r"] == "-0.919"
    assert rows[1]["recovery_rate"] == "" and rows[1]["prediction_task_mean_gap"] == "4.8"
    assert rows[2]["prediction_mean_gap"] == "" and rows[2]["prediction_sessions"] == "1"
    own = web_as(personas.c1).get(reverse("my_practice_csv") + MARCH)
    [mine] = list(csv.DictReader(io.StringIO(own.content.decode())))
    assert mine["group"] == "counselor" and mine["name"] == "Carmen Counselor"
    assert mine["paired"] == "5"


def test_a_bad_csv_request_is_refused_with_the_reason(personas, clinic, web_as):
    before = AuditEvent.objects.count()
    response = web_as(personas.supervisor).get(reverse("clinic_outcomes_csv") + "?to=tomorrow")
    assert response.status_code == 422
    assert "Enter the end date as YYYY-MM-DD" in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_reading_the_pages_is_audited(personas, clinic, web_as):
    web_as(personas.c1).get(PRACTICE + MARCH)
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_type, event.actor_id) == (
        "read",
        "ClinicFigures",
        personas.c1.pk,
    )
    assert event.object_id == str(personas.c1.pk) and event.via == "web"
    web_as(personas.admin).get(reverse("clinic_outcomes_csv") + MARCH)
    event = AuditEvent.objects.order_by("-id").first()
    assert event.detail.startswith("clinic outcomes CSV: Northside Clinic")


def test_staff_find_the_pages_in_the_navigation(personas, web_as):
    _, html = page(web_as, personas.supervisor, reverse("caseload"))
    assert f'href="{CLINIC}"' in html and f'href="{PRACTICE}"' not in html
    _, html = page(web_as, personas.c1, reverse("caseload"))
    assert f'href="{PRACTICE}"' in html and f'href="{CLINIC}"' not in html
