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
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changes import diff, field_label, msgid, record_change
from core.codes import normalize_code, random_code
from core.errors import IllegalTransition
from core.models import ChangeAction
from core.models import Channel as NotifyChannel
from core.notify import notify, notify_users
from core.roles import roles_of
from deputies.choices import DeputyLevel
from deputies.models import Deputy
from deputies.selectors import primary_station
from petitions import services as petition_services
from petitions.choices import Channel, FeedbackMethod, ReceptionKind, Satisfaction
from petitions.choices import Status as PetitionStatus
from petitions.loop import LOOP as petition_loop
from petitions.models import Petition, Reception
from petitions.submission import Submission
from stations.choices import RegionLevel, StaffPostKind
from stations.models import Region, StaffPost
from stations.paths import path_prefixes
from stations.scope import station_staff

from . import rights
from .choices import ContactKind
from .errors import TiesError
from .loop import APPOINTMENT
from .models import (
    Appointment,
    CommitteeLink,
    ConstituentPair,
    Contact,
    DeputyGrid,
    ElectoralDistrict,
    EvaluationCode,
    EvaluationMark,
    Grid,
    MeetingItem,
    MeetingRating,
    ReportBack,
    ReportBackSpeaker,
    ThemedMeeting,
)

log = logging.getLogger(__name__)

# "1名常委会组成人员结对联系5至8名基层代表" (seed 004, the "三联结对" model).
COMMITTEE_MIN, COMMITTEE_MAX = 5, 8


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
# The change record's topics (core.changes): a grid's page, a deputy's grids, a district.
TOPIC_GRID, TOPIC_DEPUTY_GRIDS, TOPIC_DISTRICT = "ties.grid", "ties.deputy_grids", "ties.district"


def check_grid_count(deputy: Deputy, n: int) -> None:
    """The one rule of grid links: a station deputy keeps in touch with 1 or 2 grids."""
    if not GRIDS_MIN <= n <= GRIDS_MAX:
        raise ValidationError(
            _("Each station deputy keeps in touch with 1 or 2 grids; %(name)s would have %(n)d.")
            % {"name": deputy.name, "n": n}
        )


def _names(rows: Iterable[Any]) -> list[str]:
    """Names as the change record keeps a set of grids or deputies."""
    return sorted(r.name for r in rows)


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
    check_grid_count(deputy, len(chosen))
    visible = set(Grid.objects.visible_to(actor).filter(pk__in=chosen).values_list("pk", flat=True))
    if visible != set(chosen):
        raise PermissionDenied(_("You may not do this."))
    before = list(deputy.grids.all())
    DeputyGrid.objects.filter(deputy=deputy).exclude(grid_id__in=chosen).delete()
    have = set(DeputyGrid.objects.filter(deputy=deputy).values_list("grid_id", flat=True))
    DeputyGrid.objects.bulk_create(
        [DeputyGrid(deputy=deputy, grid_id=pk) for pk in chosen if pk not in have]
    )
    after = list(deputy.grids.all())
    record_change(
        actor=actor,
        subject=deputy,
        topic=TOPIC_DEPUTY_GRIDS,
        changes=[diff(Grid._meta.verbose_name_plural, _names(before), _names(after))],
    )
    return after


GRID_FIELDS = ("name", "community", "station", "worker", "households", "is_active")


