"""Quick check: a staff login with a PBKDF2 hash against one with an Argon2id hash (issue 17 item 5).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiaojie_bench_h21 .venv/bin/python -m bench.staff_login

Times one password check of each hasher (wall and CPU, mean of 10), then POSTs `/accounts/login/` in-process
(Django's test client, all middleware) for a user of its own whose stored hash is PBKDF2 (checked, then
re-hashed with Argon2id) and one whose hash is already Argon2id; prints the median of 5 warm logins of each.
"""

from __future__ import annotations

import os
import statistics
import time

import django

PASSWORD = "Bench-login-pw-42"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    django.setup()
    from django.contrib.auth.hashers import get_hasher, make_password
    from django.test import Client

    from bench.case_list import ensure_database
    from tiaojie.accounts.models import User
    from tiaojie.organisations.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    for name in ("pbkdf2_sha256", "argon2"):
        hasher = get_hasher(name)
        encoded = hasher.encode(PASSWORD, hasher.salt())
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(10):
            hasher.verify(PASSWORD, encoded)
        wall, cpu = (time.perf_counter() - wall) * 100, (time.process_time() - cpu) * 100
        print(f"{name} check ({encoded.split('$')[1]}): {wall:.0f} ms wall, {cpu:.0f} ms CPU")

    ensure_database()
    org = OrganisationFactory(name="【基准】登录调解中心")
    user = MembershipFactory(user=UserFactory(username=f"bench_login_{os.getpid()}"), organisation=org).user
    for name in ("pbkdf2_sha256", "argon2"):
        times = []
        for i in range(6):
            User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher=name))
            client = Client(HTTP_HOST="localhost")
            client.get("/accounts/login/")
            start = time.perf_counter()
            response = client.post(
                "/accounts/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=f"127.0.0.{i + 2}"
            )
            times.append(time.perf_counter() - start)
            if response.status_code != 302:
                raise SystemExit(f"login refused: HTTP {response.status_code}")
        print(f"login with a stored {name} hash: {statistics.median(times[1:]) * 1000:.0f} ms (median of 5 warm)")


if __name__ == "__main__":
    main()
