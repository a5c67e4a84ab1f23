"""Builds a case file (卷宗): cover, contents and every document of the case as one PDF."""

from __future__ import annotations


def run_case_file_job(job_id: int) -> None:
    raise NotImplementedError
