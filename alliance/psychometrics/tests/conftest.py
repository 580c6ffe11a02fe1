import pytest

from alliance.psychometrics import reload_instruments


@pytest.fixture(autouse=True)
def _fresh_definitions(monkeypatch):
    # Each test sees only the extra directory it sets up, never one from the caller's shell.
    monkeypatch.delenv("ALLIANCE_INSTRUMENTS_DIR", raising=False)
    reload_instruments()
    yield
    reload_instruments()
