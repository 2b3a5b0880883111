"""Drops the cached taxonomy vocabulary when a term changes, so knowledge pages show the new label at once."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, WorkPackage

from .selectors import VOCABULARY_CACHE_KEY


def forget_vocabulary(**kwargs: Any) -> None:
    cache.delete(VOCABULARY_CACHE_KEY)


def connect() -> None:
    for model in (Municipality, WorkPackage, ValueChainStep, RelocationPhase, SprintMethod):
        post_save.connect(
            forget_vocabulary, sender=model, dispatch_uid=f"knowledge-vocabulary-{model.__name__}"
        )
        post_delete.connect(
            forget_vocabulary, sender=model, dispatch_uid=f"knowledge-vocabulary-delete-{model.__name__}"
        )
