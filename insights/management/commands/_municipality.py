"""The `--municipality CODE` option that every insights command takes, read the same way by each."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from themes.models import Municipality
from themes.selectors import municipality_by_code


def add_municipality_argument(parser: CommandParser) -> None:
    parser.add_argument("--municipality", required=True, help="SCB code (2584) or slug (kiruna)")


def municipality_from_options(options: dict[str, Any]) -> Municipality:
    """The municipality named by `--municipality`, or a CommandError that names what was given."""
    try:
        return municipality_by_code(options["municipality"])
    except Municipality.DoesNotExist as exc:
        raise CommandError(f"No municipality with code or slug {options['municipality']!r}.") from exc
