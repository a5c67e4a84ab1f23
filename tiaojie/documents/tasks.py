"""Background work of the documents app, run by `tiaojie db_worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def build_case_file(job_id: int) -> bool:
    """Build a requested case file (casefile.run_case_file_job). Returns whether this run built it: False when
    another run had claimed the job or the build failed (the job's message says why)."""
    from tiaojie.documents.casefile import run_case_file_job

    return run_case_file_job(job_id)
