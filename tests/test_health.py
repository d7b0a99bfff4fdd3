"""/healthz (alive) and /readyz (database and, when configured, Redis answer)."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login(client):
    # Probes are anonymous; a redirect to the login page would mark the pod dead.
    assert client.head("/healthz").status_code == 200
    assert client.get("/readyz").status_code in {200, 503}


def test_readyz_ok_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "not configured"


def test_readyz_503_when_redis_is_configured_but_unreachable(client, settings):
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "Redis" in body["reason"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error")


def test_readyz_503_when_the_database_cursor_fails(client, settings):
    settings.REDIS_URL = ""
    with mock.patch("django.db.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert "数据库" in body["reason"]
    assert "OperationalError" in body["reason"]
    assert body["checks"]["database"] == "error: OperationalError"
