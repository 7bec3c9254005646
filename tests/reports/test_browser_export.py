"""Real Chromium: a clerk starts a large ledger export, watches the progress bar, downloads it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from reports.ledgers import tasks as ledger_tasks
from reports.ledgers.choices import JobStatus, LedgerKind
from reports.ledgers.models import ExportJob

from .ledger_support import petition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_exports_a_large_ledger_in_the_background(
    browser, live_server, world, settings, monkeypatch, tmp_path
):
    settings.LEDGER_SYNC_MAX_ROWS = 3  # five petitions are "large"
    for i in range(5):
        petition(world, title=f"南湖意见{i}")
    petition(world, station=world.station_b, title="秀洲意见")  # outside the clerk's district
    # Tasks run eagerly in tests: hold the queued job so the page is seen while it is pending.
    held: list[int] = []
    monkeypatch.setattr(ledger_tasks.run_export, "delay", held.append)

    page = browser.new_page(accept_downloads=True)
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", "pass-for-tests-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()

    page.goto(live_server.url + reverse("ledgers:index"))
    page.select_option("select[name=kind]", LedgerKind.PETITIONS)
    page.click("form [type=submit][name=export]")
    page.wait_for_url("**/ledgers/jobs/*/")
    job = ExportJob.objects.get()
    assert held == [job.pk] and job.user == world.user("clerk")
    assert "in the background" in page.inner_text("main")
    page.wait_for_selector("#job-status .progress-bar")
    assert page.locator("#download-link").count() == 0

    # The htmx poll brings the worker's progress onto the page.
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=40)
    # A locator assertion, not wait_for_function: the page's CSP forbids evaluating strings.
    expect(page.locator("#job-status .progress-bar")).to_have_text("40%")
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.PENDING, progress=0)
    assert ledger_tasks.run_export_job(job.pk) is True

    link = page.wait_for_selector("#download-link", timeout=10_000)
    assert "5" in page.inner_text("#job-status")
    assert page.locator("#job-status .progress-bar").count() == 0
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / "download.xlsx"
    download.save_as(target)
    rows = list(load_workbook(target).worksheets[0].iter_rows(values_only=True))
    # The title row, the header and the five petitions of the clerk's district.
    assert len(rows) == 7
    titles = sorted(str(value) for row in rows[2:] for value in row if "意见" in str(value))
    assert titles == [f"南湖意见{i}" for i in range(5)]
