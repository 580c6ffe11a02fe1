"""Exceptions raised by the psychometrics package."""


class InstrumentError(ValueError):
    """An instrument definition is broken; the message names the file and the field path."""

    def __init__(self, source: str, path: str | None, message: str):
        self.source = source
        self.path = path
        self.message = message
        where = f"{source}: {path}" if path else source
        super().__init__(f"{where}: {message}")


class UnknownInstrumentError(LookupError):
    """No loaded definition has the requested code."""

    def __init__(self, code: str, known: list[str]):
        self.code = code
        super().__init__(f"unknown instrument {code!r}; known instruments: {', '.join(known)}")

    def __str__(self) -> str:
        # LookupError would otherwise show the message wrapped in quotes, like KeyError does.
        return self.args[0]


class AnswerError(ValueError):
    """Answers do not fit the instrument.

    ``errors`` maps each offending item id to what is wrong with it, so a form or an API can
    attach every message to its own field; ``str()`` joins them for the command line.
    """

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{item}: {message}" for item, message in self.errors.items()))
