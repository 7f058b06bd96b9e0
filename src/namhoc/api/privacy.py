"""JSON API for personal data (ADR 0010): a person's data exported (by themselves or a unit
admin), a departed person erased. The same use cases as the pages (``namhoc.ops.privacy``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from namhoc.ops import privacy

router = Router(tags=["privacy"])


class EraseIn(Schema):
    confirm: str | None = None
    reason: str | None = None


class ErasureOut(Schema):
    id: int
    username: str
    pseudonym: str
    counts: dict[str, int]


@router.get("/me", summary="Dữ liệu cá nhân của tôi (JSON)")
def my_data(request: HttpRequest) -> dict[str, Any]:
    return privacy.personal_data_export(actor=request.user, user_id=request.user.pk).data


@router.get("/users/{user_id}", summary="Dữ liệu cá nhân của một người (quản trị đơn vị)")
def person_data(request: HttpRequest, user_id: int) -> dict[str, Any]:
    return privacy.personal_data_export(actor=request.user, user_id=user_id).data


@router.post("/users/{user_id}/erase", response=ErasureOut, summary="Xóa dữ liệu người đã nghỉ")
def erase(request: HttpRequest, user_id: int, payload: EraseIn) -> dict[str, Any]:
    result = privacy.user_erase(
        actor=request.user, user_id=user_id, confirm=payload.confirm, reason=payload.reason or ""
    )
    return {
        "id": result.person.pk,
        "username": result.person.username,
        "pseudonym": result.pseudonym,
        "counts": result.counts,
    }
