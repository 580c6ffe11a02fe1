from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "alliance.goals"
    label = "goals"
    verbose_name = "Goals"
