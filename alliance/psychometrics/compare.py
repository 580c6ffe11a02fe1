"""The two views of one alliance, compared item by item and by subscale.

The client answers a form (e.g. WAI-SR) and the counselor answers its paired form (e.g. the same
items answered as they expect the client to answer). Differences are counselor minus client, so
a positive difference means the counselor expected a higher rating than the client gave.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    return _compare(_scorers(client_form, counselor_form), client_answers, counselor_answers)


def _scorers(client_form: Instrument, counselor_form: Instrument) -> tuple[Scorer, Scorer]:
    """A scorer for each form, once they are checked to be a declared pair."""
    if client_form.respondent != "client" or counselor_form.respondent != "counselor":
        raise ValueError(
            "the first form must be answered by the client, the second by the counselor"
        )
    if (
        counselor_form.pairs_with != client_form.code
        and client_form.pairs_with != counselor_form.code
    ):
        raise ValueError(f"{client_form.code} and {counselor_form.code} are not paired forms")
    return Scorer(client_form), Scorer(counselor_form)


def _compare(
    scorers: tuple[Scorer, Scorer],
    client_answers: Mapping[str, Any],
    counselor_answers: Mapping[str, Any],
) -> dict[str, Any]:
    client_scorer, counselor_scorer = scorers
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


def compare_series(
    client_form: Instrument,
    counselor_form: Instrument,
    pairs: Iterable[tuple[Any, Mapping[str, Any], Mapping[str, Any]]],
) -> list[dict[str, Any]]:
    """``compare_views`` for many occasions (e.g. sessions) at once: the two views over time.

    ``pairs`` holds ``(key, client_answers, counselor_answers)``; each result carries its
    ``key``, in the order given. The forms are checked and their scorers built once.
    """
    scorers = _scorers(client_form, counselor_form)
    return [
        {"key": key, **_compare(scorers, client, counselor)} for key, client, counselor in pairs
    ]


def view_means(comparison: Mapping[str, Any], instrument: Instrument) -> dict[str, Any]:
    """A ``compare_views`` result as item means (the answer scale, e.g. 1–5), by subscale and
    for the total, with the difference (counselor minus client) in the same unit.

    Subscales of different lengths, and the total, become comparable with each other and with
    the labels of the answer scale ("3 = fairly often"), which sums are not.
    """
    sizes = {sub.name: len(sub.items) for sub in instrument.subscales}
    means = {}
    for name, pair in comparison["subscales"].items():
        means[name] = _mean_pair(pair, sizes[name])
    means["total"] = _mean_pair(comparison["total"], len(instrument.items))
    return means


def agreement(means: Mapping[str, Mapping[str, Number]], agree_within: Number) -> dict[str, str]:
    """Each part of ``view_means`` as "agree", "client_lower" or "client_higher".

    The views agree when the difference is smaller than ``agree_within``; "client_lower" means
    the client rated it lower than the counselor expected, by ``agree_within`` or more.
    """
    if not agree_within > 0:
        raise ValueError(f"agree_within must be greater than 0, got {agree_within}")
    verdicts = {}
    for name, pair in means.items():
        difference = pair["difference"]
        if difference >= agree_within:
            verdicts[name] = "client_lower"
        elif difference <= -agree_within:
            verdicts[name] = "client_higher"
        else:
            verdicts[name] = "agree"
    return verdicts


def _mean_pair(pair: Mapping[str, Number], size: int) -> dict[str, Number]:
    client = round(pair["client"] / size, DECIMALS)
    counselor = round(pair["counselor"] / size, DECIMALS)
    # From the sums, so that rounding the two means cannot nudge a gap across a threshold.
    difference = round(pair["difference"] / size, DECIMALS)
    return {"client": client, "counselor": counselor, "difference": difference}
