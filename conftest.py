"""Fixtures shared by the whole suite: the fixed users and the org tree they belong to."""

from __future__ import annotations

import pytest
from django.test import Client

from namhoc.accounts.models import User

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def specialist(db: None) -> User:
    return User.objects.create_user(
        username="chuyenvien", password=PASSWORD, full_name="Nguyễn Thị Lan"
    )


@pytest.fixture
def signed_in_client(specialist: User) -> Client:
    client = Client()
    client.force_login(specialist)
    return client
