from alliance.audit.models import AuditEvent


def test_it_shows_a_counselor_their_own_clients(personas, web_as):
    response = web_as(personas.c1).get("/caseload/")
    assert response.status_code == 200
    assert b"Amira" in response.content
    assert b"Ben" in response.content
    assert b"Dana" not in response.content
    assert b"Omar" not in response.content


def test_it_shows_a_supervisor_the_whole_clinic(personas, web_as):
    response = web_as(personas.supervisor).get("/caseload/")
    assert b"Dana" in response.content and b"Amira" in response.content
    assert b"Omar" not in response.content


def test_it_audits_each_client_listed(personas, web_as):
    web_as(personas.c1).get("/caseload/")
    listed = set(AuditEvent.objects.filter(action="list").values_list("client_id", flat=True))
    assert listed == {personas.a.pk, personas.b.pk}


def test_it_marks_pages_no_store(personas, web_as):
    response = web_as(personas.c1).get("/caseload/")
    assert "no-store" in response["Cache-Control"]


def test_it_sends_staff_without_a_verified_code_to_verify(personas, client):
    client.force_login(personas.c1, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/caseload/")
    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor/verify/")
