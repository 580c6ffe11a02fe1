"""The caller's clinic: GET /api/v1/clinic for everyone signed in, PATCH for its administrators."""

from ninja import Router, Schema
from pydantic import Field

from alliance.accounts import clinic as clinics
from alliance.schemas import Detail

router = Router(tags=["clinic"])


class ClinicOut(Schema):
    id: int
    name: str
    crisis_text: str = Field(
        description="What a client should do in a crisis; shown to a client at once when an "
        "answer raises a risk flag."
    )


class ClinicPatch(Schema):
    crisis_text: str = Field(max_length=clinics.CRISIS_MAX)


def clinic_out(clinic) -> dict:
    return {"id": clinic.pk, "name": clinic.name, "crisis_text": clinic.crisis_text}


@router.get("/clinic", response=ClinicOut, summary="Your clinic, with its crisis text")
def get_clinic(request):
    return clinic_out(request.user.clinic)


@router.patch(
    "/clinic", response={200: ClinicOut, 403: Detail}, summary="Change the clinic's crisis text"
)
def patch_clinic(request, payload: ClinicPatch):
    """The clinic's administrators only; an empty text is refused (422)."""
    clinic = clinics.set_crisis_text(
        request.user.clinic, user=request.user, text=payload.crisis_text, request=request
    )
    return clinic_out(clinic)
