"""The client's download of their own data."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse

from alliance.access import own_record
from alliance.accounts.decorators import role_required
from alliance.accounts.models import Role
from alliance.care.models import Client
from alliance.interop import export, pdf


@role_required(Role.CLIENT)
def my_export(request):
    client = (
        Client.objects.visible_to(request.user)
        .select_related("user", "counselor", "clinic")
        .first()
    )
    if client is None:
        raise Http404("Not found")
    document = export.export_for(request, client)
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename()}"'
    return response


@role_required(Role.CLIENT)
def my_export_pdf(request):
    """The same content as the JSON download, as a PDF a person can read."""
    document = pdf.build(request, own_record(request))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename()}"'
    return response
