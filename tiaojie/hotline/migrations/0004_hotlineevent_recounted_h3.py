from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hotline", "0003_hotlinecall_other_topics_h6"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hotlineevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("logged", "登记来电"),
                    ("wo_opened", "派发工单"),
                    ("wo_closed", "工单办结"),
                    ("converted", "转为调解案件"),
                    ("rated", "记录服务评价"),
                    ("wo_recounted", "重新计算办理期限"),
                ],
                max_length=12,
            ),
        ),
    ]
