"""Evaluating the rules when something happens, and the counselor's side of an alert.

`on_response`, `on_session` and `on_task_log` run inside the transaction that stores the
triggering row: if evaluation fails, that row is not stored either, so no event is ever kept
without its alerts. Each gathers a bounded slice of history, calls the pure rules in
`rules.py`, follows up alerts waiting on a repair, and stores new alerts.

Raising is idempotent: an alert is keyed by rule and evidence (`Alert.key`), and the database
refuses a second one, so a retried request, a re-run sweep or two workers at once make one.
"""

import logging
from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Role, User
from alliance.alerts import rules
from alliance.alerts.models import (
    ACTIVE_STATUSES,
    CONCERN_MAX,
    NOTE_MAX,
    Alert,
    ClinicAlertSettings,
    Concern,
    Repair,
    RepairKind,
    Severity,
    SkippedPrediction,
    Status,
)
from alliance.audit import services as audit
from alliance.care.models import Attendance, Client, Session
from alliance.measures.instruments import all_instruments, find
from alliance.measures.models import CheckInSchedule, Response
from alliance.psychometrics.compare import compare_views, view_means

log = logging.getLogger(__name__)

ALLIANCE_FORM = "wai-sr"
PREDICTION_FORM = "wai-sr-predicted"
DEFAULTS = rules.load_defaults()
OUTCOME_FORMS = tuple(DEFAULTS["rules"]["reliable_deterioration"]["instruments"])
KEY_MAX = 64
# Alerts that close only after the counselor has recorded a repair (see `_follow`).
NEEDS_REPAIR = {"risk", "client_voice"}


class AlertError(Exception):
    """An action on an alert that cannot be done; `status` is the HTTP status to answer with."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(AlertError):
    status = 403


class AlreadyClosed(AlertError):
    status = 409


# --- Settings -----------------------------------------------------------------------------


def clinic_settings(clinic_id: int) -> ClinicAlertSettings:
    """The clinic's saved settings, or unsaved defaults."""
    found = ClinicAlertSettings.objects.filter(clinic_id=clinic_id).first()
    return found or ClinicAlertSettings(clinic_id=clinic_id)


def thresholds_for(clinic_id: int, saved: ClinicAlertSettings | None = None) -> dict:
    saved = saved or clinic_settings(clinic_id)
    try:
        return rules.resolve(DEFAULTS, saved.thresholds)
    except rules.ThresholdError:
        # Settings saved under an older thresholds file that no longer fit: the defaults
        # still protect every client while an administrator corrects them.
        log.warning("Clinic %s has alert thresholds that no longer fit; using defaults", clinic_id)
        return rules.resolve(DEFAULTS)


def save_settings(
    clinic, user, *, thresholds: dict, show_comparison_to_clients: bool, request=None
):
    """Store a clinic's thresholds (checked against thresholds.json) and display choice."""
    if not user.is_clinic_wide or user.clinic_id != clinic.pk:
        raise NotAllowed("Only the clinic's supervisors and administrators change alert settings.")
    try:
        cleaned = rules.check_overrides(DEFAULTS, thresholds)
    except rules.ThresholdError as error:
        raise AlertError(
            error.message, f"{error.rule}.{error.param}" if error.param else error.rule
        )
    with transaction.atomic():
        saved, _ = ClinicAlertSettings.objects.update_or_create(
            clinic=clinic,
            defaults={
                "thresholds": cleaned,
                "show_comparison_to_clients": show_comparison_to_clients,
                "updated_by": user,
                "updated_at": timezone.now(),
            },
        )
        audit.record(request, "update", audit.Target("ClinicAlertSettings", saved.pk), actor=user)
    return saved


# --- Reading check-ins as rule inputs -----------------------------------------------------


def alliance_subscales() -> dict[str, list[str]]:
    form = find(ALLIANCE_FORM)
    return {sub.name: list(sub.items) for sub in form.subscales}


def as_rating(response: Response) -> rules.Rating:
    form = find(response.instrument)
    means = {name: parts["mean"] for name, parts in response.subscales.items()}
    means[rules.TOTAL] = round(response.total / len(form.items), rules.PLACES)
    return rules.Rating(response.pk, response.submitted_at, response.answers, means)


def as_measure(response: Response) -> rules.Measure:
    return rules.Measure(
        response.pk, response.submitted_at, response.total, tuple(response.flags or ())
    )


