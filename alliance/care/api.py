from datetime import datetime

from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from alliance.access import Email, get_visible_or_404
from alliance.accounts import services as people
from alliance.accounts.models import Role, User
from alliance.audit import services as audit
from alliance.care.models import Client
from alliance.errors import Invalid

router = Router(tags=["clients"])


class PersonOut(Schema):
    id: int
    name: str


class ClientOut(Schema):
    id: int
    name: str
    email: str
    counselor: PersonOut
    created_at: datetime


class ClientList(Schema):
    items: list[ClientOut]
    count: int


class ClientIn(Schema):
    name: str = Field(min_length=1, max_length=150)
    email: Email
    counselor_id: int | None = Field(default=None, ge=1, le=2**62)


def client_out(client: Client) -> dict:
    return {
        "id": client.pk,
        "name": client.user.name,
        "email": client.user.email,
        "counselor": {"id": client.counselor_id, "name": client.counselor.name},
        "created_at": client.created_at,
    }


def visible_client(request, client_id: int) -> Client:
    """The client record if the caller may see it, else 404 (never a 403 that confirms it)."""
    return get_visible_or_404(
        Client.objects.visible_to(request.user).select_related("user", "counselor"), client_id
    )


@router.get("/clients", response=ClientList, summary="List the clients you can see")
def list_clients(request):
    clients = list(
        Client.objects.visible_to(request.user)
        .select_related("user", "counselor")
        .order_by("user__name", "id")
    )
    audit.record(request, "list", [audit.for_client(c) for c in clients])
    return {"items": [client_out(c) for c in clients], "count": len(clients)}


@router.post("/clients", response={201: ClientOut}, summary="Add a client and invite them")
def create_client(request, payload: ClientIn):
    user = request.user
    if user.role not in {Role.COUNSELOR, Role.ADMIN}:
        raise HttpError(403, "Only counselors and administrators add clients.")
    counselor = None
    if payload.counselor_id is not None:
        counselor = User.objects.filter(
            pk=payload.counselor_id, clinic_id=user.clinic_id, role=Role.COUNSELOR
        ).first()
        if counselor is None:
            raise Invalid("No counselor with this id in your clinic.", field="counselor_id")
    client = people.invite_client(
        user,
        email=payload.email,
        name=payload.name.strip(),
        counselor=counselor,
        request=request,
    )
    return Status(201, client_out(client))


@router.get("/clients/{client_id}", response=ClientOut, summary="One client")
def get_client(request, client_id: int):
    client = visible_client(request, client_id)
    audit.record(request, "read", audit.for_client(client))
    return client_out(client)
