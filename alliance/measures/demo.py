"""Six months of weekly sessions and check-ins for the demo clinic's clients.

Every figure comes from a `random.Random` seeded with the client and the seed date, and every
date counts back from an anchor worked out from that date, so seeding on the same day gives the
same history on every machine. The five stories are the ones a counselor meets: two clients
improving (one after a hard few weeks), one flat, one getting worse, and one whose alliance
drops and is repaired.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from alliance.audit import services as audit
from alliance.care.models import Attendance, Client, Session
from alliance.measures.instruments import all_instruments
from alliance.measures.models import CheckInSchedule, Response
from alliance.psychometrics import score

WEEKS = 26
LENGTHS = (50, 50, 50, 45, 55, 60)
SUBSCALES = ("goal", "task", "bond")
Curve = Callable[[int], float]


def straight(start: float, end: float) -> Curve:
    return lambda week: start + (end - start) * week / (WEEKS - 1)


def flat(level: float) -> Curve:
    return lambda week: level


def dip(level: float, low: float, start: int, bottom: int, back: int) -> Curve:
    """Steady at `level`, falling to `low` from week `start` to `bottom`, back by week `back`."""

    def curve(week: int) -> float:
        if week <= start or week >= back:
            return level
        if week <= bottom:
            return level + (low - level) * (week - start) / (bottom - start)
        return low + (level - low) * (week - bottom) / (back - bottom)

    return curve


@dataclass(frozen=True)
class Story:
    email: str
    weekday: int  # 0 is Monday
    phq9: Curve
    gad7: Curve
    alliance: dict[str, Curve]  # WAI-SR item mean per subscale, as the client answers
    # How far the counselor's expectation sits from the client's answers, by week.
    predicted_gap: Curve = field(default=flat(0.2))
    missed: float = 0.06  # chance a session is cancelled or missed
    skipped: float = 0.08  # chance the client leaves a check-in unanswered
    item9: Callable[[int], int] = field(default=lambda week: 0)
    intervals: dict[str, int] | None = None
    # The last session's forms left for the demo to show as due.
    leave_due: tuple[str, ...] = ()


STORIES = [
    # Improving steadily: mood and anxiety fall below caseness, the alliance firms up.
    Story(
        "sam@riverside.example",
        weekday=1,
        phq9=straight(17, 5),
        gad7=straight(14, 5),
        alliance={s: straight(3.5, 4.4) for s in SUBSCALES},
        leave_due=("phq9", "gad7", "wai-sr"),
    ),
    # An alliance rupture at week 11 (after a hard session: the tasks stop fitting, the bond
    # suffers), shown at once by one check-in, and its repair over the weeks after; the
    # counselor's expectation misses it at first. Mood stalls meanwhile.
    Story(
        "priya@riverside.example",
        weekday=1,
        phq9=lambda week: straight(15, 7)(week) + dip(0, 4, 9, 13, 18)(week),
        gad7=straight(12, 6),
        alliance={
            "goal": dip(4.1, 3.3, 10, 11, 18),
            "task": dip(4.1, 2.4, 10, 11, 18),
            "bond": dip(4.3, 2.7, 10, 11, 18),
        },
        predicted_gap=dip(0.1, 1.3, 10, 11, 16),
        missed=0.03,
        skipped=0.03,
        leave_due=("wai-sr-predicted",),
    ),
    # Getting worse: more missed sessions, mood and anxiety rise, item 9 at the end.
    Story(
        "jordan@riverside.example",
        weekday=3,
        phq9=straight(11, 20),
        gad7=straight(10, 16),
        alliance={s: straight(3.6, 2.8) for s in SUBSCALES},
        predicted_gap=straight(0.3, 0.9),
        missed=0.18,
        skipped=0.15,
        item9=lambda week: 1 if week >= WEEKS - 3 else 0,
    ),
    # Improving, anxiety first; a hard few weeks early on (mood reliably worse in weeks 5–8)
    # that eased by itself, so the alert it raised stays open until the counselor reviews it.
    Story(
        "alex@riverside.example",
        weekday=2,
        phq9=lambda week: straight(12, 5)(week) + dip(0, 9, 3, 6, 10)(week),
        gad7=straight(16, 6),
        alliance={s: straight(3.9, 4.5) for s in SUBSCALES},
    ),
    # Flat: no reliable change either way over six months; GAD-7 asked every other session.
    Story(
        "robin@riverside.example",
        weekday=4,
        phq9=flat(12),
        gad7=flat(11),
        alliance={s: flat(3.4) for s in SUBSCALES},
        intervals={"phq9": 1, "gad7": 2, "wai-sr": 1, "wai-sr-predicted": 1},
    ),
]


def anchor_for(today: datetime.date) -> datetime.date:
    """The Monday of the week before `today`: every demo session lies on or before that week's
    Friday, so none is in the future."""
    return today - datetime.timedelta(days=today.weekday() + 7)


def spread(rng: random.Random, total: int, count: int, low: int, high: int) -> list[int]:
    """`count` answers from `low` to `high` adding up to `total`, unevenly as people answer."""
    total = max(count * low, min(count * high, total))
    values = [low] * count
    for _ in range(total - count * low):
        open_items = [i for i, v in enumerate(values) if v < high]
        values[rng.choice(open_items)] += 1
    return values


def phq9_answers(rng, story, week):
    item9 = story.item9(week)
    target = round(story.phq9(week) + rng.gauss(0, 1.2)) - item9
    values = spread(rng, target, 8, 0, 3) + [item9]
    return {f"phq9_{n}": v for n, v in enumerate(values, start=1)}


def gad7_answers(rng, story, week):
    values = spread(rng, round(story.gad7(week) + rng.gauss(0, 1.2)), 7, 0, 3)
    return {f"gad7_{n}": v for n, v in enumerate(values, start=1)}


def wai_answers(rng, instrument, means: dict[str, float]):
    answers = {}
    for subscale in instrument.subscales:
        target = round(4 * means[subscale.name] + rng.gauss(0, 0.8))
        for item_id, value in zip(subscale.items, spread(rng, target, 4, 1, 5), strict=True):
            answers[item_id] = value
    return answers


@dataclass
class Planned:
    session: Session
    answers: dict[str, dict]  # instrument code to answers


def plan(client: Client, story: Story, today: datetime.date) -> list[Planned]:
    """The client's six months, worked out without touching the database."""
    rng = random.Random(f"alliance-demo:{story.email}:{today.isoformat()}")
    first_monday = anchor_for(today) - datetime.timedelta(weeks=WEEKS - 1)
    intervals = story.intervals or {"phq9": 1, "gad7": 1, "wai-sr": 1, "wai-sr-predicted": 1}
    planned, attended = [], 0
    for week in range(WEEKS):
        date = first_monday + datetime.timedelta(weeks=week, days=story.weekday)
        roll = rng.random()
        # The first session is the assessment, and the last one shows what is due now.
        if 0 < week < WEEKS - 1 and roll < story.missed:
            attendance = Attendance.NO_SHOW if roll < story.missed / 2 else Attendance.CANCELLED
        else:
            attendance = Attendance.ATTENDED
        session = Session(
            client=client,
            counselor=client.counselor,
            date=date,
            attendance=attendance,
            duration_minutes=rng.choice((50, 50, 50, 45, 55, 60))
            if attendance == "attended"
            else None,
            recorded_by=client.counselor,
            created_at=at(date, 17),
        )
        answers = {}
        if attendance == Attendance.ATTENDED:
            attended += 1
            answers = checkins(rng, story, week, attended, intervals)
        planned.append(Planned(session, answers))
    return planned


