"""Alert rules: each a small pure function from plain data and thresholds to a finding.

Nothing here imports Django, so every rule is tested on plain numbers and dates, and the same
rules could run in a batch job. The database side (`services.py`) gathers the data, calls a
rule, and stores what it finds.

A `Finding` carries:
- `key`, the identity of the evidence (e.g. "response:41"): evaluating the same evidence again
  gives the same key, and the database refuses a second alert with the same rule and key;
- `subject`, what the finding is about (e.g. "wai-sr", "phq9"): while an alert about a subject
  is still open, a later finding about it is not a new alert (the open one's follow-up covers
  it);
- `evidence`, plain JSON: numbers, dates, the items concerned and a one-line summary;
- `scopes`, the parts concerned (e.g. ("bond",)), which choose the suggestions.

Follow-up functions (`*_followed`) say what a later observation shows. For the alliance and
behaviour rules: whether the measure returned to its earlier level ("recovered") or not
("still_low"). For the outcome and risk rules: the facts, in words true to the rule; those
alerts close only when a review is recorded (`families`).

Alliance figures are item means on the answer scale (WAI-SR: 1 Seldom … 5 Always), so subscales
of four items and the twelve-item total read on one scale.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from statistics import fmean
from typing import Any

from alliance.psychometrics.change import classify_change
from alliance.psychometrics.definitions import Instrument

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.json")
SEVERITIES = ("urgent", "attention", "info")
HEURISTIC = "Alliance heuristic"
RECOVERED, STILL_LOW = "recovered", "still_low"
TOTAL = "total"
# Answer scale steps are 0.25 apart in a four-item mean; comparisons round to this many places
# so that 4.75 − 3.75 is 1.0 and not 0.9999999.
PLACES = 3

SCOPE_NAMES = {
    "goal": "agreement on goals",
    "task": "agreement on tasks",
    "bond": "the bond",
    TOTAL: "the alliance overall",
}
MISSED = ("cancelled", "no_show")


class ThresholdError(ValueError):
    """A threshold file or a clinic's override that cannot be used; names the rule and field."""

    def __init__(self, rule: str, param: str | None, message: str):
        where = f"{rule}.{param}" if param else rule
        super().__init__(f"{where}: {message}")
        self.rule = rule
        self.param = param
        self.message = message


# --- Plain data the rules read ------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    """One alliance check-in by the client: item answers, and item means by part."""

    ref: int
    when: date | datetime
    answers: Mapping[str, float]
    means: Mapping[str, float]  # subscale name or "total" -> item mean
    session: int | None = None


@dataclass(frozen=True)
class Measure:
    """One outcome check-in (e.g. PHQ-9): its total and the flags it raised."""

    ref: int
    when: date | datetime
    total: float
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ViewPair:
    """The client's rating and the counselor's prediction for one session, as item means."""

    session: int
    when: date | datetime
    means: Mapping[str, Mapping[str, float]]  # part -> {"client", "counselor", "difference"}
    items: Mapping[str, Mapping[str, float]]  # item -> {"client", "counselor", "difference"}


@dataclass(frozen=True)
class TaskLogEntry:
    ref: int
    when: date | datetime
    task: int
    status: str  # done | partly | not_done
    fit: int | None


@dataclass(frozen=True)
class SessionEntry:
    ref: int
    when: date
    attendance: str  # attended | cancelled | no_show


@dataclass(frozen=True)
class CheckInWindow:
    """An attended session and whether the client answered the check-in due after it."""

    session: int
    when: date
    due: bool
    answered: bool


@dataclass(frozen=True)
class Finding:
    rule: str
    subject: str
    key: str
    evidence: dict[str, Any]
    scopes: tuple[str, ...] = field(default=())
    # When set, instead of the rule's own severity (a gathered alert takes its findings' worst).
    severity: str | None = None


# --- Thresholds ---------------------------------------------------------------------------


