"""The two views of the alliance over time, and the lock that keeps a prediction a prediction.

The lock. The counselor answers `wai-sr-predicted` as they expect the client to answer. If
they could see the client's answers for that session first, their "prediction" would be a copy.
So, for the client's own counselor, the client's WAI-SR answers and scores for a session stay
hidden on every page and API operation until the counselor has either
- submitted their prediction for that session, or
- explicitly skipped predicting for it (a `SkippedPrediction`, from the client's alliance page;
  after that a prediction for the session is refused, since it would no longer be one).
Supervisors and administrators do not predict and are not locked out. Responses not tied to a
session cannot be predicted and are not hidden.

Alerts about a locked session still reach the counselor at once (a rupture must not wait for
paperwork), but their numbers are withheld until the lock opens; the alert says what to do.

Both see the comparison once both have answered; a clinic may hide it from clients.
"""

from collections import defaultdict

from django.db.models import Q

from alliance.alerts.models import SkippedPrediction
from alliance.alerts.services import (
    ALLIANCE_FORM,
    PREDICTION_FORM,
    clinic_settings,
    thresholds_for,
)
from alliance.alerts.wording import describe
from alliance.care.models import Client
from alliance.measures.instruments import find
from alliance.measures.models import Response
from alliance.psychometrics.compare import agreement, compare_series, view_means

PARTS = ("goal", "task", "bond", "total")
LOCKABLE_RULES = {"alliance_drop", "weak_spot"}


def is_predicting_counselor(user, client) -> bool:
    return user.is_authenticated and user.is_counselor and client.counselor_id == user.pk


def locked_sessions(user, client) -> set[int]:
    """Sessions whose client WAI-SR answers `user` may not see yet (see the module notes)."""
    if not is_predicting_counselor(user, client):
        return set()
    return locked_sessions_for(user, [client.pk])


def locked_sessions_for(user, client_ids) -> set[int]:
    """`locked_sessions` over several clients at once, in one query."""
    if not (user.is_authenticated and user.is_counselor) or not client_ids:
        return set()
    own = Client.objects.filter(pk__in=list(client_ids), counselor=user)
    # NULLs left out: SQL's NOT IN with a NULL in the list matches nothing, which would unlock
    # every session after one prediction made without a session.
    predicted = Response.objects.filter(
        client__in=own, instrument=PREDICTION_FORM, session__isnull=False
    ).values("session_id")
    return set(
        Response.objects.filter(client__in=own, instrument=ALLIANCE_FORM, session__isnull=False)
        .exclude(session_id__in=predicted)
        .exclude(session__skipped_prediction__isnull=False)
        .values_list("session_id", flat=True)
    )


def hide_locked(responses, user, client):
    """`responses` without the client's WAI-SR answers `user` may not see yet."""
    locked = locked_sessions(user, client)
    if not locked:
        return responses
    return responses.exclude(Q(instrument=ALLIANCE_FORM) & Q(session_id__in=locked))


def visible_responses(responses, user, client):
    """`responses` of `client` without the answers `user` may not see yet.

    - The client's own counselor: not the client's WAI-SR for a session they have neither
      predicted nor skipped (the lock above).
    - The client: not the counselor's predictions when the clinic hides the comparison from
      clients, nor a prediction for a session before the client has answered their own WAI-SR
      for it, so the counselor's expectation never colours the client's answers.
    Everyone else who may see the record sees it all.
    """
    if is_predicting_counselor(user, client):
        return hide_locked(responses, user, client)
    if user.is_authenticated and user.is_client and client.user_id == user.pk:
        if not shown_to_client(client):
            return responses.exclude(instrument=PREDICTION_FORM)
        answered = Response.objects.filter(
            client=client, instrument=ALLIANCE_FORM, session__isnull=False
        ).values("session_id")
        hidden = Response.objects.filter(client=client, instrument=PREDICTION_FORM).exclude(
            session_id__in=answered
        )
        return responses.exclude(pk__in=hidden.values("pk"))
    return responses


def prediction_refused(session) -> str | None:
    """Why a prediction for `session` can no longer be made, or None when it can."""
    if session is not None and SkippedPrediction.objects.filter(session=session).exists():
        return (
            "You chose to see the client's answers for this session without predicting, so a "
            "prediction for it now would not be one."
        )
    return None


def shown_to_client(client) -> bool:
    return clinic_settings(client.clinic_id).show_comparison_to_clients


def can_see_comparison(user, client) -> bool:
    if user.is_client:
        return client.user_id == user.pk and shown_to_client(client)
    return True


def sessions_compared(client, *, audience: str, limit: int | None = None) -> list[dict]:
    """Each session with both views, oldest first: sums, item means, gaps, items and a plain
    sentence for `audience` ("client" or "counselor"). One query, whatever the history."""
    rows = (
        Response.objects.filter(
            client=client, instrument__in=(ALLIANCE_FORM, PREDICTION_FORM), session__isnull=False
        )
        .select_related("session")
        .order_by("session__date", "session_id")
    )
    by_session = defaultdict(dict)
    for response in rows:
        by_session[response.session_id][response.instrument] = response
    complete = [pair for pair in by_session.values() if len(pair) == 2]
    if limit is not None:
        complete = complete[-limit:]
    if not complete:
        return []
    client_form, counselor_form = find(ALLIANCE_FORM), find(PREDICTION_FORM)
    results = compare_series(
        client_form,
        counselor_form,
        [
            (p[ALLIANCE_FORM], p[ALLIANCE_FORM].answers, p[PREDICTION_FORM].answers)
            for p in complete
        ],
    )
    agree_within = thresholds_for(client.clinic_id)["two_view_gap"]["agree_within"]
    counselor_name = client.counselor.name
    counselor_first, client_first = first_name(counselor_name), first_name(client.name)
    items = {item.id: item for item in client_form.items}
    out = []
    for result in results:
        response = result["key"]
        means = view_means(result, client_form)
        verdicts = agreement(means, agree_within)
        sums = {name: pair for name, pair in result["subscales"].items()} | {
            "total": result["total"]
        }
        out.append(
            {
                "session_id": response.session_id,
                "date": response.session.date,
                "client": {name: sums[name]["client"] for name in PARTS},
                "predicted": {name: sums[name]["counselor"] for name in PARTS},
                "gap": {name: sums[name]["difference"] for name in PARTS},
                "means": means,
                "agreement": verdicts,
                "summary": describe(
                    verdicts,
                    audience=audience,
                    client_name=client_first,
                    counselor_name=counselor_first,
                ),
                "items": [
                    {
                        "item_id": item_id,
                        "text": items[item_id].render(counselor=counselor_name),
                        "subscale": items[item_id].subscale,
                        "client": pair["client"],
                        "predicted": pair["counselor"],
                        "gap": pair["difference"],
                    }
                    for item_id, pair in result["items"].items()
                ],
            }
        )
    return out


def first_name(name: str) -> str:
    return (name or "").split(" ")[0] or name


def evidence_for(alert, user, locked: set[int]) -> dict:
    """The alert's evidence as `user` may see it: numbers from a locked session withheld."""
    session = alert.evidence.get("session_id")
    if alert.rule in LOCKABLE_RULES and session in locked:
        return {
            "locked": True,
            "session_id": session,
            "date": alert.evidence.get("date"),
            "summary": (
                "The client's answers for this session are hidden until you record your "
                "prediction for it, or choose to skip predicting."
            ),
        }
    return alert.evidence
