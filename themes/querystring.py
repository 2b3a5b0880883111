"""Filter values read from a query string the same way by every listing (the board, the knowledge listings, search)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def filter_value(params: Mapping[str, Any], name: str) -> str:
    """The text given for the filter `name`, stripped; "" when it is missing or empty."""
    return str(params.get(name, "") or "").strip()
