"""The console SMS backend keeps codes and numbers out of a production log; `redact` hides what lets a reader act
as the party (codes, link tokens) and keeps the rest readable."""

from __future__ import annotations

import pytest

from tiaojie.lib.sms import ConsoleSmsBackend, redact

PHONE = "13912345678"
TRACKING = "【劳动争议调解】您的调解申请已收到，案件查询码 K7MP-2QRT-9XWZ。凭查询码和本手机号可查询办理进度。"
SIGNING = "【组织A】您正在确认签署调解协议书（案件12），验证码048213，10分钟内有效。请勿告诉他人。"
NEGOTIATION = (
    "【组织A】劳动者王五请求与贵单位就劳动争议进行协商。请于2025年6月13日前打开链接答复："
    "http://localhost:8000/mediation/n/q3Zr_8kPx-Lw2mVn5TbY1cDe4FgH6JiK/ 逾期未答复视为不愿协商。"
)


@pytest.mark.parametrize(
    ("text", "secret"),
    [(TRACKING, "K7MP-2QRT-9XWZ"), (SIGNING, "048213"), (NEGOTIATION, "q3Zr_8kPx-Lw2mVn5TbY1cDe4FgH6JiK")],
)
def test_redact_hides_codes_and_link_tokens(text, secret):
    assert secret in text
    shown = redact(text)
    assert secret not in shown
    for part in secret.replace("_", "-").split("-"):
        assert len(part) < 4 or part not in shown


def test_redact_keeps_the_message_readable():
    assert redact(TRACKING) == (
        "【劳动争议调解】您的调解申请已收到，案件查询码 ****。凭查询码和本手机号可查询办理进度。"
    )
    assert redact(SIGNING) == "【组织A】您正在确认签署调解协议书（案件12），验证码****，10分钟内有效。请勿告诉他人。"
    assert "2025年6月13日前打开链接答复：[链接] 逾期" in redact(NEGOTIATION)
    assert redact("ABC 12 x-y") == "ABC 12 x-y"  # short runs are not codes


def test_console_backend_without_debug_prints_no_code_and_no_full_number(settings, capsys):
    settings.DEBUG = False
    for text in (TRACKING, SIGNING, NEGOTIATION):
        ConsoleSmsBackend().send(PHONE, text)
    out = capsys.readouterr().out
    assert PHONE not in out and out.count("139****5678") == 3
    for secret in ("K7MP", "2QRT", "9XWZ", "048213", "q3Zr_8kPx", "/mediation/n/"):
        assert secret not in out
    assert f"({len(SIGNING)} chars)" in out


def test_console_backend_with_debug_prints_in_full_for_the_demo(settings, capsys):
    settings.DEBUG = True
    ConsoleSmsBackend().send(PHONE, SIGNING)
    assert capsys.readouterr().out == f"[SMS to {PHONE}] {SIGNING}\n"
