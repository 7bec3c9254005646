"""Every write of the closed loop. Nothing else changes ``Petition.status``.

Each transition: ``@transaction.atomic``, re-read the row with ``select_for_update()``, check
the move against ``TRANSITIONS``, check rights, check the version the user saw, save with
``update_fields``, write a ``PetitionEvent``, queue side effects with ``on_commit``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import notify as notify_mod
from core.pii import hash_id_number, normalize_id_number, validate_id_number
from core.roles import Roles, roles_of
from core.workdays import Calendar

from .attachments import save_attachments
from .choices import ANONYMOUS_CHANNELS, Channel, EventKind, RaterKind, Status
from .models import Petition, PetitionEvent

log = logging.getLogger(__name__)


class PetitionError(Exception):
    """A domain error with a message fit to show to the user."""

    default_message = gettext_lazy("This action is not possible.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class IllegalTransition(PetitionError):
    """The action is not allowed from the case's current status."""

    default_message = gettext_lazy("This action is not possible in the case's current status.")


class StaleCase(PetitionError):
    """The case changed since the user loaded it."""

    default_message = gettext_lazy("This case was changed by someone else; reload the page.")


# ---------------------------------------------------------------------------------------------
# Rights


def can_manage_station(roles: Roles, station) -> bool:
    """Admins and the staff of the station (or of the township station above it)."""
    return (
        roles.is_admin
        or station.pk in roles.staff_station_ids
        or (station.parent_id is not None and station.parent_id in roles.staff_station_ids)
    )


def _staff_users(station):
    User = get_user_model()
    ids = [station.pk] + ([station.parent_id] if station.parent_id else [])
    return User.objects.filter(staff_posts__station_id__in=ids, is_active=True).distinct()


def _deputy_user(deputy):
    if deputy is None or deputy.user_id is None:
        return []
    return [deputy.user]


def _event(
    petition,
    *,
    actor,
    from_status,
    to_status,
    note="",
    kind=EventKind.TRANSITION,
    is_public=True,
    actor_label="",
) -> PetitionEvent:
    if actor is None and not actor_label:
        actor_label = "system"
    return PetitionEvent.objects.create(
        petition=petition,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label,
        from_status=from_status,
        to_status=to_status,
        note=note,
        is_public=is_public,
    )


def _staff_url(petition) -> str:
    return petition.get_absolute_url()


# ---------------------------------------------------------------------------------------------
# Intake


