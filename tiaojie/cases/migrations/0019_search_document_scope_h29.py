import django.db.models.deletion
from django.db import migrations, models

# The case's organisation, division and receipt time copied onto its search document (docs/search.md): nullable
# columns without a default or an index, so adding them to a million rows is a catalogue change only. Migration
# 0020 fills them in batches, 0021 builds their indexes concurrently.


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_case_state_version_h23"),
        ("organisations", "0006_employer_is_registered_h6"),
        ("reference", "0007_holiday_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="casesearchdocument",
            name="division",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="reference.division",
            ),
        ),
        migrations.AddField(
            model_name="casesearchdocument",
            name="organisation",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organisations.organisation",
            ),
        ),
        migrations.AddField(
            model_name="casesearchdocument",
            name="received_at",
            field=models.DateTimeField(null=True),
        ),
    ]
