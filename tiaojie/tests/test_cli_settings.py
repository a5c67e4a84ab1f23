"""The `tiaojie` command without DEBUG=1 and without production settings (issue 13 item 14): every command the
README lists prints one line naming the missing setting and exits 78 (EX_CONFIG), never a Django traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TIAOJIE = str(Path(sys.executable).with_name("tiaojie"))  # the console script pyproject.toml installs
HINT = "for a development checkout run it with DEBUG=1; for production see docs/configuration.md"
README_COMMANDS = [
    ["migrate"],
    ["demo"],
    ["create-api-token", "mediator_a"],
    ["load-divisions"],
    ["load-calendar"],
    ["calc", "economic-compensation"],
    ["watch-deadlines", "--once"],
    ["db_worker"],
    ["expire-negotiations"],
    ["rebuild-rollups"],
    ["check", "--deploy"],
    ["--help"],
]
SECRETS = {"DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DJANGO_SETTINGS_MODULE"}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run(
        [TIAOJIE, *args], env={**base, **env}, input="{}", capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("args", README_COMMANDS, ids=" ".join)
def test_a_readme_command_without_debug_names_the_missing_setting(args):
    result = run(args)
    assert result.stderr == f"tiaojie: SECRET_KEY must be set when DEBUG is off ({HINT})\n"
    assert result.stdout == ""
    assert result.returncode == 78


def test_the_next_missing_setting_is_named_once_the_first_is_given():
    result = run(["migrate"], SECRET_KEY="k" * 60)
    assert result.stderr == f"tiaojie: FIELD_ENCRYPTION_KEY must be set when DEBUG is off ({HINT})\n"
    assert result.returncode == 78


def test_a_bad_value_is_named_in_one_line():
    result = run(["calc", "economic-compensation"], DEBUG="perhaps")
    assert result.stderr.count("\n") == 1
    assert "DEBUG='perhaps' is not a boolean" in result.stderr and "Traceback" not in result.stderr
    assert result.returncode == 78


def test_with_debug_the_command_runs():
    """The check above does not get in the way: with DEBUG=1 the calculator answers (exit 2: `{}` lacks fields)."""
    result = run(["calc", "economic-compensation"], DEBUG="1")
    assert result.returncode == 2
    assert '"error"' in result.stdout and "Traceback" not in result.stderr
