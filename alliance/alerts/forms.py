from django import forms

from alliance.alerts import rules
from alliance.alerts.actions import KEY_MAX, check_repair
from alliance.alerts.families import ALLIANCE, BEHAVIOUR, OUTCOME, RISK, actions_for, family
from alliance.alerts.models import CONCERN_MAX, NOTE_MAX
from alliance.alerts.thresholds import DEFAULTS
from alliance.errors import ServiceError, show_on_form

NOTE_HELP = {
    ALLIANCE: "What you said or changed, and how the client responded; needed for “Something "
    "else”. Kept encrypted.",
    BEHAVIOUR: "What you said or changed, and how the client responded; needed for “Something "
    "else”. Kept encrypted.",
    OUTCOME: "What you looked at, what you and the client made of it, and what changes; needed "
    "for “Something else”. Kept encrypted.",
    RISK: "What was assessed, done and agreed, and with whom: needed for every risk action. "
    "Kept encrypted.",
}


class RepairForm(forms.Form):
    """What was done about an alert, among the kinds its family accepts (`families`)."""

    kind = forms.ChoiceField(label="What did you do?", choices=(), widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, rule: str = "alliance", **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.fields["kind"].choices = [(a.kind, a.label) for a in actions_for(rule)]
        self.fields["note"].help_text = NOTE_HELP[family(rule)]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["note"] = check_repair(data["kind"], note=data.get("note", ""), rule=self.rule)
        except ServiceError as error:
            show_on_form(self, error)
        return data


class ConcernForm(forms.Form):
    text = forms.CharField(
        label="Would you like to say what isn't working?",
        required=False,
        max_length=CONCERN_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only you, your counselor and the clinic's supervisors can read this.",
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=KEY_MAX)


class SettingsForm(forms.Form):
    """One field per adjustable threshold, and a switch per rule a clinic may turn off."""

    show_comparison_to_clients = forms.BooleanField(
        label="Show clients the comparison of their answers with their counselor's expectations",
        required=False,
    )

    def __init__(self, *args, saved=None, **kwargs):
        super().__init__(*args, **kwargs)
        overrides = (saved.thresholds if saved else {}) or {}
        self.sections = []
        for name, rule in DEFAULTS["rules"].items():
            current = rules.resolve(DEFAULTS, overrides)[name]
            fields = []
            if rule["can_disable"]:
                field_name = f"{name}__enabled"
                self.fields[field_name] = forms.BooleanField(
                    label=f"Raise “{rule['title']}” alerts",
                    required=False,
                    initial=current["enabled"],
                )
                fields.append(field_name)
            for param, spec in rule["params"].items():
                field_name = f"{name}__{param}"
                whole = isinstance(spec["value"], int)
                field_class = forms.IntegerField if whole else forms.FloatField
                self.fields[field_name] = field_class(
                    label=f"{param.replace('_', ' ').capitalize()} ({spec['unit']})",
                    min_value=spec["min"],
                    max_value=spec["max"],
                    initial=current[param],
                    help_text=(
                        f"Default {spec['value']:g}, allowed {spec['min']:g} to {spec['max']:g}. "
                        + (spec.get("citation") or f"{spec['source']}: {spec['reasoning']}")
                    ),
                    widget=forms.NumberInput(attrs={"step": "1" if whole else "0.05"}),
                )
                fields.append(field_name)
            if fields:
                self.sections.append({"title": rule["title"], "fields": [self[f] for f in fields]})
        if saved is not None:
            self.fields["show_comparison_to_clients"].initial = saved.show_comparison_to_clients

    def overrides(self) -> dict:
        """Only the values that differ from the defaults, so later default changes apply."""
        out = {}
        for name, rule in DEFAULTS["rules"].items():
            values = {}
            enabled = self.cleaned_data.get(f"{name}__enabled")
            if rule["can_disable"] and enabled is False:
                values["enabled"] = False
            for param, spec in rule["params"].items():
                value = self.cleaned_data.get(f"{name}__{param}")
                if value is not None and value != spec["value"]:
                    values[param] = value
            if values:
                out[name] = values
        return out
