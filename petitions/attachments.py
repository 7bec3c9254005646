"""Upload checks and storage for petition and reply attachments.

The content's first bytes decide the type, not the browser's claim or the file name: a
constituent's phone may send anything, and staff open these files on office machines.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.forms import MultipleFileField

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5

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
    return content_type


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


def save_attachments(petition, files: Iterable, user=None, reply=None) -> list:
    """Validate and store uploads for a petition (or one of its replies)."""
    from .models import Attachment

    saved = []
    for f in validate_uploads(files):
        content_type = validate_upload(f)
        original = (getattr(f, "name", "") or "file").rsplit("/", 1)[-1][-200:]
        attachment = Attachment(
            petition=petition,
            reply=reply,
            original_name=original,
            content_type=content_type,
            size=f.size,
            uploaded_by=user if user is not None and user.is_authenticated else None,
        )
        attachment.file.save(original, f, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def attachments_field(**kwargs) -> MultipleFileField:
    """The one attachments input of staff and public forms: up to five images or PDFs, each
    checked by its content."""
    return MultipleFileField(check=validate_uploads, accept="image/*,application/pdf", **kwargs)
