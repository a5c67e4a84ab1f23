"""Django's PostgreSQL backend with a health check that costs no round trip (base.py).

Settings point every PostgreSQL alias here (`ENGINE`); nothing else differs from Django's own backend, and the
connection's vendor stays "postgresql". Imported by the settings, so this package itself imports no Django.
"""

DJANGO_ENGINE = "django.db.backends.postgresql"
ENGINE = "tiaojie.lib.postgres"


def engine(parsed: str) -> str:
    """The ENGINE to use for one that dj_database_url parsed from a URL: ours for PostgreSQL, else as given."""
    return ENGINE if parsed == DJANGO_ENGINE else parsed
