"""Reads for the portal's own pages."""

from __future__ import annotations

from typing import Any

from themes.models import Municipality, RelocationPhase, WorkPackage


def home_page(*, user: Any) -> dict[str, Any]:
    """The home page: the 14 municipalities and the programme's vocabulary (three queries)."""
    return {
        "municipalities": list(Municipality.objects.order_by("name")),
        "work_packages": list(WorkPackage.objects.all()),
        "phases": list(RelocationPhase.objects.all()),
    }
