import re

import pytest

from alliance.audit.models import AuditEvent
from alliance.care.models import Attendance
from alliance.measures.models import Response
from alliance.measures.tests.helpers import PHQ9_NONE, add_session, give_response, phq9, wai


def form_key(page) -> str:
    return re.search(rb'name="idempotency_key" value="([^"]+)"', page.content).group(1).decode()


def submit(web, code, answers, *, key=None, session=None):
    data = dict(answers)
    if key is None:
        key = form_key(web.get(f"/home/check-in/{code}/"))
    data["idempotency_key"] = key
    if session is not None:
        data["session"] = session.pk
    return web.post(f"/home/check-in/{code}/", data)


def test_it_shows_one_fieldset_with_a_legend_per_question(personas, web_as):
    page = web_as(personas.a.user).get("/home/check-in/phq9/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<fieldset") == 9
    assert html.count("<legend>") == 9
    assert html.count('type="radio" name="phq9_9"') == 4
    assert "Little interest or pleasure in doing things" in html
    assert "Over the last 2 weeks" in html


def test_it_names_the_counselor_in_the_alliance_form(personas, web_as):
    html = web_as(personas.a.user).get("/home/check-in/wai-sr/").content.decode()
    assert "Carmen Counselor and I respect each other." in html
    assert "{counselor}" not in html
    assert "Think about your work with Carmen Counselor" in html


def test_it_shows_the_copyright_notice(personas, web_as):
    html = web_as(personas.a.user).get("/home/check-in/wai-sr/").content.decode()
    assert "© Society for Psychotherapy Research" in html
    assert "Hatcher RL, Gillaspy JA" in html


def test_it_loads_the_draft_script_and_keys_the_draft_by_form_and_client(personas, web_as):
    html = web_as(personas.a.user).get("/home/check-in/phq9/").content.decode()
    assert "js/checkin-draft.js" in html
    assert f'data-draft="checkin:phq9:{personas.a.pk}:none"' in html


def test_it_gives_each_form_shown_a_new_key(personas, web_as):
    web = web_as(personas.a.user)
    assert form_key(web.get("/home/check-in/phq9/")) != form_key(web.get("/home/check-in/phq9/"))


def test_it_stores_the_answers_with_their_scores(personas, web_as):
    web = web_as(personas.a.user)
    response = submit(web, "phq9", phq9(3, 3, 2, 2, 1, 1, 1, 1, 0))
    stored = Response.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/home/check-ins/{stored.pk}/"
    assert (stored.score_total, stored.band, stored.respondent) == (14, "Moderate", personas.a.user)
    page = web.get(response["Location"])
    assert b"Thank you. Your answers are saved." in page.content
    assert b"Moderate" in page.content


