"""Beat schedules of the deputies app (installed by ``manage.py setup_schedules``)."""

from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        "deputies: keep 12 months of reception days",
        "deputies.roster.tasks.extend_reception_days",
        minute="20",
        hour="2",
    ),
    Schedule(
        "deputies: duty reminders",
        "deputies.roster.tasks.send_duty_reminders",
        minute="5",
        hour="*",
    ),
]
