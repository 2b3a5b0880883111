"""Reading a value out of a page or a mail in a test: a missing match fails with what was searched and where."""

from __future__ import annotations

import re
from typing import Any


def found(pattern: str, text: Any, group: int = 0) -> str:
    """The `group` of `pattern`'s first match in `text` (a mail body may be a lazy translation: read as str)."""
    text = str(text)
    match = re.search(pattern, text)
    assert match is not None, f"{pattern!r} not found in {text[:300]!r}"
    return match.group(group)
