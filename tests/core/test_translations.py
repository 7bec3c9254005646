"""The Chinese interface is complete: every string the project (and django-filter) shows has a
zh_Hans translation, and the English catalogue exists."""

from pathlib import Path

import django_filters
import polib
from django.conf import settings

from core.catalogues import catalogue_paths

LOCALE = Path(settings.BASE_DIR) / "locale"


def _catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


def test_every_project_string_has_a_chinese_translation():
    missing = []
    for path in catalogue_paths("zh_Hans"):
        po = polib.pofile(str(path))
        missing += [
            f"{path.parent.parent.parent.parent.name}: {e.msgid}"
            for e in po
            if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)
        ]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:10]}"


def test_every_app_catalogue_has_an_english_twin():
    for path in catalogue_paths("zh_Hans"):
        assert (path.parents[2] / "en" / "LC_MESSAGES" / "django.po").exists(), path


def test_django_filter_strings_are_covered_because_it_ships_no_zh_hans():
    ours = {e.msgid for e in _catalogue("zh_Hans") if e.translated()}
    theirs_path = (
        Path(django_filters.__file__).parent / "locale" / "zh_CN" / "LC_MESSAGES" / "django.po"
    )
    theirs = {e.msgid for e in polib.pofile(str(theirs_path)) if e.msgid and e.translated()}
    assert not theirs - ours, sorted(theirs - ours)[:10]


def test_the_english_catalogue_exists():
    assert len(_catalogue("en")) > 0
