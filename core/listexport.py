""" "Export this list": a filtered list page as an Excel sheet, with the rows the page lists.

A list view that offers it declares its columns once (``Column``: a header and how to read the
value from a row, masking personal data the way the page does) and, when the request asks for
it (``wanted``), answers ``export_list(...)`` with the *same* queryset it paginates, before
paginating. So the export has the list's scoping and filters by construction, and needs no URL
of its own: the link is the page's own URL with ``export=xlsx`` added
(``{% export_list_url %}`` from ``core_tags``). The petitions list keeps its ledger-format export
(``ledgers:petition_list_export``); everything else goes through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .excel import XLSX_CONTENT_TYPE, xlsx_bytes

PARAM, VALUE = "export", "xlsx"
CHUNK = 2000


@dataclass(frozen=True)
class Column:
    """One column of an exported list: its header and how to read a row's value."""

    header: str | Promise
    value: Callable[[Any], Any]


def wanted(request: HttpRequest) -> bool:
    """Did the user press "Export this list"?"""
    return request.GET.get(PARAM) == VALUE


def export_query(query) -> str:
    """The list's query string without the page number, asking for the export."""
    query = query.copy()
    query.pop("page", None)
    query[PARAM] = VALUE
    return query.urlencode()


def list_query(request: HttpRequest) -> str:
    """The list's own URL with its filter, without the export switch (to go back to it)."""
    query = request.GET.copy()
    query.pop(PARAM, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _shown(field, value) -> str:
    labels = {str(k): str(v) for k, v in getattr(field, "choices", ()) if not isinstance(v, list)}
    values = value if isinstance(value, list | tuple) else [value]
    return ", ".join(labels.get(str(v), force_str(v)) for v in values)


def describe(form, skip: Iterable[str] = ()) -> list[str]:
    """The filter a bound form holds, as "Label: value" for the sheet's title row."""
    if form is None or not form.is_bound or not form.is_valid():
        return []
    skipped = set(skip)
    return [
        f"{form.fields[name].label}: {_shown(form.fields[name], value)}"
        for name, value in form.cleaned_data.items()
        if value not in (None, "", False, [], ()) and name not in skipped
    ]


def cell(value: Any) -> Any:
    """A value as Excel wants it: real dates, local date-times, text for everything else."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float | dt.date):
        return value
    return force_str(value)


def _rows(rows: Iterable, columns: Sequence[Column]):
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=CHUNK)
    for row in rows:
        yield [cell(c.value(row)) for c in columns]


def export_list(
    request: HttpRequest,
    *,
    name: str | Promise,
    columns: Sequence[Column],
    rows: QuerySet | Sequence,
    filters: Sequence[str] = (),
) -> HttpResponse:
    """The list as an .xlsx download: a title row (list · filter), then the rows as listed.

    Lists longer than ``LEDGER_SYNC_MAX_ROWS`` are refused with a message on the list, as the
    petitions list's export does: the ledgers page runs large exports in the background.
    """
    limit = settings.LEDGER_SYNC_MAX_ROWS
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    if count > limit:
        messages.error(
            request,
            _("This list has more than %(n)d rows: narrow its filter to export it.") % {"n": limit},
        )
        return redirect(list_query(request))
    label = force_str(name)
    title = " · ".join([label, *(filters or [_("Everything you may see")])])
    content = xlsx_bytes(
        [force_str(c.header) for c in columns],
        _rows(rows, columns),
        sheet_name=label[:31],
        title=title,
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = content_disposition_header(True, f"{label}-{stamp}.xlsx")
    return response