def load_defaults(path: Path = THRESHOLDS_FILE) -> dict[str, Any]:
    """The threshold file, checked: every number has a citation or is marked as ours."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    rules = data.get("rules")
    if not isinstance(rules, dict) or not rules:
        raise ThresholdError("rules", None, "the file must hold a non-empty 'rules' object")
    for name, rule in rules.items():
        if rule.get("severity") not in SEVERITIES:
            raise ThresholdError(name, "severity", f"must be one of {', '.join(SEVERITIES)}")
        if not isinstance(rule.get("can_disable"), bool):
            raise ThresholdError(name, "can_disable", "must be true or false")
        params = rule.get("params")
        if not isinstance(params, dict):
            raise ThresholdError(name, "params", "must be an object")
        if not params:
            _check_source(name, None, rule)
        for param, spec in params.items():
            for part in ("value", "min", "max"):
                if isinstance(spec.get(part), bool) or not isinstance(spec.get(part), int | float):
                    raise ThresholdError(name, param, f"'{part}' must be a number")
            if not spec["min"] <= spec["value"] <= spec["max"]:
                raise ThresholdError(name, param, "the value must lie within [min, max]")
            if not spec.get("unit"):
                raise ThresholdError(name, param, "needs a 'unit'")
            _check_source(name, param, spec)
    return data


def _check_source(rule: str, param: str | None, spec: Mapping[str, Any]) -> None:
    if spec.get("citation"):
        return
    if spec.get("source") == HEURISTIC and spec.get("reasoning"):
        return
    raise ThresholdError(
        rule, param, f"needs a 'citation', or \"source\": \"{HEURISTIC}\" with its 'reasoning'"
    )


def check_overrides(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict:
    """A clinic's overrides, cleaned: `{rule: {"enabled": bool, param: number}}`.

    Raises `ThresholdError` for an unknown rule or parameter, a value outside the allowed
    range, or an attempt to switch off a rule that cannot be switched off.
    """
    rules = defaults["rules"]
    cleaned: dict[str, dict[str, Any]] = {}
    for name, values in overrides.items():
        if name not in rules:
            raise ThresholdError(name, None, "no such rule")
        if not isinstance(values, Mapping):
            raise ThresholdError(name, None, "expected an object of parameters")
        rule = rules[name]
        out: dict[str, Any] = {}
        for param, value in values.items():
            if param == "enabled":
                if not isinstance(value, bool):
                    raise ThresholdError(name, param, "must be true or false")
                if not value and not rule["can_disable"]:
                    raise ThresholdError(name, param, "this rule cannot be switched off")
                out[param] = value
                continue
            spec = rule["params"].get(param)
            if spec is None:
                raise ThresholdError(name, param, "no such parameter")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ThresholdError(name, param, "must be a number")
            if not spec["min"] <= value <= spec["max"]:
                raise ThresholdError(
                    name, param, f"must be from {spec['min']} to {spec['max']} {spec['unit']}"
                )
            if isinstance(spec["value"], int) and not float(value).is_integer():
                raise ThresholdError(name, param, "must be a whole number")
            out[param] = type(spec["value"])(value)
        if out:
            cleaned[name] = out
    return cleaned


def resolve(defaults: Mapping[str, Any], overrides: Mapping[str, Any] | None = None) -> dict:
    """`{rule: {"enabled", "severity", param: value, …}}`: defaults with a clinic's overrides."""
    cleaned = check_overrides(defaults, overrides or {})
    resolved = {}
    for name, rule in defaults["rules"].items():
        values = {"enabled": True, "severity": rule["severity"]}
        values.update({param: spec["value"] for param, spec in rule["params"].items()})
        values.update(cleaned.get(name, {}))
        resolved[name] = values
    return resolved


# --- Alliance rules -----------------------------------------------------------------------


