from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The activities staff record on the performance record count towards the deputy's
        # "八个一" items like the ones the deputy reports and the station approves in duty/:
        # one rule for a deputy's quotas, whichever page the activity was typed on.
        from duty.items import EXTRA_SOURCES

        from . import signals
        from .record import RECORDED_FOR_ITEMS, recorded_activities

        signals.connect()

        for code, kinds in RECORDED_FOR_ITEMS.items():
            sources = EXTRA_SOURCES.setdefault(code, [])
            if not any(getattr(s, "kinds", None) == kinds for s in sources):
                sources.append(recorded_activities(kinds))
