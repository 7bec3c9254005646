import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from django.db import connection

from config.celery import app as celery_app

from .world import build_world

STRICT = os.environ.get("CI_STRICT") == "1"


def pytest_configure(config):
    from django.conf import settings

    # The named world creates a dozen users per test; real password hashing would dominate.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Assertions read the English msgids; tests of the Chinese interface ask for it explicitly.
    settings.LANGUAGE_CODE = "en"
    # With REDIS_URL the cache is shared by every xdist process: give each its own key space.
    settings.CACHES["default"]["KEY_PREFIX"] = (
        f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    )
    _scan_static_files_once()


def _scan_static_files_once() -> None:
    """Every test Client builds its own middleware chain, and WhiteNoise's __init__ walks and
    stats every static file of every app (WHITENOISE_USE_FINDERS): ~0.05 s of CPU per Client,
    a third of the role matrix's time. The files do not change during a run, so the walk is
    done once per process and its result reused by every later middleware instance with the
    same static settings (the same StaticFile responders WhiteNoise would have built)."""
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware  # type: ignore[import-untyped]

    walk = WhiteNoiseMiddleware.add_files_from_finders
    walked: dict[tuple, dict] = {}

    def add_files_from_finders(self) -> None:
        key = (
            self.static_prefix,
            settings.DEBUG,
            repr(settings.STATICFILES_DIRS),
            tuple(settings.INSTALLED_APPS),
            tuple(settings.STATICFILES_FINDERS),
            repr([(k, getattr(settings, k)) for k in dir(settings) if k.startswith("WHITENOISE_")]),
        )
        if key not in walked:
            before = dict(self.files)
            walk(self)
            walked[key] = {u: f for u, f in self.files.items() if before.get(u) is not f}
        self.files.update(walked[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and captchas must not leak from one test into the next.

    On Redis only this process's keys are deleted: cache.clear() would FLUSHDB and wipe the
    counters of a test running at the same moment in the other xdist process."""
    from django.core.cache import cache

    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):  # Redis
        client = cache._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fresh_calendar_coverage(request):
    """Read the loaded holiday years once at the start of each test (core.workdays memoises
    them per process for a minute), so pinned query counts do not depend on test order."""
    from core import workdays
    from petitions.selectors import forget_categories

    workdays.forget_covered_years()
    forget_categories()  # the memo must not keep the rows of an earlier test's transaction
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            workdays.covered_years()
            break
    yield


def skip_or_fail(reason: str) -> None:
    """Skip an optional test on a bare machine; in CI (CI_STRICT=1) a skip is a failure."""
    if STRICT:
        pytest.fail(f"CI must not skip: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _eager_celery():
    """Run tasks in-process by default; the `celery_worker` fixture switches to a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads and exports of a test land in a temporary folder, never in var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def as_role(client, world):
    """as_role("staff") -> a test client logged in as that named user."""

    def login(role: str):
        client.force_login(world.user(role))
        return client

    return login


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker process on Redis, sharing this test's PostgreSQL database.

    Needs DATABASE_URL (PostgreSQL) and REDIS_URL; without them the test is skipped (failed in
    CI). Mark such tests with @pytest.mark.services and @pytest.mark.xdist_group("services").
    """
    if not (
        os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
    ):
        skip_or_fail("needs DATABASE_URL (PostgreSQL) and REDIS_URL for a real Celery worker")
    queue = f"test-{os.getpid()}"
    hostname = f"{queue}@{socket.gethostname()}"
    worker = start_worker_process(queue=queue, hostname=hostname)
    celery_app.conf.task_always_eager = False
    restore_routes = route_all_to(queue)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            # Only this test's worker: another run's worker on the same Redis must not count.
            replies = celery_app.control.ping(destination=[hostname], timeout=0.5) or []
            if replies:
                break
        else:
            pytest.fail("the Celery worker did not start within 30 s")
        yield worker
    finally:
        restore_routes()
        celery_app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=15)


def route_all_to(queue: str):
    """Send every task this process queues to ``queue`` (a test's own worker reads it) instead of
    the production routes (config.celery QUEUES: interactive, sweep, bulk); returns the undo.

    Celery caches its router and route table on first use (e.g. by tests/core/test_queues.py),
    so both are dropped on the way in and out, or the old routes would still apply."""
    conf = celery_app.conf
    saved = (conf.task_default_queue, conf.task_routes)

    def forget_router() -> None:
        celery_app.amqp._rtable = None
        celery_app.amqp.__dict__.pop("router", None)

    conf.task_default_queue, conf.task_routes = queue, {}
    forget_router()

    def restore() -> None:
        conf.task_default_queue, conf.task_routes = saved
        forget_router()

    return restore


def worker_database_url() -> str:
    """The URL of the test database, for a worker process that must share it."""
    from urllib.parse import quote

    settings_dict = connection.settings_dict
    password = settings_dict.get("PASSWORD") or ""
    return (
        f"postgres://{quote(settings_dict['USER'] or '', safe='')}"
        f"{':' + quote(password, safe='') if password else ''}"
        f"@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )


def start_worker_process(
    *, queue: str, hostname: str, pool: str = "solo", concurrency: int = 1, env=None, **popen
) -> subprocess.Popen:
    """A Celery worker process on this test's database and its own queue."""
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(env or {}),
    }
    # The worker's own default queue must be the test queue too, without the production routes:
    # tasks it queues itself (the sweep's notices) would otherwise go to a queue no worker of
    # this test reads.
    start = (
        "import sys; from config.celery import app; "
        "app.conf.task_default_queue = sys.argv[1]; app.conf.task_routes = {}; "
        "app.worker_main(sys.argv[2:])"
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            start,
            queue,
            "worker",
            "-Q",
            queue,
            "-n",
            hostname,
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        **popen,
    )


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.2):
    """Poll until predicate() is truthy (for work done by the real worker)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        skip_or_fail("Chromium is not installed (apt-get install chromium fonts-wqy-microhei)")
    return path


@pytest.fixture
def browser(chromium_path):
    """A headless Chromium driven by Playwright (never `playwright install`: uses Debian's)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
