"""How partners and pages reach /api/v1/: tokens, sessions, and the schema and docs."""

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
RESIDENTS = "/api/v1/residents/"


def obtain_token(username: str, password: str = PASSWORD):
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json")


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_token_auth_reads_within_the_users_scope(cast):
    response = obtain_token("worker")
    assert response.status_code == 200
    client = token_client(response.json()["token"])
    listing = client.get(RESIDENTS)
    assert listing.status_code == 200
    names = {row["name"] for row in listing.json()["results"]}
    assert names == {"王秀英", "李建英"}
    assert client.get(f"{RESIDENTS}{cast.outsider_resident.pk}/").status_code == 404


def test_the_same_token_is_returned_twice(cast):
    assert obtain_token("secretary").json() == obtain_token("secretary").json()


def test_wrong_password_gets_no_token(cast):
    response = obtain_token("worker", "wrong-password")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_a_bad_token_is_refused(cast):
    assert token_client("0" * 40).get(RESIDENTS).status_code in (401, 403)


def test_token_of_a_user_without_role_reads_nothing(cast):
    response = obtain_token("norole")
    assert token_client(response.json()["token"]).get(RESIDENTS).status_code == 403


def test_token_endpoint_is_guarded_by_the_login_lockout(cast, settings):
    # django-axes counts failed API logins like failed page logins.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert obtain_token("worker", "wrong-password").status_code == 400
    response = obtain_token("worker")
    assert response.status_code in (400, 403)
    assert "token" not in response.json()


def test_session_login_works_for_pages_javascript(cast, login):
    response = login(cast.worker).get(RESIDENTS)
    assert response.status_code == 200


def test_anonymous_api_root_is_refused(client):
    assert client.get("/api/v1/").status_code in (401, 403)


def test_schema_and_docs_are_served(cast, login):
    client = login(cast.worker)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ["/api/v1/residents/{id}/reveal-id/", "/api/v1/co-building-units/", "/api/v1/auth/token/"]:
        assert path in text
    assert "身份证号(脱敏)" in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Closed network: Swagger UI comes from our static files, never a CDN.
    assert "/static/drf_spectacular_sidecar/" in docs.content.decode()
    assert "cdn" not in docs.content.decode().lower()
