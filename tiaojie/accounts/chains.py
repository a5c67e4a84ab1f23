"""The two hash-chained audit tables of accounts (lib/auditchain.py), registered for `tiaojie verify-audit`."""

from __future__ import annotations

from tiaojie.accounts.models import ChainHead, LoginEvent, PiiAccessLog
from tiaojie.lib import auditchain

PII_CHAIN = auditchain.Chain("accounts.piiaccesslog", PiiAccessLog, PiiAccessLog.CHAIN_FIELDS, ChainHead)
LOGIN_CHAIN = auditchain.Chain("accounts.loginevent", LoginEvent, LoginEvent.CHAIN_FIELDS, ChainHead)


def register() -> None:
    auditchain.register(PII_CHAIN)
    auditchain.register(LOGIN_CHAIN)