def view_pair(client_response: Response, prediction: Response) -> rules.ViewPair:
    client_form, counselor_form = find(client_response.instrument), find(prediction.instrument)
    result = compare_views(client_form, client_response.answers, counselor_form, prediction.answers)
    when = max(client_response.submitted_at, prediction.submitted_at)
    return rules.ViewPair(
        client_response.session_id, when, view_means(result, client_form), result["items"]
    )


def _up_to(queryset, at: datetime, pk: int):
    return queryset.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, pk__lte=pk))


# --- Evaluation on events -----------------------------------------------------------------


class Evaluation:
    """An evaluation: the client, their clinic's thresholds, and (read once, when first
    needed) their open alerts with repairs, which every follow-up shares. One serves one event,
    or a replay of many in order (alerts raised along the way join the list)."""

    def __init__(self, client: Client, t: dict | None = None):
        self.client = client
        self.t = t or thresholds_for(client.clinic_id)
        self._active = None

    @property
    def active(self) -> list[Alert]:
        if self._active is None:
            self._active = list(
                Alert.objects.filter(client=self.client, status__in=ACTIVE_STATUSES)
                .prefetch_related("repairs")
                .order_by("pk")
            )
        return self._active

    def forget(self) -> None:
        self._active = None

    def add(self, alert: Alert) -> None:
        if self._active is not None:
            self._active.append(alert)


def on_response(response: Response, ctx: Evaluation | None = None) -> list[Alert]:
    """Evaluate everything a new check-in can trigger, in the caller's transaction."""
    ctx = ctx or Evaluation(response.client)
    instrument = find(response.instrument)
    raised = []
    with transaction.atomic():
        if instrument is not None and instrument.respondent == "client":
            _follow(
                ctx,
                ["no_checkins"],
                response.submitted_at,
                response.pk,
                lambda alert: rules.no_checkins_followed(alert.evidence, as_measure(response)),
            )
        if response.instrument == ALLIANCE_FORM:
            raised += _alliance(ctx, response)
        if response.instrument in (ALLIANCE_FORM, PREDICTION_FORM) and response.session_id:
            raised += _two_views(ctx, response)
        if response.instrument in OUTCOME_FORMS:
            raised += _outcome(ctx, response, instrument)
        if instrument is not None and any(f.severity == "urgent" for f in instrument.flags):
            raised += _risk(ctx, response, instrument)
    return raised


def _alliance(ctx: Evaluation, response: Response) -> list[Alert]:
    client, t = ctx.client, ctx.t
    subscales = alliance_subscales()
    latest = as_rating(response)
    follow = t["alliance_drop"] | t["weak_spot"]
    at, ref = response.submitted_at, response.pk
    _follow(
        ctx,
        ["alliance_drop"],
        at,
        ref,
        lambda alert: rules.alliance_drop_followed(alert.evidence, latest, t["alliance_drop"]),
    )
    _follow(
        ctx,
        ["weak_spot"],
        at,
        ref,
        lambda alert: rules.weak_spot_followed(alert.evidence, latest, t["weak_spot"]),
    )
    _follow(
        ctx,
        ["client_voice"],
        at,
        ref,
        lambda alert: rules.client_voice_followed(alert.evidence, latest, follow),
    )
    wanted = int(t["alliance_drop"]["baseline_ratings"]) + 1
    recent = list(
        _up_to(Response.objects.filter(client=client, instrument=ALLIANCE_FORM), at, ref).order_by(
            "-submitted_at", "-pk"
        )[:wanted]
    )
    history = [as_rating(r) for r in reversed(recent)]
    raised = []
    session = {"session_id": response.session_id}
    finding = rules.alliance_drop(history, t["alliance_drop"], subscales)
    raised.append(_raise(ctx, finding, at, extra=session))
    finding = rules.weak_spot(latest, t["weak_spot"], subscales)
    raised.append(_raise(ctx, finding, at, extra=session))
    return [alert for alert in raised if alert]


def _two_views(ctx: Evaluation, response: Response) -> list[Alert]:
    t = ctx.t
    both = {
        r.instrument: r
        for r in Response.objects.filter(
            session_id=response.session_id, instrument__in=(ALLIANCE_FORM, PREDICTION_FORM)
        )
    }
    if len(both) < 2:
        return []
    pair = view_pair(both[ALLIANCE_FORM], both[PREDICTION_FORM])
    _follow(
        ctx,
        ["two_view_gap"],
        pair.when,
        f"session:{pair.session}",
        lambda alert: rules.two_view_gap_followed(alert.evidence, pair, t["two_view_gap"]),
        skip=lambda alert: alert.evidence.get("session_id") == pair.session,
    )
    finding = rules.two_view_gap(pair, t["two_view_gap"], alliance_subscales())
    alert = _raise(ctx, finding, response.submitted_at)
    return [alert] if alert else []


