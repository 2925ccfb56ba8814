"""Client identity from PROXY_COUNT for the API's rate limit and sign-in lockouts, limits that
hold across gunicorn workers without Redis, and the export slots shared by processes."""

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from timeline.clientip import client_ip
from timeline.limits import acquire_slot, release_slot

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/api/v1/tags", **extra)


def test_without_proxies_the_socket_address_is_the_client(settings):
    settings.PROXY_COUNT = 0
    assert client_ip(request_from("192.0.2.1", "198.51.100.9")) == "192.0.2.1"


def test_behind_one_proxy_what_the_client_wrote_is_ignored(settings):
    settings.PROXY_COUNT = 1
    # The proxy appends the address it saw; anything to its left came from the client.
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 198.51.100.9")) == "198.51.100.9"
    assert client_ip(request_from("10.0.0.2", "198.51.100.9")) == "198.51.100.9"
    assert client_ip(request_from("10.0.0.2", "not-an-address")) == "10.0.0.2"
    settings.PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 198.51.100.9, 10.0.0.1")) == (
        "198.51.100.9"
    )


def test_the_request_log_names_the_same_client(settings):
    import logging

    from config.logging import JsonFormatter

    settings.PROXY_COUNT = 1
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "refused", None, None)
    record.request = request_from("10.0.0.2", "6.6.6.6, 198.51.100.9")
    assert '"client": "198.51.100.9"' in JsonFormatter().format(record)


def test_rotating_forwarded_for_does_not_dodge_the_limit(client, api_rate_limit, settings):
    settings.PROXY_COUNT = 0
    api_rate_limit(requests=3, seconds=86400)
    statuses = [
        client.get("/api/v1/tags", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(6)
    ]
    assert statuses == [200, 200, 200, 429, 429, 429]


def test_a_forwarded_failure_does_not_lock_out_another_address(client, django_user_model, settings):
    settings.PROXY_COUNT = 1
    django_user_model.objects.create_superuser("chief", password="right-password-123")
    url = reverse("admin:login")
    for _ in range(6):
        client.post(
            url,
            {"username": "chief", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    attacker = client.post(
        url,
        {"username": "chief", "password": "right-password-123"},
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert attacker.status_code == 429
    from axes.models import AccessAttempt

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.66"]
    staff = client.post(
        url,
        {"username": "chief", "password": "right-password-123"},
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert staff.status_code == 302


def test_slots_are_shared_and_freed():
    first = acquire_slot("test", slots=2, hold_seconds=60)
    second = acquire_slot("test", slots=2, hold_seconds=60)
    assert first and second and first.number != second.number
    assert acquire_slot("test", slots=2, hold_seconds=60) is None
    release_slot(first)
    again = acquire_slot("test", slots=2, hold_seconds=60)
    assert again is not None and again.number == first.number


def test_a_dead_holders_slot_is_free_after_its_time():
    assert acquire_slot("short", slots=1, hold_seconds=0)
    time.sleep(0.01)
    assert acquire_slot("short", slots=1, hold_seconds=60) is not None


# -- Two gunicorn workers, no Redis ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, headers: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.fixture
def two_workers(transactional_db, tmp_path):
    """gunicorn with two workers and the default (per-process) cache, on this test database."""
    env = {
        **os.environ,
        "SECRET_KEY": "two-workers-test-key",
        "DEBUG": "false",
        "HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        # A day's window: a minute's could turn over between two requests and reset the count.
        "API_ANON_RATE": "20/d",
        "PAGE_CACHE_SECONDS": "0",
        "PROXY_COUNT": "1",
        "LOG_LEVEL": "WARNING",
        "LOG_JSON": "false",
        "WARM_COUNTS": "false",
    }
    env.pop("REDIS_URL", None)
    if connection.vendor == "postgresql":
        cfg = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{cfg['USER']}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}/"
            f"{cfg['NAME']}"
        )
    else:
        path = Path(tempfile.mkdtemp(dir=tmp_path)) / "two.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                if get(port, "/healthz", {}) == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_two_workers_share_one_limit_under_rotating_forwarded_for(two_workers):
    port = two_workers
    statuses = []
    for i in range(50):
        # The client writes a new address each time; the proxy appends the one it saw.
        headers = {"X-Forwarded-For": f"198.51.100.{i}, 203.0.113.7", "Connection": "close"}
        statuses.append(get(port, "/api/v1/tags", headers))
    assert statuses.count(200) == 20, statuses
    assert statuses.count(429) == 30
    # Another client behind the same proxy is not limited by the first.
    assert get(port, "/api/v1/tags", {"X-Forwarded-For": "203.0.113.8"}) == 200
