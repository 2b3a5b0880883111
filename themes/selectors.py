"""Reads of the taxonomy shared by the other apps."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, WorkPackage


def municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("name")


def municipality_by_code(code: str) -> Municipality:
    """A municipality by its 4-digit SCB code or its slug (INTERFACES.md: `CODE`). Raises Municipality.DoesNotExist."""
    value = str(code).strip().lower()
    if value.isdigit():
        return Municipality.objects.get(scb_code=value)
    return Municipality.objects.get(slug=value)


def taxonomy() -> dict[str, list[object]]:
    """All taxonomy terms, for filters and forms (one query per vocabulary)."""
    return {
        "work_packages": list(WorkPackage.objects.all()),
        "value_chain": list(ValueChainStep.objects.all()),
        "phases": list(RelocationPhase.objects.all()),
        "methods": list(SprintMethod.objects.all()),
    }


def search_synonyms() -> list[list[str]]:
    """Groups of names that mean the same municipality: its name, slug and aliases (Sámi, Meänkieli, Finnish)."""
    return [
        [name, slug, *aliases]
        for name, slug, aliases in Municipality.objects.values_list("name", "slug", "aliases").order_by(
            "name"
        )
    ]
