from django import forms

from alliance.agreement.forms import VersionField, words
from alliance.goals.forms import RecordChoiceField
from alliance.goals.models import OPEN_STATUSES, Goal
from alliance.homework.models import (
    FIT_LABELS,
    FIT_QUESTION,
    FREQUENCY_MAX,
    NOTE_MAX,
    TASK_TEXT_MAX,
    LogStatus,
    TaskDrop,
)


class TaskForm(forms.Form):
    goal = RecordChoiceField(
        label="For which goal?",
        queryset=Goal.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the goal this task serves."},
    )
    text = words("The task", TASK_TEXT_MAX, required="Describe the task in a few words.")
    frequency = forms.CharField(
        label="How often",
        max_length=FREQUENCY_MAX,
        required=False,
        help_text="For example “every morning”, “twice a week”, “once before our next session”.",
    )
    version = VersionField(required=False)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(
            client=client, status__in=OPEN_STATUSES
        ).order_by("created_at", "id")

    def changes(self) -> dict:
        """What the task's services are asked to write, by their arguments' names."""
        data = self.cleaned_data
        return {"goal_id": data["goal"].pk, "text": data["text"], "frequency": data["frequency"]}


class DropForm(forms.Form):
    note = words("Why drop it?", NOTE_MAX, required=TaskDrop.note_needed)
    version = VersionField()


class LogForm(forms.Form):
    status = forms.ChoiceField(
        label="How did it go?",
        choices=LogStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose done, partly or not done."},
    )
    fit = forms.TypedChoiceField(
        label=FIT_QUESTION,
        choices=[(n, f"{n} {label}") for n, label in FIT_LABELS.items()],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose how well the task fit you, from 1 to 5."},
    )
    note = forms.CharField(label="Note", max_length=NOTE_MAX, required=False)
    key = forms.CharField(max_length=64, required=False)
