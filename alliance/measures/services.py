"""Submitting check-ins, changing a client's schedule, and working out which check-ins are due."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from alliance.accounts.models import Role, User
from alliance.audit import services as audit
from alliance.care.models import Attendance, Client, Session
from alliance.errors import Conflict, Invalid, NotAllowed
from alliance.measures.instruments import (
    CLIENT,
    COUNSELOR,
    PREDICTION_FORM,
    all_instruments,
    plain_title,
    title,
)
from alliance.measures.lock import prediction_refused
from alliance.measures.models import (
    CheckInSchedule,
    ComparisonChoice,
    Response,
    SkippedPrediction,
)
from alliance.measures.signals import response_submitted
from alliance.psychometrics import AnswerError, Instrument
from alliance.psychometrics.scoring import Scorer

MAX_KEY_LENGTH = 255
# "every Nth session" choices offered to counselors; 0 means the form is not asked for.
INTERVAL_CHOICES = (1, 2, 3, 4, 6, 8, 12, 0)

# What a client or counselor who sends the other side's form is told.
OTHER_SIDES_FORM = {
    CLIENT: "is answered by the counselor; "
    "clients answer their own forms (for example phq9, gad7, wai-sr).",
    COUNSELOR: "is answered by the client; "
    "counselors answer counselor forms (for example wai-sr-predicted).",
}


def check_respondent(client: Client, *, user: User, instrument: Instrument) -> None:
    """Raise `NotAllowed` unless `user` answers `instrument` for `client`.

    The caller has already found `client` through `Client.objects.visible_to(user)`, so a
    client is in their own record and a counselor in one of their own clients'.
    """
    if user.role == Role.CLIENT and client.is_own_record(user):
        side = CLIENT
    elif user.role == Role.COUNSELOR and client.is_own_counselor(user):
        side = COUNSELOR
    else:
        raise NotAllowed(
            "Supervisors and administrators read check-ins but do not answer them; "
            "the client and their counselor do."
        )
    if instrument.respondent != side:
        raise NotAllowed(f"{instrument.code} {OTHER_SIDES_FORM[side]}", field="instrument")


def check_session(client: Client, *, session: Session | None) -> None:
    if session is None:
        return
    if session.client_id != client.pk:
        raise Invalid("No session with this id in this client's record.", field="session_id")
    if session.attendance != Attendance.ATTENDED:
        raise Invalid(
            "Check-ins follow a session that took place; this one was "
            f"{session.get_attendance_display().lower()}.",
            field="session_id",
        )


def submit_response(
    client: Client,
    *,
    user: User,
    instrument: Instrument,
    answers: dict,
    key: str,
    session: Session | None = None,
    request=None,
) -> tuple[Response, bool]:
    """Score and store one response; returns it and whether it is new.

    A key already used by this person returns their first response unchanged, provided the
    request is the same one; the same key for a different request is an error. Invalid
    answers are refused naming each item at fault (`answers.<item id>`). The apps above hear
    of the new response (`response_submitted`) in the transaction that stores it.
    """
    check_respondent(client, user=user, instrument=instrument)
    check_session(client, session=session)
    # A counselor who chose to see the client's answers first can no longer predict them.
    refused = prediction_refused(session) if instrument.respondent == COUNSELOR else None
    if refused:
        raise Invalid(refused, field="session_id")
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Invalid(
            f"The idempotency key must be 1 to {MAX_KEY_LENGTH} characters.",
            field="idempotency_key",
        )
    scorer = Scorer(instrument)
    try:
        values = scorer.validate(answers)
    except AnswerError as error:
        raise Invalid.each(error.errors, within="answers") from error
    # No lookup of the key first: the insert below meets the unique constraint on (respondent,
    # key) when the key was used before, and the `except` finds the first response then.
    total, subscales, band, flags = scorer.compute(list(values.values()))
    response = Response(
        client=client,
        session=session,
        instrument=instrument.code,
        instrument_version=instrument.version,
        respondent=user,
        respondent_role=user.role,
        answers=values,
        total=total,
        subscales=subscales,
        band=band or "",
        flags=flags,
        idempotency_key=key,
        submitted_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            # The audit events (this one and the alert rules') are written together at the
            # end, so that on PostgreSQL the audit chain's lock is held only until COMMIT.
            with audit.deferred():
                response.save()
                audit.record(request, "create", audit.for_object(response, client), actor=user)
                # In this transaction, so that a listener that fails (alerts, say) leaves
                # nothing.
                response_submitted.send(sender=Response, response=response)
    except IntegrityError:
        # The key was used before (a retry, or the same key twice at once), or the form was
        # answered for this session since the form was shown. Nothing was stored.
        earlier = Response.objects.filter(respondent=user, idempotency_key=key).first()
        if earlier is not None:
            return _repeat(earlier, client, instrument, values, session), False
        answered = Response.objects.filter(session=session, instrument=instrument.code).first()
        if session is None or answered is None:
            raise
        raise Conflict(
            f"{instrument.code} was already answered for this session. (response {answered.pk})",
            current=answered,
            field="session_id",
        )
    return response, True


def _repeat(earlier: Response, client, instrument, values, session) -> Response:
    same = (
        earlier.client_id == client.pk
        and earlier.instrument == instrument.code
        and earlier.session_id == (session.pk if session else None)
        and earlier.answers == values
    )
    if not same:
        raise Invalid(
            "This idempotency key was already used for a different submission; "
            "send a new key for a new response.",
            field="idempotency_key",
        )
    return earlier


def schedule_for(client: Client) -> CheckInSchedule:
    return CheckInSchedule.for_client(client)


def set_schedule(
    client: Client, *, user: User, intervals: dict[str, int], request=None
) -> CheckInSchedule:
    """Save the counselor's choice of forms and how often each is asked for."""
    if not client.is_own_counselor(user):
        raise NotAllowed("Only the client's counselor changes their check-ins.")
    known = all_instruments()
    cleaned = {}
    for code, every in intervals.items():
        if code not in known:
            raise Invalid(f"Unknown instrument {code!r}.", field=code)
        if every not in INTERVAL_CHOICES:
            raise Invalid(f"Choose one of the offered intervals for {code}.", field=code)
        cleaned[code] = every
    with transaction.atomic():
        schedule, _ = CheckInSchedule.objects.update_or_create(
            client=client,
            defaults={"intervals": cleaned, "updated_by": user, "updated_at": timezone.now()},
        )
        audit.record(request, "update", audit.for_object(schedule, client), actor=user)
    return schedule


