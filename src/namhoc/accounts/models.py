from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. What they may see comes from their memberships in org units."""

    full_name = models.CharField("họ và tên", max_length=200, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)
