from django.apps import AppConfig


class AlertsConfig(AppConfig):
    # Rules are evaluated by explicit calls from the services that store the triggering rows
    # (measures.submit_response, care.record_session, homework.log_task), inside their
    # transactions; see alliance.alerts.services.
    name = "alliance.alerts"
    label = "alerts"
    verbose_name = "Alerts, repairs and follow-up"

    def ready(self):
        # Says on the client's "Who sees my data" page who sees this app's data.
        from alliance.alerts import privacy  # noqa: F401
