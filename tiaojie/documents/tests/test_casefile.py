"""The case file (卷宗): built by the worker from real documents, with real page ranges, visible progress, a clean
failure, one build per job; and its three views (request, status, download)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from tiaojie.accounts.models import PiiAccessLog
from tiaojie.cases import actions as case_actions
from tiaojie.cases.models import CaseEvent
from tiaojie.documents import casefile
from tiaojie.documents.actions import ServiceInput, do_record_service, do_request_case_file
from tiaojie.documents.casefile import run_case_file_job
from tiaojie.documents.models import CaseFileJob, Document, DocumentVersion, Kind, Service
from tiaojie.documents.tests.factories import accepted_case, anonymous_workers, issue, seal_png
from tiaojie.mediation.actions.proceedings import MinutesInput, SessionInput, do_record_minutes, do_schedule_session
from tiaojie.mediation.tests.factories import mediating_case, staff
from tiaojie.reference.tests.factories import cover_years_ahead

NUMBER = re.compile(r"(\S+〔\d{4}〕\d+号)\s+(\d{4}-\d\d-\d\d)\s+(\d+)(?:–(\d+))?\s*$")


def case_with_minutes(org, user, sessions: int, **overrides):
    """A case in mediation with `sessions` sessions, each with its minutes (调解笔录), through the real actions.
    Its deadlines are certain on any date (cover_years_ahead), so the case file can issue its notices."""
    cover_years_ahead()
    first = timezone.now() - dt.timedelta(hours=sessions + 1)
    # Received before the first session: a session registered afterwards (补登记) cannot predate the application.
    overrides.setdefault("received_at", first - dt.timedelta(hours=1))
    case = mediating_case(org, user, **overrides)
    for i in range(sessions):
        session = do_schedule_session(
            case=case,
            data=SessionInput(
                mode="phone",
                starts_at=first + dt.timedelta(hours=i),
                participants="申请人张三；被申请人代理人王五",
                already_held=True,
            ),
            actor=staff(user),
        )
        do_record_minutes(
            session=session,
            data=MinutesInput(
                statements=f"第{i + 1}次调解。申请人称被申请人拖欠工资两个月；被申请人称资金周转困难，愿分期支付。",
                proposals="调解员建议双方就分期支付方案进一步协商。",
                signatures="双方当事人已签名",
            ),
            actor=staff(user),
        )
    return case


def stored(settings, relative: str) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / relative


def casefile_folder(settings, case) -> list[Path]:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "casefiles" / str(case.pk)
    return sorted(folder.iterdir()) if folder.exists() else []


def page_texts(path: Path) -> list[str]:
    """pdftotext of every page (layout kept, so each contents row stays on one line)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


def contents_rows(texts: list[str], front: int) -> list[tuple[str, int, int]]:
    rows = []
    for text in texts[1:front]:
        for line in text.splitlines():
            m = NUMBER.search(line)
            if m:
                start = int(m.group(3))
                rows.append((m.group(1), start, int(m.group(4) or start)))
    return rows


