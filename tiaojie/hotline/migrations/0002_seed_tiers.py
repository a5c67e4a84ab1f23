from django.db import migrations

# [U] Not confirmed (docs/law.md §11): we know only that the 12351 hotline sets time limits by complexity tier. These
# numbers are a local setting that an administrator changes in the admin; the console says so beside each
# deadline.
TIERS = [
    ("simple", "简单", 1),
    ("general", "一般", 5),
    ("complex", "复杂", 15),
]
BASIS = "本地设置，未经确认 [U]"


def seed(apps, schema_editor):
    ComplexityTier = apps.get_model("hotline", "ComplexityTier")
    for i, (code, name, days) in enumerate(TIERS):
        ComplexityTier.objects.get_or_create(
            code=code, defaults={"name": name, "working_days": days, "basis": BASIS, "sort": (i + 1) * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