def set_comparison_choice(
    client: Client, *, user: User, show_items: bool, request=None
) -> ComparisonChoice:
    """Show this client the comparison statement by statement, or keep it from them. The
    client's counselor decides, or the clinic's supervisors and administrators."""
    if not (
        client.is_own_counselor(user)
        or (user.is_clinic_wide and user.clinic_id == client.clinic_id)
    ):
        raise NotAllowed(
            "The client's counselor, or a clinic supervisor or administrator, decides this."
        )
    if not isinstance(show_items, bool):
        raise Invalid("Say true or false.", field="show_items_to_client")
    with transaction.atomic():
        choice, _ = ComparisonChoice.objects.update_or_create(
            client=client,
            defaults={
                "show_items_to_client": show_items,
                "updated_by": user,
                "updated_at": timezone.now(),
            },
        )
        audit.record(request, "update", audit.for_object(choice, client), actor=user)
    return choice


def skip_prediction(session: Session, *, user: User, request=None) -> SkippedPrediction:
    """The counselor chooses to see the client's answers for this session without predicting."""
    client = session.client
    if not client.is_own_counselor(user):
        raise NotAllowed("Only the client's counselor predicts, or skips predicting.")
    if Response.objects.filter(session=session, instrument=PREDICTION_FORM).exists():
        raise Invalid("You already predicted for this session.", field="session_id")
    with transaction.atomic():
        skipped, _ = SkippedPrediction.objects.get_or_create(
            session=session, defaults={"skipped_by": user}
        )
        audit.record(request, "create", audit.for_object(skipped, client), actor=user)
    return skipped


@dataclass(frozen=True)
class Due:
    instrument: Instrument
    session: Session

    @property
    def title(self) -> str:
        return title(self.instrument)

    @property
    def plain_title(self) -> str:
        """How a client's page names it (no instrument codes)."""
        return plain_title(self.instrument)


def latest_attended(client: Client) -> tuple[Session | None, int]:
    """The most recent attended session and its number (1 for the first attended session)."""
    attended = Session.objects.filter(client=client, attendance=Attendance.ATTENDED)
    latest = attended.order_by("-date", "-id").first()
    if latest is None:
        return None, 0
    earlier = attended.filter(Q(date__lt=latest.date) | Q(date=latest.date, id__lt=latest.pk))
    return latest, earlier.count() + 1


def due_checkins(client: Client, respondent: str | None = None) -> list[Due]:
    """Forms still to be answered for the latest session, by `respondent` ("client" or
    "counselor") or by either.

    A form is due after the latest attended session when the schedule asks for it at that
    session and it has not been answered for it. Once a newer session is recorded, an
    unanswered form of an older one is no longer asked for: a check-in describes the session
    just past.
    """
    session, number = latest_attended(client)
    if session is None:
        return []
    schedule = schedule_for(client)
    answered = set(Response.objects.filter(session=session).values_list("instrument", flat=True))
    # A prediction skipped for this session is no longer asked for.
    skipped = respondent != CLIENT and prediction_refused(session) is not None
    due = []
    for code, instrument in all_instruments().items():
        every = schedule.interval(code)
        if respondent not in (None, instrument.respondent) or every <= 0 or code in answered:
            continue
        if skipped and instrument.respondent == COUNSELOR:
            continue
        if (number - 1) % every == 0:
            due.append(Due(instrument, session))
    return due


def describe_interval(every: int) -> str:
    if every <= 0:
        return "Not asked for"
    if every == 1:
        return "After every session"
    suffix = {2: "nd", 3: "rd"}.get(every, "th")
    return f"After the first session, then every {every}{suffix} session"
