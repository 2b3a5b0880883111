"""The demo knowledge: enough of every type, mixed visibility, linked to demo sprints, idempotent."""

import io
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings

from knowledge import demo as knowledge_demo
from knowledge.demo import demo_page_files
from knowledge.importer import parse_file
from knowledge.models import ExchangeMeetingPage, KnowledgePage, LessonPage, MethodCardPage
from sprints import demo as sprints_demo
from themes.demodata import DemoDataError, demo_path
from themes.models import SprintMethod

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_knowledge_linked_to_sprints_and_is_idempotent(
    settings: Settings, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", "--password", "Demo-lösenord-2026", stdout=io.StringIO())
    counts = (LessonPage.objects.count(), MethodCardPage.objects.count(), ExchangeMeetingPage.objects.count())
    assert counts[0] >= 25
    assert counts[1] == 8
    assert counts[2] == 3
    assert set(MethodCardPage.objects.values_list("method__code", flat=True)) == set(
        SprintMethod.objects.values_list("code", flat=True)
    )
    assert set(LessonPage.objects.values_list("visibility", flat=True)) == {"public", "partners", "internal"}
    assert LessonPage.objects.filter(source_sprint__isnull=False).count() >= 5
    assert LessonPage.objects.live().count() == counts[0]
    call_command("seed_demo", "--password", "Demo-lösenord-2026", stdout=io.StringIO())
    assert (
        LessonPage.objects.count(),
        MethodCardPage.objects.count(),
        ExchangeMeetingPage.objects.count(),
    ) == counts


@pytest.fixture
def demo_users() -> None:
    from portal.management.commands.seed_demo import Command as SeedDemo

    SeedDemo().seed_users("Demo-lösenord-2026")


def demo_with_manifest_changed(settings: Settings, tmp_path: Path, old: str, new: str) -> None:
    """A copy of demo/ under a temporary BASE_DIR, with `old` replaced by `new` in its knowledge.yaml."""
    shutil.copytree(demo_path(), tmp_path / "demo")
    settings.BASE_DIR = tmp_path
    manifest = tmp_path / "demo" / "knowledge.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new), encoding="utf-8")


def test_every_demo_page_passes_the_knowledge_importer(demo_users: None) -> None:
    parsed = [parse_file(path) for path in demo_page_files()]
    assert Counter(page.kind for page in parsed) == {"lesson": 20, "method": 8, "exchange": 3}
    assert {page.fields["method"].code for page in parsed if page.kind == "method"} == set(
        SprintMethod.objects.values_list("code", flat=True)
    )
    assert all(page.language == "sv" and page.owner is not None for page in parsed)


def test_a_wrong_sprint_reference_in_knowledge_yaml_stops_before_any_page_is_written(
    settings: Settings, tmp_path: Path, demo_users: None
) -> None:
    demo_with_manifest_changed(settings, tmp_path, "kiruna/norrskensgaster-blir-invanare", "kiruna/norrsken")
    with pytest.raises(DemoDataError, match="kiruna/norrsken"):
        knowledge_demo.seed(stdout=io.StringIO())
    assert not KnowledgePage.objects.exists()


def test_meeting_links_to_an_unknown_lesson_are_refused(
    settings: Settings, tmp_path: Path, demo_users: None
) -> None:
    demo_with_manifest_changed(settings, tmp_path, "[hackathon-om-tomma-hus,", "[ingen-sadan-lektion,")
    sprints_demo.seed(stdout=io.StringIO())
    with pytest.raises(DemoDataError, match=r"erfarenhetsutbyte-nasta.*ingen-sadan-lektion"):
        knowledge_demo.seed(stdout=io.StringIO())
    # Each page is imported in its own transaction, in file name order: the one before it stays, it is not made.
    assert set(ExchangeMeetingPage.objects.values_list("slug", flat=True)) == {"erfarenhetsutbyte-kompetens"}
