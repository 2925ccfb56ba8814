"""Security headers, CSP, check --deploy, sign-in lockout and session limits."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-for-the-check-" + "y" * 20,
        "ALLOWED_HOSTS": "timeline.example.org",
    }
    for test_only in ("HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"):
        env.pop(test_only, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_strict_csp_with_a_nonce_and_the_other_headers(client, curated):
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html  # htmx's script tag carries it
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html


def test_admin_login_locks_out_after_five_failures(client, django_user_model):
    django_user_model.objects.create_superuser("chief", password="right-password-123")
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "chief", "password": "wrong"})
    locked = client.post(url, {"username": "chief", "password": "right-password-123"})
    assert locked.status_code == 429
    assert b"Too many failed sign-in attempts" in locked.content
    from django.core.management import call_command

    call_command("axes_reset_username", "chief")
    ok = client.post(url, {"username": "chief", "password": "right-password-123"})
    assert ok.status_code == 302


def test_staff_sessions_end_after_idle_time(client, django_user_model, settings):
    user = django_user_model.objects.create_superuser("chief", password="pw-chief-12345")
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200
    session = client.session
    session["session_last_seen"] -= settings.STAFF_IDLE_SECONDS + 1
    session.save()
    assert client.get(reverse("admin:index")).status_code == 302  # back to the login page


def test_staff_sessions_end_after_twelve_hours(client, django_user_model, settings):
    user = django_user_model.objects.create_superuser("chief", password="pw-chief-12345")
    client.force_login(user)
    client.get(reverse("admin:index"))
    session = client.session
    session["session_started_at"] -= settings.STAFF_MAX_SESSION_SECONDS + 1
    session.save()
    assert client.get(reverse("admin:index")).status_code == 302
