"""Reads for the ties pages that need joins or aggregates."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from core.roles import roles_of
from deputies.models import Deputy
from deputies.selectors import editable_deputies

from .models import CommitteeLink, ConstituentPair, Contact, Grid


def pair_list(user: Any) -> QuerySet[ConstituentPair]:
    return (
        ConstituentPair.objects.visible_to(user)
        .select_related("deputy")
        .annotate(contacts_count=Count("contacts"))
        .order_by("-is_active", "deputy__name_pinyin", "name")
    )


def pair_detail(user: Any) -> QuerySet[ConstituentPair]:
    return (
        ConstituentPair.objects.visible_to(user)
        .select_related("deputy")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.select_related("petition")))
    )


def pairable_deputies(user: Any) -> QuerySet[Deputy]:
    """The deputies a user may add pairs for: themself, or those of the stations they run."""
    roles = roles_of(user)
    q = Q(pk=roles.deputy_id) if roles.deputy_id else Q(pk__in=[])
    if roles.is_admin or roles.staff_station_ids:
        q |= Q(
            pk__in=editable_deputies(user).filter(assignments__end_date__isnull=True).values("pk")
        )
    return Deputy.objects.active().filter(q)


def committee_rows(user: Any) -> list[tuple[Deputy, list[CommitteeLink]]]:
    """Standing-committee members with the grassroots deputies each is paired with."""
    links = CommitteeLink.objects.visible_to(user).select_related("member", "deputy")
    by_member: dict[int, tuple[Deputy, list[CommitteeLink]]] = {}
    for link in links:
        by_member.setdefault(link.member_id, (link.member, []))[1].append(link)
    return sorted(by_member.values(), key=lambda row: row[0].name_pinyin)


def public_pairing(station: Any) -> list[tuple[str, list[str]]]:
    """The pairing list (结对名单) for the station's public page: names only (五公开)."""
    pairs = (
        ConstituentPair.objects.active()
        .filter(deputy__is_active=True, deputy__assignments__station=station)
        .filter(deputy__assignments__end_date__isnull=True)
        .select_related("deputy")
        .order_by("deputy__name_pinyin", "name")
        .distinct()
    )
    rows: dict[int, tuple[str, list[str]]] = {}
    for pair in pairs:
        rows.setdefault(pair.deputy_id, (pair.deputy.name, []))[1].append(pair.name)
    return list(rows.values())


def grid_coverage(user: Any) -> QuerySet[Grid]:
    """The grids a user sees, with how many deputies keep in touch with each (0 first)."""
    return (
        Grid.objects.visible_to(user)
        .filter(is_active=True)
        .select_related("community", "station", "worker")
        .annotate(deputies_count=Count("deputy_links"))
        .order_by("deputies_count", "community__code", "name")
    )
