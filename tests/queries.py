"""Query-count assertions for list pages: the count must not grow with the rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(fetch) -> int:
    with CaptureQueriesContext(connection) as context:
        fetch()
    # Read now: the next request resets Django's query log.
    return len(context.captured_queries)


def assert_queries_do_not_grow(fetch, add_rows, *, ceiling: int) -> int:
    """fetch() once to warm up, count, add_rows(), count again; both under `ceiling`."""
    fetch()
    before = count_queries(fetch)
    assert before <= ceiling, f"{before} queries, expected at most {ceiling}"
    add_rows()
    after = count_queries(fetch)
    assert after <= before, f"queries grew from {before} to {after} as rows were added"
    return before
