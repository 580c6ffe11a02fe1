"""A clinic's alert settings: its thresholds within the ranges of thresholds.json, and whether
its clients see the comparison of the two views."""

import json
import logging

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import Clinic, User
from alliance.alerts import rules
from alliance.alerts.models import ClinicAlertSettings
from alliance.audit import services as audit
from alliance.errors import Invalid, NotAllowed

log = logging.getLogger(__name__)

DEFAULTS = rules.load_defaults()


def clinic_settings(clinic_id: int) -> ClinicAlertSettings:
    """The clinic's saved settings, or unsaved defaults."""
    found = ClinicAlertSettings.objects.filter(clinic_id=clinic_id).first()
    return found or ClinicAlertSettings(clinic_id=clinic_id)


def shows_comparison_to_clients(clinic_id: int) -> bool:
    return clinic_settings(clinic_id).show_comparison_to_clients


# Resolved thresholds by the saved overrides (as canonical JSON), for this process: resolving
# checks every override against thresholds.json, which each check-in would otherwise repeat.
# Keyed by the overrides themselves, so a clinic's change is seen at once by every process.
_resolved: dict[str, dict] = {}
_RESOLVED_KEPT = 256


def thresholds_for(clinic_id: int, *, saved: ClinicAlertSettings | None = None) -> dict:
    if saved is not None:
        overrides = saved.thresholds
    else:
        overrides = (
            ClinicAlertSettings.objects.filter(clinic_id=clinic_id)
            .values_list("thresholds", flat=True)
            .first()
        )
    key = json.dumps(overrides or {}, sort_keys=True)
    resolved = _resolved.get(key)
    if resolved is None:
        try:
            resolved = rules.resolve(DEFAULTS, overrides)
        except rules.ThresholdError:
            # Settings saved under an older thresholds file that no longer fit: the defaults
            # still protect every client while an administrator corrects them.
            log.warning(
                "Clinic %s has alert thresholds that no longer fit; using defaults", clinic_id
            )
            return rules.resolve(DEFAULTS)
        if len(_resolved) >= _RESOLVED_KEPT:
            _resolved.clear()
        _resolved[key] = resolved
    # A copy per caller, so that no caller can change another's.
    return {rule: dict(values) for rule, values in resolved.items()}


def save_settings(
    clinic: Clinic, *, user: User, thresholds: dict, show_comparison_to_clients: bool, request=None
) -> ClinicAlertSettings:
    """Store a clinic's thresholds (checked against thresholds.json) and display choice."""
    if not user.is_clinic_wide or user.clinic_id != clinic.pk:
        raise NotAllowed("Only the clinic's supervisors and administrators change alert settings.")
    try:
        cleaned = rules.check_overrides(DEFAULTS, thresholds)
    except rules.ThresholdError as error:
        field = f"{error.rule}.{error.param}" if error.param else error.rule
        raise Invalid(error.message, field=field) from error
    with transaction.atomic():
        saved, _ = ClinicAlertSettings.objects.update_or_create(
            clinic=clinic,
            defaults={
                "thresholds": cleaned,
                "show_comparison_to_clients": show_comparison_to_clients,
                "updated_by": user,
                "updated_at": timezone.now(),
            },
        )
        audit.record(request, "update", audit.Target("ClinicAlertSettings", saved.pk), actor=user)
    return saved
