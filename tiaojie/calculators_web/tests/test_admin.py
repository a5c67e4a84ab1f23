import pytest

from tiaojie.calculators_web.models import LocalWageStandard

pytestmark = pytest.mark.django_db


def test_administrators_edit_the_wage_tables(admin_client):
    assert admin_client.get("/admin/calculators_web/localwagestandard/").status_code == 200
    response = admin_client.post(
        "/admin/calculators_web/localwagestandard/add/",
        {
            "division": "3201",
            "kind": "minimum_monthly",
            "effective_from": "2024-01-01",
            "amount": "2490.00",
            "source": "江苏省人民政府关于调整全省最低工资标准的通知",
            "note": "第一档",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LocalWageStandard.objects.get(division_id="3201").note == "第一档"


def test_a_county_is_refused_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/calculators_web/localwagestandard/add/",
        {"division": "320102", "kind": "minimum_monthly", "effective_from": "2024-01-01", "amount": "1", "source": "x"},
    )
    assert response.status_code == 200 and not LocalWageStandard.objects.filter(division_id="320102").exists()
