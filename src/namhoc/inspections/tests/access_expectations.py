"""The access matrix's entries for the inspection URLs (issue 16), kept beside the app's tests.

``tests/access_expectations.py`` (the matrix's table) takes them with ``entries()`` and makes
their objects once, before any request, with ``prepare(world)``.

The objects, per relation (seen from commune A1, where the matrix's actors work): the relation's
unit plans its inspections of 2025-2026 (title marked ``[iplan.<rel>]``) and has one inspection
(subject marked ``[insp.<rel>]``) — of the school below it (own → s-a1, sibling → s-a2, other
province → s-b1), the school's internal check of itself (child), and the province's check of
commune A1 itself (parent: readable by A1's people, who are inspected, changeable by no one of
them). Each inspection has its team (the relation's member as head), two checklist lines with
results, findings and one recommendation: ready to conclude.

Who may do what: reading a plan needs the plan's unit in scope; reading an inspection, either
unit (the inspecting one or the inspected one). Changing anything needs ``specialist`` at the
inspecting unit (or above it); recording results, findings and recommendations also the team's
members (none of the matrix's actors is on a team). Out of scope: 404; in scope without the role:
403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

YEAR = "2025-2026"
_INSPECTED = {"own": "child", "child": "child", "sibling": "sibling_school", "parent": "own",
              "other_province": "other_school"}  # fmt: skip


def _unit(world: Any, name: str) -> Any:
    org = world.org
    extra = {"sibling_school": org.school_a2, "other_school": org.school_b1}
    return world.unit.get(name) or extra[name]


def prepare(world: Any) -> dict[str, Any]:
    """Plans and inspections per relation (made once; cached on the world)."""
    cache = world.__dict__.get("_inspections")
    if cache is not None:
        return cache
    from tests.access_content import mark

    from namhoc.inspections.models import (
        ChecklistItem,
        Inspection,
        InspectionMember,
        InspectionPlan,
        Recommendation,
    )

    plans, inspections, items, recommendations = {}, {}, {}, {}
    for rel, unit in world.unit.items():
        plans[rel] = InspectionPlan.objects.create(
            unit=unit, school_year=YEAR, title=f"Kế hoạch kiểm tra {mark('iplan', rel)}"
        )
        internal = rel == "child"
        inspection = Inspection.objects.create(
            plan=plans[rel],
            kind="noi_bo" if internal else "kiem_tra",
            unit=_unit(world, _INSPECTED[rel]) if not internal else unit,
            subject=f"Thực hiện nhiệm vụ năm học {mark('insp', rel)}",
            starts_on=dt.date(2026, 3, 10),
            ends_on=dt.date(2026, 3, 12),
            findings="Đơn vị thực hiện cơ bản đầy đủ.",
        )
        InspectionMember.objects.create(
            inspection=inspection, user=world.member[rel], role="truong_doan"
        )
        items[rel] = ChecklistItem.objects.create(
            inspection=inspection, position=1, text="Hồ sơ chuyên môn", result="dat"
        )
        ChecklistItem.objects.create(
            inspection=inspection, position=2, text="Kế hoạch giáo dục", result="chua_dat"
        )
        recommendations[rel] = Recommendation.objects.create(
            inspection=inspection,
            position=1,
            text="Bổ sung kế hoạch giáo dục",
            deadline=dt.date(2099, 6, 30),
        )
        inspections[rel] = inspection
    cache = {"plan": plans, "inspection": inspections, "item": items, "rec": recommendations}
    world.__dict__["_inspections"] = cache
    return cache


def _plan(world: Any, rel: str) -> dict[str, Any]:
    return {"plan_id": prepare(world)["plan"][rel].pk}


def _inspection(world: Any, rel: str) -> dict[str, Any]:
    return {"inspection_id": prepare(world)["inspection"][rel].pk}


def _item(world: Any, rel: str) -> dict[str, Any]:
    return {**_inspection(world, rel), "item_id": prepare(world)["item"][rel].pk}


def _recommendation(world: Any, rel: str) -> dict[str, Any]:
    return {**_inspection(world, rel), "recommendation_id": prepare(world)["rec"][rel].pk}


def _version(world: Any, rel: str) -> int:
    from namhoc.inspections.models import Inspection

    return Inspection.objects.get(pk=prepare(world)["inspection"][rel].pk).version


def _new_plan(world: Any, rel: str) -> dict[str, Any]:
    return {"unit": world.unit[rel].key, "school_year": "2026-2027", "title": "Kế hoạch mới"}


def _new_inspection(world: Any, rel: str) -> dict[str, Any]:
    below = {"own": "child", "sibling": "sibling_school", "parent": "own",
             "other_province": "other_school"}  # fmt: skip
    if rel == "child":
        return {"kind": "noi_bo", "unit": "", "subject": "Kiểm tra nội bộ",
                "starts_on": "01/04/2026", "ends_on": "02/04/2026"}  # fmt: skip
    return {"kind": "kiem_tra", "unit": _unit(world, below[rel]).key, "subject": "Kiểm tra",
            "starts_on": "01/04/2026", "ends_on": "02/04/2026"}  # fmt: skip


def _schedule(world: Any, rel: str) -> dict[str, Any]:
    return {"version": _version(world, rel), "subject": "Nội dung đã sửa",
            "starts_on": "10/03/2026", "ends_on": "13/03/2026"}  # fmt: skip


def _team(world: Any, rel: str) -> dict[str, Any]:
    member = world.member[rel].pk
    return {"version": _version(world, rel), "lead": member, "members": [member]}


def _results(world: Any, rel: str) -> dict[str, Any]:
    return {f"r{prepare(world)['item'][rel].pk}-result": "khong_ap_dung"}


def _api_results(world: Any, rel: str) -> dict[str, Any]:
    return {"results": [{"id": prepare(world)["item"][rel].pk, "result": "khong_ap_dung"}]}


def _findings(world: Any, rel: str) -> dict[str, Any]:
    return {"version": _version(world, rel), "findings": "Kết luận đã sửa"}


def _new_recommendation(world: Any, rel: str) -> dict[str, Any]:
    return {"text": "Kiến nghị mới", "deadline": "30/06/2099"}


def _recommendation_form(world: Any, rel: str) -> dict[str, Any]:
    pk = prepare(world)["rec"][rel].pk
    return {f"k{pk}-text": "Kiến nghị đã sửa", f"k{pk}-deadline": "01/07/2099"}


def _conclude(world: Any, rel: str) -> dict[str, Any]:
    return {"version": _version(world, rel), "number": "", "signer_name": ""}


def entries() -> dict[str, list[Any]]:
    """The inspection routes with their expectations, in the matrix's vocabulary."""
    from tests.access_expectations import Expect as E
    from tests.access_expectations import by_role, content, in_scope, rel, rows, same

    M = True
    # an inspection is read by both units' people: own, child, and the parent's check of c-a1
    READ = by_role(rel(200, 200, 404, 200, 404), rel(200, 200, 404, 200, 404))

    def planning(ok: int) -> dict[str, dict[str, int]]:
        """Make or change a plan of the relation's unit: its specialists (or above)."""
        return by_role(rel(ok, ok, 404, 404, 404), rel(403, 403, 404, 404, 404))

    def changing(ok: int) -> dict[str, dict[str, int]]:
        """Change an inspection: specialists of the inspecting unit; the parent's check of c-a1
        is read by c-a1's people but changed by none of them."""
        return by_role(rel(ok, ok, 404, 403, 404), rel(403, 403, 404, 403, 404))

    plans_seen = content(rows("iplan", ("own", "child")))
    inspections_seen = content(rows("insp", ("own", "child", "parent")))
    return {
        "kiem-tra/": [
            E(
                "GET",
                302,
                200,
                same(200),
                relation_free=True,
                query=lambda w, r: {"nam_hoc": YEAR},
                **content(
                    rows("iplan", ("own", "child")), rows("insp", ("own", "child", "parent"))
                ),
            ),
            E("POST", 302, 302, planning(302), data=_new_plan, mutates=M),
        ],
        "kiem-tra/ke-hoach/<int:plan_id>/": [
            E("GET", 302, 200, in_scope(200), params=_plan),
            E(
                "POST",
                302,
                302,
                planning(302),
                params=_plan,
                data=lambda w, r: {"version": 1, "title": "Kế hoạch đã sửa"},
                mutates=M,
            ),
        ],
        "kiem-tra/ke-hoach/<int:plan_id>/cuoc-kiem-tra/": [
            E("POST", 302, 302, planning(302), params=_plan, data=_new_inspection, mutates=M)
        ],
        "kiem-tra/<int:inspection_id>/": [
            E("GET", 302, 200, READ, params=_inspection),
            E("POST", 302, 302, changing(302), params=_inspection, data=_schedule, mutates=M),
        ],
        "kiem-tra/<int:inspection_id>/doan/": [
            E("POST", 302, 302, changing(302), params=_inspection, data=_team, mutates=M)
        ],
        "kiem-tra/<int:inspection_id>/danh-muc/": [
            E(
                "POST",
                302,
                302,
                changing(302),
                params=_inspection,
                data=lambda w, r: {"text": "Mục mới"},
                mutates=M,
            )
        ],
        "kiem-tra/<int:inspection_id>/danh-muc/<int:item_id>/xoa/": [
            E("POST", 302, 302, changing(302), params=_item, mutates=M)
        ],
        "kiem-tra/<int:inspection_id>/ket-qua/": [
            E("POST", 302, 302, changing(302), params=_inspection, data=_results, mutates=M)
        ],
        "kiem-tra/<int:inspection_id>/nhan-xet/": [
            E("POST", 302, 302, changing(302), params=_inspection, data=_findings, mutates=M)
        ],
        "kiem-tra/<int:inspection_id>/kien-nghi/": [
            E(
                "POST",
                302,
                302,
                changing(302),
                params=_inspection,
                data=_new_recommendation,
                mutates=M,
            )
        ],
        "kiem-tra/<int:inspection_id>/kien-nghi/<int:recommendation_id>/": [
            E(
                "POST",
                302,
                302,
                changing(302),
                params=_recommendation,
                data=_recommendation_form,
                mutates=M,
            )
        ],
        "kiem-tra/<int:inspection_id>/kien-nghi/<int:recommendation_id>/xoa/": [
            E("POST", 302, 302, changing(302), params=_recommendation, mutates=M)
        ],
        "kiem-tra/<int:inspection_id>/ket-luan/": [
            E("POST", 302, 302, changing(302), params=_inspection, data=_conclude, mutates=M)
        ],
        "kiem-tra/<int:inspection_id>/bien-ban.docx": [
            E("GET", 302, 200, READ, params=_inspection)
        ],
        "kiem-tra/<int:inspection_id>/ket-luan.docx": [
            E("GET", 302, 200, READ, params=_inspection)
        ],
        "api/inspections/plans": [
            E("GET", 401, 200, same(200), relation_free=True, **plans_seen),
            E("POST", 401, 201, planning(201), data=_new_plan, json=True, mutates=M),
        ],
        "api/inspections/plans/<plan_id>": [
            E("GET", 401, 200, in_scope(200), params=_plan),
            E(
                "PATCH",
                401,
                200,
                planning(200),
                params=_plan,
                data=lambda w, r: {"version": 1, "title": "Kế hoạch đã sửa"},
                json=True,
                mutates=M,
            ),
        ],
        "api/inspections": [E("GET", 401, 200, same(200), relation_free=True, **inspections_seen)],
        "api/inspections/plans/<plan_id>/inspections": [
            E(
                "POST",
                401,
                201,
                planning(201),
                params=_plan,
                data=_new_inspection,
                json=True,
                mutates=M,
            )
        ],
        "api/inspections/<inspection_id>": [
            E("GET", 401, 200, READ, params=_inspection),
            E(
                "PATCH",
                401,
                200,
                changing(200),
                params=_inspection,
                data=_schedule,
                json=True,
                mutates=M,
            ),
        ],
        "api/inspections/<inspection_id>/team": [
            E("PUT", 401, 200, changing(200), params=_inspection, data=_team, json=True, mutates=M)
        ],
        "api/inspections/<inspection_id>/checklist": [
            E(
                "POST",
                401,
                201,
                changing(201),
                params=_inspection,
                data=lambda w, r: {"text": "Mục mới"},
                json=True,
                mutates=M,
            )
        ],
        "api/inspections/<inspection_id>/checklist/<item_id>": [
            E("DELETE", 401, 204, changing(204), params=_item, mutates=M)
        ],
        "api/inspections/<inspection_id>/results": [
            E(
                "PUT",
                401,
                200,
                changing(200),
                params=_inspection,
                data=_api_results,
                json=True,
                mutates=M,
            )
        ],
        "api/inspections/<inspection_id>/findings": [
            E(
                "PUT",
                401,
                200,
                changing(200),
                params=_inspection,
                data=_findings,
                json=True,
                mutates=M,
            )
        ],
        "api/inspections/<inspection_id>/recommendations": [
            E(
                "POST",
                401,
                201,
                changing(201),
                params=_inspection,
                data=_new_recommendation,
                json=True,
                mutates=M,
            )
        ],
        "api/inspections/<inspection_id>/recommendations/<recommendation_id>": [
            E(
                "PATCH",
                401,
                200,
                changing(200),
                params=_recommendation,
                data=_new_recommendation,
                json=True,
                mutates=M,
            ),
            E("DELETE", 401, 204, changing(204), params=_recommendation, mutates=M),
        ],
        "api/inspections/<inspection_id>/conclusion": [
            E(
                "POST",
                401,
                200,
                changing(200),
                params=_inspection,
                data=_conclude,
                json=True,
                mutates=M,
            )
        ],
    }
