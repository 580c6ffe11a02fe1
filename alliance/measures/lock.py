"""The lock that keeps a prediction a prediction, and when each side sees the other's view.

The lock. The counselor answers `wai-sr-predicted` as they expect the client to answer. If
they could see the client's answers for that session first, their "prediction" would be a copy.
So, for the client's own counselor, the client's WAI-SR answers and scores for a session stay
hidden on every page and API operation until the counselor has either
- submitted their prediction for that session, or
- explicitly skipped predicting for it (a `SkippedPrediction`, from the client's alliance page;
  after that a prediction for the session is refused, since it would no longer be one).
Supervisors and administrators do not predict and are not locked out. Responses not tied to a
session cannot be predicted and are not hidden.

The other way round, the client sees a prediction only for a session they have answered
themself, so the counselor's expectation never colours the client's answers; and none at all
where their clinic hides the comparison from clients.

`Response.objects.visible_to(user)` applies all of this (`narrow`), so every query of check-ins
through the access rule respects it; nothing else needs to remember it.
"""

from collections.abc import Callable, Iterable

from django.db.models import Q

from alliance.care.models import Client
from alliance.measures.instruments import ALLIANCE_FORM, PREDICTION_FORM
from alliance.measures.models import ComparisonChoice, Response, SkippedPrediction

REFUSED_AFTER_SKIPPING = (
    "You chose to see the client's answers for this session without predicting, so a "
    "prediction for it now would not be one."
)


# Whether a clinic shows its clients their counselor's predictions is one of the clinic's
# display choices, kept with its alert settings by the app that shows the comparison (an app
# above this one); that app says how to read it at start-up. Until then, predictions are shown.
def _shown_everywhere(clinic_id: int) -> bool:
    return True


_clinic_shows_predictions: Callable[[int], bool] = _shown_everywhere


def read_clinic_choice_with(decide: Callable[[int], bool]) -> None:
    """Say how to tell whether a clinic (by id) shows its clients their counselor's predictions."""
    global _clinic_shows_predictions
    _clinic_shows_predictions = decide


def shown_to_clients(clinic_id: int) -> bool:
    return _clinic_shows_predictions(clinic_id)


def shows_items_to(client: Client) -> bool:
    """Whether `client` sees the comparison statement by statement: not where the clinic hides
    the comparison from clients, nor where it was kept from this client in particular."""
    if not shown_to_clients(client.clinic_id):
        return False
    choice = ComparisonChoice.objects.filter(client=client).first()
    return choice is None or choice.show_items_to_client


def narrow(responses, user):
    """`responses`, already within the records `user` sees, without what they may not see yet.

    - A counselor: not their clients' WAI-SR for a session they have neither predicted nor
      skipped (the lock above).
    - A client: not the counselor's predictions when the clinic hides the comparison from
      clients, nor a prediction for a session before the client has answered their own WAI-SR
      for it.
    Everyone else who may see the record sees it all.
    """
    if not user.is_authenticated:
        return responses
    if user.is_counselor:
        locked = _locked_answers(user).values("session_id")
        return responses.exclude(instrument=ALLIANCE_FORM, session_id__in=locked)
    if user.is_client:
        if not shown_to_clients(user.clinic_id):
            return responses.exclude(instrument=PREDICTION_FORM)
        answered = Response.objects.filter(
            client__user=user, instrument=ALLIANCE_FORM, session__isnull=False
        ).values("session_id")
        return responses.exclude(Q(instrument=PREDICTION_FORM) & ~Q(session_id__in=answered))
    return responses


def _locked_answers(counselor):
    """The client WAI-SR responses of `counselor`'s own clients still locked for them."""
    own = Client.objects.visible_to(counselor)
    # NULLs left out: SQL's NOT IN with a NULL in the list matches nothing, which would unlock
    # every session after one prediction made without a session.
    predicted = Response.objects.filter(
        client__in=own, instrument=PREDICTION_FORM, session__isnull=False
    ).values("session_id")
    return (
        Response.objects.filter(client__in=own, instrument=ALLIANCE_FORM, session__isnull=False)
        .exclude(session_id__in=predicted)
        .exclude(session__skipped_prediction__isnull=False)
    )


def locked_sessions(user, client: Client) -> set[int]:
    """Sessions of `client` whose WAI-SR answers `user` may not see yet: those waiting for
    their prediction, for the pages that ask the counselor to make it."""
    if not client.is_own_counselor(user):
        return set()
    return set(_locked_answers(user).filter(client=client).values_list("session_id", flat=True))


def hidden_from(user, response_ids: Iterable) -> set[int]:
    """Those of `response_ids` that exist but that `user` may not see (yet), in one query: for
    records that quote check-ins, such as an alert's evidence, to withhold what they quote."""
    ids = {pk for pk in response_ids if isinstance(pk, int) and not isinstance(pk, bool)}
    if not ids:
        return set()
    seen = Response.objects.visible_to(user).filter(pk__in=ids).values("pk")
    return set(
        Response.objects.filter(pk__in=ids).exclude(pk__in=seen).values_list("pk", flat=True)
    )


def prediction_refused(session) -> str | None:
    """Why a prediction for `session` can no longer be made, or None when it can."""
    if session is not None and SkippedPrediction.objects.filter(session=session).exists():
        return REFUSED_AFTER_SKIPPING
    return None
