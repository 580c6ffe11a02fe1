from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "alliance.goals"
    label = "goals"
    verbose_name = "Goals"

    def ready(self):
        # Says on the client's "Who sees my data" page who sees this app's data.
        from alliance.goals import privacy  # noqa: F401
