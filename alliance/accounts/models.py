import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

DEFAULT_CRISIS_TEXT = (
    "If you are in danger or thinking about harming yourself, please get help now: "
    "call your local emergency number, go to the nearest emergency department, or contact "
    "a crisis line. You can also call the clinic and ask to speak to the duty counselor."
)


def hash_token(token: str) -> str:
    """Tokens and invitation links are stored only as their SHA-256, so a database leak
    gives nobody a way in."""
    return hashlib.sha256(token.encode()).hexdigest()


class Clinic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    crisis_text = models.TextField(default=DEFAULT_CRISIS_TEXT)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    SUPERVISOR = "supervisor", "Supervisor"
    COUNSELOR = "counselor", "Counselor"
    CLIENT = "client", "Client"


STAFF_ROLES = {Role.ADMIN, Role.SUPERVISOR, Role.COUNSELOR}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username):
        # A stand-in (see `User.address_in_use`) shares an address with a real account and
        # never signs in; the address means the real account.
        return self.get(email__iexact=username, address_in_use=False)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: staff of a clinic, or a client. One clinic, one role."""

    email = models.EmailField()
    name = models.CharField(max_length=150)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # A clinic that invites an address already in use elsewhere gets the same answer and the
    # same pending record as for a new address (so no clinic learns who has an account);
    # this record stands in for that invitation. It has no password and no usable invitation
    # link, signs in never, and its address belongs to the real account.
    address_in_use = models.BooleanField(default=False)
    # Raised by "sign out everywhere": every web session signed in before it ends.
    session_generation = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]
        constraints = [
            # One account per address; stand-ins repeat an address by design.
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(address_in_use=False),
                name="accounts_user_email_once",
            )
        ]

    def __str__(self):
        return self.name or self.email

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_counselor(self) -> bool:
        return self.role == Role.COUNSELOR

    @property
    def is_clinic_wide(self) -> bool:
        """Supervisors and admins see their whole clinic."""
        return self.role in {Role.ADMIN, Role.SUPERVISOR}

    def save(self, *args, **kwargs):
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            # A new password (changed, or reset by email) means the old one may be known to
            # someone else: nothing signed in with it may go on working. Web sessions end by
            # themselves (their hash includes the password); tokens are revoked here.
            ApiToken.objects.filter(user=self).live().update(revoked_at=timezone.now())

    def _get_session_auth_hash(self, secret=None):
        if not self.session_generation:
            # Sessions signed in before generations existed stay valid.
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "alliance.accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def end_every_session(self) -> None:
        """Sign out everywhere: every web session and every API token of this person."""
        User.objects.filter(pk=self.pk).update(session_generation=F("session_generation") + 1)
        self.refresh_from_db(fields=["session_generation"])
        ApiToken.objects.filter(user=self).live().update(revoked_at=timezone.now())

    def needs_two_factor(self) -> bool:
        from django_otp import user_has_device

        if self.is_staff_member and settings.STAFF_2FA == "required":
            return True
        return user_has_device(self, confirmed=True)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A single-use, expiring link that lets a new person set their password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    def __str__(self):
        return f"Invitation for {self.user.email}"

    @classmethod
    def issue(cls, user, invited_by):
        token = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            user=user,
            invited_by=invited_by,
            token_hash=hash_token(token),
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
        )
        return invitation, token

    @classmethod
    def find(cls, token: str):
        return (
            cls.objects.select_related("user", "user__clinic")
            .filter(token_hash=hash_token(token))
            .first()
        )

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


# How stale `ApiToken.last_used_at` may grow before a request writes it again: recording
# every use would add a write to every API call.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # To the minute (LAST_USED_PRECISION); issuing the token counts as its first use.
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Whether a second factor was checked when the token was issued. Staff tokens without one
    # stop working while the clinic requires two-factor sign-in for staff.
    two_factor = models.BooleanField(default=False)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self):
        return f"API token {self.pk} for {self.user.email}"

    @classmethod
    def issue(cls, user, *, two_factor: bool = False, label: str = ""):
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        record = cls.objects.create(
            user=user,
            token_hash=hash_token(token),
            label=label,
            created_at=now,
            last_used_at=now,
            expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
            two_factor=two_factor,
        )
        return record, token

    @classmethod
    def find(cls, token: str):
        """The live token of an active account with this secret, whatever its second factor."""
        return (
            cls.objects.live()
            .select_related("user", "user__clinic")
            .filter(token_hash=hash_token(token), user__is_active=True)
            .first()
        )

    @classmethod
    def authenticate(cls, token: str):
        record = cls.find(token)
        if record is None or not record.second_factor_holds():
            return None
        record.note_use()
        return record

    def second_factor_holds(self) -> bool:
        """Whether this token may be used under the clinic's current two-factor rule."""
        user = self.user
        return self.two_factor or not (user.is_staff_member and settings.STAFF_2FA == "required")

    def note_use(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
