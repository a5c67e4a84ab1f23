"""The `tiaojie` console script: the project's manage.py."""

import os
import sys


def _settings_problem() -> str | None:
    """Load the settings once, before Django does. settings.py raises ImproperlyConfigured on a missing or bad
    value (that is how a deployment stops at a typo); Django would let it surface as a traceback from deep inside
    its own start-up, and someone who typed a README command without DEBUG=1 would not see which setting it is."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 — the first attribute read imports tiaojie/settings.py
    except ImproperlyConfigured as exc:
        return str(exc)
    return None


def main() -> None:
    if sys.argv[1:] == ["--version"]:  # ours, not Django's (which `tiaojie version` still prints)
        from tiaojie import __version__

        print(f"tiaojie {__version__}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaojie.settings")
    problem = _settings_problem()
    if problem is not None:
        hint = "see docs/configuration.md"
        if os.environ.get("DEBUG", "").strip().lower() not in {"1", "true", "yes", "on"}:
            hint = "for a development checkout run it with DEBUG=1; for production " + hint
        print(f"tiaojie: {problem} ({hint})", file=sys.stderr)
        sys.exit(78)  # EX_CONFIG (sysexits.h): the configuration, not the command, is wrong
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
