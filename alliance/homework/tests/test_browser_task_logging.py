"""A client logs a task from their home page on their phone, in two taps."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

from alliance.conftest import PHONE, axe_violations  # noqa: E402
from alliance.homework.models import TaskLog  # noqa: E402
from alliance.homework.tests.helpers import make_task  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_a_task_in_two_taps_on_the_phone(personas, new_page):
    task = make_task(personas, agreed=True)
    phone = new_page(user=personas.a.user, viewport=PHONE)
    phone.goto("/home/")
    assert axe_violations(phone) == []
    card = phone.get_by_role("listitem").filter(has_text=task.text)
    card.get_by_text("Done", exact=True).click()
    card.get_by_role("button", name="Save").click()
    phone.wait_for_url("**/home/")
    assert phone.get_by_text(f"Saved: “{task.text}”, done.").is_visible()
    log = TaskLog.objects.get()
    assert (log.status, log.fit) == ("done", None)
