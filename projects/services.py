"""Every write of livelihood projects. Nothing else changes ``Candidate.status`` or
``Cycle.stage``.

Each step: ``@transaction.atomic``, re-read the row with ``select_for_update()``, check the move
with the registry (projects/loop.py), re-check the right of the row, save with
``update_fields``, write a ``ProjectEvent``, queue notices through the outbox (``core.notify``).

Ballots: "each deputy of that region's congress gets a ballot"; one per deputy and cycle (a
database constraint), changeable until the vote closes, every cast and change audited. The
threshold is more than half of ALL deputies of the congress (counted when the vote opens), not
of those who voted: "推进民生实事票决制度" (seed 000).
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core import notify as notify_mod
from core.errors import DomainError, StaleObject
from core.roles import roles_of
from deputies.models import Deputy
from petitions.attachments import checked_upload, validate_uploads
from petitions.models import Petition
from stations.models import ClerkScope, Department
from stations.paths import path_prefixes

from . import rights
from .choices import BallotAction, Choice, EventKind, RaterKind, Rating, Source, Stage, Status
from .loop import CYCLE, REGISTRY
from .models import (
    Ballot,
    BallotAudit,
    BallotMark,
    Candidate,
    Cycle,
    DeputyRating,
    Inspection,
    Milestone,
    ProgressPhoto,
    ProgressReport,
    ProjectEvent,
    PublicRating,
    RatingCode,
)

S = Status
RATING_CODE_MINUTES = 30
RATING_CODE_FAILURES = 5


class ProjectError(DomainError):
    """A rule of livelihood projects refused the action."""


class VoteClosed(ProjectError):
    """The vote is not open (not yet, or any more)."""


class RatingRefused(ProjectError):
    """The constituent's SMS code was wrong, expired or used up, or the phone already rated."""


# ---------------------------------------------------------------------------------------------
# Helpers


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this on this project."))


def _lock(candidate, expected_version: int | None = None) -> Candidate:
    pk = candidate.pk if isinstance(candidate, Candidate) else candidate
    c = Candidate.objects.select_for_update(of=("self",)).select_related("cycle__region").get(pk=pk)
    if expected_version is not None and int(expected_version) != c.version:
        raise StaleObject()
    return c


def _lock_cycle(cycle) -> Cycle:
    pk = cycle.pk if isinstance(cycle, Cycle) else cycle
    return Cycle.objects.select_for_update(of=("self",)).select_related("region").get(pk=pk)


def _begin(action: str, actor, candidate, expected_version: int | None = None) -> Candidate:
    """Lock the row, then check the move and the actor's right, both from the registry row."""
    c = _lock(candidate, expected_version)
    REGISTRY.check(action, c)
    _require(REGISTRY[action].allowed_for(actor, c))
    return c


def _event(c: Candidate, *, actor, action: str, kind=EventKind.TRANSITION, frm="", to="",
           note: str = "", public: bool = False) -> ProjectEvent:  # fmt: skip
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return ProjectEvent.objects.create(
        candidate=c,
        kind=kind,
        action=action,
        actor=actor if authenticated else None,
        from_status=frm,
        to_status=to,
        note=note,
        public=public,
    )


def _move(c: Candidate, action: str, *, actor, note: str = "", fields=()) -> Candidate:
    to = REGISTRY.check(action, c)
    frm = c.status
    c.status = to
    c.version += 1
    c.save(update_fields=["status", "version", *fields])
    # Status changes are public lines of the timeline (without the note, which is internal).
    _event(c, actor=actor, action=action, frm=frm, to=to, note=note, public=True)
    return c


def _touch(c: Candidate, *fields: str) -> None:
    c.version += 1
    c.save(update_fields=["version", *fields])


