"""A `QuestionnaireResponse` from another system, stored exactly like a check-in.

The resource is read and checked here; the check-in itself goes through
`measures.services.submit_response`, the same call the check-in form and API make, so it is
scored, stored, audited and run through the alert rules in the same way. The client is the one
in the URL: the resource's `subject`, `authored` time and `encounter` name things in the
sending system, so they are not used (the response is stored now, tied to no session).

Every fault with the request is a `Problems` (answered as a FHIR OperationOutcome), including
the check-in service's own refusals, which are translated rather than left to the API's
`{"detail": …}` handler: a FHIR client reads an OperationOutcome. Whether the caller answers
this form at all is the service's `NotAllowed` (403), as on the check-in API.
"""

import json
import uuid

from alliance.care.models import Client
from alliance.errors import Invalid
from alliance.interop.fhir.responses import Problems, read_answers, read_resource
from alliance.measures import services
from alliance.measures.instruments import all_instruments
from alliance.psychometrics import AnswerError
from alliance.psychometrics.scoring import Scorer

KEY_HEADER = "Idempotency-Key"


def accept_response(client: Client, *, user, body: bytes, key: str | None, request=None):
    """Store the response in `body` for `client` as answered by `user`; returns it and whether
    it is new (a repeated `key` returns the first response)."""
    resource, instrument = read_resource(_json(body), all_instruments())
    # As on the check-in API: whether the caller answers this form comes before the answers.
    services.check_respondent(client, user=user, instrument=instrument)
    answers = read_answers(resource, instrument)
    try:
        Scorer(instrument).validate(answers)
    except AnswerError as error:
        raise Problems([_issue(f"answers.{item}", text) for item, text in error.errors.items()])
    if key is not None and not 1 <= len(key) <= services.MAX_KEY_LENGTH:
        raise Problems(
            [(None, f"The {KEY_HEADER} header must be 1 to {services.MAX_KEY_LENGTH} characters.")]
        )
    try:
        return services.submit_response(
            client,
            user=user,
            instrument=instrument,
            answers=answers,
            key=key or _fresh_key(),
            session=None,
            request=request,
        )
    except Invalid as refusal:
        raise Problems([_issue(field, message) for field, message in refusal.problems]) from None


def _json(body: bytes):
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise Problems([(None, "The request body is not valid JSON.")]) from None


def _issue(field: str | None, message: str) -> tuple[str | None, str]:
    if field == "idempotency_key":
        return None, f"{message} ({KEY_HEADER} header)"
    if field and field.startswith("answers."):
        item = field.removeprefix("answers.")
        return f"QuestionnaireResponse.item.where(linkId='{item}')", message
    return None, message


def _fresh_key() -> str:
    return uuid.uuid4().hex
