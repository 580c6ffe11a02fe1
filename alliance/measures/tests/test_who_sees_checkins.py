"""What "Who sees my data" says about check-ins, and the finer rules it states: the counselor
waits to see the client's Working together answers until they have predicted them, the client
waits to see a prediction until they have answered, and a clinic may hide predictions from its
clients altogether. Each is followed here through the API, as time passes."""

import html
import re

from django.urls import reverse

from alliance.accounts.privacy import Audience, Sees
from alliance.alerts.thresholds import save_settings
from alliance.measures.privacy import CHECK_INS, PREDICTIONS
from alliance.measures.services import skip_prediction
from alliance.measures.tests.helpers import add_session, give_response, wai


def statements(page: str, key: str) -> dict[str, str]:
    section = page.split(f'id="kind-{key}"', 1)[1].split("</section>", 1)[0]
    return dict(re.findall(r"<li><strong>(.*?)</strong>,? (.*?)\.</li>", section))


def who_sees_page(web_as, user) -> str:
    return html.unescape(web_as(user).get(reverse("who_sees_what")).content.decode())


def shown_ids(api_as, user, client) -> set[int]:
    response = api_as(user).get(f"/api/v1/clients/{client.pk}/responses")
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


def test_it_tells_the_client_in_plain_words_when_each_side_sees_the_other(personas, web_as):
    page = who_sees_page(web_as, personas.a.user)
    checkins = statements(page, "checkins")
    assert checkins["You"] == "can see all of it"
    assert checkins["Your counselor, Carmen Counselor"] == (
        "can see all of it, except your Working together answers for a session until they "
        "have written down how they expect you to answer, or chosen not to"
    )
    assert checkins["Northside Clinic's supervisors and administrators"] == "can see all of it"
    predictions = statements(page, "predictions")
    assert predictions["You"] == (
        "can see all of it, each one only after you have answered the same questions for that "
        "session yourself"
    )
    assert "Who writes it: your counselor." in page.split('id="kind-predictions"', 1)[1]


def test_it_shows_the_counselor_the_answers_once_they_predict(personas, api_as):
    session = add_session(personas.a)
    answers = give_response(personas.a, "wai-sr", wai(4), session=session)
    assert not CHECK_INS.conditions[Audience.COUNSELOR].holds(answers)
    assert answers.pk not in shown_ids(api_as, personas.c1, personas.a)
    assert answers.pk in shown_ids(api_as, personas.supervisor, personas.a)
    give_response(personas.a, "wai-sr-predicted", wai(3), session=session)
    assert CHECK_INS.conditions[Audience.COUNSELOR].holds(answers)
    assert answers.pk in shown_ids(api_as, personas.c1, personas.a)


def test_it_shows_the_counselor_the_answers_once_they_choose_not_to_predict(personas, api_as):
    session = add_session(personas.a)
    answers = give_response(personas.a, "wai-sr", wai(4), session=session)
    skip_prediction(session, user=personas.c1)
    assert CHECK_INS.conditions[Audience.COUNSELOR].holds(answers)
    assert answers.pk in shown_ids(api_as, personas.c1, personas.a)


def test_it_shows_the_client_a_prediction_once_they_have_answered(personas, api_as):
    session = add_session(personas.a)
    prediction = give_response(personas.a, "wai-sr-predicted", wai(3), session=session)
    assert not PREDICTIONS.conditions[Audience.YOU].holds(prediction)
    assert prediction.pk not in shown_ids(api_as, personas.a.user, personas.a)
    give_response(personas.a, "wai-sr", wai(4), session=session)
    assert PREDICTIONS.conditions[Audience.YOU].holds(prediction)
    assert prediction.pk in shown_ids(api_as, personas.a.user, personas.a)


def test_it_says_so_when_the_clinic_hides_predictions_from_clients(personas, web_as, api_as):
    session = add_session(personas.a)
    give_response(personas.a, "wai-sr", wai(4), session=session)
    prediction = give_response(personas.a, "wai-sr-predicted", wai(3), session=session)
    save_settings(
        personas.a.clinic, user=personas.admin, thresholds={}, show_comparison_to_clients=False
    )
    assert PREDICTIONS.for_client(personas.a).sees_for(Audience.YOU) == Sees.NOTHING
    page = who_sees_page(web_as, personas.a.user)
    predictions = statements(page, "predictions")
    assert predictions["You"] == "cannot see any of it"
    assert predictions["Your counselor, Carmen Counselor"] == "can see all of it"
    assert "Northside Clinic has chosen not to show them to clients." in page
    assert prediction.pk not in shown_ids(api_as, personas.a.user, personas.a)
    assert prediction.pk in shown_ids(api_as, personas.supervisor, personas.a)
    # Another clinic's choice changes nothing for Omar's.
    assert PREDICTIONS.for_client(personas.other_client).sees_for(Audience.YOU) == Sees.ALL


def test_it_keeps_the_lock_after_a_prediction_made_without_a_session(personas, api_as):
    session = add_session(personas.a)
    answers = give_response(personas.a, "wai-sr", wai(4), session=session)
    give_response(personas.a, "wai-sr-predicted", wai(3))
    assert not CHECK_INS.conditions[Audience.COUNSELOR].holds(answers)
    assert answers.pk not in shown_ids(api_as, personas.c1, personas.a)
