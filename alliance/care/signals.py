"""What the care app announces, for the apps above it to act on (alerts, for one).

Sent inside the transaction that stores the row: a receiver that fails rolls the row back with
it, so a session is never stored without what it sets off.
"""

from django.dispatch import Signal

# sender=Session; session=Session, today=date (the day it is recorded on).
session_recorded = Signal()
