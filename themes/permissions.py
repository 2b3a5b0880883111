"""The one permission service: who may do what, by role and municipality. Every write path calls `require`."""

from __future__ import annotations

import enum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Membership, Municipality, Role, Visibility


class Action(enum.StrEnum):
    VIEW_SPRINTS = "view_sprints"
    EDIT_SPRINT = "edit_sprint"
    DRAFT_KNOWLEDGE = "draft_knowledge"
    PUBLISH_KNOWLEDGE = "publish_knowledge"
    EDIT_TAXONOMY = "edit_taxonomy"
    EDIT_GLOSSARY = "edit_glossary"
    VIEW_SEARCH_ANALYTICS = "view_search_analytics"
    VIEW_PROSPECTS = "view_prospects"
    IMPORT_PROSPECTS = "import_prospects"
    SHARE_SEGMENTS = "share_segments"
    VIEW_SHARED_SEGMENTS = "view_shared_segments"
    VIEW_DASHBOARD = "view_dashboard"
    EDIT_ACTION_PLAN = "edit_action_plan"
    REVIEW_ACTION_PLAN = "review_action_plan"
    IMPORT_INDICATORS = "import_indicators"
    VIEW_PLANS_MATRIX = "view_plans_matrix"
    RUN_CAMPAIGNS = "run_campaigns"

    MANAGE_PEOPLE = "manage_people"


# Actions a role may take anywhere, and actions it may take only for its own municipality.
_ANYWHERE: dict[Role, frozenset[Action]] = {
    Role.COORDINATOR: frozenset(
        {
            Action.VIEW_SPRINTS,
            Action.EDIT_SPRINT,
            Action.DRAFT_KNOWLEDGE,
            Action.PUBLISH_KNOWLEDGE,
            Action.EDIT_TAXONOMY,
            Action.EDIT_GLOSSARY,
            Action.VIEW_SEARCH_ANALYTICS,
            Action.VIEW_SHARED_SEGMENTS,
            Action.VIEW_DASHBOARD,
            Action.EDIT_ACTION_PLAN,
            Action.REVIEW_ACTION_PLAN,
            Action.IMPORT_INDICATORS,
            Action.VIEW_PLANS_MATRIX,
            Action.MANAGE_PEOPLE,
        }
    ),
    Role.LEAD: frozenset({Action.VIEW_SPRINTS, Action.VIEW_DASHBOARD}),
    Role.ANALYST: frozenset({Action.VIEW_SPRINTS, Action.VIEW_SHARED_SEGMENTS, Action.VIEW_DASHBOARD}),
    Role.PARTNER: frozenset({Action.VIEW_SPRINTS, Action.VIEW_SHARED_SEGMENTS, Action.VIEW_DASHBOARD}),
}
_OWN_MUNICIPALITY: dict[Role, frozenset[Action]] = {
    Role.COORDINATOR: frozenset(),
    Role.LEAD: frozenset(
        {
            Action.EDIT_SPRINT,
            Action.DRAFT_KNOWLEDGE,
            Action.EDIT_ACTION_PLAN,
            Action.IMPORT_INDICATORS,
            # Targeting a campaign sprint at segments and logging its variant counts: segments are the
            # municipality's own, so not even the coordinating team (who edits any sprint) does it (ADR 0032).
            Action.RUN_CAMPAIGNS,
        }
    ),
    # Row-level prospect data never leaves its municipality: only its own analysts see it.
    Role.ANALYST: frozenset({Action.VIEW_PROSPECTS, Action.IMPORT_PROSPECTS, Action.SHARE_SEGMENTS}),
    Role.PARTNER: frozenset(),
}
ANONYMOUS_ACTIONS = frozenset({Action.VIEW_SPRINTS})

_VISIBLE: dict[Role | None, tuple[str, ...]] = {
    None: (Visibility.PUBLIC,),
    Role.PARTNER: (Visibility.PUBLIC, Visibility.PARTNERS),
    Role.LEAD: (Visibility.PUBLIC, Visibility.PARTNERS, Visibility.INTERNAL),
    Role.ANALYST: (Visibility.PUBLIC, Visibility.PARTNERS, Visibility.INTERNAL),
    Role.COORDINATOR: (Visibility.PUBLIC, Visibility.PARTNERS, Visibility.INTERNAL),
}


def _membership(user: Any) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    # Cached on the user object: a request asks many permission questions about the same person.
    if not hasattr(user, "_stigar_membership"):
        user._stigar_membership = Membership.objects.select_related("municipality").filter(user=user).first()
    membership: Membership | None = user._stigar_membership
    return membership


def role_of(user: Any) -> Role | None:
    """The user's role; a superuser acts as the coordinating team; anonymous and unassigned users have none."""
    if user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser:
        return Role.COORDINATOR
    membership = _membership(user)
    return Role(membership.role) if membership else None


