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
