"""Bench-only settings for the load run: production settings, with cookies over plain HTTP.

gunicorn serves plain HTTP on 127.0.0.1 in the load run (no TLS proxy in front), so the
Secure flag on the session and CSRF cookies would keep a client from ever sending them back.
Everything else is exactly ``config.settings`` with ``DJANGO_ENV=production``. Never deploy this.
"""

from config.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
