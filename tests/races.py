"""Running two requests at the same moment, each on its own database connection.

Why threads: Django gives every thread its own connection, so two threads are two sessions of
PostgreSQL that really lock, wait and deadlock as two gunicorn workers would. A barrier lines
them up just before they act; the test client's 500s are answered (not raised), as a browser
would see them. SQLite serialises writers for the whole file, so these races only mean
something on PostgreSQL: the tests skip elsewhere, saying why (CI runs them on PostgreSQL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a race needs two real sessions that lock rows: PostgreSQL only (DATABASE_URL=postgres://…)",
)


def client_for(user) -> Client:
    """A client of its own (cookies are per client) that answers 500s instead of raising."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def run_together(*actions: Callable[[], Any], timeout: float = 30.0) -> list[Any]:
    """Run the actions at once, one thread each, lined up on a barrier; their results in order
    (an exception raised by an action is returned in its place)."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout)
            results[index] = action()
        except Exception as exc:  # reported to the test, which says what went wrong
            results[index] = exc
        finally:
            connections.close_all()  # this thread's own connection: never left to the test DB's teardown

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"a racing request did not finish within {timeout} s (a lock never released?)")
    return results
