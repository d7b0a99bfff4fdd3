"""Helpers for the Open311 tests: partners with keys, calls in both formats, XML read back as data."""

import importlib
import xml.etree.ElementTree as ET

from django.apps import apps

from open311 import services
from open311.models import Partner, PartnerKind, ServiceAttribute
from open311.render import ITEM_NAMES
from resident_requests.models import Channel
from tests.factories import ensure_seeded_categories

BASE = "/open311/v2"
FORMATS = ("json", "xml")
MOBILE = "13912345678"


def ensure_seeded_attributes() -> None:
    """Re-run migration 0002's seed (as ensure_seeded_categories does for the categories)."""
    ensure_seeded_categories()
    if not ServiceAttribute.objects.exists():
        importlib.import_module("open311.migrations.0002_seed_attributes").seed(apps, None)


def make_partner(*, name="12345热线", kind=PartnerKind.HOTLINE, channel=Channel.REFERRAL, admin=None, **fields):
    """A partner and one issued key: (partner, plain key)."""
    partner = Partner.objects.create(name=name, kind=kind, channel=channel, **fields)
    _key, plain = services.key_issue(partner=partner, acting_user=admin)
    return partner, plain


def app_partner(name="随手办App"):
    return make_partner(name=name, kind=PartnerKind.APP, channel=Channel.PARTNER)


def url(resource: str, fmt: str) -> str:
    return f"{BASE}/{resource}.{fmt}"


def from_xml(element: ET.Element):
    """Our XML back into the JSON structure (lists by ITEM_NAMES), all leaves as text or None."""
    if element.tag in ITEM_NAMES:
        return [from_xml(child) for child in element]
    if len(element):
        return {child.tag: from_xml(child) for child in element}
    return element.text


def body(response):
    """The response as data, whatever its format; checks the declared type and UTF-8."""
    content_type = response["Content-Type"]
    if content_type == "application/json; charset=utf-8":
        return response.json()
    assert content_type == "text/xml; charset=utf-8", content_type
    raw = response.content
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), raw[:60]
    root = ET.fromstring(raw)
    return root.tag, from_xml(root)


def xml_root(response) -> ET.Element:
    return ET.fromstring(response.content)


def post_data(cast, **overrides) -> dict:
    """A valid POST requests body for the cast's building (sanitation: no attributes needed)."""
    data = {
        "service_code": "sanitation",
        "address_id": cast.building.code,
        "address_string": "1单元门口",
        "description": "39幢楼道堆放纸箱,老人上下楼不方便",
        "first_name": "秀英",
        "last_name": "王",
        "phone": MOBILE,
        "email": "wang@example.cn",
        "device_id": "device-1",
        "referral_number": "12345-20261121-0001",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
