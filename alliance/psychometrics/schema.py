"""The validator that turns a decoded JSON definition into an ``Instrument``.

The validator is written out by hand rather than with a schema library so that every complaint
names the field path precisely (``items[3].subscale: unknown subscale 'bnd'``) and so that rules
which span fields (bands must tile the possible totals, flags must point at real items, a subscale
named by an item must list it) are checked in the same place as the shapes.

A definition is one JSON object (``?`` marks an optional key; any other key is rejected, so a
misspelt key cannot be silently ignored):

    code, name, version, citation   strings; ``code`` is lowercase letters, digits and "-"
    licence            the licence or copyright notice shipped with the text
    respondent         "client" | "counselor"
    perspective        "self" | "predicting" (answers as the paired form's respondent would)
    stem               instructions; may contain {counselor} and {client}
    items              [{id, text, loinc?, subscale?, and either
                         options: [{value, label, code?}] or vas: {min, max, min_label?,
                         max_label?}}]; text may contain {counselor} and {client}
    scoring            {total: "sum", subscales?: {name: [item ids]}}
    bands?             {citation, ranges: [{min, max, label}]} covering every possible total
    flags?             [{id, item, op, value, severity, label, citation}]
    caseness?          {cutoff, direction: "at_or_above" | "below", citation}
    reliable_change?   {size, improvement: "decrease" | "increase", citation}
    pairs_with?        code of the form compared with this one item by item
    loinc?             {panel?, total?}; item ``loinc`` and option ``code`` (LA…) likewise
    notes?             free text, e.g. why there are no bands
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .definitions import (
    Band,
    Caseness,
    Flag,
    Instrument,
    Item,
    Number,
    Option,
    ReliableChange,
    Subscale,
    Vas,
    whole_number_scale,
)
from .errors import InstrumentError

RESPONDENTS = ("client", "counselor")
PERSPECTIVES = ("self", "predicting")
FLAG_OPS = (">=", ">", "<=", "<", "==")
SEVERITIES = ("urgent", "warning", "info")
CASENESS_DIRECTIONS = ("at_or_above", "below")
IMPROVEMENTS = ("decrease", "increase")
PLACEHOLDERS = ("counselor", "client")

_CODE = re.compile(r"[a-z][a-z0-9-]*\Z")
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_LOINC = re.compile(r"([0-9]{1,7})-([0-9])\Z")
_ANSWER_CODE = re.compile(r"LA[0-9]{1,7}-[0-9]\Z")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def parse_definition(data: Any, source: str) -> Instrument:
    """Validate one decoded JSON definition; ``source`` names it in any error."""
    try:
        return _instrument(data)
    except _Invalid as exc:
        raise InstrumentError(source, exc.path, exc.message) from None


def loinc_check_digit(number: str) -> int:
    """The mod-10 check digit LOINC codes end with (doubling every other digit from the right)."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit = digit // 10 + digit % 10
        total += digit
    return (10 - total % 10) % 10


class _Invalid(Exception):
    def __init__(self, path: str, message: str):
        super().__init__(path, message)
        self.path = path
        self.message = message


_TOP_REQUIRED = (
    "code",
    "name",
    "version",
    "citation",
    "licence",
    "respondent",
    "perspective",
    "stem",
    "items",
    "scoring",
)
_TOP_OPTIONAL = ("bands", "flags", "caseness", "reliable_change", "pairs_with", "loinc", "notes")


