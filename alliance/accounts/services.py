"""Writes that touch several models: clinics, people, invitations, assignments."""

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance.access import NOT_ONE_LINE, is_one_line
from alliance.accounts.models import STAFF_ROLES, Clinic, Invitation, Role, User
from alliance.audit import services as audit
from alliance.care.models import Assignment, Client
from alliance.errors import Invalid, NotAllowed, TooManyAttempts


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email_form(email: str):
    # The web forms and the API check the form of an address first; the command line does not.
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid("Enter a valid email address.", field="email")


def account_with(email: str) -> User | None:
    """The account that signs in with this address, if any (stand-ins never do)."""
    return User.objects.filter(email__iexact=email, address_in_use=False).first()


def check_email_free(email: str):
    check_email_form(email)
    if account_with(email) is not None:
        raise Invalid("Someone with this email address already has an account.", field="email")


def clean_name(value, field: str = "name", *, required: str | None = None) -> str:
    """A person's or clinic's name: one line (it goes into emails), trimmed."""
    value = str(value or "").strip()
    if not is_one_line(value):
        raise Invalid(NOT_ONE_LINE, field=field)
    if required and not value:
        raise Invalid(required, field=field)
    return value


class LockedOut(TooManyAttempts):
    """Too many failed password attempts for this account from this address."""

    def __init__(self, message: str = "Too many failed attempts. Try again later."):
        super().__init__(message)


def change_password(user: User, *, current: str, new: str, request=None) -> None:
    """Set a new password after checking the current one; every session and token ends (see
    `User.save`). A wrong current password counts towards the sign-in lockout."""
    checked = authenticate(request, username=user.email, password=current)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut
    if checked is None or checked.pk != user.pk:
        raise Invalid("That is not your current password.", field="current_password")
    try:
        password_validation.validate_password(new, user)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), field="new_password")
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        audit.record(
            request,
            "password",
            audit.Target("User", user.pk, clinic_id=user.clinic_id),
            actor=user,
            detail="changed; every session and token ended",
        )


@transaction.atomic
def create_clinic(name: str, admin_email: str, admin_name: str = "", password: str | None = None):
    name = clean_name(name, required="A clinic needs a name.")
    admin_name = clean_name(admin_name, "admin_name")
    if Clinic.objects.filter(name__iexact=name).exists():
        raise Invalid(f"A clinic called {name!r} already exists.", field="name")
    email = normalise_email(admin_email)
    check_email_free(email)
    clinic = Clinic.objects.create(name=name)
    admin = User.objects.create_user(
        email, password, name=admin_name or email, clinic=clinic, role=Role.ADMIN
    )
    return clinic, admin


@transaction.atomic
def add_user(
    clinic: Clinic,
    role: str,
    email: str,
    name: str = "",
    password: str | None = None,
    counselor: User | None = None,
    by: User | None = None,
    request=None,
    address_in_use: bool = False,
):
    """Create a person in a clinic. A client needs a counselor of the same clinic.

    `address_in_use` makes the stand-in for an invitation to an address that already has an
    account elsewhere (see `User.address_in_use`)."""
    email = normalise_email(email)
    if role not in Role.values:
        raise Invalid(f"Role must be one of {', '.join(Role.values)}.", field="role")
    name = clean_name(name)
    if not address_in_use:
        check_email_free(email)
    client = None
    if role == Role.CLIENT:
        if counselor is None:
            raise Invalid("A client needs a counselor.", field="counselor")
        if counselor.clinic_id != clinic.pk or counselor.role != Role.COUNSELOR:
            raise Invalid(
                "The counselor must be a counselor of the same clinic.", field="counselor"
            )
    user = User.objects.create_user(
        email, password, name=name or email, clinic=clinic, role=role, address_in_use=address_in_use
    )
    if role == Role.CLIENT:
        client = Client.objects.create(user=user, clinic=clinic, counselor=counselor)
        Assignment.objects.create(client=client, counselor=counselor, assigned_by=by)
        audit.record(request, "create", audit.for_client(client), actor=by)
    return user, client