def _check_grid(actor: Any, fields: dict[str, Any], grid: Grid | None) -> None:
    community, station = fields["community"], fields["station"]
    covered = Region.objects.covered_by(actor)
    _require(
        covered.filter(pk=community.pk).exists()
        and covered.filter(pk=station.region_id).exists()
        and (grid is None or covered.filter(pk=grid.community_id).exists())
    )
    errors: dict[str, str] = {}
    if community.level != RegionLevel.COMMUNITY:
        errors["community"] = _("A grid lies in a community or village.")
    elif not community.path.startswith(station.region.path):
        errors["station"] = _(
            "The station must be the one over the grid's community (its street or the "
            "community itself)."
        )
    name = fields["name"].strip()
    others = [grid.pk] if grid else []
    if not name:
        errors["name"] = _("Give the grid a name.")
    elif Grid.objects.filter(community=community, name=name).exclude(pk__in=others).exists():
        errors["name"] = _("%(community)s already has a grid of this name.") % {
            "community": community.name
        }
    worker = fields.get("worker")
    if (
        worker is not None
        and not StaffPost.objects.filter(
            user=worker,
            post=StaffPostKind.GRID_WORKER,
            station__region__path__in=path_prefixes(community.path),
        ).exists()
    ):
        errors["worker"] = _("Choose a grid worker of a station over this community.")
    households = fields.get("households")
    if households is not None and not 0 < households <= MAX_HOUSEHOLDS:
        errors["households"] = _("Between 1 and %(n)d households, or leave it empty.") % {
            "n": MAX_HOUSEHOLDS
        }
    if errors:
        raise ValidationError(errors)
    fields["name"] = name


# A grid is a few hundred households; ten thousand is a typing slip.
MAX_HOUSEHOLDS = 10_000


@transaction.atomic
def grid_save(*, actor: Any, grid: Grid | None = None, fields: dict[str, Any]) -> Grid:
    """Create a grid under a community, or change one; clerks over the community do this."""
    fields = {k: fields.get(k) for k in GRID_FIELDS}
    fields["is_active"] = bool(fields["is_active"]) if grid is not None else True
    if grid is not None:
        grid = (
            Grid.objects.select_for_update().select_related("community", "station").get(pk=grid.pk)
        )
    _check_grid(actor, fields, grid)
    if grid is None:
        grid = Grid.objects.create(**fields)
        record_change(
            actor=actor,
            subject=grid,
            topic=TOPIC_GRID,
            action=ChangeAction.CREATED,
            summary=str(grid),
        )
        return grid
    lines = [diff(field_label(Grid, k), getattr(grid, k), fields[k]) for k in GRID_FIELDS]
    for k, v in fields.items():
        setattr(grid, k, v)
    grid.save(update_fields=list(GRID_FIELDS))
    record_change(actor=actor, subject=grid, topic=TOPIC_GRID, changes=lines)
    return grid


def grid_deputy_choices(grid: Grid):
    """Deputies who may keep in touch with the grid: those grouped into its station (or a
    room or point below it) now, and those linked already."""
    return (
        Deputy.objects.active()
        .filter(
            Q(assignments__end_date__isnull=True)
            & (Q(assignments__station=grid.station) | Q(assignments__station__parent=grid.station))
            | Q(grid_links__grid=grid)
        )
        .distinct()
        .order_by("name_pinyin")
    )


@transaction.atomic
def grid_deputies_set(*, actor: Any, grid: Grid, deputies: Iterable[Deputy]) -> list[Deputy]:
    """Set the station deputies who keep in touch with a grid. Each deputy added or removed
    keeps 1 or 2 grids (check_grid_count, the same rule as deputy_grids_set)."""
    grid = Grid.objects.select_for_update().select_related("community", "station").get(pk=grid.pk)
    _require(Region.objects.covered_by(actor).filter(pk=grid.community_id).exists())
    chosen = {d.pk: d for d in deputies}
    before = {d.pk: d for d in grid.deputies.all()}
    touched = Deputy.objects.select_for_update().filter(pk__in=set(chosen) ^ set(before))
    allowed = set(grid_deputy_choices(grid).values_list("pk", flat=True))
    if not set(chosen) <= allowed:
        raise PermissionDenied(_("You may not do this."))
    counts = dict(
        DeputyGrid.objects.filter(deputy__in=touched)
        .values("deputy_id")
        .annotate(n=Count("pk"))
        .values_list("deputy_id", "n")
    )
    problems = []
    for deputy in touched:
        if deputy.pk in chosen and primary_station(deputy) is None:
            problems.append(_("Only a deputy grouped into a station is linked with grids."))
            continue
        n = counts.get(deputy.pk, 0) + (1 if deputy.pk in chosen else -1)
        try:
            check_grid_count(deputy, n)
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError(problems)
    DeputyGrid.objects.filter(grid=grid).exclude(deputy_id__in=chosen).delete()
    DeputyGrid.objects.bulk_create(
        [DeputyGrid(deputy_id=pk, grid=grid) for pk in chosen if pk not in before]
    )
    record_change(
        actor=actor,
        subject=grid,
        topic=TOPIC_GRID,
        changes=[
            diff(
                field_label(Grid, "deputies"),
                _names(before.values()),
                _names(chosen.values()),
            )
        ],
    )
    return list(grid.deputies.all())


