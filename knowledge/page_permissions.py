"""Wagtail's page permission tester narrowed by the programme's knowledge rule, so the admin's every view obeys it.

Wagtail grants "change" on the knowledge index to every project lead, and each admin view (edit, view draft,
history, revisions, compare, usage, copy, move, delete, unpublish, lock, workflow history and actions) asks the
page's `permissions_for_user()` tester what the person may do. `KnowledgePage.permissions_for_user` returns this
tester (Wagtail's documented extension point), so a lead of another municipality is refused by all of them at once
instead of by a hook per view.
"""

from __future__ import annotations

from typing import Any

from wagtail.models import PagePermissionTester

from themes.permissions import can_edit_knowledge, can_publish_knowledge


class KnowledgePagePermissionTester(PagePermissionTester):
    """Every action on a knowledge page needs `themes.permissions.can_edit_knowledge` for its municipality first;
    publishing, unpublishing and scheduling also `can_publish_knowledge`. Wagtail's own checks (locks, live
    descendants, the workflow) still apply on top."""

    def __init__(self, user: Any, page: Any) -> None:
        super().__init__(user, page)
        self.works_on_page = can_edit_knowledge(user, municipality=page.municipality)
        self.publishes = can_publish_knowledge(user)

    def can_add_subpage(self) -> bool:
        return self.works_on_page and super().can_add_subpage()

    def can_edit(self) -> bool:
        return self.works_on_page and super().can_edit()

    def can_delete(self, ignore_bulk: bool = False) -> bool:
        return self.works_on_page and super().can_delete(ignore_bulk=ignore_bulk)

    def can_unpublish(self) -> bool:
        return self.works_on_page and self.publishes and super().can_unpublish()

    def can_publish(self) -> bool:
        return self.works_on_page and self.publishes and super().can_publish()

    def can_publish_subpage(self) -> bool:
        return self.works_on_page and self.publishes and super().can_publish_subpage()

    def can_submit_for_moderation(self) -> bool:
        return self.works_on_page and super().can_submit_for_moderation()

    def can_lock(self) -> bool:
        return self.works_on_page and super().can_lock()

    def can_unlock(self) -> bool:
        return self.works_on_page and super().can_unlock()

    def can_reorder_children(self) -> bool:
        return self.works_on_page and super().can_reorder_children()

    def can_view_revisions(self) -> bool:
        return self.works_on_page and super().can_view_revisions()

    # can_copy, can_move, can_set_view_restrictions and can_unschedule are defined by Wagtail through the
    # methods above, and so follow the same rule.
