"""What the client sees (crisis text, their view of the comparison) and the counselor's client
pages (alliance panel, two views over time, skipping a prediction)."""

from alliance.alerts.models import Alert, ClinicAlertSettings, Status
from alliance.alerts.tests.helpers import checkin, phq9, predict, session
from alliance.measures.models import SkippedPrediction


def test_the_home_page_shows_the_crisis_text_while_a_risk_alert_is_open(personas, web_as):
    personas.clinic.crisis_text = "Call the Northside duty line on 0100 000 000, day or night."
    personas.clinic.save()
    web = web_as(personas.a.user)
    assert "Northside duty line" not in web.get("/home/").content.decode()
    phq9(personas.a, session(personas.a), item9=1)
    html = web.get("/home/").content.decode()
    assert "If you need help now" in html
    assert (
        'Call the Northside duty line on <a class="tel" href="tel:0100000000">0100 000 000</a>, '
        "day or night." in html
    )
    # No promise the software cannot keep: it says who was told, and not to wait for them.
    assert "will be in touch" not in html
    assert "Carmen and the clinic's supervisors have been told" in html
    # Nothing of the alert itself reaches the client.
    for internal in ("Risk:", "item 9", "Urgent", "/alerts/", "Suicide"):
        assert internal not in html
    Alert.objects.filter(rule="risk").update(status=Status.REVIEWED)
    assert "Northside duty line" not in web.get("/home/").content.decode()


def test_the_home_page_offers_something_isnt_working_and_the_latest_comparison(personas, web_as):
    held, _ = checkin(personas.a, bond=3)
    predict(personas.a, held, bond=4.5)
    html = web_as(personas.a.user).get("/home/").content.decode()
    assert 'href="/home/something-isnt-working/"' in html
    assert "you rated the bond lower than Carmen expected." in html
    assert "and Carmen agree" not in html
    assert 'href="/home/alliance/"' in html


def test_the_client_sees_the_comparison_over_time_in_plain_words(personas, web_as):
    first, _ = checkin(personas.a, days_ago=7)
    predict(personas.a, first)
    held, _ = checkin(personas.a, goal=3, task=5, bond=5)
    predict(personas.a, held, goal=5)
    page = web_as(personas.a.user).get("/home/alliance/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "How you and Carmen see your work together" in html
    assert (
        "Carmen expected your answers about the tasks and the bond; "
        "you rated the goals lower than Carmen expected." in html
    )
    assert "Carmen expected your answers about the goals, the tasks and the bond." in html
    assert "and Carmen agree" not in html
    assert [s["session_id"] for s in page.context["sessions"]] == [held.pk, first.pk]


def test_a_clinic_that_hides_the_comparison_hides_it_from_clients_only(personas, web_as):
    held, _ = checkin(personas.a, bond=3)
    predict(personas.a, held, bond=4.5)
    ClinicAlertSettings.objects.create(clinic=personas.clinic, show_comparison_to_clients=False)
    client_web = web_as(personas.a.user)
    assert client_web.get("/home/alliance/").status_code == 404
    assert "lower than Carmen expected" not in client_web.get("/home/").content.decode()
    staff = web_as(personas.c1).get(f"/clients/{personas.a.pk}/alliance/").content.decode()
    assert "Amira rated the bond lower than you expected." in staff
    assert "The clinic does not show this comparison to clients." in staff


def test_the_client_page_shows_open_alerts_and_the_latest_comparison(personas, web_as):
    held, _ = checkin(personas.a, task=2.5)
    predict(personas.a, held, task=2.5)
    html = web_as(personas.c1).get(f"/clients/{personas.a.pk}/").content.decode()
    assert "Alliance and alerts" in html
    assert "Alliance check-in needs attention" in html
    assert "You expected Amira&#x27;s answers about the goals, the tasks and the bond." in html
    # Expected, but low: the task ratings are said to be low too.
    assert "Amira&#x27;s own ratings of the tasks (“fairly often” on average) are low." in html


def test_the_counselor_sees_no_answers_of_an_unpredicted_session_until_they_skip(personas, web_as):
    held, _ = checkin(personas.a, bond=3)
    web = web_as(personas.c1)
    page = web.get(f"/clients/{personas.a.pk}/alliance/")
    assert page.context["locked"] == [held]
    assert page.context["sessions"] == []
    assert "Waiting for your prediction" in page.content.decode()
    panel = web.get(f"/clients/{personas.a.pk}/").content.decode()
    assert "answered after 1 session you have not predicted" in panel
    response = web.post(f"/clients/{personas.a.pk}/alliance/sessions/{held.pk}/skip/")
    assert response.status_code == 302
    assert SkippedPrediction.objects.filter(session=held, skipped_by=personas.c1).exists()
    assert web.get(f"/clients/{personas.a.pk}/alliance/").context["locked"] == []


def test_skipping_a_session_already_predicted_says_so(personas, web_as):
    held, _ = checkin(personas.a)
    predict(personas.a, held)
    web = web_as(personas.c1)
    response = web.post(f"/clients/{personas.a.pk}/alliance/sessions/{held.pk}/skip/", follow=True)
    assert "You already predicted for this session." in response.content.decode()
    assert not SkippedPrediction.objects.exists()
    other = session(personas.b)
    assert (
        web.post(f"/clients/{personas.a.pk}/alliance/sessions/{other.pk}/skip/").status_code == 404
    )


def test_the_alert_history_lists_closed_alerts_too(personas, web_as):
    phq9(personas.a, session(personas.a), item9=1)
    Alert.objects.update(status=Status.REVIEWED)
    page = web_as(personas.supervisor).get(f"/clients/{personas.a.pk}/alliance/")
    assert [a.rule for a in page.context["alerts"]] == ["risk"]
    assert "Risk review recorded" in page.content.decode()


def test_the_concern_page_says_its_safety_sentence_once_with_tap_to_call_numbers(personas, web_as):
    html = web_as(personas.a.user).get("/home/something-isnt-working/").content.decode()
    assert html.count("If you are in danger or thinking about harming yourself") == 1
    assert "This is not for emergencies" in html
    personas.clinic.crisis_text = "In danger now? Call 999. Duty line: 0100 000 000."
    personas.clinic.save()
    html = web_as(personas.a.user).get("/home/something-isnt-working/").content.decode()
    assert '<a class="tel" href="tel:999">999</a>' in html
    assert "follow it up" not in html
