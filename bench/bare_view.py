"""The bare baseline for bench_submit.py: the least work a check-in submission can be.

`POST /bench/bare/clients/{client_id}/responses` is a plain Django view: no django-ninja, no
services, no signals, no alert rules, no audit event. It authenticates the bearer token with
`ApiToken.authenticate` (the query the API's own authentication makes), parses the JSON body,
checks that the answers are exactly the nine PHQ-9 items, each a whole number from 0 to 3,
and inserts one row in a transaction. Anything else is a 401 or a 422, as on the API.

The row goes into the same responses table the real endpoint writes (`measures_response`), with
the same columns, indexes, unique constraints and foreign keys, so the baseline pays for the
same insert and, on SQLite, for the same write lock; what the real endpoint costs beyond it is
everything else. The only field worked out is the total (the sum of the answers); the instrument
version is stored as "bare" so that these rows can never be taken for scored ones. The view
does not check that the token's person is the client named in the path (the real endpoint
does, with a query): the baseline is the issue's "authenticate a token, validate nine answers,
insert one row", nothing more.

`bench.bare_settings` serves this URL after all of Alliance's own, with the same middleware,
so that one server answers both endpoints.
"""

import json

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from alliance.accounts.models import ApiToken
from alliance.measures.models import Response
from alliance.urls import urlpatterns as alliance_urlpatterns

ITEMS = tuple(f"phq9_{n}" for n in range(1, 10))
MAX_KEY_LENGTH = 255


def invalid(message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=422)


@csrf_exempt
@require_POST
def submit(request, client_id: int) -> JsonResponse:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    record = ApiToken.authenticate(token) if scheme.lower() == "bearer" and token else None
    if record is None:
        return JsonResponse({"detail": "Authentication required."}, status=401)
    try:
        answers = json.loads(request.body)["answers"]
    except (ValueError, TypeError, KeyError):
        return invalid("Expected a JSON object with answers.")
    if not isinstance(answers, dict) or len(answers) != len(ITEMS):
        return invalid("Expected the nine PHQ-9 answers.")
    values = {}
    for item in ITEMS:
        value = answers.get(item)
        if type(value) is not int or not 0 <= value <= 3:
            return invalid(f"{item}: expected a whole number from 0 to 3.")
        values[item] = value
    key = request.headers.get("Idempotency-Key", "")
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        return invalid(f"The idempotency key must be 1 to {MAX_KEY_LENGTH} characters.")
    user = record.user
    with transaction.atomic():
        response = Response.objects.create(
            client_id=client_id,
            instrument="phq9",
            instrument_version="bare",
            respondent=user,
            respondent_role=user.role,
            answers=values,
            total=sum(values.values()),
            idempotency_key=key,
        )
    return JsonResponse({"id": response.pk}, status=201)


urlpatterns = [
    *alliance_urlpatterns,
    path("bench/bare/clients/<int:client_id>/responses", submit),
]