def clerk_users(region) -> list:
    User = get_user_model()
    ids = ClerkScope.objects.filter(region__path__in=path_prefixes(region.path)).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def department_users(department_ids) -> list:
    User = get_user_model()
    return list(
        User.objects.filter(
            handler_posts__department_id__in=list(department_ids), is_active=True
        ).distinct()
    )


def _tell(users, c: Candidate, subject: str, key: str) -> None:
    notify_mod.notify_users(
        users, subject=subject, url=c.get_absolute_url(), dedupe_key=f"project:{c.pk}:{key}"
    )


def phone_hash(phone: str) -> str:
    return salted_hmac("projects.rating-phone", phone).hexdigest()


# ---------------------------------------------------------------------------------------------
# 征 collect


@transaction.atomic
def cycle_create(*, actor, region, year: int, title: str, call_text: str = "",
                 vote_rule: str, choose_n: int | None = None, vote_opens_at=None,
                 vote_closes_at=None, administrators=()) -> Cycle:  # fmt: skip
    """Open a year's cycle (and its public call) for a region's congress."""
    probe = Cycle(region=region, year=year)
    _require(rights.manages_cycle(actor, probe))
    if vote_rule == "choose_n" and not choose_n:
        raise ValidationError({"choose_n": _("Say how many projects each deputy may choose.")})
    if Cycle.objects.filter(region=region, year=year).exists():
        raise ValidationError(_("This region already has a cycle for %(y)d.") % {"y": year})
    cycle = Cycle.objects.create(
        region=region,
        year=year,
        title=title,
        call_text=call_text,
        vote_rule=vote_rule,
        choose_n=choose_n if vote_rule == "choose_n" else None,
        vote_opens_at=vote_opens_at,
        vote_closes_at=vote_closes_at,
    )
    cycle.vote_administrators.set(list(administrators) or ([actor] if actor else []))
    return cycle


def _check_departments(cycle: Cycle, departments) -> list[Department]:
    departments = list(departments or [])
    bad = [d for d in departments if not d.region.path.startswith(cycle.region.path)]
    if bad:
        raise ValidationError(_("Choose departments of the cycle's region."))
    return departments


@transaction.atomic
def candidate_propose(*, actor, cycle: Cycle, title: str, description: str,
                      estimated_cost: Decimal | None = None, departments=(), petitions=(),
                      station=None) -> Candidate:  # fmt: skip
    """A deputy, station staff or a clerk proposes a candidate while the call is open.

    Station staff may link the cases that motivate it ("站点建账"); those constituents see the
    project's title and status on their tracking page."""
    cycle = _lock_cycle(cycle)
    if cycle.stage != Stage.COLLECTING:
        raise ProjectError(_("The call for candidate projects is closed."))
    _require(rights.may_propose(actor, cycle))
    roles = roles_of(actor)
    petitions = list(petitions or [])
    if petitions:
        visible = set(
            Petition.objects.visible_to(actor)
            .filter(pk__in=[p.pk for p in petitions])
            .values_list("pk", flat=True)
        )
        if any(p.pk not in visible for p in petitions):
            raise PermissionDenied(_("You may link only cases you can see."))
    if rights.sits_in_congress(actor, cycle):
        source = Source.DEPUTY
    elif rights.staff_in_region(actor, cycle):
        source = Source.STATION
    else:
        source = Source.STATION if station else Source.DEPUTY
    c = Candidate.objects.create(
        cycle=cycle,
        title=title,
        description=description,
        estimated_cost=estimated_cost,
        source=source,
        proposed_by=actor,
        proposer_deputy_id=roles.deputy_id if source == Source.DEPUTY else None,
        station=station,
        supporters=1,
    )
    c.departments.set(_check_departments(cycle, departments))
    c.petitions.set(petitions)
    _event(c, actor=actor, action="propose", to=S.PROPOSED, public=False)
    return c


