"""Shared fixtures: the personas every access test uses, and ways to sign them in."""

from types import SimpleNamespace

import pytest
from django.test import Client as WebClient
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.accounts.models import ApiToken, Clinic, Role, User
from alliance.care.models import Assignment, Client

PASSWORD = "correct horse battery staple"
PERSONAS = ["admin", "supervisor", "c1", "c2", "a", "b", "d", "other_counselor", "other_client"]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Argon2 is deliberately slow; the suite signs people in thousands of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    _, token = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def api_as():
    """A test client whose requests carry a fresh bearer token for `user`."""

    def make(user) -> WebClient:
        return WebClient(**bearer(user))

    return make
