"""The `alliance` command, run as an administrator would: a separate process, its own database."""

import base64
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

PASSWORD = "a long admin passphrase"
SECRET = "kL9-tQ2vX7rB4wN8zE1mH6pJ3sD5fG0aY_uC2iO7eR9tW4qZ1xV8nM3bK6lP0hS5"
KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


def environment(directory, **extra) -> dict:
    return {
        "PATH": os.environ["PATH"],
        "ALLIANCE_DEBUG": "1",
        "ALLIANCE_DATA_DIR": str(directory / "data"),
        "DATABASE_URL": f"sqlite:///{directory / 'alliance.sqlite3'}",
        **extra,
    }


def run_in(directory, *args, password: str | None = PASSWORD, **extra):
    env = environment(directory, **extra)
    if password is not None:
        env["ALLIANCE_PASSWORD"] = password
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "alliance", *args],
        env=env,
        cwd=directory,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_database(source, target):
    # With the write-ahead log, if one was left behind, so no committed row is lost.
    for name in ("alliance.sqlite3", "alliance.sqlite3-wal"):
        if (source / name).exists():
            shutil.copy(source / name, target / name)
    return target


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    directory = tmp_path_factory.mktemp("migrated")
    result = run_in(directory, "migrate", "--no-input")
    assert result.returncode == 0, result.stderr
    return directory


@pytest.fixture(scope="module")
def harbour(tmp_path_factory, migrated):
    # Each command is a process of its own that starts Django: the clinic most tests begin
    # with is made once, and each test gets a copy.
    directory = copy_database(migrated, tmp_path_factory.mktemp("harbour"))
    result = run_in(
        directory, "createclinic", "Harbour Clinic", "--admin-email", "hana@harbour.test"
    )
    assert result.returncode == 0, result.stderr
    return directory


@pytest.fixture
def site(tmp_path, migrated):
    """A directory holding a freshly migrated, empty database."""
    return copy_database(migrated, tmp_path)


@pytest.fixture
def clinic(tmp_path, harbour):
    """A directory whose database holds Harbour Clinic and its administrator, Hana."""
    return copy_database(harbour, tmp_path)


def query(directory, sql, *params):
    with sqlite3.connect(directory / "alliance.sqlite3") as db:
        return db.execute(sql, params).fetchall()


def people(directory):
    return query(
        directory,
        "SELECT u.email, u.name, u.role, c.name FROM accounts_user u "
        "JOIN accounts_clinic c ON c.id = u.clinic_id ORDER BY u.id",
    )