def alliance_drop(
    history: Sequence[Rating], t: Mapping[str, Any], subscales: Mapping[str, Sequence[str]]
) -> Finding | None:
    """The latest rating fell clearly below the client's own running baseline.

    `history` is oldest first and ends with the rating being judged. The baseline is the mean
    of up to `baseline_ratings` earlier ratings; a subscale fires when it fell by
    `subscale_mean_drop` or more, the total by `total_mean_drop` or more.
    """
    if len(history) < 2:
        return None
    latest = history[-1]
    earlier = list(history[:-1])[-int(t["baseline_ratings"]) :]
    if len(earlier) < int(t["min_earlier_ratings"]):
        return None
    fired = {}
    for scope in _parts(latest.means):
        values = [rating.means[scope] for rating in earlier if scope in rating.means]
        if not values:
            continue
        baseline = round(fmean(values), PLACES)
        now = latest.means[scope]
        limit = t["total_mean_drop"] if scope == TOTAL else t["subscale_mean_drop"]
        if round(baseline - now, PLACES) >= limit:
            fired[scope] = {
                "now": now,
                "earlier": baseline,
                "change": round(now - baseline, PLACES),
                "threshold": limit,
            }
    if not fired:
        return None
    items = []
    for item, now in latest.answers.items():
        scope = _scope_of(item, subscales)
        before = [rating.answers[item] for rating in earlier if item in rating.answers]
        if not before:
            continue
        mean_before = round(fmean(before), PLACES)
        fell = round(mean_before - now, PLACES)
        concerned = (scope in fired and fell > 0) or (TOTAL in fired and fell >= 1)
        if concerned:
            items.append({"item": item, "scope": scope, "now": now, "earlier": mean_before})
    items.sort(key=lambda entry: (entry["now"] - entry["earlier"], entry["item"]))
    main = min(fired, key=lambda scope: (fired[scope]["change"], scope == TOTAL))
    part = fired[main]
    summary = (
        f"{_capital(SCOPE_NAMES.get(main, main))} fell from {part['earlier']:.2f} to "
        f"{part['now']:.2f} (item mean, 1–5), against the mean of the client's "
        f"{_count(len(earlier), 'earlier check-in')}."
    )
    baseline = {
        "response_ids": [rating.ref for rating in earlier],
        "from": _iso(earlier[0].when),
        "to": _iso(earlier[-1].when),
    }
    return _alliance_finding("alliance_drop", latest, fired, items, summary, baseline=baseline)


def alliance_drop_followed(
    evidence: Mapping[str, Any], latest: Rating, t: Mapping[str, Any]
) -> tuple[str, dict]:
    """Recovered when every part that fell is back within `recovery_margin` of its baseline."""
    margin = t["recovery_margin"]
    parts = {}
    for scope, part in evidence["scopes"].items():
        now = latest.means.get(scope)
        back = now is not None and round(part["earlier"] - now, PLACES) <= margin
        parts[scope] = {"now": now, "earlier": part["earlier"], "back": back}
    return _judged(parts, latest)


def weak_spot(
    latest: Rating, t: Mapping[str, Any], subscales: Mapping[str, Sequence[str]]
) -> Finding | None:
    """A subscale's item mean is below `below_mean` ("fairly often" by default)."""
    limit = t["below_mean"]
    fired = {
        scope: {"now": latest.means[scope], "threshold": limit}
        for scope in subscales
        if scope in latest.means and latest.means[scope] < limit
    }
    if not fired:
        return None
    items = [
        {"item": item, "scope": scope, "now": latest.answers[item]}
        for scope in fired
        for item in subscales[scope]
        if item in latest.answers and latest.answers[item] < limit
    ]
    described = _join(
        [f"{SCOPE_NAMES.get(scope, scope)} ({part['now']:.2f})" for scope, part in fired.items()]
    )
    summary = (
        f"{_capital(described)} averaged below {limit:g} (item mean, 1–5; 3 is "
        '"fairly often") at this check-in.'
    )
    return _alliance_finding("weak_spot", latest, fired, items, summary)


def weak_spot_followed(
    evidence: Mapping[str, Any], latest: Rating, t: Mapping[str, Any]
) -> tuple[str, dict]:
    parts = {}
    for scope, part in evidence["scopes"].items():
        now = latest.means.get(scope)
        parts[scope] = {"now": now, "back": now is not None and now >= part["threshold"]}
    return _judged(parts, latest)


def two_view_gap(
    pair: ViewPair, t: Mapping[str, Any], subscales: Mapping[str, Sequence[str]]
) -> Finding | None:
    """The counselor's prediction exceeds the client's rating on a subscale by `gap_mean`."""
    limit = t["gap_mean"]
    fired = {}
    for scope in subscales:
        part = pair.means.get(scope)
        if part is not None and round(part["difference"], PLACES) >= limit:
            fired[scope] = {
                "client": part["client"],
                "predicted": part["counselor"],
                "gap": part["difference"],
                "threshold": limit,
            }
    if not fired:
        return None
    items = [
        {
            "item": item,
            "scope": scope,
            "client": pair.items[item]["client"],
            "predicted": pair.items[item]["counselor"],
            "gap": pair.items[item]["difference"],
        }
        for scope in fired
        for item in subscales[scope]
        if item in pair.items and pair.items[item]["difference"] > 0
    ]
    items.sort(key=lambda entry: (-entry["gap"], entry["item"]))
    names = _join([SCOPE_NAMES.get(scope, scope) for scope in fired])
    summary = f"The counselor expected higher ratings than the client gave on {names}."
    return _alliance_finding("two_view_gap", pair, fired, items, summary)