def _outcome(ctx: Evaluation, response: Response, instrument) -> list[Alert]:
    client, t = ctx.client, ctx.t
    latest = as_measure(response)
    at, ref = response.submitted_at, response.pk
    code = instrument.code

    def deterioration(alert):
        return rules.reliable_deterioration_followed(instrument, alert.evidence, latest)

    def on_track(alert):
        return rules.not_on_track_followed(instrument, alert.evidence, latest)

    _follow(ctx, ["reliable_deterioration"], at, ref, deterioration, subject=code)
    _follow(ctx, ["not_on_track"], at, ref, on_track, subject=code)
    first = (
        Response.objects.filter(client=client, instrument=code)
        .order_by("submitted_at", "pk")
        .first()
    )
    if first is None or first.pk == response.pk:
        return []
    history = [as_measure(first), latest]
    raised = [_raise(ctx, rules.reliable_deterioration(instrument, history), at)]
    attended = Session.objects.filter(
        client=client, attendance=Attendance.ATTENDED, date__lte=timezone.localdate(at)
    ).count()
    finding = rules.not_on_track(instrument, history, attended, t["not_on_track"])
    raised.append(_raise(ctx, finding, at))
    return [alert for alert in raised if alert]


def _risk(ctx: Evaluation, response: Response, instrument) -> list[Alert]:
    latest = as_measure(response)
    _follow(
        ctx,
        ["risk"],
        response.submitted_at,
        response.pk,
        lambda alert: rules.risk_followed(alert.evidence, latest),
        only=lambda alert: alert.evidence.get("measure") == instrument.code,
    )
    alert = _raise(ctx, rules.risk(latest, instrument, response.answers), response.submitted_at)
    return [alert] if alert else []


def on_session(
    session: Session, today: date | None = None, ctx: Evaluation | None = None
) -> list[Alert]:
    """Missed sessions, and check-ins no longer asked for now that a newer session exists."""
    ctx = ctx or Evaluation(session.client)
    client, t = ctx.client, ctx.t
    at = session.created_at
    today = today or timezone.localdate()
    with transaction.atomic():
        entry = rules.SessionEntry(session.pk, session.date, session.attendance)
        _follow(
            ctx,
            ["sessions_missed"],
            at,
            f"session:{session.pk}",
            lambda alert: rules.sessions_missed_followed(alert.evidence, entry),
            skip=lambda alert: session.pk in _ids(alert.evidence.get("sessions", []), "session_id"),
        )
        count = int(t["sessions_missed"]["in_a_row"])
        recent = list(
            Session.objects.filter(client=client)
            .order_by("-date", "-pk")
            .values_list("pk", "date", "attendance")[:count]
        )
        entries = [rules.SessionEntry(*row) for row in reversed(recent)]
        raised = [_raise(ctx, rules.sessions_missed(entries, t["sessions_missed"]), at)]
        raised.append(_no_checkins(ctx, today, at))
    return [alert for alert in raised if alert]


def on_task_log(task_log, ctx: Evaluation | None = None) -> list[Alert]:
    """Tasks not done or a poor fit, several logs in a row."""
    from alliance.homework.models import TaskLog

    ctx = ctx or Evaluation(task_log.task.client)
    client, t = ctx.client, ctx.t
    at = task_log.logged_at
    with transaction.atomic():
        entry = rules.TaskLogEntry(task_log.pk, at, task_log.task_id, task_log.status, task_log.fit)
        _follow(
            ctx,
            ["tasks_off_track"],
            at,
            task_log.pk,
            lambda alert: rules.tasks_off_track_followed(
                alert.evidence, entry, t["tasks_off_track"]
            ),
        )
        count = int(t["tasks_off_track"]["in_a_row"])
        rows = (
            TaskLog.objects.filter(task__client=client)
            .filter(Q(logged_at__lt=at) | Q(logged_at=at, pk__lte=task_log.pk))
            .order_by("-logged_at", "-pk")
            .values_list("pk", "logged_at", "task_id", "status", "fit")[:count]
        )
        entries = [rules.TaskLogEntry(*row) for row in reversed(list(rows))]
        alert = _raise(ctx, rules.tasks_off_track(entries, t["tasks_off_track"]), at)
    return [alert] if alert else []


