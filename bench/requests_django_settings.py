"""Settings of bench/requests.py's bare Django baseline: the application's settings (same database, same
connection reuse), no middleware, and a URLconf of two one-query views (bench/requests_baseline.py)."""

from tiaojie.settings import *  # noqa: F403

ROOT_URLCONF = "bench.requests_baseline"
MIDDLEWARE: list[str] = []
