"""GeoReport v2 responses in JSON and XML from one plain structure.

The spec defines XML and derives JSON from it ("Spark convention"): a list
becomes an element whose children are named after its items
(`services` › `service`). Views build dicts and lists once; `respond` writes
either format. The standard library's ElementTree is enough: we only write
XML (partners POST form fields, never XML), and it escapes text for us; a
DRF renderer would bring DRF's authentication and negotiation, which these
key-or-anonymous endpoints do not want.
"""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# Element name of the items of each list, by the list's own name (GeoReport v2).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# Characters XML 1.0 cannot carry even escaped (control characters a partner or a
# resident may have pasted): dropped, or the whole document would be unreadable.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(ET.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    body = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def respond(data, *, root: str, fmt: str, status: int = 200, headers: dict | None = None) -> HttpResponse:
    """`root` names the XML document element (`services`, `service_requests`, `errors` …)."""
    body = to_xml(root, data) if fmt == "xml" else to_json(data)
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(errors: list[tuple[int, str]], *, fmt: str, status: int, headers: dict | None = None) -> HttpResponse:
    """The spec's error list: [{"code": 403, "description": "…"}] / <errors><error>…</error></errors>."""
    data = [{"code": code, "description": str(description)} for code, description in errors]
    return respond(data, root="errors", fmt=fmt, status=status, headers=headers)
