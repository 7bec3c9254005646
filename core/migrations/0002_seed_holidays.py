"""Seed the holiday table from chinese-calendar so deadlines are right on a fresh install."""

from django.db import migrations

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


def seed(apps, schema_editor):
    import chinese_calendar

    Holiday = apps.get_model("core", "Holiday")
    rows = []
    for table, is_workday in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        for day, name in table.items():
            if day.year >= 2020:
                rows.append(Holiday(date=day, name=NAMES.get(str(name), str(name or "")), is_workday=is_workday))
    Holiday.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
