"""Scoring a CSV file of responses, one row at a time.

Rows are read and written one at a time, so memory stays flat however long the file is. The
header is checked before anything is written. A bad data row stops the run with an error naming
the row; because output streams, the rows before it have already been written, so a caller that
needs all or nothing should write to a temporary file and keep it only on success.

Input: a header row of item ids in any order, plus an optional ``id`` column that is carried
through; blank lines are skipped. "row N" in errors counts data rows from 1 (the header is not a
row); "line L" is the line of the file where that row ends.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from .definitions import Instrument
from .errors import AnswerError
from .scoring import Rejected, Scorer

ID_COLUMN = "id"
FORMATS = ("jsonl", "csv")


class CsvError(ValueError):
    pass


class Progress:
    """A row counter redrawn in place on a terminal, at most once per ``interval`` seconds."""

    def __init__(
        self, stream: TextIO, interval: float = 0.25, clock: Callable[[], float] = time.monotonic
    ):
        self._stream = stream
        self._interval = interval
        self._clock = clock
        self._last = clock()
        self._drawn = False

    def update(self, rows: int) -> None:
        now = self._clock()
        if now - self._last >= self._interval:
            self._last = now
            self._draw(rows)

    def close(self, rows: int) -> None:
        if self._drawn:
            self._draw(rows)
            self._stream.write("\n")
            self._stream.flush()

    def _draw(self, rows: int) -> None:
        self._stream.write(f"\rscored {rows:,} rows")
        self._stream.flush()
        self._drawn = True


def score_csv(
    instrument: Instrument,
    source: Iterable[str],
    sink: TextIO,
    fmt: str = "jsonl",
    progress: Progress | None = None,
) -> int:
    """Score every row of ``source`` to ``sink``; returns the number of rows scored."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    reader = csv.reader(source)
    rows = 0
    try:
        header = next(reader, None)
        positions, id_position = _read_header(instrument, header)
        width = len(header or ())
        scorer = Scorer(instrument)
        write = _writer(fmt, sink, instrument, with_id=id_position is not None)
        lookups = [
            (rule.fast, position) for rule, position in zip(scorer.rules, positions, strict=True)
        ]
        compute = scorer.compute
        for row in reader:
            if not row:
                continue
            rows += 1
            if len(row) != width:
                raise _row_error(rows, reader, f"expected {width} fields, got {len(row)}")
            values = [lookup.get(row[position]) for lookup, position in lookups]
            if None in values:
                values = _check_slowly(scorer, positions, row, rows, reader)
            write(None if id_position is None else row[id_position], *compute(values))
            if progress is not None and not rows & 1023:
                progress.update(rows)
    except csv.Error as exc:
        raise _row_error(rows + 1, reader, f"unreadable CSV: {exc}") from None
    except UnicodeDecodeError:
        raise _row_error(rows + 1, reader, "not UTF-8 text") from None
    finally:
        if progress is not None:
            progress.close(rows)
    return rows


def _read_header(instrument: Instrument, header: list[str] | None) -> tuple[list[int], int | None]:
    if not header:
        raise CsvError(f"header: empty file; expected a header row of {instrument.code} item ids")
    names = [name.strip() for name in header]
    known = set(instrument.item_ids)
    for index, name in enumerate(names):
        if name in names[:index]:
            raise CsvError(f"header: column {name!r} appears twice")
        if name != ID_COLUMN and name not in known:
            raise CsvError(
                f"header: unknown column {name!r}; expected {ID_COLUMN} (optional) and "
                f"{', '.join(instrument.item_ids)}"
            )
    missing = [item_id for item_id in instrument.item_ids if item_id not in names]
    if missing:
        raise CsvError(f"header: missing column(s) {', '.join(missing)}")
    positions = [names.index(item_id) for item_id in instrument.item_ids]
    return positions, names.index(ID_COLUMN) if ID_COLUMN in names else None


def _check_slowly(
    scorer: Scorer, positions: list[int], row: list[str], rows: int, reader: Any
) -> list[Any]:
    # The fast lookup missed a cell: re-check every cell with the full rules, which accept
    # spaces and "2.0" and explain what is wrong with anything else.
    values = []
    for rule, position in zip(scorer.rules, positions, strict=True):
        try:
            values.append(rule.check(row[position]))
        except Rejected as exc:
            raise _row_error(rows, reader, str(AnswerError({rule.id: str(exc)}))) from None
    return values


def _row_error(rows: int, reader: Any, message: str) -> CsvError:
    return CsvError(f"row {rows} (line {reader.line_num}): {message}")


def _writer(
    fmt: str, sink: TextIO, instrument: Instrument, *, with_id: bool
) -> Callable[..., None]:
    code = instrument.code
    if fmt == "jsonl":
        dumps = json.dumps

        def write_jsonl(ident, total, subscales, band, flags):
            record = {"id": ident} if with_id else {}
            record.update(instrument=code, total=total, subscales=subscales, band=band, flags=flags)
            sink.write(dumps(record) + "\n")

        return write_jsonl

    out = csv.writer(sink, lineterminator="\n")
    columns = ["total"]
    for sub in instrument.subscales:
        columns += [f"{sub.name}_sum", f"{sub.name}_mean"]
    out.writerow(([ID_COLUMN] if with_id else []) + columns + ["band", "flags"])

    def write_csv(ident, total, subscales, band, flags):
        cells = [ident] if with_id else []
        cells.append(total)
        for parts in subscales.values():
            cells += [parts["sum"], parts["mean"]]
        cells += [band or "", ";".join(flags)]
        out.writerow(cells)

    return write_csv


def stdin_for_csv() -> TextIO:
    """Standard input set up as the csv module expects (no newline translation, BOM dropped)."""
    stream = sys.stdin
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8-sig", newline="")
    return stream