def _no_checkins(ctx: Evaluation, today: date, at: datetime) -> Alert | None:
    t = ctx.t
    windows = checkin_windows(ctx.client, limit=int(t["no_checkins"]["sessions"]) * 12 + 1)
    return _raise(ctx, rules.no_checkins(windows, today, t["no_checkins"]), at)


def checkin_windows(client: Client, limit: int) -> list[rules.CheckInWindow]:
    """The client's most recent attended sessions, with whether a client check-in was due after
    each (by its number in the schedule) and whether one was answered."""
    attended = list(
        Session.objects.filter(client=client, attendance=Attendance.ATTENDED)
        .order_by("date", "pk")
        .values_list("pk", "date")
    )
    if not attended:
        return []
    schedule = CheckInSchedule.for_client(client)
    client_forms = [code for code, form in all_instruments().items() if form.respondent == "client"]
    every = [schedule.interval(code) for code in client_forms]
    every = [n for n in every if n > 0]
    first_number = max(len(attended) - limit, 0)
    recent = attended[first_number:]
    answered = set(
        Response.objects.filter(
            client=client,
            session_id__in=[pk for pk, _ in recent],
            instrument__in=client_forms,
        ).values_list("session_id", flat=True)
    )
    windows = []
    for offset, (pk, when) in enumerate(recent):
        number = first_number + offset + 1
        due = any((number - 1) % n == 0 for n in every)
        windows.append(rules.CheckInWindow(pk, when, due, pk in answered))
    return windows


def sweep(today: date | None = None, clients: Iterable[Client] | None = None) -> list[Alert]:
    """The daily pass for time-based rules: check-ins that went unanswered for a week after
    the latest session. Safe to run any number of times."""
    today = today or timezone.localdate()
    at = timezone.now()
    raised = []
    clients = clients if clients is not None else Client.objects.order_by("pk").iterator(500)
    thresholds = {}
    for client in clients:
        if client.clinic_id not in thresholds:
            thresholds[client.clinic_id] = thresholds_for(client.clinic_id)
        with transaction.atomic():
            alert = _no_checkins(Evaluation(client, thresholds[client.clinic_id]), today, at)
        if alert:
            raised.append(alert)
    return raised


# --- Raising and following up -------------------------------------------------------------


def _raise(ctx: Evaluation, finding, at: datetime, extra=None) -> Alert | None:
    """Store a finding as an alert unless the rule is off, this evidence already has one, or
    an alert about the same subject is still open."""
    client, t = ctx.client, ctx.t
    if finding is None or not t[finding.rule]["enabled"]:
        return None
    existing = Alert.objects.filter(client=client, rule=finding.rule).filter(
        Q(key=finding.key) | Q(subject=finding.subject, status__in=ACTIVE_STATUSES)
    )
    if existing.exists():
        return None
    evidence = finding.evidence | (extra or {})
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                client=client,
                clinic_id=client.clinic_id,
                rule=finding.rule,
                subject=finding.subject,
                key=finding.key,
                severity=t[finding.rule]["severity"],
                evidence=evidence,
                scopes=list(finding.scopes),
                created_at=at,
                updated_at=at,
            )
    except IntegrityError:
        # Another transaction stored the same alert between the check and the insert.
        return None
    ctx.add(alert)
    audit.record(None, "create", audit.for_object(alert, client), via="rules", detail=finding.rule)
    if alert.severity == Severity.URGENT:
        transaction.on_commit(lambda: notify_urgent(alert.pk))
    return alert


def _follow(ctx, rule_names, at, ref, judge, *, subject=None, skip=None, only=None):
    """Apply `judge` to each open alert of these rules at a new observation.

    After a repair, the first observation made after it decides: "recovered", or the alert
    stays open as "still_low" and the next observation decides again. An alert with no repair
    recorded closes on its own when the measure recovers (the history says no repair was
    recorded), except a risk alert or the client's own concern, which close only after a
    repair: each asks for the counselor to act, whatever the next numbers say.
    Each observation counts at most once per alert.
    """
    client = ctx.client
    waiting = [
        alert
        for alert in ctx.active
        if alert.rule in rule_names
        and alert.is_active
        and (subject is None or alert.subject == subject)
    ]
    for alert in waiting:
        repairs = list(alert.repairs.all())
        if repairs and repairs[-1].created_at > at:
            continue
        if not repairs and (alert.rule in NEEDS_REPAIR or alert.created_at >= at):
            continue
        if (skip and skip(alert)) or (only and not only(alert)):
            continue
        if any(entry.get("ref") == str(ref) for entry in alert.follow_ups):
            continue
        status, details = judge(alert)
        if not repairs and status != Status.RECOVERED:
            continue
        entry = {"at": at.isoformat(), "ref": str(ref), "status": status, "details": details}
        alert.follow_ups = [*alert.follow_ups, entry | {"repaired": bool(repairs)}]
        alert.status = status
        alert.updated_at = at
        if status == Status.RECOVERED:
            alert.closed_at = at
        alert.save(update_fields=["follow_ups", "status", "updated_at", "closed_at"])
        audit.record(
            None,
            "update",
            audit.for_object(alert, client),
            via="rules",
            detail=f"follow-up {status}",
        )