def test_it_stores_one_response_when_submitted_twice(personas, web_as):
    web = web_as(personas.a.user)
    key = form_key(web.get("/home/check-in/phq9/"))
    first = submit(web, "phq9", PHQ9_NONE, key=key)
    second = submit(web, "phq9", PHQ9_NONE, key=key)
    assert Response.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_it_reshows_the_form_naming_each_unanswered_question(personas, web_as):
    answers = {k: v for k, v in PHQ9_NONE.items() if k not in {"phq9_3", "phq9_7"}}
    response = submit(web_as(personas.a.user), "phq9", answers | {"phq9_1": "2"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "2 answers need your attention" in html
    assert 'href="#item-phq9_3"' in html and 'href="#item-phq9_7"' in html
    assert 'aria-describedby="phq9_3-error"' in html
    assert "Choose an answer to this question." in html
    # What was answered stays chosen.
    assert 'name="phq9_1" value="2" checked' in html
    assert not Response.objects.exists()


def test_it_refuses_a_value_outside_the_scale(personas, web_as):
    response = submit(web_as(personas.a.user), "phq9", PHQ9_NONE | {"phq9_5": "7"})
    assert response.status_code == 422
    assert b"7 is not one of 0, 1, 2, 3" in response.content
    assert not Response.objects.exists()


def test_it_shows_the_clinics_crisis_text_after_item_9_is_answered(personas, web_as):
    personas.clinic.crisis_text = "Call the Northside duty line on 0100 000 000, day or night."
    personas.clinic.save()
    web = web_as(personas.a.user)
    response = submit(web, "phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 1))
    page = web.get(response["Location"])
    assert (
        b'Call the Northside duty line on <a class="tel" href="tel:0100000000">0100 000 000</a>, '
        b"day or night." in page.content
    )
    assert b'role="alert"' in page.content


def test_it_shows_no_crisis_text_without_the_flag(personas, web_as):
    personas.clinic.crisis_text = "Call the Northside duty line on 0100 000 000, day or night."
    personas.clinic.save()
    web = web_as(personas.a.user)
    page = web.get(submit(web, "phq9", phq9(3, 3, 3, 3, 3, 3, 3, 3, 0))["Location"])
    assert b"Northside duty line" not in page.content


def test_it_answers_for_the_session_it_was_asked_for(personas, web_as):
    session = add_session(personas.a)
    web = web_as(personas.a.user)
    page = web.get(f"/home/check-in/phq9/?session={session.pk}")
    assert f'name="session" value="{session.pk}"'.encode() in page.content
    submit(web, "phq9", PHQ9_NONE, key=form_key(page), session=session)
    assert Response.objects.get().session == session


def test_it_sends_a_second_answer_for_the_same_session_to_the_first(personas, web_as):
    session = add_session(personas.a)
    first = give_response(personas.a, "phq9", PHQ9_NONE, session=session)
    web = web_as(personas.a.user)
    page = web.get(f"/home/check-in/phq9/?session={session.pk}")
    assert page.status_code == 302
    assert page["Location"] == f"/home/check-ins/{first.pk}/"
    response = submit(
        web, "phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0), key="another-tab", session=session
    )
    assert response["Location"] == f"/home/check-ins/{first.pk}/"
    assert Response.objects.count() == 1


@pytest.mark.parametrize("session_of", ["b", "cancelled"])
def test_it_does_not_find_a_session_that_is_not_for_this_form(personas, web_as, session_of):
    if session_of == "b":
        session = add_session(personas.b)
    else:
        session = add_session(personas.a, attendance=Attendance.CANCELLED)
    page = web_as(personas.a.user).get(f"/home/check-in/phq9/?session={session.pk}")
    assert page.status_code == 404


def test_it_does_not_offer_the_client_the_counselors_form(personas, web_as):
    assert web_as(personas.a.user).get("/home/check-in/wai-sr-predicted/").status_code == 404
    assert web_as(personas.a.user).get("/home/check-in/nonesuch/").status_code == 404


def test_it_asks_a_new_save_when_a_stale_key_comes_back_with_new_answers(personas, web_as):
    web = web_as(personas.a.user)
    key = form_key(web.get("/home/check-in/phq9/"))
    submit(web, "phq9", PHQ9_NONE, key=key)
    response = submit(web, "phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0), key=key)
    assert response.status_code == 422
    assert b"Your answers are not saved yet" in response.content
    assert form_key(response) != key
    assert Response.objects.count() == 1


def test_it_audits_showing_the_form(personas, web_as):
    web_as(personas.a.user).get("/home/check-in/phq9/")
    event = AuditEvent.objects.get()
    assert (event.action, event.client_id, event.detail) == (
        "read",
        personas.a.pk,
        "check-in form phq9",
    )


# The counselor's form


def counselor_url(client, code="wai-sr-predicted"):
    return f"/clients/{client.pk}/check-in/{code}/"


def test_it_lets_the_counselor_answer_the_prediction_from_the_clients_page(personas, web_as):
    session = add_session(personas.a)
    web = web_as(personas.c1)
    detail = web.get(f"/clients/{personas.a.pk}/").content.decode()
    link = f"/clients/{personas.a.pk}/check-in/wai-sr-predicted/?session={session.pk}"
    assert link in detail
    page = web.get(link)
    html = page.content.decode()
    assert "Answer as you expect your client to answer" in html
    assert "Amira" in html and "Carmen Counselor and I respect each other." in html
    data = wai(4) | {"idempotency_key": form_key(page), "session": session.pk}
    response = web.post(counselor_url(personas.a), data)
    stored = Response.objects.get()
    assert response["Location"] == f"/clients/{personas.a.pk}/check-ins/{stored.pk}/"
    assert (stored.respondent, stored.respondent_role, stored.score_total) == (
        personas.c1,
        "counselor",
        48,
    )


def test_it_reshows_the_counselors_form_with_errors(personas, web_as):
    web = web_as(personas.c1)
    key = form_key(web.get(counselor_url(personas.a)))
    response = web.post(counselor_url(personas.a), wai(4) | {"wai_2": "9", "idempotency_key": key})
    assert response.status_code == 422
    assert b"9 is not one of 1, 2, 3, 4, 5" in response.content
    assert not Response.objects.exists()


def test_it_does_not_offer_the_counselor_the_clients_form(personas, web_as):
    assert web_as(personas.c1).get(counselor_url(personas.a, "phq9")).status_code == 404


@pytest.mark.parametrize("who", ["c2", "supervisor", "admin", "other_counselor", "a"])
def test_it_keeps_the_prediction_form_to_the_clients_counselor(personas, web_as, who):
    assert web_as(personas.users[who]).get(counselor_url(personas.a)).status_code == 404


def test_it_returns_the_first_response_for_a_second_press_of_save(personas, web_as):
    session = add_session(personas.a)
    web = web_as(personas.a.user)
    key = form_key(web.get(f"/home/check-in/phq9/?session={session.pk}"))
    first = submit(web, "phq9", PHQ9_NONE, key=key, session=session)
    second = submit(web, "phq9", PHQ9_NONE, key=key, session=session)
    assert first["Location"] == second["Location"]
    assert Response.objects.count() == 1
    page = web.get(second["Location"]).content.decode()
    assert "already answered" not in page
