"""Shared fixtures of the documents tests (the personas are in the root conftest.py).

- `accepted_case`: a case of organisation A (worker 张三 with ID and phone), accepted by mediator_a.
- `issued_acceptance`: its 受理通知书, issued by mediator_a (number, version 1, PDF and .docx on disk).
Other apps may import these by listing them in their own conftest (`from tiaojie.documents.tests.conftest import
accepted_case, issued_acceptance  # noqa: F401`).
"""

from __future__ import annotations

import pytest

from tiaojie.documents.tests.factories import accepted_case as make_accepted_case
from tiaojie.documents.tests.factories import issue


@pytest.fixture
def accepted_case(org_a, mediator_a):
    return make_accepted_case(org_a, mediator_a)


@pytest.fixture
def issued_acceptance(accepted_case, mediator_a):
    return issue(accepted_case, mediator_a)