def send_invitation(user: User, *, invited_by: User | None) -> str:
    """Issue a fresh single-use link (earlier unused links stop working) and email it.

    A stand-in's link is issued (its record shows the invitation as sent, and later as
    expired, as any other) but never sent: the person with the address is told instead that
    they already have an account, and nothing else."""
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(expires_at=timezone.now())
    invitation, token = Invitation.issue(user, invited_by)
    clinic = user.clinic.name
    if user.address_in_use:
        context = {"name": user.name, "invited_by": invited_by, "clinic": clinic}
        send_mail(
            subject=f"You are invited to {clinic} on Alliance",
            message=render_to_string("accounts/emails/invitation_address_in_use.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
        return ""
    link = settings.SITE_URL + reverse("accept_invitation", args=[token])
    context = {"user": user, "invited_by": invited_by, "link": link, "invitation": invitation}
    send_mail(
        subject=f"You are invited to {clinic} on Alliance",
        message=render_to_string("accounts/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return token


def _invitee_address(by: User, email: str) -> bool:
    """Check an invited address; return whether it already has an account in another clinic.

    Inside the inviter's own clinic the answer says so (the clinic sees its own people). An
    account in another clinic must not be revealed: the invitation is answered and recorded
    exactly as for a new address (see `User.address_in_use`), and the person is told by
    email that they already have an account."""
    email = normalise_email(email)
    check_email_form(email)
    existing = account_with(email)
    if existing is None:
        return False
    if existing.clinic_id == by.clinic_id:
        raise Invalid("Someone with this email address already has an account.", field="email")
    return True


@transaction.atomic
def invite_staff(by: User, *, email: str, name: str, role: str, request=None) -> User:
    if by.role != Role.ADMIN:
        raise NotAllowed("Only administrators invite staff.")
    if role not in {r.value for r in STAFF_ROLES}:
        raise Invalid("Staff are administrators, supervisors or counselors.", field="role")
    name = clean_name(name)
    in_use = _invitee_address(by, email)
    user, _ = add_user(by.clinic, role, email, name, by=by, request=request, address_in_use=in_use)
    send_invitation(user, invited_by=by)
    return user


@transaction.atomic
def invite_client(
    by: User, *, email: str, name: str, counselor: User | None = None, request=None
) -> Client:
    """A counselor invites their own client; an administrator names the counselor."""
    if by.role == Role.COUNSELOR:
        counselor = by
    elif by.role != Role.ADMIN:
        raise NotAllowed("Only counselors and administrators invite clients.")
    if counselor is None:
        raise Invalid("Choose the client's counselor.", field="counselor_id")
    if counselor.clinic_id != by.clinic_id or counselor.role != Role.COUNSELOR:
        raise Invalid("Choose a counselor of your clinic.", field="counselor_id")
    name = clean_name(name, required="Enter the client's name.")
    in_use = _invitee_address(by, email)
    user, client = add_user(
        by.clinic,
        Role.CLIENT,
        email,
        name,
        counselor=counselor,
        by=by,
        request=request,
        address_in_use=in_use,
    )
    send_invitation(user, invited_by=by)
    return client


@transaction.atomic
def accept_invitation(invitation: Invitation, *, password: str) -> User:
    user = invitation.user
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def reassign_client(client: Client, *, counselor: User, by: User, request=None) -> Client:
    if counselor.clinic_id != client.clinic_id or counselor.role != Role.COUNSELOR:
        raise Invalid("Choose a counselor of the client's clinic.", field="counselor")
    if counselor.pk == client.counselor_id:
        return client
    now = timezone.now()
    client.assignments.filter(ended_at__isnull=True).update(ended_at=now)
    Assignment.objects.create(client=client, counselor=counselor, assigned_by=by, started_at=now)
    client.counselor = counselor
    client.save(update_fields=["counselor"])
    audit.record(
        request, "reassign", audit.for_client(client), actor=by, detail=f"to {counselor.email}"
    )
    return client