def _ids(entries, field) -> set:
    return {entry.get(field) for entry in entries}


def replay_history(client: Client, on_event=None) -> None:
    """Evaluate a client's stored sessions, check-ins and task logs in the order they happened,
    as if each had just been stored (for history imported in bulk, as in the demo). Safe to
    repeat: evidence already seen raises nothing new. `on_event(kind, row)` runs before each
    and returns True when it changed the client's alerts."""
    from alliance.homework.models import TaskLog

    events = [(s.created_at, 0, "session", s) for s in Session.objects.filter(client=client)]
    events += [
        (r.submitted_at, 1, "response", r)
        for r in Response.objects.filter(client=client).select_related("client")
    ]
    events += [
        (entry.logged_at, 2, "task_log", entry)
        for entry in TaskLog.objects.filter(task__client=client).select_related("task__client")
    ]
    events.sort(key=lambda event: (event[0], event[1], event[3].pk))
    ctx = Evaluation(client)
    for when, _, kind, row in events:
        if on_event is not None and on_event(kind, row):
            ctx.forget()  # the hook changed alerts behind the shared list's back
        if kind == "session":
            row.client = client
            on_session(row, today=timezone.localdate(when), ctx=ctx)
        elif kind == "response":
            on_response(row, ctx=ctx)
        else:
            on_task_log(row, ctx=ctx)


def replay_follow_ups(alert: Alert) -> None:
    """Judge the observations already made since the latest repair (for a repair recorded
    after the fact, as in the demo)."""
    repairs = list(alert.repairs.all())
    if not repairs:
        return
    since = max(repairs[-1].created_at, alert.created_at)
    instruments = {
        "alliance_drop": [ALLIANCE_FORM],
        "weak_spot": [ALLIANCE_FORM],
        "client_voice": [ALLIANCE_FORM],
        "reliable_deterioration": [alert.subject],
        "not_on_track": [alert.subject],
        "risk": [alert.evidence.get("measure")],
    }.get(alert.rule)
    if instruments:
        for response in Response.objects.filter(
            client=alert.client, instrument__in=instruments, submitted_at__gt=since
        ).order_by("submitted_at", "pk"):
            on_response(response)
            alert.refresh_from_db()
            if not alert.is_active:
                return


def notify_urgent(alert_id: int) -> None:
    """Email the client's counselor and the clinic's supervisors: a link, never health details."""
    alert = Alert.objects.select_related("client").filter(pk=alert_id).first()
    if alert is None:
        return
    people = User.objects.filter(is_active=True).filter(
        Q(pk=alert.client.counselor_id) | Q(clinic_id=alert.clinic_id, role=Role.SUPERVISOR)
    )
    recipients = sorted({person.email for person in people})
    if not recipients:
        return
    link = settings.SITE_URL + reverse("alert_detail", args=[alert.pk])
    try:
        send_mail(
            "Alliance: an urgent alert needs your attention",
            "A client's check-in raised an urgent alert. Sign in to see it and act today:\n\n"
            f"{link}\n",
            None,
            recipients,
        )
    except OSError:
        # The alert is stored and in every inbox; a mail server being down must not hide it.
        log.exception("Could not email the urgent alert %s", alert_id)


# --- The counselor's side -----------------------------------------------------------------


def can_act(user, alert: Alert) -> bool:
    """The client's counselor, and the clinic's supervisors for acknowledging."""
    return (user.is_counselor and alert.client.counselor_id == user.pk) or (
        user.role == Role.SUPERVISOR and user.clinic_id == alert.clinic_id
    )


def can_repair(user, alert: Alert) -> bool:
    return user.is_counselor and alert.client.counselor_id == user.pk


