import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_database, env_int


def test_it_reads_booleans_strictly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='ture' is not a boolean"):
        env_bool("X_FLAG", False)


def test_it_rejects_a_non_integer(monkeypatch):
    monkeypatch.setenv("X_NUM", "12a")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env_int("X_NUM", 3)


def test_it_rejects_an_integer_out_of_range(monkeypatch):
    monkeypatch.setenv("NOTICE_PERIOD_MONTHS", "13")
    with pytest.raises(ImproperlyConfigured, match="outside 1..12"):
        env_int("NOTICE_PERIOD_MONTHS", 2, minimum=1, maximum=12)
    monkeypatch.setenv("NOTICE_PERIOD_MONTHS", "12")
    assert env_int("NOTICE_PERIOD_MONTHS", 2, minimum=1, maximum=12) == 12


def test_it_rejects_an_unknown_environment_name(monkeypatch):
    monkeypatch.setenv("X_ENV", "prod")
    with pytest.raises(ImproperlyConfigured, match="must be one of"):
        env_choice("X_ENV", "development", {"development", "production"})


def test_it_parses_a_postgres_url(monkeypatch):
    monkeypatch.setenv("X_DB", "postgres://u:p@db.example:5433/liaison")
    config = env_database("X_DB")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "liaison")


def test_it_rejects_an_unknown_database_scheme(monkeypatch):
    monkeypatch.setenv("X_DB", "oracle2://x/y")
    with pytest.raises(ImproperlyConfigured, match="X_DB"):
        env_database("X_DB")


def test_production_settings_refuse_to_start_without_a_secret_key():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_ENV="production", ALLOWED_HOSTS="example.org")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
