"""Bench-only WSGI entry point for the load run: the captcha answer is known to the load users.

The public form's captcha is drawn from ``petitions.captcha.new_answer``; the load users cannot
read a picture, so this entry point (never the production one, ``config.wsgi``) makes every
answer ``BENCH_CAPTCHA``. The one-use claim, the limits and everything else stay real.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.battery.settings")
application = get_wsgi_application()

from core.warmup import warm_up  # noqa: E402
from petitions import captcha  # noqa: E402

warm_up()  # as config.wsgi does

BENCH_CAPTCHA = "K7M3P"
captcha.new_answer = lambda: BENCH_CAPTCHA
