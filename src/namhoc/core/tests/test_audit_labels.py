import re
from pathlib import Path

from namhoc.core.audit import ACTION_LABELS, action_label

SRC = Path(__file__).resolve().parents[2]
ACTION_LITERAL = re.compile(
    r'"((?:user|membership|orgunits?|source|directive|link|task|citation|target|assignment|'
    r'progress|indicators)\.[a-z_]+)"'
)


def test_every_audited_action_in_the_code_has_a_vietnamese_label() -> None:
    found = set()
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found |= set(ACTION_LITERAL.findall(path.read_text(encoding="utf-8")))
    found.discard("indicators.value")  # the prefix the value services complete with a verb
    missing = sorted(found - set(ACTION_LABELS))
    assert not missing, f"add labels for these audit actions to ACTION_LABELS: {missing}"


def test_labels_and_the_fallback_for_admin_changes() -> None:
    assert action_label("membership.grant") == "Cấp vai trò"
    assert action_label("dataelement.update") == "Sửa dataelement (quản trị)"
    assert action_label("something") == "something"
