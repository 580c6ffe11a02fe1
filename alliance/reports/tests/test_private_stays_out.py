"""Private journal entries and psychotherapy notes never reach anyone else: not through the
progress pages, the timeline, the PDF report or the data export, on the web or the API.

Every persona asks every one of these for Amira's record; wherever an answer comes back, each
marker text is in it exactly when the access rules say that persona may read it.
"""

import json

from django.urls import reverse

from alliance.conftest import PERSONAS
from alliance.reports.tests.helpers import (
    PRIVATE,
    PROGRESS,
    PSYCHOTHERAPY,
    SHARED,
    build_history,
    pdf_text,
)

# Who may read each marker, and where it is shown to them.
ALLOWED = {
    PRIVATE: {("a", "export"), ("a", "export api")},
    PSYCHOTHERAPY: {("c1", "timeline")},
    SHARED: {
        ("a", "export"),
        ("a", "export api"),
        ("a", "my report"),
        ("a", "report api"),
        ("c1", "timeline"),
        ("c1", "report"),
        ("c1", "report api"),
    },
    PROGRESS: {
        (who, where)
        for who in ("c1", "supervisor", "admin")
        for where in ("timeline", "report", "report api")
    },
}


# Pages each client has for their own record.
OWN_PAGES = {"my progress", "my report", "export"}


def surfaces(p):
    amira = p.a.pk
    return {
        "my progress": ("web", reverse("my_progress")),
        "my report": ("web", reverse("my_progress_report")),
        "export": ("web", reverse("my_export")),
        "progress": ("web", reverse("client_progress_charts", args=[amira])),
        "timeline": ("web", reverse("client_timeline", args=[amira])),
        "report": ("web", reverse("client_report", args=[amira])),
        "report api": ("api", f"/api/v1/clients/{amira}/report.pdf"),
        "export api": ("api", f"/api/v1/clients/{amira}/export"),
    }


def readable(response) -> str:
    if response["Content-Type"] == "application/pdf":
        return pdf_text(response.content)
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    return response.content.decode()


def test_it_shows_each_private_text_only_to_whoever_may_read_it(personas, web_as, api_as):
    build_history(personas)
    seen = set()
    answered = set()
    for who in PERSONAS:
        user = personas.users[who]
        web, api = web_as(user), api_as(user)
        for where, (kind, url) in surfaces(personas).items():
            if where in OWN_PAGES and who in ("d", "other_client"):
                continue  # as Ben's: their own record, asked for below by Ben
            response = (web if kind == "web" else api).get(url)
            if response.status_code != 200:
                assert response.status_code == 404, (who, where, response.status_code)
                continue
            answered.add((who, where))
            text = readable(response)
            seen |= {(marker, who, where) for marker in ALLOWED if marker in text}
    expected = {(marker, who, where) for marker, places in ALLOWED.items() for who, where in places}
    assert seen == expected
    # Amira's own pages answer only Amira: Ben and Dana get their own, without her text.
    assert ("b", "my report") in answered and ("b", "export") in answered
    assert ("c2", "timeline") not in answered and ("other_counselor", "report") not in answered
