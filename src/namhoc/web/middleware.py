from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


class NoStoreWhenSignedInMiddleware:
    """Pages shown to a signed-in user hold data of their unit: no cache may keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response
