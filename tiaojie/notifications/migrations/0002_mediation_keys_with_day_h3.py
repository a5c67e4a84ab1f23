"""The negotiation answer and the agreement's confirmation windows now carry their last day in their deadline key,
as the case clocks do, so a date moved by a recount (a holiday year entered) gets its own reminders. The reminders
and breaches already recorded under the old keys get the day they were recorded for, so the watcher does not take
them for new deadlines and send them again."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.db import migrations

BEIJING = ZoneInfo("Asia/Shanghai")  # tiaojie.lib.workdays.LEGAL_TZ, copied: a migration keeps its own rules
OLD_KEY = re.compile(r"mediation:(negotiation:\d+:answer|agreement:\d+:(arbitration_review|judicial))")


def add_last_day(apps, schema_editor):
    for name in ("Reminder", "DeadlineBreach"):
        model = apps.get_model("notifications", name)
        rows = list(model.objects.filter(key__startswith="mediation:").only("pk", "key", "due"))
        for row in rows:
            if OLD_KEY.fullmatch(row.key):
                # `due` is 00:00 Beijing after the last day (Deadline.ends_at): the last day is the day before it.
                last_day = (row.due - dt.timedelta(microseconds=1)).astimezone(BEIJING).date()
                model.objects.filter(pk=row.pk).update(key=f"{row.key}:{last_day.isoformat()}")


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_last_day, migrations.RunPython.noop)]