def _instrument(data: Any) -> Instrument:
    _fields(data, "", _TOP_REQUIRED, _TOP_OPTIONAL)
    code = _text(data["code"], "code", pattern=_CODE, what="code (lowercase letters, digits, -)")
    perspective = _text(data["perspective"], "perspective", choices=PERSPECTIVES)
    items = _items(data["items"], "items")
    subscales = _subscales(data["scoring"], "scoring", items)
    integer = whole_number_scale(items)
    lowest = sum(item.lowest for item in items)
    highest = sum(item.highest for item in items)

    bands: tuple[Band, ...] = ()
    bands_citation = None
    if "bands" in data:
        bands, bands_citation = _bands(data["bands"], "bands", lowest, highest, integer)
    caseness = None
    if "caseness" in data:
        caseness = _caseness(data["caseness"], "caseness", lowest, highest)
    reliable = None
    if "reliable_change" in data:
        reliable = _reliable_change(data["reliable_change"], "reliable_change", caseness)

    pairs_with = None
    if "pairs_with" in data:
        pairs_with = _text(data["pairs_with"], "pairs_with", pattern=_CODE, what="code")
        if pairs_with == code:
            raise _Invalid("pairs_with", "an instrument cannot pair with itself")
    elif perspective == "predicting":
        raise _Invalid("pairs_with", "required when perspective is 'predicting'")
    loinc = _fields(data.get("loinc", {}), "loinc", (), ("panel", "total"))

    return Instrument(
        code=code,
        name=_text(data["name"], "name"),
        version=_text(data["version"], "version"),
        citation=_text(data["citation"], "citation"),
        licence=_text(data["licence"], "licence"),
        respondent=_text(data["respondent"], "respondent", choices=RESPONDENTS),
        perspective=perspective,
        stem=_template(data["stem"], "stem"),
        items=items,
        subscales=subscales,
        bands=bands,
        bands_citation=bands_citation,
        flags=_flags(data.get("flags", []), "flags", items),
        caseness=caseness,
        reliable_change=reliable,
        pairs_with=pairs_with,
        loinc_panel=_optional(loinc, "panel", "loinc", _loinc),
        loinc_total=_optional(loinc, "total", "loinc", _loinc),
        notes=_optional(data, "notes", "", _text),
    )


def _items(value: Any, path: str) -> tuple[Item, ...]:
    items: list[Item] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(_array(value, path)):
        here = f"{path}[{index}]"
        item = _item(raw, here)
        if item.id in seen:
            raise _Invalid(
                f"{here}.id", f"duplicate item id {item.id!r} (also {path}[{seen[item.id]}])"
            )
        seen[item.id] = index
        items.append(item)
    return tuple(items)


def _item(raw: Any, path: str) -> Item:
    _fields(raw, path, ("id", "text"), ("options", "vas", "loinc", "subscale"))
    if ("options" in raw) == ("vas" in raw):
        raise _Invalid(path, "needs exactly one of 'options' or 'vas'")
    return Item(
        id=_text(raw["id"], f"{path}.id", pattern=_NAME, what="item id (a-z, 0-9, _)"),
        text=_template(raw["text"], f"{path}.text"),
        options=_options(raw["options"], f"{path}.options") if "options" in raw else (),
        vas=_vas(raw["vas"], f"{path}.vas") if "vas" in raw else None,
        loinc=_optional(raw, "loinc", path, _loinc),
        subscale=_optional(raw, "subscale", path, _text),
    )


def _options(value: Any, path: str) -> tuple[Option, ...]:
    options: list[Option] = []
    for index, raw in enumerate(_array(value, path)):
        here = f"{path}[{index}]"
        _fields(raw, here, ("value", "label"), ("code",))
        option = Option(
            value=_number(raw["value"], f"{here}.value"),
            label=_text(raw["label"], f"{here}.label"),
            code=_optional(raw, "code", here, _answer_code),
        )
        if any(option.value == earlier.value for earlier in options):
            raise _Invalid(f"{here}.value", f"duplicate answer value {option.value}")
        options.append(option)
    return tuple(options)


def _vas(raw: Any, path: str) -> Vas:
    _fields(raw, path, ("min", "max"), ("min_label", "max_label"))
    vas = Vas(
        min=_number(raw["min"], f"{path}.min"),
        max=_number(raw["max"], f"{path}.max"),
        min_label=_optional(raw, "min_label", path, _text),
        max_label=_optional(raw, "max_label", path, _text),
    )
    if vas.max <= vas.min:
        raise _Invalid(f"{path}.max", f"{vas.max} must be greater than min {vas.min}")
    return vas


