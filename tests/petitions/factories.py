"""Petitions in a given status, walked there through the services so events exist."""

from __future__ import annotations

from petitions import services
from petitions.choices import Channel, FeedbackMethod, Status, Tier, Urgency
from petitions.models import Category, Petition, Reception
from petitions.submission import Submission

STEPS = [
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.TRIAGED,
    Status.ASSIGNED,
    Status.HANDLING,
    Status.REPLIED,
    Status.FEEDBACK_GIVEN,
    Status.CLOSED,
]


def category() -> Category:
    return Category.objects.order_by("pk").first() or Category.objects.create(name="城乡建设")


def make_reception(world, **kw) -> Reception:
    from django.utils import timezone

    reception = Reception.objects.create(
        station=kw.pop("station", world.station_a), held_at=kw.pop("held_at", timezone.now()), **kw
    )
    reception.deputies.add(world.deputy_dave)
    return reception


def make_petition(
    world, status: str = Status.ASSIGNED, *, tier: str = Tier.STREET, assisting=(), **kw
) -> Petition:
    """A petition at station A (deputy 戴伟) taken to ``status`` by the real services.

    From assigned on, the lead department is world.department.
    """
    staff, handler = world.user("staff"), world.user("handler")
    data = dict(
        station=world.station_a,
        channel=Channel.PHONE,
        deputy=world.deputy_dave,
        title="小区加装电梯",
        content="老旧小区六层无电梯，老人上下楼困难。",
        constituent_name="王芳",
        phone="13812345678",
        address="新兴街道幸福小区3幢",
    )
    data.update(kw)
    p = services.petition_submit(actor=staff, submission=Submission(**data))
    if status == Status.SUBMITTED:
        return p
    target = STEPS.index(status) if status in STEPS else None
    if status in (Status.DECLINED, Status.MERGED):
        if status == Status.DECLINED:
            return services.petition_decline(actor=staff, petition=p, reason="不属于受理范围")
        original = make_petition(world, Status.ACCEPTED)
        return services.petition_merge(actor=staff, petition=p, into=original)
    p = services.petition_accept(actor=staff, petition=p)
    if target <= 1:
        return p
    p = services.petition_triage(
        actor=staff, petition=p, category=category(), urgency=Urgency.NORMAL, tier=tier
    )
    if target <= 2:
        return p
    p = services.petition_assign(
        actor=staff,
        petition=p,
        lead_department=world.department,
        assisting_departments=list(assisting),
    )
    if target <= 3:
        return p
    p = services.petition_receive(actor=handler, petition=p)
    if target <= 4:
        return p
    p = services.petition_reply(actor=handler, petition=p, body="已协调加装电梯，预计年内完工。")
    if target <= 5:
        return p
    p = services.petition_give_feedback(actor=staff, petition=p, method=FeedbackMethod.PHONE)
    if target <= 6:
        return p
    return rate_as_constituent(p, "satisfied")


def rate_as_constituent(p: Petition, satisfaction: str, comment: str = "") -> Petition:
    """Rate the way a constituent does: ask for the SMS code, then rate with it."""
    if not p.phone:
        Petition.objects.filter(pk=p.pk).update(phone="13800138000")
    code = services.rating_code_issue(petition=p)
    return services.petition_rate_by_constituent(
        tracking_code=p.tracking_code, rating_code=code, satisfaction=satisfaction, comment=comment
    )


def set_deadline(p: Petition, deadline, *, level: int | None = None) -> Petition:
    """Move a case's deadline behind the services' back (a test set-up), with its supervision
    row, and optionally the escalation level it has already reached."""
    from petitions.models import Supervision
    from petitions.supervision import follow

    Petition.objects.filter(pk=p.pk).update(deadline=deadline)
    p = Petition.objects.get(pk=p.pk)
    follow(p, restart=False)
    if level is not None:
        Supervision.objects.update_or_create(petition_id=p.pk, defaults={"level": level})
    return Petition.objects.get(pk=p.pk)
