"""The production check's smoke journey (scripts/prod-check), in a real browser against the real stack: gunicorn
with DEBUG off, the task worker, the deadline watcher, PostgreSQL and the fake SMS gateway.

1. /healthz answers 200: database, migrations, the watcher's and the worker's heartbeats, disk.
2. A worker applies on a 360 px phone; the verification code arrives through the gateway (sent by the worker
   process), the tracking code too.
3. A mediator logs in with password and authenticator code, opens the case, accepts it, issues the 受理通知书 and
   downloads the PDF (a real PDF with the document's number).
4. The watcher's reminder for the seeded case (clock A ends in two days) reaches the worker's phone through the
   gateway, and the mediator's notifications page lists it.

    python scripts/prodcheck/smoke.py --base http://127.0.0.1:8765 --sms-log var/prodcheck/sms.jsonl --seed seed.json

Prints what it saw, one line a step; exits 1 at the first step that fails.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect, sync_playwright
from shared import healthz, totp_code
from shared import wait_for as _wait_for

PHONE = "13912345678"
CHROMIUM = "/usr/bin/chromium"
PHONE_360 = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def say(step: str, text: str) -> None:
    print(f"smoke {step}: {text}", flush=True)


def wait_for(what: str, probe: Callable[[], Any], seconds: float = 90) -> Any:
    return _wait_for(what, probe, seconds, check="smoke")


def sms_to(log: Path, phone: str, pattern: str) -> list[dict]:
    if not log.exists():
        return []
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["phone"] == phone and re.search(pattern, r["content"])]


def apply_online(page: Page, base: str, log: Path) -> str:
    page.goto(f"{base}/")
    page.get_by_role("main").get_by_role("link", name="申请调解").tap()
    page.locator("[name=name]").fill("李四")
    page.locator("[name=id_number]").fill("33010619900101001" + check_char("33010619900101001"))
    page.locator("[name=phone]").fill(PHONE)
    page.get_by_label(re.compile("我已阅读《个人信息保护说明》")).check()
    page.get_by_label(re.compile("我单独同意调解组织处理我的身份证号码")).check()
    page.get_by_role("button", name="下一步", exact=True).tap()
    expect(page).to_have_url(f"{base}/apply/employer/")
    page.locator("[name=employer_name]").fill("杭州某某小吃店")
    selects = page.locator("#division-picker select[name=pick]")
    for depth, code in enumerate(["33", "3301", "330110", "330110012"]):
        expect(selects).to_have_count(depth + 1)
        selects.nth(depth).select_option(code)
        expect(page.locator("#division-picker [name=division_code]")).to_have_value(code)
        expect(page.locator("#division-picker.htmx-settling")).to_have_count(0)
    page.get_by_role("button", name="下一步", exact=True).tap()
    expect(page).to_have_url(f"{base}/apply/facts/")
    page.locator("[name=facts]").fill("我在店里做厨师，老板拖欠我三个月工资。")
    page.locator("[name=employment_start]").fill("2024-03-01")
    page.get_by_label("还在工作").check()
    page.get_by_role("button", name="下一步", exact=True).tap()
    expect(page).to_have_url(f"{base}/apply/claims/")
    page.get_by_role("checkbox", name="劳动报酬").check()
    page.locator("[name=amount_wages]").fill("15000")
    page.get_by_role("button", name="下一步", exact=True).tap()
    expect(page).to_have_url(f"{base}/apply/submit/")
    page.get_by_role("button", name="获取验证码").tap()
    expect(page.locator("main")).to_contain_text("验证码已发送到 139****5678")
    texted = wait_for("the verification code SMS", lambda: sms_to(log, PHONE, r"验证码 \d{6}"))
    code = re.search(r"验证码 (\d{6})", texted[-1]["content"]).group(1)  # type: ignore[union-attr]
    say("apply", f"verification SMS through the gateway: {texted[-1]['content'][:40]}…")
    page.locator("[name=sms_code]").fill(code)
    page.get_by_label("我确认以上内容是真实的").check()
    page.get_by_role("button", name="提交申请").tap()
    expect(page).to_have_url(f"{base}/apply/done/")
    tracking = page.locator("#tracking-code").inner_text()
    wait_for("the tracking code SMS", lambda: sms_to(log, PHONE, re.escape(tracking)))
    say(
        "apply",
        f"submitted; tracking code {tracking} shown and sent by SMS; "
        f"routed to {page.locator('#routed-to').inner_text()}",
    )
    return tracking


def check_char(body: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def staff_journey(page: Page, base: str, seed: dict, out: Path) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(seed["username"])
    page.locator("input[name=password]").fill(seed["password"])
    page.locator("form:not(.language-switch) button[type=submit]").click()
    expect(page).to_have_url(f"{base}/accounts/login/verify/")
    page.locator("input[name=token]").fill(totp_code(seed["totp_key"]))
    page.get_by_role("button", name="验证并登录").click()
    expect(page).to_have_url(f"{base}/cases/")
    say("staff", "logged in with password and authenticator code")
    row = page.locator("tr", has_text="杭州某某小吃店")
    row.locator("a.case-number").click()
    expect(page.locator("#case-status")).to_have_text("已收到申请")
    number = page.locator("h1 .case-number, h1").first.inner_text().split()[0]
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator("#case-status")).to_have_text("已受理")
    say("staff", f"accepted {number.strip()[:40]}")
    documents = page.locator("#documents [data-kind=acceptance]")
    documents.get_by_role("button", name="出具").click()
    expect(documents.locator(".document-number")).not_to_be_empty()
    document_number = documents.locator(".document-number").inner_text()
    with page.expect_download() as download_info:
        page.locator("#documents [data-kind=acceptance]").get_by_role("link", name="下载 PDF").click()
    download = download_info.value
    pdf = out / "acceptance.pdf"
    download.save_as(pdf)
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise SystemExit("smoke: the downloaded document is not a PDF")
    say("staff", f"issued 受理通知书 {document_number}; downloaded {download.suggested_filename} ({len(data)} bytes)")


def reminder(page: Page, base: str, seed: dict, log: Path, mail: Path) -> None:
    sent = wait_for("the watcher's reminder SMS", lambda: sms_to(log, seed["reminded_phone"], "调解期限"), seconds=120)
    say("reminder", f"SMS to the seeded case's worker through the gateway: {sent[-1]['content'][:70]}…")
    mails = wait_for("the reminder email to the mediator", lambda: sorted(mail.glob("*.log")), seconds=60)
    body = "".join(m.read_text(encoding="utf-8", errors="replace") for m in mails)
    if "mediator@prodcheck.test" not in body:
        raise SystemExit("smoke: the reminder email did not go to the mediator")
    say("reminder", f"email to the mediator written by the worker ({len(mails)} message file(s))")
    page.goto(f"{base}/notifications/")
    expect(page.locator("main")).to_contain_text(seed["reminded_case"])
    say("reminder", "the mediator's notifications page lists the reminder")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--sms-log", type=Path, required=True)
    parser.add_argument("--seed", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    seed = json.loads(args.seed.read_text(encoding="utf-8"))
    health = wait_for("/healthz to answer 200", lambda: healthz(args.base), seconds=120)
    checks = health["checks"]
    say(
        "healthz",
        f"200 {health['status']}; watcher {checks['watcher']['age_s']} s ago, "
        f"worker {checks['worker']['age_s']} s ago, "
        f"{checks['disk']['free_bytes'] // 2**30} GiB free",
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        expect.set_options(timeout=20_000)
        apply_online(browser.new_context(**PHONE_360, locale="zh-CN").new_page(), args.base, args.sms_log)
        staff = browser.new_context(accept_downloads=True, locale="zh-CN").new_page()
        staff_journey(staff, args.base, seed, args.out)
        reminder(staff, args.base, seed, args.sms_log, args.out / "mail")
        browser.close()
    say("done", "every step passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as exc:
        print(f"smoke: FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
