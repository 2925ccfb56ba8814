"""Every query bounded: the statement budget on both databases, a hanging database given up on
within seconds, search that cannot widen into a row-by-row plan, ranked search on a bounded
pool, and bad paging input answered 4xx with the field named."""

import base64
import json
import socket
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test.utils import override_settings

from timeline.dbguard import is_query_timeout
from timeline.models import Actor
from timeline.selectors import paging as filter_module
from timeline.selectors.events import event_list
from timeline.selectors.paging import event_page
from timeline.selectors.params import TimelineFilter
from timeline.selectors.search import MAX_ACTORS_PER_WORD, read_actors_in_query

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def slow_sql() -> str:
    if POSTGRES:
        return "SELECT pg_sleep(20)"
    # Counts to a billion: minutes of work for SQLite's virtual machine.
    return (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
        "SELECT count(*) FROM c"
    )


@contextmanager
def short_budget():
    """A 400 ms budget: the setting for SQLite's guard, the session setting on PostgreSQL."""
    with override_settings(DB_STATEMENT_TIMEOUT_MS=400):
        if not POSTGRES:
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 400")
        try:
            yield
        finally:
            if not connection.needs_rollback and connection.is_usable():
                with connection.cursor() as cursor:
                    cursor.execute("RESET statement_timeout")


def test_web_processes_bound_every_statement():
    from django.conf import settings

    assert settings.DB_STATEMENT_TIMEOUT_MS == 30000  # settings_test; 5000 by default
    assert connection.execute_wrappers  # the guard is on every connection
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "30s"


def test_a_statement_past_the_budget_is_stopped(transactional_db):
    with short_budget():
        started = time.monotonic()
        with pytest.raises(OperationalError) as raised, connection.cursor() as cursor:
            cursor.execute(slow_sql())
        elapsed = time.monotonic() - started
    assert is_query_timeout(raised.value)
    assert elapsed < 3, elapsed


