from django.db import migrations


def load(apps, schema_editor):
    from tiaojie.reference.loaders import load_calendar, load_divisions

    load_divisions(apps)
    load_calendar(apps)


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
