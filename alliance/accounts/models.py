import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

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
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: staff of a clinic, or a client. One clinic, one role."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]

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


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self):
        return f"API token {self.pk} for {self.user.email}"

    @classmethod
    def issue(cls, user):
        token = secrets.token_urlsafe(32)
        record = cls.objects.create(
            user=user,
            token_hash=hash_token(token),
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
        )
        return record, token

    @classmethod
    def authenticate(cls, token: str):
        return (
            cls.objects.live()
            .select_related("user", "user__clinic")
            .filter(token_hash=hash_token(token), user__is_active=True)
            .first()
        )
