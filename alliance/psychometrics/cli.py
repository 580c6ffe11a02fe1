"""The `alliance score`, `change`, `outcome` and `instruments` commands.

``main(argv)`` takes the words after the program name, starting with the command. Exit status
is 0 on success and 2 on bad input or a broken definition, with the reason on stderr and nothing
on stdout; the one exception is ``score --csv``, which streams, so rows before a bad row have
already been written when it stops.

Runs without Django: ``python -m alliance.psychometrics.cli score phq9 0 1 2 3 0 1 2 3 0``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable

from .batch import FORMATS, CsvError, Progress, score_csv, stdin_for_csv
from .change import classify_change
from .definitions import Instrument
from .errors import AnswerError, InstrumentError, UnknownInstrumentError
from .outcome import person_outcome
from .registry import ENV_VAR, get_instrument, load_instruments, reload_instruments
from .scoring import score


class UsageError(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # argparse has already printed usage and the reason to stderr
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return args.run(args)
    except (
        UsageError,
        InstrumentError,
        UnknownInstrumentError,
        AnswerError,
        CsvError,
    ) as exc:
        sys.stdout.flush()
        print(f"alliance {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader stopped early (`... | head`). Point stdout at /dev/null so the flush at
        # exit does not fail a second time, and end without a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alliance", description="Score psychometric measures.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scoring = commands.add_parser(
        "score",
        help="score answers to an instrument",
        description="Score one response (answers in item order, or ITEM=VALUE pairs) "
        "or every row of a CSV file whose header names the item ids (plus an optional id column).",
    )
    scoring.add_argument("code", metavar="CODE", help="instrument code, e.g. phq9")
    scoring.add_argument("answers", nargs="*", metavar="ANSWER")
    scoring.add_argument("--csv", metavar="FILE", help="CSV file to score ('-' for stdin)")
    scoring.add_argument("--format", choices=FORMATS, help="output for --csv (default jsonl)")
    scoring.set_defaults(run=_score)

    change = commands.add_parser(
        "change",
        help="the change on one measure between a first and a last total",
        description="Change, reliable change and where each total stands against the cut-off, "
        "on one measure. A person's recovery needs both measures: see `alliance outcome`.",
    )
    change.add_argument("code", metavar="CODE")
    change.add_argument("first", metavar="FIRST", help="total at the first measured session")
    change.add_argument("last", metavar="LAST", help="total at the last measured session")
    change.set_defaults(run=_change)

    outcome = commands.add_parser(
        "outcome",
        help="a person's outcome from their PHQ-9 and GAD-7 totals (NHS Talking Therapies)",
        description="Caseness at the start and end, recovery, reliable improvement, reliable "
        "deterioration and reliable recovery of one person, from the totals at the first and "
        "the last measured session on both measures (NHS Talking Therapies definitions).",
    )
    for code in ("phq9", "gad7"):
        outcome.add_argument(
            f"--{code}",
            nargs=2,
            required=True,
            metavar=("FIRST", "LAST"),
            help=f"{code} totals at the first and the last measured session",
        )
    outcome.set_defaults(run=_outcome)

    instruments = commands.add_parser(
        "instruments",
        help="list, show or check instrument definitions",
        description=f"Shipped definitions plus any in ${ENV_VAR}.",
    )
    actions = instruments.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="one line per instrument: code, name, respondent")
    actions.add_parser("show", help="a definition as JSON").add_argument("code", metavar="CODE")
    actions.add_parser("check", help="validate every definition")
    instruments.set_defaults(run=_instruments)
    return parser


def _score(args: argparse.Namespace) -> int:
    instrument = get_instrument(args.code)
    if args.csv is not None:
        if args.answers:
            raise UsageError("give either answers or --csv FILE, not both")
        return _score_csv(instrument, args.csv, args.format or "jsonl")
    if args.format is not None:
        raise UsageError("--format applies only with --csv")
    result = score(instrument, _answers(instrument, args.answers))
    print(json.dumps(result.to_dict()))
    return 0


def _answers(instrument: Instrument, words: list[str]) -> dict[str, str]:
    ids = instrument.item_ids
    if any("=" in word for word in words):
        answers: dict[str, str] = {}
        for word in words:
            item_id, equals, value = word.partition("=")
            if not equals:
                raise UsageError(f"{word!r}: use ITEM=VALUE for every answer, or none")
            if item_id in answers:
                raise UsageError(f"{item_id}: answered twice")
            answers[item_id] = value
        return answers
    if len(words) != len(ids):
        raise UsageError(
            f"{instrument.code} has {len(ids)} items ({', '.join(ids)}); got {len(words)} answers"
        )
    return dict(zip(ids, words, strict=True))


def _score_csv(instrument: Instrument, path: str, fmt: str) -> int:
    progress = Progress(sys.stderr) if sys.stderr.isatty() else None
    if path == "-":
        score_csv(instrument, stdin_for_csv(), sys.stdout, fmt, progress)
        return 0
    try:
        # utf-8-sig: spreadsheet programs often start a CSV export with a byte-order mark.
        source = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    with source:
        score_csv(instrument, source, sys.stdout, fmt, progress)
    return 0


def _change(args: argparse.Namespace) -> int:
    instrument = get_instrument(args.code)
    first = _number("FIRST", args.first, instrument)
    last = _number("LAST", args.last, instrument)
    try:
        result = classify_change(instrument, first, last)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(json.dumps(result))
    return 0


def _outcome(args: argparse.Namespace) -> int:
    phq9, gad7 = get_instrument("phq9"), get_instrument("gad7")
    totals = [
        _number(f"--{code} {which}", text, instrument)
        for code, instrument in (("phq9", phq9), ("gad7", gad7))
        for which, text in zip(("FIRST", "LAST"), getattr(args, code), strict=True)
    ]
    try:
        result = person_outcome(phq9, totals[0], totals[1], gad7, totals[2], totals[3])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(json.dumps(result))
    return 0


def _number(name: str, text: str, instrument: Instrument) -> int | float:
    if instrument.integer_scored:
        try:
            return int(text)
        except ValueError:
            pass
        try:
            float(text)
        except ValueError:
            raise UsageError(f"{name}: {text!r} is not a number") from None
        raise UsageError(
            f"{name}: {text!r} is not a {instrument.code} total: its totals are whole numbers"
        )
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    raise UsageError(f"{name}: {text!r} is not a number")


def _instruments(args: argparse.Namespace) -> int:
    action: Callable[[argparse.Namespace], int] = {
        "list": _list,
        "show": _show,
        "check": _check,
    }[args.action]
    return action(args)


def _list(args: argparse.Namespace) -> int:
    for instrument in load_instruments().values():
        print(f"{instrument.code}\t{instrument.name}\t{instrument.respondent}")
    return 0


def _show(args: argparse.Namespace) -> int:
    print(json.dumps(get_instrument(args.code).to_dict(), indent=2, ensure_ascii=False))
    return 0


def _check(args: argparse.Namespace) -> int:
    reload_instruments()
    print(f"ok: {len(load_instruments())} instruments")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
