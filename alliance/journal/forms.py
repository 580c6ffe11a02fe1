import uuid

from django import forms

from alliance.errors import ServiceError
from alliance.journal import services
from alliance.journal.models import KIND_HELP, MAX_TEXT_LENGTH, Kind


class KindField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            label="What kind of entry is it?",
            choices=Kind.choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Choose what kind of entry this is.",
                "invalid_choice": "Choose one of the kinds of entry listed.",
            },
            **kwargs,
        )


def text_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT_LENGTH}),
        help_text=f"Up to {MAX_TEXT_LENGTH:,} characters.",
        error_messages={"required": "Write something before saving."},
    )


class EntryForm(forms.Form):
    kind = KindField()
    text = text_field("Your entry")
    shared = forms.BooleanField(required=False)
    # A fresh key per form shown: submitting the same form twice stores one entry.
    # Checked by the service, whose message shows above the form (a hidden field has no place
    # to show its own).
    key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, counselor_name: str, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["shared"].label = f"Share this entry with {counselor_name}"
        self.fields[
            "shared"
        ].help_text = "Until you share it, only you can see it. You can change this at any time."

    def clean_text(self):
        return clean(services.clean_text, self.cleaned_data["text"])


class EntryEditForm(forms.Form):
    kind = KindField()
    text = text_field("Your entry")

    def clean_text(self):
        return clean(services.clean_text, self.cleaned_data["text"])


def clean(rule, value):
    try:
        return rule(value)
    except ServiceError as error:
        raise forms.ValidationError(error.message)


def kind_choices_with_help(form):
    """The kind radios paired with a line saying what each kind is for."""
    return [(choice, KIND_HELP[Kind(choice.data["value"])]) for choice in form["kind"]]
