import pytest
from django.db import DatabaseError, transaction
from django.test import override_settings

from tiaojie.accounts.actions import do_log_pii_access
from tiaojie.accounts.models import PiiAccessLog, User
from tiaojie.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_pii_log_is_append_only_in_the_database(mediator_a):
    entry = do_log_pii_access(user=mediator_a, record_type="cases.worker", record_id=1, field="phone", request=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        PiiAccessLog.objects.filter(pk=entry.pk).update(field="id_number")
    with pytest.raises(DatabaseError), transaction.atomic():
        PiiAccessLog.objects.filter(pk=entry.pk).delete()
    assert PiiAccessLog.objects.get(pk=entry.pk).field == "phone"


def test_pii_log_cannot_be_changed_in_admin(admin_client, mediator_a):
    entry = do_log_pii_access(user=mediator_a, record_type="cases.worker", record_id=1, field="phone", request=None)
    assert admin_client.post(f"/admin/accounts/piiaccesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/accounts/piiaccesslog/add/").status_code == 403


def make_demo_user() -> User:
    user = UserFactory(username="demo_person")
    User.objects.filter(pk=user.pk).update(is_demo=True)
    return user


def test_demo_accounts_refused_when_debug_off(client):
    make_demo_user()
    with override_settings(DEBUG=False):
        assert not client.login(username="demo_person", password="pw-for-tests-1")
    with override_settings(DEBUG=True):
        assert client.login(username="demo_person", password="pw-for-tests-1")


def test_ordinary_accounts_log_in_with_debug_off(client, mediator_a):
    with override_settings(DEBUG=False):
        assert client.login(username="mediator_a", password="pw-for-tests-1")