@transaction.atomic
def candidate_propose_public(*, cycle: Cycle, title: str, description: str, name: str = "",
                             phone: str = "") -> Candidate:  # fmt: skip
    """A constituent's proposal through the region's open call (online station)."""
    cycle = _lock_cycle(cycle)
    if cycle.stage != Stage.COLLECTING:
        raise ProjectError(_("The call for candidate projects is closed."))
    c = Candidate.objects.create(
        cycle=cycle,
        title=title,
        description=description,
        source=Source.PUBLIC,
        proposer_name=name,
        proposer_phone=phone,
        supporters=1,
    )
    _event(c, actor=None, action="propose", to=S.PROPOSED)
    clerks = clerk_users(cycle.region)
    _tell(clerks, c, _("A constituent proposed a livelihood project: %(t)s") % {"t": title}, "new")
    return c


# ---------------------------------------------------------------------------------------------
# 选 screen and vote


@transaction.atomic
def candidate_screen(*, actor, candidate, recommendation: str, departments=(),
                     estimated_cost: Decimal | None = None, expected_version=None) -> Candidate:  # fmt: skip
    """Into the reserve list (储备库) with the government side's recommendation."""
    c = _begin("screen", actor, candidate, expected_version)
    if c.cycle.stage != Stage.COLLECTING:
        raise ProjectError(_("The reserve list is fixed once the vote opens."))
    c.recommendation = recommendation
    fields = ["recommendation"]
    if estimated_cost is not None:
        c.estimated_cost = estimated_cost
        fields.append("estimated_cost")
    if departments:
        c.departments.set(_check_departments(c.cycle, departments))
    return _move(c, "screen", actor=actor, note=recommendation, fields=fields)


@transaction.atomic
def candidate_reject(*, actor, candidate, reason: str, expected_version=None) -> Candidate:
    c = _begin("reject", actor, candidate, expected_version)
    c.reject_reason = reason
    return _move(c, "reject", actor=actor, note=reason, fields=["reject_reason"])


@transaction.atomic
def cycle_open_vote(*, actor, cycle) -> Cycle:
    """The session's vote opens: the reserve goes on the ballot; the electorate is counted."""
    cy = _lock_cycle(cycle)
    CYCLE.check("open_vote", cy)
    _require(CYCLE["open_vote"].allowed_for(actor, cy))
    reserve = list(cy.candidates.filter(status=S.RESERVE).select_for_update())
    if not reserve:
        raise ProjectError(_("The reserve list is empty: nothing to vote on."))
    electorate = rights.congress_deputies(cy.region).count()
    if electorate == 0:
        raise ProjectError(_("No deputy sits in this region's congress."))
    if cy.vote_rule == "choose_n" and (cy.choose_n or 0) > len(reserve):
        raise ProjectError(_("The ballot has fewer candidates than the number to choose."))
    for c in reserve:
        _move(c, "ballot", actor=actor)
    cy.stage, cy.electorate = Stage.VOTING, electorate
    if cy.vote_opens_at is None or cy.vote_opens_at > timezone.now():
        cy.vote_opens_at = timezone.now()
    cy.version += 1
    cy.save(update_fields=["stage", "electorate", "vote_opens_at", "version"])
    User = get_user_model()
    voters = User.objects.filter(
        deputy_profile__in=rights.congress_deputies(cy.region), is_active=True
    )
    notify_mod.notify_users(
        voters,
        subject=_("The vote on %(t)s is open") % {"t": cy.title},
        url=_ballot_url(cy),
        dedupe_key=f"cycle:{cy.pk}:vote-open",
    )
    return cy


def _ballot_url(cycle: Cycle) -> str:
    from django.urls import reverse

    return reverse("projects:ballot", args=[cycle.pk])


