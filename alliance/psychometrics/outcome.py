"""The outcome of a course of care for one person, as NHS Talking Therapies define it.

The definitions are per person, over the depression measure (PHQ-9) and the anxiety measure
(GAD-7) together, using the paired totals at the first and the last measured session of the
course of care (never the start of whatever period a report shows):

- a person is a *case* when at or above the cut-off on either measure (PHQ-9 10, GAD-7 8);
- *recovered*: a case at the start, and below the cut-off on both measures at the end. For a
  person who was not a case at the start recovery does not apply: it is None, not False;
- *reliable improvement*: a reliable improvement on at least one measure (PHQ-9 6 points, GAD-7
  4 points) and a reliable deterioration on neither;
- *reliable deterioration*: a reliable deterioration on at least one measure and a reliable
  improvement on neither;
- *reliable recovery*: recovered and reliably improved together (None where recovery is).

Sources: NHS Digital, "NHS Talking Therapies, for anxiety and depression, Annual Reports,
2023-24" (outcome measures and their definitions); Office for Health Improvement and
Disparities, Fingertips "Common mental disorders" glossary: a referral is a clinical case when
"above the clinical/non-clinical cut-off on one or both" of the anxiety and depression scores.
The cut-offs and reliable-change sizes are data in each instrument's definition, with their
citations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .change import classify_change
from .definitions import Instrument, Number


def person_outcome(
    depression: Instrument,
    depression_first: Number,
    depression_last: Number,
    anxiety: Instrument,
    anxiety_first: Number,
    anxiety_last: Number,
) -> dict[str, Any]:
    """The person's outcome from their paired first and last totals on both measures.

    Returns `caseness_start`, `caseness_end`, `recovered`, `reliable_improvement`,
    `reliable_deterioration`, `reliable_recovery`, and under `measures` the per-measure facts
    (`classify_change`) keyed by instrument code. Raises ValueError for a total that the
    instrument cannot give, naming it.
    """
    if depression.code == anxiety.code:
        raise ValueError("the depression and the anxiety measure must be two different measures")
    facts = {}
    for instrument, first, last in (
        (depression, depression_first, depression_last),
        (anxiety, anxiety_first, anxiety_last),
    ):
        try:
            facts[instrument.code] = classify_change(instrument, first, last)
        except ValueError as error:
            raise ValueError(f"{instrument.code} {error}") from None
    both = list(facts.values())
    caseness_start = any(f["in_clinical_range_first"] for f in both)
    caseness_end = any(f["in_clinical_range_last"] for f in both)
    improved = any(f["reliable_improvement"] for f in both)
    deteriorated = any(f["reliable_deterioration"] for f in both)
    reliable_improvement = improved and not deteriorated
    reliable_deterioration = deteriorated and not improved
    recovered = (not caseness_end) if caseness_start else None
    return {
        "caseness_start": caseness_start,
        "caseness_end": caseness_end,
        "recovered": recovered,
        "reliable_improvement": reliable_improvement,
        "reliable_deterioration": reliable_deterioration,
        "reliable_recovery": (recovered and reliable_improvement) if caseness_start else None,
        "measures": facts,
    }


@dataclass(frozen=True)
class PairedSession:
    """One measured session: the day, and the depression and anxiety totals given at it."""

    key: Any
    day: date
    depression: Number
    anxiety: Number


def paired_sessions(rows: Iterable[tuple[Any, date, str, Number]], depression: str, anxiety: str):
    """The sessions at which both measures were answered, in order.

    `rows` are (session key, day, instrument code, total), one per answered form; a form
    answered twice at one session counts once, as its last answer. Sessions with only one of
    the two measures are left out: the definitions pair the two at the same session.
    """
    by_session: dict[Any, dict] = {}
    for key, day, code, total in rows:
        if key is None or code not in (depression, anxiety):
            continue
        entry = by_session.setdefault(key, {"day": day})
        entry[code] = total
    paired = [
        PairedSession(key, entry["day"], entry[depression], entry[anxiety])
        for key, entry in by_session.items()
        if depression in entry and anxiety in entry
    ]
    return sorted(paired, key=lambda pair: (pair.day, str(pair.key)))


def course_outcome(
    pairs: Sequence[PairedSession],
    depression: Instrument,
    anxiety: Instrument,
    *,
    until: date | None = None,
) -> dict[str, Any] | None:
    """The outcome from the first measured session of the course of care to the last one up
    to `until` (all of them by default), or None with fewer than two measured sessions.

    The baseline is always the first measured session: a report that starts later chooses
    what it shows, never where change is counted from.
    """
    considered = [pair for pair in pairs if until is None or pair.day <= until]
    if len(considered) < 2:
        return None
    first, last = considered[0], considered[-1]
    result = person_outcome(
        depression, first.depression, last.depression, anxiety, first.anxiety, last.anxiety
    )
    result["first"] = {"session": first.key, "day": first.day.isoformat()}
    result["last"] = {"session": last.key, "day": last.day.isoformat()}
    result["sessions_measured"] = len(considered)
    return result
