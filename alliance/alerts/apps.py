from django.apps import AppConfig


class AlertsConfig(AppConfig):
    # Rules are evaluated by explicit calls from the services that store the triggering rows
    # (measures.submit_response, care.record_session, homework.log_task), inside their
    # transactions; see alliance.alerts.services.
    name = "alliance.alerts"
    label = "alerts"
    verbose_name = "Alerts, repairs and follow-up"
