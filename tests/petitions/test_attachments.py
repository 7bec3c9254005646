"""Upload checks: the content decides the type; size and count limits; pictures re-encoded."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from petitions.attachments import MAX_BYTES, save_attachments, validate_upload, validate_uploads
from tests.images import HTML_WITH_PNG_HEADER, PDF, bomb_png, picture

from .factories import make_petition

PNG = picture("PNG")


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PNG, "image/png"), (picture("JPEG"), "image/jpeg"), (picture("WEBP"), "image/webp"),
     (PDF, "application/pdf")],
)  # fmt: skip
def test_it_accepts_images_and_pdf_by_content(content, kind):
    assert validate_upload(SimpleUploadedFile("x.bin", content)) == kind


def test_it_refuses_a_disguised_file():
    with pytest.raises(ValidationError, match="not a JPEG"):
        validate_upload(SimpleUploadedFile("photo.jpg", b"MZ\x90\0 this is an exe"))


def test_it_refuses_an_html_page_behind_a_png_header():
    with pytest.raises(ValidationError, match="not a readable picture"):
        validate_upload(SimpleUploadedFile("photo.png", HTML_WITH_PNG_HEADER))


def test_it_refuses_a_png_with_a_header_only_and_broken_data():
    with pytest.raises(ValidationError, match="not a readable picture"):
        validate_upload(SimpleUploadedFile("photo.png", PNG[:60]))


def test_it_refuses_a_decompression_bomb_from_its_header():
    bomb = bomb_png(60000)
    assert len(bomb) < 1000
    with pytest.raises(ValidationError, match="too many pixels"):
        validate_upload(SimpleUploadedFile("bomb.png", bomb))


def test_it_refuses_a_file_over_10_mb():
    big = SimpleUploadedFile("big.png", PNG + b"0" * MAX_BYTES)
    with pytest.raises(ValidationError, match="10 MB"):
        validate_upload(big)


def test_it_refuses_more_than_five_files():
    with pytest.raises(ValidationError, match="at most 5"):
        validate_uploads([SimpleUploadedFile(f"{i}.png", PNG) for i in range(6)])


def test_it_stores_the_picture_re_encoded_without_what_was_appended(world):
    from petitions.choices import Status

    p = make_petition(world, Status.SUBMITTED)
    payload = PNG + b"<script>alert(1)</script>"
    attachment = save_attachments(p, [SimpleUploadedFile("lamp.png", payload)])[0]
    stored = attachment.file.read()
    assert b"<script>" not in stored
    assert attachment.size == len(stored)
    with Image.open(attachment.file) as image:
        assert image.format == "PNG" and image.size == (40, 30)
