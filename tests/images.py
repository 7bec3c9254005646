"""Real and hostile image files for upload tests, made in memory."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def picture(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    """A small real picture in the given Pillow format (PNG, JPEG, WEBP)."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(side: int = 60000) -> bytes:
    """A few hundred bytes whose header claims side×side pixels (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 4096, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


HTML_WITH_PNG_HEADER = b"\x89PNG\r\n\x1a\n<html><script>alert(document.cookie)</script></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
