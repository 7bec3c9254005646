""" "Export this list" on the petitions list: the same filter, as an Excel ledger."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from petitions.choices import Status

from .ledger_support import petition


def test_the_export_holds_the_cases_the_filtered_list_shows(world, as_role):
    petition(world, title="路灯坏了", status=Status.SUBMITTED)
    petition(world, title="井盖松动", status=Status.ACCEPTED)
    petition(world, station=world.station_b, title="别的区", status=Status.SUBMITTED)
    client = as_role("staff")
    listing = client.get(reverse("petitions:list") + "?status=submitted").content.decode()
    link = reverse("ledgers:petition_list_export") + "?status=submitted"
    assert f'href="{link}"' in listing
    response = client.get(link)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    titles = [row[6] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert titles == ["路灯坏了"]
    assert ws["A1"].value.startswith("Petition ledger · ")
    assert "Submitted" in ws["A1"].value


def test_without_a_filter_it_exports_every_case_the_user_may_see(world, as_role):
    petition(world, title="路灯坏了")
    petition(world, station=world.station_b, title="别的区")
    response = as_role("staff").get(reverse("ledgers:petition_list_export"))
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [row[6] for row in ws.iter_rows(min_row=3, values_only=True)] == ["路灯坏了"]
