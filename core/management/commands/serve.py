"""Start the web server, a Celery worker with beat and the demo's fake external platform as
child processes; stop all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

DEMO_LOGINS = """\
  Demo logins (password for all: demo12345)
    admin        system administrator
    clerk_city   standing-committee clerk, the whole city
    clerk        standing-committee clerk, 南湖区
    staff        station head, 新兴街道人大代表联络站
    deputy       deputy 戴伟 (新兴街道)
    handler      department handler, 南湖区住房和城乡建设局
"""


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def fake_platform_command(python: str) -> tuple[list[str] | None, str]:
    """The command starting the demo's fake 四平台 (api/fake_platform.py) and a line saying
    what happens to it: off with FAKE_PLATFORM_PORT=0, left alone when the port is taken
    (another one already answers there), else started with the store the demo wrote to."""
    port = settings.FAKE_PLATFORM_PORT
    if not port:
        return None, "  Fake 四平台 off (FAKE_PLATFORM_PORT=0).\n"
    if not port_is_free(port):
        return (
            None,
            f"  Port {port} is taken: the fake 四平台 is not started (one may run there).\n",
        )
    store = str(Path(settings.VAR_DIR) / "fake_platform.json")
    command = [python, "-m", "api.fake_platform", "--port", str(port), "--store", store]
    return command, f"  Fake 四平台 (demo external platform) on http://127.0.0.1:{port}/\n"


class Command(BaseCommand):
    help = "Run the development stack: web server + Celery worker with beat."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args, port: int, host: str, **options) -> None:
        python = sys.executable
        children = [
            subprocess.Popen([python, "manage.py", "runserver", f"{host}:{port}", "--noreload"]),
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--beat",
                    # Every queue in one development worker (production runs one per queue).
                    "--queues=interactive,sweep,bulk",
                    "--loglevel=INFO",
                    "--concurrency=2",
                ]
            ),
        ]
        # The demo forwards a case to this platform: without it nothing would answer there.
        platform, platform_line = fake_platform_command(python)
        if platform is not None:
            children.append(subprocess.Popen(platform))
        broker = "Redis" if os.environ.get("REDIS_URL") else "filesystem broker (var/broker)"
        database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite (var/db.sqlite3)"
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Open http://{host}:{port}/  ({database}, Celery on {broker})\n"
            )
        )
        self.stdout.write(platform_line)
        self.stdout.write(DEMO_LOGINS)
        self.stdout.write("  Press Ctrl-C to stop the server, the worker and the platform.\n")

        def stop(*_args) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
            sys.exit(0)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while True:
            for child in children:
                if child.poll() is not None:
                    self.stderr.write(f"A child process exited ({child.args!r}); stopping.")
                    stop()
            time.sleep(1)
