"""User management endpoints (``/api/users``): the same access layer and services as the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status
from pydantic import Field

from namhoc.accounts import selectors, services
from namhoc.accounts.access import access_unit
from namhoc.accounts.models import Membership, Role, User

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


class UserCreateIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    full_name: str = Field(min_length=1, max_length=200)
    email: str = Field(default="", max_length=254)
    password: str | None = Field(default=None, max_length=128)
    unit: str = Field(min_length=1, max_length=40, description="the unit's key")
    role: Role


class UserPatchIn(Schema):
    full_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)


class GrantIn(Schema):
    unit: str = Field(min_length=1, max_length=40, description="the unit's key")
    role: Role


def _user_out(request: HttpRequest, user_id: int) -> User:
    """The user as the API shows it (memberships and units loaded), through the access layer."""
    return selectors.user_for_admin(request.user, user_id)


@users_router.get("", response=list[UserOut], summary="Users in the subtree I manage")
@paginate(LimitOffsetPagination)
def list_users(request: HttpRequest, q: str = "") -> QuerySet[User]:
    selectors.require_admin_scope(request.user)
    users = selectors.users_for_admin(request.user, search=q[:100])
    return users


@users_router.post("", response={201: UserOut}, summary="Create a user with one role")
def create_user(request: HttpRequest, payload: UserCreateIn) -> Status[User]:
    selectors.require_admin_scope(request.user)
    unit = access_unit(request.user, payload.unit, need=Role.UNIT_ADMIN)
    user = services.user_create(
        actor=request.user,
        username=payload.username,
        full_name=payload.full_name,
        email=payload.email,
        password=payload.password,
        unit=unit,
        role=payload.role,
    )
    return Status(201, _user_out(request, user.pk))


@users_router.get("/{int:user_id}", response=UserOut, summary="One user")
def get_user(request: HttpRequest, user_id: int) -> User:
    return _user_out(request, user_id)


@users_router.patch("/{int:user_id}", response=UserOut, summary="Change name or e-mail")
def update_user(request: HttpRequest, user_id: int, payload: UserPatchIn) -> User:
    user = selectors.user_for_admin(request.user, user_id)
    services.user_update(
        actor=request.user, user=user, full_name=payload.full_name, email=payload.email
    )
    return _user_out(request, user_id)


@users_router.post("/{int:user_id}/disable", response=UserOut, summary="Disable; ends sessions")
def disable_user(request: HttpRequest, user_id: int) -> User:
    user = selectors.user_for_admin(request.user, user_id)
    services.user_disable(actor=request.user, user=user)
    return _user_out(request, user_id)


@users_router.post("/{int:user_id}/enable", response=UserOut, summary="Enable again")
def enable_user(request: HttpRequest, user_id: int) -> User:
    user = selectors.user_for_admin(request.user, user_id)
    services.user_enable(actor=request.user, user=user)
    return _user_out(request, user_id)


@users_router.post(
    "/{int:user_id}/memberships", response={201: MembershipOut}, summary="Grant a role"
)
def grant_role(request: HttpRequest, user_id: int, payload: GrantIn) -> Status[Membership]:
    user = selectors.user_for_admin(request.user, user_id)
    unit = access_unit(request.user, payload.unit, need=Role.UNIT_ADMIN)
    membership = services.membership_grant(
        actor=request.user, user=user, unit=unit, role=payload.role
    )
    return Status(201, membership)


@users_router.delete(
    "/memberships/{int:membership_id}", response={204: None}, summary="Revoke a role"
)
def revoke_role(request: HttpRequest, membership_id: int) -> Status[None]:
    membership = selectors.membership_for_admin(request.user, membership_id)
    services.membership_revoke(actor=request.user, membership=membership)
    return Status(204, None)