def test_an_api_query_past_the_budget_is_a_503_naming_what_to_narrow(client, monkeypatch, curated):
    def slow_page(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute(slow_sql())

    monkeypatch.setattr("timeline.api.events.rendered_page", slow_page)
    with short_budget():
        response = client.get("/api/v1/events?q=summit")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "(q)" in response.json()["detail"]


def test_a_one_letter_search_is_refused_naming_q(client, curated):
    response = client.get("/api/v1/events?q=t&limit=1&count=true")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"
    assert client.get("/api/v1/facets?q=t").status_code == 422
    page = client.get("/en/?q=t&sort=relevance")
    assert page.status_code == 200
    assert "too short to search for" in page.context["errors"]["q"]
    html = page.content.decode()
    assert 'id="q-error"' in html and "too short to search for" in html
    # One Hangul syllable or two letters are words.
    assert client.get("/api/v1/events?q=북").status_code == 200
    assert client.get("/api/v1/events?q=UN").status_code == 200


def test_actor_matching_is_capped_and_short_words_match_only_whole_names(curated):
    Actor.objects.bulk_create(
        [
            Actor(name=f"Zetaville envoy {i}", slug=f"zeta-{i}", kind="person", name_keys="")
            for i in range(MAX_ACTORS_PER_WORD + 15)
        ]
    )
    for actor in Actor.objects.filter(slug__startswith="zeta-"):
        actor.save()
    found = read_actors_in_query(["zetaville"])
    assert len(found.by_word["zetaville"]) == MAX_ACTORS_PER_WORD
    # "t" is in thousands of names: only an actor called exactly "T" would be matched.
    assert read_actors_in_query(["t"]).by_word["t"] == []
    assert read_actors_in_query(["un"]).by_word["un"] == list(
        Actor.objects.named("UN").values_list("pk", flat=True)
    )


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's planner")
def test_a_search_naming_many_actors_joins_a_short_id_list(curated):
    Actor.objects.bulk_create(
        [
            Actor(name=f"Thule official {i}", slug=f"thule-{i}", kind="person", name_keys="")
            for i in range(200)
        ]
    )
    for actor in Actor.objects.filter(slug__startswith="thule-"):
        actor.save()
    _sql, params = event_list(TimelineFilter(q="thule"))[:1].query.sql_with_params()
    actor_params = [p for p in params if isinstance(p, int)]
    assert len(actor_params) <= MAX_ACTORS_PER_WORD + 1


def test_ranked_search_ranks_a_bounded_pool_and_pages_through_it(curated, monkeypatch):
    filters = TimelineFilter(q="summit", sort="relevance")
    everything = [e.slug for e in event_list(filters)]
    assert len(everything) > 4
    monkeypatch.setattr(filter_module, "RANK_POOL", 4)
    paged, cursor = [], None
    while True:
        page = event_page(filters, cursor=cursor, limit=3)
        paged += [e.slug for e in page.events]
        if not (cursor := page.next_cursor):
            break
    assert len(paged) == 4 and set(paged) <= set(everything)
    # Within the pool the order is the full ranking's order.
    assert paged == [slug for slug in everything if slug in paged]


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "values",
    [
        ["2018-01-01", "2018-01-01", float("inf"), "chronological"],
        ["2018-01-01", "2018-01-01", 1e30, "chronological"],
        ["2018-01-01", "2018-01-01", 10**30, "chronological"],
        ["2018-01-01", "2018-01-01", 3.5, "chronological"],
        [float("nan"), None, 5, "relevance"],
    ],
)
def test_a_cursor_with_absurd_numbers_is_a_422_naming_cursor(client, curated, values):
    raw = json.dumps(values)  # Infinity and NaN as JSON writes them
    cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    query = "q=summit&sort=relevance&" if values[-1] == "relevance" else ""
    response = client.get(f"/api/v1/events?{query}cursor={cursor}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"
    # Pages list newest first by default: ask for the order the cursor claims to belong to.
    order = "" if query else "sort=chronological&"
    page = client.get(f"/en/?{query}{order}cursor={cursor}")
    assert page.status_code == 200
    assert "not one this service issued" in page.content.decode()
    assert "not one this service issued" in page.context["errors"]["cursor"]


@pytest.mark.parametrize("limit", ["²", "٣", "1e3", "-1", "0", "201"])
def test_an_odd_limit_is_named_not_a_500(client, curated, limit):
    page = client.get("/en/", {"limit": limit})
    assert page.status_code == 200
    assert "limit must be a whole number" in page.context["errors"]["limit"]
    assert client.get("/api/v1/events", {"limit": limit}).status_code == 422


class FreezableProxy:
    """A TCP relay to PostgreSQL that can stop relaying while keeping its sockets open: to the
    client, a database that hangs."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.frozen = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()

    def pipe(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            while self.frozen.is_set():
                time.sleep(0.05)
            try:
                sink.sendall(data)
            except OSError:
                return

    def close(self) -> None:
        self.listener.close()
        for sock in self.sockets:
            sock.close()


@pytest.mark.skipif(not POSTGRES, reason="a network database")
def test_a_hanging_database_is_given_up_on_within_seconds(transactional_db):
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings_dict = dict(connections["default"].settings_dict)
    target = (settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432))
    proxy = FreezableProxy(target)
    settings_dict["PORT"] = proxy.port
    wrapper = DatabaseWrapper(settings_dict, alias="hanging")
    try:
        with override_settings(DB_STATEMENT_TIMEOUT_MS=500):
            with wrapper.cursor() as cursor:
                cursor.execute("SELECT 1")
            proxy.frozen.set()
            started = time.monotonic()
            with pytest.raises(OperationalError), wrapper.cursor() as cursor:
                cursor.execute("SELECT 1")
            assert time.monotonic() - started < 4
    finally:
        proxy.frozen.clear()
        wrapper.close()
        proxy.close()


@pytest.mark.skipif(not POSTGRES, reason="a network database")
def test_a_database_that_accepts_but_never_answers_fails_the_connect_in_seconds():
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    silent = socket.create_server(("127.0.0.1", 0))
    settings_dict = dict(connections["default"].settings_dict)
    settings_dict.update(HOST="127.0.0.1", PORT=silent.getsockname()[1])
    wrapper = DatabaseWrapper(settings_dict, alias="silent")
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError):
            wrapper.ensure_connection()
        assert time.monotonic() - started < settings_dict["OPTIONS"]["connect_timeout"] + 2
    finally:
        silent.close()


def test_a_sqlite_database_url_gets_the_default_files_settings(tmp_path):
    import sqlite3

    from django.db.backends.sqlite3.base import DatabaseWrapper

    from config.settings import database_from_url

    path = tmp_path / "from-url.sqlite3"
    config = database_from_url(f"sqlite:///{path}")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] == 20
    wrapper = DatabaseWrapper({**config, "TIME_ZONE": None, "AUTOCOMMIT": True}, alias="url")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    finally:
        wrapper.close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
