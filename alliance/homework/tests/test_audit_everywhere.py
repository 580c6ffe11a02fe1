"""Every page and API operation over goals, values and tasks leaves an audit event."""

from urllib.parse import urlencode

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.conftest import bearer, send_json, sign_in
from alliance.goals.tests import matrix as goals_matrix
from alliance.goals.tests.helpers import last_event_id
from alliance.homework.tests import matrix as homework_matrix

WEB = {**goals_matrix.WEB, **homework_matrix.WEB}
API = {**goals_matrix.API, **homework_matrix.API}
SUCCESS = {200, 201, 204, 302}


def cases(entries):
    for key, entry in sorted(entries.items(), key=lambda item: str(item[0])):
        for who in ("a", "c1", "supervisor"):
            if entry.expect[who] in SUCCESS:
                yield pytest.param(key, who, id=f"{key} {who}")


@pytest.mark.parametrize("name, who", list(cases(WEB)))
def test_it_audits_each_page(personas, name, who):
    entry = WEB[name]
    url = reverse(name, kwargs=entry.kwargs(personas, who))
    data = entry.data(personas, who) if entry.data else {}
    web = sign_in(WebClient(), personas.users[who])
    before = last_event_id()
    response = web.generic(
        entry.method,
        url,
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in SUCCESS
    events = AuditEvent.objects.filter(id__gt=before, client_id=personas.a.pk)
    assert events.filter(actor_id=personas.users[who].pk).exists(), f"{who} {url}"


@pytest.mark.parametrize("key, who", list(cases(API)))
def test_it_audits_each_api_operation(personas, key, who):
    method, path = key
    entry = API[key]
    url = path.format(**entry.kwargs(personas, who))
    body = entry.data(personas, who) if entry.data else ""
    web = WebClient(**bearer(personas.users[who]))
    before = last_event_id()
    response = send_json(web, method, url, body)
    assert response.status_code in SUCCESS
    events = AuditEvent.objects.filter(id__gt=before, client_id=personas.a.pk, via="api")
    assert events.filter(actor_id=personas.users[who].pk).exists(), f"{who} {method} {url}"