# ---------------------------------------------------------------------------------------------
# Electoral districts (选区)

DISTRICT_FIELDS = ("name", "region", "level")


@transaction.atomic
def district_save(
    *,
    actor: Any,
    district: ElectoralDistrict | None = None,
    fields: dict[str, Any],
    deputies: Iterable[Deputy] | None = None,
) -> ElectoralDistrict:
    """Create or change an electoral district of the clerk's area, and (when given) the
    deputies it elected."""
    covered = Region.objects.covered_by(actor)
    if district is not None:
        district = (
            ElectoralDistrict.objects.select_for_update()
            .select_related("region")
            .get(pk=district.pk)
        )
        _require(covered.filter(pk=district.region_id).exists())
    fields = {k: fields[k] for k in DISTRICT_FIELDS}
    _require(covered.filter(pk=fields["region"].pk).exists())
    fields["name"] = fields["name"].strip()
    if not fields["name"]:
        raise ValidationError({"name": _("Give the electoral district a name.")})
    if fields["level"] not in DeputyLevel.values:
        raise ValidationError({"level": _("Choose the level.")})
    if (
        ElectoralDistrict.objects.filter(**fields)
        .exclude(pk__in=[district.pk] if district else [])
        .exists()
    ):
        raise ValidationError(
            {
                "name": _(
                    "%(region)s already has an electoral district of this name at this level."
                )
                % {"region": fields["region"].name}
            }
        )
    chosen = list(deputies) if deputies is not None else None
    if chosen is not None:
        visible = set(
            Deputy.objects.visible_to(actor)
            .filter(pk__in=[d.pk for d in chosen])
            .values_list("pk", flat=True)
        )
        if visible != {d.pk for d in chosen}:
            raise PermissionDenied(_("You may not do this."))
    if district is None:
        district = ElectoralDistrict.objects.create(**fields)
        if chosen:
            district.deputies.set(chosen)
        record_change(
            actor=actor,
            subject=district,
            topic=TOPIC_DISTRICT,
            action=ChangeAction.CREATED,
            summary=district.name,
            changes=[
                diff(
                    field_label(ElectoralDistrict, "deputies"),
                    [],
                    _names(chosen or []),
                )
            ],
        )
        return district
    lines = [
        diff(
            field_label(ElectoralDistrict, k), _shown_field(district, k), _shown_value(k, fields[k])
        )
        for k in DISTRICT_FIELDS
    ]
    for k, v in fields.items():
        setattr(district, k, v)
    district.save(update_fields=list(DISTRICT_FIELDS))
    if chosen is not None:
        before = _names(district.deputies.all())
        district.deputies.set(chosen)
        lines.append(diff(field_label(ElectoralDistrict, "deputies"), before, _names(chosen)))
    record_change(actor=actor, subject=district, topic=TOPIC_DISTRICT, changes=lines)
    return district


def _shown_value(name: str, value: Any) -> Any:
    if name == "level":
        return msgid(DeputyLevel(value).label)
    return value


def _shown_field(district: ElectoralDistrict, name: str) -> Any:
    return _shown_value(name, getattr(district, name))


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


# ---------------------------------------------------------------------------------------------
# Report-back sessions (述职)

CODE_LENGTH = 6
MAX_ATTENDEES = 500


def may_run_reportback(actor: Any, district: ElectoralDistrict, station: Any = None) -> bool:
    """Clerks over the district, or the staff of the station hosting the session."""
    if ElectoralDistrict.objects.visible_to(actor).filter(pk=district.pk).exists():
        return True
    return station is not None and rights.runs_station(actor, station)


