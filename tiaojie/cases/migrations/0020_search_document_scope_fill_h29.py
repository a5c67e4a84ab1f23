from django.db import migrations, transaction

# Fill the search documents' copies of their case's organisation, division and receipt time (migration 0019) in
# keyset batches of case ids, each batch one UPDATE in its own transaction: no lock on the documents is held for
# longer than a batch, and a run cut short resumes where the rows are still empty. The search reads these
# columns only through cases_visible_to's check as well (cases.search), so a row not yet filled is simply not
# found through them until its batch is done; `tiaojie reindex-cases` writes them too.
BATCH = 5000

UPDATE = {
    "postgresql": (
        "UPDATE cases_casesearchdocument d SET organisation_id = c.organisation_id, division_id = c.division_id, "
        "received_at = c.received_at FROM cases_case c WHERE c.id = d.case_id AND d.case_id > %s AND d.case_id <= %s"
    ),
    "sqlite": (
        "UPDATE cases_casesearchdocument AS d SET organisation_id = c.organisation_id, division_id = c.division_id, "
        "received_at = c.received_at FROM cases_case AS c WHERE c.id = d.case_id AND d.case_id > %s AND d.case_id <= %s"
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

    dependencies = [("cases", "0019_search_document_scope_h29")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
