"""Shared pieces of the battery: result rows, a Celery worker process, a file SMS gateway.

Every battery script runs against the database and Redis number named by ``DATABASE_URL`` and
``REDIS_URL`` (your own: never the shared defaults), appends its rows to ``RESULTS`` as JSON
lines and prints them; ``bench/battery/run.py`` prints the table of one run.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("BATTERY_OUT", ROOT / "var" / "battery"))
RESULTS = OUT / "results.jsonl"
# The fake SMS gateway's records (see FileSmsBackend): one file per accepted key, and one line
# per send() call that was dropped because its key had been accepted before.
SMS_DIR = OUT / "sms"
SMS_REPEATS = OUT / "sms-repeats.log"
# A port nothing listens on: the broker "down" phase points there.
CLOSED_PORT = 1


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    need = os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
    if not need:
        sys.exit("the battery needs DATABASE_URL (PostgreSQL) and REDIS_URL (your own db number)")
    import django

    django.setup()
    import logging

    # Thousands of expected 429/404 answers would each log a warning line.
    logging.getLogger("django.request").setLevel(logging.ERROR)


def say(text: str) -> None:
    print(text, flush=True)


def result(test: str, figure: str, goal: str, ok: bool) -> None:
    """One row of the summary table (test | figure | goal | met)."""
    OUT.mkdir(parents=True, exist_ok=True)
    row = {"test": test, "figure": figure, "goal": goal, "ok": ok}
    with RESULTS.open("a") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
    say(f"  {'ok ' if ok else 'NOT'} {test}: {figure} (goal {goal})")


class FileSmsBackend:
    """The SMS gateway of the fault runs: it records deliveries by idempotency key, as a
    provider does with a client serial number, and drops a key it has accepted before.

    Accepting a message is one atomic step, ``link()`` of a complete file named after the key
    into ``SMS_DIR`` (it fails when the name exists), so a process killed at any instant either
    delivered the message or did not. A dropped repeat appends a line to ``SMS_REPEATS``.
    What the receiver sees is the text in the files: ``delivered()`` counts them by the
    ``[bench:<n>]`` subject, so a message sent under two different keys shows as a duplicate.

    ``BATTERY_SMS_DELAY`` (seconds) is the gateway's latency before it accepts, so a kill -9
    lands in the middle of deliveries."""

    def send(self, phone: str, text: str, *, key: str) -> None:
        delay = float(os.environ.get("BATTERY_SMS_DELAY", "0"))
        if delay:
            time.sleep(delay)
        out = sms_dir()
        out.mkdir(parents=True, exist_ok=True)
        name = key.replace(":", "_").replace("/", "_")
        tmp = out / f".{name}.{os.getpid()}.{time.monotonic_ns()}"
        tmp.write_text(text.replace("\n", " ") + "\n")
        try:
            os.link(tmp, out / name)
        except FileExistsError:
            fd = os.open(
                sms_dir().parent / SMS_REPEATS.name, os.O_WRONLY | os.O_APPEND | os.O_CREAT
            )
            try:
                os.write(fd, f"{key}\n".encode())
            finally:
                os.close(fd)
        finally:
            tmp.unlink()


def sms_dir() -> Path:
    """Where the gateway records (``BATTERY_OUT`` read at call time: tests point it elsewhere)."""
    return Path(os.environ.get("BATTERY_OUT", OUT)) / SMS_DIR.name


def delivered(out: Path | None = None) -> collections.Counter:
    """Messages the receiver got, by subject (``[bench:...]``): what the gateway accepted."""
    folder = (out / SMS_DIR.name) if out is not None else sms_dir()
    counts: collections.Counter = collections.Counter()
    if folder.exists():
        for f in folder.iterdir():
            if not f.name.startswith("."):
                counts[f.read_text().split("]", 1)[0] + "]"] += 1
    return counts


def repeats_dropped(out: Path | None = None) -> int:
    """How many send() calls the gateway dropped as repeats of an accepted key."""
    log = (out or Path(os.environ.get("BATTERY_OUT", OUT))) / SMS_REPEATS.name
    return len(log.read_text().splitlines()) if log.exists() else 0


def reset_gateway() -> None:
    import shutil

    shutil.rmtree(sms_dir(), ignore_errors=True)
    (sms_dir().parent / SMS_REPEATS.name).unlink(missing_ok=True)


def worker_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "SMS_BACKEND": "bench.battery.common.FileSmsBackend",
        "PYTHONPATH": str(ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **extra,
    }


def start_worker(
    *, pool: str = "solo", concurrency: int = 1, name: str = "battery", **env: str
) -> subprocess.Popen:
    """A real Celery worker on this run's Redis, in its own process group (for kill -9)."""
    from config.celery import QUEUES

    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        # Every queue (config.celery.QUEUES) and the default one, as `manage.py serve` does.
        "-Q",
        ",".join(["celery", *QUEUES]),
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "-n",
        f"{name}-{os.getpid()}@%h",
        "--loglevel=WARNING",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    log = (OUT / "worker.log").open("ab")
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=worker_env(**env), stdout=log, stderr=log, start_new_session=True
    )
    proc.hostname = f"{name}-{os.getpid()}@{socket.gethostname()}"  # type: ignore[attr-defined]
    return proc


