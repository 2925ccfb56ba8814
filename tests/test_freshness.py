"""Freshness across processes: what one process changes, every other process answers at once.

A real gunicorn with two workers serves a database of its own; a second process
(`manage.py shell -c`, as any management command, import or another worker's admin save) edits
an event; the cached API answers of both workers change on the very next request. Run once
without Redis (each worker caches in its own memory) and once with Redis.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(Path(sys.executable))
SLUG = "2018-06-12-singapore-summit"
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A database of the test's own, of the kind the suite runs on, with the curated data."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        path = tmp_path_factory.mktemp("freshness") / "db.sqlite3"
        yield f"sqlite:///{path}"
        return
    import psycopg

    url = os.environ["DATABASE_URL"]
    config = dj_database_url.parse(url)
    name = f"freshness_{uuid.uuid4().hex[:8]}"
    admin = dict(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database_url: str, redis_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="freshness-test-key",
        DEBUG="false",
        HTTPS="false",
        STATIC_MANIFEST="false",
        ALLOWED_HOSTS="127.0.0.1",
        REDIS_URL=redis_url,
        WARM_COUNTS="false",
        API_ANON_RATE="100000/m",
        LOG_LEVEL="WARNING",
        LOG_JSON="false",
        CONN_MAX_AGE="0",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def loaded(database_url):
    env = environment(database_url, "")
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "load_curated")
    return database_url


def get(port: int, path: str) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture
def server(loaded, request):
    env = environment(loaded, request.param)
    if request.param:
        import redis

        redis.Redis.from_url(redis_or_fail()).flushdb()
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if get(port, "/healthz")[0] == 200:
                break
        except OSError:
            pass
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.2)
    yield port, env
    process.terminate()
    process.wait(timeout=30)


def redis_or_fail() -> str:
    if not redis_reachable(REDIS_TEST_URL):
        pytest.fail(f"Redis at {REDIS_TEST_URL} is not reachable (set TEST_REDIS_URL)")
    return REDIS_TEST_URL


@pytest.mark.parametrize(
    "server",
    [pytest.param("", id="no-redis"), pytest.param(REDIS_TEST_URL, id="redis")],
    indirect=True,
)
def test_a_change_made_by_another_process_is_answered_at_once(server):
    port, env = server
    detail = f"/api/v1/events/{SLUG}"
    listing = "/api/v1/events?kind=summit&limit=200"
    caches_seen = set()
    # Enough requests that both workers have answered, and cached, both URLs.
    for _ in range(8):
        for path in (detail, listing):
            status, headers, body = get(port, path)
            assert status == 200
            caches_seen.add(headers.get("X-Cache"))
    assert "hit" in caches_seen  # the answers really were cached before the change
    new_title = f"Singapore summit, retitled by another process {uuid.uuid4().hex[:6]}"
    manage(
        env,
        "shell",
        "-c",
        "from timeline.models import Event; "
        f"e = Event.objects.get(slug={SLUG!r}); e.title = {new_title!r}; e.save()",
    )
    for _ in range(8):
        status, _, body = get(port, detail)
        assert status == 200 and json.loads(body)["title"] == new_title
        status, _, body = get(port, listing)
        titles = [item["title"] for item in json.loads(body)["items"]]
        assert new_title in titles
    # Withdrawn by another process: gone from both answers at once.
    manage(
        env,
        "shell",
        "-c",
        "from timeline.models import Event; "
        f"e = Event.objects.get(slug={SLUG!r}); e.publication = 'withdrawn'; e.save()",
    )
    for _ in range(8):
        assert get(port, detail)[0] == 404
        status, _, body = get(port, listing)
        assert SLUG not in [item["slug"] for item in json.loads(body)["items"]]
    # Put back for the next configuration (the database is shared by the module).
    manage(
        env,
        "shell",
        "-c",
        "from timeline.models import Event; "
        f"e = Event.objects.get(slug={SLUG!r}); e.publication = 'published'; e.save()",
    )
