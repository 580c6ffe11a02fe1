"""Refused access, audited without letting a flood grow the trail without bound.

The one place that answers 404 for a record out of the caller's reach
(`alliance.access.get_visible_or_404`, which `visible_client` and the pages go through) and the
role check of pages (`role_required`) note what was asked with `note()`. When the request is
answered 404, `RefusalMiddleware` records it: one audit event per person, target and minute,
with the number of refusals in that minute counted beside it in `Refusal`. A person asking for
more than `TARGETS_PER_MINUTE` different things in a minute has the rest counted under one
target, "*", so even a scan of every id writes a few dozen events a minute at most.

The event is written after the response is made, outside the request's transactions, so a
refusal inside a transaction that rolls back is still recorded.
"""

import logging
from contextvars import ContextVar
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from alliance.audit import services as audit
from alliance.audit.models import Refusal

TARGETS_PER_MINUTE = 20
ANY_TARGET = "*"

log = logging.getLogger(__name__)

_current_request = ContextVar("alliance_current_request", default=None)


def note(object_type: str, object_id) -> None:
    """Note that the current request asked for something out of its reach."""
    request = _current_request.get()
    if request is None:
        return
    request.alliance_refusals.append((object_type[:60], str(object_id)[:64]))


def _who(request, actor) -> str | None:
    if actor is not None:
        return f"user {actor.pk}"
    address = audit.client_ip(request)
    return f"address {address}" if address else None


def record_refusals(request, response) -> None:
    """Record the refusals noted while answering `request`, if it was answered 404."""
    noted = getattr(request, "alliance_refusals", None)
    if not noted or response.status_code != 404:
        return
    actor = getattr(request, "user", None)
    if actor is not None and not actor.is_authenticated:
        actor = None
    who = _who(request, actor)
    if who is None:
        return
    asked = f"{request.method} {request.get_full_path()}"[:300]
    for object_type, object_id in dict.fromkeys(noted):
        try:
            refused(request, actor, who, object_type, object_id, asked)
        except DatabaseError:
            # The answer is a 404 either way; a database too busy to note it must not make
            # it a 500.
            log.exception("Could not record a refusal for %s", who)


def refused(request, actor, who, object_type, object_id, asked) -> Refusal:
    now = timezone.now()
    window = now.replace(second=0, microsecond=0)
    with transaction.atomic():
        found = _count(window, who, object_type, object_id, now)
        if found:
            return found
        distinct = Refusal.objects.filter(window=window, who=who).count()
        if distinct >= TARGETS_PER_MINUTE:
            object_type, object_id = ANY_TARGET, ""
            found = _count(window, who, object_type, object_id, now)
            if found:
                return found
        try:
            with transaction.atomic():
                refusal = Refusal.objects.create(
                    window=window,
                    who=who,
                    actor_id=actor.pk if actor else None,
                    clinic_id=actor.clinic_id if actor else None,
                    object_type=object_type,
                    object_id=object_id,
                    asked=asked,
                    ip=audit.client_ip(request),
                    first_at=now,
                    last_at=now,
                )
        except IntegrityError:
            # Another request of the same minute wrote it first: count this one there.
            return _count(window, who, object_type, object_id, now)
        detail = asked if object_type != ANY_TARGET else f"more than {TARGETS_PER_MINUTE} targets"
        audit.record(
            request,
            "refused",
            audit.Target(object_type, object_id, clinic_id=refusal.clinic_id),
            actor=actor,
            detail=detail,
        )
    return refusal


def _count(window, who, object_type, object_id, now) -> Refusal | None:
    rows = Refusal.objects.filter(
        window=window, who=who, object_type=object_type, object_id=object_id
    )
    if rows.update(count=F("count") + 1, last_at=now):
        return rows.first()
    return None


def recent(*, minutes: int = 60, clinic_id=None):
    """Refusals of the last `minutes`, most recent first: for an operator's review."""
    rows = Refusal.objects.filter(window__gte=timezone.now() - timedelta(minutes=minutes))
    if clinic_id is not None:
        rows = rows.filter(clinic_id=clinic_id)
    return rows.order_by("-last_at")


class RefusalMiddleware:
    """Makes the request reachable from `note()` and records its refusals once answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.alliance_refusals = []
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        record_refusals(request, response)
        return response