def vote_is_open(cycle: Cycle, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return cycle.stage == Stage.VOTING and (
        cycle.vote_closes_at is None or now < cycle.vote_closes_at
    )


def _clean_marks(cycle: Cycle, marks: dict[int, str]) -> dict[int, str]:
    on_ballot = set(cycle.candidates.filter(status=S.ON_BALLOT).values_list("pk", flat=True))
    marks = {int(k): v for k, v in marks.items() if v}
    if set(marks) - on_ballot:
        raise ValidationError(_("The ballot names a project that is not on it."))
    if cycle.vote_rule == "choose_n":
        if any(v != Choice.FOR for v in marks.values()):
            raise ValidationError(_("Tick the projects you choose."))
        if len(marks) > (cycle.choose_n or 0):
            raise ValidationError(_("Choose at most %(n)d projects.") % {"n": cycle.choose_n or 0})
        return marks
    if set(marks) != on_ballot:
        raise ValidationError(_("Mark every project: for, against or abstain."))
    if any(v not in Choice.values for v in marks.values()):
        raise ValidationError(_("Mark every project: for, against or abstain."))
    return marks


@transaction.atomic
def ballot_cast(*, actor, cycle, marks: dict[int, str], deputy: Deputy | None = None,
                on_paper: bool = False) -> Ballot:  # fmt: skip
    """Cast (or change, until the vote closes) a deputy's ballot.

    A deputy casts their own by login; the vote administrator records a paper ballot for a
    deputy of the congress. One ballot per deputy and cycle (database constraint); each cast
    and change writes a BallotAudit row."""
    # The cycle's row is locked: a ballot cast while the vote closes waits for the close and is
    # then refused, so the published tally always counts every stored ballot.
    cy = _lock_cycle(cycle)
    if on_paper:
        _require(rights.administers_vote(actor, cy))
        if deputy is None or not rights.congress_deputies(cy.region).filter(pk=deputy.pk).exists():
            raise ValidationError(_("Choose a deputy of this congress."))
    else:
        _require(rights.may_vote(actor, cy))
        deputy = Deputy.objects.get(pk=rights.deputy_id_of(actor))
    if not vote_is_open(cy):
        raise VoteClosed(_("The vote is not open."))
    marks = _clean_marks(cy, marks)
    ballot = Ballot.objects.select_for_update().filter(cycle=cy, deputy=deputy).first()
    action = BallotAction.CHANGED
    if ballot is None:
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    cycle=cy, deputy=deputy, on_paper=on_paper, recorded_by=actor
                )
            action = BallotAction.CAST
        except IntegrityError:  # a second click at the same moment: change the first one
            ballot = Ballot.objects.select_for_update().get(cycle=cy, deputy=deputy)
    ballot.on_paper, ballot.recorded_by = on_paper, actor
    ballot.save(update_fields=["on_paper", "recorded_by", "changed_at"])
    ballot.marks.all().delete()
    BallotMark.objects.bulk_create(
        BallotMark(ballot=ballot, candidate_id=pk, choice=v) for pk, v in sorted(marks.items())
    )
    BallotAudit.objects.create(
        cycle=cy,
        deputy=deputy,
        actor=actor,
        action=action,
        on_paper=on_paper,
        marks={str(k): v for k, v in sorted(marks.items())},
    )
    return ballot


@transaction.atomic
def cycle_close_vote(*, actor, cycle) -> Cycle:
    """Close the vote, compute the tally and the chosen list, and publish the result."""
    from .selectors import tally

    cy = _lock_cycle(cycle)
    CYCLE.check("close_vote", cy)
    _require(CYCLE["close_vote"].allowed_for(actor, cy))
    result = tally(cy)
    for row in result.rows:
        c = _lock(row.candidate)
        c.votes_for, c.votes_against, c.votes_abstain = row.votes_for, row.against, row.abstain
        _move(
            c,
            "choose" if row.chosen else "not_choose",
            actor=actor,
            note=_("%(f)d for, %(a)d against, %(b)d abstaining; %(t)d needed.")
            % {"f": row.votes_for, "a": row.against, "b": row.abstain, "t": result.threshold},
            fields=["votes_for", "votes_against", "votes_abstain"],
        )
    now = timezone.now()
    cy.stage, cy.results_published_at = Stage.IMPLEMENTING, now
    if cy.vote_closes_at is None or cy.vote_closes_at > now:
        cy.vote_closes_at = now
    cy.version += 1
    cy.save(update_fields=["stage", "results_published_at", "vote_closes_at", "version"])
    return cy


