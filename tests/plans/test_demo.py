"""The demo plans: every municipality gets a plan with needs, goals and linked sprints, and synthetic indicators."""

import io

import pytest

from plans import demo
from plans.models import ActionPlan, Activity, IndicatorValue
from themes.models import Municipality

pytestmark = pytest.mark.django_db


def test_every_municipality_gets_a_full_demo_plan_and_seeding_again_adds_nothing() -> None:
    from portal.management.commands.seed_demo import Command
    from sprints import demo as sprints_demo

    Command().seed_users("Demo-lösenord-2026")
    sprints_demo.seed(stdout=io.StringIO())
    assert demo.load() == 14
    for municipality in Municipality.objects.all():
        plan = ActionPlan.objects.get(municipality=municipality, period="2026")
        assert plan.needs.count() >= 3
        assert plan.goals.count() >= 2
        assert Activity.sprints.through.objects.filter(activity__plan=plan).exists(), municipality.slug
    assert IndicatorValue.objects.count() == 14 * 4
    assert not IndicatorValue.objects.filter(synthetic=False).exists()
    statuses = set(ActionPlan.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "approved"}
    assert demo.load() == 0
    assert ActionPlan.objects.count() == 14
