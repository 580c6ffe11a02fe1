"""Goal Attainment Scaling summary score.

Kiresuk, T. J., & Sherman, R. E. (1968). Goal attainment scaling: a general method for
evaluating comprehensive community mental health programs. Community Mental Health Journal,
4(6), 443–453.

Each goal is rated on five levels: −2 much less than expected, −1 less than expected, 0 the
expected outcome, +1 better than expected, +2 much better than expected. The summary is

    T = 50 + 10·Σwᵢxᵢ / √((1 − ρ)·Σwᵢ² + ρ·(Σwᵢ)²)

with weights wᵢ (1 each when not given) and ρ the assumed correlation between goal scores,
conventionally 0.3. T is 50 when every goal reaches its expected outcome; the denominator is
chosen so that T has a standard deviation of 10 when ratings spread as the levels intend.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

LEVELS = (-2, -1, 0, 1, 2)
RHO = 0.3


def gas_t_score(
    levels: Sequence[int], weights: Sequence[float] | None = None, rho: float = RHO
) -> float:
    """The Kiresuk & Sherman T-score of one set of goal ratings (unrounded)."""
    if not levels:
        raise ValueError("levels: at least one goal is needed")
    for index, level in enumerate(levels):
        if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
            raise ValueError(f"levels[{index}]: {level!r} is not one of -2, -1, 0, 1, 2")
    if weights is None:
        weights = [1] * len(levels)
    if len(weights) != len(levels):
        raise ValueError(f"weights: {len(weights)} weights for {len(levels)} goals")
    for index, weight in enumerate(weights):
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise ValueError(f"weights[{index}]: {weight!r} is not a number")
        if not (weight > 0 and math.isfinite(weight)):
            raise ValueError(f"weights[{index}]: {weight!r} must be a positive number")
    if not 0 <= rho < 1:
        raise ValueError(f"rho must be at least 0 and below 1, got {rho}")

    weighted_sum = math.fsum(w * x for w, x in zip(weights, levels, strict=True))
    sum_sq = math.fsum(w * w for w in weights)
    total_weight = math.fsum(weights)
    return 50 + 10 * weighted_sum / math.sqrt((1 - rho) * sum_sq + rho * total_weight**2)
