from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "alliance.homework"
    label = "homework"
    verbose_name = "Tasks between sessions"

    def ready(self):
        # Says on the client's "Who sees my data" page who sees this app's data.
        from alliance.goals.models import Goal
        from alliance.goals.signals import goal_closed
        from alliance.homework import privacy  # noqa: F401
        from alliance.homework.services import drop_tasks_of_closed_goal

        # A goal closed by agreement ends its open tasks, in the same transaction.
        goal_closed.connect(
            drop_tasks_of_closed_goal, sender=Goal, dispatch_uid="homework.drop_tasks_of_goal"
        )
