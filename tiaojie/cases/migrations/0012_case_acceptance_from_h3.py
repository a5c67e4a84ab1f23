"""The day the acceptance period counts from (Case.acceptance_from), filled for existing cases.

Exact for every existing row: the period starts on the Beijing day of receipt, and restarts only on the two
transitions back to `received` (from negotiating, or from settled: Effect.RESTART_ACCEPTANCE), whose event is
written with the same moment as the restart. So the start is the Beijing day of the latest such event, or of
receipt when there is none. The column is made NOT NULL in 0012, in its own transaction (PostgreSQL refuses to
alter a table with updates pending in the same one)."""

from zoneinfo import ZoneInfo

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

BEIJING = ZoneInfo("Asia/Shanghai")  # tiaojie.lib.workdays.LEGAL_TZ, copied: a migration keeps its own rules
RESTART_FROM = ("negotiating", "settled")


def fill_acceptance_from(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    restarts = CaseEvent.objects.filter(
        case_id=OuterRef("pk"), kind="transition", to_status="received", from_status__in=RESTART_FROM
    ).order_by("-at", "-id")
    rows = Case.objects.annotate(restarted_at=Subquery(restarts.values("at")[:1])).only("pk", "received_at")
    last = 0
    # Keyset batches read whole before writing (SQLite gives no isolation between a chunked read and writes).
    while batch := list(rows.filter(pk__gt=last).order_by("pk")[:2000]):
        for case in batch:
            moment = case.restarted_at or case.received_at
            case.acceptance_from = moment.astimezone(BEIJING).date()
        Case.objects.bulk_update(batch, ["acceptance_from"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_clock_b_terms_h2"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="acceptance_from",
            field=models.DateField(null=True, verbose_name="受理期限起算日"),
        ),
        migrations.RunPython(fill_acceptance_from, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="caseevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "收到申请"),
                    ("transition", "状态变更"),
                    ("claim_added", "增加请求事项"),
                    ("claim_edited", "修改请求事项"),
                    ("claim_removed", "删除请求事项"),
                    ("routed", "分派调解组织"),
                    ("rerouted", "转交其他调解组织"),
                    ("duplicate", "收到重复申请"),
                    ("evidence", "提交证据材料"),
                    ("clock_b_extended", "延长调解期限"),
                    ("document", "出具文书"),
                    ("service", "送达文书"),
                    ("note", "备注"),
                    ("anonymised", "个人信息匿名化"),
                    ("recounted", "重新计算期限"),
                ],
                max_length=20,
            ),
        ),
    ]
