"""The clinic's figures: GET /api/v1/clinic/outcomes?from=&to=[&counselor_id=]."""

from ninja import Field, Query, Router, Schema

from alliance.access import MAX_ID
from alliance.reports import analytics
from alliance.reports.ranges import MAX_LENGTH, Period

router = Router(tags=["clinic"])


class Link(Schema):
    r: float | None = Field(description="Pearson's r; null under 5 clients")
    n: int = Field(description="paired clients with at least one alliance check-in")
    ci95: list[float] | None = Field(description="95% interval (Fisher's z)")


class Outcomes(Schema):
    paired: int
    caseness_start: int | None
    recovered: int | None
    reliable_recovery: int | None
    reliable_improvement: int | None
    reliable_deterioration: int | None
    recovery_rate: float | None
    reliable_recovery_rate: float | None
    reliable_improvement_rate: float | None
    reliable_deterioration_rate: float | None
    alliance_outcome: Link


class CounselorOutcomes(Outcomes):
    counselor_id: int
    name: str


class Gap(Schema):
    mean_gap: float | None
    mean_abs_gap: float | None


class Accuracy(Gap):
    counselor_id: int
    name: str
    clients: int
    sessions: int
    subscales: dict[str, Gap]
    items: dict[str, Gap]


class ClinicOutcomes(Outcomes):
    clinic: str
    counselor_id: int | None
    start: str | None = Field(alias="from")
    end: str | None = Field(alias="to")
    by_counselor: list[CounselorOutcomes]
    prediction_accuracy: list[Accuracy]


DESCRIPTION = (
    "Outcomes of the paired clients in the period (`from` and `to`, YYYY-MM-DD, both optional "
    "and inclusive), the alliance–outcome link, the same per counselor, and each counselor's "
    "prediction accuracy. Supervisors and administrators see their whole clinic, or one "
    "counselor of it with `counselor_id`; a counselor sees their own clients and their own "
    "accuracy. A figure that would be about fewer than 5 clients is `null` (too few to "
    "say).\n\n" + analytics.definitions_markdown()
)


@router.get(
    "/clinic/outcomes",
    response=ClinicOutcomes,
    by_alias=True,
    summary="The clinic's outcomes, alliance–outcome link and prediction accuracy",
    description=DESCRIPTION,
)
def clinic_outcomes(
    request,
    start: str | None = Query(None, alias="from", max_length=MAX_LENGTH),
    end: str | None = Query(None, alias="to", max_length=MAX_LENGTH),
    counselor_id: int | None = Query(None, ge=1, le=MAX_ID),
):
    scope = analytics.scope_for(request.user, counselor_id)
    period = Period.parse(start, end)
    result = analytics.figures(scope, period)
    analytics.record_read(request, scope, period, "clinic outcomes")
    return result
