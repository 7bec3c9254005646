"""Demo credentials and proxy headers in production (issue 9 #9)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error, run_checks
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from core.checks import DEMO_PASSWORD, check_demo_passwords

ROOT = Path(__file__).resolve().parents[2]


def test_demo_data_refuses_to_run_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo_data")


def test_demo_data_runs_in_production_only_with_the_explicit_flag(db, settings, monkeypatch):
    from reports.management.commands import demo_data

    settings.PRODUCTION = True
    monkeypatch.setattr(demo_data, "LOADERS", ())
    call_command("demo_data", "--allow-production")  # no CommandError


def test_the_deploy_check_fails_while_an_active_account_has_the_demo_password(world):
    assert check_demo_passwords() == []
    staff = world.user("staff")
    staff.set_password(DEMO_PASSWORD)
    staff.save()
    errors = [e for e in run_checks(include_deployment_checks=True) if e.id == "core.E001"]
    assert len(errors) == 1 and isinstance(errors[0], Error)
    assert "staff" in errors[0].msg
    staff.is_active = False
    staff.save()
    assert check_demo_passwords() == []


def _production_env(tmp_path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        # Browser tests in the same process set DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy check
        # rightly warns about; a real deployment never has it.
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "PYTEST_XDIST_WORKER",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="x" * 20 + "-production-like-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="liaison.example.org",
        SQLITE_PATH=str(tmp_path / "deploy.sqlite3"),
        STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def test_check_deploy_passes_on_production_settings_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_httponly_and_same_site(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE,"
        " s.SECURE_HSTS_SECONDS > 0, s.SECURE_PROXY_SSL_HEADER, s.TRUSTED_PROXIES)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split("\n")[-2] == (
        "True True True True Lax Lax True None ['127.0.0.1', '::1']"
    ), result.stdout + result.stderr


def _echo_scheme_and_address(client: Client, **headers):
    response = client.get(reverse("public:track"), **headers)
    request = response.wsgi_request
    return request.scheme, request.META["REMOTE_ADDR"]


def test_forwarded_headers_from_an_untrusted_client_are_ignored(db, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client(REMOTE_ADDR="203.0.113.9")
    got = _echo_scheme_and_address(
        client, HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="10.0.0.1"
    )
    assert got == ("http", "203.0.113.9")


def test_forwarded_headers_from_a_trusted_proxy_are_honoured(db, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.10.0.0/16"]
    client = Client(REMOTE_ADDR="127.0.0.1")
    got = _echo_scheme_and_address(
        client,
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.20, 10.10.3.4",
    )
    # The right-most address that is not a proxy: a client cannot prepend a fake one.
    assert got == ("https", "203.0.113.20")


def test_an_https_redirect_cannot_be_skipped_by_a_forged_header(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    forged = Client(REMOTE_ADDR="203.0.113.9").get(
        reverse("public:track"), HTTP_X_FORWARDED_PROTO="https"
    )
    assert forged.status_code == 301
    proxied = Client(REMOTE_ADDR="127.0.0.1").get(
        reverse("public:track"), HTTP_X_FORWARDED_PROTO="https"
    )
    assert proxied.status_code == 200
