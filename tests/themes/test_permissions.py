"""The permission service, table-driven over role × municipality × action."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.utils import translation

from tests.factories import user_with_role
from themes.models import Municipality
from themes.permissions import (
    Action,
    can,
    can_draft_knowledge_somewhere,
    can_edit_knowledge,
    can_publish_knowledge,
    require,
    require_edit_knowledge,
    visible_levels,
)

pytestmark = pytest.mark.django_db

OWN, OTHER = "kiruna", "lulea"

# Where a role may take an action, as (allowed for its own municipality, allowed for another municipality).
ALL, OWN_ONLY, NOWHERE = (True, True), (True, False), (False, False)
ROLES = ("coordinator", "lead", "analyst", "partner")

# action -> where each of ROLES may take it, one row an action.
# fmt: off
TABLE = {
    #                              coordinator lead        analyst     partner
    Action.VIEW_SPRINTS:          (ALL,        ALL,        ALL,        ALL),
    Action.EDIT_SPRINT:           (ALL,        OWN_ONLY,   NOWHERE,    NOWHERE),
    Action.DRAFT_KNOWLEDGE:       (ALL,        OWN_ONLY,   NOWHERE,    NOWHERE),
    Action.PUBLISH_KNOWLEDGE:     (ALL,        NOWHERE,    NOWHERE,    NOWHERE),
    Action.EDIT_TAXONOMY:         (ALL,        NOWHERE,    NOWHERE,    NOWHERE),
    Action.EDIT_GLOSSARY:         (ALL,        NOWHERE,    NOWHERE,    NOWHERE),
    Action.VIEW_SEARCH_ANALYTICS: (ALL,        NOWHERE,    NOWHERE,    NOWHERE),
    Action.VIEW_PROSPECTS:        (NOWHERE,    NOWHERE,    OWN_ONLY,   NOWHERE),
    Action.IMPORT_PROSPECTS:      (NOWHERE,    NOWHERE,    OWN_ONLY,   NOWHERE),
    Action.SHARE_SEGMENTS:        (NOWHERE,    NOWHERE,    OWN_ONLY,   NOWHERE),
    Action.VIEW_SHARED_SEGMENTS:  (ALL,        NOWHERE,    ALL,        ALL),
    Action.VIEW_DASHBOARD:        (ALL,        ALL,        ALL,        ALL),
    Action.EDIT_ACTION_PLAN:      (ALL,        OWN_ONLY,   NOWHERE,    NOWHERE),
    Action.REVIEW_ACTION_PLAN:    (ALL,        NOWHERE,    NOWHERE,    NOWHERE),
    Action.IMPORT_INDICATORS:     (ALL,        OWN_ONLY,   NOWHERE,    NOWHERE),
    Action.VIEW_PLANS_MATRIX:     (ALL,        NOWHERE,    NOWHERE,    NOWHERE),
    Action.RUN_CAMPAIGNS:         (NOWHERE,    OWN_ONLY,   NOWHERE,    NOWHERE),
    Action.MANAGE_PEOPLE:         (ALL,        NOWHERE,    NOWHERE,    NOWHERE),
}
# fmt: on

# role -> action -> (allowed for own municipality, allowed for another municipality)
MATRIX = {role: {action: row[column] for action, row in TABLE.items()} for column, role in enumerate(ROLES)}
MATRIX["anonymous"] = {action: (action == Action.VIEW_SPRINTS,) * 2 for action in Action}


def test_the_matrix_covers_every_action_for_every_role() -> None:
    assert all(len(row) == len(ROLES) for row in TABLE.values())
    for actions in MATRIX.values():
        assert set(actions) == set(Action)


def _user(role: str) -> User | AnonymousUser:
    if role == "anonymous":
        return AnonymousUser()
    municipality = OWN if role in ("lead", "analyst") else None
    return user_with_role(role, municipality, username=f"{role}-user")


@pytest.mark.parametrize(
    ("role", "action", "where", "allowed"),
    [
        (role, action, where, expected[index])
        for role, actions in MATRIX.items()
        for action, expected in actions.items()
        for index, where in enumerate((OWN, OTHER))
    ],
)
def test_role_municipality_action(role: str, action: Action, where: str, allowed: bool) -> None:
    user = _user(role)
    municipality = Municipality.objects.get(slug=where)
    assert can(user, action, municipality=municipality) is allowed
    if allowed:
        require(user, action, municipality=municipality)
    else:
        with pytest.raises(PermissionDenied):
            require(user, action, municipality=municipality)


def test_a_refusal_for_another_municipality_says_so() -> None:
    lead = _user("lead")
    with translation.override("en"), pytest.raises(PermissionDenied, match="own municipality"):
        require(lead, Action.EDIT_SPRINT, municipality=Municipality.objects.get(slug=OTHER))


def test_anonymous_is_asked_to_log_in() -> None:
    with translation.override("en"), pytest.raises(PermissionDenied, match="log in"):
        require(AnonymousUser(), Action.DRAFT_KNOWLEDGE)


def test_an_inactive_user_has_no_role() -> None:
    user = _user("coordinator")
    user.is_active = False
    assert not can(user, Action.PUBLISH_KNOWLEDGE)


def test_a_superuser_acts_as_the_coordinating_team() -> None:
    from tests.factories import UserFactory

    admin = UserFactory.create(username="root", is_superuser=True)
    assert can(admin, Action.PUBLISH_KNOWLEDGE)
    assert not can(admin, Action.VIEW_PROSPECTS, municipality=Municipality.objects.get(slug=OWN))


@pytest.mark.parametrize(
    ("role", "levels"),
    [
        ("anonymous", ("public",)),
        ("partner", ("public", "partners")),
        ("lead", ("public", "partners", "internal")),
        ("analyst", ("public", "partners", "internal")),
        ("coordinator", ("public", "partners", "internal")),
    ],
)
def test_visibility_levels_per_role(role: str, levels: tuple[str, ...]) -> None:
    assert visible_levels(_user(role)) == levels


def test_membership_assignment_moves_the_user_between_role_groups() -> None:
    from themes.models import Role
    from themes.services import membership_assign

    user = user_with_role("lead", OWN, username="lead-user")
    assert list(user.groups.values_list("name", flat=True)) == ["Project leads"]
    membership_assign(user=user, role=Role.PARTNER, skip_permission_checks=True)
    assert list(user.groups.values_list("name", flat=True)) == ["Partners"]
    assert user.membership.municipality is None


# The knowledge-page rules: (own municipality's page, another municipality's page, a region-wide page).
KNOWLEDGE_EDIT = {
    "coordinator": (True, True, True),
    "lead": (True, False, False),
    "analyst": (False, False, False),
    "partner": (False, False, False),
    "anonymous": (False, False, False),
}


@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        (role, where, expected[index])
        for role, expected in KNOWLEDGE_EDIT.items()
        for index, where in enumerate((OWN, OTHER, None))
    ],
)
def test_who_may_work_on_a_knowledge_page(role: str, where: str | None, allowed: bool) -> None:
    user = _user(role)
    municipality = Municipality.objects.get(slug=where) if where else None
    assert can_edit_knowledge(user, municipality=municipality) is allowed
    if allowed:
        require_edit_knowledge(user, municipality=municipality)
    else:
        with pytest.raises(PermissionDenied):
            require_edit_knowledge(user, municipality=municipality)


@pytest.mark.parametrize(
    ("role", "publishes", "drafts_somewhere"),
    [
        ("coordinator", True, True),
        ("lead", False, True),
        ("analyst", False, False),
        ("partner", False, False),
        ("anonymous", False, False),
    ],
)
def test_who_publishes_and_who_writes_knowledge_at_all(
    role: str, publishes: bool, drafts_somewhere: bool
) -> None:
    user = _user(role)
    assert can_publish_knowledge(user) is publishes
    assert can_draft_knowledge_somewhere(user) is drafts_somewhere


def test_a_lead_is_told_that_region_wide_knowledge_is_the_coordinating_teams() -> None:
    with translation.override("en"), pytest.raises(PermissionDenied, match="region-wide"):
        require_edit_knowledge(_user("lead"), municipality=None)


# --- action plans: the rule functions on top of the matrix ---------------------------------------------------------

PLAN_RULES = {
    # role -> (edit own plan, edit another municipality's plan, review plans, see the 14-municipality matrix)
    "coordinator": (True, True, True, True),
    "lead": (True, False, False, False),
    "analyst": (False, False, False, False),
    "partner": (False, False, False, False),
    "anonymous": (False, False, False, False),
}


@pytest.mark.parametrize(("role", "expected"), PLAN_RULES.items())
def test_action_plan_rules(role: str, expected: tuple[bool, ...]) -> None:
    from themes.permissions import can_edit_action_plan, can_review_action_plans, can_view_plans_matrix

    user = _user(role)
    own, other = Municipality.objects.get(slug=OWN), Municipality.objects.get(slug=OTHER)
    assert (
        can_edit_action_plan(user, municipality=own),
        can_edit_action_plan(user, municipality=other),
        can_review_action_plans(user),
        can_view_plans_matrix(user),
    ) == expected


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("anonymous", {"public"}),
        ("partner", {"public", "partners"}),
        ("lead", {"public", "partners", "internal"}),
        ("analyst", {"public", "partners", "internal"}),
        ("coordinator", {"public", "partners", "internal"}),
    ],
)
def test_action_plans_are_seen_by_the_visibility_levels_of_sprints(role: str, visible: set[str]) -> None:
    from themes.permissions import can_view_action_plan

    user = _user(role)
    assert {
        level for level in ("public", "partners", "internal") if can_view_action_plan(user, visibility=level)
    } == visible


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("coordinator", True), ("lead", False), ("analyst", False), ("partner", False), (None, False)],
)
def test_only_the_coordinating_team_reads_search_analytics_and_promotes_results(
    role: str | None, allowed: bool
) -> None:
    from themes.permissions import can_promote_search_results, can_view_search_analytics

    user = (
        AnonymousUser()
        if role is None
        else user_with_role(role, municipality=OWN if role in {"lead", "analyst"} else None)
    )
    assert can_view_search_analytics(user) is allowed
    assert can_promote_search_results(user) is allowed
