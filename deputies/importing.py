"""Deputy registry in Excel: the export, the import template and the two-step import.

The import is checked completely first (dry run: every bad row with its number and reason),
then applied all-or-nothing. Between the two steps the upload lives under MEDIA_ROOT/imports/
with a random name; the browser only carries a signed token naming that file.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.excel import BadWorkbook, ImportReport, RowError, read_rows, write_xlsx, xlsx_bytes
from core.input import MOBILE_RE, fold
from core.reveal import export_reveals
from stations.models import Station

from .choices import DeputyLevel, Gender
from .models import Deputy, StationAssignment, pinyin_keys
from .rights import can_manage_deputies, can_see_phone
from .selectors import current_assignments, primary_station

COLUMNS = (
    ("name", pgettext_lazy("person", "Name")),
    ("gender", gettext_lazy("Gender")),
    ("ethnicity", gettext_lazy("Ethnicity")),
    ("level", gettext_lazy("Level")),
    ("term", gettext_lazy("Term")),
    ("constituency", gettext_lazy("Constituency")),
    ("occupation", gettext_lazy("Occupation")),
    ("sector", gettext_lazy("Sector")),
    ("phone", gettext_lazy("Mobile phone")),
    ("station", gettext_lazy("Primary station")),
    ("start_date", gettext_lazy("Start date")),
)
# What people write in the level column besides our codes and labels.
LEVEL_WORDS = {
    "全国": DeputyLevel.NATIONAL,
    "国家": DeputyLevel.NATIONAL,
    "全国人大": DeputyLevel.NATIONAL,
    "省": DeputyLevel.PROVINCIAL,
    "省级": DeputyLevel.PROVINCIAL,
    "市": DeputyLevel.MUNICIPAL,
    "市级": DeputyLevel.MUNICIPAL,
    "县区": DeputyLevel.DISTRICT,
    "县": DeputyLevel.DISTRICT,
    "区": DeputyLevel.DISTRICT,
    "县级": DeputyLevel.DISTRICT,
    "区县": DeputyLevel.DISTRICT,
    "乡镇": DeputyLevel.TOWNSHIP,
    "乡": DeputyLevel.TOWNSHIP,
    "镇": DeputyLevel.TOWNSHIP,
    "街道": DeputyLevel.TOWNSHIP,
    "乡镇街道": DeputyLevel.TOWNSHIP,
}
LEVEL_EXPORT: dict[str, str] = {
    DeputyLevel.NATIONAL: "全国",
    DeputyLevel.PROVINCIAL: "省",
    DeputyLevel.MUNICIPAL: "市",
    DeputyLevel.DISTRICT: "县区",
    DeputyLevel.TOWNSHIP: "乡镇",
}
GENDER_WORDS = {
    "男": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "女": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
}
TOKEN_SALT = "deputies.import"
TOKEN_MAX_AGE = 2 * 3600
BATCH = 2000


def headers() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def _header_sets() -> list[list[str]]:
    """The header row in the current language, then English and Chinese, so a template
    downloaded in one language still imports after switching the interface."""
    sets = [headers()]
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            sets.append(headers())
    return sets


# --- Export -------------------------------------------------------------------------------


# Audit rows for the full phones of an export are written in batches of this many deputies.
REVEAL_BATCH = 2000


def export_rows(user, deputies: Iterable[Deputy]) -> Iterator[list]:
    """The export's rows. The export is the contact list itself: those who may show a number get
    it in full, and each full number written is recorded like a "show" (core.reveal)."""
    shown: list[Deputy] = []
    for d in deputies:
        full = can_see_phone(user, d) and bool(d.phone)
        if full:
            shown.append(d)
            if len(shown) >= REVEAL_BATCH:
                export_reveals(actor=user, subjects=shown, field="phone")
                shown = []
        station = primary_station(d)
        start = next((a.start_date for a in current_assignments(d) if a.is_primary), None)
        yield [
            d.name,
            "男" if d.gender == Gender.MALE else "女",
            d.ethnicity,
            LEVEL_EXPORT.get(d.level, d.level),
            d.term,
            d.constituency,
            d.occupation,
            d.sector,
            d.phone if full else d.masked_phone,
            station.name if station else "",
            start.isoformat() if start else "",
        ]
    if shown:
        export_reveals(actor=user, subjects=shown, field="phone")


def export_xlsx(target: IO[bytes], user, deputies: Iterable[Deputy]) -> int:
    return write_xlsx(target, headers(), export_rows(user, deputies), sheet_name=_("Deputies"))


def template_xlsx() -> bytes:
    example = [
        "张三",
        "男",
        "汉族",
        "县区",
        18,
        "新兴街道第3选区",
        "社区书记",
        "基层干部",
        "13912345678",
        "新兴街道人大代表联络站",
        "2022-01-01",
    ]
    return xlsx_bytes(headers(), [example], sheet_name=_("Deputies"))


# --- Keeping the upload between preview and confirm ---------------------------------------


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash_upload(upload, user) -> str:
    """Save the uploaded file under a random name; return a signed token for the confirm step."""
    folder = _import_dir()
    # Previews that were never confirmed: their tokens have expired, so drop the files.
    cutoff = time.time() - TOKEN_MAX_AGE
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    name = f"{secrets.token_hex(16)}.xlsx"
    with open(folder / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return signing.dumps({"file": name, "user": user.pk}, salt=TOKEN_SALT)


def stashed_path(token: str, user) -> Path | None:
    """The stashed file for a token made for this user, or None when it is bad or expired."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("user") != user.pk or not re.fullmatch(r"[0-9a-f]{32}\.xlsx", data.get("file", "")):
        return None
    path = _import_dir() / data["file"]
    return path if path.exists() else None


