import datetime

from alliance.audit.models import AuditEvent
from alliance.measures.tests.helpers import PHQ9_NONE, add_session, give_response, phq9, wai


def test_it_shows_the_client_their_due_check_ins_on_home(personas, web_as):
    session = add_session(personas.a, datetime.date(2026, 3, 2))
    html = web_as(personas.a.user).get("/home/").content.decode()
    assert "Carmen Counselor would like to hear how things are going" in html
    assert f'href="/home/check-in/phq9/?session={session.pk}"' in html
    assert f'href="/home/check-in/wai-sr/?session={session.pk}"' in html
    assert "wai-sr-predicted" not in html


def test_it_tells_the_client_when_nothing_is_waiting(personas, web_as):
    html = web_as(personas.a.user).get("/home/").content.decode()
    assert "No check-ins waiting for you right now." in html


def test_it_shows_the_client_their_latest_scores_on_home(personas, web_as):
    give_response(personas.a, "phq9", phq9(2, 2, 2, 2, 1, 1, 1, 1, 0))
    html = web_as(personas.a.user).get("/home/").content.decode()
    # A client reads each form by what it asks about, without its code.
    assert "Mood</a>: total 12 (moderate)" in html
    assert "PHQ-9" not in html


def test_it_shows_the_client_their_whole_history(personas, web_as):
    first = give_response(personas.a, "phq9", phq9(3, 3, 3, 3, 3, 3, 3, 3, 0))
    give_response(personas.a, "phq9", PHQ9_NONE)
    give_response(personas.a, "wai-sr", wai(4))
    give_response(personas.b, "gad7", {f"gad7_{n}": 3 for n in range(1, 8)})
    html = web_as(personas.a.user).get("/home/progress/").content.decode()
    assert ">Mood<" in html and ">Working together<" in html
    assert "PHQ-9" not in html and "WAI-SR" not in html
    assert f'href="/home/check-ins/{first.pk}/"' in html
    assert "<td>Severe</td>" in html and "<td>Minimal</td>" in html
    assert "Goal (average answer)" in html and "item mean" not in html
    assert "Band" not in html and "Range" in html
    assert "Anxiety (GAD-7)" not in html


def test_it_shows_a_client_only_their_own_responses(personas, web_as):
    others = give_response(personas.b, "phq9", PHQ9_NONE)
    assert web_as(personas.a.user).get(f"/home/check-ins/{others.pk}/").status_code == 404


def test_it_shows_the_counselor_history_and_sessions_on_the_clients_page(personas, web_as):
    session = add_session(personas.a, datetime.date(2026, 3, 2))
    response = give_response(personas.a, "phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 1), session=session)
    html = web_as(personas.c1).get(f"/clients/{personas.a.pk}/").content.decode()
    assert "Mon 2 Mar 2026: attended, 50 min" in html
    assert f'href="/clients/{personas.a.pk}/check-ins/{response.pk}/"' in html
    assert "Urgent flag" in html
    assert (
        "Waiting for Amira after the session of 2 Mar: Anxiety (GAD-7), Working together (WAI-SR)."
        in html
    )
    assert "Change check-ins" in html


def test_it_shows_a_supervisor_the_history_without_forms_to_answer(personas, web_as):
    add_session(personas.a, datetime.date(2026, 3, 2))
    html = web_as(personas.supervisor).get(f"/clients/{personas.a.pk}/").content.decode()
    assert "/check-in/wai-sr-predicted/" not in html
    assert "not yet answered by Carmen Counselor" in html
    assert "Change check-ins" not in html


def test_it_shows_staff_the_urgent_flag_with_its_reason(personas, web_as):
    response = give_response(personas.a, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 2))
    html = (
        web_as(personas.supervisor)
        .get(f"/clients/{personas.a.pk}/check-ins/{response.pk}/")
        .content.decode()
    )
    assert "Urgent: " in html and "Suicide risk: item 9" in html
    assert "Kroenke K" in html


