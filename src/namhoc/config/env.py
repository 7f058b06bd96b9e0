"""Typed environment helpers.

Every difference between environments comes through these functions. A bad value fails loudly
with the variable's name, what was expected and what was found, so that a typo in a deployment
never silently falls back to a default. Secrets may also come from a file: ``NAME_FILE`` holds
the path of a file whose content is the value (Docker/systemd credentials style).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class EnvError(ImproperlyConfigured):
    """A configuration value in the environment is missing or malformed."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"{name}: {problem}")


def _raw(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    environ = os.environ if environ is None else environ
    file_name = environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise EnvError(f"{name}_FILE", f"cannot read {file_name!r} ({exc.strerror})") from exc
    value = environ.get(name)
    if value is None:
        return None
    return value.strip()


def env_str(
    name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str:
    value = _raw(name, environ)
    if value is None or value == "":
        if default is None:
            raise EnvError(name, "is required but not set")
        return default
    return value


def env_optional(name: str, *, environ: Mapping[str, str] | None = None) -> str | None:
    value = _raw(name, environ)
    return value or None


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(name, f"expected a boolean (1/0, true/false, yes/no, on/off), got {value!r}")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(name, f"expected a whole number, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise EnvError(name, f"must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise EnvError(name, f"must be at most {maximum}, got {number}")
    return number


def env_choice(
    name: str, choices: Sequence[str], default: str, *, environ: Mapping[str, str] | None = None
) -> str:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    if value not in choices:
        raise EnvError(name, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def env_list(
    name: str, default: Sequence[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    value = _raw(name, environ)
    if value is None or value == "":
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise EnvError(name, f"expected a comma-separated list without empty items, got {value!r}")
    return items


def env_path(name: str, default: Path, *, environ: Mapping[str, str] | None = None) -> Path:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    return path


_DB_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")


def env_database_url(name: str, *, environ: Mapping[str, str] | None = None) -> dict | None:
    """Parse a database URL with dj-database-url, accepting only the engines namhoc supports."""
    import dj_database_url

    value = _raw(name, environ)
    if value is None or value == "":
        return None
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme not in _DB_SCHEMES:
        raise EnvError(
            name,
            "expected postgres://user:password@host:port/dbname or sqlite:///path, "
            f"got a URL with scheme {scheme or '(none)'!r}",
        )
    try:
        config = dict(dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True))
    except ValueError as exc:
        raise EnvError(name, f"malformed database URL ({exc})") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise EnvError(name, "the URL names no database (…/dbname at the end)")
    return config


def load_or_create_secret(path: Path) -> str:
    """Return the secret key kept in ``path``, creating it (mode 0600) on first use."""
    from django.core.management.utils import get_random_secret_key

    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = ""
    if len(key) >= 50:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key() + get_random_secret_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key
