from django.conf import settings
from django.http import HttpRequest

from namhoc import __version__


def site(request: HttpRequest) -> dict[str, object]:
    return {"namhoc_version": __version__, "namhoc_env": settings.NAMHOC_ENV}