def test_it_compares_both_views_of_the_alliance_for_a_session(personas, web_as):
    session = add_session(personas.a, datetime.date(2026, 3, 2))
    client_view = give_response(personas.a, "wai-sr", wai(2), session=session)
    give_response(personas.a, "wai-sr-predicted", wai(4), session=session)
    html = (
        web_as(personas.c1)
        .get(f"/clients/{personas.a.pk}/check-ins/{client_view.pk}/")
        .content.decode()
    )
    assert "Both views, item by item" in html
    respect = '<th scope="row">Carmen Counselor and I respect each other.</th>'
    assert respect + "<td>2</td><td>4</td><td>2</td>" in html
    assert '<th scope="row">Total</th><td>24</td><td>48</td><td>24</td>' in html


def test_it_shows_the_latest_five_on_the_clients_page_and_all_on_the_history(personas, web_as):
    responses = [give_response(personas.a, "phq9", PHQ9_NONE) for _ in range(7)]
    links = [f'href="/clients/{personas.a.pk}/check-ins/{r.pk}/"' for r in responses]
    web = web_as(personas.c1)
    detail = web.get(f"/clients/{personas.a.pk}/").content.decode()
    full = web.get(f"/clients/{personas.a.pk}/check-ins/").content.decode()
    assert [link in detail for link in links] == [False, False, True, True, True, True, True]
    assert all(link in full for link in links)


def test_it_audits_reading_a_response(personas, web_as):
    response = give_response(personas.a, "phq9", PHQ9_NONE)
    web_as(personas.admin).get(f"/clients/{personas.a.pk}/check-ins/{response.pk}/")
    event = AuditEvent.objects.get(action="read")
    assert (event.object_type, event.object_id) == ("Response", str(response.pk))


def test_it_hides_another_clients_response_behind_the_wrong_client_id(personas, web_as):
    response = give_response(personas.b, "phq9", PHQ9_NONE)
    url = f"/clients/{personas.a.pk}/check-ins/{response.pk}/"
    assert web_as(personas.c1).get(url).status_code == 404


def test_it_titles_the_counselors_prediction_for_the_client(personas, web_as):
    # A client sees the counselor's prediction for a session once they have answered it too.
    session = add_session(personas.a)
    give_response(personas.a, "wai-sr", wai(4), session)
    prediction = give_response(personas.a, "wai-sr-predicted", wai(4), session)
    web = web_as(personas.a.user)
    progress = web.get("/home/progress/").content.decode()
    assert "How Carmen Counselor expected you to answer" in progress
    assert "as you expect your client" not in progress and "WAI-SR" not in progress
    page = web.get(f"/home/check-ins/{prediction.pk}/").content.decode()
    assert "<h1>How Carmen Counselor expected you to answer</h1>" in page
    assert "Answered by Carmen Counselor" in page
    # The comparison is written to the client: their answers are "your answers".
    assert "Your answers next to what Carmen Counselor expected you to answer" in page
    assert "Amira&#x27;s answers" not in page and "WAI-SR" not in page


def test_a_client_can_be_spared_the_statement_by_statement_comparison(personas, web_as):
    from alliance.measures.services import set_comparison_choice

    session = add_session(personas.a)
    own = give_response(personas.a, "wai-sr", wai(4), session)
    give_response(personas.a, "wai-sr-predicted", wai(5), session)
    web = web_as(personas.a.user)
    assert (
        "Both views, statement by statement"
        in web.get(f"/home/check-ins/{own.pk}/").content.decode()
    )
    set_comparison_choice(personas.a, user=personas.c1, show_items=False)
    html = web.get(f"/home/check-ins/{own.pk}/").content.decode()
    assert "Both views" not in html
    staff = web_as(personas.c1).get(f"/clients/{personas.a.pk}/check-ins/{own.pk}/")
    assert "Both views, item by item" in staff.content.decode()
