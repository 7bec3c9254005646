"""Reads of report-back sessions (述职): a district's compliance in a term and a deputy's results.

Seed 002: "人大代表每届任期内向选区至少述职一次,其中口头述职原则上不少于选区代表总数的30%".
"In the term" is each deputy's real term at the district's level (deputies.DeputyTerm), so a
term that starts in December counts the sessions of that December and not those of the
December five years later.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from deputies.models import Deputy, DeputyTerm
from petitions.choices import Satisfaction

from .choices import ReportForm
from .models import ElectoralDistrict, EvaluationMark, ReportBackSpeaker

# 口头述职原则上不少于选区代表总数的30%: compared in whole numbers (oral × 10 ≥ total × 3).
ORAL_SHARE_NUM, ORAL_SHARE_DEN = 3, 10


@dataclass
class DeputyReportRow:
    deputy: Deputy
    term: DeputyTerm | None
    sessions: list[dt.date] = field(default_factory=list)
    oral: bool = False

    @property
    def reported(self) -> bool:
        return bool(self.sessions)


@dataclass
class DistrictCompliance:
    district: ElectoralDistrict
    rows: list[DeputyReportRow]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def reported(self) -> int:
        return sum(r.reported for r in self.rows)

    @property
    def oral(self) -> int:
        return sum(r.oral for r in self.rows)

    @property
    def oral_percent(self) -> int | None:
        return round(100 * self.oral / self.total) if self.total else None

    @property
    def oral_reaches_share(self) -> bool:
        return self.total > 0 and self.oral * ORAL_SHARE_DEN >= self.total * ORAL_SHARE_NUM

    @property
    def everyone_reported(self) -> bool:
        return self.total > 0 and self.reported == self.total


def district_compliance(district: ElectoralDistrict, *, on: dt.date) -> DistrictCompliance:
    """Each deputy of the district: did they report in the term that covers ``on``, orally?"""
    deputies = list(district.deputies.order_by("name_pinyin"))
    terms = {
        t.deputy_id: t
        for t in DeputyTerm.objects.filter(
            deputy__in=deputies, level=district.level, start__lte=on, end__gte=on
        ).order_by("start")
    }
    spoken: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for deputy_id, held_on, form in ReportBackSpeaker.objects.filter(
        session__district=district, deputy__in=deputies
    ).values_list("deputy_id", "session__held_on", "form"):
        spoken[deputy_id].append((held_on, form))
    rows = []
    for deputy in deputies:
        term = terms.get(deputy.pk)
        row = DeputyReportRow(deputy=deputy, term=term)
        if term is not None:
            for held_on, form in sorted(spoken[deputy.pk]):
                if term.start <= held_on <= term.end:
                    row.sessions.append(held_on)
                    row.oral = row.oral or form == ReportForm.ORAL
        rows.append(row)
    return DistrictCompliance(district=district, rows=rows)


@dataclass
class SpeakerResult:
    speaker: ReportBackSpeaker
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def speaker_results(speakers) -> list[SpeakerResult]:
    """满意/基本满意/不满意 counts per reporting deputy (one query for all)."""
    speakers = list(speakers)
    counts: dict[int, Counter] = defaultdict(Counter)
    for speaker_id, rating, n in (
        EvaluationMark.objects.filter(speaker__in=speakers)
        .values_list("speaker_id", "rating")
        .annotate(n=Count("pk"))
    ):
        counts[speaker_id][rating] = n
    return [
        SpeakerResult(s, {value: counts[s.pk][value] for value in Satisfaction.values})
        for s in speakers
    ]


def deputy_results(deputy: Deputy) -> list[SpeakerResult]:
    """A deputy's report-backs with their evaluations, newest first (the deputy's record)."""
    return speaker_results(
        ReportBackSpeaker.objects.filter(deputy=deputy)
        .select_related("session__district")
        .order_by("-session__held_on")
    )
