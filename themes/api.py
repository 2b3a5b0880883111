"""What every app's REST API shares: the error bodies it documents in /api/schema/ and the rule that a method an
endpoint does not offer is answered 405 whoever asks.

It lives in themes, the bottom layer, because sprints, conversations, plans, insights and sitesearch all answer
errors the same way (DRF's shapes) and must document them alike; it imports no app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.request import Request


class CodeField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A taxonomy code or slug of a related row. A value with a NUL character is no code: it is refused as unknown,
    where SlugRelatedField would hand it to the database, which PostgreSQL answers with an error (a 500)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\x00"))
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer[dict[str, str]]):
    """The body of a 403, 404 or 405 (and of a 400 for a body that is not JSON): one sentence in the caller's language."""

    detail = serializers.CharField(help_text="What went wrong, in the caller's language (sv or en).")


class ValidationErrorSerializer(serializers.Serializer[dict[str, Any]]):
    """The body of a 400: the fields (or parameters) that were refused, each with its messages. Its schema is written
    by ValidationErrorScheme below, because the keys are the fields of the request, not fixed properties."""


class ValidationErrorScheme(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        message = {"type": "string"}
        return {
            "type": "object",
            "description": "Each refused field or query parameter (or `non_field_errors` for the request as a "
            "whole, `detail` for a body that cannot be parsed) with what is wrong, in the caller's language.",
            "additionalProperties": {"oneOf": [message, {"type": "array", "items": message}]},
            "example": {"end": ["The end date cannot be before the start date."]},
        }


# The sentences the schema gives each documented error (the schema is English, like the other descriptions); a view
# passes its own where it says more.
_DESCRIPTIONS = {
    400: "The request was refused: the body names each field (or parameter) that is wrong and why.",
    403: "Not signed in, or the signed-in person may not do this (e.g. another municipality's sprint).",
    404: "No such object, or one the caller may not see.",
}


def service_refusal(error: DjangoValidationError) -> ValidationError:
    """A service's refusal as the API's 400: per field where the service names fields, else `non_field_errors`."""
    return ValidationError(
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )


def error_responses(*codes: int, **descriptions: str) -> dict[int, OpenApiResponse]:
    """The documented error answers of an operation, for extend_schema(responses={200: …, **error_responses(400, 404)}).
    A description for a code is passed as e.g. `e404="…"`."""
    responses = {}
    for code in codes:
        body = ValidationErrorSerializer if code == 400 else ErrorSerializer
        description = descriptions.get(f"e{code}", _DESCRIPTIONS.get(code, ""))
        responses[code] = OpenApiResponse(response=body, description=description)
    return responses


class OfferedMethodsOnly:
    """Answer 405 for a method the endpoint does not offer before authentication or permissions are considered, so
    that DELETE on a sprint is "not allowed" for everyone rather than 403 for an anonymous caller and 405 for a
    signed-in one. DRF checks permissions first (APIView.initial runs before the handler is looked up)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        allowed: list[str] = self.allowed_methods  # type: ignore[attr-defined]
        if request.method and request.method.upper() not in allowed:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