def two_view_gap_followed(
    evidence: Mapping[str, Any], pair: ViewPair, t: Mapping[str, Any]
) -> tuple[str, dict]:
    """Recovered when, at the next compared session, no concerned part is still that far apart."""
    parts = {}
    for scope in evidence["scopes"]:
        part = pair.means.get(scope)
        gap = None if part is None else part["difference"]
        parts[scope] = {"gap": gap, "back": gap is not None and round(gap, PLACES) < t["gap_mean"]}
    return _judged(parts, pair)


def _alliance_finding(
    rule: str, observed: Rating | ViewPair, fired: dict, items: list, summary: str, **context
) -> Finding:
    """What an alliance rule found at one check-in (or one session's two views): the parts
    that fired, the items behind them and the words for the counselor."""
    return Finding(
        rule=rule,
        subject="wai-sr",
        key=_observation_key(observed),
        scopes=tuple(fired),
        evidence={
            "measure": "wai-sr",
            **_observation_ids(observed),
            "date": _iso(observed.when),
            **context,
            "scopes": fired,
            "items": items,
            "summary": summary,
        },
    )


def _judged(parts: dict, observed: Rating | ViewPair) -> tuple[str, dict]:
    """Recovered only when every part judged at this observation is back."""
    status = RECOVERED if all(p["back"] for p in parts.values()) else STILL_LOW
    return status, {**_observation_ids(observed), "date": _iso(observed.when), "scopes": parts}


def _observation_ids(observed: Rating | ViewPair) -> dict[str, int]:
    # Two views are judged per session; a client's check-in by its response.
    if isinstance(observed, ViewPair):
        return {"session_id": observed.session}
    return {"response_id": observed.ref}


def _observation_key(observed: Rating | ViewPair) -> str:
    if isinstance(observed, ViewPair):
        return f"session:{observed.session}"
    return f"response:{observed.ref}"


# --- One alert per alliance check-in ------------------------------------------------------

ALLIANCE_RULES = ("alliance_drop", "weak_spot", "two_view_gap")
SEVERITY_ORDER = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def alliance_checkin(
    findings: Sequence[Finding],
    *,
    ref: int | None,
    session: int | None,
    when: date | datetime,
    severities: Mapping[str, str],
) -> Finding | None:
    """The findings of the alliance rules at one check-in as one finding: every finding in its
    evidence (by rule), the parts concerned together, the most severe of their severities.

    A counselor reads one alert and records one repair for one check-in, however many rules
    its numbers tripped. `ref` is the client's check-in (None when only the two views of a
    session are judged), `session` the session it was about.
    """
    found = [finding for finding in findings if finding is not None]
    if not found:
        return None
    scopes: list[str] = []
    for finding in found:
        scopes += [scope for scope in finding.scopes if scope not in scopes]
    severity = min((severities[f.rule] for f in found), key=lambda s: SEVERITY_ORDER[s])
    key = f"session:{session}" if session is not None else f"response:{ref}"
    evidence = {
        "measure": "wai-sr",
        "session_id": session,
        "date": _iso(when),
        "findings": {finding.rule: finding.evidence for finding in found},
        "summary": " ".join(finding.evidence["summary"] for finding in found),
    }
    if ref is not None:
        evidence["response_id"] = ref
    return Finding("alliance", "wai-sr", key, evidence, tuple(scopes), severity)


def merge_alliance(evidence: Mapping[str, Any], later: Finding) -> dict:
    """An alliance alert's evidence with a finding about the same session added (the two views,
    once the second of them is in)."""
    findings = dict(evidence["findings"]) | {later.rule: later.evidence}
    merged = dict(evidence) | {"findings": findings}
    merged["summary"] = " ".join(finding["summary"] for finding in findings.values())
    return merged


