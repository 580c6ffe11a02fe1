from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


def summaries_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    # Check-ins stored before the summaries existed are summed up on upgrading.
    if using != DEFAULT_DB_ALIAS:
        return
    from alliance.reports import summary

    summary.fill_missing()


class ReportsConfig(AppConfig):
    # The clinic figures' summaries follow each check-in as it is stored (`receivers`).
    name = "alliance.reports"
    label = "reports"
    verbose_name = "Progress and reports"

    def ready(self):
        from alliance.reports import receivers  # noqa: F401

        post_migrate.connect(summaries_after_migrate, sender=self, dispatch_uid="reports.fill")
