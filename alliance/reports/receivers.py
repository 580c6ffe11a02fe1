"""The reports app listens to the check-ins the measures app announces, and keeps the clinic
figures' summaries current in the same transaction (see `summary`)."""

from django.dispatch import receiver

from alliance.measures.signals import response_submitted
from alliance.reports import summary


@receiver(response_submitted, dispatch_uid="reports.on_response")
def response_submitted_received(sender, response, **kwargs):
    summary.on_response(response)
