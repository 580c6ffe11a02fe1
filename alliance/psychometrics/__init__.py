"""Psychometric instruments and the maths around them, in plain Python.

Nothing here imports Django, so the same code serves the web application, the API, the command
line and batch jobs. Instrument definitions are data (``instruments/*.json``), each threshold
carrying its citation.
"""

from .change import (
    classify_change,
    clinical_cutoffs,
    reliable_change_index,
    smallest_reliable_change,
)
from .compare import compare_views
from .definitions import Instrument, Item, Option
from .errors import AnswerError, InstrumentError, UnknownInstrumentError
from .gas import gas_t_score
from .outcome import person_outcome
from .registry import get_instrument, load_instruments, reload_instruments
from .schema import parse_definition
from .scoring import Score, score, validate_answers
from .sudden_gains import SuddenGain, find_sudden_gains

__all__ = [
    "AnswerError",
    "Instrument",
    "InstrumentError",
    "Item",
    "Option",
    "Score",
    "SuddenGain",
    "UnknownInstrumentError",
    "classify_change",
    "clinical_cutoffs",
    "compare_views",
    "find_sudden_gains",
    "gas_t_score",
    "get_instrument",
    "load_instruments",
    "parse_definition",
    "person_outcome",
    "reliable_change_index",
    "reload_instruments",
    "score",
    "smallest_reliable_change",
    "validate_answers",
]
