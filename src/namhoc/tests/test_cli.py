import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from namhoc import __version__, cli
from namhoc.accounts.models import Membership, User
from namhoc.cli import main
from namhoc.core.models import AuditEvent
from namhoc.demo import DEMO_PASSWORD
from namhoc.orgunits.models import OrgUnit


def run_cli(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NAMHOC_")}
    clean.update({"NAMHOC_DATA_DIR": str(tmp_path), "NAMHOC_ENV": "test", **env})
    return subprocess.run(
        [sys.executable, "-m", "namhoc.cli", *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=300,
        check=False,
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"namhoc {__version__}\n"


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("serve", "demo", "manage", "ingest"):
        assert command in out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert "usage: namhoc" in capsys.readouterr().out


def test_unknown_command_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Lỗi: tham số không hợp lệ" in err
    assert "Error: argument COMMAND: invalid choice: 'frobnicate'" in err


def test_bad_option_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["serve", "--port", "eighty"])
    assert info.value.code == 2
    assert "invalid int value: 'eighty'" in capsys.readouterr().err


def test_serve_refuses_an_impossible_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000", "--no-worker"]) == 2
    err = capsys.readouterr().err
    assert "Lỗi: cổng 70000 không hợp lệ." in err
    assert "Error: invalid port 70000." in err


@pytest.mark.parametrize(("option", "value"), [("--workers", "0"), ("--threads", "65")])
def test_serve_refuses_an_impossible_process_or_thread_count(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", option, value, "--no-worker", "--no-scheduler"]) == 2
    err = capsys.readouterr().err
    assert f"Lỗi: {option} {value} không hợp lệ." in err
    assert f"Error: invalid {option} {value}." in err


def test_default_workers_follow_the_cpus_this_process_may_use(monkeypatch) -> None:
    """CPUs + 1, at most 9: 3 on the two-core machine of the rush."""
    for cpus, workers in ((1, 2), (2, 3), (4, 5), (8, 9), (64, 9)):
        monkeypatch.setattr(cli.os, "sched_getaffinity", lambda _pid, n=cpus: set(range(n)))
        assert cli.default_workers() == workers


def test_manage_passes_through(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manage", "check"]) == 0
    assert "System check identified no issues" in capsys.readouterr().out


def test_manage_reports_unknown_management_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manage", "no_such_command"]) == 1
    assert "Unknown command: 'no_such_command'" in capsys.readouterr().err


def test_demo_is_idempotent_and_its_sign_in_works(
    transactional_db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a first demo load
    assert main(["demo", "--quiet", "--schools-scale", "0.01"]) == 0
    first_out = capsys.readouterr().out
    assert f"demo / {DEMO_PASSWORD}" in first_out
    assert f"demo-truong / {DEMO_PASSWORD}" in first_out
    counts = (
        User.objects.count(),
        Membership.objects.count(),
        OrgUnit.objects.count(),
        AuditEvent.objects.count(),
    )
    demo = User.objects.get(username="demo")
    assert set(demo.memberships.values_list("unit__key", "role")) == {
        ("p2025-31", "specialist"),
        ("p2025-31", "approver"),
    }
    # and a person who changed their own name
    User.objects.filter(pk=demo.pk).update(full_name="Tên do người dùng sửa")
    # the communes' figures approved (the public pages show only those) and the legal registry
    from namhoc.indicators.models import Approval
    from namhoc.indicators.services import approval_revoke
    from namhoc.legal.models import LegalDocument

    assert Approval.objects.filter(unit__parent__key="p2025-31").exists()
    from namhoc.notifications.dispatch import dispatch_pending
    from namhoc.notifications.models import Notice

    dispatch_pending()  # what the worker does when serve starts
    # the approvals are history, not a thousand notices
    assert not Notice.objects.filter(user=demo, kind="figures.approved").exists()
    assert LegalDocument.objects.exists()
    # and an approval a person revoked
    revoked = Approval.objects.filter(unit__parent__key="p2025-31").order_by("pk").first()
    assert revoked is not None
    approval_revoke(
        actor=demo,
        unit_key=revoked.unit.key,
        period_code=revoked.period.code,
        data_set_code=revoked.data_set.code,
        reason="Số liệu lớp 5 cần sửa",
    )
    approvals = Approval.objects.count()
    counts = (*counts[:3], AuditEvent.objects.count())
    kept = Approval.objects.filter(unit__parent__key="p2025-31").order_by("-pk").first()
    assert kept is not None
    school = OrgUnit.objects.filter(
        parent=kept.unit,
        kind=OrgUnit.Kind.SCHOOL,
        school_level__in=kept.data_set.school_levels,
        valid_to__isnull=True,
    ).first()

    # When the demo is loaded again
    assert main(["demo", "--quiet", "--schools-scale", "0.01"]) == 0

    # Then nothing is duplicated, nothing re-audited, the edit is kept and the sign-in works
    assert (
        User.objects.count(),
        Membership.objects.count(),
        OrgUnit.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert Approval.objects.count() == approvals  # the revoked one is not approved again
    demo.refresh_from_db()
    assert demo.full_name == "Tên do người dùng sửa"
    assert demo.check_password(DEMO_PASSWORD)
    client = Client()
    assert client.login(username="demo-truong", password=DEMO_PASSWORD)
    assert client.get("/").status_code == 200
    # and a school's public page shows approved figures with their approval date
    assert school is not None
    page = Client().get(f"/cong-khai/{school.key}/").content.decode()
    assert "phê duyệt ngày" in page


def test_demo_rejects_a_bad_scale(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--schools-scale", "3"]) == 2
    err = capsys.readouterr().err
    assert "Lỗi: --schools-scale phải trong khoảng (0, 1], nhận được 3.0." in err
    assert "Error: --schools-scale must be in (0, 1], got 3.0." in err


def test_demo_refuses_production(tmp_path: Path) -> None:
    result = run_cli(
        "demo",
        tmp_path=tmp_path,
        NAMHOC_ENV="production",
        NAMHOC_SECRET_KEY="k7Qx-9vLm2Rt" * 5,
        NAMHOC_ALLOWED_HOSTS="namhoc.example.vn",
        NAMHOC_ALLOW_SQLITE="1",
    )
    assert result.returncode == 2
    assert "Lỗi: không nạp dữ liệu mẫu khi NAMHOC_ENV=production." in result.stderr
    assert "Error: refusing to load demo data when NAMHOC_ENV=production." in result.stderr


def test_demo_creates_a_wal_sqlite_database_in_the_data_dir(tmp_path: Path) -> None:
    result = run_cli(
        "demo", "--quiet", "--schools-scale", "0.01", tmp_path=tmp_path, NAMHOC_ENV="development"
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "namhoc.sqlite3").exists()
    assert (tmp_path / "secret_key").exists()
    import sqlite3

    with sqlite3.connect(tmp_path / "namhoc.sqlite3") as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    # Given a document with a long readable outline
    text = "KẾ HOẠCH\n" + "".join(f"{i}. Nhiệm vụ số {i} của năm học\n" for i in range(1, 3000))
    source = tmp_path / "ke-hoach.txt"
    source.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NAMHOC_")}
    # When the reader of the output stops after one line (like `| head -1`)
    process = subprocess.Popen(
        [sys.executable, "-m", "namhoc.cli", "ingest", str(source)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    process.wait(timeout=120)
    # Then no traceback is printed
    assert "Traceback" not in process.stderr.read().decode()
    assert process.returncode in {0, 141}


@pytest.mark.django_db(transaction=True)
def test_serve_forks_its_workers_with_no_database_connection_open(monkeypatch) -> None:
    """Workers inherit the serving process's sockets: a connection left open after the
    migration check was shared by every worker of ``--threads 1`` (issue 15: answers crossed,
    500s under the rush). gunicorn must start with none open."""
    from django.db import connections

    seen: dict[str, Any] = {"steps": []}
    close_all = connections.close_all

    def closing() -> None:
        seen["steps"].append("closed")
        close_all()

    def fake_gunicorn(**kwargs: Any) -> None:
        seen["steps"].append("gunicorn")
        # SQLite's in-memory test database is never closed (Django keeps it for the tests); a
        # real database's connection is.
        seen["open"] = [
            c.alias
            for c in connections.all()
            if c.connection is not None and not (c.vendor == "sqlite" and c.is_in_memory_db())
        ]
        seen["kwargs"] = kwargs

    monkeypatch.setattr(connections, "close_all", closing)
    monkeypatch.setattr(cli, "_run_gunicorn", fake_gunicorn)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    monkeypatch.setattr(cli, "default_workers", lambda: 5)
    code = cli.main(["serve", "--no-worker", "--no-scheduler", "--port", "8765"])
    assert code == 0
    # By default one thread per process (gunicorn's sync worker), the processes from the CPUs.
    assert seen["kwargs"]["threads"] == 1
    assert seen["kwargs"]["workers"] == 5
    assert seen["steps"][-2:] == ["closed", "gunicorn"]
    assert seen["open"] == []


def test_gunicorn_forks_with_the_loaded_app_frozen_for_the_collector(monkeypatch) -> None:
    """The workers' full garbage collections skip what the serving process loaded (ADR 0010)."""
    import gc

    from gunicorn.app.base import BaseApplication

    seen: dict[str, int] = {}

    def run(_app: object) -> None:
        seen["frozen"] = gc.get_freeze_count()

    monkeypatch.setattr(BaseApplication, "run", run)
    gc.unfreeze()
    try:
        cli._run_gunicorn(host="127.0.0.1", port=8765, workers=1)
    finally:
        gc.unfreeze()
    assert seen["frozen"] > 10_000
