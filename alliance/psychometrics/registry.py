"""Loading instrument definitions: the shipped set plus an installation's own directory.

An installation licensed for further forms (for example ORS/SRS, whose text is not shipped) puts
their JSON definitions in the directory named by ``ALLIANCE_INSTRUMENTS_DIR``.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from .definitions import Instrument, Item
from .errors import InstrumentError, UnknownInstrumentError
from .schema import parse_definition

SHIPPED_DIR = Path(__file__).resolve().parent / "instruments"
ENV_VAR = "ALLIANCE_INSTRUMENTS_DIR"


def load_instruments(extra_dir: str | None = None) -> dict[str, Instrument]:
    """All valid definitions by code, sorted by code.

    ``extra_dir`` defaults to ``$ALLIANCE_INSTRUMENTS_DIR``. Raises ``InstrumentError`` naming the
    file and field of the first broken definition, or both files when two share a code.
    Definitions are read once per process; call ``reload_instruments()`` after editing them.
    """
    if extra_dir is None:
        extra_dir = os.environ.get(ENV_VAR) or None
    # A copy, so a caller that edits the dict cannot change what the next caller gets.
    return dict(_load_all(extra_dir))


def get_instrument(code: str, extra_dir: str | None = None) -> Instrument:
    instruments = load_instruments(extra_dir)
    try:
        return instruments[code]
    except KeyError:
        raise UnknownInstrumentError(code, list(instruments)) from None


def reload_instruments() -> None:
    """Forget cached definitions so the next load reads the files again."""
    _load_all.cache_clear()
    _read_dir.cache_clear()


@functools.cache
def _load_all(extra_dir: str | None) -> dict[str, Instrument]:
    found: dict[str, Instrument] = {}
    sources: dict[str, str] = {}
    entries = list(_read_dir(str(SHIPPED_DIR), shipped=True))
    if extra_dir is not None:
        if not Path(extra_dir).is_dir():
            raise InstrumentError(ENV_VAR, None, f"{extra_dir} is not a directory")
        entries += _read_dir(extra_dir, shipped=False)
    for source, instrument in entries:
        if instrument.code in found:
            earlier = sources[instrument.code]
            raise InstrumentError(
                source, "code", f"duplicate code {instrument.code!r}, already defined in {earlier}"
            )
        found[instrument.code] = instrument
        sources[instrument.code] = source
    for code, instrument in found.items():
        _check_pairing(instrument, found, sources[code])
    return dict(sorted(found.items()))


@functools.cache
def _read_dir(directory: str, *, shipped: bool) -> tuple[tuple[str, Instrument], ...]:
    loaded = []
    for path in sorted(Path(directory).glob("*.json")):
        # Shipped files are named by file name alone; an installation's by the path it gave.
        source = path.name if shipped else str(path)
        loaded.append((source, _read_file(path, source)))
    return tuple(loaded)


def _read_file(path: Path, source: str) -> Instrument:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InstrumentError(source, None, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InstrumentError(source, None, "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InstrumentError(
            source, None, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    return parse_definition(data, source)


def _check_pairing(instrument: Instrument, found: dict[str, Instrument], source: str) -> None:
    # Two views are compared item by item, so a pair must share item ids and answer scales.
    if instrument.pairs_with is None:
        return
    other = found.get(instrument.pairs_with)
    if other is None:
        raise InstrumentError(source, "pairs_with", f"unknown instrument {instrument.pairs_with!r}")
    if instrument.item_ids != other.item_ids:
        raise InstrumentError(
            source,
            "pairs_with",
            f"item ids differ from {other.code!r}'s (they must match in order)",
        )
    for index, (mine, theirs) in enumerate(zip(instrument.items, other.items, strict=True)):
        if _scale(mine) != _scale(theirs):
            raise InstrumentError(
                source, f"items[{index}]", f"answer scale differs from {other.code!r}'s {mine.id}"
            )
    if [(s.name, s.items) for s in instrument.subscales] != [
        (s.name, s.items) for s in other.subscales
    ]:
        raise InstrumentError(
            source, "scoring.subscales", f"subscales differ from {other.code!r}'s"
        )


def _scale(item: Item) -> tuple[object, ...]:
    if item.vas:
        return ("vas", item.vas.min, item.vas.max)
    return tuple(option.value for option in item.options)
