from django.apps import AppConfig


class AlertsConfig(AppConfig):
    # The rules are evaluated when the apps below announce a session, a check-in or a task log
    # (`receivers`), inside the transactions that store them; see alliance.alerts.evaluation.
    name = "alliance.alerts"
    label = "alerts"
    verbose_name = "Alerts, repairs and follow-up"

    def ready(self):
        from alliance.alerts import privacy, receivers  # noqa: F401
        from alliance.alerts.thresholds import shows_comparison_to_clients
        from alliance.measures import lock

        # The clinic's choice to show clients the comparison is kept with its alert settings;
        # the check-ins' access rule reads it to hide predictions from clients.
        lock.read_clinic_choice_with(shows_comparison_to_clients)
