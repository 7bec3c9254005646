"""Every write of the closed loop. Nothing else changes ``Petition.status``.

Each step opens with ``_begin(action, …)``: re-read the row with ``select_for_update()``,
check the version the user saw, the move and the right — all three from the action's row in
``petitions/loop.py`` — then save with ``update_fields``, write a ``PetitionEvent`` and queue
side effects (petitions/notices.py) in the same transaction for delivery after commit.

Free text: ``note`` is internal (staff, deputies, departments); ``public_note`` is what the
constituent reads on the tracking page. Only the decline reason, the reply, a message staff
address to the constituent and the constituent's own rating are public.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.pii import hash_id_number, normalize_id_number, validate_id_number
from core.roles import roles_of
from stations.scope import manages_station

from . import notices, rights, supervision
from .attachments import save_attachments, validate_uploads
from .choices import (
    ANONYMOUS_CHANNELS,
    EventKind,
    ExtensionStatus,
    FeedbackMethod,
    RaterKind,
    ReplyOutcome,
    Satisfaction,
    Status,
    Tier,
)
from .deadlines import compute_deadline
from .errors import IllegalTransition, PetitionError, RatingRefused, StaleCase
from .event_notes import system_note
from .loop import LOOP
from .models import (
    CannedReply,
    ExtensionRequest,
    Petition,
    PetitionEvent,
    Rating,
    RatingCode,
    Reply,
)
from .submission import Submission

__all__ = [
    "IllegalTransition",
    "PetitionError",
    "RatingRefused",
    "StaleCase",
    "Submission",
]

log = logging.getLogger(__name__)
S = Status

RATING_CODE_MINUTES = 30
RATING_CODE_FAILURES = 5


# ---------------------------------------------------------------------------------------------
# The frame every step shares


def _event(
    petition: Petition,
    *,
    actor: Any,
    from_status: str,
    to_status: str,
    note: str = "",
    public_note: str = "",
    kind: str = EventKind.TRANSITION,
    is_public: bool = True,
    actor_label: str = "",
) -> PetitionEvent:
    authenticated = actor is not None and actor.is_authenticated
    return PetitionEvent.objects.create(
        petition=petition,
        kind=kind,
        actor=actor if authenticated else None,
        actor_label=actor_label or ("" if authenticated else "system"),
        from_status=from_status,
        to_status=to_status,
        note=(note or "").strip(),
        public_note=(public_note or "").strip(),
        is_public=is_public,
    )


def _lock(petition: Petition | int, expected_version: int | None = None) -> Petition:
    """Re-read the row under a lock and check the version the user saw."""
    pk = petition.pk if isinstance(petition, Petition) else petition
    locked = Petition.objects.select_for_update().select_related("station").get(pk=pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleCase()
    return locked


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied(_("You may not do this on this case."))


def _begin(
    action: str, petition: Petition | int, actor: Any, expected_version: int | None
) -> tuple[Petition, str]:
    """Lock, check the version, the move and the right from the action's row; the target."""
    p = _lock(petition, expected_version)
    to = LOOP.check(action, p)
    row = LOOP[action]
    if row.may is not None:
        _require(row.allowed_for(actor, p))
    return p, to


def _save(petition: Petition, *fields: str) -> None:
    petition.version += 1
    petition.save(update_fields=["version", *fields])
    if "status" in fields or "deadline" in fields:
        # A new deadline starts supervision again (level 0); a status change keeps the level.
        supervision.follow(petition, restart="deadline" in fields)


def _move(
    petition: Petition, to_status: str, *, actor: Any, fields: Iterable[str] = (), **event_kw: Any
) -> PetitionEvent:
    from_status = petition.status
    petition.status = to_status
    _save(petition, "status", *fields)
    return _event(petition, actor=actor, from_status=from_status, to_status=to_status, **event_kw)


def _stay(petition: Petition, *, actor: Any, kind: str, fields: Iterable[str] = (), **event_kw):
    """A step that does not change the status (an opinion, an extension, a rating)."""
    _save(petition, *fields)
    return _event(
        petition,
        actor=actor,
        kind=kind,
        from_status=petition.status,
        to_status=petition.status,
        **event_kw,
    )


# ---------------------------------------------------------------------------------------------
# Intake


def _stored_key(station: Any, key: str) -> str | None:
    """Idempotency keys are scoped to the station: another station's key never matches."""
    if not key:
        return None
    return hashlib.sha256(f"{station.pk}:{key}".encode()).hexdigest()


