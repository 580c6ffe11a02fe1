"""Reliable and clinically significant change.

Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to defining
meaningful change in psychotherapy research. Journal of Consulting and Clinical Psychology,
59(1), 12–19.

Per-measure facts only (change, reliable change, where each total stands against the cut-off);
the outcome of a person, over two measures together, is in `outcome.py`.
"""

from __future__ import annotations

import math
from typing import Any

from .definitions import Instrument, Number

CRITICAL_Z = 1.96


def standard_error(sd: float, rxx: float) -> float:
    """SE = SD₁·√(1 − rₓₓ): the standard error of measurement."""
    _check_sd_rxx(sd, rxx)
    return sd * math.sqrt(1 - rxx)


def s_diff(sd: float, rxx: float) -> float:
    """S_diff = √(2·SE²): the spread of the difference between two scores."""
    return math.sqrt(2 * standard_error(sd, rxx) ** 2)


def reliable_change_index(x1: float, x2: float, sd: float, rxx: float) -> float:
    """RC = (x₂ − x₁) / S_diff; the change is reliable when |RC| > 1.96.

    ``sd`` is the standard deviation of the pre-treatment (or normative) sample and ``rxx``
    the measure's reliability (test–retest or Cronbach's α).
    """
    return (x2 - x1) / s_diff(sd, rxx)


def smallest_reliable_change(sd: float, rxx: float) -> float:
    """1.96·S_diff: the smallest change in points that is reliable at the 5% level."""
    return CRITICAL_Z * s_diff(sd, rxx)


def clinical_cutoffs(
    m_clin: float, sd_clin: float, m_func: float, sd_func: float
) -> tuple[float, float, float]:
    """Cut-offs (a, b, c) between dysfunctional and functional populations.

    Written for measures where a higher score means better functioning:
    a = M_clin + 2·SD_clin (beyond the clinical range), b = M_func − 2·SD_func (within the
    functional range), c = (SD_clin·M_func + SD_func·M_clin) / (SD_clin + SD_func) (nearer the
    functional mean than the clinical one, weighted by spread).
    """
    for name, value in (("sd_clin", sd_clin), ("sd_func", sd_func)):
        if not value > 0:
            raise ValueError(f"{name} must be greater than 0, got {value}")
    a = m_clin + 2 * sd_clin
    b = m_func - 2 * sd_func
    c = (sd_clin * m_func + sd_func * m_clin) / (sd_clin + sd_func)
    return a, b, c


def classify_change(
    instrument: Instrument, first_total: Number, last_total: Number
) -> dict[str, Any]:
    """The facts about one measure between a first and a last total.

    ``change`` is last minus first. ``reliable`` is "improved" when the total moved in the
    better direction by at least the instrument's reliable-change size, "deteriorated" when it
    moved the other way by as much, otherwise "no reliable change" (and the two booleans say
    the same). ``in_clinical_range_first`` / ``_last`` say whether each total is on the case side
    of the instrument's cut-off (at or above 10 on the PHQ-9, 8 on the GAD-7).

    These are facts about one questionnaire. Recovery, reliable improvement and reliable
    deterioration of a *person* are defined over the depression and the anxiety measure
    together: see `alliance.psychometrics.outcome.person_outcome`. Nothing here is "recovery".

    Totals of a whole-number questionnaire (every PHQ-9 or GAD-7 total) must be whole numbers.
    """
    caseness = instrument.caseness
    reliable = instrument.reliable_change
    if caseness is None or reliable is None:
        raise ValueError(
            f"{instrument.code} has no published caseness and reliable-change definition, "
            "so change cannot be classified"
        )
    for name, total in (("first", first_total), ("last", last_total)):
        check_total(instrument, total, name)

    change = last_total - first_total
    if isinstance(change, float):
        change = round(change, 3)
    better = -change if reliable.improvement == "decrease" else change
    if better >= reliable.size:
        verdict = "improved"
    elif better <= -reliable.size:
        verdict = "deteriorated"
    else:
        verdict = "no reliable change"
    return {
        "change": change,
        "reliable": verdict,
        "reliable_improvement": verdict == "improved",
        "reliable_deterioration": verdict == "deteriorated",
        "cutoff": caseness.cutoff,
        "in_clinical_range_first": caseness.applies(first_total),
        "in_clinical_range_last": caseness.applies(last_total),
    }


def check_total(instrument: Instrument, total: Any, name: str) -> None:
    """Refuse a value that cannot be a total of this instrument, naming it `name`."""
    if isinstance(total, bool) or not isinstance(total, int | float) or math.isnan(total):
        raise ValueError(f"{name}: {total!r} is not a number")
    if instrument.integer_scored and total != int(total):
        raise ValueError(
            f"{name}: {total} is not a {instrument.code} total: its totals are whole numbers"
        )
    if not instrument.min_total <= total <= instrument.max_total:
        raise ValueError(
            f"{name}: {total} is not a {instrument.code} total "
            f"({instrument.min_total} to {instrument.max_total})"
        )


def _check_sd_rxx(sd: float, rxx: float) -> None:
    if not sd > 0:
        raise ValueError(f"sd must be greater than 0, got {sd}")
    # rxx = 1 would mean no measurement error, and any change at all would be "reliable".
    if not 0 <= rxx < 1:
        raise ValueError(f"rxx must be at least 0 and below 1, got {rxx}")
