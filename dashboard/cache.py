"""Caching of the dashboard figures: one version number in the cache, bumped whenever a model the figures read changes.

A version key rather than deleting known keys: the figures are cached per language, visibility and page, and bumping
one number makes every one of those entries unreachable at once (they then expire on their own).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "stigar:dashboard:version"
TIMEOUT = 60 * 60  # an hour: a safety net; invalidation on change is what keeps the figures fresh
# The models (and many-to-many tables) the figures are computed from. Others are left out on purpose: a share log is
# written on every view of shared segments, an activity event on every board move, prospects in bulk; none of them
# changes a figure, and invalidating on them would empty the cache all day.
WATCHED_MODELS = frozenset(
    {
        "themes.municipality",
        "themes.relocationphase",
        "themes.workpackage",
        "themes.sprintmethod",
        "sprints.sprint",
        "sprints.sprint_relocation_phases",
        "sprints.result",
        "knowledge.knowledgepage",
        "knowledge.lessonpage",
        "knowledge.methodcardpage",
        "knowledge.exchangemeetingpage",
        "knowledge.exchangemeetingpage_linked_lessons",
        "knowledge.exchangemeetingpage_participating_municipalities",
        "wagtailcore.page",
        "wagtailcore.taskstate",
        "insights.segment",
        # The plan panel: plans, their goals and activities, the indicator values, and (through a new import
        # batch) the prospect pipeline.
        "plans.actionplan",
        "plans.goal",
        "plans.activity",
        "plans.activity_sprints",
        "plans.indicatorvalue",
        "insights.importbatch",
    }
)

T = TypeVar("T")


def version() -> int:
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        current = cache.get(VERSION_KEY, 1)
    return int(current)


def invalidate() -> None:
    """Make every cached dashboard figure stale."""
    try:
        cache.incr(VERSION_KEY)
    except (
        ValueError
    ):  # the key was evicted or never set: any new value differs from what entries were built with
        cache.set(VERSION_KEY, version() + 1, timeout=None)


def cached(key: str, compute: Callable[[], T]) -> T:
    full_key = f"stigar:dashboard:{version()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout=TIMEOUT)
    return value  # type: ignore[no-any-return]


def _on_change(sender: Any, **kwargs: Any) -> None:
    meta = getattr(sender, "_meta", None)
    if meta is not None and meta.label_lower in WATCHED_MODELS:
        invalidate()


def connect() -> None:
    """Connect the invalidation to every save, delete and many-to-many change of a watched app's models."""
    for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
        signal.connect(_on_change, dispatch_uid=f"stigar-dashboard-invalidate-{name}")