def test_fifty_documents_in_one_case_file(org_a, mediator_a, settings, django_capture_on_commit_callbacks):
    """The application, the acceptance, 47 sessions' minutes and the acceptance's 送达回证 (applicable once the
    acceptance exists: a second round), all issued by the job itself."""
    case = case_with_minutes(org_a, mediator_a, 47)
    with django_capture_on_commit_callbacks() as queued:
        job = do_request_case_file(case=case, user=mediator_a, issue_missing=True)
    assert len(queued) == 1  # the task goes to the worker on commit

    # Progress as the page would poll it: read the job's row before each document is issued.
    seen: list[tuple[str, int, int]] = []
    real_issue = casefile.do_issue_document

    def observed_issue(**kwargs):
        row = CaseFileJob.objects.get(pk=job.pk)
        seen.append((row.state, row.done, row.total))
        return real_issue(**kwargs)

    casefile.do_issue_document = observed_issue
    try:
        started = time.monotonic()
        assert run_case_file_job(job.pk) is True
        elapsed = time.monotonic() - started
    finally:
        casefile.do_issue_document = real_issue
    print(f"\n50-document case file: {elapsed:.1f} s (issue 50 documents + cover/contents + merge)")

    job.refresh_from_db()
    assert job.state == CaseFileJob.State.DONE, job.message
    assert job.done == job.total == 50
    assert seen == [(CaseFileJob.State.RUNNING, i, 49) for i in range(49)] + [(CaseFileJob.State.RUNNING, 49, 50)]
    documents = list(Document.objects.filter(case=case))
    assert len(documents) == 50
    assert sum(d.kind == Kind.MINUTES for d in documents) == 47
    acceptance = Document.objects.get(case=case, kind=Kind.ACCEPTANCE)
    assert Document.objects.get(case=case, kind=Kind.SERVICE_RECEIPT).subject == f"doc:{acceptance.pk}"

    path = stored(settings, job.pdf_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o440
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == job.pdf_sha256
    reader = PdfReader(io.BytesIO(data))
    document_pages = sum(DocumentVersion.objects.filter(document__case=case).values_list("pdf_pages", flat=True))
    front = len(reader.pages) - document_pages
    assert front >= 2  # cover + at least one page of contents
    assert job.pdf_pages == len(reader.pages)
    pdfinfo = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(rf"^Pages:\s+{job.pdf_pages}$", pdfinfo, re.M)

    texts = page_texts(path)
    assert len(texts) == job.pdf_pages
    assert "劳动争议调解案件卷宗" in texts[0] and f"{job.pdf_pages}页" in texts[0]
    case.refresh_from_db()
    assert case.number and case.number in texts[0].replace(" ", "")  # the cover names the case by its number
    rows = contents_rows(texts, front)
    assert [number for number, _s, _e in rows] == [
        d.number for d in casefile.case_file_order(documents)
    ]  # every document, in case-file order: application, acceptance, then the minutes
    assert rows[0][0] == Document.objects.get(case=case, kind=Kind.APPLICATION).number
    expected_start = front + 1
    by_number = {d.number: d for d in documents}
    for number, start, end in rows:
        assert start == expected_start, number
        assert end - start + 1 == by_number[number].versions.get().pdf_pages
        assert number in texts[start - 1], f"page {start} should open {number}"
        expected_start = end + 1
    assert expected_start - 1 == job.pdf_pages
    # The personal numbers the application prints, for the download log.
    assert sorted(f for _t, _i, f in job.pii_fields) == ["id_number", "phone"]
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DOCUMENT, data__case_file=job.pk).count() == 1

    # Again, now that everything is issued: only the cover, the contents and the merge.
    again = do_request_case_file(case=case, user=mediator_a, issue_missing=True)
    started = time.monotonic()
    assert run_case_file_job(again.pk) is True
    print(f"the same case file again, nothing left to issue: {time.monotonic() - started:.1f} s")
    again.refresh_from_db()
    assert again.done == again.total == 50 and again.pdf_pages == job.pdf_pages
    assert again.pdf_path != job.pdf_path and stored(settings, job.pdf_path).read_bytes() == data
    if os.environ.get("TIAOJIE_KEEP_CASEFILE"):  # to look at it: TIAOJIE_KEEP_CASEFILE=/tmp/casefile.pdf
        Path(os.environ["TIAOJIE_KEEP_CASEFILE"]).write_bytes(data)