@transaction.atomic
def reportback_create(
    *,
    actor: Any,
    district: ElectoralDistrict,
    held_on: dt.date,
    speakers: Iterable[tuple[Deputy, str]],
    attendees: int,
    place: str = "",
    station: Any = None,
) -> ReportBack:
    """Schedule a report-back session with the deputies reporting and one printed one-time
    evaluation code per attendee present."""
    district = ElectoralDistrict.objects.select_for_update().get(pk=district.pk)
    _require(may_run_reportback(actor, district, station))
    rows = list(speakers)
    if not rows:
        raise ValidationError(_("Choose at least one deputy reporting."))
    members = set(district.deputies.values_list("pk", flat=True))
    strangers = [d.name for d, _form in rows if d.pk not in members]
    if strangers:
        raise ValidationError(
            _("Not deputies of this electoral district: %(names)s.")
            % {"names": "、".join(strangers)}
        )
    if len({d.pk for d, _form in rows}) != len(rows):
        raise ValidationError(_("A deputy reports either orally or in writing, not both."))
    if not 0 <= attendees <= MAX_ATTENDEES:
        raise ValidationError(
            _("Between 0 and %(n)d constituents present, please.") % {"n": MAX_ATTENDEES}
        )
    session = ReportBack.objects.create(
        district=district,
        station=station,
        held_on=held_on,
        place=place.strip(),
        attendees=attendees,
        created_by=actor,
    )
    ReportBackSpeaker.objects.bulk_create(
        [ReportBackSpeaker(session=session, deputy=d, form=form) for d, form in rows]
    )
    codes: set[str] = set()
    while len(codes) < attendees:
        codes.add(random_code(CODE_LENGTH))
    EvaluationCode.objects.bulk_create([EvaluationCode(session=session, code=c) for c in codes])
    return session


@transaction.atomic
def reportback_evaluate(
    *,
    session: ReportBack,
    code: str,
    ratings: dict[int, str],
    on_paper: bool = False,
    actor: Any = None,
) -> EvaluationCode:
    """One attendee's evaluation (满意/基本满意/不满意 per reporting deputy), once per code.

    From the public QR page (``actor`` None) or typed in by staff from a paper form."""
    if on_paper:
        _require(actor is not None and may_run_reportback(actor, session.district, session.station))
    row = (
        EvaluationCode.objects.select_for_update()
        .filter(session=session, code=normalize_code(code))
        .first()
    )
    if row is None:
        raise TiesError(_("This code does not belong to this report-back. Check the form."))
    if row.used_at is not None:
        raise TiesError(_("This code has already been used: one evaluation per attendee."))
    speakers = {s.pk: s for s in session.speakers.all()}
    if set(ratings) != set(speakers) or any(r not in Satisfaction.values for r in ratings.values()):
        raise ValidationError(_("Rate every deputy who reported."))
    EvaluationMark.objects.bulk_create(
        [
            EvaluationMark(code=row, speaker=speakers[pk], rating=rating, on_paper=on_paper)
            for pk, rating in ratings.items()
        ]
    )
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    return row


# ---------------------------------------------------------------------------------------------
# Appointments (约访 / 点单式接待) and themed meetings (代表出题 → 部门到场)


@transaction.atomic
def appointment_book(
    *,
    station: Any,
    topic: str,
    preferred_time: str,
    name: str,
    phone: str,
    consent: bool,
    deputy: Deputy | None = None,
    meeting: ThemedMeeting | None = None,
) -> Appointment:
    """A constituent books a slot from the station's public page (no account)."""
    if not consent:
        raise ValidationError(_("Please agree to the handling of your personal data."))
    if deputy is not None and meeting is not None:
        raise ValidationError(_("Choose a deputy or a themed reception, not both."))
    if (
        deputy is not None
        and not deputy.assignments.filter(station=station, end_date__isnull=True).exists()
    ):
        raise ValidationError(_("This deputy does not receive at this station."))
    if meeting is not None and (meeting.station_id != station.pk or not meeting.open_for_booking):
        raise ValidationError(_("This themed reception cannot be booked here."))
    appointment = Appointment.objects.create(
        station=station,
        deputy=deputy,
        meeting=meeting,
        topic=topic.strip(),
        preferred_time=preferred_time.strip(),
        name=name.strip(),
        phone=phone.strip(),
        consent_at=timezone.now(),
    )
    notify_users(
        station_staff(station),
        subject=_("New appointment request: %(topic)s") % {"topic": appointment.topic},
        url=appointment.get_absolute_url(),
        dedupe_key=f"appointment:{appointment.pk}:booked",
    )
    return appointment


