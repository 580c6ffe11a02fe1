from alliance.goals.diff import list_diff, word_diff
from alliance.goals.tests.helpers import make_goal


def test_it_marks_removed_and_added_words_for_eyes_and_screen_readers():
    html = word_diff("Call my sister every week", "Call my sister on Sundays")
    assert html == (
        "Call my sister "
        '<del><span class="visually-hidden">removed: </span>every week</del>'
        '<ins><span class="visually-hidden">added: </span>on Sundays</ins>'
    )


def test_it_escapes_what_people_wrote():
    html = word_diff("a <b>", "a <script>x</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_it_lists_values_kept_added_and_dropped():
    html = list_diff(["Family", "Health"], ["Family", "Work"])
    assert html.startswith("Family, <ins>")
    assert "Work</ins>" in html and "Health</del>" in html


def test_it_shows_who_changed_what_and_who_agreed(personas, web_as):
    goal = make_goal(personas)
    web_as(personas.c1).post(
        f"/goals/{goal.pk}/edit/", {"text": "Call my sister on Sundays", "version": 1}
    )
    web_as(personas.a.user).post(f"/goals/{goal.pk}/agree/", {"version": 2})
    page = web_as(personas.supervisor).get(f"/goals/{goal.pk}/history/").content.decode()
    assert "Version 2 (current)" in page
    assert "Changed the wording: Carmen Counselor (counselor)" in page
    assert "Proposed the goal: Amira (client)" in page
    assert '<span class="visually-hidden">removed: </span>every week</del>' in page
    assert '<span class="visually-hidden">added: </span>on Sundays</ins>' in page
    assert page.index("Version 2") < page.index("Version 1")
    assert "Agreed by:\n      Amira on" in page
    assert "Call my sister <del>" in page
