"""What the measures app announces, for the apps above it to act on (alerts, for one).

Sent inside the transaction that stores the response: a receiver that fails rolls it back, so a
check-in is never stored without its alerts.
"""

from django.dispatch import Signal

# sender=Response; response=Response (scored, stored, in the caller's transaction).
response_submitted = Signal()
