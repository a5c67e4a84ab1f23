"""Seed a few local wage figures, each checked against a published report of the instrument that set it.

Only figures whose amount and effective date were both confirmed are here; administrators add the rest (and
every later adjustment) in the admin. Provinces that publish tiers (浙江, 广东) get rows per city, never a
province row, so a lower-tier city is not silently given the first tier's figure.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

MIN = "minimum_monthly"
AVG = "average_monthly"

SH_CHECK = "核对：Shanghai Daily 2021-06-24《The minimum monthly wage … will increase to 2,590 yuan》"
ZJ_TIER_NOTE = (
    "浙江省最低工资分三档，此处为第一档；2021年调整时杭州市区均执行第一档，所辖县（市）如执行较低档次请另行核对并填写"
)
GD_NOTE = "广东省最低工资分四类，广州、深圳执行一类标准"
WK_2023 = "核对：Wolters Kluwer《Severance, unfair termination damages and social insurance costs set to rise for many employers》2023-08-08"
AVG_NOTE = ""

# (division code, kind, effective from, amount, source, note)
ROWS = [
    # 上海市: one standard for the whole municipality.
    ("31", MIN, dt.date(2021, 7, 1), "2590.00", "上海市人力资源和社会保障局调整本市最低工资标准，2021年7月1日起施行；" + SH_CHECK, ""),
    (
        "31",
        MIN,
        dt.date(2023, 7, 1),
        "2690.00",
        "上海市调整本市最低工资标准，2023年7月1日起由2590元调整为2690元；核对：北京日报客户端 2023-07-05 报道",
        "",
    ),
    (
        "31",
        MIN,
        dt.date(2025, 7, 1),
        "2740.00",
        "上海市调整本市最低工资标准，2025年7月1日起由2690元调整为2740元；"
        "核对：中英贸易协会（CBBC）2025-07-20《What does Shanghai's minimum wage rise imply for the economy?》",
        "",
    ),
    # 北京市: one standard for the whole municipality.
    (
        "11",
        MIN,
        dt.date(2023, 9, 1),
        "2420.00",
        "北京市调整最低工资标准，2023年9月1日起由2320元调整为2420元；"
        "核对：人力资源和社会保障部公布的全国各地区最低工资标准情况（截至2023年10月1日）",
        "",
    ),
    # 浙江省: three tiers chosen per county; Hangzhou's urban districts take the first.
    (
        "3301",
        MIN,
        dt.date(2021, 8, 1),
        "2280.00",
        "浙江省调整全省最低工资标准（三档：2280、2070、1840元），2021年8月1日起施行；"
        "核对：浙江省人力资源和社会保障厅2021-07-29公布，见 ezhejiang.gov.cn 2021-09-27 报道",
        ZJ_TIER_NOTE,
    ),
    (
        "3301",
        MIN,
        dt.date(2024, 1, 1),
        "2490.00",
        "浙江省人民政府调整全省最低工资标准（三档：2490、2260、2010元），2024年1月1日起施行；核对：新华社 2024-01-16 报道",
        ZJ_TIER_NOTE,
    ),
    # 广东省: four classes; 广州 and 深圳 are class one, each with its own figure.
    (
        "4401",
        MIN,
        dt.date(2021, 12, 1),
        "2300.00",
        "《广东省人民政府关于调整我省最低工资标准的通知》，2021年12月1日起施行；核对：南方日报 2021-11-27 报道",
        GD_NOTE,
    ),
    (
        "4403",
        MIN,
        dt.date(2021, 12, 1),
        "2360.00",
        "《广东省人民政府关于调整我省最低工资标准的通知》，2021年12月1日起施行；核对：南方日报 2021-11-27 报道",
        GD_NOTE,
    ),
    (
        "4401",
        MIN,
        dt.date(2025, 3, 1),
        "2500.00",
        "《广东省人民政府关于调整我省最低工资标准的通知》（粤府函〔2025〕23号），2025年3月1日起施行；"
        "核对：广东人社 2025-02-15 解读、羊城晚报报道",
        GD_NOTE,
    ),
    (
        "4403",
        MIN,
        dt.date(2025, 3, 1),
        "2520.00",
        "《广东省人民政府关于调整我省最低工资标准的通知》（粤府函〔2025〕23号），2025年3月1日起施行；"
        "核对：广东人社 2025-02-15 解读、羊城晚报报道",
        GD_NOTE,
    ),
    # Average monthly wages as published for the 3× cap (the previous year's figure, in use from the date).
    ("31", AVG, dt.date(2023, 7, 1), "12183.00", "上海市公布的上年度职工月平均工资，2023年7月1日起使用；" + WK_2023, AVG_NOTE),
    ("11", AVG, dt.date(2023, 6, 1), "14873.00", "北京市公布的上年度职工月平均工资，2023年6月1日起使用；" + WK_2023, AVG_NOTE),
    ("4401", AVG, dt.date(2023, 6, 28), "12694.00", "广州市公布的上年度职工月平均工资，2023年6月28日起使用；" + WK_2023, AVG_NOTE),
    ("4403", AVG, dt.date(2023, 6, 29), "13730.00", "深圳市公布的上年度职工月平均工资，2023年6月29日起使用；" + WK_2023, AVG_NOTE),
]


def seed(apps, schema_editor):
    LocalWageStandard = apps.get_model("calculators_web", "LocalWageStandard")
    Division = apps.get_model("reference", "Division")
    present = set(Division.objects.filter(code__in={row[0] for row in ROWS}).values_list("code", flat=True))
    for code, kind, effective_from, amount, source, note in ROWS:
        if code not in present:
            continue
        LocalWageStandard.objects.get_or_create(
            division_id=code,
            kind=kind,
            effective_from=effective_from,
            defaults={"amount": Decimal(amount), "source": source, "note": note},
        )


def unseed(apps, schema_editor):
    LocalWageStandard = apps.get_model("calculators_web", "LocalWageStandard")
    for code, kind, effective_from, *_rest in ROWS:
        LocalWageStandard.objects.filter(division_id=code, kind=kind, effective_from=effective_from).delete()


class Migration(migrations.Migration):
    dependencies = [("calculators_web", "0001_initial"), ("reference", "0002_load_reference_data")]

    operations = [migrations.RunPython(seed, unseed)]
