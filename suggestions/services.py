"""Every write of a formal suggestion. Nothing else changes ``Suggestion.status``.

Each step: ``@transaction.atomic``, re-read the row with ``select_for_update()``, check the move
with ``REGISTRY.check`` (suggestions/loop.py), re-check the right of the row, check the version
the user saw, save with ``update_fields``, write a ``SuggestionEvent``, queue notices through
the outbox (``core.notify``), delivered after commit — saving never waits for Redis or a worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import notify as notify_mod
from core.errors import DomainError, StaleObject
from core.roles import roles_of
from core.workdays import Calendar
from deputies.models import Deputy, StationAssignment
from petitions.attachments import validate_upload
from petitions.choices import Tier
from petitions.models import Petition
from stations.choices import RegionLevel
from stations.models import ClerkScope, Region

from .choices import Classification, CosignStatus, Evaluation, EventKind, Level, LimitUnit, Status
from .loop import REGISTRY
from .models import Cosignature, NumberCounter, Suggestion, SuggestionEvent, SuggestionReply

log = logging.getLogger(__name__)

S = Status
LEVEL_REGION = {Level.DISTRICT: RegionLevel.DISTRICT, Level.CITY: RegionLevel.CITY}


class SuggestionError(DomainError):
    """A rule of formal suggestions refused the action."""


# ---------------------------------------------------------------------------------------------
# Helpers


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this on this suggestion."))


def _lock(suggestion, expected_version: int | None = None) -> Suggestion:
    """Re-read the row under a lock and check the version the user saw."""
    pk = suggestion.pk if isinstance(suggestion, Suggestion) else suggestion
    # Lock only the suggestion's row (PostgreSQL would otherwise lock the joined region too).
    locked = Suggestion.objects.select_for_update(of=("self",)).select_related("region").get(pk=pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleObject()
    return locked


def _begin(action: str, actor, suggestion, expected_version: int | None) -> Suggestion:
    """Lock the row, then check the move from its status and the actor's right — both read
    from the action's registry row, so the service and the menu cannot disagree."""
    s = _lock(suggestion, expected_version)
    REGISTRY.check(action, s)
    _require(REGISTRY[action].allowed_for(actor, s))
    return s


