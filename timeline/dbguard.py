"""Bounds on every database call a web process makes, on both databases.

- PostgreSQL aborts a statement after `statement_timeout` (set per connection in settings).
  A database that hangs cannot honour that, so a watchdog thread also shuts the socket of any
  call that outlives the budget by a grace period: the call then fails at once with an
  OperationalError (answered 503) instead of holding the worker until gunicorn kills it.
- SQLite has no statement timeout: a progress handler interrupts a statement past the budget.

Both aborts surface as django.db.OperationalError; `is_query_timeout` tells them apart from an
unreachable database so that the answer can name the cause.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

# A hung database gets this long past the statement budget before its socket is shut.
GRACE_SECONDS = 2.0
WATCH_INTERVAL = 0.25
# SQLite calls the progress handler every this many virtual-machine instructions.
SQLITE_PROGRESS_STEPS = 10_000

_in_flight: dict[int, tuple[float, BaseDatabaseWrapper]] = {}
_lock = threading.Lock()
_watchdog: threading.Thread | None = None


def budget_seconds() -> float:
    return settings.DB_STATEMENT_TIMEOUT_MS / 1000


def is_query_timeout(error: BaseException) -> bool:
    """True for a statement stopped by the time budget (either database)."""
    cause = error.__cause__ or error
    name = type(cause).__name__
    text = str(cause).lower()
    return name == "QueryCanceled" or "statement timeout" in text or text == "interrupted"


class Deadline:
    """An execute wrapper: the call must finish within the budget."""

    def __init__(self, wrapper: BaseDatabaseWrapper) -> None:
        self.wrapper = wrapper

    def __call__(self, execute: Callable, sql, params, many, context):
        budget = budget_seconds()
        if not budget:
            return execute(sql, params, many, context)
        deadline = time.monotonic() + budget
        key = id(self)
        if self.wrapper.vendor == "sqlite":
            self.wrapper.connection_deadline = deadline
        else:
            with _lock:
                _in_flight[key] = (deadline + GRACE_SECONDS, self.wrapper)
            start_watchdog()
        try:
            return execute(sql, params, many, context)
        finally:
            if self.wrapper.vendor == "sqlite":
                self.wrapper.connection_deadline = None
            else:
                with _lock:
                    _in_flight.pop(key, None)


def sqlite_progress(wrapper: BaseDatabaseWrapper) -> Callable[[], int]:
    def check() -> int:
        deadline = getattr(wrapper, "connection_deadline", None)
        # A non-zero answer makes SQLite abort the statement with "interrupted".
        return 1 if deadline is not None and time.monotonic() > deadline else 0

    return check


def guarded_is_usable(wrapper: BaseDatabaseWrapper, is_usable: Callable[[], bool]):
    """The health check Django runs on a reused connection, bounded like any query."""

    def check() -> bool:
        key = id(check)
        with _lock:
            _in_flight[key] = (time.monotonic() + max(budget_seconds(), 1) + GRACE_SECONDS, wrapper)
        start_watchdog()
        try:
            return is_usable()
        finally:
            with _lock:
                _in_flight.pop(key, None)

    return check


def shut_socket(wrapper: BaseDatabaseWrapper) -> None:
    raw = wrapper.connection
    try:
        fd = raw.pgconn.socket
        # shutdown() acts on the socket itself, so a duplicate descriptor is enough and the
        # driver's own descriptor stays valid (its next read sees the end of the stream).
        with socket.socket(fileno=socket.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except (AttributeError, OSError, ValueError):
        pass


def watch() -> None:
    while True:
        time.sleep(WATCH_INTERVAL)
        now = time.monotonic()
        with _lock:
            overdue = [(key, w) for key, (deadline, w) in _in_flight.items() if now > deadline]
            for key, _ in overdue:
                _in_flight.pop(key, None)
        for _, wrapper in overdue:
            shut_socket(wrapper)


def start_watchdog() -> None:
    global _watchdog
    if _watchdog is not None and _watchdog.is_alive():
        return
    with _lock:
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=watch, name="db-watchdog", daemon=True)
            _watchdog.start()


def on_connection_created(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    if not budget_seconds():
        return
    if not any(isinstance(w, Deadline) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(Deadline(connection))
    if connection.vendor == "sqlite":
        connection.connection.set_progress_handler(
            sqlite_progress(connection), SQLITE_PROGRESS_STEPS
        )
    elif not getattr(connection, "is_usable_guarded", False):
        connection.is_usable = guarded_is_usable(connection, connection.is_usable)
        connection.is_usable_guarded = True


def query_timeout_detail() -> str:
    return (
        "This request took longer than this service allows "
        f"({budget_seconds():g} s). Narrow it: a longer search term (q), fewer matches "
        "(kind, actor, from, to), or no count."
    )