def petition_submit(
    *,
    actor,
    station,
    channel: str,
    title: str,
    content: str,
    deputy=None,
    reception=None,
    constituent_name: str = "",
    phone: str = "",
    address: str = "",
    id_number: str = "",
    is_anonymous: bool = False,
    category=None,
    location_text: str = "",
    consent: bool = False,
    idempotency_key: str | None = None,
    attachments: Iterable = (),
) -> Petition:
    """Record a new petition (status submitted) and tell the constituent its tracking code."""
    if idempotency_key:
        existing = Petition.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if actor is not None and actor.is_authenticated:
        roles = roles_of(actor)
        own_deputy = deputy is not None and roles.deputy_id == deputy.pk
        if not (can_manage_station(roles, station) or own_deputy):
            raise PermissionDenied(_("You cannot record petitions for this station."))
    if is_anonymous and channel not in ANONYMOUS_CHANNELS:
        raise ValidationError(
            _(
                "Anonymous petitions are only accepted through QR codes, online stations and letters."
            )
        )
    if reception is not None and reception.station_id != station.pk:
        raise ValidationError(_("The reception belongs to another station."))
    id_hash = id_last4 = ""
    if id_number and not is_anonymous:
        validate_id_number(id_number)
        id_hash, id_last4 = hash_id_number(id_number), normalize_id_number(id_number)[-4:]
    if is_anonymous:
        constituent_name = phone = address = ""
    attachments = list(attachments)
    if attachments:
        from .attachments import validate_uploads

        validate_uploads(attachments)

    try:
        with transaction.atomic():
            petition = Petition.objects.create(
                channel=channel,
                station=station,
                deputy=deputy,
                reception=reception,
                is_anonymous=is_anonymous,
                constituent_name=constituent_name.strip(),
                phone=phone.strip(),
                address=address.strip(),
                id_hash=id_hash,
                id_last4=id_last4,
                title=title.strip(),
                content=content.strip(),
                category=category,
                location_text=location_text.strip(),
                consent_at=timezone.now() if consent else None,
                idempotency_key=idempotency_key or None,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
            if attachments:
                save_attachments(petition, attachments, user=actor)
            _event(
                petition,
                actor=actor,
                from_status="",
                to_status=Status.SUBMITTED,
                actor_label="" if actor is not None and actor.is_authenticated else "constituent",
            )
            _queue_submitted_notices(petition)
    except IntegrityError:
        # Two requests with the same key raced: the other one won, return its petition.
        if idempotency_key:
            existing = Petition.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    log.info("petition %s submitted via %s at station %s", petition.pk, channel, station.pk)
    return petition


def _queue_submitted_notices(petition: Petition) -> None:
    """Outbox rows in the same transaction; core.notify delivers them after commit."""
    pk, code = petition.pk, petition.display_code
    if petition.phone:
        notify_mod.notify(
            channel="sms",
            address=petition.phone,
            subject=_("Your opinion was received. Tracking code: %(code)s") % {"code": code},
            body=_("Use this code to follow your case on the station's page."),
            dedupe_key=f"petition:{pk}:submitted:sms",
        )
    users = list(_staff_users(petition.station)) + _deputy_user(petition.deputy)
    notify_mod.notify_users(
        _unique(users),
        subject=_("New petition: %(title)s") % {"title": petition.title},
        url=_staff_url(petition),
        dedupe_key=f"petition:{pk}:submitted",
    )


def _unique(users) -> list:
    seen, out = set(), []
    for u in users:
        if u is not None and u.pk not in seen:
            seen.add(u.pk)
            out.append(u)
    return out


# ---------------------------------------------------------------------------------------------
# The state machine

S = Status

# action -> (statuses it may start from, status it leads to; None = the status does not change)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({S.SUBMITTED}), S.ACCEPTED),
    "decline": (frozenset({S.SUBMITTED, S.ACCEPTED, S.TRIAGED}), S.DECLINED),
    "merge": (frozenset({S.SUBMITTED, S.ACCEPTED, S.TRIAGED}), S.MERGED),
    "triage": (frozenset({S.ACCEPTED, S.TRIAGED}), S.TRIAGED),
    "resolve_on_spot": (frozenset({S.TRIAGED}), S.REPLIED),
    "assign": (frozenset({S.TRIAGED}), S.ASSIGNED),
    "receive": (frozenset({S.ASSIGNED}), S.HANDLING),
    "return": (frozenset({S.ASSIGNED, S.HANDLING}), S.TRIAGED),
    "extension_request": (frozenset({S.ASSIGNED, S.HANDLING}), None),
    "extension_decide": (frozenset({S.ASSIGNED, S.HANDLING}), None),
    "reply": (frozenset({S.HANDLING}), S.REPLIED),
    "opinion": (frozenset({S.ASSIGNED, S.HANDLING, S.REPLIED}), None),
    "feedback": (frozenset({S.REPLIED}), S.FEEDBACK_GIVEN),
    # The constituent's rating decides: unsatisfied reopens, anything else closes.
    "rate": (frozenset({S.FEEDBACK_GIVEN}), S.CLOSED),
    # (A case settled on the spot, with no department, reopens to triaged instead.)
    "reopen": (frozenset({S.FEEDBACK_GIVEN}), S.HANDLING),
    # The deputy's rating is recorded next to the constituent's and never moves the case.
    "rate_deputy": (frozenset({S.REPLIED, S.FEEDBACK_GIVEN, S.CLOSED}), None),
    "auto_close": (frozenset({S.FEEDBACK_GIVEN}), S.CLOSED),
}


def allowed_from(action: str, status: str) -> bool:
    return status in TRANSITIONS[action][0]


