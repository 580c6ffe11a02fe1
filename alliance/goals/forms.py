from django import forms
from django.core.exceptions import ValidationError

from alliance.access import MAX_ID
from alliance.agreement.forms import VersionField, words
from alliance.goals.models import (
    GOAL_TEXT_MAX,
    LEVEL_NAMES,
    LEVEL_TEXT_MAX,
    LEVELS,
    NOTE_MAX,
    VALUE_TEXT_MAX,
    WEIGHT_MAX,
    WHY_MAX,
    Closure,
    Value,
    level_label,
)


def _possible_id(value) -> bool:
    text = str(value).strip()
    return text.isdigit() and 1 <= int(text) <= MAX_ID


class RecordChoiceField(forms.ModelChoiceField):
    """A choice of record whose id is checked for range before any query (SQLite cannot
    even compare a number beyond 64 bits)."""

    def to_python(self, value):
        if value not in self.empty_values and not _possible_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RecordMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not _possible_id(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(item)[:20]},
                )
        return super()._check_values(value)


class GoalForm(forms.Form):
    text = words("The goal", GOAL_TEXT_MAX, required="Write the goal in a few words.")
    why = words("Why this matters to me", WHY_MAX)
    values = RecordMultipleChoiceField(
        label="Values it serves",
        queryset=Value.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = VersionField(required=False)

    def __init__(self, *args, client, for_client: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["values"].queryset = Value.objects.filter(client=client)
        if for_client:
            self.fields["text"].label = "Your goal, in your own words"
            self.fields["values"].label = "Which of your values does it serve?"
        else:
            self.fields["text"].label = f"The goal, in {client.name}'s words"
            self.fields["why"].label = f"Why this matters to {client.name}"

    def changes(self) -> dict:
        """What the goal's services are asked to write, by their arguments' names."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "why": data["why"],
            "value_ids": [v.pk for v in data["values"]],
        }


class ScaleForm(forms.Form):
    """One field per level, +2 first: people write the hoped-for outcome before the worst."""

    weight = forms.TypedChoiceField(
        label="How much this goal counts in the overall score",
        choices=[(n, str(n)) for n in range(1, WEIGHT_MAX + 1)],
        coerce=int,
        initial=1,
        help_text="1 for most goals; more for a goal that matters more than the others.",
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level in reversed(LEVELS):
            self.fields[self.field_name(level)] = words(
                f"{level_label(level)}: {LEVEL_NAMES[level]}",
                LEVEL_TEXT_MAX,
                required=f"Describe level {level_label(level)} in a few words.",
                rows=2,
            )
        self.order_fields([self.field_name(level) for level in reversed(LEVELS)])

    @staticmethod
    def field_name(level: int) -> str:
        return f"level_{'m' if level < 0 else ''}{abs(level)}"

    def level_fields(self):
        return [self[self.field_name(level)] for level in reversed(LEVELS)]

    def levels(self) -> dict[str, str]:
        return {str(level): self.cleaned_data[self.field_name(level)] for level in LEVELS}

    def changes(self) -> dict:
        """What `set_scale` is asked to write, by its arguments' names."""
        return {"levels": self.levels(), "weight": self.cleaned_data["weight"]}


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label="Where does this goal stand now?",
        choices=[(level, level_label(level)) for level in reversed(LEVELS)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a level from −2 to +2."},
    )


class RevisitForm(forms.Form):
    reason = words(
        "What would you like to talk over?",
        NOTE_MAX,
        required="Say what you would like to talk over, in a sentence.",
        rows=4,
    )


class ClosureForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Close the goal as",
        choices=Closure.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose achieved or retired."},
    )
    note = words(
        "A note for both of you",
        NOTE_MAX,
        required=Closure.note_needed,
        help_text="What was reached, or why the goal is being set aside.",
    )
    version = VersionField()


class ValueForm(forms.Form):
    text = forms.CharField(
        label="A value that matters to you",
        max_length=VALUE_TEXT_MAX,
        help_text="A word or two, such as “family”, “honesty” or “being outdoors”.",
        error_messages={"required": "Write the value in a word or two."},
    )