# ---------------------------------------------------------------------------------------------
# 督 supervise


@transaction.atomic
def candidate_start(*, actor, candidate, lead_department: Department, supervisors=(),
                    expected_version=None) -> Candidate:  # fmt: skip
    """A chosen project gets its lead department and supervising deputies ("交办")."""
    c = _begin("start", actor, candidate, expected_version)
    _check_departments(c.cycle, [lead_department])
    congress = set(rights.congress_deputies(c.cycle.region).values_list("pk", flat=True))
    supervisors = list(supervisors or [])
    if any(d.pk not in congress for d in supervisors):
        raise ValidationError(_("Supervising deputies must sit in the region's congress."))
    c.lead_department = lead_department
    c.supervisors.set(supervisors)
    c.departments.add(lead_department)
    _move(c, "start", actor=actor, fields=["lead_department"])
    _tell(
        department_users([lead_department.pk]),
        c,
        _("Livelihood project assigned to you: %(t)s") % {"t": c.title},
        "start",
    )
    return c


@transaction.atomic
def milestone_add(
    *, actor, candidate, title: str, due_date: dt.date, expected_version=None
) -> Milestone:
    c = _begin("milestone", actor, candidate, expected_version)
    m = Milestone.objects.create(candidate=c, title=title, due_date=due_date)
    _touch(c)
    _event(c, actor=actor, action="milestone", kind=EventKind.MILESTONE,
           note=f"{title} · {due_date:%Y-%m-%d}", public=True)  # fmt: skip
    return m


@transaction.atomic
def milestone_done(
    *, actor, candidate, milestone: Milestone, done_on: dt.date, expected_version=None
) -> Milestone:
    c = _begin("milestone_done", actor, candidate, expected_version)
    m = Milestone.objects.select_for_update().get(pk=milestone.pk, candidate=c)
    if m.done_on is not None:
        raise ProjectError(_("This milestone is already done."))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    m.done_on = done_on
    m.save(update_fields=["done_on"])
    _touch(c)
    _event(c, actor=actor, action="milestone_done", kind=EventKind.MILESTONE,
           note=_("Done: %(t)s") % {"t": m.title}, public=True)  # fmt: skip
    return m


@transaction.atomic
def progress_report(
    *, actor, candidate, text: str, percent: int, photos=(), expected_version=None
) -> ProgressReport:
    """The lead department's progress report (text shown publicly, percent, photos)."""
    c = _begin("report", actor, candidate, expected_version)
    if not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": _("Between 0 and 100.")})
    report = ProgressReport.objects.create(candidate=c, author=actor, text=text, percent=percent)
    from django.core.files.base import ContentFile

    for f in validate_uploads(photos):
        content_type, stored = checked_upload(f)
        if stored is None or not content_type.startswith("image/"):
            raise ValidationError({"photos": _("Photos only (JPEG, PNG or WebP).")})
        name = (getattr(f, "name", "") or "photo").rsplit("/", 1)[-1][-200:]
        photo = ProgressPhoto(report=report, content_type=content_type, original_name=name)
        photo.file.save(name, ContentFile(stored), save=False)
        photo.save()
    _touch(c)
    _event(c, actor=actor, action="report", kind=EventKind.PROGRESS,
           note=f"{percent}% · {text}", public=True)  # fmt: skip
    return report


