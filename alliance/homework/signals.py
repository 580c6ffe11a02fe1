"""What the homework app announces, for the apps above it to act on (alerts, for one).

Sent inside the transaction that stores the log: a receiver that fails rolls it back.
"""

from django.dispatch import Signal

# sender=TaskLog; task_log=TaskLog.
task_logged = Signal()
