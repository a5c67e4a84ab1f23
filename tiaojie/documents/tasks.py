"""Background work of the documents app, run by `tiaojie db_worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def build_case_file(job_id: int) -> None:
    from tiaojie.documents.casefile import run_case_file_job

    run_case_file_job(job_id)
