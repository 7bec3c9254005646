"""What the API shows of each row. Only fields meant to leave the building are listed.

Personal data: phones and ID numbers never appear in full for a caller without the PII right
(``context["pii"]``); constituents' names and addresses are masked the same way, and free text
written by constituents (title, content, location) has phone and ID numbers inside it masked
(``core.pii.scrub``). Timeline entries carry ``public_note`` only, never the internal ``note``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.input import clean_phone, fold, tidy
from core.pii import mask_address, mask_name, mask_phone, scrub
from deputies.models import Deputy
from deputies.roster.models import ReceptionDay
from petitions.choices import Channel, Escalation
from petitions.models import Category, Petition, PetitionEvent, Reception
from reports.ledgers.models import ProgressNotice
from stations.models import Department, Region, Station


def _pii(serializer: serializers.BaseSerializer) -> bool:
    return bool(serializer.context.get("pii"))


class PiiTextField(serializers.CharField):
    """Free text with phone and ID numbers masked unless the caller has the PII right."""

    def to_representation(self, value: Any) -> str:
        text = super().to_representation(value)
        return text if _pii(self.parent) else scrub(text)


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RegionSerializer(serializers.ModelSerializer):
    parent_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Region
        fields = ["id", "name", "code", "level", "parent_id"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "name_en"]


class StationSerializer(serializers.ModelSerializer):
    region = RegionSerializer()
    parent_id = serializers.IntegerField(allow_null=True)
    contact_phone = serializers.SerializerMethodField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)

    class Meta:
        model = Station
        fields = [
            "id",
            "name",
            "kind",
            "parent_id",
            "region",
            "address",
            "latitude",
            "longitude",
            "opening_hours",
            "contact_phone",
            "is_active",
        ]

    def get_contact_phone(self, obj: Station) -> str:
        return obj.contact_phone if _pii(self) else mask_phone(obj.contact_phone)


class DepartmentSerializer(serializers.ModelSerializer):
    region = RefSerializer()

    class Meta:
        model = Department
        fields = ["id", "name", "region"]


class DeputySerializer(serializers.ModelSerializer):
    """Public fields only: no phone, no account."""

    station_ids = serializers.SerializerMethodField()

    class Meta:
        model = Deputy
        fields = [
            "id",
            "name",
            "gender",
            "level",
            "term",
            "constituency",
            "occupation",
            "is_active",
            "station_ids",
        ]

    def get_station_ids(self, obj: Deputy) -> list[int]:
        return sorted(a.station_id for a in obj.assignments.all() if a.end_date is None)


class ReceptionSerializer(serializers.ModelSerializer):
    station = RefSerializer()
    deputies = RefSerializer(many=True)
    departments = RefSerializer(many=True)

    class Meta:
        model = Reception
        fields = [
            "id",
            "station",
            "kind",
            "topic",
            "held_at",
            "constituents_count",
            "deputies",
            "departments",
        ]


class ReceptionDaySerializer(serializers.ModelSerializer):
    station = RefSerializer()

    class Meta:
        model = ReceptionDay
        fields = ["id", "station", "date", "start_time", "end_time", "place", "topic", "kind"]
        fields += ["status"]


class ProgressNoticeSerializer(serializers.ModelSerializer):
    station = RefSerializer()
    items = serializers.JSONField()

    class Meta:
        model = ProgressNotice
        fields = ["id", "station", "period_start", "period_end", "published_at", "items"]


class TimelineSerializer(serializers.ModelSerializer):
    """A step of the constituent's timeline: what the tracking page shows, nothing more."""

    at = serializers.DateTimeField(source="created_at")
    public_note = PiiTextField()

    class Meta:
        model = PetitionEvent
        fields = ["at", "kind", "from_status", "to_status", "public_note"]


class CaseSerializer(serializers.ModelSerializer):
    station = RefSerializer()
    region = serializers.SerializerMethodField()
    category = RefSerializer(allow_null=True)
    lead_department = RefSerializer(allow_null=True)
    title = PiiTextField()
    content = PiiTextField()
    location_text = PiiTextField()
    reply_summary = PiiTextField()
    constituent_name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    # The level lives in petitions.Supervision now; same values and schema as the old field.
    escalation = serializers.ChoiceField(choices=Escalation.choices, read_only=True)

    class Meta:
        model = Petition
        fields = [
            "id",
            "status",
            "channel",
            "station",
            "region",
            "category",
            "title",
            "content",
            "location_text",
            "urgency",
            "tier",
            "is_anonymous",
            "constituent_name",
            "phone",
            "address",
            "lead_department",
            "submitted_at",
            "accepted_at",
            "assigned_at",
            "deadline",
            "escalation",
            "replied_at",
            "reply_summary",
            "feedback_at",
            "satisfaction",
            "closed_at",
            "version",
        ]

    @extend_schema_field(RefSerializer)
    def get_region(self, obj: Petition) -> dict:
        region = obj.station.region
        return {"id": region.pk, "name": region.name}

    def get_constituent_name(self, obj: Petition) -> str:
        return obj.constituent_name if _pii(self) else mask_name(obj.constituent_name)

    def get_phone(self, obj: Petition) -> str:
        return obj.phone if _pii(self) else mask_phone(obj.phone)

    def get_address(self, obj: Petition) -> str:
        return obj.address if _pii(self) else mask_address(obj.address)


class CaseDetailSerializer(CaseSerializer):
    timeline = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "timeline"]

    @extend_schema_field(TimelineSerializer(many=True))
    def get_timeline(self, obj: Petition) -> list:
        events = [e for e in obj.events.all() if e.is_public]
        return TimelineSerializer(events, many=True, context=self.context).data


class DashboardSerializer(serializers.Serializer):
    region = RefSerializer()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    figures = serializers.DictField(child=serializers.FloatField(allow_null=True))
    trend = serializers.ListField(child=serializers.DictField())
    categories = serializers.ListField(child=serializers.DictField())
    tiers = serializers.ListField(child=serializers.DictField())


class CaseCreateSerializer(serializers.Serializer):
    """A case sent by an integration; goes through ``petitions.services.petition_submit``.

    ``station`` must lie in the key's region. Contact data needs ``consent`` (the constituent
    agreed to its processing, as on the public form).
    """

    station = serializers.PrimaryKeyRelatedField(queryset=Station.objects.none())
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.ONLINE)
    title = serializers.CharField(max_length=120)
    content = serializers.CharField(max_length=5000)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), required=False, allow_null=True
    )
    constituent_name = serializers.CharField(max_length=32, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    is_anonymous = serializers.BooleanField(default=False)
    location_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    consent = serializers.BooleanField(default=False)
    external_id = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="The case's id in the sending system: sending it twice records one case.",
    )

    def __init__(self, *args: Any, stations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if stations is not None:
            self.fields["station"].queryset = stations

    def validate(self, data: dict) -> dict:
        for name in ("title", "content", "constituent_name", "address", "location_text"):
            if name in data:
                data[name] = tidy(data[name]).strip()
        for name in ("phone", "id_number", "external_id"):
            if name in data:
                data[name] = fold(data[name]).strip()
        if not data["title"] or not data["content"]:
            raise serializers.ValidationError({"title": "A title and a content are required."})
        try:
            data["phone"] = clean_phone(data.get("phone", ""))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"phone": exc.messages}) from None
        contact = any(data.get(k) for k in ("constituent_name", "phone", "address", "id_number"))
        if contact and not data.get("is_anonymous") and not data.get("consent"):
            raise serializers.ValidationError(
                {"consent": "Contact data needs the constituent's consent (consent: true)."}
            )
        return data