def municipality_of(user: Any) -> Municipality | None:
    membership = _membership(user)
    return membership.municipality if membership else None


def can(user: Any, action: Action, *, municipality: Municipality | None = None) -> bool:
    """Whether `user` may take `action`, for `municipality` where the action concerns one."""
    role = role_of(user)
    if role is None:
        return action in ANONYMOUS_ACTIONS
    if action in _ANYWHERE[role]:
        return True
    if action in _OWN_MUNICIPALITY[role]:
        own = municipality_of(user)
        return own is not None and municipality is not None and own.pk == municipality.pk
    return False


def require(user: Any, action: Action, *, municipality: Municipality | None = None) -> None:
    """Raise PermissionDenied with a message a person understands unless `user` may take `action`."""
    if can(user, action, municipality=municipality):
        return
    if role_of(user) is None and action not in ANONYMOUS_ACTIONS:
        raise PermissionDenied(_("You need to log in to do this."))
    if municipality is not None and action in _OWN_MUNICIPALITY.get(
        role_of(user) or Role.PARTNER, frozenset()
    ):
        raise PermissionDenied(
            _("You can only do this for your own municipality, not for %(municipality)s.")
            % {"municipality": municipality}
        )
    raise PermissionDenied(_("Your role does not allow this."))


def visible_levels(user: Any) -> tuple[str, ...]:
    """The visibility levels whose content `user` may see (and whose existence may show at all)."""
    return tuple(str(level) for level in _VISIBLE[role_of(user)])


# --- Rules on one kind of object, for the callers that would otherwise spell them out -------------------------------


def can_edit_knowledge(user: Any, *, municipality: Municipality | None) -> bool:
    """Who may work on a knowledge page of `municipality` (None: region-wide): edit it, see its drafts and history,
    submit it for review, copy, move or delete it. The coordinating team any page; a project lead the pages of their
    own municipality, never a region-wide one.

    Ownership is not part of the rule: a municipality's leads work on its pages as a team, and the owner is the person
    reminded of the review date, not the only one who may change the page.
    """
    return can(user, Action.DRAFT_KNOWLEDGE, municipality=municipality)


def can_publish_knowledge(user: Any) -> bool:
    """Publishing, approving a review and choosing any municipality are the coordinating team's."""
    return can(user, Action.PUBLISH_KNOWLEDGE)


def can_draft_knowledge_somewhere(user: Any) -> bool:
    """Whether `user` writes knowledge at all (the coordinating team, or a lead of some municipality)."""
    return can_publish_knowledge(user) or can_edit_knowledge(user, municipality=municipality_of(user))


def require_edit_knowledge(user: Any, *, municipality: Municipality | None) -> None:
    """As `require`, for `can_edit_knowledge`."""
    if can_edit_knowledge(user, municipality=municipality):
        return
    if municipality is None and role_of(user) is not None:
        raise PermissionDenied(_("Only the coordinating team can change region-wide knowledge."))
    require(user, Action.DRAFT_KNOWLEDGE, municipality=municipality)


def can_edit_action_plan(user: Any, *, municipality: Municipality) -> bool:
    """Writing a municipality's action plan (needs, goals, activities, submitting it): its own project leads, and the
    coordinating team, which supports every municipality. Never a lead of another municipality, a partner or an
    analyst."""
    return can(user, Action.EDIT_ACTION_PLAN, municipality=municipality)


def require_edit_action_plan(user: Any, *, municipality: Municipality) -> None:
    require(user, Action.EDIT_ACTION_PLAN, municipality=municipality)


def can_review_action_plans(user: Any) -> bool:
    """Approving an action plan or sending it back with a comment is the coordinating team's alone."""
    return can(user, Action.REVIEW_ACTION_PLAN)


def require_review_action_plans(user: Any) -> None:
    require(user, Action.REVIEW_ACTION_PLAN)


def can_view_action_plan(user: Any, *, visibility: str) -> bool:
    """An action plan is seen by the visibility levels of sprints (INTERFACES.md, Visibility)."""
    return visibility in visible_levels(user)


def can_import_indicators(user: Any, *, municipality: Municipality) -> bool:
    """Receiving-capacity indicator values: the coordinating team for any municipality, a lead for their own."""
    return can(user, Action.IMPORT_INDICATORS, municipality=municipality)


def can_view_plans_matrix(user: Any) -> bool:
    """The 14-municipality matrix of attraction against capacity, and the needs that recur across the 14, are the
    coordinating team's planning tool for TILLSAMMANS efforts."""
    return can(user, Action.VIEW_PLANS_MATRIX)


