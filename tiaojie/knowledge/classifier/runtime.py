"""Which model `suggest()` uses, in every server process: the active `ClassifierModel` row, else the seed model.

A process loads the active version once and then only asks the database which version is active, at most every
CHECK_SECONDS (one indexed one-row query): a model trained on one server is used by all of them within seconds,
without a restart and without a shared cache. With no row stored (a fresh checkout, `make run`) the model is
trained from the shipped seeds on first use, 1.3 s on an idle core once per process, so nothing generated has to be kept
in the repository in step with the seeds.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import zlib
from dataclasses import dataclass
from functools import cache

from django.db import DatabaseError

from tiaojie.knowledge.classifier import training
from tiaojie.knowledge.classifier.model import LinearModel

logger = logging.getLogger(__name__)

CHECK_SECONDS = 5.0


@dataclass(frozen=True)
class Loaded:
    version: str  # "v3" for a stored row, "seeds-<hash>" for the model of the shipped seeds
    model: LinearModel


def encode(model: LinearModel) -> bytes:
    return zlib.compress(json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":")).encode(), 6)


def decode(data: bytes | memoryview) -> LinearModel:
    """The model of stored bytes: JSON only, so nothing in a row can run code when loaded."""
    return LinearModel.from_json(json.loads(zlib.decompress(bytes(data))))


@cache
def seed_model() -> Loaded:
    rows = training.seed_rows()
    trained = training.fit(rows)
    trained.info.update(counts=training.counts(rows), seeds_sha256=training.seeds_sha256())
    return Loaded(f"seeds-{training.seeds_sha256()[:8]}", trained)


def active_version() -> int | None:
    """The version of the active row; None when there is none or no database to ask."""
    from tiaojie.knowledge.models import ClassifierModel

    try:
        return ClassifierModel.objects.filter(active=True).values_list("version", flat=True).first()
    except (DatabaseError, RuntimeError):
        # Before `migrate`, or where the database is off limits (a test without one, pytest-django raises
        # RuntimeError): suggest from the seeds rather than fail an intake form.
        return None


def stored(version: int) -> Loaded:
    from tiaojie.knowledge.models import ClassifierModel

    row = ClassifierModel.objects.get(version=version)
    return Loaded(f"v{row.version}", decode(row.weights))


_lock = threading.Lock()
_current: Loaded | None = None
_checked_at = float("-inf")


def current() -> Loaded:
    """The model to use now (see the module docstring for when it is reloaded)."""
    global _current, _checked_at
    with _lock:
        now = time.monotonic()
        if _current is not None and now - _checked_at < CHECK_SECONDS:
            return _current
        version = active_version()
        _checked_at = now
        wanted = f"v{version}" if version is not None else None
        if _current is None or _current.version != (wanted or seed_model().version):
            _current = _load(version)
        return _current


def _load(version: int | None) -> Loaded:
    if version is None:
        return seed_model()
    try:
        return stored(version)
    except Exception:  # a row that cannot be read must not stop intake: log it, fall back to the seeds
        logger.exception("classifier model v%s could not be loaded; using the seed model", version)
        return seed_model()


def forget() -> None:
    """Check the active version on the next call (after this process trained or activated a model)."""
    global _current, _checked_at
    with _lock:
        _checked_at = float("-inf")


def by_name(name: str) -> Loaded:
    """A model named on the command line: "seeds", "v3" or "3"."""
    if name == "seeds":
        return seed_model()
    return stored(int(name.removeprefix("v")))