# --- Checking and importing ---------------------------------------------------------------


@dataclass
class Row:
    number: int
    deputy: Deputy
    station: Station
    start_date: dt.date


def _parse_level(value: str) -> str | None:
    v = value.strip()
    if v in LEVEL_WORDS:
        return LEVEL_WORDS[v]
    for code, label in DeputyLevel.choices:
        if v.lower() == code or v == str(label):
            return code
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            for code, label in DeputyLevel.choices:
                if v == str(label):
                    return code
    return None


def _parse_int(value: str) -> int | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number == int(number) and number > 0 else None


def _parse_phone(value: str) -> str:
    value = re.sub(r"[\s-]", "", fold(value))
    # Excel turns a typed mobile number into a float: "13800138000.0".
    return value[:-2] if value.endswith(".0") else value


def _parse_date(value: str) -> dt.date | None:
    value = value.strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def check(upload: IO[bytes], user) -> ImportReport:
    """Dry run: every row parsed; ``valid`` holds Row objects, ``errors`` the reasons."""
    report = ImportReport()
    rows = None
    for header_set in _header_sets():
        upload.seek(0)
        try:
            rows = list(read_rows(upload, header_set))
        except BadWorkbook:
            continue
        keys = dict(zip(header_set, (k for k, _label in COLUMNS), strict=True))
        rows = [(n, {keys[h]: v for h, v in values.items()}) for n, values in rows]
        break
    if rows is None:
        raise BadWorkbook(_("The file is not an .xlsx workbook with the template's header row."))

    stations: dict[str, list[Station]] = {}
    for known in Station.objects.editable_by(user).only("pk", "name"):
        stations.setdefault(known.name, []).append(known)
    phones = {r["phone"] for _n, r in rows if r["phone"]}
    phones = {_parse_phone(p) for p in phones}
    known_phones: set[str] = set()
    phone_list = sorted(phones)
    for i in range(0, len(phone_list), 500):
        known_phones |= set(
            Deputy.objects.filter(phone__in=phone_list[i : i + 500]).values_list("phone", flat=True)
        )
    seen_phones: dict[str, int] = {}
    today = timezone.localdate()

    for number, r in rows:
        reasons = []
        name = r["name"]
        if not name:
            reasons.append(_("the name is missing"))
        elif len(name) > 32:
            reasons.append(_("the name is longer than 32 characters"))
        gender = GENDER_WORDS.get(r["gender"].strip().lower())
        if gender is None:
            reasons.append(
                _("gender must be 男 or 女 (or M / F), not “%(v)s”") % {"v": r["gender"]}
            )
        level = _parse_level(r["level"])
        if level is None:
            reasons.append(
                _("unknown level “%(v)s” (use 全国, 省, 市, 县区 or 乡镇)") % {"v": r["level"]}
            )
        term = _parse_int(r["term"])
        if term is None or term > 100:
            reasons.append(
                _("the term must be a number such as 14, not “%(v)s”") % {"v": r["term"]}
            )
        phone = _parse_phone(r["phone"])
        if phone and not MOBILE_RE.match(phone):
            reasons.append(_("“%(v)s” is not an 11-digit mobile number") % {"v": r["phone"]})
        elif phone in known_phones:
            reasons.append(
                _("a deputy with mobile number %(v)s is already registered") % {"v": phone}
            )
        elif phone and phone in seen_phones:
            reasons.append(
                _("mobile number %(v)s also appears in row %(row)s")
                % {"v": phone, "row": seen_phones[phone]}
            )
        if phone:
            seen_phones.setdefault(phone, number)
        candidates = stations.get(r["station"], [])
        station: Station | None = None
        if not r["station"]:
            reasons.append(_("the primary station is missing"))
        elif not candidates:
            reasons.append(
                _("unknown station “%(v)s” (or not one you may edit)") % {"v": r["station"]}
            )
        elif len(candidates) > 1:
            reasons.append(_("several stations are called “%(v)s”") % {"v": r["station"]})
        else:
            station = candidates[0]
        start_date = _parse_date(r["start_date"]) if r["start_date"] else today
        if start_date is None:
            reasons.append(
                _("the start date “%(v)s” is not a date like 2024-01-31") % {"v": r["start_date"]}
            )
        for key, limit in (
            ("ethnicity", 16),
            ("constituency", 100),
            ("occupation", 100),
            ("sector", 50),
        ):
            if len(r[key]) > limit:
                reasons.append(_("%(col)s is too long") % {"col": dict(COLUMNS)[key]})
        if reasons:
            report.errors.append(RowError(number, "; ".join(reasons)))
            continue
        # Each of these was checked above: a missing one is a reason, and the row was skipped.
        assert gender is not None and level is not None and term is not None
        assert station is not None
        assert start_date is not None
        name_pinyin, name_initials = pinyin_keys(name)
        deputy = Deputy(
            name=name,
            name_pinyin=name_pinyin,
            name_initials=name_initials,
            gender=gender,
            ethnicity=r["ethnicity"] or "汉族",
            level=level,
            term=term,
            constituency=r["constituency"],
            occupation=r["occupation"],
            sector=r["sector"],
            phone=phone,
        )
        report.valid.append(Row(number, deputy, station, start_date))
    return report


@transaction.atomic
def deputy_import(*, actor, upload: IO[bytes]) -> ImportReport:
    """Check the file again and, when every row is good, create all deputies; else none."""
    if not can_manage_deputies(actor):
        raise PermissionDenied(_("You may not import deputies."))
    report = check(upload, actor)
    if not report.ok:
        return report
    # Deputy.save() computes the pinyin keys; bulk_create skips save(), so check() set them.
    deputies = Deputy.objects.bulk_create([row.deputy for row in report.valid], batch_size=BATCH)
    StationAssignment.objects.bulk_create(
        [
            StationAssignment(
                deputy=d, station=row.station, is_primary=True, start_date=row.start_date
            )
            for d, row in zip(deputies, report.valid, strict=True)
        ],
        batch_size=BATCH,
    )
    return report