def test_scans_follow_the_documents(org_a, mediator_a, settings):
    """A PDF scan goes in as it is, a PNG scan on an A4 page, a damaged PDF as a note page; all listed."""
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    acceptance = issue(case, mediator_a)
    blank = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)  # a Letter-size scan
    writer.add_blank_page(width=612, height=792)
    writer.write(blank)
    scans = [
        ("receipt.pdf", blank.getvalue()),
        ("receipt.png", seal_png(64)),
        ("damaged.pdf", b"%PDF-1.4\n% no objects at all\n%%EOF\n"),
    ]
    for minute, (name, content) in enumerate(scans):
        upload = SimpleUploadedFile(name, content)
        do_record_service(
            document=acceptance,
            data=ServiceInput(
                method=Service.Method.IN_PERSON,
                served_at=timezone.now() - dt.timedelta(seconds=60 - 10 * minute),
                receiver="李四",
                outcome=Service.Outcome.SIGNED,
                server_name="调解员甲",
            ),
            user=mediator_a,
            scan=(upload, upload.size, name),
        )
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=False)
    assert run_case_file_job(job.pk)
    job.refresh_from_db()
    assert job.state == CaseFileJob.State.DONE and job.done == job.total == 1
    path = stored(settings, job.pdf_path)
    reader = PdfReader(path)
    doc_pages = acceptance.versions.get().pdf_pages
    front = 2
    assert len(reader.pages) == front + doc_pages + 2 + 1 + 1
    png_page = reader.pages[front + doc_pages + 2]
    assert (round(float(png_page.mediabox.width)), round(float(png_page.mediabox.height))) == (595, 842)  # A4
    texts = page_texts(path)
    assert texts[1].count("送达回证扫描件") == 3
    assert "无法并入卷宗" in texts[-1]
    assert [(s, e) for _n, s, e in contents_rows(texts, front)] == [
        (3, 2 + doc_pages),
        (3 + doc_pages, 4 + doc_pages),
        (5 + doc_pages, 5 + doc_pages),
        (6 + doc_pages, 6 + doc_pages),
    ]


def test_failure_midway_leaves_a_message_and_no_file(org_a, mediator_a, settings):
    case = case_with_minutes(org_a, mediator_a, 1, **anonymous_workers())
    calls = []
    real_issue = casefile.do_issue_document

    def failing_issue(**kwargs):
        calls.append(kwargs["kind"])
        if len(calls) == 2:
            raise RuntimeError("renderer crashed: traceback details")
        return real_issue(**kwargs)

    job = do_request_case_file(case=case, user=mediator_a, issue_missing=True)
    casefile.do_issue_document = failing_issue
    try:
        assert run_case_file_job(job.pk) is False
    finally:
        casefile.do_issue_document = real_issue
    job.refresh_from_db()
    assert job.state == CaseFileJob.State.FAILED
    assert re.search(r"[\u4e00-\u9fff]", job.message) and "traceback" not in job.message.lower()
    assert job.pdf_path == "" and job.finished_at is not None
    assert job.done == 1 and job.total == 3
    assert casefile_folder(settings, case) == []
    assert Document.objects.filter(case=case).count() == 1  # what was issued stays issued


def test_failure_after_the_file_is_written_removes_it(org_a, mediator_a, settings, monkeypatch):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    issue(case, mediator_a)
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=False)

    def boom(*groups, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(case_actions, "insert_together", boom)  # record_case_event's write of the event
    assert run_case_file_job(job.pk) is False
    job.refresh_from_db()
    assert job.state == CaseFileJob.State.FAILED and job.pdf_path == ""
    assert casefile_folder(settings, case) == []


def test_a_tampered_document_file_fails_the_build(org_a, mediator_a, settings):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    document = issue(case, mediator_a)
    path = stored(settings, document.versions.get().pdf_path)
    path.chmod(0o640)
    path.write_bytes(path.read_bytes() + b"\n% appended\n")
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=False)
    assert run_case_file_job(job.pk) is False
    job.refresh_from_db()
    assert job.state == CaseFileJob.State.FAILED and document.number in job.message and "校验" in job.message


def test_the_same_job_runs_once(org_a, mediator_a, settings):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    issue(case, mediator_a)
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=False)
    assert run_case_file_job(job.pk) is True
    assert run_case_file_job(job.pk) is False  # a second worker, or the task delivered twice
    job.refresh_from_db()
    assert job.state == CaseFileJob.State.DONE
    assert len(casefile_folder(settings, case)) == 1
    assert CaseEvent.objects.filter(case=case, data__case_file=job.pk).count() == 1


def test_one_job_at_a_time_and_a_stale_one_is_replaced(org_a, mediator_a):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    first = do_request_case_file(case=case, user=mediator_a, issue_missing=True)
    assert do_request_case_file(case=case, user=mediator_a, issue_missing=True) == first
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        assert first.stale
        second = do_request_case_file(case=case, user=mediator_a, issue_missing=False)
    assert second != first and second.issue_missing is False
    first.refresh_from_db()
    assert first.state == CaseFileJob.State.FAILED and first.message
    assert run_case_file_job(first.pk) is False  # its task, if it ever runs, does nothing


