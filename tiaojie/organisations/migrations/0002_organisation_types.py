from django.db import migrations

# docs/law.md §2: an open list, stored as data; administrators may add provincial types in the admin.
TYPES = [
    ("enterprise_committee", "企业劳动争议调解委员会", True, "《劳动争议调解仲裁法》第十条"),
    ("township_centre", "乡镇（街道）劳动人事争议调解中心", True, "《劳动争议调解仲裁法》第十条"),
    ("arbitration_centre", "仲裁院调解中心", True, "人社厅发〔2023〕36号"),
    ("chamber", "商（协）会劳动争议调解组织", True, "人社厅发〔2023〕36号"),
    ("people_mediation", "基层人民调解组织", True, "《劳动争议调解仲裁法》第十条"),
    ("regional_industry", "区域性、行业性劳动争议调解组织", True, "《浙江省劳动人事争议调解仲裁条例》第七条"),
    ("union_station", "工会服务站点（暖心驿站、司机之家）", True, "人社厅发〔2023〕36号"),
    ("hotline", "12351职工维权服务热线", False, "全国总工会12351热线"),
    ("other", "其他调解组织", True, ""),
]


def seed(apps, schema_editor):
    OrganisationType = apps.get_model("organisations", "OrganisationType")
    for i, (code, name, can_mediate, basis) in enumerate(TYPES):
        OrganisationType.objects.update_or_create(
            code=code, defaults={"name": name, "can_mediate": can_mediate, "basis": basis, "sort": i * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
