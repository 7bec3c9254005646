"""A small local captcha for the public submission form: a PNG drawn with Pillow.

No outside service: the answer is drawn here, and only its keyed hash goes into the session,
with an expiry. Tests that need to know the answer in advance patch ``new_answer``.

The picture only stops casual scripts (a ~100-line template matcher read 72% of them). What
actually holds a flood back is around it:

* one answer, one use, atomically: the challenge's nonce is claimed with a unique INSERT
  (``CaptchaUse``), so parallel posts of one solved answer save one case;
* wrong answers are counted per address (``PUBLIC_CAPTCHA_FAILURES`` an hour); past the limit
  even a right answer is refused until the hour is over;
* submissions are limited per address (``PUBLIC_SUBMIT_RATE``) and per station
  (``PUBLIC_SUBMIT_STATION_RATE``); a station over its limit alerts its staff (``flood``).

People who cannot read the picture answer a short arithmetic question in text instead (read
out by screen readers); either answer is accepted, once.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import random
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from . import ratelimit

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V: letters people confuse on a small phone screen.
ALPHABET = "34679ACDEFGHJKMNPRTWXY"
LENGTH = 5
LIFETIME = 10 * 60  # seconds
SESSION_KEY = "public_captcha"
WIDTH, HEIGHT = 200, 64

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def _digest(answer: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"captcha:" + answer.upper().encode(), hashlib.sha256).hexdigest()


def new_answer() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def draw(answer: str) -> bytes:
    """The PNG for an answer: tilted characters, lines and dots over a light background."""
    rng = random.Random(secrets.randbits(64))
    image = Image.new("RGB", (WIDTH, HEIGHT), (245, 245, 240))
    draw_ = ImageDraw.Draw(image)
    for _dot in range(250):
        xy = (rng.randrange(WIDTH), rng.randrange(HEIGHT))
        draw_.point(xy, fill=(rng.randrange(120, 220),) * 3)
    step = (WIDTH - 20) // max(len(answer), 1)
    for i, ch in enumerate(answer):
        glyph = Image.new("RGBA", (48, 56), (0, 0, 0, 0))
        color = (rng.randrange(0, 90), rng.randrange(0, 90), rng.randrange(60, 150), 255)
        ImageDraw.Draw(glyph).text((8, 2), ch, font=_font(40), fill=color)
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (10 + i * step + rng.randrange(-3, 4), rng.randrange(0, 8)), glyph)
    for _line in range(4):
        points = [(rng.randrange(WIDTH), rng.randrange(HEIGHT)) for _ in range(2)]
        draw_.line(points, fill=(rng.randrange(60, 160),) * 3, width=2)
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def new_question() -> tuple[str, str]:
    """A sum or difference of two small numbers, as text, and its answer in digits."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2) and a != b:
        a, b = max(a, b), min(a, b)
        return _("What is %(a)d minus %(b)d?") % {"a": a, "b": b}, str(a - b)
    return _("What is %(a)d plus %(b)d?") % {"a": a, "b": b}, str(a + b)


def issue(request) -> str:
    """Start a new challenge for this session; returns the picture as a ``data:`` URI.

    The text question for people who cannot read the picture is kept in the session too;
    ``{% captcha_question %}`` shows it next to the picture."""
    answer = new_answer()
    question, solution = new_question()
    request.session[SESSION_KEY] = {
        "h": _digest(answer),
        "a": _digest(solution),
        "q": question,
        "n": secrets.token_hex(16),
        "exp": time.time() + LIFETIME,
    }
    return "data:image/png;base64," + base64.b64encode(draw(answer)).decode()


def question(request) -> str:
    """The text question of the session's current challenge."""
    return (request.session.get(SESSION_KEY) or {}).get("q", "")


def too_many_failures(request) -> bool:
    return ratelimit.exceeded(
        "captcha-fail",
        ratelimit.client_ip(request),
        limit=settings.PUBLIC_CAPTCHA_FAILURES,
        window=ratelimit.HOUR,
    )


def check(request, value: str) -> bool:
    """True when the value answers the session's challenge (picture or question), once.

    The challenge is used up either way; a wrong answer counts against the address."""
    stored = request.session.pop(SESSION_KEY, None)
    if not stored or stored.get("exp", 0) < time.time() or too_many_failures(request):
        return False
    typed = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    right = hmac.compare_digest(stored.get("h", ""), _digest(typed)) or hmac.compare_digest(
        stored.get("a", ""), _digest(typed)
    )
    if not right:
        ratelimit.hit("captcha-fail", ratelimit.client_ip(request), window=ratelimit.HOUR)
        return False
    return _claim(stored.get("n", ""))


def _claim(nonce: str) -> bool:
    """Mark the challenge used; False when another request already did."""
    from .models import CaptchaUse

    if not nonce:
        return False
    try:
        with transaction.atomic():
            CaptchaUse.objects.create(nonce=nonce)
    except IntegrityError:
        return False
    if secrets.randbelow(50) == 0:  # now and then, forget challenges that expired anyway
        cutoff = timezone.now() - dt.timedelta(seconds=2 * LIFETIME)
        CaptchaUse.objects.filter(used_at__lt=cutoff).delete()
    return True


def station_flooded(station) -> bool:
    """Count one checked submission for the station; True (and staff alerted) past its limit.

    A flood of valid-looking submissions at one station (a script with solved captchas from
    many addresses) is what neither the picture nor the per-address limit stops."""
    count = ratelimit.hit("submit-station", f"s{station.pk}", window=ratelimit.HOUR)
    if count <= settings.PUBLIC_SUBMIT_STATION_RATE:
        return False
    _alert_staff(station)
    return True


def _alert_staff(station) -> None:
    from django.urls import reverse
    from django.utils import translation

    from core.notify import notify_users
    from stations.scope import station_staff

    window = int(time.time() // ratelimit.HOUR)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Unusually many online opinions at %(station)s") % {"station": station.name}
        body = _(
            "More than %(n)d opinions were submitted through the public form of this station "
            "within an hour. Further submissions are refused until the hour is over; please "
            "look at the latest cases for repeated or automated text."
        ) % {"n": settings.PUBLIC_SUBMIT_STATION_RATE}
    notify_users(
        station_staff(station),
        subject=subject,
        body=body,
        url=reverse("petitions:list"),
        dedupe_key=f"captcha-flood:s{station.pk}:{window}",
    )
