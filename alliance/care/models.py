from django.conf import settings
from django.db import models
from django.utils import timezone

from alliance.accounts.models import Clinic, Role
from alliance.records import changed_by


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one access rule for client records; every view and API call goes through it.

        A client sees only themself, a counselor the clients assigned to them, a supervisor or
        admin their own clinic. Nobody crosses clinics.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.CLIENT:
            return self.filter(user=user)
        if user.role == Role.COUNSELOR:
            return self.filter(counselor=user, clinic_id=user.clinic_id)
        if user.role in {Role.SUPERVISOR, Role.ADMIN}:
            return self.filter(clinic_id=user.clinic_id)
        return self.none()

    def writable_by(self, user):
        """Clients and their own counselor write to a client's record; clinic-wide roles read."""
        if user.is_authenticated and user.role in {Role.SUPERVISOR, Role.ADMIN}:
            return self.none()
        return self.visible_to(user)


class Side(models.TextChoices):
    """The two sides of a care relationship, each of whom writes for themself in it."""

    CLIENT = "client", "Client"
    COUNSELOR = "counselor", "Counselor"


class Client(models.Model):
    """A person receiving care at one clinic, with one primary counselor at a time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="client_record"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="clients")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="caseload"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["user__name"]
        indexes = [models.Index(fields=["clinic", "counselor"])]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def email(self) -> str:
        return self.user.email

    def side_of(self, user) -> str | None:
        """The side `user` takes in this relationship: the client themself, or their current
        counselor in the same clinic. None for everyone else, who at most reads the record
        (supervisors, administrators, another counselor)."""
        if not user.is_authenticated or not user.is_active:
            return None
        if user.role == Role.CLIENT and user.pk == self.user_id:
            return Side.CLIENT
        if (
            user.role == Role.COUNSELOR
            and user.pk == self.counselor_id
            and user.clinic_id == self.clinic_id
        ):
            return Side.COUNSELOR
        return None

    def is_own_counselor(self, user) -> bool:
        return self.side_of(user) == Side.COUNSELOR

    def is_own_record(self, user) -> bool:
        return self.side_of(user) == Side.CLIENT


class Assignment(models.Model):
    """Who was the client's primary counselor, and when: reassignment keeps the history."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = changed_by("assignments_made")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.client} with {self.counselor} from {self.started_at:%Y-%m-%d}"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "Did not attend"


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sessions of the clients the person may see (the same rule as `Client.visible_to`)."""
        return self.filter(client__in=Client.objects.visible_to(user))

    def last_attended_date(self):
        """For annotating clients: the date of each one's latest attended session, in the
        same query as the clients themselves."""
        latest = self.filter(client=models.OuterRef("pk"), attendance=Attendance.ATTENDED)
        return models.Subquery(latest.order_by("-date").values("date")[:1])


class Session(models.Model):
    """One appointment in a care relationship: when, whether it took place, how long."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="sessions")
    # The counselor who held it: a later reassignment does not move past sessions.
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_held"
    )
    date = models.DateField()
    attendance = models.CharField(max_length=10, choices=Attendance.choices)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = changed_by("sessions_recorded")
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["client", "attendance", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__isnull=True)
                | models.Q(duration_minutes__gte=1, duration_minutes__lte=600),
                name="care_session_duration_range",
            )
        ]

    def __str__(self):
        return f"{self.client} on {self.date:%Y-%m-%d} ({self.get_attendance_display()})"

    @property
    def attended(self) -> bool:
        return self.attendance == Attendance.ATTENDED
