"""People endpoints (``/api/users``): the same use cases and selectors as the pages (ADR 0007).

Lists are paginated (``?limit=&offset=``, at most 500 a page; ``{"items": [...], "count": n}``).
Input is passed on as sent; the use cases parse and check it and answer refusals as
``{"code", "message", "field"}`` with the status of the refusal.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from namhoc.accounts import selectors, services
from namhoc.accounts.models import Membership, Role, User
from namhoc.accounts.selectors import SEARCH_MAX
from namhoc.accounts.services import PASSWORD_MAX
from namhoc.api.paging import BoundedLimitOffset

users_router = Router(tags=["accounts"])


class MembershipOut(Schema):
    id: int
    unit_key: str
    unit_name: str
    role: Role

    @staticmethod
    def resolve_unit_key(obj: Membership) -> str:
        return obj.unit.key

    @staticmethod
    def resolve_unit_name(obj: Membership) -> str:
        return obj.unit.name


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    is_active: bool
    memberships: list[MembershipOut]


ROLE_HELP = "viewer | specialist | approver | unit_admin"


class UserCreateIn(Schema):
    username: str = Field(max_length=150)
    full_name: str = Field(max_length=200)
    email: str = Field(default="", max_length=254)
    password: str | None = Field(
        default=None, max_length=PASSWORD_MAX, description="empty: cannot sign in until set"
    )
    unit: str = Field(max_length=40, description="the unit's key")
    role: str = Field(max_length=20, description=ROLE_HELP)


class UserPatchIn(Schema):
    full_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)


class GrantIn(Schema):
    unit: str = Field(max_length=40, description="the unit's key")
    role: str = Field(max_length=20, description=ROLE_HELP)


@users_router.get("", response=list[UserOut], summary="Users in the subtree I manage")
@paginate(BoundedLimitOffset)
def list_users(request: HttpRequest, q: str = Query("", max_length=SEARCH_MAX)) -> QuerySet[User]:
    return selectors.users_for_admin(request.user, search=q)


@users_router.post("", response={201: UserOut}, summary="Create a user with one role")
def create_user(request: HttpRequest, payload: UserCreateIn) -> Status[User]:
    user = services.user_create(actor=request.user, **payload.dict())
    return Status(201, selectors.user_for_admin(request.user, user.pk))


@users_router.get("/{int:user_id}", response=UserOut, summary="One user")
def get_user(request: HttpRequest, user_id: int) -> User:
    return selectors.user_for_admin(request.user, user_id)


@users_router.patch("/{int:user_id}", response=UserOut, summary="Change name or e-mail")
def update_user(request: HttpRequest, user_id: int, payload: UserPatchIn) -> User:
    services.user_update(actor=request.user, user_id=user_id, **payload.dict())
    return selectors.user_for_admin(request.user, user_id)


@users_router.post("/{int:user_id}/disable", response=UserOut, summary="Disable; ends sessions")
def disable_user(request: HttpRequest, user_id: int) -> User:
    services.user_disable(actor=request.user, user_id=user_id)
    return selectors.user_for_admin(request.user, user_id)


@users_router.post("/{int:user_id}/enable", response=UserOut, summary="Enable again")
def enable_user(request: HttpRequest, user_id: int) -> User:
    services.user_enable(actor=request.user, user_id=user_id)
    return selectors.user_for_admin(request.user, user_id)


@users_router.post(
    "/{int:user_id}/memberships", response={201: MembershipOut}, summary="Grant a role"
)
def grant_role(request: HttpRequest, user_id: int, payload: GrantIn) -> Status[Membership]:
    membership = services.membership_grant(actor=request.user, user_id=user_id, **payload.dict())
    return Status(201, membership)


@users_router.delete(
    "/memberships/{int:membership_id}", response={204: None}, summary="Revoke a role"
)
def revoke_role(request: HttpRequest, membership_id: int) -> Status[None]:
    services.membership_revoke(actor=request.user, membership_id=membership_id)
    return Status(204, None)


class PasswordLinkOut(Schema):
    url: str = Field(description="open once to set the password; hand it over, do not store it")
    expires_at: dt.datetime


@users_router.post(
    "/{int:user_id}/password-link",
    response=PasswordLinkOut,
    summary="A one-time link for the user to set their password",
)
def password_link(request: HttpRequest, user_id: int) -> dict[str, object]:
    link = services.password_link_create(actor=request.user, user_id=user_id)
    return {"url": link.url, "expires_at": link.expires_at}


class ImportOut(Schema):
    created: int
    users: list[UserOut]


@users_router.get(
    "/import/template",
    response={200: None},
    summary="The workbook to fill for an import (name, e-mail, unit, role)",
)
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        services.people_template(actor=request.user), content_type=services.XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nguoi-dung.xlsx"'
    return response


@users_router.post(
    "/import",
    response={201: ImportOut},
    summary="Create everyone a filled template lists — all or none (400 lists every wrong cell)",
)
def import_people(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, object]]:
    created = services.people_import(actor=request.user, content=file.read(services.MAX_UPLOAD + 1))
    users = [selectors.user_for_admin(request.user, user.pk) for user in created]
    return Status(201, {"created": len(created), "users": users})
