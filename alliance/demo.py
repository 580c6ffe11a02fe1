"""A deterministic demo clinic: the same people and history on every machine."""

from dataclasses import dataclass

from django.db import transaction

from alliance.accounts import services
from alliance.accounts.models import Clinic, Role, User
from alliance.alerts.demo import seed_alerts
from alliance.goals.demo import seed_goals
from alliance.homework.demo import seed_tasks
from alliance.journal.demo import seed_journal_and_notes
from alliance.measures.demo import seed_checkins
from alliance.reports.demo import seed_earlier_clients

DEMO_CLINIC = "Riverside Counselling (demo)"
DEMO_PASSWORD = "alliance-demo-2026"


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    role: str
    counselor: str | None = None


PEOPLE = [
    Person("admin@riverside.example", "Ada Okafor", Role.ADMIN),
    Person("supervisor@riverside.example", "Sol Reyes", Role.SUPERVISOR),
    Person("maya@riverside.example", "Maya Chen", Role.COUNSELOR),
    Person("tom@riverside.example", "Tom Becker", Role.COUNSELOR),
    Person("sam@riverside.example", "Sam Rivera", Role.CLIENT, "maya@riverside.example"),
    Person("priya@riverside.example", "Priya Nair", Role.CLIENT, "maya@riverside.example"),
    Person("jordan@riverside.example", "Jordan Lee", Role.CLIENT, "maya@riverside.example"),
    Person("alex@riverside.example", "Alex Kim", Role.CLIENT, "tom@riverside.example"),
    Person("robin@riverside.example", "Robin Hale", Role.CLIENT, "tom@riverside.example"),
]


@transaction.atomic
def seed() -> Clinic:
    """Create the demo clinic once; running it again changes nothing."""
    clinic = Clinic.objects.filter(name=DEMO_CLINIC).first()
    if clinic is not None:
        return clinic
    first, *rest = PEOPLE
    clinic, _ = services.create_clinic(DEMO_CLINIC, first.email, first.name, DEMO_PASSWORD)
    for person in rest:
        counselor = User.objects.get(email=person.counselor) if person.counselor else None
        services.add_user(
            clinic, person.role, person.email, person.name, DEMO_PASSWORD, counselor=counselor
        )
    seed_checkins(clinic)
    seed_journal_and_notes(clinic)
    seed_goals(clinic)
    seed_tasks(clinic)
    seed_alerts(clinic)
    seed_earlier_clients(clinic)
    return clinic
