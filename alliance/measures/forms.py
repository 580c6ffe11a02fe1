"""The check-in form (built from an instrument definition) and the counselor's schedule form."""

import uuid

from django import forms

from alliance.measures import services
from alliance.measures.instruments import all_instruments, title
from alliance.psychometrics import AnswerError, Instrument, validate_answers

MISSING = "Choose an answer to this question."


class CheckInForm:
    """Reads and checks the answers to one instrument posted from a page.

    Not a Django form: the fields come from the definition, each item is a fieldset of radio
    buttons, and the checking is the psychometrics core's, so the page and the API refuse
    exactly the same answers.
    """

    def __init__(self, instrument: Instrument, data=None, *, counselor: str, client: str):
        self.instrument = instrument
        self.data = data
        self.errors: dict[str, str] = {}
        self.answers: dict[str, str] = {}
        self.key = ""
        self.names = {"counselor": counselor, "client": client}
        if data is not None:
            self.answers = {item.id: data.get(item.id, "") for item in instrument.items}
            self.key = (data.get("idempotency_key") or "").strip()
        if not self.key or len(self.key) > services.MAX_KEY_LENGTH:
            # A new key for each form shown: a second press of Submit, or a resubmission after
            # a lost connection, sends the same key and gets the first response back.
            self.key = uuid.uuid4().hex

    def is_valid(self) -> bool:
        try:
            validate_answers(self.instrument, self.answers)
        except AnswerError as error:
            self.errors = {
                item: MISSING if message.startswith("missing") else message
                for item, message in error.errors.items()
            }
        return not self.errors

    @property
    def fields(self) -> dict:
        """The questions by item id, where `show_on_form` puts a refusal about one of them."""
        return {item.id: item for item in self.instrument.items}

    def add_error(self, field: str | None, message: str) -> None:
        """As a Django form's: beside the question `field`, or above the form for None."""
        self.errors[field or ""] = message

    @property
    def general_error(self) -> str:
        return self.errors.get("", "")

    @property
    def title(self) -> str:
        return title(self.instrument)

    @property
    def stem(self) -> str:
        return self.instrument.render_stem(**self.names)

    @property
    def items(self) -> list[dict]:
        shown = []
        for number, item in enumerate(self.instrument.items, start=1):
            chosen = str(self.answers.get(item.id, ""))
            shown.append(
                {
                    "id": item.id,
                    "number": number,
                    "text": item.render(**self.names),
                    "error": self.errors.get(item.id, ""),
                    "value": chosen,
                    "vas": item.vas,
                    "options": [
                        {
                            "value": option.value,
                            "label": option.label,
                            "checked": chosen != "" and chosen == str(option.value),
                        }
                        for option in item.options
                    ],
                }
            )
        return shown


class ScheduleForm(forms.Form):
    """One choice per instrument: how often it is asked for."""

    def __init__(self, *args, schedule, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (every, services.describe_interval(every)) for every in services.INTERVAL_CHOICES
        ]
        for code, instrument in all_instruments().items():
            who = "the client" if instrument.respondent == "client" else "you"
            self.fields[code] = forms.TypedChoiceField(
                label=title(instrument),
                help_text=f"Answered by {who}.",
                choices=choices,
                coerce=int,
                initial=schedule.interval(code),
            )

    def intervals(self) -> dict[str, int]:
        return {code: every for code, every in self.cleaned_data.items() if every > 0}