def alliance_followed(
    evidence: Mapping[str, Any],
    *,
    latest: Rating | None,
    pair: ViewPair | None,
    fired: Sequence[Finding],
    previous: Mapping[str, Any] | None,
    t: Mapping[str, Any],
) -> tuple[str, dict]:
    """An alliance alert at a later observation: the client's next check-in (`latest`), the
    two views of a later session once both are in (`pair`), or both.

    Each finding is judged by its own rule where this observation says something about it,
    and keeps its last judgement (`previous`, the details of the latest follow-up) where it
    does not. `fired` are the alliance rules' findings at this observation: anything new keeps
    the alert open too. "recovered" only when every finding is back and nothing new fired.
    """
    earlier = (previous or {}).get("findings", {})
    same_session = previous is not None and previous.get("session_id") == _session_of(latest, pair)
    judged = {}
    for rule, found in evidence["findings"].items():
        if rule == "two_view_gap" and pair is not None:
            _, details = two_view_gap_followed(found, pair, t["two_view_gap"])
        elif rule == "alliance_drop" and latest is not None:
            _, details = alliance_drop_followed(found, latest, t["alliance_drop"])
        elif rule == "weak_spot" and latest is not None:
            _, details = weak_spot_followed(found, latest, t["weak_spot"])
        else:
            judged[rule] = earlier.get(rule, {"back": False, "not_judged_yet": True})
            continue
        details.pop("response_id", None)
        judged[rule] = {"back": all(p["back"] for p in details["scopes"].values())} | details
    new = {finding.rule: finding.evidence for finding in fired}
    if same_session:
        # The other half of the same session judged earlier: what fired then still stands.
        new = dict(previous.get("new", {})) | new
    status = RECOVERED if all(j["back"] for j in judged.values()) and not new else STILL_LOW
    details = {
        "session_id": _session_of(latest, pair),
        "date": _iso(max(when for when in (_when(latest), _when(pair)) if when is not None)),
        "findings": judged,
        "new": new,
    }
    if latest is not None:
        details["response_id"] = latest.ref
    return status, details


def _session_of(latest: Rating | None, pair: ViewPair | None) -> int | None:
    if pair is not None:
        return pair.session
    return getattr(latest, "session", None)


def _when(observed) -> date | datetime | None:
    return None if observed is None else observed.when


# --- Outcome rules ------------------------------------------------------------------------
# They speak of one questionnaire at a time. A person's recovery, reliable improvement or
# reliable deterioration over the depression and anxiety measures together is
# `psychometrics.outcome`; these alerts never call a change on one measure by those names.


def reliable_deterioration(instrument: Instrument, history: Sequence[Measure]) -> Finding | None:
    """The latest total is reliably worse than the first of the course of care."""
    if len(history) < 2 or instrument.reliable_change is None or instrument.caseness is None:
        return None
    first, latest = history[0], history[-1]
    change = classify_change(instrument, first.total, latest.total)
    if change["reliable"] != "deteriorated":
        return None
    size = instrument.reliable_change.size
    summary = (
        f"{_short(instrument)} went from {_num(first.total)} at the first check-in to "
        f"{_num(latest.total)}: {_num(abs(change['change']))} points worse, at least "
        f"the {_num(size)} that counts as a reliable change on this questionnaire."
    )
    evidence = _outcome_evidence(instrument, first, latest, change, summary)
    evidence["citation"] = instrument.reliable_change.citation
    return Finding("reliable_deterioration", instrument.code, f"response:{latest.ref}", evidence)


def still_worse(instrument: Instrument, first_total: float, total: float) -> bool:
    return classify_change(instrument, first_total, total)["reliable"] == "deteriorated"


def reliable_deterioration_followed(
    instrument: Instrument, evidence: Mapping[str, Any], latest: Measure
) -> tuple[str, dict]:
    """The facts at a later check-in, in words true to the rule: whether the worsening from
    the start is still reliable, and where the total stands against the cut-off. The alert
    stays open either way until a review is recorded."""
    first, change = _since_start(instrument, evidence, latest)
    worse = change["reliable"] == "deteriorated"
    state = "still_worse" if worse else "eased"
    size = instrument.reliable_change.size
    if worse:
        points = _num(change["change"])
        verdict = f"still a reliable worsening ({points} points; {_num(size)} count)"
    elif change["reliable"] == "improved":
        verdict = "now a reliable improvement on the start"
    else:
        verdict = "no longer a reliable worsening"
    return state, _outcome_followed(
        instrument, first, latest, change, verdict, still_reliably_worse=worse
    )