def checkins(rng, story, week, number, intervals):
    instruments = all_instruments()
    last = week == WEEKS - 1
    client_means = {s: curve(week) for s, curve in story.alliance.items()}
    gap = story.predicted_gap(week)
    predicted = {s: min(5, m + gap + rng.gauss(0, 0.15)) for s, m in client_means.items()}
    makers = {
        "phq9": lambda: phq9_answers(rng, story, week),
        "gad7": lambda: gad7_answers(rng, story, week),
        "wai-sr": lambda: wai_answers(rng, instruments["wai-sr"], client_means),
        "wai-sr-predicted": lambda: wai_answers(rng, instruments["wai-sr-predicted"], predicted),
    }
    answers = {}
    for code, make in makers.items():
        every = intervals.get(code, 0)
        if not every or (number - 1) % every:
            continue
        values = make()  # drawn even when left unanswered, so one gap does not shift the rest
        if last and code in story.leave_due:
            continue
        client_form = instruments[code].respondent == "client"
        if client_form and 0 < week < WEEKS - 1 and rng.random() < story.skipped:
            continue
        answers[code] = values
    return answers


def at(date: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, minute)))


@transaction.atomic
def seed_checkins(clinic, today: datetime.date | None = None) -> None:
    """Give the demo clinic's clients their sessions, schedules and check-ins."""
    today = today or timezone.localdate()
    instruments = all_instruments()
    clients = {
        c.user.email: c
        for c in Client.objects.filter(clinic=clinic).select_related("user", "counselor")
    }
    targets = []
    for story in STORIES:
        client = clients.get(story.email)
        if client is None:
            continue
        if story.intervals is not None:
            schedule = CheckInSchedule.objects.create(
                client=client,
                intervals=story.intervals,
                updated_by=client.counselor,
                updated_at=at(anchor_for(today) - datetime.timedelta(weeks=WEEKS), 9),
            )
            targets.append(audit.for_object(schedule, client))
        planned = plan(client, story, today)
        # Referred a week before the first session, with the same counselor all along.
        referred = at(planned[0].session.date - datetime.timedelta(weeks=1), 9)
        Client.objects.filter(pk=client.pk).update(created_at=referred)
        client.assignments.update(started_at=referred)
        sessions = Session.objects.bulk_create([p.session for p in planned])
        responses = []
        for entry, session in zip(planned, sessions, strict=True):
            for code, answers in entry.answers.items():
                instrument = instruments[code]
                result = score(instrument, answers)
                by_client = instrument.respondent == "client"
                responses.append(
                    Response(
                        client=client,
                        session=session,
                        instrument=code,
                        instrument_version=instrument.version,
                        respondent=client.user if by_client else client.counselor,
                        respondent_role="client" if by_client else "counselor",
                        answers=answers,
                        total=result.total,
                        subscales=result.subscales,
                        band=result.band or "",
                        flags=result.flags,
                        idempotency_key=f"demo-{client.pk}-{session.date.isoformat()}-{code}",
                        # The counselor answers after the session, the client that evening.
                        submitted_at=at(session.date, 20 if by_client else 17, 30),
                    )
                )
        responses = Response.objects.bulk_create(responses)
        targets += [audit.for_object(s, client) for s in sessions]
        targets += [audit.for_object(r, client) for r in responses]
    audit.record(None, "create", targets, via="cli", detail="demo history")