def _lock(petition, expected_version: int | None = None) -> Petition:
    """Re-read the row under a lock and check the version the user saw."""
    pk = petition.pk if isinstance(petition, Petition) else petition
    locked = Petition.objects.select_for_update().get(pk=pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise StaleCase()
    return locked


def _check(action: str, petition: Petition) -> str:
    """Raise IllegalTransition unless ``action`` may start from the case's status."""
    if petition.status not in TRANSITIONS[action][0]:
        raise IllegalTransition(
            _("“%(action)s” is not possible while the case is “%(status)s”.")
            % {"action": ACTION_LABELS.get(action, action), "status": petition.get_status_display()}
        )
    to = TRANSITIONS[action][1]
    return petition.status if to is None else to


ACTION_LABELS = {
    "accept": gettext_lazy("Accept"),
    "decline": gettext_lazy("Decline"),
    "merge": gettext_lazy("Merge into another case"),
    "triage": gettext_lazy("Triage"),
    "resolve_on_spot": gettext_lazy("Resolve on the spot"),
    "assign": gettext_lazy("Assign"),
    "receive": gettext_lazy("Sign for the case"),
    "return": gettext_lazy("Return the case"),
    "extension_request": gettext_lazy("Ask for an extension"),
    "extension_decide": gettext_lazy("Decide on the extension"),
    "reply": gettext_lazy("Reply"),
    "opinion": gettext_lazy("Add an opinion"),
    "feedback": gettext_lazy("Give feedback"),
    "rate": gettext_lazy("Rate"),
    "reopen": gettext_lazy("Reopen"),
    "rate_deputy": gettext_lazy("Deputy's rating"),
    "auto_close": gettext_lazy("Close without rating"),
}


def _save(petition: Petition, *fields: str) -> None:
    petition.version += 1
    petition.save(update_fields=["version", *fields])


def _move(petition: Petition, to_status: str, *, actor, note: str = "", fields=(), **event_kw):
    from_status = petition.status
    petition.status = to_status
    _save(petition, "status", *fields)
    return _event(
        petition, actor=actor, from_status=from_status, to_status=to_status, note=note, **event_kw
    )


# Rights, one predicate per group of actions (also used by the detail page to offer actions).


def is_station_staff(user, petition: Petition) -> bool:
    return can_manage_station(roles_of(user), petition.station)


def is_petition_deputy(user, petition: Petition) -> bool:
    roles = roles_of(user)
    return roles.is_deputy and petition.deputy_id == roles.deputy_id


def is_lead_handler(user, petition: Petition) -> bool:
    roles = roles_of(user)
    return roles.is_admin or (
        petition.lead_department_id is not None
        and petition.lead_department_id in roles.handler_department_ids
    )


def assisting_department_for(user, petition: Petition):
    """The assisting department this user handles for the case, or None."""
    ids = roles_of(user).handler_department_ids
    if not ids:
        return None
    return petition.assisting_departments.filter(pk__in=ids).first()


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied(_("You may not do this on this case."))


def _notify_station(petition: Petition, subject: str, key: str) -> None:
    notify_mod.notify_users(
        _staff_users(petition.station), subject=subject, url=_staff_url(petition), dedupe_key=key
    )


def department_users(department_ids: Iterable[int]):
    User = get_user_model()
    return User.objects.filter(
        handler_posts__department_id__in=list(department_ids), is_active=True
    ).distinct()


def _notify_departments(
    petition: Petition, subject: str, key: str, *, assisting: bool = True
) -> None:
    ids = [petition.lead_department_id] if petition.lead_department_id else []
    if assisting:
        ids += list(petition.assisting_departments.values_list("pk", flat=True))
    if ids:
        notify_mod.notify_users(
            department_users(ids), subject=subject, url=_staff_url(petition), dedupe_key=key
        )


def _sms_constituent(petition: Petition, subject: str, key: str) -> None:
    if petition.phone:
        notify_mod.notify(
            channel="sms",
            address=petition.phone,
            subject=subject,
            body=_("Tracking code: %(code)s") % {"code": petition.display_code},
            dedupe_key=key,
        )


def reply_days(petition: Petition) -> int:
    """Working days a department has: suggestions get longer, online cases a quick answer."""
    from .choices import Tier

    if petition.tier == Tier.SUGGESTION:
        return settings.REPLY_DAYS_SUGGESTION
    if petition.channel == Channel.ONLINE:
        return settings.REPLY_DAYS_ONLINE
    return settings.REPLY_DAYS_DEFAULT


def compute_deadline(
    petition: Petition, *, start: dt.date | None = None, calendar: Calendar | None = None
) -> dt.date:
    """The reply deadline: ``reply_days`` working days after ``start`` (today)."""
    start = start or timezone.localdate()
    return (calendar or Calendar()).add_working_days(start, reply_days(petition))


# ---- accept / decline / merge -----------------------------------------------------------------


@transaction.atomic
def petition_accept(
    *, actor, petition, note: str = "", expected_version: int | None = None
) -> Petition:
    """The petition's deputy or the station's staff accept it (受理)."""
    p = _lock(petition, expected_version)
    to = _check("accept", p)
    _require(is_station_staff(actor, p) or is_petition_deputy(actor, p))
    p.accepted_at = timezone.now()
    _move(p, to, actor=actor, note=note, fields=("accepted_at",))
    _sms_constituent(p, _("Your opinion was accepted."), f"petition:{p.pk}:accepted:sms")
    if is_petition_deputy(actor, p):
        _notify_station(
            p, _("Accepted by the deputy: %(t)s") % {"t": p.title}, f"petition:{p.pk}:accepted"
        )
    return p


@transaction.atomic
def petition_decline(
    *, actor, petition, reason: str, expected_version: int | None = None
) -> Petition:
    """Decline (不予受理) with a reason the constituent will see."""
    reason = (reason or "").strip()
    p = _lock(petition, expected_version)
    to = _check("decline", p)
    _require(is_station_staff(actor, p) or is_petition_deputy(actor, p))
    if not reason:
        raise ValidationError(_("Give a reason for declining."))
    p.decline_reason = reason
    _move(p, to, actor=actor, note=reason, fields=("decline_reason",))
    _sms_constituent(p, _("Your opinion could not be accepted."), f"petition:{p.pk}:declined:sms")
    return p


@transaction.atomic
def petition_merge(
    *, actor, petition, into, note: str = "", expected_version: int | None = None
) -> Petition:
    """Close a duplicate by merging it into the original case of the same station."""
    pk = petition.pk if isinstance(petition, Petition) else petition
    into_pk = into.pk if isinstance(into, Petition) else into
    if pk == into_pk:
        raise ValidationError(_("A case cannot be merged into itself."))
    # Lock both rows in a fixed order so two merges the other way round cannot deadlock.
    locked = {
        row.pk: row
        for row in Petition.objects.select_for_update()
        .filter(pk__in=sorted([pk, into_pk]))
        .order_by("pk")
    }
    p, original = locked[pk], locked.get(into_pk)
    if expected_version is not None and int(expected_version) != p.version:
        raise StaleCase()
    to = _check("merge", p)
    _require(is_station_staff(actor, p) or is_petition_deputy(actor, p))
    if (
        original is None
        or not Petition.objects.visible_to(actor).filter(pk=into_pk).exists()
        or original.station_id != p.station_id
    ):
        raise ValidationError(_("Choose an existing case of the same station."))
    if original.status in (S.DECLINED, S.MERGED):
        raise ValidationError(
            _("The original case was itself declined or merged; choose the case it went to.")
        )
    p.merged_into = original
    # The original's tracking code is its constituent's credential for the public tracking
    # page: the duplicate's constituent hears only that their opinion joined an existing case;
    # staff find the code in an internal note (and in ``merged_into``).
    _move(
        p,
        to,
        actor=actor,
        note=_("Merged into an existing case at the station, which is already being handled."),
        fields=("merged_into",),
    )
    _event(
        p,
        actor=actor,
        kind=EventKind.NOTE,
        from_status=to,
        to_status=to,
        note=" ".join(
            [_("Merged into case %(code)s.") % {"code": original.display_code}, note.strip()]
        ).strip(),
        is_public=False,
    )
    _event(
        original,
        actor=actor,
        kind=EventKind.MERGED_IN,
        from_status=original.status,
        to_status=original.status,
        note=p.display_code,
        is_public=False,
    )
    _sms_constituent(
        p,
        _(
            "Your opinion was merged into an existing case at the station, which is already "
            "being handled."
        ),
        f"petition:{p.pk}:merged:sms",
    )
    return p


# ---- triage / resolve / assign ----------------------------------------------------------------


@transaction.atomic
def petition_triage(
    *,
    actor,
    petition,
    category,
    urgency: str,
    tier: str,
    note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """Station staff classify the case: category, urgency and tier (小事/大事/难事)."""
    p = _lock(petition, expected_version)
    to = _check("triage", p)
    _require(is_station_staff(actor, p))
    if not tier:
        raise ValidationError(_("Choose a tier."))
    p.category, p.urgency, p.tier = category, urgency, tier
    _move(p, to, actor=actor, note=note, fields=("category", "urgency", "tier"), is_public=False)
    return p


@transaction.atomic
def petition_resolve_on_spot(
    *, actor, petition, resolution: str, expected_version: int | None = None
) -> Petition:
    """A community-tier case settled by the station itself: its resolution is the reply."""
    from .choices import Tier

    resolution = (resolution or "").strip()
    p = _lock(petition, expected_version)
    to = _check("resolve_on_spot", p)
    _require(is_station_staff(actor, p))
    if p.tier != Tier.COMMUNITY:
        raise IllegalTransition(_("Only community-tier cases can be settled on the spot."))
    if not resolution:
        raise ValidationError(_("Write down how the case was settled."))
    p.reply_summary, p.replied_at = resolution, timezone.now()
    _move(p, to, actor=actor, note=resolution, fields=("reply_summary", "replied_at"))
    return p


@transaction.atomic
def petition_assign(
    *,
    actor,
    petition,
    lead_department,
    assisting_departments: Iterable = (),
    deadline: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Petition:
    """Hand the case to a lead department (and assisting ones) with a working-day deadline."""
    from stations.models import Department

    p = _lock(petition, expected_version)
    to = _check("assign", p)
    _require(is_station_staff(actor, p))
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
    p.escalation = 0
    _move(
        p,
        to,
        actor=actor,
        note=note or str(lead_department),
        fields=("lead_department", "assigned_at", "deadline", "escalation"),
    )
    p.assisting_departments.set(assisting)
    _notify_departments(
        p,
        _("New case assigned to you, reply by %(d)s: %(t)s")
        % {"d": deadline.isoformat(), "t": p.title},
        f"petition:{p.pk}:v{p.version}:assigned",
    )
    return p


# ---- department side --------------------------------------------------------------------------


@transaction.atomic
def petition_receive(*, actor, petition, expected_version: int | None = None) -> Petition:
    """The lead department signs for the case (签收): assigned → handling."""
    p = _lock(petition, expected_version)
    to = _check("receive", p)
    _require(is_lead_handler(actor, p))
    _move(p, to, actor=actor)
    return p


@transaction.atomic
def petition_return(
    *, actor, petition, reason: str, expected_version: int | None = None
) -> Petition:
    """The lead department returns a mis-assigned case; the station assigns it again."""
    reason = (reason or "").strip()
    p = _lock(petition, expected_version)
    to = _check("return", p)
    _require(is_lead_handler(actor, p))
    if not reason:
        raise ValidationError(_("Say why the case is returned."))
    department = p.lead_department
    p.lead_department = None
    p.deadline = None
    p.assigned_at = None
    p.escalation = 0
    _move(
        p,
        to,
        actor=actor,
        note=f"{department}: {reason}",
        fields=("lead_department", "deadline", "assigned_at", "escalation"),
        is_public=False,
    )
    p.assisting_departments.clear()
    p.extensions.filter(status="pending").update(status="refused", decision_note=_("Case returned"))
    _notify_station(
        p,
        _("Case returned by %(d)s: %(t)s") % {"d": department, "t": p.title},
        f"petition:{p.pk}:v{p.version}:returned",
    )
    return p


@transaction.atomic
def extension_request(
    *,
    actor,
    petition,
    requested_deadline: dt.date,
    reason: str,
    expected_version: int | None = None,
):
    """The lead department asks the station for a later deadline."""
    from .models import ExtensionRequest

    reason = (reason or "").strip()
    p = _lock(petition, expected_version)
    status = _check("extension_request", p)
    _require(is_lead_handler(actor, p))
    assert p.lead_department is not None  # a case in this state has one
    if not reason:
        raise ValidationError(_("Say why more time is needed."))
    if p.deadline is not None and requested_deadline <= p.deadline:
        raise ValidationError(_("The requested deadline must be later than the current one."))
    if p.extensions.filter(status="pending").exists():
        raise ValidationError(_("An extension request is already waiting for a decision."))
    ext = ExtensionRequest.objects.create(
        petition=p,
        department=p.lead_department,
        requested_deadline=requested_deadline,
        reason=reason,
        requested_by=actor,
    )
    _save(p)
    _event(
        p,
        actor=actor,
        kind=EventKind.EXTENSION_REQUESTED,
        from_status=status,
        to_status=status,
        note=f"{requested_deadline.isoformat()}: {reason}",
        is_public=False,
    )
    _notify_station(
        p, _("Extension requested: %(t)s") % {"t": p.title}, f"petition:{p.pk}:extension:{ext.pk}"
    )
    return ext


@transaction.atomic
def extension_decide(
    *, actor, petition, approve: bool, note: str = "", expected_version: int | None = None
):
    """The station approves (the deadline moves) or refuses the pending extension request."""
    p = _lock(petition, expected_version)
    status = _check("extension_decide", p)
    _require(is_station_staff(actor, p))
    ext = p.extensions.select_for_update().filter(status="pending").first()
    if ext is None:
        raise IllegalTransition(_("There is no extension request waiting for a decision."))
    ext.status = "approved" if approve else "refused"
    ext.decided_by, ext.decided_at, ext.decision_note = actor, timezone.now(), note
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    fields: list[str] = []
    if approve:
        p.deadline = ext.requested_deadline
        # A later deadline lifts supervision that the old deadline caused.
        p.escalation = 0
        fields = ["deadline", "escalation"]
    _save(p, *fields)
    label = (
        _("approved, new deadline %(d)s") % {"d": ext.requested_deadline.isoformat()}
        if approve
        else _("refused")
    )
    _event(
        p,
        actor=actor,
        kind=EventKind.EXTENSION_DECIDED,
        from_status=status,
        to_status=status,
        note=f"{label} {note}".strip(),
        is_public=False,
    )
    _notify_departments(
        p,
        _("Extension %(l)s: %(t)s") % {"l": label, "t": p.title},
        f"petition:{p.pk}:extension:{ext.pk}:decided",
        assisting=False,
    )
    return ext


@transaction.atomic
def petition_reply(
    *, actor, petition, body: str, attachments: Iterable = (), expected_version: int | None = None
) -> Petition:
    """The lead department's reply (答复): handling → replied."""
    from .models import Reply

    body = (body or "").strip()
    p = _lock(petition, expected_version)
    to = _check("reply", p)
    _require(is_lead_handler(actor, p))
    assert p.lead_department is not None  # a case in this state has one
    if not body:
        raise ValidationError(_("Write the reply."))
    reply = Reply.objects.create(
        petition=p,
        department=p.lead_department,
        is_lead=True,
        body=body,
        round=p.reopen_count,
        created_by=actor,
    )
    if attachments:
        save_attachments(p, attachments, user=actor, reply=reply)
    p.reply_summary, p.replied_at = body, timezone.now()
    p.extensions.filter(status="pending").update(status="refused", decision_note=_("Case replied"))
    _move(p, to, actor=actor, fields=("reply_summary", "replied_at"))
    notify_mod.notify_users(
        _unique(list(_staff_users(p.station)) + _deputy_user(p.deputy)),
        subject=_("Department replied: %(t)s") % {"t": p.title},
        url=_staff_url(p),
        dedupe_key=f"petition:{p.pk}:v{p.version}:replied",
    )
    return p


@transaction.atomic
def reply_add_opinion(
    *,
    actor,
    petition,
    body: str,
    department=None,
    attachments: Iterable = (),
    expected_version: int | None = None,
):
    """An assisting department adds its opinion; the status does not change."""
    from .models import Reply

    body = (body or "").strip()
    p = _lock(petition, expected_version)
    status = _check("opinion", p)
    if department is None:
        department = assisting_department_for(actor, p)
    _require(
        department is not None
        and p.assisting_departments.filter(pk=department.pk).exists()
        and (roles_of(actor).is_admin or department.pk in roles_of(actor).handler_department_ids)
    )
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
    _save(p)
    _event(
        p,
        actor=actor,
        kind=EventKind.OPINION,
        from_status=status,
        to_status=status,
        note=str(department),
        is_public=False,
    )
    return reply


# ---- feedback and rating ----------------------------------------------------------------------


@transaction.atomic
def petition_give_feedback(
    *, actor, petition, method: str, note: str = "", expected_version: int | None = None
) -> Petition:
    """Station staff or the deputy tell the constituent the result: replied → feedback_given."""
    p = _lock(petition, expected_version)
    to = _check("feedback", p)
    _require(is_station_staff(actor, p) or is_petition_deputy(actor, p))
    if not method:
        raise ValidationError(_("Choose how the constituent was told."))
    p.feedback_method, p.feedback_at = method, timezone.now()
    _move(p, to, actor=actor, note=note, fields=("feedback_method", "feedback_at"))
    _sms_constituent(
        p,
        _("Your case has been answered. Please rate how it was handled with your tracking code."),
        f"petition:{p.pk}:r{p.reopen_count}:feedback:sms",
    )
    return p


@transaction.atomic
def petition_rate(
    *,
    actor,
    petition,
    rater: str,
    satisfaction: str,
    comment: str = "",
    expected_version: int | None = None,
):
    """Record a rating. The constituent's decides: unsatisfied reopens, otherwise the case closes.

    ``actor`` is None for a constituent rating on the public tracking page (the caller checked
    the tracking code); station staff may also record a rating given by phone. The deputy's
    rating is stored as a Rating and never changes the status.
    """
    from .choices import Satisfaction
    from .models import Rating

    if satisfaction not in Satisfaction.values:
        raise ValidationError(_("Choose a satisfaction level."))
    p = _lock(petition, expected_version)
    if rater == RaterKind.DEPUTY:
        status = _check("rate_deputy", p)
        _require(actor is not None and (is_petition_deputy(actor, p) or roles_of(actor).is_admin))
        if Rating.objects.filter(petition=p, rater=rater, round=p.reopen_count).exists():
            raise IllegalTransition(_("The deputy has already rated this round."))
        rating = Rating.objects.create(
            petition=p,
            rater=rater,
            satisfaction=satisfaction,
            comment=comment,
            round=p.reopen_count,
        )
        _save(p)
        _event(
            p,
            actor=actor,
            kind=EventKind.RATED,
            from_status=status,
            to_status=status,
            note=f"{RaterKind.DEPUTY.label}: {rating.get_satisfaction_display()}",
            is_public=False,
        )
        return p
    if rater != RaterKind.CONSTITUENT:
        raise ValidationError(_("Unknown rater."))
    if actor is not None and actor.is_authenticated:
        _require(is_station_staff(actor, p))
    action = "reopen" if satisfaction == Satisfaction.UNSATISFIED else "rate"
    to = _check(action, p)
    Rating.objects.create(
        petition=p, rater=rater, satisfaction=satisfaction, comment=comment, round=p.reopen_count
    )
    label = "" if actor is not None and actor.is_authenticated else "constituent"
    note = f"{Satisfaction(satisfaction).label}" + (f": {comment}" if comment else "")
    if action == "reopen":
        p.reopen_count += 1
        if p.lead_department_id is None:
            # Settled on the spot by the station, never assigned: no department can handle it
            # again, so it goes back to triage for the station to settle or assign anew.
            to, p.deadline = S.TRIAGED, None
        else:
            p.deadline = compute_deadline(p)
        p.escalation = 0
        p.satisfaction = satisfaction
        p.replied_at = p.feedback_at = None
        p.feedback_method = ""
        _move(
            p,
            to,
            actor=actor,
            note=note,
            actor_label=label,
            fields=(
                "reopen_count",
                "deadline",
                "escalation",
                "satisfaction",
                "replied_at",
                "feedback_at",
                "feedback_method",
            ),
        )
        _notify_departments(
            p,
            _("Reopened after an unsatisfied rating: %(t)s") % {"t": p.title},
            f"petition:{p.pk}:reopened:{p.reopen_count}",
        )
        _notify_station(
            p,
            _("Reopened after an unsatisfied rating: %(t)s") % {"t": p.title},
            f"petition:{p.pk}:reopened:{p.reopen_count}:station",
        )
    else:
        p.satisfaction, p.closed_at = satisfaction, timezone.now()
        _move(
            p, to, actor=actor, note=note, actor_label=label, fields=("satisfaction", "closed_at")
        )
    return p


@transaction.atomic
def petition_auto_close(*, petition) -> Petition | None:
    """Close a case whose constituent did not rate in time (system action); None if not due."""
    p = _lock(petition)
    if not allowed_from("auto_close", p.status):
        return None
    p.closed_at, p.closed_unrated = timezone.now(), True
    _move(
        p,
        S.CLOSED,
        actor=None,
        actor_label="system",
        fields=("closed_at", "closed_unrated"),
        note=_("Closed without a rating"),
    )
    return p


# ---------------------------------------------------------------------------------------------
# What a user may do (used by views to refuse with 403 and by the detail page to offer actions)

_RIGHTS = {
    "accept": lambda u, p: is_station_staff(u, p) or is_petition_deputy(u, p),
    "decline": lambda u, p: is_station_staff(u, p) or is_petition_deputy(u, p),
    "merge": lambda u, p: is_station_staff(u, p) or is_petition_deputy(u, p),
    "triage": is_station_staff,
    "resolve_on_spot": is_station_staff,
    "assign": is_station_staff,
    "extension_decide": is_station_staff,
    "receive": is_lead_handler,
    "return": is_lead_handler,
    "extension_request": is_lead_handler,
    "reply": is_lead_handler,
    "opinion": lambda u, p: assisting_department_for(u, p) is not None,
    "feedback": lambda u, p: is_station_staff(u, p) or is_petition_deputy(u, p),
    "rate_deputy": is_petition_deputy,
}


def may(user, action: str, petition: Petition) -> bool:
    """Whether the user holds the right for the action on this case, whatever its status."""
    check = _RIGHTS.get(action)
    return bool(check and check(user, petition))


def available_actions(user, petition: Petition) -> list[str]:
    """The actions this user can take on the case right now."""
    from .choices import Tier
    from .models import Rating

    actions = []
    for action in _RIGHTS:
        if not (allowed_from(action, petition.status) and may(user, action, petition)):
            continue
        pending = None
        if action in ("extension_request", "extension_decide"):
            pending = petition.extensions.filter(status="pending").exists()
        if action == "extension_request" and pending:
            continue
        if action == "extension_decide" and not pending:
            continue
        if action == "resolve_on_spot" and petition.tier != Tier.COMMUNITY:
            continue
        if (
            action == "rate_deputy"
            and Rating.objects.filter(
                petition=petition, rater=RaterKind.DEPUTY, round=petition.reopen_count
            ).exists()
        ):
            continue
        actions.append(action)
    return actions
