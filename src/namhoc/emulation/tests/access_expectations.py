"""The access matrix's entries for the emulation URLs (issue 16), kept beside the app's tests.

``tests/access_expectations.py`` (the matrix's table) takes them with ``entries()`` and makes
their objects once, before any request, with ``prepare(world)``.

The objects, per relation (seen from commune A1, where the matrix's actors work): the relation's
unit holds three rounds (titles marked ``[round.<rel>]``), each with a council chaired by a person
of the unit: 2025-2026 at registration (nobody registered yet), 2024-2025 at self-assessment and
2023-2024 at the vote. The last two hold one registration each: the collective title of the unit
below (own → s-a1, sibling → s-a2, parent → c-a1, other province → s-b1) or, for the school (child),
the individual title of its member; the relation's member also stands for an individual title in
the 2024-2025 round. The specialist of A1 sits on A1's 2023-2024 council.

Who may do what: a round is read by its unit's people and by the units below it (they register
in it); a registration by its unit's people (and above) and by its person. Running a round needs
``specialist`` at its unit; registering, withdrawing and self-assessing, ``specialist`` at the
candidate's unit (or the person themself); voting, a seat on the council (not on one's own
registration). The tally and the Word files are for the round unit's people until the decision;
the council's minutes stay theirs after it. Out of scope: 404; in scope without the right: 403.
"""

from __future__ import annotations

from typing import Any

_BELOW = {"own": "child", "sibling": "sibling_school", "parent": "own",
          "other_province": "other_school"}  # fmt: skip
_YEARS = {"R": "2025-2026", "A": "2024-2025", "V": "2023-2024"}
_STAGES = {"R": "registration", "A": "assessment", "V": "voting"}


def _unit(world: Any, name: str) -> Any:
    org = world.org
    extra = {"sibling_school": org.school_a2, "other_school": org.school_b1}
    return world.unit.get(name) or extra[name]


def prepare(world: Any) -> dict[str, Any]:
    """Rounds, councils, registrations and evidence per relation (made once, cached)."""
    cache = world.__dict__.get("_emulation")
    if cache is not None:
        return cache
    from tests.access_content import mark

    from namhoc.accounts.models import Membership, User
    from namhoc.directives.files import store_blob
    from namhoc.emulation.models import (
        CouncilMember,
        EmulationRound,
        Registration,
        RegistrationEvidence,
    )

    pdf = store_blob(b"%PDF-1.4\n%%EOF\n", folder="emulation", kind="pdf")
    rounds: dict[str, dict[str, Any]] = {key: {} for key in _YEARS}
    chairs, registrations, evidence = {}, {}, {}
    for rel, unit in world.unit.items():
        chair = User.objects.create_user(username=f"chu-tich-{rel}", full_name=f"Chủ tịch {rel}")
        Membership.objects.create(user=chair, unit=unit, role="viewer")
        for key, year in _YEARS.items():
            found = EmulationRound.objects.create(
                unit=unit,
                school_year=year,
                title=f"Thi đua năm học {year} {mark('round', rel)}",
                status=_STAGES[key],
            )
            rounds[key][rel] = found
            seat = CouncilMember.objects.create(round=found, user=chair, role="chu_tich")
            if key == "R":
                chairs[rel] = seat
        for key in ("A", "V"):
            status = "submitted" if key == "V" else "registered"
            if rel == "child":
                made = Registration.objects.create(
                    round=rounds[key][rel],
                    title="lao_dong_tien_tien",
                    kind="individual",
                    unit=unit,
                    person=world.member[rel],
                    status=status,
                )
            else:
                made = Registration.objects.create(
                    round=rounds[key][rel],
                    title="tt_lao_dong_tien_tien",
                    kind="collective",
                    unit=_unit(world, _BELOW[rel]),
                    status=status,
                )
            registrations[(key, rel)] = made
        if rel != "child":  # the member's own title (the child's is the registration above)
            Registration.objects.create(
                round=rounds["A"][rel],
                title="lao_dong_tien_tien",
                kind="individual",
                unit=unit,
                person=world.member[rel],
            )
        evidence[rel] = RegistrationEvidence.objects.create(
            registration=registrations[("A", rel)],
            file=pdf.name,
            original_name="minh-chung.pdf",
            content_type="application/pdf",
            size=pdf.size,
            sha256=pdf.sha256,
        )
    CouncilMember.objects.create(
        round=rounds["V"]["own"], user=world.actors["specialist"], role="uy_vien"
    )
    cache = {"round": rounds, "chair": chairs, "reg": registrations, "evidence": evidence}
    world.__dict__["_emulation"] = cache
    return cache


def _round(key: str) -> Any:
    def params(world: Any, rel: str) -> dict[str, Any]:
        return {"round_id": prepare(world)["round"][key][rel].pk}

    return params


def _registration(key: str) -> Any:
    def params(world: Any, rel: str) -> dict[str, Any]:
        return {"registration_id": prepare(world)["reg"][(key, rel)].pk}

    return params


