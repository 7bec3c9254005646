"""Upload checks: the content decides the type; size and count limits."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from petitions.attachments import MAX_BYTES, validate_upload, validate_uploads

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


@pytest.mark.parametrize(
    ("head", "kind"),
    [(PNG, "image/png"), (b"\xff\xd8\xff\xe0" + b"0" * 8, "image/jpeg"),
     (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"), (b"%PDF-1.7\n", "application/pdf")],
)  # fmt: skip
def test_it_accepts_images_and_pdf_by_content(head, kind):
    assert validate_upload(SimpleUploadedFile("x.bin", head)) == kind


def test_it_refuses_a_disguised_file():
    with pytest.raises(ValidationError, match="not a JPEG"):
        validate_upload(SimpleUploadedFile("photo.jpg", b"MZ\x90\0 this is an exe"))


def test_it_refuses_a_file_over_10_mb():
    big = SimpleUploadedFile("big.png", PNG + b"0" * MAX_BYTES)
    with pytest.raises(ValidationError, match="10 MB"):
        validate_upload(big)


def test_it_refuses_more_than_five_files():
    with pytest.raises(ValidationError, match="at most 5"):
        validate_uploads([SimpleUploadedFile(f"{i}.png", PNG) for i in range(6)])
