"""Open311 GeoReport v2: every resource's shape in JSON and XML, against the spec's field lists.

The expected fields and their types below are written from the GeoReport v2
specification (wiki.open311.org/GeoReport_v2 and its Service Discovery page),
not from our code, so a renamed or missing field fails here.
"""

import datetime as dt
import re

import pytest

from open311.models import ServiceAttribute
from resident_requests.models import RequestCategory
from tests.factories import make_request
from tests.open311_support import (
    BASE,
    FORMATS,
    app_partner,
    body,
    ensure_seeded_attributes,
    url,
    xml_root,
)

pytestmark = pytest.mark.django_db

W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")
STR, OPT_STR, BOOL, INT, OPT_NUM, DATETIME, OPT_DATETIME = "str", "str?", "bool", "int", "num?", "dt", "dt?"

# --- The specification, as data -------------------------------------------------------------

DISCOVERY = {"changeset": STR, "contact": STR, "key_service": STR, "endpoints": list}
DISCOVERY_ENDPOINT = {"specification": STR, "url": STR, "changeset": STR, "type": STR, "formats": list}
SERVICE = {
    "service_code": STR,
    "service_name": STR,
    "description": OPT_STR,
    "metadata": BOOL,
    "type": STR,
    "keywords": OPT_STR,
    "group": OPT_STR,
}
SERVICE_TYPES = {"realtime", "batch", "blackbox"}
SERVICE_DEFINITION = {"service_code": STR, "attributes": list}
ATTRIBUTE = {
    "variable": BOOL,
    "code": STR,
    "datatype": STR,
    "required": BOOL,
    "datatype_description": OPT_STR,
    "order": INT,
    "description": STR,
    "values": list,
}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
ATTRIBUTE_VALUE = {"key": STR, "name": STR}
SERVICE_REQUEST = {
    "service_request_id": STR,
    "status": STR,
    "status_notes": OPT_STR,
    "service_name": STR,
    "service_code": STR,
    "description": OPT_STR,
    "agency_responsible": OPT_STR,
    "service_notice": OPT_STR,
    "requested_datetime": DATETIME,
    "updated_datetime": DATETIME,
    "expected_datetime": OPT_DATETIME,
    "address": OPT_STR,
    "address_id": OPT_STR,
    "zipcode": OPT_STR,
    "lat": OPT_NUM,
    "long": OPT_NUM,
    "media_url": OPT_STR,
}
STATUSES = {"open", "closed"}
# POST response: service_request_id or token, never both (we are realtime: the id).
POST_RESPONSE = {"service_request_id": STR, "service_notice": OPT_STR, "account_id": OPT_STR}
TOKEN_RESPONSE = {"service_request_id": STR, "token": STR}
ERROR = {"code": INT, "description": STR}

# XML document elements and the element of their items.
XML_ROOTS = {
    "discovery": "discovery",
    "services": "services",
    "service": "service_definition",
    "requests": "service_requests",
    "errors": "errors",
}


def check_json(item: dict, spec: dict) -> None:
    assert set(item) == set(spec), f"fields {sorted(item)} != spec {sorted(spec)}"
    for name, kind in spec.items():
        value = item[name]
        if kind is list:
            assert isinstance(value, list), name
        elif kind == STR:
            assert isinstance(value, str) and value != "", name
        elif kind == OPT_STR:
            assert value is None or isinstance(value, str), name
        elif kind == BOOL:
            assert isinstance(value, bool), name
        elif kind == INT:
            assert isinstance(value, int) and not isinstance(value, bool), name
        elif kind == OPT_NUM:
            assert value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)), name
        elif kind == DATETIME:
            assert isinstance(value, str) and W3C.match(value), (name, value)
        elif kind == OPT_DATETIME:
            assert value is None or W3C.match(value), (name, value)


def check_xml(element, spec: dict) -> None:
    """XML has no types: every field is an element; booleans are true/false, times W3C."""
    children = {child.tag: child for child in element}
    assert set(children) == set(spec), f"elements {sorted(children)} != spec {sorted(spec)}"
    for name, kind in spec.items():
        text = children[name].text
        if kind == BOOL:
            assert text in ("true", "false"), name
        elif kind == INT:
            assert text is not None and text.isdigit(), name
        elif kind == STR:
            assert text, name
        elif kind == DATETIME:
            assert W3C.match(text or ""), (name, text)
        elif kind == OPT_DATETIME:
            assert text is None or W3C.match(text), (name, text)
        elif kind == OPT_NUM:
            assert text is None or float(text) == float(text), name


