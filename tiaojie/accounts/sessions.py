"""The database session store, its one read per request compiled once (lib.compiled).

Django's store builds and compiles `Session.objects.get(session_key=…, expire_date__gt=now)` on every request
of a visitor with a session cookie; here the lookup by key is compiled once and the expiry is checked on the row,
which answers the same: an expired or unknown key is no session. Everything else (saving, cycling keys,
`clearsessions`) is Django's. SESSION_ENGINE names this module (settings.py)."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from tiaojie.lib.compiled import CompiledLookup

_BY_KEY = CompiledLookup(lambda key: Session.objects.filter(session_key=key), key=str)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        session = _BY_KEY.first(key=key) if isinstance(key, str) else None
        if session is not None and session.expire_date > timezone.now():
            return session
        self._session_key = None
        return None