def can_manage_people(user: Any) -> bool:
    """Inviting people, giving them a role and a municipality, deactivating them and resetting their second factor
    are the coordinating team's: these decide who sees row-level prospect data and who publishes for all 14."""
    return can(user, Action.MANAGE_PEOPLE)


def require_manage_people(user: Any) -> None:
    """As `require`, for `can_manage_people`."""
    require(user, Action.MANAGE_PEOPLE)


# Roles that reach row-level prospect data or publish for the whole programme: with STIGAR_REQUIRE_2FA they must pass
# a second factor before the admin, /insights/ or the session-authenticated API.
SECOND_FACTOR_ROLES = frozenset({Role.COORDINATOR, Role.ANALYST})


def needs_second_factor(user: Any) -> bool:
    """Whether `user`'s role is one that must pass a second factor when the programme requires it."""
    return role_of(user) in SECOND_FACTOR_ROLES


def can_edit_taxonomy_labels(user: Any) -> bool:
    """The taxonomy's labels (and a municipality's name, aliases, population and cluster) are the coordinating
    team's to maintain; codes never change and terms are neither added nor removed by hand."""
    return can(user, Action.EDIT_TAXONOMY)


def can_edit_glossary(user: Any) -> bool:
    """The search glossary (synonyms, Swedish-English equivalents) is the coordinating team's to maintain."""
    return can(user, Action.EDIT_GLOSSARY)


def can_view_search_analytics(user: Any) -> bool:
    """What partners and the public search for, and what they do not find, is the coordinating team's to read and
    act on (glossary entries, promoted results, new pages); the log holds no person, but its queries are theirs."""
    return can(user, Action.VIEW_SEARCH_ANALYTICS)


def can_promote_search_results(user: Any) -> bool:
    """Promoted search results put a page first for everyone who searches a query: the coordinating team decides,
    as it decides the glossary."""
    return can(user, Action.EDIT_GLOSSARY)


def can_correct_sprint(user: Any, *, municipality: Municipality) -> bool:
    """Correcting or removing a sprint's results, cards and attachments, and archiving or restoring the sprint:
    the people who edit the sprint (its municipality's project leads, the coordinating team). A correction changes
    dashboard and target figures, so it is never a partner's, an analyst's or another municipality's lead's."""
    return can(user, Action.EDIT_SPRINT, municipality=municipality)


def require_correct_sprint(user: Any, *, municipality: Municipality) -> None:
    """As `require`, for `can_correct_sprint`."""
    require(user, Action.EDIT_SPRINT, municipality=municipality)


def can_set_board_limits(user: Any, *, municipality: Municipality) -> bool:
    """The soft work-in-progress limits of a municipality's board are set by those who work on that board."""
    return can(user, Action.EDIT_SPRINT, municipality=municipality)


def require_set_board_limits(user: Any, *, municipality: Municipality) -> None:
    require(user, Action.EDIT_SPRINT, municipality=municipality)


# --- Campaigns on segments (ADR 0032) -----------------------------------------------------------------------------


def can_run_campaign(user: Any, *, municipality: Municipality) -> bool:
    """Choosing the segments a campaign sprint targets and logging its variant counts: the municipality's own
    project leads only. Segments never leave their municipality, so another municipality's lead and the coordinating
    team (who may otherwise edit any sprint) neither see nor target them."""
    return can(user, Action.RUN_CAMPAIGNS, municipality=municipality)


def require_run_campaign(user: Any, *, municipality: Municipality) -> None:
    """As `require`, for `can_run_campaign`."""
    require(user, Action.RUN_CAMPAIGNS, municipality=municipality)


def can_see_campaign_segments(user: Any, *, municipality: Municipality) -> bool:
    """Which segments a municipality's campaigns targeted, with their variant counts and effects: the people of
    that municipality who work with them, its project leads (who run them) and its analysts (who own the segments)."""
    return can(user, Action.RUN_CAMPAIGNS, municipality=municipality) or can(
        user, Action.VIEW_PROSPECTS, municipality=municipality
    )


# --- Conversations: comments, watching, notifications (ADR 0031) ------------------------------------------------------


def can_take_part_in_conversations(user: Any) -> bool:
    """Comments, watches and notifications are the programme's own: every member (coordinating team, leads,
    analysts, partners) reads and writes them on what they may see; an anonymous visitor sees none of it. Whether the
    commented object itself is visible is the object's own rule (sprints' and knowledge's selectors)."""
    return role_of(user) is not None


def can_edit_comment(user: Any, *, author_id: int | None) -> bool:
    """A comment's words are its author's: only they change them."""
    return can_take_part_in_conversations(user) and author_id is not None and user.pk == author_id


def can_remove_comment(user: Any, *, author_id: int | None) -> bool:
    """The author takes back their own comment; the coordinating team moderates every conversation."""
    return can_edit_comment(user, author_id=author_id) or role_of(user) == Role.COORDINATOR
