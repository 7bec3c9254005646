from core.schedules import Schedule

SCHEDULES = [
    Schedule("api: webhooks", "api.tasks.run_webhooks", minute="*"),
    Schedule("api: poll external platforms", "api.tasks.poll_platforms", minute="*/5"),
]
