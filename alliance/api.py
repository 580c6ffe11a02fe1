"""The JSON API under /api/v1/: one NinjaAPI, a Router per app, errors always `{"detail": …}`."""

import logging

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth

from alliance.accounts.models import ApiToken
from alliance.errors import Conflict, ServiceError
from alliance.schemas import CURRENT_SHAPES

log = logging.getLogger(__name__)

UNAUTHENTICATED = "Authentication required: send a valid bearer token."
TOKEN_WITHOUT_SECOND_FACTOR = (
    "This token was issued without a one-time code, which your clinic now requires of staff: "
    "ask for a new token with your one-time code."
)


class BearerToken(HttpBearer):
    openapi_description = "A token from POST /api/v1/auth/token, sent as `Authorization: Bearer …`."

    def authenticate(self, request: HttpRequest, token: str):
        record = ApiToken.find(token)
        if record is None:
            return None
        if not record.second_factor_holds():
            request.auth_problem = TOKEN_WITHOUT_SECOND_FACTOR
            return None
        record.note_use()
        request.user = record.user
        request.api_token = record
        request.audit_via = "api"
        return record.user


class VerifiedSession(SessionAuth):
    """The web session, with CSRF, once any second factor the person needs is checked.

    A request that sends a bearer token is judged by its token alone, and one with no signed-in
    session has nothing to protect from cross-site forgery: either is answered 401 when its
    credentials fail, never 403 for a CSRF check it had no reason to pass.
    """

    def __call__(self, request: HttpRequest):
        if "HTTP_AUTHORIZATION" in request.META or not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user is None or (user.needs_two_factor() and not user.is_verified()):
            return None
        request.audit_via = "api"
        return user


api = NinjaAPI(
    title="Alliance API",
    version="1",
    description="Goals, tasks, check-ins and alliance measures shared by counselors and clients.",
    auth=[BearerToken(), VerifiedSession()],
    urls_namespace="api",
    # The interactive docs page loads scripts from a CDN, which our CSP (rightly) forbids.
    docs_url=None,
)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # Ninja reports a body that is not JSON as a 400; the API promises 422 for invalid input.
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        detail = [{"loc": ["body"], "msg": "The request body is not valid JSON.", "type": "json"}]
        return api.create_response(request, {"detail": detail}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    detail = getattr(request, "auth_problem", UNAUTHENTICATED)
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request, exc):
    """The database is restarting, failing over or unreachable: a 503 the client may retry
    (with the same Idempotency-Key), never a 500, and never a 401 that would say the token is
    bad. The connection that failed is closed when the request ends, and the next request
    opens a fresh one."""
    log.warning("Database unavailable for %s %s: %s", request.method, request.path, exc)
    response = api.create_response(
        request,
        {"detail": "The service is briefly unavailable. Please try again in a moment."},
        status=503,
    )
    response["Retry-After"] = "1"
    return response


# Inputs the services name by their Python name that the API receives as headers.
HEADER_FIELDS = {"idempotency_key": "Idempotency-Key"}


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    """Every refusal of every service reaches the API here, and only here."""
    if exc.status == 422:
        detail = []
        for field, message in getattr(exc, "problems", None) or [(exc.field, exc.message)]:
            if field in HEADER_FIELDS:
                loc = ["header", HEADER_FIELDS[field]]
            else:
                loc = [exc.location, *(field.split(".") if field else [])]
            detail.append({"loc": loc, "msg": message, "type": "value_error"})
        return api.create_response(request, {"detail": detail}, status=422)
    body = {"detail": exc.message}
    if isinstance(exc, Conflict) and exc.current is not None:
        shape = CURRENT_SHAPES.get(type(exc.current))
        if shape is not None:
            body["current"] = shape(exc.current)
    return api.create_response(request, body, status=exc.status)


def _register_routers():
    from alliance.accounts.api import router as accounts_router
    from alliance.accounts.clinic_api import router as clinic_settings_router
    from alliance.alerts.api import router as alerts_router
    from alliance.care.api import router as care_router
    from alliance.care.sessions_api import router as sessions_router
    from alliance.goals.api import router as goals_router
    from alliance.homework.api import router as homework_router
    from alliance.interop.api import router as interop_router
    from alliance.journal.api import router as journal_router
    from alliance.measures.api import router as measures_router
    from alliance.notes.api import router as notes_router
    from alliance.reports.api import router as reports_router
    from alliance.reports.clinic_api import router as clinic_router

    # Mounted in this order: the schema lists their operations in it.
    for router in (
        accounts_router,
        clinic_settings_router,
        care_router,
        goals_router,
        homework_router,
        sessions_router,
        measures_router,
        alerts_router,
        journal_router,
        notes_router,
        reports_router,
        clinic_router,
        interop_router,
    ):
        api.add_router("/", router)

    from alliance.interop.api import fhir_response
    from alliance.interop.fhir.responses import Problems

    @api.exception_handler(Problems)
    def fhir_problems(request, exc: Problems):
        # A FHIR client reads what is wrong with what it sent as an OperationOutcome.
        return fhir_response(exc.outcome(), status=422)


_register_routers()
