"""Kept only for homework, which still calls `on_task_log` here directly; once it announces
`homework.signals.task_logged` instead (see `receivers`), this module goes."""

from alliance.alerts.evaluation import on_task_log  # noqa: F401