def _event(
    s: Suggestion,
    *,
    actor,
    action: str,
    from_status: str,
    to_status: str,
    note: str = "",
    kind: str = EventKind.TRANSITION,
) -> SuggestionEvent:
    authenticated = actor is not None and actor.is_authenticated
    return SuggestionEvent.objects.create(
        suggestion=s,
        kind=kind,
        action=action,
        actor=actor if authenticated else None,
        actor_label="" if authenticated else "system",
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _save(s: Suggestion, *fields: str) -> None:
    s.version += 1
    s.save(update_fields=["version", *fields])


def _step(s: Suggestion, action: str, *, actor, note: str = "", fields=(), kind=None) -> str:
    """Check ``action`` from the current status, move to its target, save, write the event."""
    to = REGISTRY.check(action, s)
    return _move(s, action, to, actor=actor, note=note, fields=fields, kind=kind)


def _move(s, action: str, to: str, *, actor, note="", fields=(), kind=None) -> str:
    from_status = s.status
    s.status = to
    _save(s, "status", *fields)
    if kind is None:
        kind = EventKind.TRANSITION if to != from_status else EventKind.EDITED
    _event(
        s, actor=actor, action=action, from_status=from_status, to_status=to, note=note, kind=kind
    )
    return to


def _users(qs) -> list:
    return list(qs.filter(is_active=True).distinct())


def deputy_users(s: Suggestion, *, cosigners: bool = True) -> list:
    User = get_user_model()
    ids = [s.lead_deputy_id]
    if cosigners:
        ids += list(
            s.cosignatures.filter(status=CosignStatus.CONFIRMED).values_list("deputy_id", flat=True)
        )
    return _users(User.objects.filter(deputy_profile__in=ids))


def clerk_users(region: Region) -> list:
    """Clerks whose region is ``region`` or an ancestor of it."""
    codes = [c for c in region.path.split("/") if c]
    paths = ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
    User = get_user_model()
    ids = ClerkScope.objects.filter(region__path__in=paths).values("user_id")
    return _users(User.objects.filter(pk__in=ids))


def department_users(department_ids: Iterable[int | None]) -> list:
    User = get_user_model()
    return _users(User.objects.filter(handler_posts__department_id__in=list(department_ids)))


def _tell(users, s: Suggestion, subject: str, key: str) -> None:
    notify_mod.notify_users(
        users, subject=subject, url=s.get_absolute_url(), dedupe_key=f"suggestion:{s.pk}:{key}"
    )


def committee_region(deputy: Deputy, level: str) -> Region:
    """The district or city whose standing committee receives the deputy's suggestion: found
    above the region of the deputy's current primary station."""
    assignment = (
        StationAssignment.objects.filter(deputy=deputy, end_date__isnull=True)
        .select_related("station__region")
        .order_by("-is_primary", "pk")
        .first()
    )
    if assignment is None:
        raise ValidationError(_("The deputy is not grouped into any station yet."))
    wanted = LEVEL_REGION[Level(level)]
    for region in reversed(assignment.station.region.ancestors()):
        if region.level == wanted:
            return region
    raise ValidationError(
        _("No %(level)s was found above the deputy's station.")
        % {"level": RegionLevel(wanted).label}
    )


def compute_deadline(
    start: dt.date, *, again: bool = False, calendar: Calendar | None = None
) -> dt.date:
    """The statutory limit from ``start``: SUGGESTION_LIMIT (or SUGGESTION_REDO_LIMIT when it is
    handled again) in SUGGESTION_LIMIT_UNIT. Calendar months end on a working day: a limit
    falling on a weekend or holiday moves to the next working day."""
    calendar = calendar or Calendar()
    n = settings.SUGGESTION_REDO_LIMIT if again else settings.SUGGESTION_LIMIT
    if settings.SUGGESTION_LIMIT_UNIT == LimitUnit.WORKING_DAYS:
        return calendar.add_working_days(start, n)
    return calendar.next_workday(start + relativedelta(months=n))


# ---------------------------------------------------------------------------------------------
# Drafting


def _clean_draft(
    *, actor, lead_deputy: Deputy, level: str, petitions, cosigners, region: Region
) -> tuple[list[Petition], list[Deputy]]:
    petitions = list(petitions or [])
    visible = set(
        Petition.objects.visible_to(actor)
        .filter(pk__in=[p.pk for p in petitions])
        .values_list("pk", flat=True)
    )
    for p in petitions:
        if p.pk not in visible:
            raise PermissionDenied(_("You may not link this opinion."))
        if p.tier != Tier.SUGGESTION:
            raise ValidationError(
                _("“%(t)s” was not triaged as a deputy's formal suggestion.") % {"t": p.title}
            )
    cosigners = [d for d in (cosigners or []) if d.pk != lead_deputy.pk]
    inside = set(
        StationAssignment.objects.filter(
            deputy__in=cosigners,
            end_date__isnull=True,
            station__region__path__startswith=region.path,
        ).values_list("deputy_id", flat=True)
    )
    outside = [d.name for d in cosigners if d.pk not in inside or not d.is_active]
    if outside:
        raise ValidationError(
            _("These deputies do not sit in %(region)s and cannot co-sign: %(names)s")
            % {"region": region.name, "names": "、".join(outside)}
        )
    return petitions, cosigners


def _invite(s: Suggestion, cosigners: list[Deputy], *, actor) -> None:
    """Keep the answers already given; invite the new co-signers; drop those taken off."""
    wanted = {d.pk for d in cosigners}
    existing = {c.deputy_id: c for c in s.cosignatures.all()}
    removed = [c for pk, c in existing.items() if pk not in wanted]
    for c in removed:
        c.delete()
    fresh = [d for d in cosigners if d.pk not in existing]
    Cosignature.objects.bulk_create([Cosignature(suggestion=s, deputy=d) for d in fresh])
    users = _users(get_user_model().objects.filter(deputy_profile__in=[d.pk for d in fresh]))
    if users:
        _tell(
            users,
            s,
            _("%(name)s invites you to co-sign a suggestion: %(t)s")
            % {"name": s.lead_deputy.name, "t": s.title},
            f"invite:v{s.version}",
        )


@transaction.atomic
def suggestion_draft(
    *,
    actor,
    title: str,
    reasons: str,
    proposals: str,
    category,
    session: str,
    level: str,
    petitions: Iterable[Petition] = (),
    cosigners: Iterable[Deputy] = (),
) -> Suggestion:
    """A lead deputy starts a suggestion (status draft), from scratch or from linked opinions
    of tier "难事代表提"; the co-signers named are invited and confirm on the suggestion."""
    roles = roles_of(actor)
    _require(roles.is_deputy)
    assert roles.deputy_id is not None  # _require above
    lead = Deputy.objects.get(pk=roles.deputy_id)
    region = committee_region(lead, level)
    petitions, cosigners = _clean_draft(
        actor=actor,
        lead_deputy=lead,
        level=level,
        petitions=petitions,
        cosigners=cosigners,
        region=region,
    )
    s = Suggestion.objects.create(
        lead_deputy=lead,
        title=title.strip(),
        reasons=reasons.strip(),
        proposals=proposals.strip(),
        category=category,
        session=session,
        level=level,
        region=region,
        created_by=actor,
    )
    s.petitions.set(petitions)
    _invite(s, cosigners, actor=actor)
    _event(s, actor=actor, action="draft", from_status="", to_status=S.DRAFT)
    return s


@transaction.atomic
def suggestion_edit(
    *,
    actor,
    suggestion,
    title: str,
    reasons: str,
    proposals: str,
    category,
    session: str,
    level: str,
    petitions: Iterable[Petition] = (),
    cosigners: Iterable[Deputy] = (),
    expected_version: int | None = None,
) -> Suggestion:
    """The lead deputy changes the draft; co-signers keep their answers."""
    s = _begin("edit", actor, suggestion, expected_version)
    region = committee_region(s.lead_deputy, level)
    petitions, cosigners = _clean_draft(
        actor=actor,
        lead_deputy=s.lead_deputy,
        level=level,
        petitions=petitions,
        cosigners=cosigners,
        region=region,
    )
    s.title, s.reasons, s.proposals = title.strip(), reasons.strip(), proposals.strip()
    s.category, s.session, s.level, s.region = category, session, level, region
    _step(
        s,
        "edit",
        actor=actor,
        fields=("title", "reasons", "proposals", "category", "session", "level", "region"),
    )
    s.petitions.set(petitions)
    _invite(s, cosigners, actor=actor)
    return s


@transaction.atomic
def suggestion_cosign(
    *, actor, suggestion, confirm: bool, expected_version: int | None = None
) -> Suggestion:
    """An invited deputy confirms (or declines) co-signing the draft."""
    s = _begin("cosign", actor, suggestion, expected_version)
    roles = roles_of(actor)
    assert roles.deputy_id is not None  # the row's right: an invited deputy
    c = s.cosignatures.select_for_update().get(deputy_id=roles.deputy_id)
    c.status = CosignStatus.CONFIRMED if confirm else CosignStatus.DECLINED
    c.answered_at = timezone.now()
    c.save(update_fields=["status", "answered_at"])
    _step(
        s,
        "cosign",
        actor=actor,
        kind=EventKind.COSIGN,
        note=f"{c.deputy.name}: {c.get_status_display()}",
    )
    _tell(
        deputy_users(s, cosigners=False),
        s,
        _("%(name)s answered your invitation to co-sign: %(answer)s")
        % {"name": c.deputy.name, "answer": c.get_status_display()},
        f"cosign:{c.pk}",
    )
    return s


@transaction.atomic
def suggestion_submit(*, actor, suggestion, expected_version: int | None = None) -> Suggestion:
    """The lead deputy sends the draft to the standing committee. Invitations still unanswered
    lapse: only deputies who confirmed sign the suggestion."""
    s = _begin("submit", actor, suggestion, expected_version)
    lapsed = list(
        s.cosignatures.filter(status=CosignStatus.PENDING).values_list("deputy__name", flat=True)
    )
    s.cosignatures.filter(status=CosignStatus.PENDING).delete()
    s.submitted_at = timezone.now()
    note = _("Invitations lapsed: %(names)s") % {"names": "、".join(lapsed)} if lapsed else ""
    _step(s, "submit", actor=actor, note=note, fields=("submitted_at",))
    _tell(
        clerk_users(s.region),
        s,
        _("New suggestion to register: %(t)s") % {"t": s.title},
        "submitted",
    )
    return s


# ---------------------------------------------------------------------------------------------
# Registration and assignment (the standing committee)


def next_number(region: Region, year: int) -> int:
    """The next number of the committee's year. The counter row is locked until the caller's
    transaction ends, so concurrent registrations queue; a rollback gives the number back, so
    the sequence has no gaps."""
    NumberCounter.objects.get_or_create(region=region, year=year)
    counter = NumberCounter.objects.select_for_update().get(region=region, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@transaction.atomic
def suggestion_register(
    *, actor, suggestion, note: str = "", expected_version: int | None = None
) -> Suggestion:
    """A clerk of the standing committee registers (立案) the suggestion: it gets 第N号."""
    s = _begin("register", actor, suggestion, expected_version)
    now = timezone.now()
    s.year = timezone.localdate(now).year
    s.number = next_number(s.region, s.year)
    s.registered_at = now
    _step(
        s,
        "register",
        actor=actor,
        note=f"{s.number_label} {note}".strip(),
        fields=("year", "number", "registered_at"),
    )
    _tell(
        deputy_users(s),
        s,
        _("Your suggestion was registered as %(n)s: %(t)s") % {"n": s.number_label, "t": s.title},
        "registered",
    )
    return s


@transaction.atomic
def suggestion_decline(
    *, actor, suggestion, reason: str, expected_version: int | None = None
) -> Suggestion:
    """The clerk declines to register the suggestion, saying why (不予立案)."""
    reason = (reason or "").strip()
    s = _begin("decline", actor, suggestion, expected_version)
    if not reason:
        raise ValidationError(_("Say why the suggestion is not registered."))
    s.decline_reason = reason
    s.closed_at = timezone.now()
    _step(s, "decline", actor=actor, note=reason, fields=("decline_reason", "closed_at"))
    _tell(
        deputy_users(s),
        s,
        _("Your suggestion was not registered: %(t)s") % {"t": s.title},
        "declined",
    )
    return s


@transaction.atomic
def suggestion_assign(
    *,
    actor,
    suggestion,
    lead_department,
    assisting_departments: Iterable = (),
    deadline: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Suggestion:
    """The clerk assigns (交办) the registered suggestion to a lead department (and assisting
    ones) with the statutory limit (see ``compute_deadline``) unless another date is given."""
    s = _begin("assign", actor, suggestion, expected_version)
    assisting = [d for d in assisting_departments if d.pk != lead_department.pk]
    for d in [lead_department, *assisting]:
        if not d.region.path.startswith(s.region.path) or not d.is_active:
            raise ValidationError(
                _("%(d)s is not a department of %(r)s.") % {"d": d.name, "r": s.region.name}
            )
    today = timezone.localdate()
    deadline = deadline or compute_deadline(today)
    if deadline <= today:
        raise ValidationError(_("The limit must be a date after today."))
    s.lead_department, s.deadline, s.assigned_at = lead_department, deadline, timezone.now()
    s.escalation = 0
    _step(
        s,
        "assign",
        actor=actor,
        note=_("%(d)s, reply by %(date)s") % {"d": lead_department.name, "date": deadline}
        + (f" {note}" if note else ""),
        fields=("lead_department", "deadline", "assigned_at", "escalation"),
    )
    s.assisting_departments.set(assisting)
    _tell(
        department_users([lead_department.pk, *(d.pk for d in assisting)]),
        s,
        _("Deputy's suggestion %(n)s assigned to you, reply by %(d)s: %(t)s")
        % {"n": s.number_label, "d": deadline.isoformat(), "t": s.title},
        f"assigned:r{s.round}",
    )
    return s


# ---------------------------------------------------------------------------------------------
# The department's reply and the deputy's evaluation


@transaction.atomic
def suggestion_reply(
    *,
    actor,
    suggestion,
    classification: str,
    body: str,
    letter=None,
    follow_up_date: dt.date | None = None,
    expected_version: int | None = None,
) -> SuggestionReply:
    """The lead department replies with the national classification (A/B/C) and a letter.

    A class-B answer promises a planned step, so it names the date to follow it up.
    """
    body = (body or "").strip()
    s = _begin("reply", actor, suggestion, expected_version)
    if classification not in Classification.values:
        raise ValidationError(_("Choose the classification of the result."))
    if not body:
        raise ValidationError(_("Write the reply letter."))
    today = timezone.localdate()
    if classification == Classification.B:
        if follow_up_date is None or follow_up_date <= today:
            raise ValidationError(
                _("A class-B reply needs the planned date to follow it up, after today.")
            )
    else:
        follow_up_date = None
    letter_type = validate_upload(letter) if letter else ""
    assert s.deadline is not None and s.lead_department is not None  # set on assignment
    reply = SuggestionReply(
        suggestion=s,
        department=s.lead_department,
        round=s.round,
        classification=classification,
        body=body,
        follow_up_date=follow_up_date,
        deadline=s.deadline,
        on_time=today <= s.deadline,
        created_by=actor,
    )
    if letter:
        name = (getattr(letter, "name", "") or "letter").rsplit("/", 1)[-1][-200:]
        reply.letter_name, reply.letter_type = name, letter_type
        reply.letter.save(name, letter, save=False)
    reply.save()
    s.classification, s.replied_at, s.follow_up_date = (
        classification,
        timezone.now(),
        follow_up_date,
    )
    s.evaluation = ""
    _step(
        s,
        "reply",
        actor=actor,
        note=str(Classification(classification).label),
        fields=("classification", "replied_at", "follow_up_date", "evaluation"),
    )
    _tell(
        deputy_users(s) + clerk_users(s.region),
        s,
        _("%(d)s replied to suggestion %(n)s (%(c)s): %(t)s")
        % {"d": s.lead_department.name, "n": s.number_label, "c": classification, "t": s.title},
        f"replied:r{s.round}",
    )
    return reply


def _evaluation_target(s: Suggestion, evaluation: str) -> str:
    """The rule stated on the registry row of "evaluate"."""
    if evaluation == Evaluation.UNSATISFIED:
        return S.HANDLING
    if s.classification == Classification.B:
        return S.FOLLOWING
    return S.CLOSED


@transaction.atomic
def suggestion_evaluate(
    *, actor, suggestion, evaluation: str, comment: str = "", expected_version: int | None = None
) -> Suggestion:
    """The lead deputy evaluates the reply. Unsatisfied sends it back to the department with a
    new limit (SUGGESTION_REDO_LIMIT); otherwise a class-B reply is followed until delivered
    and an A or C reply closes the suggestion."""
    comment = (comment or "").strip()
    s = _begin("evaluate", actor, suggestion, expected_version)
    if evaluation not in Evaluation.values:
        raise ValidationError(_("Choose how satisfied you are with the reply."))
    if evaluation == Evaluation.UNSATISFIED and not comment:
        raise ValidationError(_("Say what is missing, so the department can handle it again."))
    reply = s.replies.select_for_update().get(round=s.round)
    reply.evaluation, reply.evaluation_comment = evaluation, comment
    reply.evaluated_at = timezone.now()
    reply.save(update_fields=["evaluation", "evaluation_comment", "evaluated_at"])
    to = _evaluation_target(s, evaluation)
    if to not in REGISTRY["evaluate"].targets:  # the rule may only pick a declared state
        raise SuggestionError()
    note = str(Evaluation(evaluation).label) + (f": {comment}" if comment else "")
    s.evaluation = evaluation
    fields = ["evaluation"]
    if to == S.HANDLING:
        s.round += 1
        s.deadline = compute_deadline(timezone.localdate(), again=True)
        s.escalation = 0
        s.classification, s.replied_at, s.follow_up_date = "", None, None
        fields += ["round", "deadline", "escalation", "classification", "replied_at"]
        fields += ["follow_up_date"]
    elif to == S.CLOSED:
        s.closed_at = timezone.now()
        fields.append("closed_at")
    _move(s, "evaluate", to, actor=actor, note=note, fields=fields)
    if to == S.HANDLING:
        ids = [s.lead_department_id, *s.assisting_departments.values_list("pk", flat=True)]
        _tell(
            department_users(ids) + clerk_users(s.region),
            s,
            _("The deputy was unsatisfied: handle suggestion %(n)s again by %(d)s: %(t)s")
            % {"n": s.number_label, "d": str(s.deadline), "t": s.title},
            f"again:r{s.round}",
        )
    return s


@transaction.atomic
def suggestion_follow_up(
    *, actor, suggestion, progress: str, follow_up_date: dt.date, expected_version=None
) -> Suggestion:
    """The department reports progress on a class-B plan and sets the next follow-up date."""
    progress = (progress or "").strip()
    s = _begin("follow_up", actor, suggestion, expected_version)
    if not progress:
        raise ValidationError(_("Describe the progress of the plan."))
    if follow_up_date is None or follow_up_date <= timezone.localdate():
        raise ValidationError(_("The next follow-up date must be after today."))
    s.follow_up_date = follow_up_date
    _step(
        s,
        "follow_up",
        actor=actor,
        note=_("%(p)s (next follow-up %(d)s)") % {"p": progress, "d": follow_up_date},
        fields=("follow_up_date",),
        kind=EventKind.PROGRESS,
    )
    return s


@transaction.atomic
def suggestion_fulfil(
    *, actor, suggestion, note: str, expected_version: int | None = None
) -> Suggestion:
    """The planned item of a class-B reply was delivered (兑现): the suggestion closes."""
    note = (note or "").strip()
    s = _begin("fulfil", actor, suggestion, expected_version)
    if not note:
        raise ValidationError(_("Say what was delivered."))
    now = timezone.now()
    s.fulfilled_at = s.closed_at = now
    _step(s, "fulfil", actor=actor, note=note, fields=("fulfilled_at", "closed_at"))
    _tell(
        deputy_users(s),
        s,
        _("The plan promised for suggestion %(n)s was delivered: %(t)s")
        % {"n": s.number_label, "t": s.title},
        "fulfilled",
    )
    return s
