"""The category taxonomy every install starts with; administrators may add more."""

from django.db import migrations

CATEGORIES = [
    ("城乡建设", "Urban and rural construction"),
    ("交通出行", "Traffic and transport"),
    ("教育", "Education"),
    ("医疗卫生", "Health care"),
    ("生态环境", "Environment"),
    ("社会保障", "Social security"),
    ("社会治安", "Public order and safety"),
    ("民生服务", "Livelihood services"),
    ("经济发展", "Economic development"),
    ("农业农村", "Agriculture and rural affairs"),
    ("物业管理", "Property management"),
    ("其他", "Other"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("petitions", "Category")
    for order, (name, name_en) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
