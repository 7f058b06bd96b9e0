"""In CI: the access-check mutation proof (``tests/access_mutants.py``) for three representative
sites, each of which must be CAUGHT by the access matrix when its check is removed:

- a unit's figures: ``access_unit`` in ``indicators.selectors.pages._unit`` (the table and the
  scorecard of ``/api/indicators/units/{key}/…``, issue 10's own example);
- a task's assignment list scope: ``assignments_visible_to`` in
  ``tracking.selectors.assignments_for_task`` (``/api/tracking/tasks/{id}/assignments``);
- one's own notice: ``access_notice`` in ``notifications.services.notice_read``
  (``/api/notifications/{id}/read``), which calls ``notices_of`` in turn (the gate lifts both).

The gate must be installed before Django imports namhoc, so the proof runs in a pytest process
of its own. That process runs on SQLite in memory with a data directory of its own (the database
URL is not passed on: a second test database beside the running one's on PostgreSQL would clash
with it); what it proves — which requests the matrix refuses — does not depend on the backend.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTEST = (sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "tests.access_gate")

SITES = {
    "namhoc.indicators.selectors.pages": ("access_unit", "_unit"),
    "namhoc.tracking.selectors": ("assignments_visible_to", "assignments_for_task"),
    "namhoc.notifications.services": ("access_notice", "notice_read"),
}
ROUTES = (
    r"^api/indicators/units/<key>/(table|scorecard)$"
    r"|^api/tracking/tasks/<task_id>/assignments$"
    r"|^api/notifications/<notice_id>/read$"
)


def run_proof(tmp_path: Path, sites: str, routes: str) -> tuple[int, str, Path]:
    report = tmp_path / "access_mutants.md"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NAMHOC_DATABASE_URL", "PYTEST_CURRENT_TEST", "PYTEST_ADDOPTS")
        and not k.startswith("PYTEST_XDIST_")  # the child is a plain run, not a worker
    }
    env |= {
        "ACCESS_MUTANTS": sites,
        "ACCESS_MUTANTS_ROUTES": routes,
        "ACCESS_MUTANTS_REPORT": str(report),
        "NAMHOC_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [*PYTEST, "tests/access_mutants.py", "-x", "-q", "-o", "log_level=WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr, report


@pytest.mark.slow
def test_removing_a_representative_access_check_fails_the_matrix(tmp_path: Path) -> None:
    # given three access-check call sites, each selected by (module, check, function)
    selection = "; ".join(f"{module} {check} {within}" for module, (check, within) in SITES.items())

    # when each check is removed in turn and the matrix cases that reach it are run
    code, output, report = run_proof(tmp_path, selection, ROUTES)

    # then every one of them makes a matrix case fail
    assert code == 0, output[-4000:]
    assert "2 passed" in output, output[-4000:]
    assert "3 sites selected" in output, output[-4000:]
    rows = [line for line in report.read_text(encoding="utf-8").splitlines() if "| `" in line]
    verdicts = {
        row.split("|")[1].strip(" `").rsplit(":", 1)[0]: (
            row.split("|")[2].strip(" `"),
            row.split("|")[3].strip(" `"),
            row.split("|")[4].strip(),
        )
        for row in rows
    }
    assert verdicts == {module: (*site, "caught") for module, site in SITES.items()}


@pytest.mark.slow
def test_a_filter_that_selects_no_site_fails_the_proof(tmp_path: Path) -> None:
    # given a filter no site matches (the API modules call selectors; they hold no check call)
    code, output, _ = run_proof(tmp_path, "api.indicators access_unit", "^api/indicators/units")

    # then the proof fails and says so, instead of passing with nothing tested
    assert code == 1
    assert "['api.indicators access_unit'] select no site" in output
