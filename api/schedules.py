from core.schedules import Schedule

SCHEDULES = [
    Schedule("api: webhooks", "api.tasks.run_webhooks", minute="*"),
]
