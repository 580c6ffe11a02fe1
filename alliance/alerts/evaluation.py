"""Evaluating the rules when something happens: a check-in, a session, a task log, a day passing.

`on_response`, `on_session` and `on_task_log` run inside the transaction that stores the
triggering row (the lower apps announce each row in it, and `receivers` calls these): if
evaluation fails, that row is not stored either, so no event is ever kept without its alerts.
Each gathers a bounded slice of history, calls the pure rules in `rules.py`, follows up alerts
waiting on a repair, and stores new alerts.

Raising is idempotent: an alert is keyed by rule and evidence (`Alert.key`), and the database
refuses a second one, so a retried request, a re-run sweep or two workers at once make one.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from alliance.alerts import rules
from alliance.alerts.models import ACTIVE_STATUSES, Alert, Severity, Status
from alliance.alerts.notifications import notify_urgent
from alliance.alerts.thresholds import thresholds_for
from alliance.audit import services as audit
from alliance.care.models import Attendance, Client, Session
from alliance.homework.models import TaskLog
from alliance.measures.instruments import (
    ALLIANCE_FORM,
    OUTCOME_FORMS,
    PREDICTION_FORM,
    all_instruments,
    find,
)
from alliance.measures.models import CheckInSchedule, Response
from alliance.psychometrics.compare import compare_views, view_means

# Alerts that wait for someone to act before any later observation may close them (see
# `_follow`); outcome and risk alerts never close on later numbers at all (`_record_facts`).
NEEDS_REPAIR = {"client_voice"}
# Alerts raised one per rule before an alliance check-in raised one alert for all it showed;
# those still open are followed up under their own rules.
LEGACY_ALLIANCE = ("alliance_drop", "weak_spot", "two_view_gap")


# --- Reading check-ins as rule inputs -----------------------------------------------------


def alliance_subscales() -> dict[str, list[str]]:
    form = find(ALLIANCE_FORM)
    return {sub.name: list(sub.items) for sub in form.subscales}


def as_rating(response: Response) -> rules.Rating:
    form = find(response.instrument)
    means = {name: parts["mean"] for name, parts in response.subscales.items()}
    means[rules.TOTAL] = round(response.total / len(form.items), rules.PLACES)
    return rules.Rating(
        response.pk, response.submitted_at, response.answers, means, response.session_id
    )


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

    def __init__(self, client: Client, t: dict | None = None, *, rules: Iterable[str] = ()):
        self.client = client
        self.t = t or thresholds_for(client.clinic_id)
        # The rules whose open alerts this evaluation reads, or all of them when none is named.
        self.rules = frozenset(rules)
        self._active = None

    @property
    def active(self) -> list[Alert]:
        if self._active is None:
            found = Alert.objects.filter(client=self.client, status__in=ACTIVE_STATUSES)
            if self.rules:
                found = found.filter(rule__in=sorted(self.rules))
            self._active = list(found.prefetch_related("repairs").order_by("pk"))
        return self._active

    def holds_open(self, rule: str, subject: str) -> bool:
        """Whether the open alerts read so far show one of this rule about this subject (False
        when they were not read, or not for this rule: the database then answers)."""
        if self._active is None or (self.rules and rule not in self.rules):
            return False
        return any(
            alert.rule == rule and alert.subject == subject and alert.is_active
            for alert in self._active
        )

    def forget(self) -> None:
        self._active = None

    def add(self, alert: Alert) -> None:
        if self._active is not None:
            self._active.append(alert)


def followed_rules(instrument) -> set[str]:
    """The rules whose open alerts a check-in of this instrument follows up or may raise."""
    if instrument is None:
        return set()
    followed = set()
    if instrument.respondent == "client":
        followed.add("no_checkins")
    if instrument.code in (ALLIANCE_FORM, PREDICTION_FORM):
        followed |= {"alliance", "client_voice", *LEGACY_ALLIANCE}
    if instrument.code in OUTCOME_FORMS:
        followed |= {"reliable_deterioration", "no_reliable_improvement"}
    if any(f.severity == "urgent" for f in instrument.flags):
        followed.add("risk")
    return followed


def on_response(response: Response, *, ctx: Evaluation | None = None) -> list[Alert]:
    """Evaluate everything a new check-in can trigger, in the caller's transaction.

    Without `ctx`, only the open alerts of the rules this instrument follows are read."""
    instrument = find(response.instrument)
    if ctx is None:
        # A rule set that is empty would read every rule's alerts; "none" matches no alert.
        ctx = Evaluation(response.client, rules=followed_rules(instrument) or {"none"})
    raised = []
    # No savepoint: nothing here catches a failure, which fails the caller's transaction.
    with transaction.atomic(savepoint=False):
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
        elif response.instrument == PREDICTION_FORM and response.session_id:
            raised += _prediction(ctx, response)
        if response.instrument in OUTCOME_FORMS:
            raised += _outcome(ctx, response, instrument)
        if instrument is not None and any(f.severity == "urgent" for f in instrument.flags):
            raised += _risk(ctx, response, instrument)
    return raised


def _both_views(response: Response) -> dict[str, Response]:
    """The session's two views as they stood when `response` was stored (a replay of stored
    history must not see a check-in answered later)."""
    found = Response.objects.filter(
        session_id=response.session_id, instrument__in=(ALLIANCE_FORM, PREDICTION_FORM)
    )
    return {r.instrument: r for r in _up_to(found, response.submitted_at, response.pk)}


def _severities(t: dict) -> dict[str, str]:
    return {rule: t[rule]["severity"] for rule in rules.ALLIANCE_RULES}


def _enabled(t: dict, findings) -> list:
    return [f for f in findings if f is not None and t[f.rule]["enabled"]]


def _alliance(ctx: Evaluation, response: Response) -> list[Alert]:
    """The client's alliance check-in: one alert for everything it shows (a drop from their own
    level, a weak spot, and the two views apart if the counselor's prediction is in), or, while
    an alliance alert is open, a follow-up of that one."""
    client, t = ctx.client, ctx.t
    subscales = alliance_subscales()
    latest = as_rating(response)
    at, ref = response.submitted_at, response.pk
    _follow_legacy_alliance(ctx, latest, None, at, ref)
    follow = t["alliance_drop"] | t["weak_spot"]
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
    pair = None
    if response.session_id:
        both = _both_views(response)
        if len(both) == 2:
            pair = view_pair(both[ALLIANCE_FORM], both[PREDICTION_FORM])
    fired = _enabled(
        t,
        [
            rules.alliance_drop(history, t["alliance_drop"], subscales),
            rules.weak_spot(latest, t["weak_spot"], subscales),
            rules.two_view_gap(pair, t["two_view_gap"], subscales) if pair else None,
        ],
    )
    _follow_alliance(ctx, at, ref, latest=latest, pair=pair, fired=fired)
    finding = rules.alliance_checkin(
        fired, ref=ref, session=response.session_id, when=at, severities=_severities(t)
    )
    alert = raise_finding(ctx, finding, at)
    return [alert] if alert else []


def _prediction(ctx: Evaluation, response: Response) -> list[Alert]:
    """The counselor's prediction: once both views of the session are in, how far apart they
    are joins the alert the client's check-in raised, or follows up an earlier one, or raises
    one of its own."""
    t = ctx.t
    both = _both_views(response)
    if len(both) < 2:
        return []
    pair = view_pair(both[ALLIANCE_FORM], both[PREDICTION_FORM])
    _follow_legacy_alliance(ctx, None, pair, pair.when, f"session:{pair.session}")
    fired = _enabled(t, [rules.two_view_gap(pair, t["two_view_gap"], alliance_subscales())])
    same = [
        alert
        for alert in ctx.active
        if alert.rule == "alliance"
        and alert.is_active
        and alert.evidence.get("session_id") == pair.session
    ]
    if same:
        if fired:
            _merge(ctx, same[0], fired[0], response.submitted_at)
        return []
    _follow_alliance(ctx, pair.when, f"session:{pair.session}", latest=None, pair=pair, fired=fired)
    finding = rules.alliance_checkin(
        fired,
        ref=both[ALLIANCE_FORM].pk,
        session=pair.session,
        when=pair.when,
        severities=_severities(t),
    )
    alert = raise_finding(ctx, finding, response.submitted_at)
    return [alert] if alert else []


def _merge(ctx: Evaluation, alert: Alert, finding, at: datetime) -> None:
    """Add the two views' finding to the alert raised by the same session's check-in."""
    if finding.rule in alert.evidence.get("findings", {}):
        return
    alert.evidence = rules.merge_alliance(alert.evidence, finding)
    alert.scopes = list(dict.fromkeys([*alert.scopes, *finding.scopes]))
    severity = ctx.t[finding.rule]["severity"]
    if rules.SEVERITY_ORDER[severity] < rules.SEVERITY_ORDER[alert.severity]:
        alert.severity = severity
    alert.updated_at = at
    alert.save(update_fields=["evidence", "scopes", "severity", "updated_at"])
    audit.record(
        None, "update", audit.for_object(alert, ctx.client), via="rules", detail=finding.rule
    )


def _follow_alliance(ctx: Evaluation, at, ref, *, latest, pair, fired) -> None:
    """Follow up the open alliance alert at a later observation (`rules.alliance_followed`).

    After a repair every later observation is written down and decides the status. Before
    any repair, an observation is written down only when it shows the alliance back (the alert
    closes, the history saying no repair was recorded) or shows something new, which then
    belongs to this alert rather than to another one.
    """
    for alert in [a for a in ctx.active if a.rule == "alliance" and a.is_active]:
        if alert.created_at >= at:
            continue
        if pair is not None and alert.evidence.get("session_id") == pair.session:
            continue
        repairs = list(alert.repairs.all())
        if repairs and repairs[-1].created_at > at:
            continue
        if any(entry.get("ref") == str(ref) for entry in alert.follow_ups):
            continue
        previous = alert.follow_ups[-1]["details"] if alert.follow_ups else None
        status, details = rules.alliance_followed(
            alert.evidence, latest=latest, pair=pair, fired=fired, previous=previous, t=ctx.t
        )
        if not repairs and status != Status.RECOVERED and not details["new"]:
            continue
        _write_follow_up(ctx, alert, at, ref, status, details, repaired=bool(repairs))
        if repairs or status == Status.RECOVERED:
            _set_status(ctx, alert, status, at)


def _follow_legacy_alliance(ctx: Evaluation, latest, pair, at, ref) -> None:
    t = ctx.t
    if latest is not None:
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
    if pair is not None:
        _follow(
            ctx,
            ["two_view_gap"],
            pair.when,
            f"session:{pair.session}",
            lambda alert: rules.two_view_gap_followed(alert.evidence, pair, t["two_view_gap"]),
            skip=lambda alert: alert.evidence.get("session_id") == pair.session,
        )


def _outcome(ctx: Evaluation, response: Response, instrument) -> list[Alert]:
    client, t = ctx.client, ctx.t
    latest = as_measure(response)
    at, ref = response.submitted_at, response.pk
    code = instrument.code
    _record_facts(
        ctx,
        "reliable_deterioration",
        code,
        at,
        ref,
        lambda alert: rules.reliable_deterioration_followed(instrument, alert.evidence, latest),
    )
    _record_facts(
        ctx,
        "no_reliable_improvement",
        code,
        at,
        ref,
        lambda alert: rules.no_reliable_improvement_followed(instrument, alert.evidence, latest),
    )
    first = (
        Response.objects.filter(client=client, instrument=code)
        .order_by("submitted_at", "pk")
        .first()
    )
    if first is None or first.pk == response.pk:
        return []
    history = [as_measure(first), latest]
    finding = rules.reliable_deterioration(instrument, history)
    if finding is not None and not _new_worsening(client, instrument, first, response):
        finding = None
    raised = [raise_finding(ctx, finding, at)]
    attended = Session.objects.filter(
        client=client, attendance=Attendance.ATTENDED, date__lte=timezone.localdate(at)
    ).count()
    finding = rules.no_reliable_improvement(
        instrument, history, attended, t["no_reliable_improvement"]
    )
    raised.append(raise_finding(ctx, finding, at))
    return [alert for alert in raised if alert]


def _new_worsening(client: Client, instrument, first: Response, response: Response) -> bool:
    """Whether a reliable worsening is news: not the same worsening a counselor has already
    reviewed, with no check-in out of it since."""
    last = (
        Alert.objects.filter(client=client, rule="reliable_deterioration", subject=instrument.code)
        .exclude(status__in=ACTIVE_STATUSES)
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is None:
        return True
    since = last.closed_at or last.updated_at
    totals = (
        Response.objects.filter(client=client, instrument=instrument.code, submitted_at__gte=since)
        .exclude(pk=response.pk)
        .values_list("total", flat=True)
    )
    return any(not rules.still_worse(instrument, first.total, total) for total in totals)


def _risk(ctx: Evaluation, response: Response, instrument) -> list[Alert]:
    """A form with an urgent flag was answered. While a risk alert is open, the answer joins its
    history (and, when it raises a flag again, the counselor and supervisors are told again);
    otherwise a flag raises a new risk alert."""
    latest = as_measure(response)
    at, ref = response.submitted_at, response.pk
    current = [a for a in ctx.active if a.rule == "risk" and a.is_active]
    if current:
        alert = current[0]
        if alert.created_at >= at or any(e.get("ref") == str(ref) for e in alert.follow_ups):
            return []
        state, details = rules.risk_answered(latest, instrument, response.answers)
        _write_follow_up(ctx, alert, at, ref, state, details, repaired=alert.repairs.exists())
        if state == "flag_again":
            # A new answer asks for attention again, even after an acknowledgement.
            _set_status(ctx, alert, Status.OPEN, at)
            transaction.on_commit(lambda: notify_urgent(alert.pk, again=True))
        return []
    finding = rules.risk(latest, instrument, response.answers)
    alert = raise_finding(ctx, finding, at)
    return [alert] if alert else []


def on_session(
    session: Session, *, today: date | None = None, ctx: Evaluation | None = None
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
        raised = [raise_finding(ctx, rules.sessions_missed(entries, t["sessions_missed"]), at)]
        raised.append(_no_checkins(ctx, today, at))
    return [alert for alert in raised if alert]


def on_task_log(task_log: TaskLog, *, ctx: Evaluation | None = None) -> list[Alert]:
    """Tasks not done or a poor fit, several logs in a row."""
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
        alert = raise_finding(ctx, rules.tasks_off_track(entries, t["tasks_off_track"]), at)
    return [alert] if alert else []


def _no_checkins(ctx: Evaluation, today: date, at: datetime) -> Alert | None:
    t = ctx.t
    windows = checkin_windows(ctx.client, limit=int(t["no_checkins"]["sessions"]) * 12 + 1)
    return raise_finding(ctx, rules.no_checkins(windows, today, t["no_checkins"]), at)


def checkin_windows(client: Client, *, limit: int) -> list[rules.CheckInWindow]:
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


def sweep(*, today: date | None = None, clients: Iterable[Client] | None = None) -> list[Alert]:
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


def raise_finding(ctx: Evaluation, finding, at: datetime, *, extra=None) -> Alert | None:
    """Store a finding as an alert unless the rule is off, this evidence already has one, or
    an alert about the same subject is still open."""
    client, t = ctx.client, ctx.t
    if finding is None or not t[finding.rule]["enabled"]:
        return None
    if ctx.holds_open(finding.rule, finding.subject):
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
                severity=finding.severity or t[finding.rule]["severity"],
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
    """Apply `judge` to each open alert of these (alliance or behaviour) rules at a new
    observation.

    After a repair, the first observation made after it decides: "recovered", or the alert
    stays open as "still_low" and the next observation decides again. An alert with no repair
    recorded closes on its own when the measure recovers (the history says no repair was
    recorded), except the client's own concern, which closes only after a repair: it asks for
    the counselor to act, whatever the next numbers say. Each observation counts at most once
    per alert.
    """
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
        _write_follow_up(ctx, alert, at, ref, status, details, repaired=bool(repairs))
        _set_status(ctx, alert, status, at)


def _record_facts(ctx, rule, subject, at, ref, judge) -> None:
    """Write what a later check-in shows into each open alert of an outcome rule, in that
    rule's words (`judge`). The status is left as it is: only a recorded review closes it."""
    for alert in ctx.active:
        if alert.rule != rule or alert.subject != subject or not alert.is_active:
            continue
        if alert.created_at >= at or any(e.get("ref") == str(ref) for e in alert.follow_ups):
            continue
        state, details = judge(alert)
        _write_follow_up(ctx, alert, at, ref, state, details, repaired=alert.repairs.exists())


def _write_follow_up(ctx, alert, at, ref, status, details, *, repaired: bool) -> None:
    entry = {"at": at.isoformat(), "ref": str(ref), "status": status, "details": details}
    alert.follow_ups = [*alert.follow_ups, entry | {"repaired": repaired}]
    alert.updated_at = at
    alert.save(update_fields=["follow_ups", "updated_at"])
    audit.record(
        None,
        "update",
        audit.for_object(alert, ctx.client),
        via="rules",
        detail=f"follow-up {status}",
    )


def _set_status(ctx, alert, status, at) -> None:
    if alert.status == status:
        return
    alert.status = status
    alert.updated_at = at
    if status == Status.RECOVERED:
        alert.closed_at = at
    alert.save(update_fields=["status", "updated_at", "closed_at"])


def _ids(entries, field) -> set:
    return {entry.get(field) for entry in entries}