@transaction.atomic
def inspection_record(
    *, actor, candidate, visited_on: dt.date, opinion: str, expected_version=None
) -> Inspection:
    """A supervising deputy's inspection (视察) and opinion; the department is told."""
    c = _begin("inspect", actor, candidate, expected_version)
    ins = Inspection.objects.create(
        candidate=c, deputy_id=rights.deputy_id_of(actor), visited_on=visited_on, opinion=opinion
    )
    _touch(c)
    _event(c, actor=actor, action="inspect", kind=EventKind.INSPECTION, note=opinion)
    if c.lead_department_id:
        _tell(department_users([c.lead_department_id]), c,
              _("Deputies inspected %(t)s") % {"t": c.title}, f"inspect:{ins.pk}")  # fmt: skip
    return ins


@transaction.atomic
def candidate_complete(*, actor, candidate, completed_at: dt.date, spent: Decimal | None = None,
                       expected_version=None) -> Candidate:  # fmt: skip
    c = _begin("complete", actor, candidate, expected_version)
    if completed_at > timezone.localdate():
        raise ValidationError({"completed_at": _("The date cannot be in the future.")})
    c.completed_at, c.spent = completed_at, spent
    return _move(c, "complete", actor=actor, fields=["completed_at", "spent"])


# ---------------------------------------------------------------------------------------------
# 评 evaluate


@transaction.atomic
def deputy_rate(*, actor, candidate, rating: str, expected_version=None) -> DeputyRating:
    """A deputy of the congress rates the project at year end (changeable, one per deputy)."""
    c = _begin("rate", actor, candidate, expected_version)
    if rating not in Rating.values:
        raise ValidationError(_("Choose a rating."))
    row, _created = DeputyRating.objects.update_or_create(
        candidate=c, deputy_id=rights.deputy_id_of(actor), defaults={"rating": rating}
    )
    _event(c, actor=actor, action="rate", kind=EventKind.RATED)
    return row


@transaction.atomic
def survey_record(
    *, actor, candidate, phone: str, rating: str, expected_version=None
) -> PublicRating:
    """Staff record a constituent's answer from a survey (one per phone, like online)."""
    c = _begin("survey", actor, candidate, expected_version)
    if rating not in Rating.values:
        raise ValidationError(_("Choose a rating."))
    key = phone_hash(phone)
    if PublicRating.objects.filter(candidate=c, phone_hash=key).exists():
        raise ValidationError(_("This phone number has already rated the project."))
    row = PublicRating.objects.create(
        candidate=c, phone_hash=key, rating=rating, kind=RaterKind.SURVEY, recorded_by=actor
    )
    _event(c, actor=actor, action="survey", kind=EventKind.RATED)
    return row


def _code_hash(candidate_pk: int, phone: str, code: str) -> str:
    return salted_hmac("projects.rating-code", f"{candidate_pk}:{phone}:{code}").hexdigest()


@transaction.atomic
def rating_code_issue(*, candidate, phone: str) -> str:
    """Send a one-time code by SMS to the phone a constituent typed; returns the code.

    The same idea as a case's rating code (petitions), but the phone is the constituent's
    credential here, not a phone stored on a case. One code a minute, five a day per phone."""
    c = _lock(candidate)
    REGISTRY.check("public_rate", c)
    key = phone_hash(phone)
    if PublicRating.objects.filter(candidate=c, phone_hash=key).exists():
        raise RatingRefused(_("This phone number has already rated the project."))
    now = timezone.now()
    recent = RatingCode.objects.filter(
        candidate=c, phone_hash=key, created_at__gte=now - dt.timedelta(days=1)
    )
    if recent.filter(created_at__gte=now - dt.timedelta(minutes=1)).exists() or recent.count() >= 5:
        raise RatingRefused(
            _("A code was sent a moment ago. Please wait before asking for another.")
        )
    code = f"{secrets.randbelow(10**6):06d}"
    row = RatingCode.objects.create(
        candidate=c,
        phone_hash=key,
        code_hash=_code_hash(c.pk, phone, code),
        expires_at=now + dt.timedelta(minutes=RATING_CODE_MINUTES),
    )
    notify_mod.notify(
        channel="sms",
        address=phone,
        subject=_("Your rating code is %(code)s (valid for %(minutes)s minutes).")
        % {"code": code, "minutes": RATING_CODE_MINUTES},
        body=_("Do not share it. It lets you rate a livelihood project."),
        dedupe_key=f"project:{c.pk}:rating-code:{row.pk}",
    )
    return code


