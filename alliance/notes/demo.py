"""Counselor notes for the demo clinic: a progress note for each session held or missed, and a
few psychotherapy notes that only the counselor who wrote them will ever see."""

import datetime

from django.utils import timezone

from alliance.audit import services as audit
from alliance.care.models import Attendance, Client, Session
from alliance.notes.models import AUDIT_TYPES, Note, NoteKind

PROGRESS = {
    "sam@riverside.example": [
        "Reviewed the week. Mood lifting; walked four days out of seven. Kept the evening plan.",
        "Worked on the return-to-work plan. Sam named two early signs of a dip and what helps.",
        "Practised saying no to extra shifts in role play. Agreed to try it once this week.",
        "Sleep better. Went over the relapse-prevention sheet together; Sam added his own words.",
    ],
    "priya@riverside.example": [
        "Talked about her mother's illness and the guilt around it. Thought record set again.",
        "Priya quiet in session; homework not done. Asked gently, she said it was a busy week.",
        "Named the strain between us about the tasks. Swapped thought records for voice notes.",
        "Voice notes going well. Priya more open; goals reviewed and reworded together.",
    ],
    "jordan@riverside.example": [
        "Low mood, poor sleep. Reviewed the morning routine; Jordan managed two mornings.",
        "Jordan tired and flat. Small steps only this week: one walk, one call to a friend.",
        "Discussed how hard getting to sessions has been. Offered a later slot.",
        "Mood lower. Went through the safety plan together and shared the crisis numbers.",
    ],
    "alex@riverside.example": [
        "Psychoeducation on anxiety. Alex relieved to have words for it.",
        "Exposure ladder drafted; first step (short presentation to a friend) agreed.",
        "Presentation went ahead. Reviewed what the worry predicted versus what happened.",
        "Talked about ending: what Alex will keep doing and how to spot a slide.",
    ],
    "robin@riverside.example": [
        "Reviewed the week; much the same. Robin unsure what to focus on.",
        "Explored what 'better' would look like. Hard to name; agreed to keep looking.",
        "Session steady but stuck. Raised reviewing the plan next time.",
    ],
}

MISSED = {
    Attendance.NO_SHOW: "Did not attend. Phoned; no answer. Left a message offering the next slot.",
    Attendance.CANCELLED: "Cancelled by the client the day before; rebooked for next week.",
}

# (attended session counted back from the latest, text): the counselor's own process notes.
PSYCHOTHERAPY = {
    "sam@riverside.example": [
        (16, "Noticed I was pleased he was doing well and kept quiet about the wobble; ask."),
    ],
    "priya@riverside.example": [
        (15, "I felt hurt when she said the worksheets felt like school. Take it to supervision."),
        (13, "The repair felt real. My own wish to be a good helper got in the way earlier."),
    ],
    "jordan@riverside.example": [
        (8, "Worried about him between sessions. Am I pacing this to my anxiety or to his?"),
        (2, "Strong urge to rescue. Keep to the safety plan and the team."),
    ],
    "alex@riverside.example": [(10, "Easy to work with; check I am not avoiding harder topics.")],
    "robin@riverside.example": [(6, "I'm bored in these sessions. Is that what Robin feels?")],
}


def at(date: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


def notes_for(client: Client) -> list[Note]:
    email = client.user.email
    sessions = list(Session.objects.filter(client=client).order_by("date", "id"))
    phrases = PROGRESS.get(email, [])
    notes = []
    for number, session in enumerate(sessions):
        if session.attendance == Attendance.ATTENDED:
            if not phrases:
                continue
            text = phrases[number % len(phrases)]
        else:
            text = MISSED[session.attendance]
        notes.append(
            Note(
                client=client,
                author=session.counselor,
                kind=NoteKind.PROGRESS,
                session=session,
                text=text,
                created_at=at(session.date, 18),
            )
        )
    attended = [s for s in reversed(sessions) if s.attendance == Attendance.ATTENDED]
    for back, text in PSYCHOTHERAPY.get(email, []):
        if back > len(attended):
            continue
        session = attended[back - 1]
        notes.append(
            Note(
                client=client,
                author=session.counselor,
                kind=NoteKind.PSYCHOTHERAPY,
                session=session,
                text=text,
                created_at=at(session.date, 19),
            )
        )
    return notes


def seed_notes(clinic) -> None:
    clients = Client.objects.filter(clinic=clinic).select_related("user")
    targets = []
    for client in clients:
        for note in Note.objects.bulk_create(notes_for(client)):
            targets.append(
                audit.Target(AUDIT_TYPES[note.kind], note.pk, client.pk, clinic_id=clinic.pk)
            )
    audit.record(None, "create", targets, via="cli", detail="demo notes")
