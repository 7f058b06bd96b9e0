"""Every audited action has a Vietnamese label, and each app — not core — names its own."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

from namhoc.core import audit
from namhoc.core.audit import action_label, action_labels

SRC = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _sources() -> list[Path]:
    return [
        path
        for path in SRC.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _audited_codes() -> set[str]:
    """Action codes in the code: the literal ``action=`` of every ``audit_record`` call, and the
    other ``"prefix.verb"`` literals of the modules that call it, whose prefix such a call (or a
    registered label) uses — the codes services pass through a variable (``action = "task.merge"``).
    """
    literal_calls: set[str] = set()
    literals: set[str] = set()
    other_uses: set[str] = set()  # literals passed to other calls
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit_record"
        ]
        if not calls:
            continue
        for call in calls:
            for keyword in call.keywords:
                value = keyword.value
                if keyword.arg == "action" and isinstance(value, ast.Constant):
                    literal_calls.add(str(value.value))
        literals |= {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        for node in ast.walk(tree):  # emit("directive.published"), kind="assignment.created":
            if not isinstance(node, ast.Call):  # notifications, not audit actions
                continue
            is_audit = getattr(node.func, "id", "") == "audit_record"
            values = [] if is_audit else list(node.args)
            values += [k.value for k in node.keywords if not (is_audit and k.arg == "action")]
            other_uses |= {str(value.value) for value in values if isinstance(value, ast.Constant)}
    prefixes = {code.split(".")[0] for code in literal_calls | set(action_labels())}
    codes = {
        code
        for code in literals - other_uses
        if CODE.match(code) and code.split(".")[0] in prefixes
    }
    return literal_calls | codes


def test_every_audited_action_in_the_code_has_a_vietnamese_label() -> None:
    found = _audited_codes()
    found.discard("indicators.value")  # the prefix the value services complete with a verb
    assert {"user.create", "task.merge", "progress.post", "indicators.approve"} <= found
    missing = sorted(found - set(action_labels()))
    assert not missing, f"label these audit actions in their app's audit_labels.py: {missing}"


def test_core_holds_no_apps_action_codes() -> None:
    text = Path(audit.__file__).read_text(encoding="utf-8")
    for code in action_labels():
        assert f'"{code}"' not in text, f"{code} is listed in core/audit.py"


@pytest.mark.parametrize(
    ("app", "code"),
    [
        ("accounts", "membership.grant"),
        ("orgunits", "orgunit.merge"),
        ("directives", "directive.publish"),
        ("tracking", "assignment.create"),
        ("indicators", "indicators.approve"),
    ],
)
def test_each_app_registers_its_own_labels(app: str, code: str) -> None:
    module = __import__(f"{apps.get_app_config(app).name}.audit_labels", fromlist=["x"])
    assert code in module.AUDIT_LABELS


def test_labels_and_the_fallback_for_admin_changes() -> None:
    assert action_label("membership.grant") == "Cấp vai trò"
    assert action_label("dataelement.update") == "Sửa dataelement (quản trị)"
    assert action_label("dataelement.update", model_label="chỉ số") == "Sửa chỉ số (quản trị)"
    assert action_label("something") == "something"
