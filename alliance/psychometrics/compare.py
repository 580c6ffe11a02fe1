"""The two views of one alliance, compared item by item and by subscale.

The client answers a form (e.g. WAI-SR) and the counselor answers its paired form (e.g. the same
items answered as they expect the client to answer). Differences are counselor minus client, so
a positive difference means the counselor expected a higher rating than the client gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .definitions import Instrument, Number
from .scoring import DECIMALS, Scorer


def compare_views(
    client_form: Instrument,
    client_answers: Mapping[str, Any],
    counselor_form: Instrument,
    counselor_answers: Mapping[str, Any],
) -> dict[str, Any]:
    """Items, subscale sums and totals of both views with their differences.

    Raises ``ValueError`` when the forms are not a declared pair, and ``AnswerError`` when
    either set of answers does not fit its form.
    """
    if client_form.respondent != "client" or counselor_form.respondent != "counselor":
        raise ValueError(
            "the first form must be answered by the client, the second by the counselor"
        )
    if (
        counselor_form.pairs_with != client_form.code
        and client_form.pairs_with != counselor_form.code
    ):
        raise ValueError(f"{client_form.code} and {counselor_form.code} are not paired forms")

    client_scorer, counselor_scorer = Scorer(client_form), Scorer(counselor_form)
    client = client_scorer.validate(client_answers)
    counselor = counselor_scorer.validate(counselor_answers)
    client_score = client_scorer.compute(list(client.values()))
    counselor_score = counselor_scorer.compute(list(counselor.values()))
    return {
        "items": {item_id: _pair(client[item_id], counselor[item_id]) for item_id in client},
        "subscales": {
            name: _pair(parts["sum"], counselor_score[1][name]["sum"])
            for name, parts in client_score[1].items()
        },
        "total": _pair(client_score[0], counselor_score[0]),
    }


def _pair(client: Number, counselor: Number) -> dict[str, Number]:
    difference = counselor - client
    if isinstance(difference, float):
        difference = round(difference, DECIMALS)
    return {"client": client, "counselor": counselor, "difference": difference}
