"""Demo knowledge for `seed_demo`: the Markdown pages in demo/knowledge/ (synthetic demo data, in the import format)
through the importer and the import service, and lessons promoted from the demo sprints as demo/knowledge.yaml lists."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from sprints.demo import demo_sprints
from sprints.models import Sprint
from themes.demodata import DemoDataError, demo_path, entry, read_yaml
from themes.models import Municipality

from . import services
from .importer import ParsedPage, markdown_files, parse_file
from .models import KnowledgePage, LessonPage
from .selectors import knowledge_index

SYNTHETIC = "<p><em>Syntetiska demodata.</em></p>"
# Meetings come last: they link to lessons.
FOLDERS = ("lessons", "methods", "meetings")


@dataclass(frozen=True)
class DemoPromotion:
    sprint: str  # "<municipality>/<sprint slug>"
    visibility: str
    review_by: datetime.date


@dataclass(frozen=True)
class DemoMeetingLinks:
    municipalities: list[str]
    lessons: list[str]


@dataclass(frozen=True)
class DemoKnowledge:
    """demo/knowledge.yaml: what the demo adds to the Markdown pages beyond the import format."""

    as_of: datetime.date
    promoted: tuple[DemoPromotion, ...] = ()
    source_sprints: dict[str, str] = field(default_factory=dict)
    meetings: dict[str, DemoMeetingLinks] = field(default_factory=dict)


def demo_knowledge() -> DemoKnowledge:
    return entry(DemoKnowledge, read_yaml("knowledge.yaml"), where=str(demo_path("knowledge.yaml")))


def demo_page_files() -> list[Path]:
    return [path for folder in FOLDERS for path in markdown_files(demo_path("knowledge", folder))]


def _check_sprint_references(demo: DemoKnowledge) -> None:
    """Every "<municipality>/<slug>" in knowledge.yaml names a sprint of sprints.yaml: a typo fails before any write."""
    known = {f"{spec.municipality}/{slugify(spec.title)}" for spec in demo_sprints()}
    references = {promotion.sprint for promotion in demo.promoted} | set(demo.source_sprints.values())
    if unknown := sorted(references - known):
        raise DemoDataError(f"{demo_path('knowledge.yaml')}: no such sprints in sprints.yaml: {unknown}")


def _sprint(reference: str) -> Sprint | None:
    """The demo sprint "<municipality>/<slug>"; None if it was not created (its lead is missing)."""
    municipality, slug = reference.split("/", 1)
    return Sprint.objects.filter(municipality__slug=municipality, slug=slug).first()


def _promoted_lessons(
    *, demo: DemoKnowledge, coordinator: Any, leads: dict[str, Any], shift: datetime.timedelta
) -> int:
    """Lessons promoted from finished demo sprints, the real way (as the lead), then published by the team."""
    created = 0
    for promotion in demo.promoted:
        sprint = _sprint(promotion.sprint)
        if sprint is None or LessonPage.objects.filter(source_sprint=sprint).exists():
            continue
        lead = leads.get(f"lead-{sprint.municipality.slug}")
        if lead is None:
            continue
        with transaction.atomic():
            lesson = services.lesson_promote_from_sprint(user=lead, sprint=sprint)
            lesson.visibility = promotion.visibility
            lesson.context = f"{lesson.context}{SYNTHETIC}"
            lesson.tags.set(["från sprint", sprint.method.label_sv.lower()])
            lesson.review_by = promotion.review_by + shift
            lesson.save_revision(user=coordinator)
            services.lesson_publish(user=coordinator, lesson=lesson)
        created += 1
    return created


def _add_demo_fields(parsed: ParsedPage, *, demo: DemoKnowledge, shift: datetime.timedelta) -> None:
    """Move the page's dates to today and add the relations the import format has no field for.

    The import service sets every entry of `parsed.fields` on the page, so these go in there too.
    """
    for key in ("date", "review_by"):
        if parsed.fields.get(key) is not None:
            parsed.fields[key] += shift
    if parsed.slug in demo.source_sprints:
        parsed.fields["source_sprint"] = _sprint(demo.source_sprints[parsed.slug])
    links = demo.meetings.get(parsed.slug)
    if links is not None:
        municipalities = list(Municipality.objects.filter(slug__in=links.municipalities))
        lessons = list(LessonPage.objects.filter(slug__in=links.lessons))
        missing = sorted(set(links.municipalities) - {m.slug for m in municipalities})
        missing += sorted(set(links.lessons) - {lesson.slug for lesson in lessons})
        if missing:
            raise DemoDataError(
                f"{demo_path('knowledge.yaml')}: meeting '{parsed.slug}' names unknown {missing}"
            )
        parsed.fields["participating_municipalities"] = municipalities
        parsed.fields["linked_lessons"] = lessons


def _imported_pages(*, demo: DemoKnowledge, coordinator: Any, shift: datetime.timedelta) -> Counter[str]:
    """The Markdown pages whose slug is new, imported with their owner; lessons are published by the team."""
    created: Counter[str] = Counter()
    for path in demo_page_files():
        parsed = parse_file(path)
        if KnowledgePage.objects.filter(slug=parsed.slug).exists():
            continue
        _add_demo_fields(parsed, demo=demo, shift=shift)
        with transaction.atomic():
            outcome = services.knowledge_page_import(parsed=parsed, publish=parsed.kind != "lesson")
            if isinstance(outcome.page, LessonPage):
                services.lesson_publish(user=coordinator, lesson=outcome.page)
        created[parsed.kind] += 1
    return created


def seed(*, stdout: Any) -> None:
    """Create the demo knowledge that does not exist yet (run after the demo users and sprints)."""
    User = get_user_model()
    coordinator = User.objects.filter(username="coordinator").first()
    if coordinator is None or knowledge_index() is None:
        stdout.write("Skipped demo knowledge: no user 'coordinator' or no knowledge index.")
        return
    leads = {user.username: user for user in User.objects.filter(username__startswith="lead-")}
    demo = demo_knowledge()
    _check_sprint_references(demo)
    # The demo's dates are written as of `as_of`: moved to today, some reviews are due and the next meeting is ahead.
    shift = timezone.localdate() - demo.as_of
    promoted = _promoted_lessons(demo=demo, coordinator=coordinator, leads=leads, shift=shift)
    created = _imported_pages(demo=demo, coordinator=coordinator, shift=shift)
    stdout.write(
        f"Demo knowledge: {promoted + created['lesson']} lessons ({promoted} from sprints), "
        f"{created['method']} method cards, {created['exchange']} exchange meetings created; "
        f"{LessonPage.objects.count()} lessons in total."
    )
