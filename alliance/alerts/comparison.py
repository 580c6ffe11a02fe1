"""The two views of the alliance over time, as each side may see them.

Both see the comparison of a session once both have answered; a clinic may hide it from
clients. What each may see of the check-ins behind it is the check-ins' own access rule
(`Response.objects.visible_to`, with the prediction lock in `measures.lock`), which every read
here goes through.

Alerts about a locked session still reach the counselor at once (a rupture must not wait for
paperwork), but the numbers they quote from check-ins the counselor may not see yet are
withheld until the lock opens; the alert says what to do.
"""

from collections import defaultdict

from alliance.alerts.thresholds import shows_comparison_to_clients, thresholds_for
from alliance.alerts.wording import describe
from alliance.measures.instruments import ALLIANCE_FORM, PREDICTION_FORM, find
from alliance.measures.lock import hidden_from, shows_items_to
from alliance.measures.models import Response
from alliance.psychometrics.compare import agreement, compare_series, view_means

PARTS = ("goal", "task", "bond", "total")


def shown_to_client(client) -> bool:
    return shows_comparison_to_clients(client.clinic_id)


def can_see_comparison(user, client) -> bool:
    if user.is_client:
        return client.is_own_record(user) and shown_to_client(client)
    return True


def sessions_compared(client, *, reader, audience: str, limit: int | None = None) -> list[dict]:
    """Each session with both views that `reader` may see, oldest first: sums, item means,
    gaps, items and a plain sentence for `audience` ("client" or "counselor"). One query,
    whatever the history."""
    rows = (
        Response.objects.visible_to(reader)
        .filter(
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
    t = thresholds_for(client.clinic_id)
    agree_within = t["two_view_gap"]["agree_within"]
    # A client may be spared the statement-by-statement comparison (`measures.lock`).
    with_items = audience != "client" or shows_items_to(client)
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
                    client_means={part: means[part]["client"] for part in means},
                    low_below=t["weak_spot"]["below_mean"],
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
                ]
                if with_items
                else [],
            }
        )
    return out


def first_name(name: str) -> str:
    return (name or "").split(" ")[0] or name


LOCKED_SUMMARY = (
    "The client's answers for this session are hidden until you record your prediction for "
    "it, or choose to skip predicting."
)


BASELINE_WITHHELD = (
    "The client's earlier alliance answers this is compared with are hidden until you record "
    "your prediction for their sessions, or choose to skip predicting."
)
# Where alert evidence and follow-ups name the check-ins they were read from.
RESPONSE_KEYS = frozenset({"response_id", "response_ids", "baseline_response_ids"})


def referenced(value) -> set[int]:
    """Every check-in id `value` (an alert's evidence, or a follow-up's details) names,
    at any depth: the one observed, earlier ones a baseline was taken from, and those of each
    finding gathered into it."""
    found: set[int] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in RESPONSE_KEYS:
                found |= {pk for pk in (item if isinstance(item, list) else [item]) if _is_id(pk)}
            else:
                found |= referenced(item)
    elif isinstance(value, list):
        for item in value:
            found |= referenced(item)
    return found


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def observed_in(evidence: dict) -> int | None:
    """The check-in an alert's evidence, or a follow-up's details, was read from, if any."""
    ref = evidence.get("response_id")
    return ref if _is_id(ref) else None


def withheld_for(user, alerts) -> set[int]:
    """The check-ins `alerts` (and their follow-ups) were read from, or compared with, that
    `user` may not see yet, in one query for them all."""
    named = set()
    for alert in alerts:
        named |= referenced(alert.evidence)
        for entry in alert.follow_ups:
            named |= referenced(entry.get("details") or {})
    return hidden_from(user, named)


def evidence_for(alert, withheld: set[int]) -> dict:
    """The alert's evidence, or only what it may say while a check-in it names is in `withheld`
    (see `withheld_for`): no answer, score or id of such a check-in, nor a figure taken from
    one (a baseline)."""
    evidence = alert.evidence
    if not referenced(evidence) & withheld:
        return evidence
    if alert.rule == "alliance" and observed_in(evidence) not in withheld:
        # The check-in itself may be seen: only the findings compared with hidden ones go.
        findings = {
            rule: (
                {"locked": True, "summary": BASELINE_WITHHELD}
                if referenced(found) & withheld
                else found
            )
            for rule, found in evidence["findings"].items()
        }
        summary = " ".join(found["summary"] for found in findings.values())
        return dict(evidence) | {"findings": findings, "summary": summary}
    if alert.rule == "client_voice":
        # The concern is the client's own act and stays; only the level it is compared with goes.
        dropped = ("baseline", "baseline_response_ids")
        shown = {k: v for k, v in evidence.items() if k not in dropped}
        return shown | {"baseline_withheld": True, "baseline_note": BASELINE_WITHHELD}
    return {
        "locked": True,
        "session_id": evidence.get("session_id"),
        "date": evidence.get("date"),
        "summary": LOCKED_SUMMARY,
    }


def follow_ups_for(alert, withheld: set[int]) -> list[dict]:
    """The alert's follow-ups, without the numbers of any that names, or compares with a level
    taken from, a check-in in `withheld`."""
    compared_with = referenced(alert.evidence)
    shown = []
    for entry in alert.follow_ups:
        details = entry.get("details") or {}
        if (referenced(details) | compared_with) & withheld:
            details = {"locked": True, "date": details.get("date"), "summary": LOCKED_SUMMARY}
            entry = entry | {"details": details}
        shown.append(entry)
    return shown
