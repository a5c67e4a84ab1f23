"""The legal bases beside rules, transitions, deadlines and routing decisions (docs/i18n.md): stored and printed
in Chinese, shown on an English page in English through `|translate_stored`, unchanged on a Chinese page."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from tiaojie.cases import retention, transitions
from tiaojie.cases.actions import do_transition_case
from tiaojie.cases.models import Case, CaseEvent, Status
from tiaojie.cases.tests.factories import make_case
from tiaojie.documents import kinds
from tiaojie.intake import routing
from tiaojie.lib.stored_text import translate_stored
from tiaojie.mediation import rules
from tiaojie.mediation.tests.factories import agreed_case, in_days, mediating_case, staff
from tiaojie.site.tests.test_language import shown_data

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
STATES = ["received", "accepted", "mediating", "agreed"]


def case_in(state: str, org, user) -> Case:
    if state == "received":
        return make_case(org, user)
    if state == "accepted":
        case = make_case(org, user)
        do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(user))
        return case
    if state == "mediating":
        return mediating_case(org, user)
    return agreed_case(org, user, due=in_days(30))


def case_page(client: Client, case: Case, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Bases(HTMLParser):
    """The texts of the class="basis" elements, optionally only inside an element with the attribute `within`."""

    def __init__(self, within: tuple[str, str] | None) -> None:
        super().__init__()
        self.within, self.stack, self.found = within, [], []  # stack: (tag, is_scope, is_basis)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        is_basis = "basis" in (attrs.get("class") or "").split()
        self.stack.append((tag, self.within is not None and attrs.get(self.within[0]) == self.within[1], is_basis))
        if is_basis and (self.within is None or any(scope for _, scope, _ in self.stack)):
            self.found.append([len(self.stack), ""])

    def handle_endtag(self, tag):
        while self.stack:
            depth = len(self.stack)
            if self.found and self.found[-1][0] == depth and isinstance(self.found[-1][1], str):
                self.found[-1] = [None, self.found[-1][1]]  # closed: stop collecting
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.found and self.found[-1][0] is not None:
            self.found[-1][1] += data


def bases_in(html: str, within: tuple[str, str] | None = None) -> list[str]:
    """The text of every element the templates mark class="basis", whitespace collapsed."""
    parser = _Bases(within)
    parser.feed(html)
    return [" ".join(text.split()) for _, text in parser.found]


def every_basis() -> set[str]:
    """Every basis constant a page may show: the transitions, the periods, mediation's rules, routing, the
    retention event, and the document kinds (shown on the staff page, printed Chinese)."""
    found = {t.basis for t in transitions.TRANSITIONS} | {r.basis for r in routing.RULES}
    found |= {spec.basis for spec in kinds.REGISTRY.values()}
    found |= {transitions.PERIOD_RULE, retention.RETENTION_BASIS}
    for module in (transitions, rules):
        found |= {getattr(module, name) for name in dir(module) if name.endswith("_BASIS")}
    return found


# What each state's page must show in English: the basis of its own open period or next step, so a page that
# lost its bases (nothing left to be Chinese) fails too.
EXPECTED = {
    "received": "accepted within 3 working days of its receipt",
    # Organisation A is in Zhejiang: clock B is the province's rule (reference.rules, docs/law.md §3).
    "accepted": "ends the mediation within 15 days of receiving the application",
    "mediating": "no agreement within the mediation period counts as failed mediation",
    "agreed": "the mediation agreement binds both parties, who shall perform it",
}


class TestCasePage:
    @pytest.mark.parametrize("state", STATES)
    def test_english_page_shows_every_basis_in_english(self, client, org_a, mediator_a, state):
        # The mediator works in English from the start: what is stored must still be Chinese.
        with translation.override("en"):
            case = case_in(state, org_a, mediator_a)
        client.force_login(mediator_a)
        bases = bases_in(case_page(client, case, "en"))
        assert len(bases) >= 5  # deadlines, the period rule, the next steps, the history, the documents
        data = shown_data()
        left = []
        for text in bases:
            for value in sorted(data, key=len, reverse=True):
                text = text.replace(value, "")  # quoted names of the organisation or employer may stay
            if CJK.search(text):
                left.append(text)
        assert left == []
        assert any(EXPECTED[state] in text for text in bases), bases
        assert any("Labour Dispute Mediation and Arbitration Law, art. 14 para. 3" in text for text in bases)
        # The events keep the Chinese that applied when they happened.
        stored = [e.basis for e in CaseEvent.objects.filter(case=case).exclude(basis="")]
        assert all(CJK.search(b) for b in stored) and (state == "received" or stored)

    @pytest.mark.parametrize("state", STATES)
    def test_chinese_page_shows_the_chinese_basis_unchanged(self, client, org_a, mediator_a, state):
        case = case_in(state, org_a, mediator_a)
        client.force_login(mediator_a)
        html = case_page(client, case, "zh-hans")
        bases = bases_in(html)
        assert bases and not any("Labour Dispute" in text for text in bases)
        assert f"依据：{transitions.ACCEPTANCE_BASIS}" in bases
        assert f"期间计算：{transitions.PERIOD_RULE}" in bases
        events = CaseEvent.objects.filter(case=case).exclude(basis="")
        assert all(e.basis in bases for e in events) and (state == "received" or events)
        if state != "agreed":
            # The next steps' buttons show each transition's basis as written in transitions.py.
            for t in transitions.transitions_from(case.status, transitions.ActorKind.STAFF):
                assert t.basis in bases

    def test_an_accepted_event_is_stored_chinese_and_shown_english(self, client, org_a, mediator_a):
        case = make_case(org_a, mediator_a)
        with translation.override("en"):
            do_transition_case(case=case, to=Status.ACCEPTED, actor=staff(mediator_a))
        accepted = transitions.find_transition(Status.RECEIVED, Status.ACCEPTED)
        event = CaseEvent.objects.get(case=case, to_status=Status.ACCEPTED)
        assert event.basis == accepted.basis and event.basis.startswith("《企业劳动争议协商调解规定》")
        client.force_login(mediator_a)
        shown = bases_in(case_page(client, case, "en"), within=("id", "timeline"))
        assert shown == [
            "Provisions on Consultation and Mediation of Enterprise Labour Disputes (MOHRSS Order No. 17): an "
            "application within the organisation's remit, with both parties agreeing to mediation, is accepted "
            "within 3 working days of its receipt"
        ]


class TestDocumentsStayChinese:
    def test_the_agreement_built_under_english_cites_the_law_in_chinese(self, client, org_a, mediator_a):
        case = agreed_case(org_a, mediator_a, due=in_days(30))
        with translation.override("en"):
            text = str(dataclasses.asdict(kinds.build(case, "agreement")))
        assert "《民事诉讼法》第二百零五条、第二百零六条" in text  # kinds.agreement.JUDICIAL_BASIS, a msgid now
        assert "Civil Procedure Law" not in text and "Labour Dispute" not in text
        # The same basis is English beside the document's row on the English case page.
        client.force_login(mediator_a)
        (row,) = bases_in(case_page(client, case, "en"), within=("data-kind", "agreement"))
        assert row.startswith("Basis：Labour Dispute Mediation and Arbitration Law, art. 14 para. 2")
        assert not CJK.search(row)


class TestTranslateStored:
    def test_every_basis_has_english(self):
        bases = every_basis()
        assert len(bases) > 30
        with translation.override("en"):
            missing = [b for b in bases if translate_stored(b) == b or CJK.search(str(translate_stored(b)))]
        assert missing == []

    def test_chinese_passes_through_and_so_does_anything_not_in_the_catalogue(self):
        with translation.override("zh-hans"):
            assert translate_stored(rules.AGREEMENT_BASIS) == rules.AGREEMENT_BASIS
        with translation.override("en"):
            assert translate_stored(rules.AGREEMENT_BASIS).startswith("Labour Dispute Mediation and Arbitration Law")
            truncated = rules.AGREEMENT_BASIS[:-3]  # an older or cut wording: shown as stored, never half English
            assert translate_stored(truncated) == truncated
            assert translate_stored("申请人自行撤回") == "申请人自行撤回"
            assert translate_stored("") == "" and translate_stored(None) is None  # not the catalogue header

    def test_the_filter_escapes_what_it_returns(self):
        template = Template("{% load stored_text %}{{ text|translate_stored }}")
        assert template.render(Context({"text": "<b>依据</b>"})) == "&lt;b&gt;依据&lt;/b&gt;"


class TestPublicPages:
    def test_routing_and_tracking_bases_are_stored_chinese_and_shown_english(
        self, org_a, django_capture_on_commit_callbacks
    ):
        from tiaojie.intake.tests.test_public import PHONE, look_up, tracked

        with translation.override("en"):
            case, code = tracked.__wrapped__(org_a, django_capture_on_commit_callbacks)
        routed = CaseEvent.objects.filter(case=case).exclude(basis="").get()
        assert routed.basis in {r.basis for r in routing.RULES}  # the Chinese, whatever the language
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert look_up(client, code, PHONE).status_code == 302
        bases = bases_in(client.get("/track/").content.decode())
        cited = [b for b in bases if b.startswith("Basis")]
        assert len(cited) >= 2 and not any(CJK.search(b) for b in cited), cited
        assert any("Labour Dispute Mediation and Arbitration Law, art. 14 para. 3" in b for b in cited)
