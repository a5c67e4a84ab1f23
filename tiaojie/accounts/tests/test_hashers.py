"""Staff passwords under the production hasher list (issue 17 item 5): Argon2id at OWASP's parameters, and a
PBKDF2 hash stored before the change still logs in and is re-hashed with Argon2id at that login."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from tiaojie import settings as production
from tiaojie.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_a_pbkdf2_password_logs_in_and_is_stored_as_argon2id_afterwards(client, mediator_a):
    assert production.PASSWORD_HASHERS[0] == "tiaojie.accounts.hashers.OwaspArgon2idHasher"
    User.objects.filter(pk=mediator_a.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert User.objects.get(pk=mediator_a.pk).password.startswith("pbkdf2_sha256$1000000$")

    response = client.post("/accounts/login/", {"username": "mediator_a", "password": PASSWORD})
    assert response.status_code == 302

    stored = User.objects.get(pk=mediator_a.pk).password
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    client.logout()
    assert client.post("/accounts/login/", {"username": "mediator_a", "password": PASSWORD}).status_code == 302
    assert User.objects.get(pk=mediator_a.pk).password == stored  # verified, not re-hashed again


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_a_new_password_is_hashed_with_argon2id_and_a_wrong_one_refused(client, mediator_a):
    mediator_a.set_password("Another-pw-9")
    mediator_a.save()
    assert mediator_a.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert client.post("/accounts/login/", {"username": "mediator_a", "password": "Another-pw-8"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "mediator_a", "password": "Another-pw-9"}).status_code == 302
