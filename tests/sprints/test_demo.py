"""The demo sprints of demo/sprints.yaml: read completely before anything is written, created through the services."""

import io
import shutil
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from sprints import demo as sprints_demo
from sprints.models import Sprint, Status
from themes.demodata import DemoDataError, demo_path
from themes.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users() -> None:
    from portal.management.commands.seed_demo import Command as SeedDemo

    SeedDemo().seed_users("Demo-lösenord-2026")


def test_the_demo_sprints_cover_every_municipality_and_every_board_column() -> None:
    sprints = sprints_demo.demo_sprints()
    assert {spec.municipality for spec in sprints} == set(Municipality.objects.values_list("slug", flat=True))
    assert {spec.status for spec in sprints} == set(Status.values)
    finished = [spec for spec in sprints if spec.status in (Status.LEARNED, Status.CLOSED)]
    assert all(spec.retrospective is not None for spec in finished)


def test_a_typo_in_sprints_yaml_is_named_and_nothing_is_created(
    settings: Settings, tmp_path: Path, demo_users: None
) -> None:
    shutil.copytree(demo_path(), tmp_path / "demo")
    settings.BASE_DIR = tmp_path
    data = tmp_path / "demo" / "sprints.yaml"
    text = data.read_text(encoding="utf-8")
    second = text.index("- municipality:", text.index("- municipality:") + 1)
    data.write_text(text[:second] + text[second:].replace("  goal:", "  mål:", 1), encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"sprints.yaml, sprint 2: unknown key 'mål', missing key 'goal'"):
        sprints_demo.seed(stdout=io.StringIO())
    assert not Sprint.objects.exists()


def test_a_learned_demo_sprint_keeps_its_retrospective_without_being_closed(demo_users: None) -> None:
    sprints_demo.seed(stdout=io.StringIO())
    sprint = Sprint.objects.get(slug="flyttlots-for-medfoljande-partner")
    assert sprint.status == Status.LEARNED
    assert sprint.retrospective.next_step == "Koppla på Nyföretagarcentrum."
    assert [(r.metric, str(r.baseline), str(r.actual)) for r in sprint.results.order_by("-date")] == [
        ("Tid till första anställning", "20.00", "11.00"),
        ("Matchade partner", "0.00", "17.00"),
    ]
