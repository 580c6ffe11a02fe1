"""Writes that touch several models: clinics, people, invitations, assignments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import STAFF_ROLES, Clinic, Invitation, Role, User
from alliance.audit import services as audit
from alliance.care.models import Assignment, Client
from alliance.errors import Invalid, NotAllowed


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email_free(email: str):
    # The web forms and the API check the form of an address first; the command line does not.
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid("Enter a valid email address.", field="email")
    if User.objects.filter(email__iexact=email).exists():
        raise Invalid("Someone with this email address already has an account.", field="email")


@transaction.atomic
def create_clinic(name: str, admin_email: str, admin_name: str = "", password: str | None = None):
    name = (name or "").strip()
    if not name:
        raise Invalid("A clinic needs a name.", field="name")
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
):
    """Create a person in a clinic. A client needs a counselor of the same clinic."""
    email = normalise_email(email)
    if role not in Role.values:
        raise Invalid(f"Role must be one of {', '.join(Role.values)}.", field="role")
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
        email, password, name=(name or "").strip() or email, clinic=clinic, role=role
    )
    if role == Role.CLIENT:
        client = Client.objects.create(user=user, clinic=clinic, counselor=counselor)
        Assignment.objects.create(client=client, counselor=counselor, assigned_by=by)
        audit.record(request, "create", audit.for_client(client), actor=by)
    return user, client


def send_invitation(user: User, *, invited_by: User | None) -> str:
    """Issue a fresh single-use link (earlier unused links stop working) and email it."""
    Invitation.objects.filter(user=user, accepted_at__isnull=True).update(expires_at=timezone.now())
    invitation, token = Invitation.issue(user, invited_by)
    link = settings.SITE_URL + reverse("accept_invitation", args=[token])
    context = {"user": user, "invited_by": invited_by, "link": link, "invitation": invitation}
    send_mail(
        subject=f"You are invited to {user.clinic.name} on Alliance",
        message=render_to_string("accounts/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
    return token


@transaction.atomic
def invite_staff(by: User, *, email: str, name: str, role: str, request=None) -> User:
    if by.role != Role.ADMIN:
        raise NotAllowed("Only administrators invite staff.")
    if role not in {r.value for r in STAFF_ROLES}:
        raise Invalid("Staff are administrators, supervisors or counselors.", field="role")
    user, _ = add_user(by.clinic, role, email, name, by=by, request=request)
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
    if not (name or "").strip():
        raise Invalid("Enter the client's name.", field="name")
    user, client = add_user(
        by.clinic, Role.CLIENT, email, name, counselor=counselor, by=by, request=request
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