def _answer(name: str, *, actor: Any, appointment: Appointment | int, message: str) -> Appointment:
    pk = appointment.pk if isinstance(appointment, Appointment) else appointment
    row = Appointment.objects.select_for_update().select_related("station").get(pk=pk)
    target = APPOINTMENT.check(name, row)
    _require(APPOINTMENT[name].allowed_for(actor, row))
    if not message.strip():
        raise ValidationError(_("Write a message to the constituent."))
    row.status, row.message = target, message.strip()
    row.decided_by, row.decided_at = actor, timezone.now()
    row.save(update_fields=["status", "message", "decided_by", "decided_at"])
    # The constituent has no account: the message goes by SMS to the phone they gave.
    notify(
        channel=NotifyChannel.SMS,
        address=row.phone,
        subject=_("%(station)s: %(message)s")
        % {"station": row.station.name, "message": row.message},
        dedupe_key=f"appointment:{row.pk}:{name}",
    )
    return row


@transaction.atomic
def appointment_confirm(*, actor: Any, appointment: Appointment | int, message: str) -> Appointment:
    """Confirm a booking with the day and time in the message."""
    return _answer("confirm", actor=actor, appointment=appointment, message=message)


@transaction.atomic
def appointment_decline(*, actor: Any, appointment: Appointment | int, message: str) -> Appointment:
    """Decline a booking, saying why (and what else the constituent can do)."""
    return _answer("decline", actor=actor, appointment=appointment, message=message)


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    station: Any,
    topic: str,
    held_at: dt.datetime,
    deputies: Iterable[Deputy],
    departments: Iterable[Any],
    heads_present: str = "",
    open_for_booking: bool = False,
) -> ThemedMeeting:
    """Deputies set a topic and invite department heads; held as a reception with departments."""
    _require(rights.runs_station(actor, station))
    deputies, departments = list(deputies), list(departments)
    if not deputies:
        raise ValidationError(_("Name the deputies who set the topic."))
    if not departments:
        raise ValidationError(_("Invite at least one department."))
    reception = Reception.objects.create(
        station=station,
        kind=ReceptionKind.DEPARTMENT,
        topic=topic.strip(),
        held_at=held_at,
        created_by=actor,
    )
    reception.deputies.set(deputies)
    reception.departments.set(departments)
    meeting = ThemedMeeting.objects.create(
        station=station,
        topic=topic.strip(),
        held_at=held_at,
        heads_present=heads_present.strip(),
        open_for_booking=open_for_booking,
        reception=reception,
    )
    meeting.deputies.set(deputies)
    meeting.departments.set(departments)
    return meeting


@transaction.atomic
def meeting_item_add(
    *,
    actor: Any,
    meeting: ThemedMeeting,
    raised_by: Deputy,
    department: Any,
    title: str,
    content: str,
) -> MeetingItem:
    """Record an item raised at the meeting as a case (petition_submit) of its reception."""
    meeting = (
        ThemedMeeting.objects.select_for_update()
        .select_related("station", "reception")
        .get(pk=meeting.pk)
    )
    _require(rights.runs_station(actor, meeting.station))
    if not meeting.deputies.filter(pk=raised_by.pk).exists():
        raise ValidationError(_("Only the deputies of the meeting raise its items."))
    if not meeting.departments.filter(pk=department.pk).exists():
        raise ValidationError(_("The department was not invited to this meeting."))
    petition = petition_services.petition_submit(
        actor=actor,
        submission=Submission(
            station=meeting.station,
            channel=Channel.RECEPTION,
            reception=meeting.reception,
            deputy=raised_by,
            title=title,
            content=content,
            constituent_name=raised_by.name,
            consent=True,
        ),
    )
    return MeetingItem.objects.create(
        meeting=meeting, petition=petition, raised_by=raised_by, department=department
    )


