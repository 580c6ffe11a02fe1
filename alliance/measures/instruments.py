"""The instrument definitions this installation uses: shipped ones plus ALLIANCE_INSTRUMENTS_DIR."""

import re

from django.conf import settings

from alliance.psychometrics import Instrument, load_instruments

CLIENT = "client"
COUNSELOR = "counselor"

# The two views of the alliance: the client's own WAI-SR, and their counselor's answers to the
# same items as they expect the client to answer (the prediction, see `lock`).
ALLIANCE_FORM = "wai-sr"
PREDICTION_FORM = "wai-sr-predicted"
# The outcome measures, each with caseness and a reliable-change size in its definition.
OUTCOME_FORMS = ("phq9", "gad7")


def all_instruments() -> dict[str, Instrument]:
    return load_instruments(settings.INSTRUMENTS_DIR)


def check_definitions() -> None:
    """Raise `InstrumentError` for the first broken definition."""
    all_instruments()


def find(code: str) -> Instrument | None:
    return all_instruments().get(code)


def for_respondent(respondent: str) -> list[Instrument]:
    return [i for i in all_instruments().values() if i.respondent == respondent]


# How the shipped forms are named on screen: what each asks about, then its usual abbreviation.
# An installation's own definitions are shown by their definition's name.
TITLES = {
    "phq9": ("Mood", "PHQ-9"),
    "gad7": ("Anxiety", "GAD-7"),
    "wai-sr": ("Working together", "WAI-SR"),
    "wai-sr-predicted": (
        "Working together, as you expect your client to see it",
        "WAI-SR predicted",
    ),
}


def title(instrument: Instrument) -> str:
    """A heading for the form ("Mood (PHQ-9)")."""
    if instrument.code in TITLES:
        topic, abbreviation = TITLES[instrument.code]
        return f"{topic} ({abbreviation})"
    return instrument.name


def plain_title(instrument: Instrument) -> str:
    """The form's name for a client: what it asks about ("Mood"), without the abbreviation
    by which clinicians know it."""
    if instrument.code in TITLES:
        return TITLES[instrument.code][0]
    return plain_name(instrument)


def plain_name(instrument: Instrument) -> str:
    """The published name without its abbreviation in brackets ("Patient Health
    Questionnaire-9"), for the notice a form is shipped with."""
    partner = find(instrument.pairs_with) if instrument.pairs_with else None
    if instrument.perspective == "predicting" and partner is not None:
        return f"{plain_name(partner)}, answered by the counselor as they expect the client to"
    return re.sub(r"\s*\([A-Z0-9][A-Z0-9\- ]*\)", "", instrument.name)


def client_heading(instrument: Instrument, counselor: str) -> str:
    """The heading a client reads on their pages: plain words, no instrument codes."""
    if instrument.perspective == "predicting":
        return f"How {counselor} expected you to answer"
    return plain_title(instrument)


def client_title(instrument: Instrument, counselor: str) -> str:
    """The heading a client sees: a counselor's prediction is about them, not "your client"."""
    if instrument.perspective == "predicting":
        return f"How {counselor} expected you to answer ({short_name(instrument)})"
    return title(instrument)


def short_name(instrument_or_code) -> str:
    """A column or list label ("PHQ-9")."""
    code = getattr(instrument_or_code, "code", instrument_or_code)
    if code in TITLES:
        return TITLES[code][1]
    instrument = find(code)
    return instrument.name if instrument else code
