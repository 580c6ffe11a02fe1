"""Journal entries and counselor notes for the demo clinic's clients.

Entries and notes hang off the sessions already seeded (counting back from the latest one), so
they read as one story with the check-ins: Priya raises the rupture in her journal, Jordan's
entries thin out as things get worse, Robin keeps everything private. Sam's latest session has
no gratitude list yet, so his home page asks for one; Sam and Priya have items on the agenda
for their next session.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from alliance.audit import services as audit
from alliance.care.models import Attendance, Client, Session
from alliance.journal.models import JournalEntry, Kind
from alliance.notes.demo import seed_notes


@dataclass(frozen=True)
class Written:
    back: int  # which attended session it follows: 1 is the latest
    kind: str
    text: str
    shared: bool = False
    days_after: int = 0  # written that evening, or a day or two later


# "Next time" items written after the latest session: the agenda for the next one.
NEXT = 0

JOURNALS = {
    "sam@riverside.example": [
        Written(20, Kind.GRATITUDE, "Maya didn't rush me.\nI said the thing about work out loud."),
        Written(
            18,
            Kind.INSIGHT,
            "When I skip the walk, the evening goes flat. It's not laziness, it's a pattern.",
            shared=True,
        ),
        Written(
            15,
            Kind.GRATITUDE,
            "Laughed in a session for the first time.\nThe breathing thing works on the bus.",
        ),
        Written(
            12,
            Kind.BRING_UP,
            "Whether I'm ready to go back to five days a week.",
            shared=True,
            days_after=2,
        ),
        Written(
            9, Kind.NOTE, "Slept seven hours three nights running. Writing it down so I believe it."
        ),
        Written(
            6,
            Kind.GRATITUDE,
            "Maya remembered my sister's name.\n"
            "We planned for the bad days, not only the good ones.",
        ),
        Written(
            4, Kind.INSIGHT, "I can say no to overtime without explaining myself.", shared=True
        ),
        Written(2, Kind.GRATITUDE, "Noticed how far I've come since March."),
        Written(
            NEXT,
            Kind.BRING_UP,
            "How we'll know when it's time to space sessions out.",
            shared=True,
            days_after=1,
        ),
        Written(
            NEXT, Kind.BRING_UP, "The wedding in June: I'm dreading the speeches.", days_after=2
        ),
    ],
    "priya@riverside.example": [
        Written(22, Kind.GRATITUDE, "Felt understood about Mum.\nThe worksheet made sense."),
        Written(
            17, Kind.NOTE, "Didn't do the thought record again. It feels like homework at school."
        ),
        Written(
            15,
            Kind.BRING_UP,
            "The tasks aren't working for me and I don't know how to say it without "
            "sounding ungrateful.",
            shared=True,
            days_after=1,
        ),
        Written(
            14,
            Kind.INSIGHT,
            "I go quiet when I think I've disappointed someone. I did it in session too.",
        ),
        Written(
            12,
            Kind.GRATITUDE,
            "Maya asked how the sessions were going for me, and meant it.\n"
            "We swapped the worksheet for voice notes.",
        ),
        Written(
            8, Kind.INSIGHT, "Saying it didn't ruin anything. It made things better.", shared=True
        ),
        Written(3, Kind.GRATITUDE, "The voice notes. Being listened to."),
        Written(1, Kind.GRATITUDE, "Maya noticed I was tired and we slowed down."),
        Written(
            NEXT,
            Kind.BRING_UP,
            "Mum's hospital appointment is the day before our session.",
            shared=True,
            days_after=1,
        ),
    ],
    "jordan@riverside.example": [
        Written(20, Kind.GRATITUDE, "A quiet hour to talk.\nA plan for the mornings."),
        Written(
            16, Kind.BRING_UP, "I'm not sleeping much. Hard to get up for anything.", shared=True
        ),
        Written(11, Kind.NOTE, "Didn't go. Couldn't face the bus."),
        Written(6, Kind.NOTE, "Everything feels heavy this week."),
    ],
    "alex@riverside.example": [
        Written(
            19, Kind.GRATITUDE, "Tom explained what anxiety does in the body. It was a relief."
        ),
        Written(
            12,
            Kind.INSIGHT,
            "The worry is loudest at 3 a.m. and quietest after a run.",
            shared=True,
        ),
        Written(
            7,
            Kind.GRATITUDE,
            "Got through the presentation.\nTom's question about 'what would a friend say'.",
        ),
        Written(2, Kind.GRATITUDE, "Feeling steadier."),
        Written(1, Kind.GRATITUDE, "Talked about ending well, not just ending."),
    ],
    # Robin writes, and keeps it all private: the counselor sees none of it.
    "robin@riverside.example": [
        Written(14, Kind.NOTE, "Not sure this is helping, but I'll keep going for now."),
        Written(9, Kind.INSIGHT, "Same week, every week. Maybe that's the thing to talk about."),
        Written(3, Kind.BRING_UP, "Whether to try something different."),
    ],
}


def at(date: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


def attended_sessions(client: Client) -> list[Session]:
    """Latest first; without seeded sessions, weekly ones counted back from yesterday stand in
    for dating the entries (and none is linked)."""
    sessions = list(
        Session.objects.filter(client=client, attendance=Attendance.ATTENDED).order_by(
            "-date", "-id"
        )
    )
    if sessions:
        return sessions
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return [Session(client=client, date=yesterday - datetime.timedelta(weeks=n)) for n in range(30)]


def entries_for(client: Client, story: list[Written]) -> list[JournalEntry]:
    sessions = attended_sessions(client)
    today = timezone.localdate()
    entries = []
    for item in story:
        session = sessions[min(max(item.back, 1), len(sessions)) - 1]
        day = min(session.date + datetime.timedelta(days=item.days_after), today)
        written = at(day, 20)
        if item.back == NEXT:
            # Shared since the latest session, so it is on the next session's agenda.
            written = min(written, timezone.now())
        entries.append(
            JournalEntry(
                client=client,
                kind=item.kind,
                text=item.text,
                shared=item.shared,
                shared_at=written if item.shared else None,
                session=session if item.kind == Kind.GRATITUDE and session.pk else None,
                created_at=written,
                updated_at=written,
            )
        )
    return entries


@transaction.atomic
def seed_journal_and_notes(clinic) -> None:
    clients = {
        c.user.email: c
        for c in Client.objects.filter(clinic=clinic).select_related("user", "counselor")
    }
    targets = []
    for email, story in JOURNALS.items():
        client = clients.get(email)
        if client is None:
            continue
        entries = JournalEntry.objects.bulk_create(entries_for(client, story))
        targets += [
            audit.Target("JournalEntry", e.pk, client_id=client.pk, clinic_id=clinic.pk)
            for e in entries
        ]
    audit.record(None, "create", targets, via="cli", detail="demo journal")
    seed_notes(clinic)
