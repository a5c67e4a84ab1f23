"""Settings fail loudly: a production process without secrets, or with a bad value, does not start."""

import os
import re
import subprocess
import sys

import pytest

CHECK = [
    sys.executable,
    "-c",
    "import django, os; django.setup(); from django.conf import settings; print(settings.DEBUG)",
]


def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY"}}
    return subprocess.run(
        CHECK,
        env={**base, "DJANGO_SETTINGS_MODULE": "tiaojie.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start():
    result = run({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_bad_boolean_refuses_to_start():
    result = run({"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "not a boolean" in result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "DATABASE_URL must point to SQLite or PostgreSQL"),
        ("not a url", "DATABASE_URL is not a database URL"),
    ],
)
def test_unsupported_database_refuses_to_start(url, message):
    result = run({"DEBUG": "1", "DATABASE_URL": url})
    # The settings' own message, not any crash: an ImportError would also exit non-zero.
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr, result.stderr[-2000:]


def test_deploy_check_passes_apart_from_https_items(tmp_path):
    from cryptography.fernet import Fernet

    env = {
        "DEBUG": "0",
        "SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-only-" + "z" * 20,
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "tiaojie.example",
        "TIAOJIE_VAR_DIR": str(tmp_path),
        "SMS_BACKEND": "tiaojie.lib.sms_http.HttpSmsBackend",
        "SMS_GATEWAY_URL": "https://sms.example/send",
        "SMS_GATEWAY_KEY_ID": "key",
        "SMS_GATEWAY_SECRET": "secret",
        "SMS_GATEWAY_TEMPLATES": "default=SMS_0001",
    }
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY"}}
    result = subprocess.run(
        [sys.executable, "-m", "tiaojie", "check", "--deploy", "--fail-level", "WARNING"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    # Only the HTTPS items a TLS-terminating reverse proxy provides may remain (docs/configuration.md).
    reported = set(re.findall(r"security\.[WE]\d+", output))
    assert reported <= {"security.W004", "security.W008"}, output
    assert "Traceback" not in output
