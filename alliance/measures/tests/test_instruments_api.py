import json

import pytest

from alliance.psychometrics import reload_instruments


def test_it_lists_the_shipped_forms(personas, api_as):
    body = api_as(personas.a.user).get("/api/v1/instruments").json()
    assert [i["code"] for i in body["items"]] == ["gad7", "phq9", "wai-sr", "wai-sr-predicted"]
    assert body["count"] == 4
    predicted = body["items"][3]
    assert (predicted["respondent"], predicted["perspective"], predicted["pairs_with"]) == (
        "counselor",
        "predicting",
        "wai-sr",
    )
    assert predicted["items"] == 12


def test_it_shows_a_whole_definition_with_item_ids(personas, api_as):
    body = api_as(personas.c1).get("/api/v1/instruments/phq9").json()
    assert [item["id"] for item in body["items"]][:2] == ["phq9_1", "phq9_2"]
    assert body["flags"][0]["id"] == "suicide_risk_item9"
    assert body["caseness"]["cutoff"] == 10
    assert body["loinc"]["panel"] == "44249-1"


def test_it_answers_404_for_an_unknown_form(personas, api_as):
    response = api_as(personas.c1).get("/api/v1/instruments/ors")
    assert response.status_code == 404
    assert "ors" in response.json()["detail"]


def test_it_needs_a_signed_in_caller(db, client):
    assert client.get("/api/v1/instruments").status_code == 401


@pytest.fixture
def extra_form(settings, tmp_path):
    definition = {
        "code": "sleep-line",
        "name": "Sleep line",
        "version": "2",
        "citation": "The clinic's own sleep line.",
        "licence": "Written by the clinic.",
        "respondent": "client",
        "perspective": "self",
        "stem": "How did you sleep this week?",
        "items": [{"id": "sleep", "text": "Sleep quality", "vas": {"min": 0, "max": 10}}],
        "scoring": {"total": "sum"},
    }
    (tmp_path / "sleep.json").write_text(json.dumps(definition))
    settings.INSTRUMENTS_DIR = str(tmp_path)
    reload_instruments()
    yield
    reload_instruments()


def test_it_offers_an_installations_own_forms(personas, api_as, extra_form):
    web = api_as(personas.a.user)
    codes = [i["code"] for i in web.get("/api/v1/instruments").json()["items"]]
    assert "sleep-line" in codes
    response = web.post(
        f"/api/v1/clients/{personas.a.pk}/responses",
        json.dumps({"instrument": "sleep-line", "answers": {"sleep": 6.5}}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["total"] == 6.5
