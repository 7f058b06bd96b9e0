from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_healthz_reports_the_database() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}
    assert isinstance(body["database"]["latency_ms"], float)
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_503_when_the_database_is_unreachable() -> None:
    # The database server is a process boundary: make the driver fail as a dead server would.
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("connection refused"),
    ):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"]["status"] == "error"
    assert response.json()["database"]["error"] == "OperationalError"


@pytest.mark.django_db
def test_healthz_accepts_only_get() -> None:
    assert Client().post("/healthz").status_code == 405
