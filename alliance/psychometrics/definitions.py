"""Instrument definitions as frozen dataclasses, built from JSON files by ``schema``.

Field names follow the JSON keys, so ``Instrument.to_dict()`` gives back the shape of the file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

Number = int | float


@dataclass(frozen=True)
class Option:
    value: Number
    label: str
    code: str | None = None  # LOINC answer code (LA…)


@dataclass(frozen=True)
class Vas:
    """A visual-analogue line; any number from ``min`` to ``max`` is a valid answer."""

    min: Number
    max: Number
    min_label: str | None = None
    max_label: str | None = None


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    options: tuple[Option, ...] = ()
    vas: Vas | None = None
    loinc: str | None = None
    subscale: str | None = None

    @property
    def lowest(self) -> Number:
        return self.vas.min if self.vas else min(option.value for option in self.options)

    @property
    def highest(self) -> Number:
        return self.vas.max if self.vas else max(option.value for option in self.options)

    def render(self, counselor: str = "your counselor", client: str = "your client") -> str:
        return render_text(self.text, counselor=counselor, client=client)


@dataclass(frozen=True)
class Band:
    min: Number
    max: Number
    label: str


@dataclass(frozen=True)
class Flag:
    id: str
    item: str
    op: str
    value: Number
    severity: str
    label: str
    citation: str


@dataclass(frozen=True)
class Caseness:
    cutoff: Number
    direction: str
    citation: str

    def applies(self, total: Number) -> bool:
        if self.direction == "at_or_above":
            return total >= self.cutoff
        return total < self.cutoff


@dataclass(frozen=True)
class ReliableChange:
    size: Number
    improvement: str
    citation: str


@dataclass(frozen=True)
class Subscale:
    name: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    version: str
    citation: str
    licence: str
    respondent: str
    perspective: str
    stem: str
    items: tuple[Item, ...]
    subscales: tuple[Subscale, ...] = ()
    bands: tuple[Band, ...] = ()
    bands_citation: str | None = None
    flags: tuple[Flag, ...] = ()
    caseness: Caseness | None = None
    reliable_change: ReliableChange | None = None
    pairs_with: str | None = None
    loinc_panel: str | None = None
    loinc_total: str | None = None
    notes: str | None = None

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def min_total(self) -> Number:
        return sum(item.lowest for item in self.items)

    @property
    def max_total(self) -> Number:
        return sum(item.highest for item in self.items)

    @property
    def integer_scored(self) -> bool:
        """True when every possible total is a whole number (no visual-analogue items)."""
        return whole_number_scale(self.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def render_stem(self, counselor: str = "your counselor", client: str = "your client") -> str:
        return render_text(self.stem, counselor=counselor, client=client)

    def to_dict(self) -> dict[str, Any]:
        """The definition in the same shape as its JSON file."""
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "version": self.version,
            "citation": self.citation,
            "licence": self.licence,
            "respondent": self.respondent,
            "perspective": self.perspective,
            "stem": self.stem,
            "items": [_item_dict(item) for item in self.items],
            "scoring": {
                "total": "sum",
                "subscales": {sub.name: list(sub.items) for sub in self.subscales},
            },
        }
        if self.bands:
            data["bands"] = {
                "citation": self.bands_citation,
                "ranges": [asdict(band) for band in self.bands],
            }
        if self.flags:
            data["flags"] = [asdict(flag) for flag in self.flags]
        if self.caseness:
            data["caseness"] = asdict(self.caseness)
        if self.reliable_change:
            data["reliable_change"] = asdict(self.reliable_change)
        if self.pairs_with:
            data["pairs_with"] = self.pairs_with
        loinc = {"panel": self.loinc_panel, "total": self.loinc_total}
        if any(loinc.values()):
            data["loinc"] = _without_none(loinc)
        if self.notes:
            data["notes"] = self.notes
        return data


def render_text(text: str, *, counselor: str, client: str) -> str:
    rendered = text.replace("{counselor}", counselor).replace("{client}", client)
    # A name substituted at the start of a sentence ("your counselor and I …") needs a capital.
    return rendered[:1].upper() + rendered[1:]


def whole_number_scale(items: tuple[Item, ...]) -> bool:
    """True when every possible total is a whole number (no visual-analogue items)."""
    return all(
        item.vas is None and all(isinstance(o.value, int) for o in item.options) for item in items
    )


def _item_dict(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.id, "text": item.text}
    if item.options:
        data["options"] = [_without_none(asdict(option)) for option in item.options]
    if item.vas:
        data["vas"] = _without_none(asdict(item.vas))
    if item.loinc:
        data["loinc"] = item.loinc
    if item.subscale:
        data["subscale"] = item.subscale
    return data


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}
