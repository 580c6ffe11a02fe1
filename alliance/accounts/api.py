from datetime import datetime

from django.contrib.auth import authenticate
from django.utils import timezone
from django_otp import match_token, user_has_device
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from alliance.access import OneLine
from alliance.accounts import services
from alliance.accounts.models import ApiToken
from alliance.schemas import Detail

router = Router(tags=["auth"])

NEEDS_ENROLMENT = "Two-factor sign-in is required: enrol an authenticator app on the web first."
NEEDS_CODE = "A valid one-time code (otp) is required for this account."


class TokenIn(Schema):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=4096)
    otp: str | None = Field(default=None, max_length=12)
    label: OneLine = Field(
        default="", max_length=100, description="Your name for the token, e.g. the device."
    )


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
    checked_code = False
    if user.needs_two_factor():
        if not user_has_device(user, confirmed=True):
            return Status(401, {"detail": NEEDS_ENROLMENT})
        if not payload.otp or match_token(user, payload.otp.strip()) is None:
            return Status(401, {"detail": NEEDS_CODE})
        checked_code = True
    record, token = ApiToken.issue(user, two_factor=checked_code, label=payload.label)
    return Status(200, {"token": token, "expires_at": record.expires_at})


@router.delete("/auth/token", response={204: None}, summary="Revoke this token")
def revoke_token(request):
    record = getattr(request, "api_token", None)
    if record is None:
        raise HttpError(400, "Only a bearer token can be revoked; sign out to end a web session.")
    record.revoked_at = timezone.now()
    record.save(update_fields=["revoked_at"])
    return Status(204, None)


class TokenInfo(Schema):
    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None = Field(description="To the minute.")
    expires_at: datetime
    two_factor: bool = Field(description="Whether a one-time code was checked to issue it.")
    current: bool = Field(description="Whether this request was sent with it.")


class TokenList(Schema):
    items: list[TokenInfo]
    count: int


@router.get("/auth/tokens", response=TokenList, summary="Your tokens")
def list_tokens(request):
    """Your tokens that still work, newest first: when each was issued and last used, and its
    label. Never the token itself, which is stored only as a hash."""
    current = getattr(request, "api_token", None)
    tokens = ApiToken.objects.live().filter(user=request.user).order_by("-created_at", "-id")
    items = [
        {
            "id": token.pk,
            "label": token.label,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "expires_at": token.expires_at,
            "two_factor": token.two_factor,
            "current": current is not None and current.pk == token.pk,
        }
        for token in tokens
    ]
    return {"items": items, "count": len(items)}


@router.delete("/auth/tokens", response={204: None}, summary="Sign out everywhere")
def revoke_all_tokens(request):
    """Revoke every token of yours, this one included, and end every web session."""
    request.user.end_every_session()
    return Status(204, None)


class PasswordIn(Schema):
    current_password: str = Field(min_length=1, max_length=4096)
    new_password: str = Field(min_length=1, max_length=4096)


@router.post(
    "/me/password",
    response={204: None, 429: Detail},
    summary="Change your password",
)
def change_password(request, payload: PasswordIn):
    """Set a new password, by the same rules as the page. Every token (this one included) is
    revoked and every web session ends: sign in again with the new password. A wrong current
    password counts towards the same lockout as the sign-in page."""
    user = request.user
    services.change_password(
        user,
        current=payload.current_password,
        new=payload.new_password,
        request=request,
    )
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
