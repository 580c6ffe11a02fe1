"""Definitions and files shared by the tests."""

import copy
import json
from pathlib import Path

from alliance.psychometrics.registry import SHIPPED_DIR


def shipped_json(code: str) -> dict:
    return json.loads((SHIPPED_DIR / f"{code}.json").read_text(encoding="utf-8"))


def line_form() -> dict:
    """A test-only form of four 0-10 visual-analogue lines; no licensed text is used."""
    return copy.deepcopy(
        {
            "code": "test-lines",
            "name": "Test form with visual-analogue lines",
            "version": "1",
            "citation": "Test fixture, not a published instrument.",
            "licence": "Test fixture.",
            "respondent": "client",
            "perspective": "self",
            "stem": "Mark each line to show how things have been for you.",
            "items": [
                {
                    "id": f"line_{n}",
                    "text": f"Test line {n}",
                    "vas": {"min": 0, "max": 10, "min_label": "Low", "max_label": "High"},
                }
                for n in range(1, 5)
            ],
            "scoring": {"total": "sum"},
            "bands": {
                "citation": "Test fixture.",
                "ranges": [
                    {"min": 0, "max": 25, "label": "Below cut-off"},
                    {"min": 25, "max": 40, "label": "At or above cut-off"},
                ],
            },
            "flags": [
                {
                    "id": "low_line_1",
                    "item": "line_1",
                    "op": "<",
                    "value": 2.5,
                    "severity": "warning",
                    "label": "Line 1 is low",
                    "citation": "Test fixture.",
                }
            ],
            "caseness": {"cutoff": 25, "direction": "below", "citation": "Test fixture."},
            "reliable_change": {"size": 5, "improvement": "increase", "citation": "Test fixture."},
        }
    )


def write_definitions(directory: Path, definitions: dict[str, dict | str]) -> str:
    """Write each definition (a dict, or raw text) to ``directory/<name>``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, definition in definitions.items():
        text = definition if isinstance(definition, str) else json.dumps(definition)
        (directory / name).write_text(text, encoding="utf-8")
    return str(directory)