def wait_ready(worker: subprocess.Popen, timeout: float = 60) -> None:
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError("the worker exited at start-up (see var/battery/worker.log)")
        if app.control.ping(destination=[worker.hostname], timeout=0.5):  # type: ignore[attr-defined]
            return
    raise RuntimeError("the worker did not answer a ping")


def kill_group(proc: subprocess.Popen) -> None:
    """kill -9 the worker and every process it started."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def stop(proc: subprocess.Popen) -> None:
    """Warm shutdown, then SIGKILL to whatever of the group is left (pool children can
    outlive their main process)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    kill_group(proc)


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page's form (captcha token, idempotency key, CSRF token)."""
    import re

    out = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            out[name.group(1)] = value.group(1) if value else ""
    return out


def purge_queue() -> None:
    """Empty this run's Redis queue (tasks left by an earlier run)."""
    from config.celery import app

    app.control.purge()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def static_is_current() -> bool:
    """Whether collectstatic's manifest is newer than every file of the project's static
    folders and the installed packages' (a package upgrade touches its files)."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            if Path(storage.path(path)).stat().st_mtime > built:
                return False
    return True


def start_gunicorn(
    *, workers: int = 2, app: str = "bench.battery.wsgi:application", **env: str
) -> tuple[subprocess.Popen, str]:
    """``gunicorn -c config/gunicorn.conf.py bench.battery.wsgi`` on a free loopback port with
    production settings (bench.battery.settings: cookies over plain HTTP; bench.battery.wsgi: a
    known captcha answer); returns the process (its own group) and its base URL once it answers.
    ``app`` names another bench entry point (bench/web_profile.py wraps this one)."""
    import secrets
    import urllib.request

    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "bench.battery.settings",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # A burst at one station is the point here, not the flood alarm it would raise.
        "PUBLIC_SUBMIT_STATION_RATE": "100000",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    # Production serves hashed static names from the manifest (whitenoise). Compressing every
    # file takes minutes of CPU on a loaded box: skipped while the manifest is newer than them.
    if not static_is_current():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=600,
        )
    log = (OUT / "gunicorn.log").open("ab")
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "config/gunicorn.conf.py",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{host}/accounts/login/", timeout=5)
            return gunicorn, host
        except OSError as exc:
            if time.monotonic() > deadline or gunicorn.poll() is not None:
                stop(gunicorn)
                raise RuntimeError("gunicorn did not start (var/battery/gunicorn.log)") from exc
            time.sleep(0.5)
