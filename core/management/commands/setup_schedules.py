from django.core.management.base import BaseCommand

from core.schedules import install_schedules


class Command(BaseCommand):
    help = "Create or update the Celery beat schedules declared in each app's schedules.py."

    def handle(self, *args, **options) -> None:
        count = install_schedules()
        self.stdout.write(self.style.SUCCESS(f"{count} periodic tasks installed."))
