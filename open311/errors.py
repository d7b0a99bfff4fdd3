"""The one exception services and selectors raise for a GeoReport v2 error response.

Messages are Chinese like the rest of the portal (the partners are Chinese
hotlines and apps, and the spec says the description is meant to be seen by
the user) and name the spec parameter verbatim, so a developer who reads no
Chinese still sees which parameter to fix.
"""


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str, headers: dict | None = None):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = [str(description) for description in descriptions]
        self.headers = headers or {}

    @property
    def errors(self) -> list[tuple[int, str]]:
        return [(self.status, description) for description in self.descriptions]


def bad_request(*descriptions: str) -> Open311Error:
    return Open311Error(400, *descriptions)


def forbidden(description: str) -> Open311Error:
    return Open311Error(403, description)


def not_found(description: str) -> Open311Error:
    return Open311Error(404, description)
