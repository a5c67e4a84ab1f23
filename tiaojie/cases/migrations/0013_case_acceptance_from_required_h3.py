from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_case_acceptance_from_h3"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="acceptance_from",
            field=models.DateField(verbose_name="受理期限起算日"),
        ),
    ]
