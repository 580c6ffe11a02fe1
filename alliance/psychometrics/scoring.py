"""Validating answers and scoring one response to an instrument.

Rounding: a total of whole-number answers is an exact integer. A total that involves real
numbers (visual-analogue items), every subscale sum of such answers, and every mean are rounded
to 3 decimal places, enough for item means on a 1–5 scale and for 0–10 lines read to 0.1, and
short enough that the same response always prints the same figures.

Bands are looked up as "the last band whose ``min`` is at or below the total": for whole-number
totals this is the band whose range holds the total; for real-valued totals a total on a shared
boundary belongs to the upper band.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .definitions import Instrument, Item, Number
from .errors import AnswerError

DECIMALS = 3

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Score:
    instrument: str
    total: Number
    subscales: dict[str, dict[str, Number]]
    band: str | None
    flags: list[str]
    mean: float  # the item mean of the total; kept out of to_dict to keep its agreed shape

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "total": self.total,
            "subscales": {name: dict(parts) for name, parts in self.subscales.items()},
            "band": self.band,
            "flags": list(self.flags),
        }


def validate_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, Number]:
    """Answers as numbers, in item order; raises ``AnswerError`` naming every bad item."""
    return Scorer(instrument).validate(answers)


def score(instrument: Instrument, answers: Mapping[str, Any]) -> Score:
    return Scorer(instrument).score(answers)


class Scorer:
    """Lookups worked out once per instrument, so that scoring many responses stays cheap."""

    def __init__(self, instrument: Instrument):
        self.instrument = instrument
        self.rules = tuple(ItemRule(item) for item in instrument.items)
        index = {item.id: position for position, item in enumerate(instrument.items)}
        self._index = index
        self._subscales = tuple(
            (sub.name, tuple(index[item_id] for item_id in sub.items))
            for sub in instrument.subscales
        )
        self._band_mins = [band.min for band in instrument.bands]
        self._band_labels = [band.label for band in instrument.bands]
        self._flags = tuple(
            (flag.id, index[flag.item], _OPS[flag.op], flag.value) for flag in instrument.flags
        )

    def validate(self, answers: Mapping[str, Any]) -> dict[str, Number]:
        values: dict[str, Number] = {}
        errors: dict[str, str] = {}
        for rule in self.rules:
            try:
                values[rule.id] = rule.check(answers.get(rule.id))
            except Rejected as exc:
                errors[rule.id] = str(exc)
        for key in answers:
            if key not in self._index:
                items = ", ".join(self._index)
                errors[str(key)] = f"unknown item; {self.instrument.code} items are {items}"
        if errors:
            raise AnswerError(errors)
        return values

    def score(self, answers: Mapping[str, Any]) -> Score:
        values = list(self.validate(answers).values())
        total, subscales, band, flags = self.compute(values)
        return Score(
            instrument=self.instrument.code,
            total=total,
            subscales=subscales,
            band=band,
            flags=flags,
            mean=round(total / len(values), DECIMALS),
        )

    def compute(
        self, values: list[Number]
    ) -> tuple[Number, dict[str, dict[str, Number]], str | None, list[str]]:
        """Total, subscales, band and flag ids for valid answers given in item order."""
        total = _tidy(sum(values))
        subscales = {}
        for name, positions in self._subscales:
            part = _tidy(sum(values[position] for position in positions))
            subscales[name] = {"sum": part, "mean": round(part / len(positions), DECIMALS)}
        band = None
        if self._band_mins:
            band = self._band_labels[bisect.bisect_right(self._band_mins, total) - 1]
        flags = [flag_id for flag_id, at, op, limit in self._flags if op(values[at], limit)]
        return total, subscales, band, flags


class Rejected(ValueError):
    """One answer does not fit its item; the message says what is allowed."""


class ItemRule:
    """Checks the answer to one item.

    ``fast`` maps the exact text of each allowed answer ("0", "1", …) to its value, so that the
    common case in a CSV file costs one dictionary lookup; anything else goes through ``check``.
    """

    __slots__ = ("id", "fast", "_values", "_vas", "expected")

    def __init__(self, item: Item):
        self.id = item.id
        if item.vas:
            self._vas = (item.vas.min, item.vas.max)
            self._values: dict[Number, Number] = {}
            self.fast: dict[str, Number] = {}
            self.expected = f"a number from {item.vas.min} to {item.vas.max}"
        else:
            self._vas = None
            self._values = {option.value: option.value for option in item.options}
            self.fast = {str(option.value): option.value for option in item.options}
            self.expected = "one of " + ", ".join(str(option.value) for option in item.options)

    def check(self, raw: Any) -> Number:
        if isinstance(raw, str):
            if raw in self.fast:
                return self.fast[raw]
            raw = raw.strip()
        if raw is None or raw == "":
            raise Rejected(f"missing; expected {self.expected}")
        number = _as_number(raw)
        if number is not None:
            if self._vas is None:
                # A lookup, not `in`, so that 2.0 comes back as the option's own value 2.
                value = self._values.get(number)
                if value is not None:
                    return value
            elif self._vas[0] <= number <= self._vas[1]:
                return number
        shown = raw if number is not None and isinstance(raw, str) else repr(raw)
        raise Rejected(f"{shown} is not {self.expected}")


def _as_number(raw: Any) -> Number | None:
    # bool is an int in Python, but True is not an answer to a questionnaire item.
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return raw
    if isinstance(raw, str):
        try:
            return int(raw)
        except ValueError:
            pass
        try:
            return float(raw)
        except ValueError:
            return None
    return None


def _tidy(value: Number) -> Number:
    return round(value, DECIMALS) if isinstance(value, float) else value
