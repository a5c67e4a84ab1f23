"""The national defaults and the Zhejiang rows of the provincial rule table (docs/law.md §3)."""

from django.db import migrations


def seed(apps, schema_editor):
    from tiaojie.reference.rules import seed_provincial_rules

    seed_provincial_rules(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0005_provincial_rules_h2"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
