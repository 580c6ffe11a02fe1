from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "alliance.homework"
    label = "homework"
    verbose_name = "Tasks between sessions"