def _chair(world: Any, rel: str) -> dict[str, Any]:
    return {**_round("R")(world, rel), "member_id": prepare(world)["chair"][rel].pk}


def _version(key: str) -> Any:
    def data(world: Any, rel: str) -> dict[str, Any]:
        from namhoc.emulation.models import EmulationRound

        found = EmulationRound.objects.get(pk=prepare(world)["round"][key][rel].pk)
        return {"version": found.version}

    return data


def _open(world: Any, rel: str) -> dict[str, Any]:
    # the school cannot hold a round: its relation asks for its commune's next year instead
    unit = world.unit["own"] if rel == "child" else world.unit[rel]
    return {"unit": unit.key, "school_year": "2027-2028" if rel == "child" else "2026-2027",
            "title": "Thi đua", "quorum_percent": "67", "threshold_percent": "50"}  # fmt: skip


def _settings(world: Any, rel: str) -> dict[str, Any]:
    return {**_version("R")(world, rel), "title": "Đợt đã sửa", "quorum_percent": 60,
            "threshold_percent": 50}  # fmt: skip


def _seat(world: Any, rel: str) -> dict[str, Any]:
    return {"user": world.member[rel].pk, "role": "uy_vien"}


def _register(world: Any, rel: str) -> dict[str, Any]:
    if rel == "child":
        return {"title": "lao_dong_tien_tien", "unit": world.unit[rel].key,
                "person": world.member[rel].pk}  # fmt: skip
    return {"title": "tt_lao_dong_tien_tien", "unit": _unit(world, _BELOW[rel]).key}


def _assess(world: Any, rel: str) -> dict[str, Any]:
    from namhoc.emulation.models import Registration

    found = Registration.objects.get(pk=prepare(world)["reg"][("A", rel)].pk)
    return {"version": found.version, "text": "Hoàn thành tốt nhiệm vụ năm học.",
            "d-no_discipline": "on", "d-duties": "on", "d-conduct": "on"}  # fmt: skip


def _evidence(world: Any, rel: str) -> dict[str, Any]:
    return {"evidence_id": prepare(world)["evidence"][rel].pk}


def _person(world: Any, rel: str) -> dict[str, Any]:
    return {"user_id": world.member[rel].pk}


