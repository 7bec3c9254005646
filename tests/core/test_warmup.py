"""A web worker does its one-time work at start (core.warmup), not in its first request."""

from __future__ import annotations

from django.template import engines
from django.urls import clear_url_caches, get_resolver
from django.utils.translation import trans_real

from core.warmup import LAYOUTS, warm_up


def _cached_templates() -> set[str]:
    loader = engines["django"].engine.template_loaders[0]
    return {key.split("-")[0] for key in loader.get_template_cache}


def test_it_loads_the_urlconf_both_catalogues_and_the_layouts(monkeypatch):
    monkeypatch.setattr(trans_real, "_translations", {})
    engines["django"].engine.template_loaders[0].reset()
    clear_url_caches()

    warm_up()

    assert {"zh-hans", "en"} <= set(trans_real._translations)
    assert set(LAYOUTS) <= _cached_templates()
    # The URLconf module is imported and its patterns built (a cached property of the resolver).
    assert "url_patterns" in vars(get_resolver())


def test_the_wsgi_entry_point_warms_up_before_the_first_request(monkeypatch):
    import importlib
    import sys

    calls = []
    monkeypatch.setattr("core.warmup.warm_up", lambda: calls.append("warm_up"))
    # Not a second django.setup() (it would configure logging again mid-run).
    monkeypatch.setattr(
        "django.core.wsgi.get_wsgi_application", lambda: calls.append("application")
    )
    sys.modules.pop("config.wsgi", None)
    importlib.import_module("config.wsgi")
    sys.modules.pop("config.wsgi", None)
    assert calls == ["application", "warm_up"]
