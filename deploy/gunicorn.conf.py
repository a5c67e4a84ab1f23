"""Gunicorn's configuration for Tiaojie in production (docs/deployment.md). Every value can be overridden from the
environment the systemd unit reads (/etc/tiaojie/env), so one file serves a small county server and a big one.

gthread workers: a request mostly waits on PostgreSQL or on WeasyPrint, and threads let one process hold several
such requests with one copy of the code in memory. preload_app: the code is imported once, before forking, so a
fresh worker serves its first request without the 1–3 s import stall (and workers share those pages).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(4, multiprocessing.cpu_count() * 2))))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
preload_app = True
# A PDF of a long case file is the slowest request; anything past this is stuck, and the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Replace workers now and then so a slow leak in a library cannot grow without bound; the jitter keeps them from
# restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# nginx on the same host is the only client; it sets X-Forwarded-Proto (BEHIND_PROXY=1 makes Django trust it).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The request line is logged by nginx; gunicorn's own log carries start-up, worker and error lines.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "tiaojie"
wsgi_app = "tiaojie.wsgi:application"

# /metrics adds up every worker's request counters from files in this directory (prometheus_client's
# multiprocess mode); it must exist, be private to this server, and start empty.
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(os.environ.get("TIAOJIE_VAR_DIR", "var"), "prometheus")
)


def on_starting(server):
    import shutil

    shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, mode=0o700, exist_ok=True)


def when_ready(server):
    # The master has imported the app (preload_app); warm what a first request needs before any worker forks.
    from tiaojie.wsgi import warm_up

    warm_up()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
