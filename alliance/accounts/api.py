from datetime import datetime

from django.contrib.auth import authenticate
from django.utils import timezone
from django_otp import match_token, user_has_device
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from alliance.accounts.models import ApiToken
from alliance.schemas import Detail

router = Router(tags=["auth"])

NEEDS_ENROLMENT = "Two-factor sign-in is required: enrol an authenticator app on the web first."
NEEDS_CODE = "A valid one-time code (otp) is required for this account."


class TokenIn(Schema):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=4096)
    otp: str | None = Field(default=None, max_length=12)


class TokenOut(Schema):
    token: str
    expires_at: datetime


class ClinicOut(Schema):
    id: int
    name: str


class MeOut(Schema):
    id: int
    email: str
    name: str
    role: str
    clinic: ClinicOut
    client_id: int | None
    two_factor: bool


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: Detail, 429: Detail},
    summary="Get a token",
)
def create_token(request, payload: TokenIn):
    """Exchange email, password and (where two-factor is on) a one-time code for a bearer token.

    Failures are counted towards the same lockout as the sign-in page.
    """
    user = authenticate(request, username=payload.email, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return Status(429, {"detail": "Too many failed attempts. Try again later."})
    if user is None:
        return Status(401, {"detail": "That email and password do not match an account."})
    if user.needs_two_factor():
        if not user_has_device(user, confirmed=True):
            return Status(401, {"detail": NEEDS_ENROLMENT})
        if not payload.otp or match_token(user, payload.otp.strip()) is None:
            return Status(401, {"detail": NEEDS_CODE})
    record, token = ApiToken.issue(user)
    return Status(200, {"token": token, "expires_at": record.expires_at})


@router.delete("/auth/token", response={204: None}, summary="Revoke this token")
def revoke_token(request):
    record = getattr(request, "api_token", None)
    if record is None:
        raise HttpError(400, "Only a bearer token can be revoked; sign out to end a web session.")
    record.revoked_at = timezone.now()
    record.save(update_fields=["revoked_at"])
    return Status(204, None)


@router.get("/me", response=MeOut, summary="Who am I")
def me(request):
    user = request.user
    client = getattr(user, "client_record", None) if user.is_client else None
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "clinic": {"id": user.clinic_id, "name": user.clinic.name},
        "client_id": client.pk if client else None,
        "two_factor": user_has_device(user, confirmed=True),
    }