def petition_submit(*, actor: Any, submission: Submission) -> Petition:
    """Record a new petition (status submitted) and tell the constituent its tracking code.

    A repeated ``idempotency_key`` (a double click, a re-sent form) returns the first petition.
    """
    d = submission
    key = _stored_key(d.station, d.idempotency_key)
    if key:
        existing = Petition.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    if actor is not None and actor.is_authenticated:
        roles = roles_of(actor)
        own_deputy = d.deputy is not None and roles.deputy_id == d.deputy.pk
        if not (rights.may_record_at(actor, d.station) or own_deputy):
            raise PermissionDenied(_("You cannot record petitions for this station."))
    if d.is_anonymous and d.channel not in ANONYMOUS_CHANNELS:
        raise ValidationError(
            _(
                "Anonymous petitions are only accepted through QR codes, online stations and letters."
            )
        )
    if d.reception is not None and d.reception.station_id != d.station.pk:
        raise ValidationError(_("The reception belongs to another station."))
    id_hash = id_last4 = ""
    if d.id_number and not d.is_anonymous:
        validate_id_number(d.id_number)
        id_hash, id_last4 = hash_id_number(d.id_number), normalize_id_number(d.id_number)[-4:]
    name, phone, address = (
        ("", "", "") if d.is_anonymous else (d.constituent_name, d.phone, d.address)
    )
    attachments = list(d.attachments)
    if attachments:
        validate_uploads(attachments)
    try:
        with transaction.atomic():
            petition = Petition.objects.create(
                channel=d.channel,
                station=d.station,
                deputy=d.deputy,
                reception=d.reception,
                is_anonymous=d.is_anonymous,
                constituent_name=name.strip(),
                phone=phone.strip(),
                address=address.strip(),
                id_hash=id_hash,
                id_last4=id_last4,
                title=d.title.strip(),
                content=d.content.strip(),
                category=d.category,
                location_text=d.location_text.strip(),
                consent_at=timezone.now() if d.consent else None,
                idempotency_key=key,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
            if attachments:
                save_attachments(petition, attachments, user=actor)
            if d.via_integration:
                label, note = "integration", _("Via API (%(name)s)") % {"name": d.via_integration}
            elif actor is not None and actor.is_authenticated:
                label, note = "", ""
            else:
                label, note = "constituent", ""
            _event(
                petition,
                actor=actor,
                from_status="",
                to_status=S.SUBMITTED,
                actor_label=label,
                note=note,
            )
            notices.submitted(petition)
    except IntegrityError:
        # Two requests with the same key raced: the other one won, return its petition.
        if key:
            existing = Petition.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing
        raise
    log.info("petition %s submitted via %s at station %s", petition.pk, d.channel, d.station.pk)
    return petition


# ---------------------------------------------------------------------------------------------
# Accept / decline / merge


@transaction.atomic
def petition_accept(
    *,
    actor: Any,
    petition: Petition | int,
    note: str = "",
    public_note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """The petition's deputy or the station's staff accept it (受理)."""
    p, to = _begin("accept", petition, actor, expected_version)
    p.accepted_at = timezone.now()
    _move(p, to, actor=actor, note=note, public_note=public_note, fields=("accepted_at",))
    notices.sms_constituent(p, _("Your opinion was accepted."), f"petition:{p.pk}:accepted:sms")
    if not manages_station(roles_of(actor), p.station):
        notices.tell_station(
            p, _("Accepted by the deputy: %(t)s") % {"t": p.title}, f"petition:{p.pk}:accepted"
        )
    return p


@transaction.atomic
def petition_decline(
    *, actor: Any, petition: Petition | int, reason: str, expected_version: int | None = None
) -> Petition:
    """Decline (不予受理) with a reason the constituent will see."""
    reason = (reason or "").strip()
    p, to = _begin("decline", petition, actor, expected_version)
    if not reason:
        raise ValidationError(_("Give a reason for declining."))
    p.decline_reason = reason
    _move(p, to, actor=actor, public_note=reason, fields=("decline_reason",))
    notices.sms_constituent(
        p, _("Your opinion could not be accepted."), f"petition:{p.pk}:declined:sms"
    )
    return p


@transaction.atomic
def petition_merge(
    *,
    actor: Any,
    petition: Petition | int,
    into: Petition | int,
    note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """Close a duplicate by merging it into the original case: of the same station, or of
    another station in the same street for a user with staff rights on both stations."""
    pk = petition.pk if isinstance(petition, Petition) else petition
    into_pk = into.pk if isinstance(into, Petition) else into
    if pk == into_pk:
        raise ValidationError(_("A case cannot be merged into itself."))
    # Lock both rows in a fixed order so two merges the other way round cannot deadlock.
    locked = {
        row.pk: row
        for row in Petition.objects.select_for_update()
        .select_related("station")
        .filter(pk__in=sorted([pk, into_pk]))
        .order_by("pk")
    }
    p, original = locked[pk], locked.get(into_pk)
    if expected_version is not None and int(expected_version) != p.version:
        raise StaleCase()
    to = LOOP.check("merge", p)
    _require(LOOP["merge"].allowed_for(actor, p))
    if original is None or not Petition.objects.visible_to(actor).filter(pk=into_pk).exists():
        raise ValidationError(_("Choose an existing case of the same station."))
    across = original.station_id != p.station_id
    if across:
        if original.station.region_id != p.station.region_id:
            raise ValidationError(
                _("A case can only be merged into one of a station in the same street.")
            )
        # The row's right covered this case's station; the other station needs one too.
        _require(rights.may_merge_across(actor, p, original))
    if original.status in (S.DECLINED, S.MERGED):
        raise ValidationError(
            _("The original case was itself declined or merged; choose the case it went to.")
        )
    p.merged_into = original
    # The original's tracking code is its constituent's credential for the public tracking
    # page: the duplicate's constituent hears only that their opinion joined an existing case
    # (and keeps following it with their own code); staff find the code in the internal note
    # (and in ``merged_into``). Across stations both timelines name the other station.
    if across:
        merged_note = _("Merged into case %(code)s of %(station)s.") % {
            "code": original.display_code,
            "station": original.station.name,
        }
        public_note = _(
            "Merged into an existing case at %(station)s, which is already being handled."
        ) % {"station": original.station.name}
        merged_in_note = f"{p.display_code} ({p.station.name})"
    else:
        merged_note = _("Merged into case %(code)s.") % {"code": original.display_code}
        public_note = _(
            "Merged into an existing case at the station, which is already being handled."
        )
        merged_in_note = p.display_code
    _move(
        p,
        to,
        actor=actor,
        note=" ".join([merged_note, note.strip()]),
        public_note=public_note,
        fields=("merged_into",),
    )
    _event(
        original,
        actor=actor,
        kind=EventKind.MERGED_IN,
        from_status=original.status,
        to_status=original.status,
        note=merged_in_note,
        is_public=False,
    )
    notices.sms_constituent(
        p,
        _(
            "Your opinion was merged into an existing case at the station, which is already "
            "being handled."
        ),
        f"petition:{p.pk}:merged:sms",
    )
    return p


# ---------------------------------------------------------------------------------------------
# Triage / resolve / assign


@transaction.atomic
def petition_triage(
    *,
    actor: Any,
    petition: Petition | int,
    category: Any,
    urgency: str,
    tier: str,
    note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """Station staff classify the case: category, urgency and tier (小事/大事/难事)."""
    p, to = _begin("triage", petition, actor, expected_version)
    if not tier:
        raise ValidationError(_("Choose a tier."))
    p.category, p.urgency, p.tier = category, urgency, tier
    _move(p, to, actor=actor, note=note, fields=("category", "urgency", "tier"), is_public=False)
    return p


@transaction.atomic
def petition_resolve_on_spot(
    *,
    actor: Any,
    petition: Petition | int,
    resolution: str,
    expected_version: int | None = None,
) -> Petition:
    """A community-tier case settled by the station itself: its resolution is the reply."""
    resolution = (resolution or "").strip()
    p, to = _begin("resolve_on_spot", petition, actor, expected_version)
    if p.tier != Tier.COMMUNITY:
        raise IllegalTransition(_("Only community-tier cases can be settled on the spot."))
    if not resolution:
        raise ValidationError(_("Write down how the case was settled."))
    p.reply_summary, p.replied_at = resolution, timezone.now()
    _move(p, to, actor=actor, fields=("reply_summary", "replied_at"))
    return p


@transaction.atomic
def petition_assign(
    *,
    actor: Any,
    petition: Petition | int,
    lead_department: Any,
    assisting_departments: Iterable[Any] = (),
    deadline: dt.date | None = None,
    note: str = "",
    public_note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """Hand the case to a lead department (and assisting ones) with a working-day deadline."""
    from stations.models import Department

    p, to = _begin("assign", petition, actor, expected_version)
    allowed = Department.objects.visible_to(actor).active()
    assisting = [d for d in assisting_departments if d.pk != lead_department.pk]
    ids = {lead_department.pk, *(d.pk for d in assisting)}
    if allowed.filter(pk__in=ids).count() != len(ids):
        raise ValidationError(_("Choose active departments you may assign cases to."))
    today = timezone.localdate()
    if deadline is None:
        deadline = compute_deadline(p, start=today)
    elif deadline < today:
        raise ValidationError(_("The deadline cannot be in the past."))
    p.lead_department = lead_department
    p.assigned_at = timezone.now()
    p.deadline = deadline
    _move(
        p,
        to,
        actor=actor,
        note=" ".join([str(lead_department), note.strip()]),
        public_note=public_note,
        fields=("lead_department", "assigned_at", "deadline"),
    )
    p.assisting_departments.set(assisting)
    notices.tell_departments(
        p,
        _("New case assigned to you, reply by %(d)s: %(t)s")
        % {"d": deadline.isoformat(), "t": p.title},
        f"petition:{p.pk}:v{p.version}:assigned",
    )
    return p


@transaction.atomic
def petition_route(
    *,
    actor: Any,
    petition: Petition | int,
    category: Any,
    note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """A deputy with the direct routing right hands the case to the department its routing
    rule names (代表可直接在平台将问题提交给有关部门办理): accepted and triaged on the way,
    assigned with the rule's assisting departments and deadline."""
    from .routing.rules import match, rule_deadline

    p, to = _begin("route", petition, actor, expected_version)
    p.category = category
    rule = match(p)
    if rule is None:
        raise ValidationError(
            _("No routing rule covers this category here: the station will assign the case.")
        )
    now = timezone.now()
    if p.accepted_at is None:
        p.accepted_at = now
    p.tier = p.tier or Tier.STREET
    p.lead_department = rule.lead_department
    p.assigned_at = now
    p.deadline = rule_deadline(p, rule)
    _move(
        p,
        to,
        actor=actor,
        note=" ".join(
            x
            for x in (
                _("Handed by the deputy to %(d)s (routing rule: %(r)s)")
                % {"d": rule.lead_department, "r": rule},
                note.strip(),
            )
            if x
        ),
        fields=(
            "category",
            "accepted_at",
            "tier",
            "lead_department",
            "assigned_at",
            "deadline",
        ),
    )
    p.assisting_departments.set(
        [d for d in rule.assisting_departments.all() if d.pk != rule.lead_department_id]
    )
    notices.tell_departments(
        p,
        _("New case assigned to you, reply by %(d)s: %(t)s")
        % {"d": p.deadline.isoformat(), "t": p.title},
        f"petition:{p.pk}:v{p.version}:assigned",
    )
    notices.tell_station(
        p,
        _("A deputy handed a case to %(d)s: %(t)s") % {"d": rule.lead_department, "t": p.title},
        f"petition:{p.pk}:v{p.version}:routed",
    )
    return p


# ---------------------------------------------------------------------------------------------
# Department side


@transaction.atomic
def petition_receive(
    *, actor: Any, petition: Petition | int, expected_version: int | None = None
) -> Petition:
    """The lead department signs for the case (签收): assigned → handling."""
    p, to = _begin("receive", petition, actor, expected_version)
    _move(p, to, actor=actor)
    return p


@transaction.atomic
def petition_return(
    *, actor: Any, petition: Petition | int, reason: str, expected_version: int | None = None
) -> Petition:
    """The lead department returns a mis-assigned case; the station assigns it again."""
    reason = (reason or "").strip()
    p, to = _begin("return", petition, actor, expected_version)
    if not reason:
        raise ValidationError(_("Say why the case is returned."))
    department = p.lead_department
    p.lead_department = None
    p.deadline = None
    p.assigned_at = None
    _move(
        p,
        to,
        actor=actor,
        note=f"{department}: {reason}",
        fields=("lead_department", "deadline", "assigned_at"),
        is_public=False,
    )
    p.assisting_departments.clear()
    p.extensions.filter(status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REFUSED, decision_note=_("Case returned")
    )
    notices.tell_station(
        p,
        _("Case returned by %(d)s: %(t)s") % {"d": department, "t": p.title},
        f"petition:{p.pk}:v{p.version}:returned",
    )
    return p


@transaction.atomic
def extension_request(
    *,
    actor: Any,
    petition: Petition | int,
    requested_deadline: dt.date,
    reason: str,
    expected_version: int | None = None,
) -> ExtensionRequest:
    """The lead department asks the station for a later deadline."""
    reason = (reason or "").strip()
    p, _status = _begin("extension_request", petition, actor, expected_version)
    if not reason:
        raise ValidationError(_("Say why more time is needed."))
    if p.deadline is not None and requested_deadline <= p.deadline:
        raise ValidationError(_("The requested deadline must be later than the current one."))
    if p.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError(_("An extension request is already waiting for a decision."))
    # Every status an extension starts from has a lead department (loop invariant).
    assert p.lead_department is not None
    ext = ExtensionRequest.objects.create(
        petition=p,
        department=p.lead_department,
        requested_deadline=requested_deadline,
        reason=reason,
        requested_by=actor,
    )
    _stay(
        p,
        actor=actor,
        kind=EventKind.EXTENSION_REQUESTED,
        note=f"{requested_deadline.isoformat()}: {reason}",
        is_public=False,
    )
    notices.tell_station(
        p, _("Extension requested: %(t)s") % {"t": p.title}, f"petition:{p.pk}:extension:{ext.pk}"
    )
    return ext


@transaction.atomic
def extension_decide(
    *,
    actor: Any,
    petition: Petition | int,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
) -> ExtensionRequest:
    """The station approves (the deadline moves) or refuses the pending extension request."""
    p, _status = _begin("extension_decide", petition, actor, expected_version)
    ext = p.extensions.select_for_update().filter(status=ExtensionStatus.PENDING).first()
    if ext is None:
        raise IllegalTransition(_("There is no extension request waiting for a decision."))
    ext.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    ext.decided_by, ext.decided_at, ext.decision_note = actor, timezone.now(), note
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    fields: list[str] = []
    if approve:
        p.deadline = ext.requested_deadline
        # A later deadline lifts supervision that the old deadline caused (supervision.follow).
        fields = ["deadline"]
    label = (
        _("approved, new deadline %(d)s") % {"d": ext.requested_deadline.isoformat()}
        if approve
        else _("refused")
    )
    _stay(
        p,
        actor=actor,
        kind=EventKind.EXTENSION_DECIDED,
        fields=fields,
        note=f"{label} {note}",
        is_public=False,
    )
    notices.tell_departments(
        p,
        _("Extension %(l)s: %(t)s") % {"l": label, "t": p.title},
        f"petition:{p.pk}:extension:{ext.pk}:decided",
        assisting=False,
    )
    return ext


@transaction.atomic
def petition_reply(
    *,
    actor: Any,
    petition: Petition | int,
    body: str,
    outcome: str = "",
    attachments: Iterable[Any] = (),
    expected_version: int | None = None,
) -> Petition:
    """The lead department's reply (答复): handling → replied. The reply is for the constituent;
    ``outcome`` says what it achieved (solved, partly, explained, planned)."""
    body = (body or "").strip()
    p, to = _begin("reply", petition, actor, expected_version)
    if not body:
        raise ValidationError(_("Write the reply."))
    if outcome and outcome not in ReplyOutcome.values:
        raise ValidationError(_("Choose what the reply achieved."))
    assert p.lead_department is not None  # handling always has a lead department
    reply = Reply.objects.create(
        petition=p,
        department=p.lead_department,
        is_lead=True,
        body=body,
        outcome=outcome,
        round=p.reopen_count,
        created_by=actor,
    )
    if attachments:
        save_attachments(p, attachments, user=actor, reply=reply)
    p.reply_summary, p.replied_at = body, timezone.now()
    p.extensions.filter(status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REFUSED, decision_note=_("Case replied")
    )
    _move(p, to, actor=actor, fields=("reply_summary", "replied_at"))
    notices.tell_station(
        p,
        _("Department replied: %(t)s") % {"t": p.title},
        f"petition:{p.pk}:v{p.version}:replied",
        with_deputy=True,
    )
    return p


@transaction.atomic
def reply_add_opinion(
    *,
    actor: Any,
    petition: Petition | int,
    body: str,
    attachments: Iterable[Any] = (),
    expected_version: int | None = None,
) -> Reply:
    """An assisting department adds its opinion; the status does not change."""
    from .rights import assisting_department_for

    body = (body or "").strip()
    p, _status = _begin("opinion", petition, actor, expected_version)
    department = assisting_department_for(actor, p)
    _require(department is not None)
    if not body:
        raise ValidationError(_("Write the opinion."))
    reply = Reply.objects.create(
        petition=p,
        department=department,
        is_lead=False,
        body=body,
        round=p.reopen_count,
        created_by=actor,
    )
    if attachments:
        save_attachments(p, attachments, user=actor, reply=reply)
    _stay(p, actor=actor, kind=EventKind.OPINION, note=str(department), is_public=False)
    return reply


# ---------------------------------------------------------------------------------------------
# Feedback and ratings


@transaction.atomic
def petition_give_feedback(
    *,
    actor: Any,
    petition: Petition | int,
    method: str,
    note: str = "",
    public_note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """Station staff or the deputy tell the constituent the result: replied → feedback_given."""
    p, to = _begin("feedback", petition, actor, expected_version)
    if method not in FeedbackMethod.values:
        raise ValidationError(_("Choose how the constituent was told."))
    p.feedback_method, p.feedback_at = method, timezone.now()
    _move(
        p,
        to,
        actor=actor,
        note=note,
        public_note=public_note,
        fields=("feedback_method", "feedback_at"),
    )
    notices.sms_constituent(
        p,
        _("Your case has been answered. Please rate how it was handled on the tracking page."),
        f"petition:{p.pk}:r{p.reopen_count}:feedback:sms",
    )
    return p


def _check_satisfaction(satisfaction: str) -> None:
    if satisfaction not in Satisfaction.values:
        raise ValidationError(_("Choose a satisfaction level."))


def _apply_constituent_rating(
    p: Petition,
    to: str,
    *,
    satisfaction: str,
    comment: str,
    actor: Any = None,
    method: str = "",
    asked_on: dt.date | None = None,
    by_deputies: bool = False,
) -> Petition:
    """The constituent's rating decides (loop.RATING_RULE): close, or reopen the case.

    ``by_deputies``: the deputies who raised the case at a themed meeting rated it on their own
    accounts (the actor is the deputy whose rating decided), not staff on their behalf."""
    if Rating.objects.filter(
        petition=p, rater=RaterKind.CONSTITUENT, round=p.reopen_count
    ).exists():
        raise IllegalTransition(_("This round has already been rated."))
    by_staff = actor is not None and actor.is_authenticated and not by_deputies
    Rating.objects.create(
        petition=p,
        rater=RaterKind.CONSTITUENT,
        satisfaction=satisfaction,
        comment=comment,
        round=p.reopen_count,
        recorded_by=actor if by_staff else None,
        method=method,
        asked_on=asked_on if by_staff else None,
    )
    # Stored as keys, shown in the reader's language (petitions/event_notes.py).
    if by_deputies:
        # The deputies' words stay internal; the public page shows the level only.
        event_kw: dict[str, Any] = {
            "actor": actor,
            "note": system_note(
                "rated_by_deputies", satisfaction=satisfaction, comment=comment.strip()
            ),
            "public_note": system_note("rated_by_deputies", satisfaction=satisfaction),
        }
    elif by_staff:
        # Written by staff: the timeline says so, and the staff member's wording stays internal.
        event_kw = {
            "actor": actor,
            "note": system_note(
                "recorded_by_staff",
                method=method,
                comment=comment.strip(),
                who=str(actor),
                day=asked_on.isoformat() if asked_on else "",
            ),
            "public_note": system_note("recorded_by_station", satisfaction=satisfaction),
        }
    else:
        event_kw = {
            "actor": None,
            "actor_label": "constituent",
            "public_note": system_note(
                "rated_by_constituent", satisfaction=satisfaction, comment=comment.strip()
            ),
        }
    if satisfaction == Satisfaction.UNSATISFIED:
        p.reopen_count += 1
        if p.lead_department_id is None:
            # Settled on the spot by the station, never assigned: no department can handle it
            # again, so it goes back to triage for the station to settle or assign anew.
            to, p.deadline = S.TRIAGED, None
        else:
            to, p.deadline = S.HANDLING, compute_deadline(p)
        p.satisfaction = satisfaction
        p.replied_at = p.feedback_at = None
        p.feedback_method = ""
        _move(
            p,
            to,
            fields=(
                "reopen_count",
                "deadline",
                "satisfaction",
                "replied_at",
                "feedback_at",
                "feedback_method",
            ),
            **event_kw,
        )
        subject = _("Reopened after an unsatisfied rating: %(t)s") % {"t": p.title}
        notices.tell_departments(p, subject, f"petition:{p.pk}:reopened:{p.reopen_count}")
        notices.tell_station(p, subject, f"petition:{p.pk}:reopened:{p.reopen_count}:station")
    else:
        p.satisfaction, p.closed_at = satisfaction, timezone.now()
        _move(p, to, fields=("satisfaction", "closed_at"), **event_kw)
    return p


@transaction.atomic
def petition_record_rating(
    *,
    actor: Any,
    petition: Petition | int,
    satisfaction: str,
    method: str,
    comment: str = "",
    asked_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Petition:
    """Staff record the rating a constituent gave on the phone or at a visit (电话回访): who
    asked (the staff member), how and on which day. Anonymous submitters, who cannot rate
    online, are rated this way too."""
    _check_satisfaction(satisfaction)
    if method not in FeedbackMethod.values:
        raise ValidationError(_("Say how the constituent was asked."))
    today = timezone.localdate()
    asked_on = asked_on or today
    if asked_on > today:
        raise ValidationError(_("The day the constituent was asked cannot be in the future."))
    p, to = _begin("record_rating", petition, actor, expected_version)
    if p.feedback_at is not None and asked_on < timezone.localtime(p.feedback_at).date():
        raise ValidationError(_("The constituent cannot have been asked before the feedback."))
    return _apply_constituent_rating(
        p,
        to,
        satisfaction=satisfaction,
        comment=comment,
        actor=actor,
        method=method,
        asked_on=asked_on,
    )


@transaction.atomic
def petition_rate_by_deputies(
    *, actor: Any, petition: Petition | int, satisfaction: str, comment: str = ""
) -> Petition:
    """The deputies of a themed meeting rated the department's answer on their own accounts
    (ties.services.meeting_item_rate decides when, and checks they are the meeting's deputies):
    recorded as the case's rating, deciding like the constituent's (loop.RATING_RULE)."""
    _check_satisfaction(satisfaction)
    p, to = _begin("rate_by_deputies", petition, actor, None)
    return _apply_constituent_rating(
        p,
        to,
        satisfaction=satisfaction,
        comment=comment,
        actor=actor,
        method=FeedbackMethod.IN_PERSON,
        by_deputies=True,
    )


@transaction.atomic
def petition_rate_deputy(
    *,
    actor: Any,
    petition: Petition | int,
    satisfaction: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Petition:
    """The case's deputy rates the handling; recorded beside the constituent's, never moves it."""
    _check_satisfaction(satisfaction)
    p, _status = _begin("rate_deputy", petition, actor, expected_version)
    if Rating.objects.filter(petition=p, rater=RaterKind.DEPUTY, round=p.reopen_count).exists():
        raise IllegalTransition(_("The deputy has already rated this round."))
    rating = Rating.objects.create(
        petition=p,
        rater=RaterKind.DEPUTY,
        satisfaction=satisfaction,
        comment=comment,
        round=p.reopen_count,
    )
    _stay(
        p,
        actor=actor,
        kind=EventKind.RATED,
        note=system_note("rated", rater=RaterKind.DEPUTY, satisfaction=rating.satisfaction),
        is_public=False,
    )
    return p


def _code_hash(petition_pk: int, code: str) -> str:
    return salted_hmac("petitions.rating-code", f"{petition_pk}:{code}").hexdigest()


class RatingCodeThrottled(RatingRefused):
    """A code was sent a moment ago, or too many today."""


@transaction.atomic
def rating_code_issue(*, petition: Petition | int) -> str:
    """Send a one-time rating code by SMS to the case's registered phone; returns the code.

    The code is the credential for rating online: the tracking code (printed on the receipt)
    and the phone's last digits (shown masked on it) are not. One code a minute, five a day.
    """
    p = _lock(petition)
    if not p.phone:
        raise RatingRefused(_("No phone number is registered on this case."))
    LOOP.check("rate", p)
    now = timezone.now()
    recent = p.rating_codes.filter(created_at__gte=now - dt.timedelta(days=1))
    just_sent = recent.filter(created_at__gte=now - dt.timedelta(minutes=1), used_at__isnull=True)
    if just_sent.exists() or recent.count() >= 5:
        raise RatingCodeThrottled(
            _("A code was sent a moment ago. Please wait before asking for another.")
        )
    code = f"{secrets.randbelow(10**6):06d}"
    row = RatingCode.objects.create(
        petition=p,
        code_hash=_code_hash(p.pk, code),
        expires_at=now + dt.timedelta(minutes=RATING_CODE_MINUTES),
    )
    from core import notify

    notify.notify(
        channel="sms",
        address=p.phone,
        subject=_("Your rating code is %(code)s (valid for %(minutes)s minutes).")
        % {"code": code, "minutes": RATING_CODE_MINUTES},
        body=_("Do not share it. It lets you rate how your case was handled."),
        dedupe_key=f"petition:{p.pk}:rating-code:{row.pk}",
    )
    return code


def petition_rate_by_constituent(
    *, tracking_code: str, rating_code: str, satisfaction: str, comment: str = ""
) -> Petition:
    """The constituent's own rating on the tracking page, proved by the one-time rating code.

    A wrong code counts against the code (five wrong tries void it) and is remembered even
    though the rating itself is refused.
    """
    _check_satisfaction(satisfaction)
    failed = False
    try:
        with transaction.atomic():
            found = Petition.objects.filter(tracking_code=tracking_code).first()
            if found is None:
                raise RatingRefused(_("No case has this tracking code."))
            p = _lock(found)
            to = LOOP.check("rate", p)
            row = (
                p.rating_codes.select_for_update()
                .filter(used_at__isnull=True, expires_at__gt=timezone.now())
                .first()
            )
            if row is None or row.failures >= RATING_CODE_FAILURES:
                raise RatingRefused(_("The code has expired or was used. Ask for a new one."))
            if not constant_time_compare(
                row.code_hash, _code_hash(p.pk, (rating_code or "").strip())
            ):
                failed = True
                raise RatingRefused(_("This is not the code we sent. Please check the SMS."))
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            return _apply_constituent_rating(p, to, satisfaction=satisfaction, comment=comment)
    except RatingRefused:
        if failed:
            # Count the miss outside the rolled-back transaction.
            RatingCode.objects.filter(
                petition__tracking_code=tracking_code, used_at__isnull=True
            ).update(failures=F("failures") + 1)
        raise


@transaction.atomic
def petition_auto_close(*, petition: Petition | int) -> Petition | None:
    """Close a case whose constituent did not rate in time (system action); None if not due."""
    p = _lock(petition)
    if not LOOP["auto_close"].starts_from(p.status):
        return None
    p.closed_at, p.closed_unrated = timezone.now(), True
    _move(
        p,
        S.CLOSED,
        actor=None,
        actor_label="system",
        fields=("closed_at", "closed_unrated"),
        note=system_note("closed_unrated"),
    )
    return p


def petition_with_key(station: Any, key: str) -> Petition | None:
    """The petition this station already recorded under ``key`` (a re-sent form), if any."""
    stored = _stored_key(station, key)
    return Petition.objects.filter(idempotency_key=stored).first() if stored else None


# ---------------------------------------------------------------------------------------------
# Canned replies: kept by each department's handlers


def _require_department_handler(actor: Any, department_id: int) -> None:
    _require(department_id in roles_of(actor).handler_department_ids)


@transaction.atomic
def canned_reply_create(
    *, actor: Any, department: Any, title: str, body: str, outcome: str = ""
) -> CannedReply:
    """A handler adds a reply text to their department's list."""
    _require_department_handler(actor, department.pk)
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise ValidationError(_("Give the canned reply a title and a text."))
    if outcome and outcome not in ReplyOutcome.values:
        raise ValidationError(_("Choose what the reply achieved."))
    return CannedReply.objects.create(
        department=department, title=title, body=body, outcome=outcome, created_by=actor
    )


@transaction.atomic
def canned_reply_delete(*, actor: Any, canned: CannedReply | int) -> None:
    """A handler removes a reply text of their department."""
    pk = canned.pk if isinstance(canned, CannedReply) else canned
    row = CannedReply.objects.select_for_update().get(pk=pk)
    _require_department_handler(actor, row.department_id)
    row.delete()