@pytest.fixture(autouse=True)
def seeded():
    ensure_seeded_attributes()


# --- Discovery ----------------------------------------------------------------------------------


def test_discovery_json(client, settings):
    settings.SITE_URL = "https://portal.example.cn"
    response = client.get(url("discovery", "json"))
    assert response.status_code == 200
    data = response.json()
    check_json(data, DISCOVERY)
    assert len(data["endpoints"]) == 1
    endpoint = data["endpoints"][0]
    check_json(endpoint, DISCOVERY_ENDPOINT)
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "https://portal.example.cn/open311/v2"
    assert endpoint["type"] in {"production", "test"}
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}


def test_discovery_xml(client):
    response = client.get(url("discovery", "xml"))
    assert response.status_code == 200
    root = xml_root(response)
    assert root.tag == XML_ROOTS["discovery"]
    check_xml(root, DISCOVERY)
    endpoints = root.find("endpoints")
    assert [child.tag for child in endpoints] == ["endpoint"]
    check_xml(endpoints[0], DISCOVERY_ENDPOINT)
    assert [f.text for f in endpoints[0].find("formats")] == ["text/xml", "application/json"]
    assert {child.tag for child in endpoints[0].find("formats")} == {"format"}
    # Without SITE_URL the endpoint's address is the host the partner called.
    assert endpoints[0].find("url").text == "http://testserver/open311/v2"


# --- Services -----------------------------------------------------------------------------------


def test_services_json_lists_the_active_categories(client):
    RequestCategory.objects.filter(code="other").update(is_active=False)
    response = client.get(url("services", "json"))
    assert response.status_code == 200
    services = response.json()
    for service in services:
        check_json(service, SERVICE)
        assert service["type"] in SERVICE_TYPES
    by_code = {service["service_code"]: service for service in services}
    assert set(by_code) == set(RequestCategory.objects.filter(is_active=True).values_list("code", flat=True))
    assert "other" not in by_code
    assert by_code["hazard"]["service_name"] == "安全隐患"
    assert by_code["hazard"]["metadata"] is True  # has attributes: call the service definition
    assert by_code["sanitation"]["metadata"] is False
    assert by_code["hazard"]["group"] == "紧急隐患"


def test_services_xml(client):
    response = client.get(url("services", "xml"))
    root = xml_root(response)
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    for service in root:
        check_xml(service, SERVICE)
    assert len(root) == RequestCategory.objects.filter(is_active=True).count()
    # UTF-8 on the wire, not character references.
    assert "安全隐患".encode() in response.content


# --- Service definitions ------------------------------------------------------------------------


def test_service_definition_json(client):
    response = client.get(url("services/dispute", "json"))
    assert response.status_code == 200
    data = response.json()
    check_json(data, SERVICE_DEFINITION)
    assert data["service_code"] == "dispute"
    orders = [attribute["order"] for attribute in data["attributes"]]
    assert orders == sorted(orders) and len(set(orders)) == len(orders) and min(orders) >= 1
    for attribute in data["attributes"]:
        check_json(attribute, ATTRIBUTE)
        assert attribute["datatype"] in DATATYPES
        for value in attribute["values"]:
            check_json(value, ATTRIBUTE_VALUE)
    by_code = {attribute["code"]: attribute for attribute in data["attributes"]}
    assert by_code["dispute_kind"]["datatype"] == "singlevaluelist" and by_code["dispute_kind"]["required"] is True
    assert {"key": "neighbour", "name": "邻里纠纷"} in by_code["dispute_kind"]["values"]
    assert by_code["parties"]["datatype"] == "number" and by_code["parties"]["values"] == []
    assert by_code["mediation_notice"]["variable"] is False  # information only