def entries() -> dict[str, list[Any]]:
    """The emulation routes with their expectations, in the matrix's vocabulary."""
    from tests.access_expectations import Expect as E
    from tests.access_expectations import by_role, content, in_scope, rel, rows, same

    M = True
    # rounds and registrations: A1's own and its school's, and the province's round above it
    READ = by_role(rel(200, 200, 404, 200, 404), rel(200, 200, 404, 200, 404))

    def running(ok: int) -> dict[str, dict[str, int]]:
        """Run a round, or act for a candidate: specialists of the unit (or above); the
        province's round is read by A1's people, run by none of them."""
        return by_role(rel(ok, ok, 404, 403, 404), rel(403, 403, 404, 403, 404))

    def candidate(ok: int) -> dict[str, dict[str, int]]:
        """Register, withdraw, self-assess: specialists of the candidate's unit (A1, its school;
        the province's round: A1 itself, the candidate)."""
        return by_role(rel(ok, ok, 404, ok, 404), rel(403, 403, 404, 403, 404))

    def voting(ok: int) -> dict[str, dict[str, int]]:
        """Only A1's specialist sits on a council (A1's own of 2023-2024)."""
        return by_role(rel(ok, 403, 404, 403, 404), rel(403, 403, 404, 403, 404))

    # the Word files and the tally: the round unit's people (the province's: 403 until decided)
    PAPERS = by_role(rel(200, 200, 404, 403, 404), rel(200, 200, 404, 403, 404))
    rounds_seen = content(rows("round", ("own", "child", "parent")))
    return {
        "thi-dua/": [
            E(
                "GET",
                302,
                200,
                same(200),
                relation_free=True,
                query=lambda w, r: {"nam_hoc": "2025-2026"},
                **rounds_seen,
            ),
            E(
                "POST",
                302,
                302,
                by_role(rel(302, 302, 404, 404, 404), rel(403, 403, 404, 404, 404)),
                data=_open,
                mutates=M,
            ),
        ],
        "thi-dua/dot/<int:round_id>/": [
            E("GET", 302, 200, READ, params=_round("R")),
            E("POST", 302, 302, running(302), params=_round("R"), data=_settings, mutates=M),
        ],
        "thi-dua/dot/<int:round_id>/giai-doan/": [
            E("POST", 302, 302, running(302), params=_round("R"), data=_version("R"), mutates=M)
        ],
        "thi-dua/dot/<int:round_id>/hoi-dong/": [
            E("POST", 302, 302, running(302), params=_round("R"), data=_seat, mutates=M)
        ],
        "thi-dua/dot/<int:round_id>/hoi-dong/<int:member_id>/xoa/": [
            E("POST", 302, 302, running(302), params=_chair, mutates=M)
        ],
        "thi-dua/dot/<int:round_id>/dang-ky/": [
            E("POST", 302, 302, candidate(302), params=_round("R"), data=_register, mutates=M)
        ],
        "thi-dua/dot/<int:round_id>/quyet-dinh/": [
            E("POST", 302, 302, running(302), params=_round("V"), data=_version("V"), mutates=M)
        ],
        "thi-dua/dot/<int:round_id>/ket-qua.docx": [E("GET", 302, 200, PAPERS, params=_round("R"))],
        "thi-dua/dot/<int:round_id>/quyet-dinh.docx": [
            E("GET", 302, 200, PAPERS, params=_round("R"))
        ],
        "thi-dua/ho-so/<int:registration_id>/": [
            E("GET", 302, 200, READ, params=_registration("A"))
        ],
        "thi-dua/ho-so/<int:registration_id>/tu-danh-gia/": [
            E(
                "POST",
                302,
                302,
                candidate(302),
                params=_registration("A"),
                data=_assess,
                mutates=M,
            )
        ],
        "thi-dua/ho-so/<int:registration_id>/rut/": [
            E("POST", 302, 302, candidate(302), params=_registration("A"), mutates=M)
        ],
        "thi-dua/ho-so/<int:registration_id>/bo-phieu/": [
            E(
                "POST",
                302,
                403,
                voting(302),
                params=_registration("V"),
                data=lambda w, r: {"agree": "dong_y"},
                mutates=M,
            )
        ],
        "thi-dua/minh-chung/<int:evidence_id>/tai-ve/": [
            E("GET", 302, 200, READ, params=_evidence)
        ],
        "thi-dua/don-vi/<str:unit_key>/": [
            E("GET", 302, 200, in_scope(200), params=lambda w, r: {"unit_key": w.unit[r].key})
        ],
        "thi-dua/ca-nhan/<int:user_id>/": [E("GET", 302, 200, in_scope(200), params=_person)],
        "api/emulation/titles": [E("GET", 401, 200, same(200), relation_free=True)],
        "api/emulation/rounds": [
            E("GET", 401, 200, same(200), relation_free=True, **rounds_seen),
            E(
                "POST",
                401,
                201,
                by_role(rel(201, 201, 404, 404, 404), rel(403, 403, 404, 404, 404)),
                data=_open,
                json=True,
                mutates=M,
            ),
        ],
        "api/emulation/rounds/<round_id>": [
            E("GET", 401, 200, READ, params=_round("R")),
            E(
                "PATCH",
                401,
                200,
                running(200),
                params=_round("R"),
                data=_settings,
                json=True,
                mutates=M,
            ),
        ],
        "api/emulation/rounds/<round_id>/advance": [
            E(
                "POST",
                401,
                200,
                running(200),
                params=_round("R"),
                data=_version("R"),
                json=True,
                mutates=M,
            )
        ],
        "api/emulation/rounds/<round_id>/council": [
            E(
                "POST",
                401,
                201,
                running(201),
                params=_round("R"),
                data=lambda w, r: {"user_id": w.member[r].pk, "role": "uy_vien"},
                json=True,
                mutates=M,
            )
        ],
        "api/emulation/rounds/<round_id>/council/<member_id>": [
            E("DELETE", 401, 204, running(204), params=_chair, mutates=M)
        ],
        "api/emulation/rounds/<round_id>/decision": [
            E(
                "POST",
                401,
                200,
                running(200),
                params=_round("V"),
                data=_version("V"),
                json=True,
                mutates=M,
            )
        ],
        "api/emulation/registrations": [E("GET", 401, 200, same(200), relation_free=True)],
        "api/emulation/rounds/<round_id>/registrations": [
            E(
                "POST",
                401,
                201,
                candidate(201),
                params=_round("R"),
                data=_register,
                json=True,
                mutates=M,
            )
        ],
        "api/emulation/registrations/<registration_id>": [
            E("GET", 401, 200, READ, params=_registration("A"))
        ],
        "api/emulation/registrations/<registration_id>/assessment": [
            E("POST", 401, 200, candidate(200), params=_registration("A"), data=_assess, mutates=M)
        ],
        "api/emulation/registrations/<registration_id>/withdrawal": [
            E("POST", 401, 200, candidate(200), params=_registration("A"), mutates=M)
        ],
        "api/emulation/registrations/<registration_id>/vote": [
            E(
                "POST",
                401,
                403,
                voting(201),
                params=_registration("V"),
                data=lambda w, r: {"agree": True},
                json=True,
                mutates=M,
            )
        ],
        "api/emulation/units/<unit_key>/history": [
            E("GET", 401, 200, in_scope(200), params=lambda w, r: {"unit_key": w.unit[r].key})
        ],
        "api/emulation/people/<user_id>/history": [
            E("GET", 401, 200, in_scope(200), params=_person)
        ],
    }
