"""Backup and restore drill: pg_dump, restore into a fresh database, check what came back.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_NAME REDIS_URL=… \\
        .venv/bin/python bench/battery/backup_drill.py

The backup is the two things a restore needs: ``pg_dump -Fc`` of the database and a tar of
MEDIA_ROOT (attachments live there, not in the database). Both are restored somewhere fresh —
the database ``<name>_restore`` (dropped and created by this script; only ever that name) and
a new media folder — and compared with the source: the row count of every table, a sample of
tracking codes (with status and title) and a sample of attachments (size and SHA-256 of the
restored file). A source without attachments gets three small ones first, so the check has
something to read.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.battery import common  # noqa: E402


def _conn_args(db: dict) -> list[str]:
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]


def _counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [t for (t,) in cursor.fetchall()]
    out = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        out[table] = cursor.fetchone()[0]
    return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ensure_attachments() -> None:
    from django.core.files.base import ContentFile

    from petitions.models import Attachment, Petition

    if Attachment.objects.count() >= 3:
        return
    for i, p in enumerate(Petition.objects.order_by("?")[:3]):
        body = f"drill attachment {i} {time.time_ns()}\n".encode() * 50
        a = Attachment(petition=p, original_name=f"drill-{i}.txt", content_type="text/plain")
        a.size = len(body)
        a.file.save(f"drill-{i}.txt", ContentFile(body), save=False)
        a.save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=50)
    args = parser.parse_args()
    common.setup_django()
    import psycopg2
    from django.conf import settings
    from django.db import connection

    from petitions.models import Attachment, Petition

    db = connection.settings_dict
    source, target = db["NAME"], f"{db['NAME']}_restore"
    ensure_attachments()
    work = Path(tempfile.mkdtemp(prefix="drill-", dir=common.OUT))
    dump, media_tar = work / "db.dump", work / "media.tar.gz"
    t0 = time.monotonic()
    subprocess.run(
        ["pg_dump", *_conn_args(db), "-Fc", "-f", str(dump), source], check=True, timeout=600
    )
    with tarfile.open(media_tar, "w:gz") as tar:
        tar.add(settings.MEDIA_ROOT, arcname="media")
    backed_up = time.monotonic() - t0

    t0 = time.monotonic()
    admin = [*_conn_args(db), "-d", "postgres", "-qc"]
    subprocess.run(["psql", *admin, f'DROP DATABASE IF EXISTS "{target}"'], check=True)
    subprocess.run(["psql", *admin, f'CREATE DATABASE "{target}"'], check=True)
    subprocess.run(
        ["pg_restore", *_conn_args(db), "--no-owner", "-d", target, str(dump)],
        check=True,
        timeout=600,
    )
    restored_media = work / "restored"
    with tarfile.open(media_tar) as tar:
        tar.extractall(restored_media, filter="data")
    restored = time.monotonic() - t0

    with connection.cursor() as cur:
        before = _counts(cur)
    other = psycopg2.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=target
    )
    try:
        with other.cursor() as cur:
            after = _counts(cur)
            sample = list(
                Petition.objects.order_by("?").values_list("tracking_code", "status", "title")[
                    : args.sample
                ]
            )
            cur.execute(
                "SELECT tracking_code, status, title FROM petitions_petition "
                "WHERE tracking_code = ANY(%s)",
                ([s[0] for s in sample],),
            )
            back = set(cur.fetchall())
            codes_ok = sum(1 for s in sample if tuple(s) in back)
            attachments = list(Attachment.objects.order_by("?")[: args.sample])
            files_ok = 0
            for a in attachments:
                cur.execute("SELECT file, size FROM petitions_attachment WHERE id = %s", (a.pk,))
                row = cur.fetchone()
                copy = restored_media / "media" / row[0] if row else None
                files_ok += bool(
                    copy
                    and copy.exists()
                    and row[1] == a.size
                    and _sha(copy) == _sha(Path(a.file.path))
                )
    finally:
        other.close()
    mismatched = [t for t in before if before[t] != after.get(t)]
    rows = sum(before.values())
    common.result(
        "backup and restore drill (pg_dump -Fc + media tar → fresh database)",
        f"{len(before)} tables / {rows:,} rows, {len(mismatched)} counts differ; "
        f"{codes_ok}/{len(sample)} tracking codes and {files_ok}/{len(attachments)} attachments "
        f"(SHA-256) back; dump {dump.stat().st_size / 1e6:.1f} MB, backup {backed_up:.1f} s, "
        f"restore {restored:.1f} s",
        "0 differ, all samples back",
        not mismatched and codes_ok == len(sample) > 0 and files_ok == len(attachments) > 0,
    )
    for t in mismatched:
        common.say(f"    {t}: {before[t]} → {after.get(t)}")


if __name__ == "__main__":
    main()
