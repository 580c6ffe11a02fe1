"""The demo clinic's earlier clients, so that the clinic page and each counselor's practice
page show real figures.

The five current clients' six months alone are too few people for most figures. Twelve
earlier clients, whose courses of care of eight to sixteen weekly sessions ended over the year
before, make up the numbers: most improve, one gets worse, some were never a case; those who
rated the working relationship higher early on tend to improve more; Maya tends to expect more
agreement on tasks than her clients report, Tom a weaker bond. Tom has only four clients who
were a case at the start, so his recovery rate is one figure that stays "too few to say", as
are the earliest months of the month-by-month chart.

Every figure comes from a `random.Random` seeded with the client and the seed date, dated back
from the same anchor as the current clients' history, so seeding on the same day gives the same
clinic everywhere. The clinic figures' summaries are then made for the whole clinic.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import Role, User
from alliance.audit import services as audit
from alliance.care.models import Assignment, Attendance, Client, Session
from alliance.measures.demo import anchor_for
from alliance.measures.instruments import find
from alliance.measures.models import Response
from alliance.notes.models import AUDIT_TYPES, Note, NoteKind
from alliance.psychometrics import score
from alliance.reports import summary

SUBSCALES = ("goal", "task", "bond")
# How far each counselor's predictions sit from their clients' answers, per subscale (item mean).
HABITS = {
    "maya@riverside.example": {"goal": 0.2, "task": 0.6, "bond": 0.0},
    "tom@riverside.example": {"goal": 0.0, "task": 0.1, "bond": -0.5},
}
NOTES = (
    "Reviewed the week and the plan; agreed the next small step.",
    "Went over what helped and what got in the way since last time.",
    "Worked on the main goal; homework set and written down together.",
    "Checked in on how the sessions feel; adjusted the pace.",
)


@dataclass(frozen=True)
class Course:
    email: str
    name: str
    counselor: str
    weeks: int
    ends_weeks_ago: int  # before the anchor week
    weekday: int
    phq9: tuple[int, int]  # first and last totals
    gad7: tuple[int, int]
    alliance: float  # WAI-SR item mean as the client answers, early on


MAYA, TOM = "maya@riverside.example", "tom@riverside.example"
COURSES = [
    Course("nadia@riverside.example", "Nadia Haddad", MAYA, 14, 44, 0, (18, 6), (15, 5), 4.5),
    Course("owen@riverside.example", "Owen Price", MAYA, 12, 38, 1, (14, 9), (12, 7), 4.0),
    Course("lena@riverside.example", "Lena Vogel", MAYA, 10, 33, 2, (20, 17), (16, 15), 3.0),
    Course("marcus@riverside.example", "Marcus Reid", MAYA, 12, 27, 3, (11, 4), (9, 3), 4.3),
    Course("ines@riverside.example", "Ines Duarte", MAYA, 16, 20, 0, (16, 12), (13, 9), 3.4),
    Course("theo@riverside.example", "Theo Brandt", MAYA, 8, 12, 1, (7, 5), (5, 4), 3.8),
    Course("ruth@riverside.example", "Ruth Okeke", MAYA, 10, 6, 2, (13, 19), (10, 15), 2.8),
    Course("kofi@riverside.example", "Kofi Mensah", TOM, 14, 41, 2, (17, 8), (14, 6), 4.2),
    Course("hannah@riverside.example", "Hannah Weiss", TOM, 10, 30, 3, (6, 4), (6, 3), 3.9),
    Course("diego@riverside.example", "Diego Alvarez", TOM, 12, 22, 4, (8, 6), (7, 5), 3.5),
    Course("mei@riverside.example", "Mei Tanaka", TOM, 12, 14, 2, (15, 13), (12, 11), 3.2),
    Course("sean@riverside.example", "Sean Byrne", TOM, 8, 4, 4, (5, 9), (4, 6), 3.6),
]


def spread(rng: random.Random, total: int, count: int, low: int, high: int) -> list[int]:
    """`count` answers from `low` to `high` adding up to `total`, unevenly as people answer."""
    total = max(count * low, min(count * high, total))
    values = [low] * count
    for _ in range(total - count * low):
        values[rng.choice([i for i, v in enumerate(values) if v < high])] += 1
    return values


def totals(rng, first: int, last: int, weeks: int, top: int) -> list[int]:
    """A course from `first` to `last` with a point or two of noise between the two ends."""
    found = []
    for week in range(weeks):
        value = first + (last - first) * week / (weeks - 1)
        if 0 < week < weeks - 1:
            value += rng.gauss(0, 1.2)
        found.append(max(0, min(top, round(value))))
    return found


def wai(rng, means: dict[str, float]) -> dict[str, int]:
    form = find("wai-sr")
    answers = {}
    for subscale in form.subscales:
        target = round(4 * means[subscale.name] + rng.gauss(0, 0.6))
        for item, value in zip(subscale.items, spread(rng, target, 4, 1, 5), strict=True):
            answers[item] = value
    return answers


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def response(client, session, code, answers, respondent, hour) -> Response:
    instrument = find(code)
    result = score(instrument, answers)
    return Response(
        client=client,
        session=session,
        instrument=code,
        instrument_version=instrument.version,
        respondent=respondent,
        respondent_role=respondent.role,
        answers=answers,
        total=result.total,
        subscales=result.subscales,
        band=result.band or "",
        flags=result.flags,
        idempotency_key=f"demo-{client.pk}-{session.date.isoformat()}-{code}",
        submitted_at=at(session.date, hour, 30),
    )


def history(client, course: Course, anchor: datetime.date, today: datetime.date):
    """The course's sessions, check-ins from both sides and progress notes, unsaved."""
    rng = random.Random(f"alliance-demo-earlier:{course.email}:{today.isoformat()}")
    last_monday = anchor - datetime.timedelta(weeks=course.ends_weeks_ago)
    first = last_monday - datetime.timedelta(weeks=course.weeks - 1, days=-course.weekday)
    phq9 = totals(rng, *course.phq9, course.weeks, 27)
    gad7 = totals(rng, *course.gad7, course.weeks, 21)
    habit = HABITS[course.counselor]
    counselor = client.counselor
    planned = []
    for week in range(course.weeks):
        day = first + datetime.timedelta(weeks=week)
        session = Session(
            client=client,
            counselor=counselor,
            date=day,
            attendance=Attendance.ATTENDED,
            duration_minutes=50,
            recorded_by=counselor,
            created_at=at(day, 17),
        )
        # The alliance firms up a little over a course that goes well, less over one that
        # does not.
        means = {
            name: min(5, course.alliance + 0.02 * week * (course.alliance - 3))
            for name in SUBSCALES
        }
        expected = {name: min(5, means[name] + habit[name]) for name in SUBSCALES}
        answers = {
            "phq9": dict(
                zip(
                    [f"phq9_{n}" for n in range(1, 10)],
                    spread(rng, phq9[week], 8, 0, 3) + [0],
                    strict=True,
                )
            ),
            "gad7": dict(
                zip(
                    [f"gad7_{n}" for n in range(1, 8)],
                    spread(rng, gad7[week], 7, 0, 3),
                    strict=True,
                )
            ),
            "wai-sr": wai(rng, means),
            "wai-sr-predicted": wai(rng, expected),
        }
        planned.append((session, answers, NOTES[week % len(NOTES)]))
    return planned


