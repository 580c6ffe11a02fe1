"""The "Who sees my data" page and the access rules the code enforces say the same thing.

Every kind of data registered in `alliance.accounts.privacy` states who sees it; here every
persona asks for real objects of every kind through the model's own `visible_to` (or the
route the kind names, where the code narrows it further), and the answers must match the
statement the page is written from.
"""

import html
import importlib
import re
from collections import defaultdict

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
    """Each kind's example builders; a kind spanning apps has one builder from each app."""
    examples = defaultdict(list)
    for config in apps.get_app_configs():
        if not config.name.startswith("alliance."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.matrix")
        except ModuleNotFoundError:
            continue
        for key, build in getattr(module, "PRIVACY", {}).items():
            examples[key].append(build)
    return examples


EXAMPLES = load_examples()
KINDS = {kind.key: kind for kind in privacy.kinds()}


def expected(kind, who, obj, user) -> bool:
    audience = RELATION_TO_A.get(who)
    sees = kind.sees_for(audience)
    if sees == Sees.ALL:
        allowed = True
    elif sees == Sees.SHARED:
        allowed = getattr(obj, kind.shared_field)
    elif sees == Sees.OWN:
        allowed = getattr(obj, f"{kind.author_field}_id") == user.pk
    else:
        allowed = False
    if allowed and audience in kind.conditions:
        return kind.conditions[audience].holds(obj)
    return allowed


def examples_of(key, personas) -> list:
    return [obj for build in EXAMPLES[key] for obj in build(personas)]


def test_it_has_example_objects_for_every_kind_on_the_page():
    assert set(KINDS) - set(EXAMPLES) == set(), "add an example to the app's tests/matrix.py"


# Models holding encrypted free text whose apps have not yet stated their kind on the page
# (by registering a `DataKind`, see `alliance.accounts.privacy`). Take a line out when it is.
NOT_YET_STATED = set()


def test_it_states_a_rule_for_every_model_holding_private_free_text():
    stated = {model.lower() for kind in KINDS.values() for model in kind.models()}
    unstated = {
        model._meta.label_lower for model, field in encrypted_fields() if field.holds_client_text
    } - stated
    assert unstated - NOT_YET_STATED == set(), "free text about clients on no one's page"


@pytest.mark.parametrize("key", sorted(KINDS))
def test_it_enforces_exactly_what_the_page_says(personas, key):
    kind = KINDS[key].for_client(personas.a)
    by_model = defaultdict(list)
    for obj in examples_of(key, personas):
        by_model[obj._meta.label].append(obj)
    assert set(by_model) == set(kind.models()), "an example of every model of the kind"
    for who in PERSONAS:
        user = personas.users[who]
        for model, objects in by_model.items():
            seen = set(
                kind.rows_shown(model, user, personas.a)
                .filter(pk__in=[o.pk for o in objects])
                .values_list("pk", flat=True)
            )
            for obj in objects:
                assert (obj.pk in seen) == expected(kind, who, obj, user), (
                    f"{who} and {model} #{obj.pk} of {key}"
                )


def statements_on_page(page: str, key: str) -> dict[str, str]:
    section = page.split(f'id="kind-{key}"', 1)[1].split("</section>", 1)[0]
    return dict(re.findall(r"<li><strong>(.*?)</strong>,? (.*?)\.</li>", section))


def test_it_writes_the_page_from_the_rules(personas, web_as):
    page = html.unescape(web_as(personas.a.user).get(reverse("who_sees_what")).content.decode())
    names = {
        Audience.YOU: "You",
        Audience.COUNSELOR: "Your counselor, Carmen Counselor",
        Audience.CLINIC: "Northside Clinic's supervisors and administrators",
    }
    for kind in KINDS.values():
        kind = kind.for_client(personas.a)
        assert kind.title in page
        shown = statements_on_page(page, kind.key)
        assert shown == {names[audience]: words for audience, words in kind.statements()}
    words = re.sub(r"<[^>]+>", "", page)
    assert "Your counselor, Carmen Counselor, can see" in words
    assert "supervisors and administrators are: Ada Admin, Sol Supervisor." in page
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
