"""A small local captcha for the public submission form: a PNG drawn with Pillow.

No outside service: the answer is drawn here, and only its keyed hash goes into the session,
with an expiry. Each answer can be checked once. Tests that need to know the answer in
advance patch ``new_answer``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import random
import secrets
import time
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFilter, ImageFont

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
    for _ in range(250):
        xy = (rng.randrange(WIDTH), rng.randrange(HEIGHT))
        draw_.point(xy, fill=(rng.randrange(120, 220),) * 3)
    step = (WIDTH - 20) // max(len(answer), 1)
    for i, ch in enumerate(answer):
        glyph = Image.new("RGBA", (48, 56), (0, 0, 0, 0))
        color = (rng.randrange(0, 90), rng.randrange(0, 90), rng.randrange(60, 150), 255)
        ImageDraw.Draw(glyph).text((8, 2), ch, font=_font(40), fill=color)
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (10 + i * step + rng.randrange(-3, 4), rng.randrange(0, 8)), glyph)
    for _ in range(4):
        points = [(rng.randrange(WIDTH), rng.randrange(HEIGHT)) for _ in range(2)]
        draw_.line(points, fill=(rng.randrange(60, 160),) * 3, width=2)
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def issue(request) -> str:
    """Start a new challenge for this session; returns the picture as a ``data:`` URI."""
    answer = new_answer()
    request.session[SESSION_KEY] = {"h": _digest(answer), "exp": time.time() + LIFETIME}
    return "data:image/png;base64," + base64.b64encode(draw(answer)).decode()


def check(request, value: str) -> bool:
    """True when the value matches the session's challenge; the challenge is used up either way."""
    stored = request.session.pop(SESSION_KEY, None)
    if not stored or stored.get("exp", 0) < time.time():
        return False
    typed = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return hmac.compare_digest(stored.get("h", ""), _digest(typed))
