from core.schedules import Schedule

SCHEDULES = [
    Schedule("projects: overdue milestones", "projects.tasks.sweep_projects", minute="40"),
]