def acknowledge(alert: Alert, user, request=None) -> Alert:
    """Mark the alert as seen. Doing it again changes nothing."""
    if not can_act(user, alert):
        raise NotAllowed("The client's counselor or a clinic supervisor acknowledges alerts.")
    if alert.status != Status.OPEN:
        return alert
    now = timezone.now()
    with transaction.atomic():
        alert.status = Status.ACKNOWLEDGED
        alert.acknowledged_at = now
        alert.acknowledged_by = user
        alert.updated_at = now
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
        audit.record(
            request,
            "update",
            audit.for_object(alert, alert.client),
            actor=user,
            detail="acknowledged",
        )
    return alert


def check_repair(kind: str, note: str) -> str:
    """The rules a repair record follows, shared by the page and the API; returns the note."""
    if kind not in RepairKind.values:
        raise AlertError(f"Kind must be one of {', '.join(RepairKind.values)}.", "kind")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise AlertError(f"The note can be at most {NOTE_MAX} characters.", "note")
    if kind == RepairKind.OTHER and not note:
        raise AlertError("Describe what you did in the note.", "note")
    return note


def record_repair(alert: Alert, user, kind: str, note: str, request=None, at=None) -> Repair:
    """Record what the counselor did; the alert then waits for the client's next check-in."""
    if not can_repair(user, alert):
        raise NotAllowed("Only the client's counselor records a repair.")
    note = check_repair(kind, note)
    if alert.status == Status.RECOVERED:
        raise AlreadyClosed("This alert has already recovered; there is nothing to repair.")
    at = at or timezone.now()
    with transaction.atomic():
        repair = Repair.objects.create(
            alert=alert, kind=kind, note=note, recorded_by=user, created_at=at
        )
        alert.status = Status.REPAIRED
        alert.updated_at = at
        fields = ["status", "updated_at"]
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = at, user
            fields += ["acknowledged_at", "acknowledged_by"]
        alert.save(update_fields=fields)
        audit.record(
            request,
            "create",
            [audit.for_object(repair, alert.client), audit.for_object(alert, alert.client)],
            actor=user,
            detail="repair",
        )
    return repair


# --- The client's side --------------------------------------------------------------------


def check_concern(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > CONCERN_MAX:
        raise AlertError(f"Please keep it to {CONCERN_MAX} characters.", "text")
    return text


def raise_concern(client: Client, user, text: str | None, key: str = "", request=None):
    """The client's "something isn't working": stored with their words, and an alert for the
    counselor. Returns the concern and whether it is new (a repeated key returns the first)."""
    if not (user.is_client and client.user_id == user.pk):
        raise NotAllowed("Only the client raises a concern about their own care.")
    text = check_concern(text)
    key = (key or "")[:KEY_MAX]
    if key:
        earlier = Concern.objects.filter(client=client, idempotency_key=key).first()
        if earlier is not None:
            return earlier, False
    t = thresholds_for(client.clinic_id)
    try:
        with transaction.atomic():
            concern = Concern.objects.create(client=client, text=text, idempotency_key=key)
            audit.record(request, "create", audit.for_object(concern, client), actor=user)
            wanted = int(t["alliance_drop"]["baseline_ratings"])
            recent = list(
                Response.objects.filter(client=client, instrument=ALLIANCE_FORM).order_by(
                    "-submitted_at", "-pk"
                )[:wanted]
            )
            ratings = [as_rating(r) for r in reversed(recent)]
            finding = rules.client_voice(concern.pk, concern.created_at, bool(text), ratings)
            _raise(Evaluation(client, t), finding, concern.created_at)
    except IntegrityError:
        earlier = Concern.objects.filter(client=client, idempotency_key=key).first()
        if not key or earlier is None:
            raise
        return earlier, False
    return concern, True


# --- The prediction lock ------------------------------------------------------------------


def skip_prediction(session: Session, user, request=None) -> SkippedPrediction:
    """The counselor chooses to see the client's answers for this session without predicting."""
    client = session.client
    if not (user.is_counselor and client.counselor_id == user.pk):
        raise NotAllowed("Only the client's counselor predicts, or skips predicting.")
    if Response.objects.filter(session=session, instrument=PREDICTION_FORM).exists():
        raise AlertError("You already predicted for this session.", "session_id")
    with transaction.atomic():
        skipped, _ = SkippedPrediction.objects.get_or_create(
            session=session, defaults={"skipped_by": user}
        )
        audit.record(request, "create", audit.for_object(skipped, client), actor=user)
    return skipped
