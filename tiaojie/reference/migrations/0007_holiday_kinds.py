"""Statutory holidays and 调休 rest days become two kinds (issue 14 item 3): until now every day off of a holiday
period was stored as "holiday", so overtime classified from the table paid 300 % where 《劳动法》第四十四条第（二）项
gives 200 %. The days are split by reference.statutory, and statutory days the seed left out are added."""

from django.db import migrations, models


def split(apps, schema_editor):
    from tiaojie.reference.loaders import classify_calendar

    if classify_calendar(apps):
        # The cached calendars of running processes rebuild on the next number (reference.calendar).
        Revision = apps.get_model("reference", "CalendarRevision")
        if not Revision.objects.filter(pk=1).update(revision=models.F("revision") + 1):
            Revision.objects.get_or_create(pk=1, defaults={"revision": 1})


def merge(apps, schema_editor):
    apps.get_model("reference", "SpecialDay").objects.filter(kind="rest").update(kind="holiday")


KIND = models.CharField(
    choices=[("holiday", "法定节假日"), ("rest", "调休休息日"), ("workday", "调休上班日")],
    max_length=10,
    verbose_name="类型",
)


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0006_seed_provincial_rules_h2"),
    ]

    operations = [
        migrations.AlterField(model_name="historicalspecialday", name="kind", field=KIND),
        migrations.AlterField(model_name="specialday", name="kind", field=KIND),
        migrations.RunPython(split, merge),
    ]
