"""OpenAPI schema scope: Stigar's own REST API, not Wagtail's page API or admin endpoints (they document themselves)."""

from __future__ import annotations

from typing import Any


def only_stigar_api(
    endpoints: list[tuple[str, str, str, Any]], **kwargs: Any
) -> list[tuple[str, str, str, Any]]:
    return [
        endpoint
        for endpoint in endpoints
        if endpoint[0].startswith("/api/") and not endpoint[0].startswith(("/api/v2/", "/api/schema/"))
    ]


def query_parameters_may_be_refused(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every operation that takes query parameters documents a 400 (portal/null_characters.py refuses a NUL in any of
    them before the view runs), with the API's error body, where the operation does not document one already."""
    refused = {
        "description": "A query parameter holds a NUL character.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                operation.setdefault("responses", {}).setdefault("400", refused)
    return result
