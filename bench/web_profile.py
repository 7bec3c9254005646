"""Bench-only WSGI entry point that profiles every request with pyinstrument (``bench/web.py
--profile``): gunicorn runs it with one worker while locust requests one page.

Wraps ``bench.battery.wsgi`` (production settings over plain HTTP). The profiler runs from the
moment gunicorn hands the request over until the body is produced, so gunicorn's own parsing and
its access log line are outside it. The first ``PROFILE_SKIP`` requests (imports, first
connections, template compilation) are left out, the rest are combined, and the report is
rewritten every ``PROFILE_EVERY`` requests to ``PROFILE_OUT``. Samples are wall time: on a
loaded box that includes waiting for a core, spread over the code like the work itself, and
the database's time shows as the query calls that wait for it.
pyinstrument is a development dependency (``pip install .[dev]``); production never imports this.
"""

from __future__ import annotations

import os

from pyinstrument import Profiler

from bench.battery.wsgi import application as _application

OUT = os.environ.get("PROFILE_OUT", "var/web/profile.txt")
EVERY = int(os.environ.get("PROFILE_EVERY", "50"))
SKIP = int(os.environ.get("PROFILE_SKIP", "5"))
_profiler = Profiler(interval=0.001)
_count = 0


def application(environ, start_response):
    global _count
    _profiler.start()
    try:
        # The body is produced inside the profile (a lazy response would escape it otherwise).
        return [b"".join(_application(environ, start_response))]
    finally:
        _profiler.stop()
        _count += 1
        if _count == SKIP:
            _profiler.reset()
        elif _count > SKIP and (_count - SKIP) % EVERY == 0:
            with open(OUT, "w") as f:
                f.write(f"{_count - SKIP} requests\n")
                f.write(_profiler.output_text(unicode=True, time="percent_of_total"))
                # The same samples by function, library frames included (where the time goes
                # inside Django, templates and the middleware).
                flat = _profiler.output_text(flat=True, show_all=True, time="percent_of_total")
                f.write("\n".join(flat.splitlines()[:80]) + "\n")
