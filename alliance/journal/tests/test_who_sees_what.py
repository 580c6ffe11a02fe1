"""The "Who sees my data" page and the access rules the code enforces say the same thing.

Every kind of data registered in `alliance.accounts.privacy` states who sees it; here every
persona asks for real objects of every kind through the model's own `visible_to`, and the
answers must match the statement the page is written from.
"""

import html
import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from alliance.accounts import privacy
from alliance.accounts.privacy import Audience, Sees
from alliance.audit.models import AuditEvent
from alliance.conftest import PERSONAS
from alliance.crypto import encrypted_fields
from alliance.journal.models import JournalEntry, Kind

# How each persona stands to Amira's record; everyone else has no relation to it at all.
RELATION_TO_A = {
    "a": Audience.YOU,
    "c1": Audience.COUNSELOR,
    "supervisor": Audience.CLINIC,
    "admin": Audience.CLINIC,
}


def load_examples():
    examples = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("alliance."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.matrix")
        except ModuleNotFoundError:
            continue
        examples.update(getattr(module, "PRIVACY", {}))
    return examples


EXAMPLES = load_examples()
KINDS = {kind.key: kind for kind in privacy.kinds()}


def expected(kind, who, obj, user) -> bool:
    sees = kind.sees_for(RELATION_TO_A.get(who))
    if sees == Sees.ALL:
        return True
    if sees == Sees.SHARED:
        return getattr(obj, kind.shared_field)
    if sees == Sees.OWN:
        return getattr(obj, f"{kind.author_field}_id") == user.pk
    return False


def test_it_has_example_objects_for_every_kind_on_the_page():
    assert set(KINDS) - set(EXAMPLES) == set(), "add an example to the app's tests/matrix.py"


# Models holding encrypted free text whose apps have not yet stated their kind on the page
# (by registering a `DataKind`, see `alliance.accounts.privacy`). Take a line out when it is.
NOT_YET_STATED = {"alerts.concern", "alerts.repair"}


def test_it_states_a_rule_for_every_model_holding_private_free_text():
    stated = {kind.model.lower() for kind in KINDS.values()}
    unstated = {model._meta.label_lower for model, _field in encrypted_fields()} - stated
    assert unstated - NOT_YET_STATED == set(), "free text about clients on no one's page"


@pytest.mark.parametrize("key", sorted(KINDS))
def test_it_enforces_exactly_what_the_page_says(personas, key):
    kind = KINDS[key]
    model = apps.get_model(kind.model)
    objects = EXAMPLES[key](personas)
    for who in PERSONAS:
        user = personas.users[who]
        seen = set(
            model.objects.visible_to(user)
            .filter(pk__in=[o.pk for o in objects])
            .values_list("pk", flat=True)
        )
        for obj in objects:
            assert (obj.pk in seen) == expected(kind, who, obj, user), f"{who} and {key} #{obj.pk}"


def statements_on_page(page: str, key: str) -> dict[str, str]:
    section = page.split(f'id="kind-{key}"', 1)[1].split("</section>", 1)[0]
    found = re.findall(r"<li><strong>(.*?)</strong>(?: \((.*?)\))?: (.*?)\.</li>", section)
    return {audience: sees for audience, _people, sees in found}


def test_it_writes_the_page_from_the_rules(personas, web_as):
    page = html.unescape(web_as(personas.a.user).get(reverse("who_sees_what")).content.decode())
    names = {
        Audience.YOU: "You",
        Audience.COUNSELOR: "Your counselor, Carmen Counselor",
        Audience.CLINIC: "Northside Clinic's supervisors and administrators",
    }
    for kind in KINDS.values():
        assert kind.title in page
        shown = statements_on_page(page, kind.key)
        assert shown == {names[audience]: words for audience, words in kind.statements()}
    assert "(Ada Admin, Sol Supervisor)" in page
    assert "Nobody outside Northside Clinic, no other counselor and no other client" in page


def test_it_says_in_plain_words_who_reads_the_journal_and_notes(personas, web_as):
    page = html.unescape(web_as(personas.a.user).get(reverse("who_sees_what")).content.decode())
    journal = statements_on_page(page, "journal")
    assert journal["Your counselor, Carmen Counselor"].startswith(
        "can see only the entries you share"
    )
    assert journal["Northside Clinic's supervisors and administrators"] == "cannot see any of it"
    progress = statements_on_page(page, "progress_notes")
    assert progress["You"] == "cannot see any of it"
    assert progress["Northside Clinic's supervisors and administrators"] == "can see all of it"
    therapy = statements_on_page(page, "psychotherapy_notes")
    assert (
        therapy["Your counselor, Carmen Counselor"] == "can see only the ones they wrote themselves"
    )
    assert therapy["Northside Clinic's supervisors and administrators"] == "cannot see any of it"


def test_it_shows_the_clients_sharing_choices_and_lets_them_change_one(personas, web_as):
    shared = JournalEntry.objects.create(
        client=personas.a, kind=Kind.BRING_UP, text="the holidays", shared=True
    )
    JournalEntry.objects.create(client=personas.a, kind=Kind.NOTE, text="mine alone")
    web = web_as(personas.a.user)
    url = reverse("who_sees_what")
    page = html.unescape(web.get(url).content.decode())
    assert "You share 1 entry with Carmen Counselor; 1 other stays private." in page
    assert "the holidays" in page
    assert "mine alone" not in page
    response = web.post(reverse("journal_share", args=[shared.pk]), {"shared": "0", "next": url})
    assert response.headers["Location"] == url
    page = html.unescape(web.get(url).content.decode())
    assert "You share none of your 2 entries: only you can see them." in page
    assert AuditEvent.objects.filter(detail="who sees what", object_type="Client").exists()
