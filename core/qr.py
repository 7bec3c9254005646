"""QR codes for station and deputy posters, rendered with segno (no network, no Pillow)."""

import io

import segno


def qr_svg(url: str, scale: int = 6) -> bytes:
    """SVG with a viewBox and no fixed size, so CSS decides how big it prints."""
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, omitsize=True
    )
    return buffer.getvalue()


def qr_png(url: str, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