def test_service_definition_xml(client):
    response = client.get(url("services/utilities", "xml"))
    root = xml_root(response)
    assert root.tag == "service_definition"
    check_xml(root, SERVICE_DEFINITION)
    attributes = root.find("attributes")
    assert {child.tag for child in attributes} == {"attribute"}
    for attribute in attributes:
        check_xml(attribute, ATTRIBUTE)
    outage = next(a for a in attributes if a.find("code").text == "outage")
    assert outage.find("datatype").text == "multivaluelist"
    values = outage.find("values")
    assert {child.tag for child in values} == {"value"}
    assert [(v.find("key").text, v.find("name").text) for v in values][:2] == [("water", "停水"), ("power", "停电")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_without_attributes_is_empty(client, fmt):
    response = client.get(url("services/sanitation", fmt))
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == {"service_code": "sanitation", "attributes": []}
    else:
        root = xml_root(response)
        assert root.find("service_code").text == "sanitation" and len(root.find("attributes")) == 0


def test_attribute_edits_in_admin_reach_the_definition(client):
    ServiceAttribute.objects.filter(category__code="hazard").update(required=False)
    attribute = client.get(url("services/hazard", "json")).json()["attributes"][0]
    assert attribute["required"] is False


# --- Errors -------------------------------------------------------------------------------------


def errors_of(response, fmt: str) -> list[dict]:
    if fmt == "json":
        data = response.json()
        assert isinstance(data, list) and data
        for error in data:
            check_json(error, ERROR)
        return data
    root = xml_root(response)
    assert root.tag == "errors" and {child.tag for child in root} == {"error"}
    for error in root:
        check_xml(error, ERROR)
    return [{"code": int(e.find("code").text), "description": e.find("description").text} for e in root]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("resource", ["services/nosuch", "services/other"])
def test_unknown_or_inactive_service_is_404(client, fmt, resource):
    RequestCategory.objects.filter(code="other").update(is_active=False)
    response = client.get(url(resource, fmt))
    assert response.status_code == 404
    [error] = errors_of(response, fmt)
    assert error["code"] == 404 and "service_code" in error["description"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("resource", ["discovery", "services", "services/hazard", "requests", "requests/XT2611210001", "tokens/abcdefgh"])
def test_wrong_jurisdiction_is_404_on_every_resource(client, fmt, resource):
    response = client.get(url(resource, fmt), {"jurisdiction_id": "sfgov.org"})
    assert response.status_code == 404
    [error] = errors_of(response, fmt)
    assert "jurisdiction_id" in error["description"] and "xietang.local" in error["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_own_or_empty_jurisdiction_is_accepted(client, settings, fmt):
    settings.OPEN311_JURISDICTION_ID = "xietang.example.cn"
    assert client.get(url("services", fmt), {"jurisdiction_id": "xietang.example.cn"}).status_code == 200
    # Spec: an empty optional argument is the same as none.
    assert client.get(url("services", fmt), {"jurisdiction_id": ""}).status_code == 200
    assert client.get(url("services", fmt), {"jurisdiction_id": "xietang.local"}).status_code == 404


@pytest.mark.parametrize(
    ("path", "fmt"),
    [("nosuch.json", "json"), ("services.csv", "xml"), ("requests", "xml"), ("services/a.b.xml", "xml"), ("", "xml")],
)
def test_unknown_resource_is_a_spec_shaped_404(client, path, fmt):
    response = client.get(f"{BASE}/{path}")
    assert response.status_code == 404
    [error] = errors_of(response, fmt)
    assert error["code"] == 404 and ".json" in error["description"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("method", "resource"),
    [("post", "services"), ("post", "discovery"), ("delete", "requests"), ("put", "requests/XT2611210001"), ("post", "tokens/abcdefgh")],
)
def test_wrong_method_is_405_in_the_spec_shape(client, fmt, method, resource):
    response = getattr(client, method)(url(resource, fmt))
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    [error] = errors_of(response, fmt)
    assert error["code"] == 405


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_a_partner_sent_cannot_break_the_xml(client, cast, fmt):
    partner, key = app_partner()
    response = client.post(
        url("requests", fmt),
        {
            "api_key": key,
            "service_code": "sanitation",
            "address_id": cast.building.code,
            "phone": "13912345678",
            "description": "</description><x>&amp; 控制符\x07\x1b结束",
        },
    )
    assert response.status_code == 201, response.content
    code = body(response)[0]["service_request_id"] if fmt == "json" else xml_root(response)[0].find("service_request_id").text
    own = client.get(url(f"requests/{code}", "xml"), {"api_key": key})
    root = xml_root(own)  # parses: escaped, and the control characters are gone
    assert root[0].find("description").text == "</description><x>&amp; 控制符结束"


def test_times_carry_the_shanghai_offset(client, cast):
    request = make_request(community=cast.community)
    data = client.get(url(f"requests/{request.tracking_code}", "json")).json()[0]
    requested = dt.datetime.fromisoformat(data["requested_datetime"])
    assert data["requested_datetime"].endswith("+08:00")
    assert abs(requested - request.submitted_at) < dt.timedelta(seconds=1)
