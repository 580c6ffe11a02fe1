"""The form parts every agreed record's pages share."""

from django import forms

from alliance.agreement.models import NOTE_MAX


class VersionField(forms.IntegerField):
    """The version a change or an agreement is based on, carried in the page."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=2**31 - 1, **kwargs)


def words(label: str, max_length: int, *, required: str | None = None, rows=3, help_text=""):
    """A few lines of the client's words: `required` is the message when it is left empty
    (None: it may be)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required is not None,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required} if required else {},
        help_text=help_text,
    )


class AgreeForm(forms.Form):
    version = VersionField()


class AnswerForm(forms.Form):
    """Confirm or decline a proposal to end the record; its proposer can only withdraw."""

    accept = forms.TypedChoiceField(
        choices=[("yes", "Confirm"), ("no", "Decline")], coerce=lambda v: v == "yes"
    )
    note = forms.CharField(max_length=NOTE_MAX, required=False)
