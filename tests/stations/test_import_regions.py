from django.core.management import call_command

from stations.choices import RegionLevel
from stations.models import Region


def test_it_imports_one_province(db):
    call_command("import_regions", "--province", "330000")
    city = Region.objects.get(code="330400")
    nanhu = Region.objects.get(code="330402")
    assert Region.objects.get(code="330000").level == RegionLevel.PROVINCE
    assert city.level == RegionLevel.CITY and city.path == "/330000/330400/"
    assert nanhu.parent == city and nanhu.path == "/330000/330400/330402/"
    assert not Region.objects.exclude(code__startswith="33").exists()


def test_it_is_idempotent(db):
    call_command("import_regions", "--province", "330000")
    count = Region.objects.count()
    Region.objects.filter(code="330402").update(name="改名区")
    call_command("import_regions", "--province", "330000")
    assert Region.objects.count() == count
    assert Region.objects.get(code="330402").name == "南湖区"


def test_it_puts_municipal_districts_under_the_province(db):
    call_command("import_regions", "--province", "110000")
    dongcheng = Region.objects.get(code="110101")
    assert dongcheng.parent.code == "110000" and dongcheng.level == RegionLevel.DISTRICT
    assert dongcheng.path == "/110000/110101/"
