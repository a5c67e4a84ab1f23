from django.db import migrations, transaction

# Fill the search documents' copies of their case's status and channel (migration 0022) as migration 0020 filled
# the scope's: keyset batches of case ids, one UPDATE in its own transaction each, so no lock is held for longer
# than a batch and a run cut short resumes. A filtered search checks its candidates against cases_case as well
# (cases.search), so a row not yet filled is missed by such a list until its batch is done, never shown wrongly.
BATCH = 5000

UPDATE = {
    "postgresql": (
        "UPDATE cases_casesearchdocument d SET status = c.status, channel = c.channel "
        "FROM cases_case c WHERE c.id = d.case_id AND d.case_id > %s AND d.case_id <= %s"
    ),
    "sqlite": (
        "UPDATE cases_casesearchdocument AS d SET status = c.status, channel = c.channel "
        "FROM cases_case AS c WHERE c.id = d.case_id AND d.case_id > %s AND d.case_id <= %s"
    ),
}


def fill(apps, schema_editor):
    connection = schema_editor.connection
    last = 0
    while True:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT max(case_id) FROM (SELECT case_id FROM cases_casesearchdocument WHERE case_id > %s "
                "ORDER BY case_id LIMIT %s) AS batch",
                [last, BATCH],
            )
            upto = cur.fetchone()[0]
        if upto is None:
            return
        with transaction.atomic(using=connection.alias), connection.cursor() as cur:
            cur.execute(UPDATE[connection.vendor], [last, upto])
        last = upto


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0022_search_document_filters_h31")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
