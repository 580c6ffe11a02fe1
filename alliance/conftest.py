"""Shared fixtures: the personas every access test uses, and ways to sign them in."""

import copy
import os
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client as WebClient
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts.models import ApiToken, Clinic, Role, User
from alliance.care.models import Assignment, Client

PASSWORD = "correct horse battery staple"
PERSONAS = ["admin", "supervisor", "c1", "c2", "a", "b", "d", "other_counselor", "other_client"]


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Argon2 is deliberately slow; the suite signs people in thousands of times.
    settings.PASSWORD_HASHERS = FAST_HASHERS


def make_user(clinic, role, email, name):
    user = User.objects.create_user(email, PASSWORD, name=name, clinic=clinic, role=role)
    if role != Role.CLIENT:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def make_client(clinic, email, name, counselor):
    user = make_user(clinic, Role.CLIENT, email, name)
    client = Client.objects.create(user=user, clinic=clinic, counselor=counselor)
    Assignment.objects.create(client=client, counselor=counselor)
    return client


@pytest.fixture
def personas(db):
    """Clinic 1: admin Ada, supervisor Sol, counselors Carmen (C1) and Chidi (C2); Carmen's
    clients Amira (A) and Ben (B), Chidi's client Dana (D). Clinic 2: counselor Olga and her
    client Omar."""
    return make_personas()


def make_personas() -> SimpleNamespace:
    north = Clinic.objects.create(name="Northside Clinic")
    south = Clinic.objects.create(name="Southside Clinic")
    admin = make_user(north, Role.ADMIN, "ada@north.test", "Ada Admin")
    supervisor = make_user(north, Role.SUPERVISOR, "sol@north.test", "Sol Supervisor")
    c1 = make_user(north, Role.COUNSELOR, "carmen@north.test", "Carmen Counselor")
    c2 = make_user(north, Role.COUNSELOR, "chidi@north.test", "Chidi Counselor")
    a = make_client(north, "amira@north.test", "Amira", c1)
    b = make_client(north, "ben@north.test", "Ben", c1)
    d = make_client(north, "dana@north.test", "Dana", c2)
    olga = make_user(south, Role.COUNSELOR, "olga@south.test", "Olga Counselor")
    omar = make_client(south, "omar@south.test", "Omar", olga)
    users = {
        "admin": admin,
        "supervisor": supervisor,
        "c1": c1,
        "c2": c2,
        "a": a.user,
        "b": b.user,
        "d": d.user,
        "other_counselor": olga,
        "other_client": omar.user,
    }
    return SimpleNamespace(
        clinic=north,
        other_clinic=south,
        admin=admin,
        supervisor=supervisor,
        c1=c1,
        c2=c2,
        a=a,
        b=b,
        d=d,
        other_counselor=olga,
        other_client=omar,
        users=users,
    )


# --- Data committed once for a whole module whose tests share it. ---


@pytest.fixture(scope="module")
def seed_once(django_db_setup, django_db_blocker):
    """`seed_once(make)` runs `make()` and commits what it writes, so a module whose tests all
    start from the same costly data (the demo clinic, the personas) builds it once, not per test.
    Each test still runs in its own transaction, rolled back at its end, so what one test writes
    never reaches the next (so not for a module with `transactional_db` or `live_server`
    tests: the flush after each of those would take the seeded data with it). After the module
    every table is emptied, as after any test that commits (on PostgreSQL by TRUNCATE, which
    the audit table's row triggers do not refuse)."""
    seeded = False

    def run(make):
        nonlocal seeded
        seeded = True
        with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            with transaction.atomic():
                return make()

    yield run
    if seeded:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def module_personas(seed_once):
    return seed_once(make_personas)


@pytest.fixture
def shared_personas(module_personas, db):
    """The personas, committed once per module: for modules of hundreds of cases that each make
    a few requests as them. Each test gets its own copies of the objects, so whatever a test
    changes in memory is gone for the next one, as its database writes are."""
    return copy.deepcopy(module_personas)


def sign_in(web: WebClient, user) -> WebClient:
    """Sign in as after a full sign-in, second factor included where the person has one."""
    web.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = web.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return web


@pytest.fixture
def web_as():
    def make(user) -> WebClient:
        return sign_in(WebClient(), user)

    return make


def bearer(user) -> dict:
    """A token as after a full sign-in: issued with a one-time code where the person has a
    device (as `sign_in` verifies the session)."""
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    _, token = ApiToken.issue(user, two_factor=has_device)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def api_as():
    """A test client whose requests carry a fresh bearer token for `user`."""

    def make(user) -> WebClient:
        return WebClient(**bearer(user))

    return make


# --- Real-browser tests: Debian's Chromium driven by Playwright (no browser download). ---

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ALLIANCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    """Open a page in a fresh browser context; `new_page(user=…)` starts signed in as them."""
    contexts = []

    def make(user=None, viewport=DESKTOP):
        context = chromium.new_context(viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(10_000)
        if user is not None:
            web = sign_in(WebClient(), user)
            cookie = web.cookies["sessionid"]
            context.add_cookies(
                [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
            )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2 A/AA findings for the page as it stands, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


# --- JSON requests, for the API tests of every app. ---


def send_json(web: WebClient, method: str, url: str, body=None, **headers):
    """`method` `url` with `body` as JSON (a str is sent as it is); `headers` as Django's
    test client takes them (`HTTP_IDEMPOTENCY_KEY=…`)."""
    import json

    text = body if isinstance(body, str) else json.dumps({} if body is None else body)
    return web.generic(method, url, text, content_type="application/json", **headers)
