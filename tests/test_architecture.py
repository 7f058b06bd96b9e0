"""Rules of the code's shape that a reviewer would otherwise have to remember (ADR 0007).

The doors (``namhoc.web`` views, ``namhoc.api`` endpoints) parse, call one use case or selector,
and render. They never reach the database themselves and never decide permissions themselves.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "namhoc"
DOORS = ("web", "api")

# Attribute names that mean "this module talks to the database or the audit log itself".
FORBIDDEN_ATTRIBUTES = {
    "objects": "a model manager",
    "_default_manager": "a model manager",
    "select_for_update": "a row lock",
    "atomic": "a transaction",
}
# Names that mean "this module decides a permission itself" (use the app's can_* predicate).
FORBIDDEN_NAMES = {
    "has_role": "a role lookup",
    "roles_at": "a role lookup",
    "require_role": "a role check",
    "audit_record": "an audit write",
}


def door_modules() -> Iterator[Path]:
    for door in DOORS:
        for path in sorted((SRC / door).rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            yield path


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            found.append(f"{node.lineno}: .{node.attr} ({FORBIDDEN_ATTRIBUTES[node.attr]})")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"{node.lineno}: {node.id} ({FORBIDDEN_NAMES[node.id]})")
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in FORBIDDEN_NAMES:
                    found.append(f"{node.lineno}: imports {alias.name}")
    return found


@pytest.mark.parametrize("path", list(door_modules()), ids=lambda p: str(p.relative_to(SRC)))
def test_doors_parse_call_and_render_only(path: Path) -> None:
    found = offences(path)
    assert not found, (
        f"{path.relative_to(SRC)} reaches past its use cases (ADR 0007): "
        + "; ".join(found)
        + ". Move the query into a selector and the decision into the app's access predicate or "
        "use case."
    )


def test_the_rule_sees_an_offence(tmp_path: Path) -> None:
    sample = tmp_path / "view.py"
    sample.write_text(
        "from namhoc.accounts.access import has_role\n"
        "def view(request):\n"
        "    rows = Thing.objects.filter(x=1)\n"
        "    return has_role(request.user, rows[0].unit, 'x')\n",
        encoding="utf-8",
    )
    assert len(offences(sample)) == 3
