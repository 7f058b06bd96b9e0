"""Pagination for every API list: ``?limit=&offset=``, bounded so that no value reaches the
database as something it cannot hold (``offset=99999999999999999999`` is a 422 with a message,
never a 500). The answer is ``{"items": [...], "count": n}``."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_PAGE = 500
MAX_OFFSET = 1_000_000_000


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            100, ge=1, le=MAX_OFFSET, description="Rows per page (a larger one is served as 500)"
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip")

    def __init__(self, *, max_limit: int = MAX_PAGE, **kwargs: object) -> None:
        super().__init__(max_limit=max_limit, **kwargs)
