"""Walk a request through the workflow with the cast, using the real services.

`walk(request, cast, to=Status.IN_PROGRESS)` → the request after accept (worker),
dispatch to the grid worker, sign, resolve, callback, archive as needed.
"""

from resident_requests import services
from resident_requests.models import HandlerKind, Satisfaction, Status

ORDER = [
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.RESOLVED,
    Status.CALLED_BACK,
    Status.ARCHIVED,
]


def walk(request, cast, *, to: str, satisfaction: str = Satisfaction.SATISFIED):
    steps = {
        Status.ACCEPTED: lambda r: services.request_accept(request=r, acting_user=cast.worker),
        Status.DISPATCHED: lambda r: services.request_dispatch(
            request=r, acting_user=cast.worker, handler_kind=HandlerKind.GRID_WORKER, handler=cast.grid_worker
        ),
        Status.IN_PROGRESS: lambda r: services.request_sign(request=r, acting_user=cast.grid_worker),
        Status.RESOLVED: lambda r: services.request_resolve(
            request=r, acting_user=cast.grid_worker, result="已清理楼道杂物"
        ),
        Status.CALLED_BACK: lambda r: services.request_callback(
            request=r, acting_user=cast.worker, contacted=True, solved=True, satisfaction=satisfaction
        ),
        Status.ARCHIVED: lambda r: services.request_archive(request=r, acting_user=cast.worker),
    }
    for status in ORDER[ORDER.index(request.status) + 1 : ORDER.index(to) + 1]:
        request = steps[status](request)
    return request
