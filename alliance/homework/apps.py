from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "alliance.homework"
    label = "homework"
    verbose_name = "Tasks between sessions"

    def ready(self):
        # Says on the client's "Who sees my data" page who sees this app's data.
        from alliance.homework import privacy  # noqa: F401
