from core.schedules import Schedule

SCHEDULES = [
    Schedule("petitions: deadline sweep", "petitions.tasks.sweep_deadlines", minute="*/15"),
    Schedule(
        "petitions: auto-close unrated", "petitions.tasks.auto_close_unrated", minute="30", hour="2"
    ),
]