# --- progress seen from another connection, as the polling page sees it -----------------------------------


def read_elsewhere(job_id: int) -> tuple[int, int]:
    """The job's progress read on a separate database connection: only committed rows are visible there."""
    result: list[tuple[int, int]] = []

    def read() -> None:
        try:
            row = CaseFileJob.objects.get(pk=job_id)
            result.append((row.done, row.total))
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(30)
    return result[0]


@pytest.fixture
def tasks_in_database(settings):
    """The case-file job is queued as in production (the root conftest otherwise runs tasks at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_progress_is_committed_step_by_step(transactional_db, tasks_in_database, org_a, mediator_a):
    # No personal numbers printed: SQLite cannot flush the append-only access log after a transactional test.
    case = case_with_minutes(org_a, mediator_a, 2, **anonymous_workers())
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=True)
    seen = []
    real_issue = casefile.do_issue_document

    def observed_issue(**kwargs):
        seen.append(read_elsewhere(job.pk))
        return real_issue(**kwargs)

    casefile.do_issue_document = observed_issue
    try:
        assert run_case_file_job(job.pk)
    finally:
        casefile.do_issue_document = real_issue
    # Application, acceptance, two minutes; then the acceptance's 送达回证, which the acceptance made applicable.
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 5)]
    assert read_elsewhere(job.pk) == (5, 5)


def test_request_queues_a_task_the_db_worker_runs(transactional_db, tasks_in_database, org_a, mediator_a):
    """Committed for real (the worker closes its connection, as in production): the task is queued on commit and
    `db_worker --batch` builds the case file."""
    from django_tasks_db.models import DBTaskResult

    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=True)
    assert DBTaskResult.objects.filter(task_path="tiaojie.documents.tasks.build_case_file").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.state == CaseFileJob.State.DONE, job.message
    assert job.total == 3  # application, acceptance and its 送达回证, issued by the worker as the requester
    assert Document.objects.get(case=case, kind=Kind.ACCEPTANCE).issued_by == mediator_a
    assert DBTaskResult.objects.get(task_path="tiaojie.documents.tasks.build_case_file").return_value is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs parallel writers (PostgreSQL)")
def test_two_workers_at_once_build_once(transactional_db, tasks_in_database, org_a, mediator_a, settings):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    issue(case, mediator_a)
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=False)
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def run() -> None:
        try:
            barrier.wait(10)
            results.append(run_case_file_job(job.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == [False, True]
    assert len(casefile_folder(settings, case)) == 1


# --- views ---------------------------------------------------------------------------------------------------


def test_partial_without_a_job_offers_the_button(rf, org_a, mediator_a):
    from django.template.loader import render_to_string

    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    request = rf.get("/")
    request.user = mediator_a
    context = {"case": case, "case_file_job": None, "casefile_missing": ["受理通知书", "送达回证 受理通知书 X"]}
    html = render_to_string("documents/_casefile.html", context, request=request)
    assert "生成卷宗" in html
    # Never ticked by default, and the person deciding sees what ticking it would number.
    assert re.search(r'<input type="checkbox" name="issue_missing" value="1" id="casefile-issue-missing">', html)
    assert "checked" not in html
    assert "<li>受理通知书</li>" in html and "<li>送达回证 受理通知书 X</li>" in html
    assert "hx-trigger" not in html
    # Nothing left to issue: no box at all.
    context["casefile_missing"] = []
    html = render_to_string("documents/_casefile.html", context, request=request)
    assert "issue_missing" not in html and "生成卷宗" in html


def test_default_case_file_issues_nothing_and_the_form_lists_what_it_would(
    client, org_a, mediator_a, settings, django_capture_on_commit_callbacks
):
    """The form posted as shown (box untouched) numbers nothing: only what was issued before is in the file."""
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    client.force_login(mediator_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    listed = re.search(r'<div class="muted" id="casefile-missing">(.*?)</div>', page, re.S)
    assert listed is not None and "受理通知书" in listed.group(1)
    assert not re.search(r'name="issue_missing"[^>]*checked', page)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:casefile_request", args=[case.pk]), {}, HTTP_HX_REQUEST="true")
    job = CaseFileJob.objects.get(case=case)
    assert job.issue_missing is False
    assert job.state == CaseFileJob.State.DONE, job.message
    assert Document.objects.filter(case=case).count() == 0
    assert job.total == 0


def test_request_view_htmx_and_plain(client, org_a, mediator_a, django_capture_on_commit_callbacks):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    client.force_login(mediator_a)
    url = reverse("documents:casefile_request", args=[case.pk])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {}, HTTP_HX_REQUEST="true")  # checkbox unticked
    assert response.status_code == 200
    job = CaseFileJob.objects.get(case=case)
    assert job.issue_missing is False
    html = response.content.decode()
    assert 'id="casefile"' in html
    assert f'hx-get="{reverse("documents:casefile_status", args=[job.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html
    # A plain form post goes back to the case page; the running job is reused.
    response = client.post(url, {"issue_missing": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk]) + "#casefile"
    assert CaseFileJob.objects.filter(case=case).count() == 1


def test_status_polls_while_running_and_stops_when_done(client, org_a, mediator_a, settings):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    issue(case, mediator_a)
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=True)
    client.force_login(mediator_a)
    url = reverse("documents:casefile_status", args=[job.pk])
    CaseFileJob.objects.filter(pk=job.pk).update(state="running", done=1, total=2)
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in html and "已完成 1 / 2" in html and "<progress" in html
    CaseFileJob.objects.filter(pk=job.pk).update(state="queued", done=0, total=0)
    assert run_case_file_job(job.pk)
    job.refresh_from_db()
    html = client.get(url).content.decode()
    assert "hx-trigger" not in html
    assert reverse("documents:casefile_download", args=[job.pk]) in html
    assert f"共 {job.pdf_pages} 页" in html


def test_status_shows_the_failure_and_a_retry_button(client, org_a, mediator_a):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=True)
    CaseFileJob.objects.filter(pk=job.pk).update(state="failed", message="出具受理通知书时出错：测试")
    client.force_login(mediator_a)
    html = client.get(reverse("documents:casefile_status", args=[job.pk])).content.decode()
    assert "出具受理通知书时出错：测试" in html and "重试" in html and "hx-trigger" not in html


def test_download_is_an_attachment_and_logs_personal_numbers(client, org_a, mediator_a, supervisor_county, settings):
    case = accepted_case(org_a, mediator_a)  # 张三 with ID and phone: the application prints both
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=True)
    assert run_case_file_job(job.pk)
    job.refresh_from_db()
    url = reverse("documents:casefile_download", args=[job.pk])
    for user in (mediator_a, supervisor_county):  # reading the case is enough (a supervisor states a purpose)
        client.force_login(user)
        before = PiiAccessLog.objects.filter(user=user).count()
        response = client.get(url, {"purpose": "案卷评查"})
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert body == stored(settings, job.pdf_path).read_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=UTF-8''%E5%8D%B7%E5%AE%97-{case.pk}.pdf" in disposition  # 卷宗-<pk>.pdf
        logged = PiiAccessLog.objects.filter(user=user).order_by("-pk")[:2]
        assert PiiAccessLog.objects.filter(user=user).count() == before + 2
        assert {row.field for row in logged} == {"id_number", "phone"}
        assert all(row.purpose.startswith(f"download case file {job.pk}") for row in logged)


def test_other_organisation_and_anonymous(client, org_a, mediator_a, mediator_b, supervisor_county):
    case = accepted_case(org_a, mediator_a, **anonymous_workers())
    job = do_request_case_file(case=case, user=mediator_a, issue_missing=True)
    urls = [
        reverse("documents:casefile_status", args=[job.pk]),
        reverse("documents:casefile_download", args=[job.pk]),
    ]
    client.force_login(mediator_b)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(reverse("documents:casefile_request", args=[case.pk])).status_code == 404
    client.force_login(supervisor_county)  # reads, but cannot request
    assert client.get(urls[0]).status_code == 200
    assert client.post(reverse("documents:casefile_request", args=[case.pk])).status_code == 404
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
