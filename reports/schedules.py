from core.schedules import Schedule

SCHEDULES = [
    Schedule("reports: apply new events to rollups", "reports.tasks.apply_new_events", minute="*"),
    Schedule(
        "reports: reconcile rollups", "reports.tasks.reconcile_rollups", minute="30", hour="2"
    ),
    Schedule(
        "reports: monthly reports",
        "reports.tasks.prepare_monthly_reports",
        minute="0",
        hour="6",
        day_of_month="1",
    ),
]
