"""Staff passwords are hashed with Argon2id at OWASP's recommended parameters (docs/security-staff.md)."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2idHasher(Argon2PasswordHasher):
    """Argon2id with 19 MiB of memory, 2 passes and 1 lane: OWASP's Password Storage Cheat Sheet's first choice.
    About 30 ms of one core a login, where PBKDF2 at a million rounds took over 400 ms, and memory-hard, so a
    stolen hash costs a GPU far more to guess. The algorithm name stays "argon2", so Django's own hasher (and
    any later change of these numbers) reads these hashes, and must_update re-hashes a stored one whose
    parameters differ at its next login."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