@transaction.atomic
def seed_earlier_clients(clinic, today: datetime.date | None = None) -> None:
    """Add the earlier clients to the demo clinic and make its figures' summaries. A clinic
    without any sessions yet gets neither: there is no history to set them beside."""
    if not Session.objects.filter(client__clinic=clinic).exists():
        return
    today = today or timezone.localdate()
    anchor = anchor_for(today)
    counselors = {u.email: u for u in User.objects.filter(clinic=clinic, role=Role.COUNSELOR)}
    targets = []
    for course in COURSES:
        counselor = counselors.get(course.counselor)
        if counselor is None or User.objects.filter(email=course.email).exists():
            continue
        user = User.objects.create_user(
            course.email, None, name=course.name, clinic=clinic, role=Role.CLIENT
        )
        client = Client.objects.create(user=user, clinic=clinic, counselor=counselor)
        planned = history(client, course, anchor, today)
        referred = at(planned[0][0].date - datetime.timedelta(weeks=1), 9)
        Client.objects.filter(pk=client.pk).update(created_at=referred)
        Assignment.objects.create(client=client, counselor=counselor, started_at=referred)
        sessions = Session.objects.bulk_create([session for session, _, _ in planned])
        responses, notes = [], []
        for session, (_, answers, note) in zip(sessions, planned, strict=True):
            for code, values in answers.items():
                by_client = find(code).respondent == "client"
                respondent = user if by_client else counselor
                responses.append(
                    response(client, session, code, values, respondent, 20 if by_client else 17)
                )
            notes.append(
                Note(
                    client=client,
                    author=counselor,
                    kind=NoteKind.PROGRESS,
                    session=session,
                    text=note,
                    created_at=at(session.date, 18),
                )
            )
        responses = Response.objects.bulk_create(responses)
        notes = Note.objects.bulk_create(notes)
        targets.append(audit.for_client(client))
        targets += [audit.for_object(s, client) for s in sessions]
        targets += [audit.for_object(r, client) for r in responses]
        targets += [
            audit.Target(AUDIT_TYPES[n.kind], n.pk, client.pk, clinic_id=clinic.pk) for n in notes
        ]
    audit.record(None, "create", targets, via="cli", detail="demo earlier clients")
    # The demo's check-ins were stored in bulk, without the receivers: summarise them now.
    summary.rebuild([clinic.pk])
