"""The yearly station assessment (clerks): 六有 with evidence, staff against the standard,
activity figures and satisfaction, a score out of 100, a ranking, and the awards published.

The standard (DOMAIN.md, from the seeds): a fixed site with signage of at least 60 m²; staff of
1 head (站长), 1–2 deputy heads (副站长) and a liaison officer (联络员); written rules; an
activity plan; ledgers; funding. Hangzhou "公布表彰了20家杭州市首届‘最美人大代表联络站’"
(seed 000): the award is a public field, shown on the station page once published.

Score, out of 100 (each part in ``PARTS`` with its maximum):
  * six_haves 30: 5 for each of the six "六有" ticked on the station's record;
  * site 10: the measured floor area (else the recorded one) is at least 60 m²;
  * staff 15: exactly 1 head (5), 1 or 2 deputy heads (5), at least 1 liaison officer (5);
  * evidence 5: at least one photo attached to the assessment;
  * receptions 15: receptions recorded at the station (rooms included) in the year, 12 or more
    for full marks, pro rata below;
  * completion 10: cases closed in the year over cases accepted in the year (at most 100 %);
  * satisfaction 15: satisfied or basically satisfied over rated, for cases closed in the year.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from petitions.attachments import checked_content, validate_uploads
from petitions.choices import Satisfaction, Status
from petitions.models import Petition, Reception
from stations.choices import StaffPostKind
from stations.models import SIX_HAVES, Station
from stations.scope import with_rooms_q

from .models import AssessmentPhoto, StationAssessment
from .rights import covers_region

MIN_AREA = Decimal(60)
RECEPTIONS_FOR_FULL_MARKS = 12
PARTS = (
    ("six_haves", _("六有 on the record"), 30),
    ("site", _("Floor area of at least 60 m²"), 10),
    ("staff", _("Staff against the standard"), 15),
    ("evidence", _("Photos as evidence"), 5),
    ("receptions", _("Receptions held"), 15),
    ("completion", _("Cases closed of those accepted"), 10),
    ("satisfaction", _("Satisfaction"), 15),
)
ONE = Decimal("0.1")


def _points(share: float, maximum: int) -> Decimal:
    return (Decimal(maximum) * Decimal(min(max(share, 0.0), 1.0))).quantize(ONE, ROUND_HALF_UP)


def facts(station: Station, year: int) -> dict:
    """The figures an assessment is scored from (a few queries)."""
    posts = dict(
        station.staff_posts.values("post").annotate(n=Count("pk")).values_list("post", "n")
    )
    cases = Petition.objects.filter(with_rooms_q([station.pk]))
    good = (Satisfaction.SATISFIED, Satisfaction.BASIC)
    closed = cases.filter(status=Status.CLOSED, closed_at__year=year).aggregate(
        n=Count("pk"),
        rated=Count("pk", filter=~Q(satisfaction="")),
        good=Count("pk", filter=Q(satisfaction__in=good)),
    )
    return {
        "six_haves": station.six_haves_done,
        "heads": posts.get(StaffPostKind.HEAD, 0),
        "deputy_heads": posts.get(StaffPostKind.DEPUTY_HEAD, 0),
        "liaisons": posts.get(StaffPostKind.LIAISON, 0),
        "receptions": Reception.objects.filter(
            with_rooms_q([station.pk]), held_at__year=year
        ).count(),
        "accepted": cases.filter(accepted_at__year=year).count(),
        "closed": closed["n"],
        "rated": closed["rated"],
        "satisfied": closed["good"],
    }


def score(station: Station, floor_area: Decimal | None, photos: int, f: dict) -> dict[str, str]:
    """Points per part (as strings, for the JSON breakdown) and the total."""
    area = floor_area if floor_area is not None else station.floor_area
    staff = (
        (5 if f["heads"] == 1 else 0)
        + (5 if 1 <= f["deputy_heads"] <= 2 else 0)
        + (5 if f["liaisons"] >= 1 else 0)
    )
    parts = {
        "six_haves": Decimal(5 * f["six_haves"]),
        "site": Decimal(10 if area is not None and area >= MIN_AREA else 0),
        "staff": Decimal(staff),
        "evidence": Decimal(5 if photos else 0),
        "receptions": _points(f["receptions"] / RECEPTIONS_FOR_FULL_MARKS, 15),
        "completion": _points(f["closed"] / f["accepted"], 10) if f["accepted"] else Decimal(0),
        "satisfaction": _points(f["satisfied"] / f["rated"], 15) if f["rated"] else Decimal(0),
    }
    result = {k: str(v.quantize(ONE)) for k, v in parts.items()}
    result["total"] = str(sum(parts.values(), Decimal(0)).quantize(ONE))
    return result


@transaction.atomic
def assessment_record(
    *,
    actor,
    station: Station,
    year: int,
    floor_area: Decimal | None = None,
    note: str = "",
    award: str = "",
    award_published: bool = False,
    photos: Iterable = (),
) -> StationAssessment:
    """A clerk of the station's area (or an administrator) records or updates the year's
    assessment; the score is computed from the facts at that moment and stored with them."""
    station = Station.objects.select_for_update().select_related("region").get(pk=station.pk)
    if not covers_region(actor, station.region):
        raise PermissionDenied
    assessment, _created = StationAssessment.objects.select_for_update().get_or_create(
        station=station, year=year
    )
    for f in validate_uploads(photos):
        content_type, original, content = checked_content(f)
        row = AssessmentPhoto(
            assessment=assessment,
            original_name=original,
            content_type=content_type,
            size=content.size,
        )
        row.file.save(original, content, save=False)
        row.save()
    figures = facts(station, year)
    breakdown = score(station, floor_area, assessment.photos.count(), figures)
    assessment.floor_area = floor_area
    assessment.note = note.strip()
    assessment.award = award.strip()[:100]
    assessment.award_published = bool(award_published and assessment.award)
    assessment.breakdown = {**breakdown, "facts": figures}
    assessment.score = Decimal(breakdown["total"])
    assessment.assessed_by = actor
    assessment.save()
    return assessment


def six_haves_labels(station: Station) -> list[tuple[str, bool]]:
    return [(str(label), bool(getattr(station, name))) for name, label in SIX_HAVES]