def can_sign_in(directory, email, password=PASSWORD) -> bool:
    code = (
        "from django.contrib.auth import get_user_model; "
        f"print(get_user_model().objects.get(email={email!r}).check_password({password!r}))"
    )
    result = run_in(directory, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().endswith("True")


def test_it_passes_migrate_through_to_django(tmp_path):
    result = run_in(tmp_path, "migrate", "--no-input")
    assert result.returncode == 0, result.stderr
    assert "Applying accounts.0001_initial... OK" in result.stdout
    assert query(tmp_path, "SELECT count(*) FROM accounts_user") == [(0,)]


def test_it_passes_check_through_to_django(site):
    result = run_in(site, "check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_reports_an_unknown_command(site):
    result = run_in(site, "no-such-command")
    assert result.returncode != 0
    assert "Unknown command: 'no-such-command'" in result.stderr


def test_it_creates_a_clinic_and_its_administrator(site):
    result = run_in(
        site,
        "createclinic",
        "Harbour Clinic",
        "--admin-email",
        "Hana@Harbour.test",
        "--admin-name",
        "Hana Admin",
    )
    assert result.returncode == 0, result.stderr
    assert "Created clinic 'Harbour Clinic'" in result.stdout
    assert people(site) == [("hana@harbour.test", "Hana Admin", "admin", "Harbour Clinic")]
    assert can_sign_in(site, "hana@harbour.test")
    (hashed,) = query(site, "SELECT password FROM accounts_user")[0]
    assert hashed.startswith("argon2")


def test_it_refuses_without_a_password_and_no_terminal(site):
    result = run_in(
        site, "createclinic", "Harbour Clinic", "--admin-email", "hana@harbour.test", password=None
    )
    assert result.returncode != 0
    assert "Set ALLIANCE_PASSWORD, or run this at a terminal to be asked." in result.stderr
    assert query(site, "SELECT count(*) FROM accounts_clinic") == [(0,)]


def test_it_refuses_a_weak_password(site):
    result = run_in(
        site, "createclinic", "Harbour Clinic", "--admin-email", "hana@harbour.test", password="abc"
    )
    assert result.returncode != 0
    assert "Password not accepted" in result.stderr
    assert query(site, "SELECT count(*) FROM accounts_clinic") == [(0,)]


def test_it_refuses_a_password_like_the_email(site):
    result = run_in(
        site,
        "createclinic",
        "Harbour Clinic",
        "--admin-email",
        "hana.harbourside@harbour.test",
        password="hana.harbourside",
    )
    assert result.returncode != 0
    assert "too similar" in result.stderr


def test_it_refuses_a_second_clinic_of_the_same_name(clinic):
    result = run_in(clinic, "createclinic", "harbour clinic", "--admin-email", "ivo@harbour.test")
    assert result.returncode != 0
    assert "already exists" in result.stderr
    assert len(people(clinic)) == 1


def test_it_refuses_an_admin_email_already_in_use(clinic):
    result = run_in(clinic, "createclinic", "Bay Clinic", "--admin-email", "HANA@harbour.test")
    assert result.returncode != 0
    assert "already has an account" in result.stderr
    assert query(clinic, "SELECT count(*) FROM accounts_clinic") == [(1,)]


def add(directory, role, email, *more):
    return run_in(
        directory, "adduser", "--clinic", "Harbour Clinic", "--role", role, "--email", email, *more
    )


def test_it_adds_people_in_every_role(clinic):
    assert add(clinic, "supervisor", "sam@harbour.test", "--name", "Sam Sup").returncode == 0
    assert add(clinic, "counselor", "cleo@harbour.test", "--name", "Cleo").returncode == 0
    assert add(clinic, "admin", "abe@harbour.test").returncode == 0
    result = add(
        clinic, "client", "kai@harbour.test", "--name", "Kai", "--counselor", "cleo@harbour.test"
    )
    assert result.returncode == 0, result.stderr
    assert "Added kai@harbour.test as client at Harbour Clinic" in result.stdout
    assert people(clinic)[1:] == [
        ("sam@harbour.test", "Sam Sup", "supervisor", "Harbour Clinic"),
        ("cleo@harbour.test", "Cleo", "counselor", "Harbour Clinic"),
        ("abe@harbour.test", "abe@harbour.test", "admin", "Harbour Clinic"),
        ("kai@harbour.test", "Kai", "client", "Harbour Clinic"),
    ]
    assert query(
        clinic,
        "SELECT u.email FROM care_client c JOIN accounts_user u ON u.id = c.counselor_id",
    ) == [("cleo@harbour.test",)]
    assert query(clinic, "SELECT count(*) FROM care_assignment WHERE ended_at IS NULL") == [(1,)]
    assert query(clinic, "SELECT action, via FROM audit_auditevent") == [("create", "cli")]
    assert can_sign_in(clinic, "kai@harbour.test")
    assert run_in(clinic, "audit", "verify").returncode == 0


def test_it_finds_the_clinic_whatever_the_case(clinic):
    result = run_in(
        clinic,
        "adduser",
        "--clinic",
        "HARBOUR clinic",
        "--role",
        "counselor",
        "--email",
        "c@h.test",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--clinic", "Nowhere Clinic", "--role", "counselor", "--email", "c@h.test"],
            "No clinic called 'Nowhere Clinic'.",
        ),
        (
            ["--role", "client", "--email", "k@h.test", "--counselor", "ghost@harbour.test"],
            "No user with email 'ghost@harbour.test'.",
        ),
        (["--role", "client", "--email", "k@h.test"], "A client needs --counselor EMAIL."),
        (
            ["--role", "client", "--email", "k@h.test", "--counselor", "hana@harbour.test"],
            "The counselor must be a counselor of the same clinic.",
        ),
        (
            ["--role", "counselor", "--email", "c@h.test", "--counselor", "hana@harbour.test"],
            "Only a client has a counselor",
        ),
        (["--role", "counselor", "--email", "HANA@harbour.test"], "already has an account"),
        (["--role", "counselor", "--email", "not-an-email"], "Enter a valid email address."),
    ],
    ids=[
        "clinic",
        "counselor",
        "no-counselor",
        "not-a-counselor",
        "counselor-for-staff",
        "duplicate",
        "bad-email",
    ],
)
def test_it_refuses_bad_people_with_a_clear_message(clinic, args, message):
    if "--clinic" not in args:
        args = ["--clinic", "Harbour Clinic", *args]
    result = run_in(clinic, "adduser", *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert len(people(clinic)) == 1


def test_it_refuses_an_unknown_role(clinic):
    result = add(clinic, "superuser", "s@h.test")
    assert result.returncode != 0
    assert "invalid choice: 'superuser'" in result.stderr


def test_it_refuses_a_client_whose_counselor_is_in_another_clinic(clinic):
    run_in(clinic, "createclinic", "Bay Clinic", "--admin-email", "bea@bay.test")
    run_in(
        clinic, "adduser", "--clinic", "Bay Clinic", "--role", "counselor", "--email", "cy@bay.test"
    )
    result = add(clinic, "client", "kai@harbour.test", "--counselor", "cy@bay.test")
    assert result.returncode != 0
    assert "same clinic" in result.stderr
    assert not query(clinic, "SELECT id FROM accounts_user WHERE email = 'kai@harbour.test'")


def test_it_refuses_to_seed_the_demo_with_debug_off(site):
    production = {
        "ALLIANCE_DEBUG": "0",
        "ALLIANCE_SECRET_KEY": SECRET,
        "ALLIANCE_ENCRYPTION_KEYS": KEY,
    }
    result = run_in(site, "demo", "--no-serve", **production)
    assert result.returncode != 0
    assert "Refusing to create demo accounts" in result.stderr
    assert query(site, "SELECT count(*) FROM accounts_user") == [(0,)]


def test_it_seeds_the_demo_with_debug_off_when_forced_and_only_once(site):
    production = {
        "ALLIANCE_DEBUG": "0",
        "ALLIANCE_SECRET_KEY": SECRET,
        "ALLIANCE_ENCRYPTION_KEYS": KEY,
    }
    result = run_in(site, "demo", "--no-serve", "--force", **production)
    assert result.returncode == 0, result.stderr
    assert "Maya Chen" in result.stdout and "maya@riverside.example" in result.stdout
    assert "Every demo account's password:" in result.stdout
    seeded = people(site)
    assert (
        "maya@riverside.example",
        "Maya Chen",
        "counselor",
        "Riverside Counselling (demo)",
    ) in seeded
    again = run_in(site, "demo", "--no-serve", "--force", **production)
    assert again.returncode == 0, again.stderr
    assert people(site) == seeded
    assert run_in(site, "audit", "verify", **production).returncode == 0
