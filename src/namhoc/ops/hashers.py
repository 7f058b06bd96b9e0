"""How passwords are stored (ADR 0010, "The deadline rush").

Django's default, PBKDF2-SHA256 with 1,000,000 iterations, costs ~0.3 s of one core per sign-in
on the 2-core server namhoc is sized for: in a deadline rush where a few percent of requests are
sign-ins, hashing alone took more than half the CPU (``bench/rush.py``). Argon2id with OWASP's
recommended minimum parameters (m = 19 MiB, t = 2, p = 1; Password Storage Cheat Sheet) costs
~35 ms and, being memory-hard, resists GPU guessing better than PBKDF2 does. Hashes made with
other parameters or another hasher are still accepted and are re-hashed with these at the next
sign-in (Django's ``must_update``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
