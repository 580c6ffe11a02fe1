"""What the goals app announces, for the apps above it to act on (homework, for one).

Sent inside the transaction that closes the goal. Receivers return the records they changed,
which the goal's audit event names with the goal (`send` collects the returns).
"""

from django.dispatch import Signal

# sender=Goal; goal=Goal, closure=Closure, user=User, at=datetime.
goal_closed = Signal()
