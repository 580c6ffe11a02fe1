"""Figures about a service (a clinic, a counselor's caseload) from its clients' outcomes.

Every figure here is about people, never about check-ins: each paired client counts once, with
the outcome of `outcome.person_outcome`.

- **Rates** (NHS Talking Therapies): the recovery rate and the reliable recovery rate are over
  the paired clients who were a case at the start; the reliable improvement and reliable
  deterioration rates are over every paired client.
- **Small numbers**: a figure computed over fewer than `MIN_GROUP` clients is None ("too few to
  say"), and so is its count. Our rule, not a published one: below five people a rate swings
  wildly with one person and can point at an individual (the same reasoning as the
  small-number suppression in published health statistics).
- **Alliance–outcome link**: Pearson's r with a 95% interval from Fisher's z transformation,
  z = atanh(r), standard error 1/√(n − 3) (Fisher 1921; any statistics text). It describes
  this service's clients; it is not evidence of cause. The published benchmark is r = .278
  (95% CI .256–.299) between alliance and outcome across 295 studies (Flückiger, Del Re,
  Wampold & Horvath 2018, Psychotherapy 55(4), 316–340).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

MIN_GROUP = 5
Z_95 = 1.959963984540054
PLACES = 3


def outcome_figures(outcomes: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts and rates over paired clients' outcomes (`person_outcome` results)."""
    people = list(outcomes)
    paired = len(people)
    cases = [person for person in people if person["caseness_start"]]
    counts = {
        "recovered": sum(1 for person in cases if person["recovered"]),
        "reliable_recovery": sum(1 for person in cases if person["reliable_recovery"]),
        "reliable_improvement": sum(1 for person in people if person["reliable_improvement"]),
        "reliable_deterioration": sum(1 for person in people if person["reliable_deterioration"]),
    }
    over_cases = ("recovered", "reliable_recovery")
    figures: dict[str, Any] = {
        "paired": paired,
        "caseness_start": suppressed(len(cases), paired),
    }
    for name, count in counts.items():
        figures[name] = suppressed(count, len(cases) if name in over_cases else paired)
    figures["recovery_rate"] = rate(counts["recovered"], len(cases))
    figures["reliable_recovery_rate"] = rate(counts["reliable_recovery"], len(cases))
    figures["reliable_improvement_rate"] = rate(counts["reliable_improvement"], paired)
    figures["reliable_deterioration_rate"] = rate(counts["reliable_deterioration"], paired)
    return figures


def suppressed(count: int, group: int) -> int | None:
    """A count over a group, or None when the group is too small to say anything about."""
    return count if group >= MIN_GROUP else None


def rate(count: int, group: int) -> float | None:
    """count ÷ group, rounded, or None under `MIN_GROUP`."""
    if group < MIN_GROUP:
        return None
    return round(count / group, PLACES)


def correlation(xs: Sequence[float], ys: Sequence[float]) -> dict[str, Any]:
    """Pearson's r between paired values, with `n` and a 95% interval (Fisher's z).

    `r` and `ci95` are None under `MIN_GROUP` pairs, or when either variable does not vary
    (r is undefined then). The interval needs n > 3, which `MIN_GROUP` guarantees.
    """
    if len(xs) != len(ys):
        raise ValueError("correlation needs the same number of values on both sides")
    n = len(xs)
    empty = {"r": None, "n": n, "ci95": None}
    if n < MIN_GROUP:
        return empty
    mean_x, mean_y = math.fsum(xs) / n, math.fsum(ys) / n
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return empty
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    r = max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
    if abs(r) == 1:
        ci = [r, r]
    else:
        z, se = math.atanh(r), 1 / math.sqrt(n - 3)
        ci = [math.tanh(z - Z_95 * se), math.tanh(z + Z_95 * se)]
    return {"r": round(r, PLACES), "n": n, "ci95": [round(bound, PLACES) for bound in ci]}


def prediction_accuracy(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> dict[str, Any]:
    """How well a counselor's predictions matched their clients' own answers.

    Each pair is (client, prediction), both shaped `{"total": n, "subscales": {name: n},
    "items": {item_id: n}}` with sums. Gaps are prediction minus client: positive means the
    counselor expected a stronger alliance than the client reported. Returns `sessions`,
    `mean_gap`, `mean_abs_gap`, and the same two per subscale and per item.
    """
    totals: list[float] = []
    subscales: dict[str, list[float]] = {}
    items: dict[str, list[float]] = {}
    for client, predicted in pairs:
        totals.append(predicted["total"] - client["total"])
        for name, value in client["subscales"].items():
            subscales.setdefault(name, []).append(predicted["subscales"][name] - value)
        for item_id, value in client["items"].items():
            items.setdefault(item_id, []).append(predicted["items"][item_id] - value)
    return {
        "sessions": len(totals),
        **_gaps(totals),
        "subscales": {name: _gaps(gaps) for name, gaps in subscales.items()},
        "items": {item_id: _gaps(gaps) for item_id, gaps in items.items()},
    }


def _gaps(gaps: Sequence[float]) -> dict[str, float | None]:
    if not gaps:
        return {"mean_gap": None, "mean_abs_gap": None}
    return {
        "mean_gap": round(math.fsum(gaps) / len(gaps), PLACES),
        "mean_abs_gap": round(math.fsum(abs(gap) for gap in gaps) / len(gaps), PLACES),
    }
