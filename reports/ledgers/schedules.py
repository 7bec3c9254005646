"""Beat schedules for ledgers and notices (found by ``core.schedules``)."""

from core.schedules import Schedule

SCHEDULES = [
    # Daily, so a missed run catches up the next night; publishing is idempotent.
    Schedule(
        name="reports: publish progress notices",
        task="reports.ledgers.tasks.publish_due_notices",
        minute="20",
        hour="2",
    ),
]
