"""Migration operations that keep locks on big tables short (docs/deployment.md, "Writing migrations").

`AddIndexConcurrently` builds the index with PostgreSQL's CREATE INDEX CONCURRENTLY (reads and writes go on while
it scans) and falls back to a plain CREATE INDEX on SQLite, which has no such statement and no other writers to
wait for. Use it in a migration with `atomic = False`, as Django's own operation requires.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres import operations
from django.db import migrations


class AddIndexConcurrently(operations.AddIndexConcurrently):
    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
