"""Telling people an urgent alert is waiting: a link by email, never a health detail."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse

from alliance.accounts.models import Role, User
from alliance.alerts.models import Alert

log = logging.getLogger(__name__)


def notify_urgent(alert_id: int, *, again: bool = False) -> None:
    """Email the client's counselor and the clinic's supervisors: a link, never health details.
    `again` when an open urgent alert has a new answer in its history."""
    alert = Alert.objects.select_related("client").filter(pk=alert_id).first()
    if alert is None:
        return
    people = User.objects.filter(is_active=True).filter(
        Q(pk=alert.client.counselor_id) | Q(clinic_id=alert.clinic_id, role=Role.SUPERVISOR)
    )
    recipients = sorted({person.email for person in people})
    if not recipients:
        return
    link = settings.SITE_URL + reverse("alert_detail", args=[alert.pk])
    try:
        if again:
            subject = "Alliance: an open urgent alert has something new"
            body = "An urgent alert that is still open has a new check-in in its history."
        else:
            subject = "Alliance: an urgent alert needs your attention"
            body = "A client's check-in raised an urgent alert."
        send_mail(subject, f"{body} Sign in to see it and act today:\n\n{link}\n", None, recipients)
    except OSError:
        # The alert is stored and in every inbox; a mail server being down must not hide it.
        log.exception("Could not email the urgent alert %s", alert_id)
