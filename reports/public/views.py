"""The public home page at / for visitors without an account (the constituents' front door).

The seeds: "群众扫码递交 → 代表受理意见 → 联络站审核 → 转交部门办理 → 联络站答复反馈" — the
front door is where that loop starts for someone who has no QR code at hand: find a station
(by region, by name, or the nearest one), send an opinion to an online station, track a case,
and read the stations' latest progress notices (进度公示).
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.input import NormalizedFormMixin
from stations.models import Region

from .. import basemap
from ..views import home
from . import selectors


class FindForm(NormalizedFormMixin, forms.Form):
    """Find a station: any of region, name, or a position (filled by "use my location")."""

    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    q = forms.CharField(label=_("Name or address"), max_length=60, required=False)
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ModelChoiceField)
        region.queryset = selectors.search_regions()
        region.empty_label = _("All regions")


def entry(request: HttpRequest) -> HttpResponse:
    """/: the public home for visitors, each role's own home page once logged in."""
    if request.user.is_authenticated:
        return home(request)
    return front_door(request)


@require_GET
def front_door(request: HttpRequest) -> HttpResponse:
    """Find a station, send an opinion online, track a case, read the latest notices."""
    form = FindForm(request.GET or None)
    searched = form.is_bound and form.is_valid()
    found: list[selectors.Found] = []
    near = None
    if searched:
        d = form.cleaned_data
        if d["lat"] is not None and d["lon"] is not None:
            near = (d["lat"], d["lon"])
        found = selectors.find_stations(region=d["region"], name=d["q"], near=near)
    every = list(selectors.public_stations().filter(latitude__isnull=False))
    return render(
        request,
        "reports/public/home.html",
        {
            "form": form,
            "searched": searched,
            "near": near,
            "found": found,
            "online": selectors.online_stations()[:6],
            "notices": selectors.latest_notices(),
            "map_data": {
                "points": selectors.map_points(every),
                # The vendored boundaries of the cities the stations sit in (none: plain axes).
                "outline": basemap.public_outline({s.region.path for s in every}),
                "axes": {"x": str(_("Longitude")), "y": str(_("Latitude"))},
                "open": str(_("Open the station's page")),
            },
        },
    )
