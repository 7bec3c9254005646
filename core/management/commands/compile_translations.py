"""Compile locale/*.po to .mo in pure Python, so a fresh machine needs no GNU gettext."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (no gettext binaries needed)."

    def handle(self, *args, **options) -> None:
        count = 0
        for root in settings.LOCALE_PATHS:
            for po_path in Path(root).glob("*/LC_MESSAGES/*.po"):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} catalogues compiled."))
