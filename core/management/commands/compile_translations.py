"""Compile the project's .po catalogues to .mo in pure Python, so a fresh machine needs no GNU
gettext."""

import polib
from django.core.management.base import BaseCommand

from core.catalogues import catalogue_paths


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (no gettext binaries needed)."

    def handle(self, *args, **options) -> None:
        count = 0
        for po_path in catalogue_paths():
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} catalogues compiled."))
