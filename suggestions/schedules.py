from core.schedules import Schedule

SCHEDULES = [
    Schedule("suggestions: supervision sweep", "suggestions.tasks.sweep_suggestions", minute="20"),
]
