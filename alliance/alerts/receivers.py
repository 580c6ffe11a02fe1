"""The alerts app listens to what the apps below it announce, and evaluates the rules then.

Each signal is sent inside the transaction that stores its row, so an evaluation that fails
takes the row with it: no session, check-in or task log is ever kept without its alerts.
"""

from django.dispatch import receiver

from alliance.alerts import evaluation
from alliance.care.signals import session_recorded
from alliance.homework.signals import task_logged
from alliance.measures.signals import response_submitted


@receiver(session_recorded, dispatch_uid="alerts.on_session")
def session_recorded_received(sender, session, today=None, **kwargs):
    evaluation.on_session(session, today=today)


@receiver(response_submitted, dispatch_uid="alerts.on_response")
def response_submitted_received(sender, response, **kwargs):
    evaluation.on_response(response)


@receiver(task_logged, dispatch_uid="alerts.on_task_log")
def task_logged_received(sender, task_log, **kwargs):
    evaluation.on_task_log(task_log)
