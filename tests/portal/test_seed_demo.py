import ast
import datetime
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django.fixtures import Settings

from campaigns.models import VariantOutcome
from insights.models import Prospect, Segment
from knowledge.demo import demo_knowledge, demo_page_files
from knowledge.importer import split_front_matter
from knowledge.models import ExchangeMeetingPage, KnowledgePage, LessonPage, MethodCardPage
from sprints.models import Card, Result, Retrospective, Sprint
from themes.models import Municipality

pytestmark = pytest.mark.django_db

BENCH_RELEVANCE = Path(__file__).resolve().parents[2] / "bench" / "search_relevance.py"

# What seed_demo made before the demo content moved from Python into demo/ (measured then, and again after the move).
DEMO_COUNTS = {
    "sprints": 34,
    "results": 30,
    "cards": 7,
    "retrospectives": 17,
    "lessons": 37,
    "lessons from sprints": 20,
    "method cards": 8,
    "exchange meetings": 3,
    "prospects": 4273,
    "segments": 1041,
    "users": 30,
    "campaign variants": 2,
}


def demo_counts() -> dict[str, int]:
    return {
        "sprints": Sprint.objects.count(),
        "results": Result.objects.count(),
        "cards": Card.objects.count(),
        "retrospectives": Retrospective.objects.count(),
        "lessons": LessonPage.objects.live().count(),
        "lessons from sprints": LessonPage.objects.filter(source_sprint__isnull=False).count(),
        "method cards": MethodCardPage.objects.live().count(),
        "exchange meetings": ExchangeMeetingPage.objects.live().count(),
        "prospects": Prospect.objects.count(),
        "segments": Segment.objects.count(),
        "users": get_user_model().objects.count(),
        "campaign variants": VariantOutcome.objects.count(),
    }


def judged_slugs() -> set[str]:
    """The page slugs bench/search_relevance.py grades, read from its source (it is a script, not a module)."""
    tree = ast.parse(BENCH_RELEVANCE.read_text(encoding="utf-8"))
    node = next(
        n for n in tree.body if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "JUDGEMENTS"
    )
    assert node.value is not None
    judgements = ast.literal_eval(node.value)
    return {slug for judged in judgements.values() for slug in judged}


def test_seed_demo_creates_every_demo_user_and_is_idempotent(settings: Settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", "--password", "Demo-lösenord-2026")
    first = demo_counts()
    call_command("seed_demo", "--password", "Demo-lösenord-2026")
    assert demo_counts() == first == DEMO_COUNTS
    User = get_user_model()
    names = set(User.objects.values_list("username", flat=True))
    assert {"coordinator", "partner", "lead-kiruna", "analyst-lulea", "lead-overtornea"} <= names
    assert User.objects.filter(username__startswith="lead-").count() == 14
    municipality = User.objects.get(username="analyst-kiruna").membership.municipality
    assert municipality is not None
    assert municipality.slug == "kiruna"
    assert User.objects.get(username="coordinator").check_password("Demo-lösenord-2026")

    # Every municipality has a sprint; prospects are scored for at least three (INTERFACES.md).
    assert Municipality.objects.exclude(sprints__isnull=False).count() == 0
    assert Segment.objects.values("municipality").distinct().count() >= 3

    # Every Markdown page of demo/knowledge/ and every promoted sprint is a live page, and nothing else is.
    file_slugs = set()
    for path in demo_page_files():
        front, *_ = split_front_matter(path, path.read_text(encoding="utf-8"))
        file_slugs.add(yaml.safe_load(front)["slug"])
    promoted = {promotion.sprint.split("/", 1)[1] for promotion in demo_knowledge().promoted}
    live = set(KnowledgePage.objects.live().values_list("slug", flat=True))
    assert live == file_slugs | promoted
    assert judged_slugs() <= live

    # The dates move with today: some reviews are due, the last meeting is ahead, one is behind.
    today = timezone.localdate()
    assert LessonPage.objects.filter(review_by__lt=today).count() >= 5
    meeting_dates = sorted(ExchangeMeetingPage.objects.values_list("date", flat=True))
    assert meeting_dates[0] < today < meeting_dates[-1] <= today + datetime.timedelta(days=60)
    for meeting in ExchangeMeetingPage.objects.all():
        assert meeting.linked_lessons.count() == 3
        assert meeting.participating_municipalities.count() >= 6


def test_the_generated_demo_password_is_random_and_kept(settings: Settings, tmp_path: Path) -> None:
    from portal.management.commands.seed_demo import demo_password

    settings.DATA_DIR = tmp_path
    first = demo_password()
    assert len(first) >= 12
    assert demo_password() == first
    assert (tmp_path / "demo-password").stat().st_mode & 0o077 == 0


def test_seed_demo_is_refused_outside_dev_settings(settings: Settings) -> None:
    settings.STIGAR_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="refused"):
        call_command("seed_demo")
