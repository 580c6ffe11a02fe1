"""Every page and every API operation, asked by every persona, answers exactly as intended,
and a request that is turned away changes nothing in the database (a write refused after it was
made, or a read that creates something before refusing, shows here).

A new URL or API operation without an entry in its app's `tests/matrix.py` fails this file.
"""

import importlib
import json
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.test import Client as WebClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from alliance.api import api
from alliance.conftest import bearer, sign_in
from alliance.tests.access import EVERYONE, changes, database_state


def load_matrices():
    web, operations = {}, {}
    for config in apps.get_app_configs():
        if not config.name.startswith("alliance."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.matrix")
        except ModuleNotFoundError:
            continue
        for name in module.WEB:
            assert name not in web, f"{name} listed twice"
        web.update(module.WEB)
        operations.update(module.API)
    return web, operations


def url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "api":
                continue  # the API is enumerated from its OpenAPI schema instead
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"unnamed URL pattern {pattern.pattern}"
            yield namespace + pattern.name


def api_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield (method.upper(), path)


WEB, API = load_matrices()


def test_it_has_an_entry_for_every_page():
    names = set(url_names(get_resolver().url_patterns))
    assert names - set(WEB) == set(), "pages missing from the access matrix"
    assert set(WEB) - names == set(), "matrix entries for pages that do not exist"


def test_it_has_an_entry_for_every_api_operation():
    found = set(api_operations())
    assert found - set(API) == set(), "API operations missing from the access matrix"
    assert set(API) - found == set(), "matrix entries for operations that do not exist"


@pytest.fixture
def personas(shared_personas):
    # Hundreds of cases, each a request or two: the personas are made once for the module.
    return shared_personas


def as_persona(personas, who, *, api_call):
    web = WebClient()
    if who == "anon":
        return web
    user = personas.users[who]
    if api_call:
        return WebClient(**bearer(user))
    return sign_in(web, user)


def refused(status: int, who: str) -> bool:
    """Whether the persona is turned away; for a visitor, a redirect to sign in is that too."""
    return status >= 400 or (who == "anon" and status == 302)


def assert_unchanged(before, who, method, url):
    changed = changes(before, database_state())
    assert not changed, f"{who} {method} {url} was refused but changed:\n  " + "\n  ".join(changed)


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("name", sorted(WEB))
def test_it_answers_each_page_as_intended(personas, name, who):
    entry = WEB[name]
    url = reverse(name, kwargs=entry.kwargs(personas, who))
    if entry.query:
        url += "?" + entry.query
    web = as_persona(personas, who, api_call=False)
    data = entry.data(personas, who) if entry.data else {}
    expected = entry.expect[who]
    before = database_state() if refused(expected, who) else None
    response = web.generic(
        entry.method,
        url,
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == expected, f"{who} {entry.method} {url}"
    if before is not None:
        assert_unchanged(before, who, entry.method, url)


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("key", sorted(API), ids=lambda key: f"{key[0]} {key[1]}")
def test_it_answers_each_api_operation_as_intended(personas, key, who):
    method, path = key
    entry = API[key]
    url = path.format(**entry.kwargs(personas, who))
    if entry.query:
        url += "?" + entry.query
    web = as_persona(personas, who, api_call=True)
    body = json.dumps(entry.data(personas, who)) if entry.data else ""
    expected = entry.expect[who]
    before = database_state() if refused(expected, who) else None
    response = web.generic(method, url, body, content_type="application/json")
    assert response.status_code == expected, f"{who} {method} {url}: {response.content[:300]!r}"
    if response.status_code >= 400:
        assert "detail" in response.json()
    if before is not None:
        assert_unchanged(before, who, method, url)
