"""Upload checks and storage for petition and reply attachments.

The content's first bytes decide the type, not the browser's claim or the file name: a
constituent's phone may send anything, and staff open these files on office machines.
Images are then decoded by Pillow and stored re-encoded: a file that only starts like a PNG
(an HTML page behind a PNG header) does not decode and is refused, the stored copy carries no
hidden payload or location metadata, and a picture that claims 60000×60000 pixels in a few
hundred bytes (a decompression bomb) is refused from its header before anything is decoded.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from core.forms import MultipleFileField

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
# A 50-megapixel phone photo is the largest a constituent sends; beyond that Pillow's own
# DecompressionBombError (at twice the limit) backs the explicit check below.
MAX_PIXELS = 50_000_000
MAX_SIDE = 12_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Stored pictures are scaled down to this long side; a case file needs no more.
STORED_SIDE = 4096
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_CHECKED = "_liaison_checked"  # attribute caching (content type, stored bytes) on the upload

# (magic prefix, offset, content type, extension)
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"%PDF-", 0, "application/pdf"),
)


def sniff_content_type(head: bytes) -> str | None:
    """The content type the leading bytes prove, or None."""
    for magic, offset, content_type in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def validate_upload(f) -> str:
    """Check one uploaded file; returns its real content type or raises ValidationError."""
    name = getattr(f, "name", "") or _("file")
    if f.size > MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB; please send a smaller file.") % {"name": name}
        )
    if f.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    f.seek(0)
    head = f.read(16)
    f.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a JPEG, PNG or WebP image or a PDF document.") % {"name": name}
        )
    if getattr(f, _CHECKED, None) is None:
        if content_type == "application/pdf":
            setattr(f, _CHECKED, (content_type, None))
        else:
            setattr(f, _CHECKED, (content_type, _reencoded(f, content_type, name)))
    return content_type


def _reencoded(f, content_type: str, name: str) -> bytes:
    """The picture decoded and encoded again in its own format, or ValidationError."""
    unreadable = ValidationError(
        _("%(name)s is not a readable picture; please send the photo again.") % {"name": name}
    )
    f.seek(0)
    try:
        with Image.open(f) as image:
            if image.format != _PIL_FORMATS[content_type]:
                raise unreadable
            width, height = image.size
            if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                raise ValidationError(
                    _("%(name)s has too many pixels (at most %(mp)d megapixels).")
                    % {"name": name, "mp": MAX_PIXELS // 1_000_000}
                )
            image.load()
            upright: Image.Image = ImageOps.exif_transpose(image)
            upright.thumbnail((STORED_SIDE, STORED_SIDE))
            if content_type == "image/jpeg" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            upright.save(out, format=_PIL_FORMATS[content_type], quality=90)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        # Pillow raises OSError for truncated or foreign data, SyntaxError for broken chunks.
        if isinstance(exc, Image.DecompressionBombError):
            raise ValidationError(
                _("%(name)s has too many pixels (at most %(mp)d megapixels).")
                % {"name": name, "mp": MAX_PIXELS // 1_000_000}
            ) from None
        raise unreadable from None
    finally:
        f.seek(0)
    return out.getvalue()


def checked_upload(f) -> tuple[str, bytes | None]:
    """Validate one upload; returns its real content type and the bytes to store (a picture
    re-encoded, None for a PDF, which is stored as sent). For other apps storing uploads."""
    content_type = validate_upload(f)
    return content_type, getattr(f, _CHECKED)[1]


def validate_uploads(files: Iterable) -> list:
    """Check a batch of uploads: at most five files, each valid."""
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        raise ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
    errors = []
    for f in files:
        try:
            validate_upload(f)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return files


def checked_content(f) -> tuple[str, str, File]:
    """(content type, original name, what to store) for a valid upload: a picture's
    re-encoded bytes, a PDF as sent. Other apps' evidence uploads store files through this."""
    content_type = validate_upload(f)
    stored = getattr(f, _CHECKED)[1]
    original = (getattr(f, "name", "") or "file").rsplit("/", 1)[-1][-200:]
    return content_type, original, (f if stored is None else ContentFile(stored))


def save_attachments(petition, files: Iterable, user=None, reply=None) -> list:
    """Validate and store uploads for a petition (or one of its replies)."""
    from .models import Attachment

    saved = []
    for f in validate_uploads(files):
        content_type, original, content = checked_content(f)
        attachment = Attachment(
            petition=petition,
            reply=reply,
            original_name=original,
            content_type=content_type,
            size=content.size,
            uploaded_by=user if user is not None and user.is_authenticated else None,
        )
        attachment.file.save(original, content, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def attachments_field(**kwargs) -> MultipleFileField:
    """The one attachments input of staff and public forms: up to five images or PDFs, each
    checked by its content."""
    return MultipleFileField(check=validate_uploads, accept="image/*,application/pdf", **kwargs)
