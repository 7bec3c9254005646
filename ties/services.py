"""Every write of the ties app: pairs, contacts, committee pairings, grids, report-backs and
appointments. Each opens a transaction, re-reads the row it changes with ``select_for_update()``
and re-checks the right (``PermissionDenied``) or a rule (``TiesError``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.roles import roles_of
from deputies.models import Deputy
from deputies.selectors import primary_station
from petitions import services as petition_services
from petitions.choices import Channel, ReceptionKind
from petitions.models import Petition, Reception
from petitions.submission import Submission

from . import rights
from .choices import ContactKind
from .models import CommitteeLink, ConstituentPair, Contact, DeputyGrid, Grid

log = logging.getLogger(__name__)

# "1名常委会组成人员结对联系5至8名基层代表" (seed 004, the "三联结对" model).
COMMITTEE_MIN, COMMITTEE_MAX = 5, 8


class TiesError(DomainError):
    """A rule of pairing, grids, report-backs or appointments refused the action."""


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this."))


# ---------------------------------------------------------------------------------------------
# Pairing (结对)


@transaction.atomic
def pair_create(
    *,
    actor: Any,
    deputy: Deputy,
    name: str,
    phone: str,
    consent_on: dt.date,
    address: str = "",
) -> ConstituentPair:
    """Pair a constituent with a deputy; the consent day is required (no consent, no pair)."""
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    _require(rights.may_manage_pairs(actor, deputy))
    if not consent_on:
        raise ValidationError(_("Record the day the constituent agreed to be paired."))
    return ConstituentPair.objects.create(
        deputy=deputy,
        name=name.strip(),
        phone=phone.strip(),
        address=address.strip(),
        consent_on=consent_on,
        created_by=actor,
    )


@transaction.atomic
def pair_end(*, actor: Any, pair: ConstituentPair) -> ConstituentPair:
    """End a pairing (the constituent moved away or withdrew consent); contacts are kept."""
    pair = ConstituentPair.objects.select_for_update().select_related("deputy").get(pk=pair.pk)
    _require(rights.may_manage_pairs(actor, pair.deputy))
    pair.is_active = False
    pair.save(update_fields=["is_active"])
    return pair


@transaction.atomic
def contact_log(
    *,
    actor: Any,
    pair: ConstituentPair,
    kind: str,
    on: dt.date,
    note: str = "",
    opinion: str = "",
) -> Contact:
    """Log a visit, call or WeChat exchange with a paired constituent."""
    pair = ConstituentPair.objects.select_for_update().select_related("deputy").get(pk=pair.pk)
    _require(rights.may_manage_pairs(actor, pair.deputy))
    if kind not in ContactKind.values:
        raise ValidationError(_("Choose how you were in contact."))
    if not pair.is_active:
        raise TiesError(_("This pairing has ended."))
    return Contact.objects.create(
        pair=pair, kind=kind, on=on, note=note.strip(), opinion=opinion.strip(), created_by=actor
    )


@transaction.atomic
def contact_raise_case(*, actor: Any, contact: Contact) -> Petition:
    """Record the opinion raised in a contact as a case (one click), linked back to the contact.

    The case goes through petitions.services.petition_submit like every other; the station is
    the deputy's primary station, the channel "deputy visit", the consent the one recorded with
    the pair."""
    contact = Contact.objects.select_for_update().select_related("pair__deputy").get(pk=contact.pk)
    deputy = contact.pair.deputy
    _require(rights.may_manage_pairs(actor, deputy))
    if contact.petition_id is not None:
        raise TiesError(_("This opinion is already a case."))
    if not contact.opinion:
        raise TiesError(_("The contact has no opinion to record as a case."))
    station = primary_station(deputy)
    if station is None:
        raise TiesError(_("The deputy is not grouped into a station, so no station can take it."))
    first_line = contact.opinion.splitlines()[0]
    petition = petition_services.petition_submit(
        # The deputy's own station staff or the deputy themself: petition_submit checks again.
        actor=actor,
        submission=Submission(
            station=station,
            channel=Channel.DEPUTY_VISIT,
            title=first_line[:60],
            content=contact.opinion,
            deputy=deputy,
            constituent_name=contact.pair.name,
            phone=contact.pair.phone,
            address=contact.pair.address,
            consent=True,
            idempotency_key=f"ties-contact:{contact.pk}",
        ),
    )
    contact.petition = petition
    contact.save(update_fields=["petition"])
    return petition


@transaction.atomic
def committee_pairing_set(
    *, actor: Any, member: Deputy, deputies: Iterable[Deputy]
) -> list[CommitteeLink]:
    """Set the grassroots deputies a standing-committee member is paired with: 5 to 8 of them
    ("1名常委会组成人员结对联系5至8名基层代表", seed 004). Clerks over the member do this."""
    member = Deputy.objects.select_for_update().get(pk=member.pk)
    _require(
        rights.is_clerk_or_admin(actor)
        and Deputy.objects.visible_to(actor).filter(pk=member.pk).exists()
    )
    chosen = {d.pk: d for d in deputies}
    chosen.pop(member.pk, None)
    if not COMMITTEE_MIN <= len(chosen) <= COMMITTEE_MAX:
        raise ValidationError(
            _(
                "A standing-committee member is paired with %(low)d to %(high)d grassroots "
                "deputies; you chose %(n)d."
            )
            % {"low": COMMITTEE_MIN, "high": COMMITTEE_MAX, "n": len(chosen)}
        )
    visible = set(
        Deputy.objects.visible_to(actor).filter(pk__in=chosen).values_list("pk", flat=True)
    )
    if visible != set(chosen):
        raise PermissionDenied(_("You may not do this."))
    CommitteeLink.objects.filter(member=member).exclude(deputy_id__in=chosen).delete()
    have = set(CommitteeLink.objects.filter(member=member).values_list("deputy_id", flat=True))
    CommitteeLink.objects.bulk_create(
        [CommitteeLink(member=member, deputy_id=pk) for pk in chosen if pk not in have]
    )
    return list(CommitteeLink.objects.filter(member=member).select_related("deputy"))


# ---------------------------------------------------------------------------------------------
# Grids (网格)

# "每名驻站代表固定联系1至2个网格" (seed 004).
GRIDS_MIN, GRIDS_MAX = 1, 2


@transaction.atomic
def deputy_grids_set(*, actor: Any, deputy: Deputy, grids: Iterable[Grid]) -> list[Grid]:
    """Link a station deputy with the one or two grids they keep in touch with."""
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    roles = roles_of(actor)
    _require(
        rights.runs_deputys_station(actor, deputy)
        or (roles.is_clerk and Deputy.objects.visible_to(actor).filter(pk=deputy.pk).exists())
    )
    station = primary_station(deputy)
    if station is None:
        raise TiesError(_("Only a deputy grouped into a station is linked with grids."))
    chosen = {g.pk: g for g in grids}
    if not GRIDS_MIN <= len(chosen) <= GRIDS_MAX:
        raise ValidationError(
            _("Each station deputy keeps in touch with 1 or 2 grids; you chose %(n)d.")
            % {"n": len(chosen)}
        )
    visible = set(Grid.objects.visible_to(actor).filter(pk__in=chosen).values_list("pk", flat=True))
    if visible != set(chosen):
        raise PermissionDenied(_("You may not do this."))
    DeputyGrid.objects.filter(deputy=deputy).exclude(grid_id__in=chosen).delete()
    have = set(DeputyGrid.objects.filter(deputy=deputy).values_list("grid_id", flat=True))
    DeputyGrid.objects.bulk_create(
        [DeputyGrid(deputy=deputy, grid_id=pk) for pk in chosen if pk not in have]
    )
    return list(deputy.grids.all())


@transaction.atomic
def grid_opinion_record(
    *,
    actor: Any,
    grid: Grid,
    title: str,
    content: str,
    constituent_name: str,
    phone: str,
    address: str = "",
) -> Petition:
    """A grid worker records an opinion heard on their rounds, as a case of the grid's station.

    The opinion belongs to the day's grid visit (a reception of kind "visit" at the station,
    made on first use), so the station's reception ledger shows the grid work too. The worker's
    post is limited (core.roles.LIAISON_POSTS): petition_submit lets them record here
    (petitions.rights.may_record_at), nothing lets them triage or assign."""
    grid = Grid.objects.select_for_update().select_related("station").get(pk=grid.pk)
    _require(grid.worker_id == actor.pk or rights.runs_station(actor, grid.station))
    today = timezone.localdate()
    topic = _("Grid visit: %(grid)s") % {"grid": grid.name}
    reception = (
        Reception.objects.filter(
            station=grid.station, kind=ReceptionKind.VISIT, topic=topic, held_at__date=today
        ).first()
        # No reception service exists in petitions (its view saves the form); this is that row.
        or Reception.objects.create(
            station=grid.station,
            kind=ReceptionKind.VISIT,
            topic=topic,
            held_at=timezone.now(),
            created_by=actor,
        )
    )
    return petition_services.petition_submit(
        actor=actor,
        submission=Submission(
            station=grid.station,
            channel=Channel.RECEPTION,
            reception=reception,
            title=title,
            content=content,
            constituent_name=constituent_name,
            phone=phone,
            address=address,
            location_text=str(grid),
            consent=True,
        ),
    )
