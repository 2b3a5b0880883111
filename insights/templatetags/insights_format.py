"""Template filters of insights: scores as a chance in percent, intervals, enumeration codes in words."""

from __future__ import annotations

from typing import Any

from django import template

from .. import presentation

register = template.Library()


@register.filter
def probability(value: float | None) -> str:
    return presentation.probability_percent(value)


@register.filter
def ci(pair: list[float] | None) -> str:
    return presentation.interval(pair)


@register.filter
def enum_label(code: Any, column: str) -> str:
    return presentation.enum_label(column, code)
