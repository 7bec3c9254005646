"""Deputies' standing ties with constituents: pairing (结对), contacts, grids (网格),
report-back sessions (述职) and appointments (约访)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.codes import random_code
from core.pii import mask_phone
from deputies.choices import DeputyLevel
from deputies.models import Deputy
from petitions.choices import Satisfaction
from petitions.models import Petition
from stations.models import Region, Station

from .choices import AppointmentStatus, ContactKind, ReportForm
from .querysets import (
    AppointmentQuerySet,
    CommitteeLinkQuerySet,
    DistrictQuerySet,
    GridQuerySet,
    PairQuerySet,
    ReportBackQuerySet,
    StationScopedQuerySet,
)


class ConstituentPair(models.Model):
    """A constituent a deputy is paired with (结对): "为20名区人大代表结对选民120名" (seed 001).

    The phone is personal data: shown masked, in full only through a recorded "show"
    (core.reveal). The name is published on the station page (五公开: 结对名单) — the consent
    recorded here covers that."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="pairs", verbose_name=_("deputy")
    )
    name = models.CharField(_("name"), max_length=32)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    consent_on = models.DateField(
        _("consent given on"),
        help_text=_("The day the constituent agreed to be paired and listed by name."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        ordering = ["deputy", "name"]
        verbose_name = _("paired constituent")
        verbose_name_plural = _("paired constituents")

    def __str__(self) -> str:
        return f"{self.deputy} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("ties:pair_detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Contact(models.Model):
    """A deputy's contact with a paired constituent (visit, phone, WeChat).

    ``note`` is internal (the deputy and station staff); ``opinion`` is what the constituent
    raised, which becomes a case in one click (``petition``)."""

    pair = models.ForeignKey(
        ConstituentPair,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("paired constituent"),
    )
    kind = models.CharField(_("how"), max_length=10, choices=ContactKind.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note (internal)"), blank=True)
    opinion = models.TextField(
        _("opinion raised"),
        blank=True,
        help_text=_("What the constituent asked for; it can be recorded as a case."),
    )
    petition = models.OneToOneField(
        Petition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pair_contact",
        verbose_name=_("case"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.pair} {self.on:%Y-%m-%d}"


class CommitteeLink(models.Model):
    """A standing-committee member paired with a grassroots deputy: "1名常委会组成人员结对联系
    5至8名基层代表" (seed 004). The 5–8 rule is checked by services.committee_pairing_set."""

    member = models.ForeignKey(
        Deputy,
        on_delete=models.CASCADE,
        related_name="committee_links",
        verbose_name=_("standing-committee member"),
    )
    deputy = models.ForeignKey(
        Deputy,
        on_delete=models.CASCADE,
        related_name="committee_contacts",
        verbose_name=_("grassroots deputy"),
    )

    objects = CommitteeLinkQuerySet.as_manager()

    class Meta:
        ordering = ["member", "deputy"]
        verbose_name = _("committee member's pairing")
        verbose_name_plural = _("committee members' pairings")
        constraints = [
            models.UniqueConstraint(fields=["member", "deputy"], name="committeelink_unique"),
            models.CheckConstraint(
                condition=~models.Q(member=models.F("deputy")), name="committeelink_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.deputy}"


class Grid(models.Model):
    """A grid (网格) under a community, the smallest unit of grassroots work, with its grid
    worker serving as a part-time liaison of the station: "每名驻站代表固定联系1至2个网格",
    "22名基层网格员和15名社区志愿者担任站点兼职联络员" (seed 004)."""

    name = models.CharField(_("name"), max_length=64)
    community = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="grids", verbose_name=_("station")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grids",
        verbose_name=_("grid worker"),
    )
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    deputies = models.ManyToManyField(
        Deputy, through="DeputyGrid", related_name="grids", verbose_name=_("deputies")
    )

    objects = GridQuerySet.as_manager()

    class Meta:
        ordering = ["community__code", "name"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="grid_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.community.name} · {self.name}"


class DeputyGrid(models.Model):
    """A station deputy's fixed link with a grid (1 or 2 each, services.deputy_grids_set)."""

    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="grid_links")
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="deputy_links")

    class Meta:
        verbose_name = _("deputy's grid")
        verbose_name_plural = _("deputies' grids")
        constraints = [models.UniqueConstraint(fields=["deputy", "grid"], name="deputygrid_unique")]

    def __str__(self) -> str:
        return f"{self.deputy_id} → {self.grid_id}"


def _public_code() -> str:
    return random_code(10)


class ElectoralDistrict(models.Model):
    """An electoral district (选区) at one level, with the deputies it elected."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="electoral_districts",
        verbose_name=_("region"),
    )
    level = models.CharField(_("level"), max_length=12, choices=DeputyLevel.choices)
    deputies = models.ManyToManyField(
        Deputy, related_name="electoral_districts", blank=True, verbose_name=_("deputies")
    )

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("electoral district")
        verbose_name_plural = _("electoral districts")
        constraints = [
            models.UniqueConstraint(fields=["region", "level", "name"], name="district_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ReportBack(models.Model):
    """A report-back session (述职) of deputies to their electoral district: "人大代表每届任期内
    向选区至少述职一次,其中口头述职原则上不少于选区代表总数的30%" (seed 002), evaluated by the
    constituents present (述职评议): one evaluation per attendee, with a one-time code."""

    district = models.ForeignKey(
        ElectoralDistrict,
        on_delete=models.PROTECT,
        related_name="report_backs",
        verbose_name=_("electoral district"),
    )
    station = models.ForeignKey(
        Station,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_backs",
        verbose_name=_("station"),
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendees = models.PositiveIntegerField(_("constituents present"), default=0)
    public_code = models.CharField(max_length=12, unique=True, default=_public_code, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportBackQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("report-back session")
        verbose_name_plural = _("report-back sessions")

    def __str__(self) -> str:
        return f"{self.district} {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("ties:reportback_detail", args=[self.pk])

    @property
    def public_url(self) -> str:
        return settings.PUBLIC_BASE_URL + reverse("ties_public:evaluate", args=[self.public_code])


class ReportBackSpeaker(models.Model):
    """A deputy reporting at a session, orally or in writing."""

    session = models.ForeignKey(ReportBack, on_delete=models.CASCADE, related_name="speakers")
    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="report_backs", verbose_name=_("deputy")
    )
    form = models.CharField(_("form"), max_length=8, choices=ReportForm.choices)

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("deputy reporting")
        verbose_name_plural = _("deputies reporting")
        constraints = [models.UniqueConstraint(fields=["session", "deputy"], name="speaker_unique")]

    def __str__(self) -> str:
        return f"{self.session} · {self.deputy}"


class EvaluationCode(models.Model):
    """One attendee's one-time code, printed on their evaluation form."""

    session = models.ForeignKey(ReportBack, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=8)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "code"], name="evaluationcode_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.pk}"


class EvaluationMark(models.Model):
    """One attendee's rating of one reporting deputy (满意/基本满意/不满意)."""

    code = models.ForeignKey(EvaluationCode, on_delete=models.CASCADE, related_name="marks")
    speaker = models.ForeignKey(ReportBackSpeaker, on_delete=models.CASCADE, related_name="marks")
    rating = models.CharField(_("rating"), max_length=12, choices=Satisfaction.choices)
    on_paper = models.BooleanField(_("from a paper form"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "speaker"], name="mark_one_per_attendee")
        ]

    def __str__(self) -> str:
        return f"{self.speaker} · {self.rating}"


class ThemedMeeting(models.Model):
    """A themed meeting: deputies set the topic and invite department heads ("代表出题 → 部门
    到场"; seed 003: "代表就特定主题约见政府相关负责人"). Open for booking it is also a themed
    reception constituents can sign up for ("点单式接待", seed 000).

    The meeting is held as a reception of kind "with departments" (``reception``), so each item
    raised is a case of that reception and follows the loop."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="themed_meetings", verbose_name=_("station")
    )
    topic = models.CharField(_("topic"), max_length=200)
    held_at = models.DateTimeField(_("held at"))
    deputies = models.ManyToManyField(
        Deputy, related_name="themed_meetings", verbose_name=_("deputies setting the topic")
    )
    departments = models.ManyToManyField(
        "stations.Department", related_name="themed_meetings", verbose_name=_("departments invited")
    )
    heads_present = models.CharField(_("department heads present"), max_length=300, blank=True)
    open_for_booking = models.BooleanField(
        _("constituents may book"),
        default=False,
        help_text=_("Shown on the station's public page as a themed reception to book."),
    )
    reception = models.OneToOneField(
        "petitions.Reception", on_delete=models.PROTECT, related_name="themed_meeting"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_at"]
        verbose_name = _("themed meeting")
        verbose_name_plural = _("themed meetings")

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("ties:meeting_detail", args=[self.pk])


class MeetingItem(models.Model):
    """One item raised at a themed meeting: a case for the department, rated by the deputies."""

    meeting = models.ForeignKey(ThemedMeeting, on_delete=models.CASCADE, related_name="items")
    petition = models.OneToOneField(
        Petition, on_delete=models.PROTECT, related_name="meeting_item", verbose_name=_("case")
    )
    raised_by = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    department = models.ForeignKey(
        "stations.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    deputies_rating = models.CharField(
        _("deputies' rating"), max_length=12, choices=Satisfaction.choices, blank=True
    )

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("meeting item")
        verbose_name_plural = _("meeting items")

    def __str__(self) -> str:
        return f"{self.meeting} · {self.petition_id}"


class MeetingRating(models.Model):
    """One deputy's rating of the department's answer to a meeting item, one per deputy per
    round of the case. The deputy rates on their own account; ``recorded_by`` is the staff
    member who entered it for a deputy without an account (staff-recorded)."""

    item = models.ForeignKey(MeetingItem, on_delete=models.CASCADE, related_name="ratings")
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="+", verbose_name=_("deputy")
    )
    round = models.PositiveSmallIntegerField(default=0)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "round", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "deputy", "round"], name="meeting_rating_once_per_deputy_round"
            )
        ]
        verbose_name = _("deputy's rating of a meeting item")
        verbose_name_plural = _("deputies' ratings of meeting items")

    def __str__(self) -> str:
        return f"{self.item_id} {self.deputy_id}: {self.satisfaction}"

    @property
    def recorded_by_staff(self) -> bool:
        return self.recorded_by_id is not None


class Appointment(models.Model):
    """A constituent's booking (约访 / 点单式接待) with a deputy or a themed reception, made on
    the station's public page; staff confirm or decline it with a message (ties/loop.py).

    Name and phone are personal data for the station only; ``message`` is the one field meant
    for the constituent (sent by SMS)."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("station")
    )
    deputy = models.ForeignKey(
        Deputy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("deputy"),
    )
    meeting = models.ForeignKey(
        ThemedMeeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("themed reception"),
    )
    topic = models.CharField(_("topic"), max_length=200)
    preferred_time = models.CharField(_("preferred time"), max_length=100)
    name = models.CharField(_("name"), max_length=32)
    phone = models.CharField(_("mobile phone"), max_length=20)
    consent_at = models.DateTimeField(_("consent given at"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.PENDING,
    )
    message = models.CharField(_("message to the constituent"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(deputy__isnull=False) & models.Q(meeting__isnull=False)),
                name="appointment_deputy_or_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("ties:appointment_detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
