"""Proof that the access matrix fails when ANY ONE access check is removed (issue 10).

Each call of an access check in namhoc's code is a *site* (``tests/access_gate.py``: every call
to a public function of an app's ``access.py`` that takes the acting person first). Removing the
check at one site is simulated by asking it as if the person were a superuser, who passes every
check: the code around the call runs as before, with that one check gone.

In ONE pytest process, with no file changed:

1. the gate (``-p tests.access_gate``) wraps every site's call as the modules are imported;
2. the matrix's world is built once; every matrix case runs once with nothing removed, recording
   the sites it reaches (a case that fails already is left out and listed);
3. for each site, its check is removed and the cases that reach it run until one fails: CAUGHT
   (a status, a content marker, or a refusal that changed data), CRASHED when the only failures
   are 5xx answers or exceptions, NOT CAUGHT when every case still passes, NOT REACHED when no
   case reaches the site (the CLI, background tasks: the matrix only sends requests),
   REDUNDANT when every case still passes and the site is declared in ``REDUNDANT`` with the
   reason no request can get past it (an earlier check refuses first).

Run it outside CI (about an hour on 2 cores)::

    .venv/bin/python -m pytest -p tests.access_gate tests/access_mutants.py -q

Filters (both optional; a filter that selects nothing fails the run, it never passes empty):

- ``ACCESS_MUTANTS="<words>"``: only the sites whose description holds EVERY word (words are
  separated by spaces, matched as case-sensitive substrings); ``"<words>; <words>"``: the sites
  that one of the ``;``-separated groups selects (each group must select at least one site,
  or the run fails). A site's description is
  ``<module>:<line>:<column> <check> <function it is in>``, e.g.
  ``namhoc.notifications.services:74:13 access_notice notice_read``, so
  ``"notifications.services access_notice"`` selects that call, ``"api.indicators access_unit
  scorecard"`` the ``access_unit`` call inside ``scorecard`` of ``namhoc.api.indicators``;
- ``ACCESS_MUTANTS_ROUTES=<regex>``: only the matrix cases whose route (as in
  ``tests/access_expectations.py``, no leading slash) matches ``re.search``.

Every verdict is printed as it comes (also with ``-q``, output capture bypassed). The full run
(no filter) writes ``tests/access_mutants.md``; ``ACCESS_MUTANTS_REPORT=<path>`` writes the
table of any run there. The run fails if a selected site is NOT CAUGHT or CRASHED, or if no
selected site is reached by any selected case (the two filters miss each other: nothing tested).
A site that no case reaches is listed as "not reached" and does not fail a run by itself.
``tests/test_access_mutants.py`` runs a few sites of it in CI.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import access_gate
from tests.access_gate import STATE, Site
from tests.test_access_matrix import (
    CASES,
    EXPECTATIONS,
    check_case,
    world,  # noqa: F401 - the matrix's world fixture
)

REPORT = Path(__file__).resolve().parent / "access_mutants.md"

# Checks no request can get past, because an earlier check already refuses every request it
# would refuse (equivalent mutants): removing one changes no answer, so no test can see it.
# Each is declared here with why, by (module, check, function it is in) — no line numbers — and
# reported as "redundant"; a declared site that IS caught fails the run (stale declaration).
# The cure for one of these is in the code (drop the check or make it the only one), not here.
_LOGIN = (
    "behind @login_required (pages) and the API's session auth (401): no anonymous or inactive "
    "person reaches it, and it refuses no one else"
)
_ADMIN_SCOPE = (
    "after access_webhook / access_admin_unit, which admit only units of the actor's unit_admin "
    "subtrees; has_role(UNIT_ADMIN) holds at exactly those units (roles_at reads ancestors)"
)
REDUNDANT: dict[tuple[str, str, str], str] = {
    ("namhoc.notifications.selectors", "notices_refusal", "notices"): _LOGIN,
    ("namhoc.notifications.selectors", "notices_refusal", "preferences_page"): _LOGIN,
    ("namhoc.notifications.services", "notices_refusal", "_person"): _LOGIN,
    ("namhoc.notifications.services", "webhook_refusal", "webhook_create"): _ADMIN_SCOPE,
    ("namhoc.notifications.services", "webhook_refusal", "_manageable"): _ADMIN_SCOPE,
    ("namhoc.notifications.access", "has_role", "webhook_refusal"): _ADMIN_SCOPE,
    ("namhoc.notifications.access", "webhook_refusal", "can_manage_webhook"): (
        "only asked by webhooks_page for the hooks webhooks_visible_to lists: " + _ADMIN_SCOPE
    ),
    ("namhoc.notifications.selectors", "can_manage_webhook", "webhooks_page"): (
        "asked for the hooks webhooks_visible_to lists, all in the actor's unit_admin subtrees"
    ),
}


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    site: Site
    verdict: str  # caught | crashed | NOT CAUGHT | not reached | redundant (declared)
    cases: int = 0  # the cases that reach the site
    ran: int = 0  # the cases run with the check removed (until one failed)
    evidence: str = ""


def _short(lines: Sequence[str]) -> str:
    first = lines[0] if lines else ""
    return first if len(first) <= 160 else first[:157] + "..."


def run_site(
    site: Site, cases: Sequence[tuple[str, int]], check: Callable[[str, int], list[str]]
) -> Outcome:
    outcome = Outcome(site, "not reached", cases=len(cases))
    if not cases:
        return outcome
    STATE.removed = site.id
    crashes: list[str] = []
    try:
        for route, index in cases:
            outcome.ran += 1
            try:
                failures = check(route, index)
            except Exception as exc:
                failures = [f"{type(exc).__name__}: {exc}"]
                crashes.extend(failures)
                continue
            real = [f for f in failures if ": 500, expected" not in f]
            if real:
                outcome.verdict, outcome.evidence = "caught", _short(real)
                return outcome
            crashes.extend(failures)
    finally:
        STATE.removed = None
        STATE.lifting = 0
    reason = REDUNDANT.get((site.module, site.function, site.within))
    if reason and not crashes:
        outcome.verdict, outcome.evidence = "redundant", reason
        return outcome
    outcome.verdict = "crashed" if crashes else "NOT CAUGHT"
    outcome.evidence = _short(crashes)
    return outcome


def table(outcomes: Sequence[Outcome]) -> str:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.verdict] = counts.get(o.verdict, 0) + 1
    lines = [
        "# Removing any one access check fails the access matrix",
        "",
        "Generated by `tests/access_mutants.py` (see its docstring for how and how to run it).",
        "Each row: one call of an access check in namhoc's code, asked as if the person were a",
        "superuser; the matrix cases that reach it run until one fails.",
        "",
        "Totals: " + ", ".join(f"{v}: {n}" for v, n in sorted(counts.items())),
        "",
        "| call site | check | in | verdict | cases reaching it | first failure |",
        "|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        where = f"`{o.site.module}:{o.site.line}`"
        evidence = o.evidence.replace("|", "\\|")
        lines.append(
            f"| {where} | `{o.site.function}` | `{o.site.within}` | {o.verdict} | "
            f"{o.cases} | {evidence} |"
        )
    return "\n".join(lines) + "\n"


def selected(sites: Sequence[Site], spec: str) -> tuple[list[Site], list[str]]:
    """The sites ``spec`` selects (see the docstring) and the groups of it that select none."""
    groups = [group.split() for group in spec.split(";")]
    groups = [g for g in groups if g] or [[]]
    chosen: list[Site] = []
    empty: list[str] = []
    for words in groups:
        hits = [s for s in sites if all(w in f"{s.id} {s.within}" for w in words)]
        if not hits:
            empty.append(" ".join(words))
        chosen.extend(s for s in hits if s not in chosen)
    return sorted(chosen, key=lambda s: (s.module, s.line, s.column)), empty


def _filters() -> tuple[str, str, list[Site], list[tuple[str, int]]]:
    """ACCESS_MUTANTS, ACCESS_MUTANTS_ROUTES, the sites and the cases they select; fails when
    either selects nothing."""
    assert access_gate.SITES, "run with -p tests.access_gate (see the docstring)"
    wanted = os.environ.get("ACCESS_MUTANTS", "").strip()
    route_filter = os.environ.get("ACCESS_MUTANTS_ROUTES", "")
    routes = re.compile(route_filter)
    sites, empty = selected(access_gate.SITES, wanted)
    example = access_gate.SITES[0]
    assert not empty, (
        f"ACCESS_MUTANTS: {empty} select no site: each word must be a substring of "
        f"'<module>:<line>:<column> <check> <function>', e.g. '{example.id} {example.within}'"
    )
    cases = [(route, i) for route, i in CASES if routes.search(route)]
    assert cases, f"ACCESS_MUTANTS_ROUTES={route_filter!r} matches no route of the matrix"
    return wanted, route_filter, sites, cases


def test_the_filters_select_something() -> None:
    """Before any database is set up: a filter that selects nothing fails at once."""
    _filters()


@pytest.mark.django_db
def test_removing_any_access_check_fails_the_matrix(
    request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole proof (run explicitly; see the module's docstring)."""
    from django.db import transaction

    wanted, route_filter, sites, cases = _filters()

    built = request.getfixturevalue("world")
    unwrapped = access_gate.unwrapped_modules()
    assert not unwrapped, f"loaded without the gate: {unwrapped}"

    def say(line: str) -> None:
        with capsys.disabled():
            print(line, flush=True)

    def check(route: str, index: int) -> list[str]:
        with transaction.atomic():
            failures = check_case(built, route, EXPECTATIONS[route][index])
            transaction.set_rollback(True)
        return failures

    started = time.monotonic()
    reached_by: dict[str, list[tuple[str, int]]] = {}
    broken: list[str] = []
    for route, index in cases:
        STATE.reached = set()
        if check(route, index):
            broken.append(f"{EXPECTATIONS[route][index].method} /{route}")
            continue
        for site_id in STATE.reached:
            reached_by.setdefault(site_id, []).append((route, index))
    say(
        f"\nrecorded {len(cases)} cases in {time.monotonic() - started:.0f} s; "
        f"{len(sites)} sites selected; cases failing with nothing removed: {broken}"
    )
    outcomes = []
    for site in sites:
        outcome = run_site(site, reached_by.get(site.id, []), check)
        say(
            f"{outcome.verdict:12} {site.id} {site.within} ({outcome.ran}/{outcome.cases}) "
            f"{outcome.evidence}"
        )
        outcomes.append(outcome)
    report = os.environ.get("ACCESS_MUTANTS_REPORT")
    if report:
        Path(report).write_text(table(outcomes), encoding="utf-8")
    elif not wanted and not route_filter:
        REPORT.write_text(table(outcomes), encoding="utf-8")
    not_caught = [o.site.id for o in outcomes if o.verdict in ("NOT CAUGHT", "crashed")]
    assert not not_caught, f"removing these checks leaves the matrix green: {not_caught}"
    stale = [
        o.site.id
        for o in outcomes
        if o.verdict == "caught" and (o.site.module, o.site.function, o.site.within) in REDUNDANT
    ]
    assert not stale, f"declared REDUNDANT but caught (remove the declaration): {stale}"
    reached = [o for o in outcomes if o.verdict != "not reached"]
    assert reached, (
        f"no selected case reaches any of the {len(sites)} selected sites: nothing was tested "
        f"(ACCESS_MUTANTS={wanted!r}, ACCESS_MUTANTS_ROUTES={route_filter!r})"
    )
