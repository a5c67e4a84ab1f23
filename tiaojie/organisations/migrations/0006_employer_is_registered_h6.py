from django.db import migrations, models


def register_committee_employers(apps, schema_editor):
    """Rows before this flag cannot tell who typed them. An employer with its own mediation committee was
    set up by staff, so it stays searchable; staff tick the others in the admin after checking them."""
    Employer = apps.get_model("organisations", "Employer")
    Employer.objects.filter(organisations__isnull=False).update(is_registered=True)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0005_employer_name_trgm_h5"),
    ]

    operations = [
        migrations.AddField(
            model_name="employer",
            name="is_registered",
            field=models.BooleanField(
                default=False,
                help_text="由工作人员登记或核实的单位，公众申请时可以搜索到；申请人自己填写的单位不公开",
                verbose_name="已登记核实",
            ),
        ),
        migrations.RunPython(register_committee_employers, migrations.RunPython.noop, elidable=True),
    ]
