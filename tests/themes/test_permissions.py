"""The permission service, table-driven over role × municipality × action."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import translation

from tests.factories import user_with_role
from themes.models import Municipality
from themes.permissions import Action, can, require, visible_levels

pytestmark = pytest.mark.django_db

OWN, OTHER = "kiruna", "lulea"

# role -> action -> (allowed for own municipality, allowed for another municipality)
MATRIX = {
    "coordinator": {
        Action.VIEW_SPRINTS: (True, True),
        Action.EDIT_SPRINT: (True, True),
        Action.DRAFT_KNOWLEDGE: (True, True),
        Action.PUBLISH_KNOWLEDGE: (True, True),
        Action.EDIT_TAXONOMY: (True, True),
        Action.EDIT_GLOSSARY: (True, True),
        Action.VIEW_PROSPECTS: (False, False),
        Action.IMPORT_PROSPECTS: (False, False),
        Action.SHARE_SEGMENTS: (False, False),
        Action.VIEW_SHARED_SEGMENTS: (True, True),
        Action.VIEW_DASHBOARD: (True, True),
    },
    "lead": {
        Action.VIEW_SPRINTS: (True, True),
        Action.EDIT_SPRINT: (True, False),
        Action.DRAFT_KNOWLEDGE: (True, False),
        Action.PUBLISH_KNOWLEDGE: (False, False),
        Action.EDIT_TAXONOMY: (False, False),
        Action.EDIT_GLOSSARY: (False, False),
        Action.VIEW_PROSPECTS: (False, False),
        Action.IMPORT_PROSPECTS: (False, False),
        Action.SHARE_SEGMENTS: (False, False),
        Action.VIEW_SHARED_SEGMENTS: (False, False),
        Action.VIEW_DASHBOARD: (True, True),
    },
    "analyst": {
        Action.VIEW_SPRINTS: (True, True),
        Action.EDIT_SPRINT: (False, False),
        Action.DRAFT_KNOWLEDGE: (False, False),
        Action.PUBLISH_KNOWLEDGE: (False, False),
        Action.EDIT_TAXONOMY: (False, False),
        Action.EDIT_GLOSSARY: (False, False),
        Action.VIEW_PROSPECTS: (True, False),
        Action.IMPORT_PROSPECTS: (True, False),
        Action.SHARE_SEGMENTS: (True, False),
        Action.VIEW_SHARED_SEGMENTS: (True, True),
        Action.VIEW_DASHBOARD: (True, True),
    },
    "partner": {
        Action.VIEW_SPRINTS: (True, True),
        Action.EDIT_SPRINT: (False, False),
        Action.DRAFT_KNOWLEDGE: (False, False),
        Action.PUBLISH_KNOWLEDGE: (False, False),
        Action.EDIT_TAXONOMY: (False, False),
        Action.EDIT_GLOSSARY: (False, False),
        Action.VIEW_PROSPECTS: (False, False),
        Action.IMPORT_PROSPECTS: (False, False),
        Action.SHARE_SEGMENTS: (False, False),
        Action.VIEW_SHARED_SEGMENTS: (True, True),
        Action.VIEW_DASHBOARD: (True, True),
    },
    "anonymous": {action: (action == Action.VIEW_SPRINTS,) * 2 for action in Action},
}


def test_the_matrix_covers_every_action_for_every_role():
    for actions in MATRIX.values():
        assert set(actions) == set(Action)


def _user(role):
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
def test_role_municipality_action(role, action, where, allowed):
    user = _user(role)
    municipality = Municipality.objects.get(slug=where)
    assert can(user, action, municipality=municipality) is allowed
    if allowed:
        require(user, action, municipality=municipality)
    else:
        with pytest.raises(PermissionDenied):
            require(user, action, municipality=municipality)


def test_a_refusal_for_another_municipality_says_so():
    lead = _user("lead")
    with translation.override("en"), pytest.raises(PermissionDenied, match="own municipality"):
        require(lead, Action.EDIT_SPRINT, municipality=Municipality.objects.get(slug=OTHER))


def test_anonymous_is_asked_to_log_in():
    with translation.override("en"), pytest.raises(PermissionDenied, match="log in"):
        require(AnonymousUser(), Action.DRAFT_KNOWLEDGE)


def test_an_inactive_user_has_no_role():
    user = _user("coordinator")
    user.is_active = False
    assert not can(user, Action.PUBLISH_KNOWLEDGE)


def test_a_superuser_acts_as_the_coordinating_team():
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True)
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
def test_visibility_levels_per_role(role, levels):
    assert visible_levels(_user(role)) == levels


def test_membership_assignment_moves_the_user_between_role_groups():
    from themes.models import Role
    from themes.services import membership_assign

    user = _user("lead")
    assert list(user.groups.values_list("name", flat=True)) == ["Project leads"]
    membership_assign(user=user, role=Role.PARTNER)
    assert list(user.groups.values_list("name", flat=True)) == ["Partners"]
    assert user.membership.municipality is None