def no_reliable_improvement(
    instrument: Instrument,
    history: Sequence[Measure],
    attended_sessions: int,
    t: Mapping[str, Any],
) -> Finding | None:
    """At or above the cut-off at the first check-in and no reliable improvement on this
    questionnaire by `by_session` attended sessions: a point to review the work together.

    Our own review marker (see thresholds.json): it is not Lambert's OQ-45 "not on track"
    signal, which compares each session with expected recovery curves. A client who got
    reliably worse is left to the deterioration rule; one who started below the cut-off has
    little room to improve reliably.
    """
    by_session = int(t["by_session"])
    if attended_sessions < by_session or len(history) < 2:
        return None
    if instrument.reliable_change is None or instrument.caseness is None:
        return None
    first, latest = history[0], history[-1]
    change = classify_change(instrument, first.total, latest.total)
    if not change["in_clinical_range_first"] or change["reliable"] != "no reliable change":
        return None
    summary = (
        f"{_short(instrument)} {_num(first.total)} at the first check-in and "
        f"{_num(latest.total)} now, after {attended_sessions} attended sessions: no "
        f"reliable improvement ({_num(instrument.reliable_change.size)} points) yet. "
        "A point to review the work together (our own marker, not a published norm)."
    )
    evidence = _outcome_evidence(instrument, first, latest, change, summary)
    evidence |= {"attended_sessions": attended_sessions, "by_session": by_session}
    return Finding("no_reliable_improvement", instrument.code, f"by-session:{by_session}", evidence)


def _outcome_evidence(
    instrument: Instrument, first: Measure, latest: Measure, change: Mapping[str, Any], summary: str
) -> dict:
    """An outcome finding's evidence: the first and the latest check-in of the course of care,
    the change between them and what counts as reliable on this questionnaire."""
    return {
        "measure": instrument.code,
        "response_id": latest.ref,
        "date": _iso(latest.when),
        "first": {"response_id": first.ref, "date": _iso(first.when), "total": first.total},
        "latest": {"total": latest.total},
        "change": change["change"],
        "reliable_change_size": instrument.reliable_change.size,
        "cutoff": instrument.caseness.cutoff,
        "summary": summary,
    }


def no_reliable_improvement_followed(
    instrument: Instrument, evidence: Mapping[str, Any], latest: Measure
) -> tuple[str, dict]:
    first, change = _since_start(instrument, evidence, latest)
    improved = change["reliable"] == "improved"
    state = "improved" if improved else "not_yet"
    if improved:
        verdict = "a reliable improvement now"
    elif change["reliable"] == "deteriorated":
        verdict = "a reliable worsening"
    else:
        verdict = (
            f"no reliable improvement yet ({_num(instrument.reliable_change.size)} points count)"
        )
    return state, _outcome_followed(
        instrument, first, latest, change, verdict, reliable_improvement=improved
    )


def _since_start(
    instrument: Instrument, evidence: Mapping[str, Any], latest: Measure
) -> tuple[float, dict]:
    """The first total an outcome alert was raised on, and the change from it to `latest`."""
    first = evidence["first"]["total"]
    return first, classify_change(instrument, first, latest.total)


def _outcome_followed(
    instrument: Instrument,
    first: float,
    latest: Measure,
    change: Mapping[str, Any],
    verdict: str,
    **judgement: bool,
) -> dict:
    """An outcome alert's facts at a later check-in: the rule's own judgement, where the total
    stands against the start and against the cut-off."""
    in_range = change["in_clinical_range_last"]
    return {
        "response_id": latest.ref,
        "date": _iso(latest.when),
        "total": latest.total,
        "change": change["change"],
        **judgement,
        "at_or_above_cutoff": in_range,
        "summary": (
            f"{_short(instrument)} {_num(latest.total)} now, {_num(first)} at the start: "
            f"{verdict}, {_cutoff_words(instrument, in_range)}."
        ),
    }


def _cutoff_words(instrument: Instrument, at_or_above: bool) -> str:
    cutoff = _num(instrument.caseness.cutoff)
    if instrument.caseness.direction == "at_or_above":
        side = "at or above" if at_or_above else "below"
    else:
        side = "below" if at_or_above else "at or above"
    return f"{side} the cut-off ({cutoff})"


def risk(measure: Measure, instrument: Instrument, answers: Mapping[str, float]) -> Finding | None:
    """Any urgent flag of the instrument raised by this response (PHQ-9 item 9 ≥ 1).

    One risk alert per client at a time (`subject` "risk"): while it is open, later answers
    are written into its history (`risk_answered`) rather than opening another.
    """
    raised = _urgent_raised(measure, instrument)
    if not raised:
        return None
    flags = [
        {"flag": flag.id, "item": flag.item, "answer": answers.get(flag.item), "label": flag.label}
        for flag in raised
    ]
    return Finding(
        rule="risk",
        subject="risk",
        key=f"response:{measure.ref}",
        evidence={
            "measure": instrument.code,
            "response_id": measure.ref,
            "date": _iso(measure.when),
            "flags": flags,
            "citation": raised[0].citation,
            "summary": " ".join(flag.label for flag in raised),
        },
    )


