"""English second, for real (docs/i18n.md): the language switch on every page and remembered; SMS in the
language of their recipient, whoever's action sends them; legal documents Chinese whatever the screen says."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.conf import settings
from django.test import Client, TestCase
from django.utils import translation

from tiaojie.cases.models import Case
from tiaojie.documents import kinds
from tiaojie.intake.tests.test_public import PHONE, apply_online, step
from tiaojie.lib import sms
from tiaojie.mediation import actions as mediation
from tiaojie.mediation.tests.factories import mediating_case, staff
from tiaojie.mediation.tests.test_mediation import session_input
from tiaojie.mediation.texts import decline_notice_text

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
COOKIE = settings.LANGUAGE_COOKIE_NAME
EMPLOYER_PHONE = "13900139000"
PUBLIC_PAGES = ["/", "/apply/", "/track/", "/calculators/", "/accounts/login/", "/apply/privacy/"]
STAFF_PAGES = ["/", "/cases/", "/intake/new/", "/notifications/", "/calculators/"]


def english(client: Client) -> Client:
    client.cookies[COOKIE] = "en"
    return client


def texts_to(phone: str) -> list[str]:
    return [text for to, text in sms.outbox if to == phone]


def switch_in(html: str) -> str:
    found = re.search(r'<form[^>]*data-testid="language-switch".*?</form>', html, flags=re.S)
    assert found, "no language switch on the page"
    return found.group(0)


class TestSwitch:
    @pytest.mark.parametrize("path", PUBLIC_PAGES)
    def test_every_public_page_offers_both_languages(self, client, path):
        response = client.get(path, follow=True)
        switch = switch_in(response.content.decode())
        assert 'action="/i18n/setlang/"' in switch
        assert 'value="en"' in switch and 'value="zh-hans"' in switch
        # Back to the same page after switching.
        assert f'name="next" value="{response.request["PATH_INFO"]}"' in switch

    @pytest.mark.parametrize("path", STAFF_PAGES)
    def test_every_staff_page_offers_both_languages(self, client, mediator_a, path):
        client.force_login(mediator_a)
        response = client.get(path, follow=True)
        assert response.status_code == 200
        assert 'value="en"' in switch_in(response.content.decode())

    def test_the_choice_is_remembered_for_a_year_and_follows_the_visitor(self, client):
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/apply/"})
        assert response.status_code == 302 and response["Location"] == "/apply/"
        cookie = response.cookies[COOKIE]
        assert cookie.value == "en" and int(cookie["max-age"]) == 365 * 24 * 3600
        assert cookie["samesite"] == "Lax" and cookie["httponly"]
        page = client.get("/apply/", follow=True).content.decode()
        assert '<html lang="en">' in page and "Apply for mediation online" in page
        # A new visit (the cookie is all the browser keeps) is still English; the switch back works too.
        assert "Track progress" in client.get("/track/").content.decode()
        client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
        assert "查询进度" in client.get("/track/").content.decode()

    def test_the_switch_refuses_a_foreign_next(self, client):
        response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
        assert response.status_code == 302 and not response["Location"].startswith("https://evil")

    def test_english_staff_pages_show_english_dates(self, client, mediator_a):
        case = mediating_case(mediator_a.memberships.first().organisation, mediator_a)
        client.force_login(mediator_a)
        page = english(client).get(f"/cases/{case.pk}/").content.decode()
        due = case.clock_a_due
        assert f"{due.day} {due.strftime('%b')} {due.year} 24:00" in page
        assert f"{due.year}年" not in page


CHROME_TAGS = re.compile(r"<(h1|h2|h3|label|button|th|legend|summary|title)\b([^>]*)>(.*?)</\1>", flags=re.S)


def chinese_chrome(html: str, data: list[str]) -> list[str]:
    """Headings, labels, buttons, table heads, summaries and the title that still hold Chinese once the data
    shown in them is removed (the switch's 简体中文, marked lang="zh-hans", is the one Chinese allowed)."""
    html = re.sub(r"<select\b.*?</select>", "", html, flags=re.S)
    left = []
    for _tag, attributes, inner in CHROME_TAGS.findall(html):
        if 'lang="zh-hans"' in attributes:
            continue
        text = re.sub(r"<[^>]+>", "", inner)
        for value in sorted(data, key=len, reverse=True):
            text = text.replace(value, "")
        if CJK.search(text):
            left.append(" ".join(text.split()))
    return left


def shown_data() -> list[str]:
    from tiaojie.cases.models import Case, Worker
    from tiaojie.organisations.models import Employer, Organisation

    return [
        *Organisation.objects.values_list("name", flat=True),
        *Employer.objects.values_list("name", flat=True),
        *Worker.objects.values_list("name", flat=True),
        *Case.objects.values_list("number", flat=True),  # 组调〔2026〕1号: the organisation's own designation
    ]


class TestEnglishChrome:
    """Beyond the browser journey: more pages, the same rule (a forgotten gettext or translation fails)."""

    @pytest.mark.parametrize(
        "path", ["/", "/apply/worker/", "/apply/employer/", "/track/", "/apply/privacy/", "/calculators/overtime/"]
    )
    def test_public_pages(self, client, path):
        response = english(client).get(path, follow=True)
        assert response.status_code == 200
        assert chinese_chrome(response.content.decode(), shown_data()) == []

    @pytest.mark.parametrize(
        "path", ["/cases/", "/intake/new/", "/intake/alerts/", "/notifications/", "/accounts/security/",
                 "/accounts/password/", "case", "/calculators/annual-leave/"],
    )  # fmt: skip
    def test_staff_pages(self, client, mediator_a, path):
        case = mediating_case(mediator_a.memberships.first().organisation, mediator_a)
        client.force_login(mediator_a)
        response = english(client).get(f"/cases/{case.pk}/" if path == "case" else path, follow=True)
        assert response.status_code == 200
        assert chinese_chrome(response.content.decode(), shown_data()) == []

    def test_the_check_finds_a_chinese_label(self):
        assert chinese_chrome('<label>请求事项</label><button lang="zh-hans">简体中文</button>', []) == ["请求事项"]


def apply_in(client: Client) -> Case:
    """The public form from the first step to submission, in the language `client` has chosen."""
    apply_online(client)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(step("submit"), {"nav": "sendcode"}).status_code == 302
    code = re.search(r"(\d{6})", texts_to(PHONE)[-1]).group(1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(step("submit"), {"confirm": "on", "nav": "submit", "sms_code": code})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.get()


class TestSmsLanguage:
    def test_a_worker_who_applied_in_english_gets_english_sms_from_a_chinese_speaking_mediator(
        self, org_a, mediator_a, django_capture_on_commit_callbacks
    ):
        case = apply_in(english(Client()))
        assert case.language == "en"
        code_sms, tracking_sms = texts_to(PHONE)
        assert code_sms.startswith("[Labour dispute mediation] Code ") and not CJK.search(code_sms)
        assert "Case tracking code" in tracking_sms and not CJK.search(tracking_sms)
        # The mediator works in Chinese; the worker still reads English, the notice (a legal document) is Chinese.
        with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
            notice = mediation.do_issue_decline_notice(case=case, reason="不属于受理范围", actor_user=mediator_a)
        declined = texts_to(PHONE)[-1]
        assert declined.startswith(f"[{org_a.name}] Your mediation application of ")
        assert "has not been accepted" in declined and "You may apply for arbitration" in declined
        assert notice.text.startswith("不予受理通知书")

    def test_a_worker_who_applied_in_chinese_gets_chinese_from_an_english_speaking_mediator(
        self, org_a, mediator_a, django_capture_on_commit_callbacks
    ):
        case = apply_in(Client())
        assert case.language == "zh-hans"
        assert "案件查询码" in texts_to(PHONE)[-1]
        with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
            mediation.do_issue_decline_notice(case=case, reason="不属于受理范围", actor_user=mediator_a)
        assert "不予受理" in texts_to(PHONE)[-1]

    def test_staff_registered_cases_and_employers_get_chinese(
        self, org_a, mediator_a, django_capture_on_commit_callbacks
    ):
        case = mediating_case(org_a, mediator_a)
        assert case.language == "zh-hans"
        case.language = "en"  # as if the worker had applied in English
        case.save(update_fields=["language"])
        mediation.do_set_employer_contact(case=case, name="李经理", phone=EMPLOYER_PHONE, actor=staff(mediator_a))
        worker_phone = case.workers.get().reveal("phone")
        sms.outbox.clear()
        with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
            mediation.do_schedule_session(case=case, data=session_input(notify_parties=True), actor=staff(mediator_a))
        (to_worker,) = texts_to(worker_phone)
        (to_employer,) = texts_to(EMPLOYER_PHONE)
        assert "Your labour dispute mediation is set for" in to_worker
        assert "In person" in to_worker  # the mode's label in the worker's language too
        assert "您的劳动争议调解定于" in to_employer and "现场调解" in to_employer


class TestDocumentsStayChinese:
    def test_a_document_built_while_the_screen_is_english_is_chinese(self, org_a, mediator_a):
        case = mediating_case(org_a, mediator_a)
        with translation.override("en"):
            content = kinds.build(case, "application")
        text = str(dataclasses.asdict(content))
        assert case.get_channel_display() in text  # the channel label, read in Chinese
        with translation.override("zh-hans"):
            assert str(case.get_channel_display()) in text
        assert "Online application" not in text and "In person" not in text

    def test_the_decline_notice_text_is_chinese_under_english(self, org_a, mediator_a):
        case = mediating_case(org_a, mediator_a)
        with translation.override("en"):
            text = decline_notice_text(case, "理由", case.received_at.date())
        assert text.startswith("不予受理通知书") and "Notice of refusal" not in text
        assert f"{case.received_at.year}年" in text  # the Chinese date, not 10 Mar 2026
