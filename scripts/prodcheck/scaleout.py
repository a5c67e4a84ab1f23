"""The scale-out check (scripts/scaleout-check): two gunicorn instances A and B, two task workers and two deadline
watchers on one database, and a streaming replica of it.

    python scripts/prodcheck/scaleout.py seed     # after prodcheck/seed.py: an API token, a county supervisor
    python scripts/prodcheck/scaleout.py check --a URL --b URL --out DIR --seed seed.json --seed-scaleout s.json

1. Sent once: the seeded case's reminders reach the fake gateway once each, though two watchers queue and two
   workers send (every request the gateway got is counted, repeated request ids included), and the emails too.
2. Seen at once: a holiday added to the calendar, and a new row of the wage table, change the next answer of
   both instances (the calendar is cached per process and checked against its revision; the wage table is read
   each time). The edits are made by this process, as an administrator's admin page or command would.
3. One session: a mediator logs in on A (password and authenticator code); B serves the case list to that
   cookie.
4. The replica: a county supervisor's statistics page, on B, is built from the replica (the instances' counters
   of blocks read there go up), with the replica's lag as /healthz reports it and as the primary sees it.

Prints one line a step; exits 1 at the first step that fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import django

django.setup()

from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from shared import healthz, totp_code  # noqa: E402
from shared import wait_for as _wait_for  # noqa: E402

from tiaojie.accounts.actions import do_create_api_token  # noqa: E402
from tiaojie.accounts.models import User  # noqa: E402
from tiaojie.calculators_web.models import LocalWageStandard  # noqa: E402
from tiaojie.notifications.models import Notification  # noqa: E402
from tiaojie.organisations.models import SupervisorScope  # noqa: E402
from tiaojie.reference.models import CalendarYear, SpecialDay  # noqa: E402

SUPERVISOR = "scaleout_supervisor"


def say(step: str, text: str) -> None:
    print(f"scaleout {step}: {text}", flush=True)


def fail(text: str) -> None:
    raise SystemExit(f"scaleout: FAILED: {text}")


def wait_for(what: str, probe: Any, seconds: float = 90) -> Any:
    return _wait_for(what, probe, seconds, check="scaleout")


def seed() -> None:
    mediator = User.objects.get(username="prodcheck_mediator")
    token = do_create_api_token(user=mediator, name="scaleout")
    password = "Sc4le-out-" + token[-12:]
    supervisor = User.objects.create_user(username=SUPERVISOR, password=password)
    SupervisorScope.objects.create(user=supervisor, division_id="330110", department="hrss")
    device = TOTPDevice.objects.create(user=supervisor, name="scaleout", confirmed=True)
    json.dump({"token": token, "supervisor": SUPERVISOR, "password": password, "totp_key": device.key}, sys.stdout)


# --- HTTP -----------------------------------------------------------------------------------------------------


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def get(client: urllib.request.OpenerDirector, url: str) -> tuple[int, str, str]:
    try:
        with client.open(url, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, url, exc.read().decode("utf-8", "replace")


def post_form(client: urllib.request.OpenerDirector, url: str, fields: dict[str, str]) -> tuple[int, str, str]:
    status, _, page = get(client, url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        fail(f"no CSRF token on {url} ({status})")
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()  # type: ignore[union-attr]
    request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310 (loopback)
    try:
        with client.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, url, exc.read().decode("utf-8", "replace")


def login(base: str, username: str, password: str, totp_key: str) -> urllib.request.OpenerDirector:
    client = opener()
    post_form(client, f"{base}/accounts/login/", {"username": username, "password": password})
    post_form(client, f"{base}/accounts/login/verify/", {"token": totp_code(totp_key)})  # the next pages tell
    return client


def api(base: str, token: str, name: str, data: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{base}/api/v1/calculators/{name}",
        data=json.dumps(data).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        fail(f"{name} on {base}: {exc.code} {exc.read()[:300]!r}")
    raise AssertionError


def metric(base: str, name: str, labels: str) -> float:
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:  # noqa: S310
        text = response.read().decode()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name + "{") and all(part in line for part in labels.split(","))
    )


# --- the four proofs --------------------------------------------------------------------------------------------


def sent_once(out: Path, phone: str) -> None:
    requests_log = out / "sms-requests.jsonl"

    def reminders() -> list[dict[str, Any]]:
        if not requests_log.exists():
            return []
        rows = [json.loads(line) for line in requests_log.read_text(encoding="utf-8").splitlines() if line]
        return [r for r in rows if r["phone"] == phone and "调解期限" in r["content"]]

    wait_for("the reminder SMS at the gateway", reminders, seconds=120)
    time.sleep(12)  # several more ticks of both watchers (2 s) and both workers (1 s): time to send it again
    rows = reminders()
    per_request = Counter(r["request_id"] for r in rows)
    reminder_sms = Notification.objects.filter(channel="sms", reminder__isnull=False)
    sent = reminder_sms.filter(state=Notification.State.SENT).count()
    if len(rows) != len(per_request) or len(rows) != reminder_sms.count() or sent != reminder_sms.count():
        fail(
            f"{len(rows)} reminder sends at the gateway for {len(per_request)} request ids, "
            f"{reminder_sms.count()} reminder SMS notifications ({sent} sent): something was sent twice"
        )
    mails = list((out / "mail").glob("*.log")) if (out / "mail").exists() else []
    email_notes = Notification.objects.filter(channel="email", state=Notification.State.SENT).count()
    if len(mails) != email_notes:
        fail(f"{len(mails)} email files for {email_notes} email notifications")
    say(
        "sent-once",
        f"{len(rows)} reminder SMS request(s) at the gateway, one per notification ({sent}), though two watchers "
        f"and two workers ran; {len(mails)} email file(s) for {email_notes} sent email notification(s)",
    )


def seen_at_once(a: str, b: str, token: str) -> None:
    # The calendar: the last day of a year's limitation, then a holiday on that day.
    years = sorted(CalendarYear.objects.values_list("year", flat=True))
    if len(years) < 2:
        fail(f"the calendar holds {years}; two consecutive years are needed")
    known = dt.date(years[-2], 3, 10)
    while True:
        end = known.replace(year=known.year + 1)
        if end.weekday() < 5 and not SpecialDay.objects.filter(date=end).exists():
            break
        known += dt.timedelta(days=1)
    asked = {"kind": "other", "known_on": known.isoformat()}
    before = {name: api(url, token, "arbitration-limitation", asked)["last_day"] for name, url in (("A", a), ("B", b))}
    if set(before.values()) != {end.isoformat()}:
        fail(f"the last day before the edit: {before}, expected {end}")
    SpecialDay.objects.create(date=end, kind=SpecialDay.Kind.REST, name="扩容检查")
    after = {name: api(url, token, "arbitration-limitation", asked)["last_day"] for name, url in (("A", a), ("B", b))}
    if len(set(after.values())) != 1 or after["A"] == end.isoformat():
        fail(f"after a rest day on {end}: A says {after['A']}, B says {after['B']}")
    say("seen", f"calendar: a rest day on {end}; the next answer of A and of B moved the last day to {after['A']}")

    # The wage table: a new average wage for 杭州 puts a different cap on the compensation.
    today = timezone.localdate()
    data = {
        "start_date": "2015-01-01",
        "end_date": today.isoformat(),
        "monthly_wage": "90000",
        "termination_reason": "employer_proposed_mutual",
        "city_code": "330110",
    }

    def amounts() -> dict[str, str]:
        return {name: api(url, token, "economic-compensation", data)["amount"] for name, url in (("A", a), ("B", b))}

    first = amounts()
    if len(set(first.values())) != 1:
        fail(f"A and B disagree before the edit: {first}")
    LocalWageStandard.objects.create(
        division_id="3301",
        kind=LocalWageStandard.Kind.AVERAGE_MONTHLY,
        effective_from=today - dt.timedelta(days=1),
        amount=Decimal("12345.00"),
        source="扩容检查",
    )
    second = amounts()
    if len(set(second.values())) != 1 or second["A"] == first["A"]:
        fail(f"after a new average wage: before {first}, after {second}")
    say("seen", f"wage table: a new 杭州 average wage; A and B both answer {second['A']} (was {first['A']})")


def one_session(a: str, b: str, seed: dict[str, Any]) -> None:
    client = login(a, seed["username"], seed["password"], seed["totp_key"])
    status, where, page = get(client, f"{b}/cases/")
    if status != 200 or "/accounts/login" in where or seed["reminded_case"] not in page:
        fail(f"the session made on A is not one on B ({status}, {where})")
    say("session", "logged in on A (password and authenticator code); B served the case list to that cookie")


def from_replica(a: str, b: str, extra: dict[str, Any]) -> None:
    health = wait_for(
        "the replica in /healthz", lambda: (h := healthz(b)) and h["checks"].get("replica", {}).get("in_use") and h
    )
    client = login(b, extra["supervisor"], extra["password"], extra["totp_key"])
    before = sum(metric(url, "tiaojie_replica_blocks_total", 'database="replica"') for url in (a, b))
    status, where, _page = get(client, f"{b}/analytics/region/330110/")
    if status != 200 or "/accounts/login" in where:
        fail(f"the supervisor's statistics page: {status} at {where}")
    after = sum(metric(url, "tiaojie_replica_blocks_total", 'database="replica"') for url in (a, b))
    if after <= before:
        fail(f"the statistics page was not read from the replica (blocks on the replica {before} → {after})")
    replica = health["checks"]["replica"]
    say(
        "replica",
        f"the supervisor's page of 余杭区 was built from the replica (blocks read there {before:.0f} → {after:.0f})",
    )
    # The lag, seen by the app and by the primary, after a write.
    SpecialDay.objects.filter(name="扩容检查").delete()
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]
    started = time.monotonic()
    with connections["replica"].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [lsn])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() - started > 30:
                fail("the replica did not replay a write within 30 s")
            time.sleep(0.01)
    seen = time.monotonic() - started
    say(
        "replica",
        f"lag on /healthz {replica['lag_s']} s (limit {replica['max_lag_s']} s); "
        f"a write on the primary was replayed on the replica {seen * 1000:.0f} ms later",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["seed", "check"])
    parser.add_argument("--a")
    parser.add_argument("--b")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", type=Path)
    parser.add_argument("--seed-scaleout", type=Path)
    args = parser.parse_args()
    if args.what == "seed":
        seed()
        return
    base_seed = json.loads(args.seed.read_text(encoding="utf-8"))
    extra = json.loads(args.seed_scaleout.read_text(encoding="utf-8"))
    for url in (args.a, args.b):
        health = wait_for(f"{url}/healthz to answer 200", lambda url=url: healthz(url), seconds=120)
        say("healthz", f"{url} 200 {health['status']}; replica {health['checks'].get('replica')}")
    sent_once(args.out, base_seed["reminded_phone"])
    seen_at_once(args.a, args.b, extra["token"])
    one_session(args.a, args.b, base_seed)
    from_replica(args.a, args.b, extra)
    say("done", "every step passed")


if __name__ == "__main__":
    main()