def _subscales(value: Any, path: str, items: tuple[Item, ...]) -> tuple[Subscale, ...]:
    _fields(value, path, ("total",), ("subscales",))
    if value["total"] != "sum":
        raise _Invalid(f"{path}.total", f"{value['total']!r} is not supported; use 'sum'")
    declared = _fields(value.get("subscales", {}), f"{path}.subscales", (), None)
    ids = {item.id for item in items}
    subscales: list[Subscale] = []
    for name, members in declared.items():
        here = f"{path}.subscales.{name}"
        if not _NAME.match(name):
            raise _Invalid(here, f"{name!r} is not a valid subscale name (a-z, 0-9, _)")
        listed: list[str] = []
        for index, member in enumerate(_array(members, here)):
            if member not in ids:
                raise _Invalid(f"{here}[{index}]", f"unknown item {member!r}")
            if member in listed:
                raise _Invalid(f"{here}[{index}]", f"{member!r} is listed twice")
            listed.append(member)
        subscales.append(Subscale(name, tuple(listed)))

    members_of = {sub.name: sub.items for sub in subscales}
    for index, item in enumerate(items):
        if item.subscale is None:
            continue
        here = f"items[{index}].subscale"
        if item.subscale not in members_of:
            known = ", ".join(members_of) or "none declared"
            raise _Invalid(here, f"unknown subscale {item.subscale!r} (subscales: {known})")
        if item.id not in members_of[item.subscale]:
            raise _Invalid(here, f"{path}.subscales.{item.subscale} does not list {item.id!r}")
    return tuple(subscales)


def _bands(
    value: Any, path: str, lowest: Number, highest: Number, integer: bool
) -> tuple[tuple[Band, ...], str]:
    # Bands must tile the possible totals with no gap and no overlap. Whole-number totals step
    # by 1 from one band to the next; real-valued totals (visual-analogue items) share the
    # boundary, and a total on it belongs to the upper band (see scoring).
    _fields(value, path, ("citation", "ranges"))
    citation = _text(value["citation"], f"{path}.citation")
    step = 1 if integer else 0
    bands: list[Band] = []
    ranges = _array(value["ranges"], f"{path}.ranges")
    for index, raw in enumerate(ranges):
        here = f"{path}.ranges[{index}]"
        _fields(raw, here, ("min", "max", "label"))
        band = Band(
            min=_number(raw["min"], f"{here}.min"),
            max=_number(raw["max"], f"{here}.max"),
            label=_text(raw["label"], f"{here}.label"),
        )
        if band.max < band.min:
            raise _Invalid(f"{here}.max", f"{band.max} is below min {band.min}")
        if index == 0:
            if band.min != lowest:
                raise _Invalid(
                    f"{here}.min", f"the lowest possible total is {lowest}, not {band.min}"
                )
        else:
            expected = bands[-1].max + step
            if band.min != expected:
                problem = "gap" if band.min > expected else "overlap"
                raise _Invalid(
                    f"{here}.min",
                    f"{problem}: starts at {band.min} but the band before ends at "
                    f"{bands[-1].max} (expected {expected})",
                )
        bands.append(band)
    if bands[-1].max != highest:
        raise _Invalid(
            f"{path}.ranges[{len(bands) - 1}].max",
            f"the highest possible total is {highest}, not {bands[-1].max}",
        )
    return tuple(bands), citation


def _flags(value: Any, path: str, items: tuple[Item, ...]) -> tuple[Flag, ...]:
    ids = {item.id for item in items}
    flags: list[Flag] = []
    for index, raw in enumerate(_array(value, path, non_empty=False)):
        here = f"{path}[{index}]"
        _fields(raw, here, ("id", "item", "op", "value", "severity", "label", "citation"))
        flag = Flag(
            id=_text(raw["id"], f"{here}.id", pattern=_NAME, what="flag id (a-z, 0-9, _)"),
            item=_text(raw["item"], f"{here}.item"),
            op=_text(raw["op"], f"{here}.op", choices=FLAG_OPS),
            value=_number(raw["value"], f"{here}.value"),
            severity=_text(raw["severity"], f"{here}.severity", choices=SEVERITIES),
            label=_text(raw["label"], f"{here}.label"),
            citation=_text(raw["citation"], f"{here}.citation"),
        )
        if flag.item not in ids:
            raise _Invalid(f"{here}.item", f"unknown item {flag.item!r}")
        if any(flag.id == earlier.id for earlier in flags):
            raise _Invalid(f"{here}.id", f"duplicate flag id {flag.id!r}")
        flags.append(flag)
    return tuple(flags)


