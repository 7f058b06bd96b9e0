"""Passwords are stored as Argon2id at OWASP's minimum (issue 15: the sign-in cost in a deadline
rush); hashes made before with PBKDF2 still sign in and are upgraded then."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from namhoc.accounts.models import User

pytestmark = pytest.mark.django_db
PRODUCTION_HASHERS = [
    "namhoc.ops.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
ARGON2ID = "argon2$argon2id$v=19$m=19456,t=2,p=1$"


def test_new_passwords_are_argon2id_at_owasp_minimum(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = User.objects.create_user(username="lan", password="mat-khau-dai-2026")
    assert user.password.startswith(ARGON2ID)
    assert user.check_password("mat-khau-dai-2026")
    assert not user.check_password("mat-khau-sai")


def test_a_pbkdf2_hash_signs_in_and_is_upgraded(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    old = make_password("mat-khau-cu-2025", hasher="pbkdf2_sha256")
    user = User.objects.create(username="hung", password=old)
    assert user.password.startswith("pbkdf2_sha256$")
    response = Client().post("/dang-nhap/", {"username": "hung", "password": "mat-khau-cu-2025"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith(ARGON2ID)
    wrong = Client().post("/dang-nhap/", {"username": "hung", "password": "mat-khau-cu-2024"})
    assert wrong.status_code == 200


def test_the_settings_name_argon2id_first_outside_tests():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "config" / "settings.py").read_text()
    assert '"namhoc.ops.hashers.Argon2idHasher",' in text