def public_rate(*, candidate, phone: str, code: str, rating: str) -> PublicRating:
    """A constituent's rating on the public page, proved by the SMS code; one per phone."""
    if rating not in Rating.values:
        raise ValidationError(_("Choose a rating."))
    failed = False
    try:
        with transaction.atomic():
            c = _lock(candidate)
            REGISTRY.check("public_rate", c)
            key = phone_hash(phone)
            row = (
                RatingCode.objects.select_for_update()
                .filter(
                    candidate=c, phone_hash=key, used_at__isnull=True, expires_at__gt=timezone.now()
                )  # fmt: skip
                .first()
            )
            if row is None or row.failures >= RATING_CODE_FAILURES:
                raise RatingRefused(_("The code has expired or was used. Ask for a new one."))
            if not constant_time_compare(row.code_hash, _code_hash(c.pk, phone, code)):
                failed = True
                raise RatingRefused(_("The code is not right. Please check the SMS."))
            if PublicRating.objects.filter(candidate=c, phone_hash=key).exists():
                raise RatingRefused(_("This phone number has already rated the project."))
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            rated = PublicRating.objects.create(
                candidate=c, phone_hash=key, rating=rating, kind=RaterKind.SMS
            )
            _event(c, actor=None, action="public_rate", kind=EventKind.RATED)
            return rated
    except RatingRefused:
        if failed:
            RatingCode.objects.filter(
                candidate_id=candidate.pk, phone_hash=phone_hash(phone), used_at__isnull=True
            ).update(failures=F("failures") + 1)
        raise


@transaction.atomic
def candidate_carry_over(*, actor, candidate, note: str = "", expected_version=None) -> Candidate:
    """Carry an unsatisfied or unfinished project into next year's cycle of the region (made
    if need be); there it starts again as a proposal, with this note, to be screened anew."""
    c = _begin("carry_over", actor, candidate, expected_version)
    cy = c.cycle
    nxt = Cycle.objects.filter(region=cy.region, year=cy.year + 1).first()
    if nxt is None:
        nxt = Cycle.objects.create(
            region=cy.region,
            year=cy.year + 1,
            title=_("%(y)d livelihood projects") % {"y": cy.year + 1},
            vote_rule=cy.vote_rule,
            choose_n=cy.choose_n,
        )
        nxt.vote_administrators.set(cy.vote_administrators.all())
    if nxt.stage != Stage.COLLECTING:
        raise ProjectError(_("Next year's vote has already opened."))
    _move(c, "carry_over", actor=actor, note=note)
    new = Candidate.objects.create(
        cycle=nxt,
        title=c.title,
        description=c.description,
        estimated_cost=c.estimated_cost,
        source=Source.CARRIED,
        proposed_by=actor,
        carried_from=c,
        supporters=c.supporters,
        recommendation=note,
    )
    new.departments.set(c.departments.all())
    new.petitions.set(c.petitions.all())
    _event(new, actor=actor, action="propose", to=S.PROPOSED,
           note=_("Carried over from %(y)d.") % {"y": cy.year})  # fmt: skip
    return new


@transaction.atomic
def cycle_finish(*, actor, cycle) -> Cycle:
    cy = _lock_cycle(cycle)
    CYCLE.check("finish", cy)
    _require(CYCLE["finish"].allowed_for(actor, cy))
    cy.stage = Stage.EVALUATED
    cy.version += 1
    cy.save(update_fields=["stage", "version"])
    return cy
