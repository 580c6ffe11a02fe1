"""Who counts in a service's figures for a period, and the alliance–outcome link, per person.

- **Paired clients in a period** [start, end]: people with both outcome measures answered at two
  or more sessions, whose last such session up to `end` falls in the period. Their outcome runs
  from the first such session of the course of care (never the start of the period) to that
  last one: `course_outcome(pairs, until=end)`.
- **Early alliance**: the mean of the person's alliance totals at their first three alliance
  check-ins (fewer if there are fewer) up to `end`.
- **Alliance–outcome link**: over paired clients with at least one alliance check-in, Pearson's
  r between the early alliance and the depression measure's change (last − first); see
  `service.correlation`. A lower depression total is better, so the usual finding, a stronger
  alliance going with a better outcome, shows here as a *negative* r.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from .definitions import Instrument, Number
from .outcome import PairedSession, course_outcome
from .service import correlation

EARLY_CHECKINS = 3


def period_outcome(
    pairs: Sequence[PairedSession],
    depression: Instrument,
    anxiety: Instrument,
    *,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any] | None:
    """The person's outcome if they are a paired client in [start, end] (either end open),
    else None."""
    result = course_outcome(pairs, depression, anxiety, until=end)
    if result is None:
        return None
    if start is not None and date.fromisoformat(result["last"]["day"]) < start:
        return None
    return result


def early_alliance(
    checkins: Iterable[tuple[date, Number]], *, until: date | None = None
) -> float | None:
    """The mean of the first three alliance totals (by day) up to `until`, or None without any.

    `checkins` are (day, total) pairs; they are put in day order here, keeping the given order
    between check-ins of the same day.
    """
    considered = sorted(
        (pair for pair in checkins if until is None or pair[0] <= until), key=lambda p: p[0]
    )
    early = [total for _, total in considered[:EARLY_CHECKINS]]
    if not early:
        return None
    return math.fsum(early) / len(early)


def alliance_outcome_link(
    people: Iterable[tuple[float | None, Number]],
) -> dict[str, Any]:
    """Pearson's r between early alliance and depression change over the people who have an
    early alliance, with `n` and the 95% interval (None under five people)."""
    with_alliance = [(alliance, change) for alliance, change in people if alliance is not None]
    return correlation([a for a, _ in with_alliance], [c for _, c in with_alliance])
