from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
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


# Room for the multipart envelope and the form's other fields around the largest allowed file.
_ENVELOPE_BYTES = 1024 * 1024


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than any upload may be, before reading it.

    Views check each file's size and type again; this stops a 2 GB POST at the door instead of
    after it has been written to a temporary file. Without a Content-Length, Django reads no body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(settings.UPLOAD_MAX_BYTES) + _ENVELOPE_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            megabytes = int(settings.UPLOAD_MAX_BYTES) // (1024 * 1024)
            message = f"Tệp gửi lên quá lớn: tối đa {megabytes} MB."
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "too_large", "message": message, "field": None}, status=413
                )
            return render(request, "413.html", {"message": message}, status=413)
        return self.get_response(request)


class RefuseNulInAddressMiddleware:
    """A NUL character in the address or its query string is a 400 before any view reads it: no
    unit key, code or search can hold one, PostgreSQL refuses it in a text value (a 500 once a
    view looked it up), and the forms already refuse it in a field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL in the address")
        return self.get_response(request)
