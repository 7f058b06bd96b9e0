from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from namhoc import __version__
from namhoc.accounts.selectors import has_admin_scope


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


# (label, url name, for unit admins only). Items whose URL does not exist are left out.
NAV: tuple[tuple[str, str, bool], ...] = (
    ("Tổng quan", "home", False),
    ("Văn bản", "directives:list", False),
    ("Theo dõi", "tracking:dashboard", False),
    ("Số liệu", "indicators-index", False),
    ("Báo cáo", "reporting:index", False),
    ("Kiểm tra", "inspections:index", False),
    ("Thi đua", "emulation:index", False),
    ("Đơn vị", "orgunits-index", False),
    ("Người dùng", "users:list", True),
    ("Nhật ký", "audit:list", True),
)


@functools.cache
def _nav_urls(script_prefix: str, urlconf: str) -> tuple[tuple[str, str, bool], ...]:
    """``(label, url, for unit admins only)`` of the items whose URL exists: the same for every
    request under one script prefix and URLconf, so reversed once (ten ``reverse`` calls were a
    tenth of rendering every page's frame: issue 15)."""
    items = []
    for label, name, admin_only in NAV:
        try:
            items.append((label, reverse(name, urlconf=urlconf), admin_only))
        except NoReverseMatch:
            continue
    return tuple(items)


def _nav(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)  # absent when a response is made before auth runs
    if user is None or not user.is_authenticated:
        return []
    is_admin: bool | None = None
    items = []
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    for label, url, admin_only in _nav_urls(get_script_prefix(), urlconf):
        if admin_only:
            if is_admin is None:
                is_admin = has_admin_scope(user)
            if not is_admin:
                continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append(NavItem(label, url, current))
    return items


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "namhoc_version": __version__,
        "namhoc_env": settings.NAMHOC_ENV,
        "nav_items": SimpleLazyObject(lambda: _nav(request)),
    }
