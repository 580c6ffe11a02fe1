"""Who sees check-ins: the client's answers, and the counselor's predictions of them.

Both kinds are the rows of `Response.objects.visible_to(user)`, which narrows them for the
client and their counselor (`measures.lock`); every page and API operation showing responses
goes through it. The conditions below say the same rule row by row.
"""

from dataclasses import replace

from django.db.models import Q

from alliance.accounts.privacy import Audience, Condition, DataKind, Sees, register
from alliance.measures.instruments import ALLIANCE_FORM, PREDICTION_FORM
from alliance.measures.lock import shown_to_clients
from alliance.measures.models import Response, SkippedPrediction

EVERYONE = {Audience.YOU: Sees.ALL, Audience.COUNSELOR: Sees.ALL, Audience.CLINIC: Sees.ALL}


def shown_responses(user, client):
    return Response.objects.visible_to(user).filter(client=client)


def counselor_may_see(response) -> bool:
    """The client's Working together answers for a session wait until their counselor has
    predicted them or chosen not to, so a prediction is never a copy."""
    if response.instrument != ALLIANCE_FORM or response.session_id is None:
        return True
    session = response.session_id
    return (
        Response.objects.filter(session_id=session, instrument=PREDICTION_FORM).exists()
        or SkippedPrediction.objects.filter(session_id=session).exists()
    )


def client_may_see(prediction) -> bool:
    """A prediction waits until the client has answered the same questions for its session, so
    the counselor's expectation never colours the client's answers."""
    return (
        prediction.session_id is not None
        and Response.objects.filter(
            session_id=prediction.session_id, instrument=ALLIANCE_FORM
        ).exists()
    )


def as_the_clinic_chose(kind: DataKind, client) -> DataKind:
    if shown_to_clients(client.clinic_id):
        return kind
    return replace(
        kind,
        sees=kind.sees | {Audience.YOU: Sees.NOTHING},
        description=f"{kind.description} {client.clinic.name} has chosen not to show them "
        "to clients.",
    )


CHECK_INS = register(
    DataKind(
        key="checkins",
        model="measures.Response",
        title="Your check-ins",
        description=(
            "Your answers to the short questions after sessions (Mood, Anxiety and Working "
            "together), kept as you gave them, with their scores."
        ),
        sees=EVERYONE,
        conditions={
            Audience.COUNSELOR: Condition(
                words=(
                    "except your Working together answers for a session until they have "
                    "written down how they expect you to answer, or chosen not to"
                ),
                holds=counselor_may_see,
            )
        },
        writers=frozenset({Audience.YOU}),
        scope=~Q(instrument=PREDICTION_FORM),
        routes={"measures.Response": shown_responses},
        order=12,
    )
)

PREDICTIONS = register(
    DataKind(
        key="predictions",
        model="measures.Response",
        title="How your counselor expects you to answer",
        description=(
            "After a session your counselor answers the Working together questions as they "
            "expect you to answer them, so the two of you can see where your views agree."
        ),
        sees=EVERYONE,
        conditions={
            Audience.YOU: Condition(
                words=(
                    "each one only after you have answered the same questions for that "
                    "session yourself"
                ),
                holds=client_may_see,
            )
        },
        per_clinic=as_the_clinic_chose,
        writers=frozenset({Audience.COUNSELOR}),
        scope=Q(instrument=PREDICTION_FORM),
        routes={"measures.Response": shown_responses},
        order=14,
    )
)
