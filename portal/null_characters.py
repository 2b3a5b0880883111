"""A request whose query string carries a NUL character is refused with 400 before any view sees it.

No field of the portal can hold a NUL, and PostgreSQL cannot even compare a text containing one (psycopg raises
DataError: a 500 for a filter such as `?municipality=%00`, while SQLite simply finds nothing). Refusing it at the
door keeps every view and selector from having to know; under /api/ the answer is the API's JSON error body."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class NullCharacterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            message = _("The address holds a NUL character, which no search or filter can use.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