def _caseness(raw: Any, path: str, lowest: Number, highest: Number) -> Caseness:
    _fields(raw, path, ("cutoff", "direction", "citation"))
    caseness = Caseness(
        cutoff=_number(raw["cutoff"], f"{path}.cutoff"),
        direction=_text(raw["direction"], f"{path}.direction", choices=CASENESS_DIRECTIONS),
        citation=_text(raw["citation"], f"{path}.citation"),
    )
    if not lowest <= caseness.cutoff <= highest:
        raise _Invalid(
            f"{path}.cutoff", f"{caseness.cutoff} is outside the totals {lowest} to {highest}"
        )
    return caseness


def _reliable_change(raw: Any, path: str, caseness: Caseness | None) -> ReliableChange:
    _fields(raw, path, ("size", "improvement", "citation"))
    change = ReliableChange(
        size=_number(raw["size"], f"{path}.size"),
        improvement=_text(raw["improvement"], f"{path}.improvement", choices=IMPROVEMENTS),
        citation=_text(raw["citation"], f"{path}.citation"),
    )
    if change.size <= 0:
        raise _Invalid(f"{path}.size", f"{change.size} must be greater than 0")
    if caseness:
        # Caseness at or above a cut-off means a high score is worse, so improving is decreasing.
        consistent = "decrease" if caseness.direction == "at_or_above" else "increase"
        if change.improvement != consistent:
            raise _Invalid(
                f"{path}.improvement",
                f"{change.improvement!r} contradicts caseness.direction "
                f"{caseness.direction!r} (expected {consistent!r})",
            )
    return change


def _fields(
    value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] | None = ()
) -> dict[str, Any]:
    """Check ``value`` is an object with the required keys; ``optional=None`` allows any key."""
    if not isinstance(value, dict):
        raise _Invalid(path or "(top level)", f"expected an object, got {_show(value)}")
    for key in required:
        if key not in value:
            raise _Invalid(_at(path, key), "missing required field")
    if optional is not None:
        allowed = (*required, *optional)
        for key in value:
            if key not in allowed:
                raise _Invalid(_at(path, key), f"unknown field (allowed: {', '.join(allowed)})")
    return value


def _optional(raw: dict[str, Any], key: str, path: str, check: Any) -> Any:
    return check(raw[key], _at(path, key)) if key in raw else None


def _text(
    value: Any,
    path: str,
    *,
    choices: tuple[str, ...] | None = None,
    pattern: re.Pattern[str] | None = None,
    what: str = "",
) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(path, f"expected a non-empty string, got {_show(value)}")
    if choices is not None and value not in choices:
        raise _Invalid(path, f"{value!r} is not one of {', '.join(choices)}")
    if pattern is not None and not pattern.match(value):
        raise _Invalid(path, f"{value!r} is not a valid {what}")
    return value


def _template(value: Any, path: str) -> str:
    text = _text(value, path)
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS:
            raise _Invalid(path, f"unknown placeholder {{{name}}}; use {{counselor}} or {{client}}")
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        raise _Invalid(path, "unbalanced brace; placeholders look like {counselor}")
    return text


def _number(value: Any, path: str) -> Number:
    # bool is an int in Python, but `true` in a definition is a mistake, not the number 1.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _Invalid(path, f"expected a number, got {_show(value)}")
    return value


def _array(value: Any, path: str, *, non_empty: bool = True) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid(path, f"expected an array, got {_show(value)}")
    if non_empty and not value:
        raise _Invalid(path, "must not be empty")
    return value


def _loinc(value: Any, path: str) -> str:
    text = _text(value, path)
    match = _LOINC.match(text)
    if not match:
        raise _Invalid(path, f"{text!r} is not a LOINC code (digits, '-', check digit)")
    expected = loinc_check_digit(match.group(1))
    if int(match.group(2)) != expected:
        raise _Invalid(path, f"{text!r} has a wrong check digit (expected {expected})")
    return text


def _answer_code(value: Any, path: str) -> str:
    text = _text(value, path)
    if not _ANSWER_CODE.match(text):
        raise _Invalid(path, f"{text!r} is not a LOINC answer code (LA…-digit)")
    return text


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    shown = json.dumps(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