def _decided(ratings: list[str]) -> str:
    """The deputies' rating of an answer: unsatisfied if any deputy is, else basically
    satisfied if any is, else satisfied."""
    for level in (Satisfaction.UNSATISFIED, Satisfaction.BASIC):
        if level in ratings:
            return level
    return Satisfaction.SATISFIED


@transaction.atomic
def meeting_item_rate(
    *,
    actor: Any,
    item: MeetingItem,
    satisfaction: str,
    comment: str = "",
    deputy: Deputy | None = None,
) -> MeetingItem:
    """One deputy's rating of the department's answer to a meeting item (one per deputy per
    round): the deputy's own (``deputy`` None), or entered by the station's staff for a deputy
    of the meeting who has no account (marked staff-recorded).

    The ratings decide through the loop once one deputy is unsatisfied (the case reopens to
    the department at once, as a constituent's low rating does) or every deputy of the meeting
    has rated (the case closes): with the staff's record_rating when staff entered the deciding
    rating, else the loop's rate_by_deputies row."""
    item = (
        MeetingItem.objects.select_for_update()
        .select_related("petition", "meeting__station")
        .get(pk=item.pk)
    )
    meeting = item.meeting
    recorded_by = None
    if deputy is None:
        _require(rights.rates_meeting(actor, meeting))  # so the actor is a deputy
        deputy = Deputy.objects.get(pk=roles_of(actor).deputy_id or 0)
    else:
        _require(rights.runs_station(actor, meeting.station))
        if not meeting.deputies.filter(pk=deputy.pk).exists():
            raise ValidationError(_("Only the deputies of the meeting rate its items."))
        if deputy.user_id is not None:
            raise ValidationError(
                _("%(name)s has an account and rates the answer on their own.")
                % {"name": deputy.name}
            )
        recorded_by = actor
    if satisfaction not in Satisfaction.values:
        raise ValidationError(_("Choose the deputies' rating."))
    petition = item.petition
    petition_loop.check("rate_by_deputies", petition)  # once the station has given feedback
    round_ = petition.reopen_count
    if item.ratings.filter(deputy=deputy, round=round_).exists():
        raise IllegalTransition(
            _("%(name)s has already rated this answer.") % {"name": deputy.name}
        )
    MeetingRating.objects.create(
        item=item,
        deputy=deputy,
        round=round_,
        satisfaction=satisfaction,
        comment=comment,
        recorded_by=recorded_by,
    )
    rows = list(item.ratings.filter(round=round_).select_related("deputy"))
    if satisfaction != Satisfaction.UNSATISFIED and len(rows) < meeting.deputies.count():
        return item  # the other deputies have not rated yet
    decided = _decided([r.satisfaction for r in rows])
    summary = " · ".join(
        f"{r.deputy.name}: {Satisfaction(r.satisfaction).label}"
        + (f" ({r.comment})" if r.comment else "")
        for r in rows
    )
    if recorded_by is not None:
        petition_services.petition_record_rating(
            actor=actor,
            petition=petition,
            satisfaction=decided,
            method=FeedbackMethod.IN_PERSON,
            comment=" · ".join((_("Deputies' rating at the themed meeting"), summary)),
        )
    else:
        petition_services.petition_rate_by_deputies(
            actor=actor, petition=petition, satisfaction=decided, comment=summary
        )
    item.deputies_rating = decided
    item.save(update_fields=["deputies_rating"])
    return item


def meeting_ratings_due(user: Any) -> list[MeetingItem]:
    """The meeting items whose department answer waits for this deputy's own rating."""
    deputy_id = roles_of(user).deputy_id
    if deputy_id is None:
        return []
    items = list(
        MeetingItem.objects.filter(
            meeting__deputies=deputy_id, petition__status=PetitionStatus.FEEDBACK_GIVEN
        )
        .select_related("meeting", "petition", "department")
        .order_by("meeting__held_at", "pk")
    )
    rated = set(
        MeetingRating.objects.filter(item__in=items, deputy_id=deputy_id).values_list(
            "item_id", "round"
        )
    )
    return [i for i in items if (i.pk, i.petition.reopen_count) not in rated]
