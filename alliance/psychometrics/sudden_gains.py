"""Sudden gains between consecutive sessions.

Tang, T. Z., & DeRubeis, R. J. (1999). Sudden gains and critical sessions in cognitive-behavioral
therapy for depression. Journal of Consulting and Clinical Psychology, 67(6), 894–904.

A gain between session n and n+1 (scores where lower is better) is sudden when:

1. it is at least a set size (for example the measure's reliable change);
2. it is at least 25% of the score at session n;
3. mean(n−2, n−1, n) − mean(n+1, n+2, n+3) > t·pooled SD, where t is the two-tailed 5% critical
   value of Student's t for the pooled degrees of freedom: 2.776 with all six scores, 3.182 when
   one window lacks one score, 4.303 when each window lacks one.

For a measure where higher is better, pass the negated scores.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Keyed by the number of missing scores across the two three-session windows (df = 4, 3, 2).
CRITICAL_T = {0: 2.776, 1: 3.182, 2: 4.303}
PROPORTION = 0.25


@dataclass(frozen=True)
class SuddenGain:
    """A gain that met criterion 1, with which of the other two criteria held.

    ``before`` and ``after`` index the series (0-based). ``criterion_3`` is None when it could
    not be tested because a window lacks two or more of its three scores.
    """

    before: int
    after: int
    gain: float
    criterion_1: bool
    criterion_2: bool
    criterion_3: bool | None
    critical_value: float | None

    @property
    def is_sudden_gain(self) -> bool:
        return self.criterion_1 and self.criterion_2 and self.criterion_3 is True


def find_sudden_gains(scores: Sequence[float | None], cutoff: float) -> list[SuddenGain]:
    """Every gain of at least ``cutoff`` between consecutive scored sessions, in session order.

    ``scores`` holds one entry per session with None for a session not measured; sessions
    before the first and after the last count as missing in the windows of criterion 3.
    """
    if isinstance(cutoff, bool) or not isinstance(cutoff, int | float) or not cutoff > 0:
        raise ValueError(f"cutoff must be a number greater than 0, got {cutoff!r}")
    for index, value in enumerate(scores):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value)
        ):
            raise ValueError(f"scores[{index}]: {value!r} is not a number or None")

    gains = []
    for n in range(len(scores) - 1):
        here, after = scores[n], scores[n + 1]
        if here is None or after is None:
            continue
        gain = here - after
        if gain < cutoff:
            continue
        criterion_3, critical = _windows_differ(scores, n)
        gains.append(
            SuddenGain(
                before=n,
                after=n + 1,
                gain=gain,
                criterion_1=True,
                criterion_2=gain >= PROPORTION * here,
                criterion_3=criterion_3,
                critical_value=critical,
            )
        )
    return gains


def _windows_differ(scores: Sequence[float | None], n: int) -> tuple[bool | None, float | None]:
    pre = _present(scores, range(n - 2, n + 1))
    post = _present(scores, range(n + 1, n + 4))
    if len(pre) < 2 or len(post) < 2:
        return None, None
    critical = CRITICAL_T[6 - len(pre) - len(post)]
    pooled_var = ((len(pre) - 1) * _variance(pre) + (len(post) - 1) * _variance(post)) / (
        len(pre) + len(post) - 2
    )
    difference = sum(pre) / len(pre) - sum(post) / len(post)
    return difference > critical * math.sqrt(pooled_var), critical


def _present(scores: Sequence[float | None], positions: range) -> list[float]:
    values = (scores[i] for i in positions if 0 <= i < len(scores))
    return [value for value in values if value is not None]


def _variance(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return sum((value - mean) ** 2 for value in values) / (len(values) - 1)
