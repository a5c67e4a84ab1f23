"""Coverage of the 2025 targets, and the import of the register of enterprises above designated size."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from tiaojie.analytics.models import (
    ArbitrationInstitute,
    Chamber,
    CoverageMetric,
    CoverageTarget,
    EnterpriseImport,
    HighIncidenceTownship,
)
from tiaojie.organisations.models import Employer
from tiaojie.organisations.tests.factories import EmployerFactory, OrganisationFactory, UserFactory, valid_credit_code

pytestmark = pytest.mark.django_db
YEAR = 2025
HEADER = ["单位名称", "统一社会信用代码", "所在区划代码", "行业门类", "规模"]


@pytest.fixture
def registers(org_a):
    """余杭区: three enterprises above designated size (one with a committee), two high-incidence townships
    (仓前 has organisation A, a township centre), an institute with a centre and two chambers (one organised)."""
    big = [EmployerFactory(name=f"规上{i}", size=Employer.Size.ABOVE_SCALE, division_id="330110012") for i in range(3)]
    EmployerFactory(name="小微", size=Employer.Size.SMALL_MICRO, division_id="330110012")
    EmployerFactory(name="西湖规上", size=Employer.Size.ABOVE_SCALE, division_id="330106011")
    OrganisationFactory(name="规上0调委会", type_id="enterprise_committee", employer=big[0], division_id="330110012")
    HighIncidenceTownship.objects.create(division_id="330110012", year=YEAR)
    HighIncidenceTownship.objects.create(division_id="330110005", year=YEAR)
    HighIncidenceTownship.objects.create(division_id="330110005", year=YEAR - 1)
    ArbitrationInstitute.objects.create(division_id="330110", name="余杭区劳动人事争议仲裁院")
    OrganisationFactory(name="余杭仲裁院调解中心", type_id="arbitration_centre", division_id="330110")
    chamber_org = OrganisationFactory(name="余杭电商商会调委会", type_id="chamber", division_id="330110")
    Chamber.objects.create(name="余杭电商商会", division_id="330110", industry="I", organisation=chamber_org)
    Chamber.objects.create(name="余杭服装商会", division_id="330110", industry="C")
    CoverageTarget.objects.create(
        division=None, metric=CoverageMetric.ENTERPRISE_COMMITTEE, target_percent=80, year=YEAR
    )
    CoverageTarget.objects.create(
        division_id="330110", metric=CoverageMetric.ENTERPRISE_COMMITTEE, target_percent=Decimal("90"), year=YEAR
    )
    return big


def test_county_coverage_against_targets(client, supervisor_county, registers):
    client.force_login(supervisor_county)
    response = client.get("/analytics/coverage/330110/", {"year": YEAR})
    assert response.status_code == 200
    report = response.context["r"]
    overall = report.overall
    assert (overall[CoverageMetric.ENTERPRISE_COMMITTEE].done, overall[CoverageMetric.ENTERPRISE_COMMITTEE].total) == (
        1,
        3,
    )
    hi = overall[CoverageMetric.HIGH_INCIDENCE_TOWNSHIP_CENTRE]
    assert (hi.done, hi.total) == (1, 2)
    assert (overall[CoverageMetric.ARBITRATION_CENTRE].done, overall[CoverageMetric.ARBITRATION_CENTRE].total) == (1, 1)
    assert (overall[CoverageMetric.CHAMBER].done, overall[CoverageMetric.CHAMBER].total) == (1, 2)
    assert report.targets[CoverageMetric.ENTERPRISE_COMMITTEE] == Decimal("90")  # the county's own target
    assert report.targets[CoverageMetric.CHAMBER] is None
    by_region = report.table("by_region")
    cangqian = next(r for r in by_region.rows if r.cells["name"] == "仓前街道")
    assert cangqian.cells["enterprise_committee_total"] == 3
    assert cangqian.cells["township_centre_done"] == 1
    assert cangqian.url == "/analytics/coverage/330110012/"
    townships = {r.cells["name"]: r.cells for r in report.table("townships").rows}
    assert townships["仓前街道"]["centre"] == "已建" and townships["仓前街道"]["high"] == "是"
    assert townships["闲林街道"]["centre"] == "未建"
    missing = [e.name for e in report.missing_committees]
    assert sorted(missing) == ["规上1", "规上2"]
    html = response.content.decode()
    assert "规模以上企业建立调解委员会" in html and "人社厅发〔2023〕36号" in html


def test_national_coverage_uses_the_national_target(client, supervisor_national, registers):
    client.force_login(supervisor_national)
    report = client.get("/analytics/coverage/", {"year": YEAR}).context["r"]
    assert report.overall[CoverageMetric.ENTERPRISE_COMMITTEE].total == 4
    assert report.targets[CoverageMetric.ENTERPRISE_COMMITTEE] == Decimal("80")
    zhejiang = next(r for r in report.table("by_region").rows if r.cells["name"] == "浙江省")
    assert zhejiang.cells["enterprise_committee_target"] == 0.8


def test_coverage_exports(client, supervisor_county, registers):
    client.force_login(supervisor_county)
    response = client.get("/analytics/coverage/330110/export/missing_committees.csv")
    body = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == HEADER and sorted(r[0] for r in rows[1:]) == ["规上1", "规上2"]
    response = client.get("/analytics/coverage/330110/export/targets.xlsx", {"year": YEAR})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    enterprise = next(r for r in values if r[0] == "规模以上企业建立调解委员会")
    assert enterprise[1:5] == [1, 3, 33.33, 90.0]


def test_coverage_is_for_supervisors_of_the_region(client, supervisor_other_county, admin_a, mediator_a, registers):
    for user in (supervisor_other_county, admin_a, mediator_a):
        client.force_login(user)
        assert client.get("/analytics/coverage/330110/").status_code == 404
        assert client.get("/analytics/coverage/330110/export/targets.csv").status_code == 404
    client.force_login(admin_a)
    assert client.get("/analytics/coverage/").status_code == 404


# --- the enterprise register ---------------------------------------------------------------------------------


def workbook(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "名录.xlsx"):
    return client.post("/analytics/enterprises/import/", {"file": SimpleUploadedFile(name, content)}, follow=False)


def test_supervisor_imports_the_register_with_upsert(client, supervisor_county):
    existing = EmployerFactory(name="旧名称", size=Employer.Size.SMALL_MICRO, division_id="330110012")
    new_code = valid_credit_code()
    content = workbook(
        [
            ["新名称有限公司", existing.credit_code, "330110012", "C", "规模以上"],
            ["杭州新企业有限公司", new_code, 330110005000, "制造业", "中型"],  # 12-digit code typed as a number
        ]
    )
    client.force_login(supervisor_county)
    response = upload(client, content)
    assert response.status_code == 302
    existing.refresh_from_db()
    assert (existing.name, existing.size, existing.industry) == ("新名称有限公司", "above_scale", "C")
    created = Employer.objects.get(credit_code=new_code)
    assert (created.division_id, created.size, created.industry) == ("330110005", "medium", "C")
    audit = EnterpriseImport.objects.get()
    assert (audit.rows, audit.created, audit.updated, audit.imported_by) == (2, 1, 1, supervisor_county)


def test_a_bad_row_imports_nothing_and_reports_every_problem(client, supervisor_county):
    good = valid_credit_code()
    dup = valid_credit_code()
    content = workbook(
        [
            ["好企业", good, "330110012", "C", "规模以上"],
            ["坏代码", "91330110ABCDEFGH12", "330110012", "C", "规模以上"],
            ["无此区划", dup, "339999", "C", "规模以上"],
            ["重复代码", dup, "330110012", "Z", "巨型"],
            ["", valid_credit_code("330106"), "330106011", "", "小微"],
        ]
    )
    before = Employer.objects.count()
    client.force_login(supervisor_county)
    response = upload(client, content)
    assert response.status_code == 200
    errors = {(e.row, e.column) for e in response.context["errors"]}
    assert (3, "统一社会信用代码") in errors
    assert (4, "所在区划代码") in errors
    assert (5, "统一社会信用代码") in errors  # duplicate of row 4
    assert (5, "行业门类") in errors and (5, "规模") in errors
    assert (6, "单位名称") in errors
    assert (6, "所在区划代码") in errors  # 西湖区 is outside the county supervisor's scope
    assert (2, "统一社会信用代码") not in errors
    assert Employer.objects.count() == before
    assert not EnterpriseImport.objects.exists()
    html = response.content.decode()
    assert "未导入任何数据" in html and "统一社会信用代码无效" in html


def test_missing_columns_and_wrong_files(client, supervisor_county):
    client.force_login(supervisor_county)
    response = upload(client, workbook([["甲", valid_credit_code()]], header=["单位名称", "统一社会信用代码"]))
    assert {e.column for e in response.context["errors"]} == {"所在区划代码", "行业门类", "规模"}
    response = upload(client, b"not a workbook")
    assert response.context["errors"][0].row == 0
    response = upload(client, b"a,b", name="名录.csv")
    assert "xlsx" in response.content.decode()


def test_who_may_import(client, mediator_a, admin_a, db):
    for user in (mediator_a, admin_a):
        client.force_login(user)
        assert client.get("/analytics/enterprises/import/").status_code == 404
    staff = UserFactory(username="staff_importer", is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/analytics/enterprises/import/").status_code == 200
    response = upload(client, workbook([["西湖企业", valid_credit_code("330106"), "330106011", "C", "规上"]]))
    assert response.status_code == 302  # staff with the employer permission may import anywhere


def test_management_command(tmp_path, db):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook([["命令导入有限公司", valid_credit_code(), "330110012", "C", "规模以上"]]))
    out = io.StringIO()
    call_command("import-enterprises", str(good), stdout=out)
    assert "新增1家" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([["坏", "123", "330110012", "C", "规模以上"]]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import-enterprises", str(bad), stderr=err)
    assert "第2行" in err.getvalue()