def risk_answered(
    measure: Measure, instrument: Instrument, answers: Mapping[str, float]
) -> tuple[str, dict]:
    """A later answer to a form with an urgent flag while a risk alert is open: what it said.
    "flag_again" when it raised an urgent flag again, otherwise "no_flag". Neither closes the
    alert: only a recorded risk review does."""
    raised = _urgent_raised(measure, instrument)
    items = sorted({flag.item for flag in instrument.flags if flag.severity == "urgent"})
    if raised:
        summary = f"{_short(instrument)} on {_day(measure.when)}: " + " ".join(
            flag.label for flag in raised
        )
    else:
        answered = ", ".join(
            f"item {item.rsplit('_', 1)[-1]}: {_num(answers.get(item, 0))}" for item in items
        )
        summary = (
            f"{_short(instrument)} on {_day(measure.when)}: no urgent answer this time "
            f"({answered}). The alert stays open until a risk review is recorded."
        )
    return ("flag_again" if raised else "no_flag"), {
        "response_id": measure.ref,
        "date": _iso(measure.when),
        "measure": instrument.code,
        "flags": [
            {"flag": f.id, "item": f.item, "answer": answers.get(f.item), "label": f.label}
            for f in raised
        ],
        "summary": summary,
    }


def _urgent_raised(measure: Measure, instrument: Instrument) -> list:
    definitions = {flag.id: flag for flag in instrument.flags if flag.severity == "urgent"}
    return [definitions[flag] for flag in measure.flags if flag in definitions]


def _day(when: date | datetime) -> str:
    return (when.date() if isinstance(when, datetime) else when).isoformat()


# --- Behaviour rules ----------------------------------------------------------------------


def tasks_off_track(logs: Sequence[TaskLogEntry], t: Mapping[str, Any]) -> Finding | None:
    """The last `in_a_row` task logs were each not done or rated a poor fit."""
    recent = _last_in_a_row(logs, t, lambda log: _not_working(log, t))
    if recent is None:
        return None
    evidence = {
        "logs": [
            {
                "log_id": log.ref,
                "task_id": log.task,
                "date": _iso(log.when),
                "status": log.status,
                "fit": log.fit,
            }
            for log in recent
        ],
        "poor_fit_at_most": t["poor_fit_at_most"],
        "summary": (
            f"{_the_last(len(recent), 'task log')} not done or rated a poor fit "
            f"(fit {t['poor_fit_at_most']} or lower on 1–5)."
        ),
    }
    return _run_finding("tasks_off_track", "tasks", "logs", [log.ref for log in recent], evidence)


def tasks_off_track_followed(
    evidence: Mapping[str, Any], log: TaskLogEntry, t: Mapping[str, Any]
) -> tuple[str, dict]:
    status = STILL_LOW if _not_working(log, t) else RECOVERED
    details = {"log_id": log.ref, "date": _iso(log.when), "status": log.status, "fit": log.fit}
    return status, details


def _not_working(log: TaskLogEntry, t: Mapping[str, Any]) -> bool:
    return log.status == "not_done" or (log.fit is not None and log.fit <= t["poor_fit_at_most"])


def sessions_missed(sessions: Sequence[SessionEntry], t: Mapping[str, Any]) -> Finding | None:
    """The last `in_a_row` sessions were each cancelled or missed."""
    recent = _last_in_a_row(sessions, t, lambda session: session.attendance in MISSED)
    if recent is None:
        return None
    attendance = [
        {"session_id": s.ref, "date": _iso(s.when), "attendance": s.attendance} for s in recent
    ]
    summary = f"{_the_last(len(recent), 'session')} cancelled or missed."
    evidence = {"sessions": attendance, "summary": summary}
    return _run_finding(
        "sessions_missed", "sessions", "sessions", [s.ref for s in recent], evidence
    )


def _last_in_a_row(entries: Sequence, t: Mapping[str, Any], off) -> list | None:
    """The last `in_a_row` entries when each of them is off, else None (too few, or one is not)."""
    count = int(t["in_a_row"])
    recent = list(entries)[-count:]
    if len(recent) < count or not all(off(entry) for entry in recent):
        return None
    return recent


