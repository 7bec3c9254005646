"""Role matrix for ledgers, progress notices and deputies' performance records (/ledgers/).

Pages with no object answer 403 to roles with no business there (deputies, handlers, nobody);
pages about a station, deputy or export job answer 404 outside the user's scope.
"""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings

from reports.ledgers.choices import JobStatus, LedgerKind
from reports.ledgers.models import ExportJob, ProgressNotice

from ..matrix import ALL_ROLES, Entry

LEDGER_ROLES = frozenset(
    {"admin", "staff", "other_staff", "far_staff", "clerk", "city_clerk", "other_clerk"}
)
# Who may see deputy 戴伟 (dave) of station A and station A's records.
STATION_A = frozenset({"admin", "staff", "clerk", "city_clerk"})
DAVE = STATION_A | {"deputy"}
YEAR = 2025


def _job(world) -> list:
    job = ExportJob.objects.create(user=world.user("staff"), kind=LedgerKind.PETITIONS)
    return [job.pk]


def _done_job(world) -> list:
    relative = "exports/matrix-test.xlsx"
    os.makedirs(os.path.join(settings.MEDIA_ROOT, "exports"), exist_ok=True)
    with open(os.path.join(settings.MEDIA_ROOT, relative), "wb") as fh:
        fh.write(b"PK")
    job = ExportJob.objects.create(
        user=world.user("staff"),
        kind=LedgerKind.PETITIONS,
        status=JobStatus.DONE,
        progress=100,
        file_path=relative,
    )
    return [job.pk]


def _notice(world) -> list:
    notice = ProgressNotice.objects.create(
        station=world.station_a,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 2, 28),
        items=[],
        published_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )
    return [world.station_a.public_code, notice.pk]


ENTRIES = [
    # "Export this list": whoever may open the petitions list, with its filter.
    Entry(
        "ledgers:petition_list_export",
        allow=ALL_ROLES - {"nobody"},
        deny=403,
        query="status=submitted",
    ),
    Entry("ledgers:index", allow=LEDGER_ROLES, deny=403),
    Entry(
        "ledgers:export",
        method="post",
        data=lambda w: {"kind": LedgerKind.RECEPTIONS},
        allow=LEDGER_ROLES,
        deny=403,
    ),
    # A job is its owner's alone: everyone else gets 404, like a job that does not exist.
    Entry("ledgers:export_job", args=_job, allow={"staff"}),
    Entry("ledgers:export_status", args=_job, allow={"staff"}),
    Entry("ledgers:export_download", args=_done_job, allow={"staff"}),
    Entry("ledgers:notice_list", allow=LEDGER_ROLES, deny=403),
    Entry("ledgers:notice_preview", args=lambda w: [w.station_a.pk], allow=STATION_A),
    Entry(
        "ledgers:notice_publish",
        args=lambda w: [w.station_a.pk],
        method="post",
        allow=STATION_A,
        ok=302,
    ),
    Entry("ledgers:notice_public", args=_notice, public=True),
    # Moved for good to duty's list (which checks the rights): a permanent redirect for anyone
    # logged in, the login page for nobody.
    Entry("ledgers:behind", allow=ALL_ROLES, ok=301),
    Entry("ledgers:record", args=lambda w: [w.deputy_dave.pk, YEAR], allow=DAVE),
    Entry("ledgers:record_print", args=lambda w: [w.deputy_dave.pk, YEAR], allow=DAVE),
    Entry("ledgers:record_export", args=lambda w: [w.deputy_dave.pk, YEAR], allow=DAVE),
    # The deputy sees their record but does not write it.
    Entry(
        "ledgers:activity_create",
        args=lambda w: [w.deputy_dave.pk],
        allow=STATION_A,
        special={"deputy": 403},
    ),
    Entry("ledgers:station_records_export", args=lambda w: [w.station_a.pk, YEAR], allow=STATION_A),
]
