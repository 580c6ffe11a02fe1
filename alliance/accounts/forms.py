from django import forms
from django.contrib.auth.forms import AuthenticationForm

from alliance.access import one_line_validator
from alliance.accounts.models import STAFF_ROLES, Role, User


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        # One message for every failure, so the form never tells which accounts exist.
        "invalid_login": "That email and password do not match an account. Please try again.",
        "inactive": "That email and password do not match an account. Please try again.",
    }


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Six-digit code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the six digits your authenticator app shows."},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 8}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class InviteStaffForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=150, validators=[one_line_validator])
    email = forms.EmailField(label="Email", max_length=254)
    role = forms.ChoiceField(
        label="Role",
        choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES],
        initial=Role.COUNSELOR,
    )


class InviteClientForm(forms.Form):
    name = forms.CharField(label="Client's name", max_length=150, validators=[one_line_validator])
    email = forms.EmailField(label="Client's email", max_length=254)
    counselor = forms.ModelChoiceField(
        label="Counselor", queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.role == Role.ADMIN:
            self.fields["counselor"].queryset = User.objects.filter(
                clinic_id=user.clinic_id, role=Role.COUNSELOR, is_active=True
            )
            self.fields["counselor"].required = True
        else:
            del self.fields["counselor"]


class AssignForm(forms.Form):
    counselor = forms.ModelChoiceField(label="Counselor", queryset=User.objects.none())

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = User.objects.filter(
            clinic=clinic, role=Role.COUNSELOR, is_active=True
        )