def _the_last(count: int, noun: str) -> str:
    return f"The last {_count(count, noun)} {'were' if count > 1 else 'was'}"


def _run_finding(
    rule: str, subject: str, kind: str, refs: Sequence[int], evidence: dict
) -> Finding:
    # Keyed by the entries of the run: the same run is one finding, however often it is judged.
    return Finding(rule, subject, f"{kind}:" + ",".join(str(ref) for ref in refs), evidence)


def sessions_missed_followed(
    evidence: Mapping[str, Any], session: SessionEntry
) -> tuple[str, dict]:
    status = RECOVERED if session.attendance not in MISSED else STILL_LOW
    details = {"session_id": session.ref, "date": _iso(session.when)}
    return status, details | {"attendance": session.attendance}


def no_checkins(
    windows: Sequence[CheckInWindow], today: date, t: Mapping[str, Any]
) -> Finding | None:
    """No check-in answered after the last `sessions` sessions whose check-in was due.

    `windows` are attended sessions, oldest first. A session's check-in window closes when a
    newer attended session is recorded (the form is no longer asked for then), or, for the
    latest session, `window_days` after it.
    """
    count = int(t["sessions"])
    closed = []
    for position, window in enumerate(windows):
        latest = position == len(windows) - 1
        if latest and (today - window.when).days < t["window_days"]:
            continue
        if window.due:
            closed.append(window)
    recent = closed[-count:]
    if len(recent) < count or any(window.answered for window in recent):
        return None
    summary = (
        f"No check-in was answered after the last {_count(count, 'session')} that asked for one."
    )
    evidence = {
        "sessions": [{"session_id": w.session, "date": _iso(w.when)} for w in recent],
        "summary": summary,
    }
    return _run_finding(
        "no_checkins", "checkins", "sessions", [w.session for w in recent], evidence
    )


def no_checkins_followed(evidence: Mapping[str, Any], measure: Measure) -> tuple[str, dict]:
    """Any answered check-in by the client closes the gap."""
    return RECOVERED, {"response_id": measure.ref, "date": _iso(measure.when)}


# --- Client voice -------------------------------------------------------------------------


def client_voice(
    concern: int, when: date | datetime, with_words: bool, recent: Sequence[Rating]
) -> Finding:
    """The client pressed "something isn't working". Always a finding.

    The means of the client's recent alliance ratings are kept as the level the follow-up
    looks for at their next alliance check-in.
    """
    baseline = {}
    for scope in _parts(recent[-1].means if recent else {}):
        values = [rating.means[scope] for rating in recent if scope in rating.means]
        baseline[scope] = round(fmean(values), PLACES)
    return Finding(
        rule="client_voice",
        subject=f"concern:{concern}",
        key=f"concern:{concern}",
        evidence={
            "concern_id": concern,
            "date": _iso(when),
            "with_words": with_words,
            "baseline": baseline,
            "baseline_response_ids": [rating.ref for rating in recent],
            "summary": "The client said something isn't working"
            + (", in their own words." if with_words else "."),
        },
    )


def client_voice_followed(
    evidence: Mapping[str, Any], latest: Rating, t: Mapping[str, Any]
) -> tuple[str, dict]:
    """Recovered when the next alliance check-in is back at the level before the concern and no
    subscale is a weak spot."""
    parts = {}
    for scope, now in latest.means.items():
        earlier = evidence["baseline"].get(scope)
        back = earlier is None or round(earlier - now, PLACES) <= t["recovery_margin"]
        if scope != TOTAL:
            back = back and now >= t["below_mean"]
        parts[scope] = {"now": now, "earlier": earlier, "back": back}
    return _judged(parts, latest)


# --- Helpers ------------------------------------------------------------------------------


def _parts(means: Mapping[str, float]) -> list[str]:
    # Subscales in their own order, then the total.
    return [scope for scope in means if scope != TOTAL] + ([TOTAL] if TOTAL in means else [])


def _scope_of(item: str, subscales: Mapping[str, Sequence[str]]) -> str:
    for scope, items in subscales.items():
        if item in items:
            return scope
    return TOTAL


def _iso(when: date | datetime) -> str:
    return when.isoformat()


def _num(value: float) -> str:
    return f"{value:g}"


def _short(instrument: Instrument) -> str:
    return {"phq9": "PHQ-9", "gad7": "GAD-7"}.get(instrument.code, instrument.code)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
