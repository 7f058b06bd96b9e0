import os
import subprocess
import sys
from pathlib import Path

import pytest

from namhoc.config.env import (
    EnvError,
    env_bool,
    env_choice,
    env_database_url,
    env_int,
    env_list,
    env_str,
    load_or_create_secret,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("off", False),
        ("", True),
    ],
)
def test_env_bool_reads_the_usual_spellings(raw: str, expected: bool) -> None:
    assert env_bool("NAMHOC_X", True, environ={"NAMHOC_X": raw}) is expected


def test_env_bool_names_the_variable_and_the_bad_value() -> None:
    with pytest.raises(EnvError) as info:
        env_bool("NAMHOC_DEBUG", False, environ={"NAMHOC_DEBUG": "maybe"})
    assert str(info.value) == (
        "NAMHOC_DEBUG: expected a boolean (1/0, true/false, yes/no, on/off), got 'maybe'"
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("eight", "NAMHOC_N: expected a whole number, got 'eight'"),
        ("2", "NAMHOC_N: must be at least 5, got 2"),
        ("101", "NAMHOC_N: must be at most 100, got 101"),
    ],
)
def test_env_int_rejects_bad_numbers(raw: str, message: str) -> None:
    with pytest.raises(EnvError) as info:
        env_int("NAMHOC_N", 10, minimum=5, maximum=100, environ={"NAMHOC_N": raw})
    assert str(info.value) == message


def test_env_int_default_and_value() -> None:
    assert env_int("NAMHOC_N", 10, environ={}) == 10
    assert env_int("NAMHOC_N", 10, environ={"NAMHOC_N": " 42 "}) == 42


def test_env_choice_lists_the_choices() -> None:
    with pytest.raises(EnvError) as info:
        env_choice(
            "NAMHOC_ENV",
            ("development", "production"),
            "development",
            environ={"NAMHOC_ENV": "prod"},
        )
    assert str(info.value) == "NAMHOC_ENV: expected one of development, production, got 'prod'"


def test_env_list_splits_and_rejects_empty_items() -> None:
    assert env_list("H", [], environ={"H": "a.vn, b.vn"}) == ["a.vn", "b.vn"]
    with pytest.raises(EnvError, match="without empty items"):
        env_list("H", [], environ={"H": "a.vn,,b.vn"})


def test_env_str_required() -> None:
    with pytest.raises(EnvError) as info:
        env_str("NAMHOC_SECRET_KEY", environ={})
    assert str(info.value) == "NAMHOC_SECRET_KEY: is required but not set"


def test_secret_from_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret-value\n", encoding="utf-8")
    assert (
        env_str("NAMHOC_SECRET_KEY", environ={"NAMHOC_SECRET_KEY_FILE": str(secret)})
        == "s3cret-value"
    )
    with pytest.raises(EnvError, match="NAMHOC_SECRET_KEY_FILE: cannot read"):
        env_str("NAMHOC_SECRET_KEY", environ={"NAMHOC_SECRET_KEY_FILE": str(tmp_path / "missing")})


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mysql://u@h/db",
            "expected postgres://user:password@host:port/dbname or sqlite:///path, "
            "got a URL with scheme 'mysql'",
        ),
        ("localhost/db", "got a URL with scheme '(none)'"),
        ("postgres://u@h:5432", "the URL names no database"),
    ],
)
def test_database_url_rejects_what_namhoc_cannot_use(url: str, message: str) -> None:
    with pytest.raises(EnvError) as info:
        env_database_url("NAMHOC_DATABASE_URL", environ={"NAMHOC_DATABASE_URL": url})
    assert message in str(info.value)
    assert str(info.value).startswith("NAMHOC_DATABASE_URL: ")


def test_database_url_selects_postgresql() -> None:
    config = env_database_url(
        "NAMHOC_DATABASE_URL",
        environ={"NAMHOC_DATABASE_URL": "postgres://nh:pw@127.0.0.1:5439/namhoc"},
    )
    assert config is not None
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["HOST"], config["PORT"]) == (
        "namhoc",
        "nh",
        "127.0.0.1",
        5439,
    )


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "data" / "secret_key"
    first = load_or_create_secret(path)
    assert len(first) >= 50
    assert load_or_create_secret(path) == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def _run_settings(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NAMHOC_")}
    clean.update({"NAMHOC_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "namhoc.cli", "manage", "check"],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NAMHOC_DEBUG": "maybe"}, "NAMHOC_DEBUG: expected a boolean"),
        (
            {"NAMHOC_ENV": "staging"},
            "NAMHOC_ENV: expected one of development, test, production, got 'staging'",
        ),
        ({"NAMHOC_ENV": "production"}, "NAMHOC_SECRET_KEY: is required but not set"),
        (
            {"NAMHOC_ENV": "production", "NAMHOC_SECRET_KEY": "short"},
            "NAMHOC_SECRET_KEY: must be at least 50 random characters",
        ),
        (
            {"NAMHOC_ENV": "production", "NAMHOC_SECRET_KEY": "x1y2z3w4v5" * 6},
            "NAMHOC_ALLOWED_HOSTS: is required in production",
        ),
        ({"NAMHOC_DATABASE_URL": "mysql://u@h/db"}, "NAMHOC_DATABASE_URL: expected postgres://"),
    ],
)
def test_a_bad_environment_stops_the_command_with_a_clear_message(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    result = _run_settings(env, tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Lỗi: Cấu hình không hợp lệ: " in result.stderr
    assert "Error: Invalid configuration: " in result.stderr
    assert message in result.stderr
