"""Reference rows every installation needs: the five party tiers and the resident tags."""

from django.db import migrations

PARTY_TIERS = {1: "街道大工委", 2: "邻里大党委", 3: "社区党组织", 4: "小区党支部", 5: "楼道党小组"}
RESIDENT_TAGS = [
    "老年人",
    "独居",
    "残疾",
    "困难群众",
    "新就业群体",
    "居民能人",
    "楼道长",
    "业委会成员",
    "居民小组长",
    "党员",
    "志愿者",
]


def forwards(apps, schema_editor):
    PartyTier = apps.get_model("communities", "PartyTier")
    ResidentTag = apps.get_model("communities", "ResidentTag")
    for level, name in PARTY_TIERS.items():
        PartyTier.objects.get_or_create(level=level, defaults={"name": name})
    for name in RESIDENT_TAGS:
        ResidentTag.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
