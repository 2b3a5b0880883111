"""Dashboard benchmark: builds a large programme in a fresh SQLite file, then times the dashboard pages uncached and cached.

Run from the repository root: `.venv/bin/python bench/dashboard.py [--sprints 40] [--results 10] [--lessons 300] [--repeat 30]`.
Same conventions and machinery as bench/pages.py (bench/harness.py). "Uncached" makes the dashboard's cached figures
stale before every request (as a change to a sprint or lesson does), so every request computes every figure; "cached"
leaves them in the local-memory cache of the test settings. Prints a table and writes bench/results/dashboard.json.
Targets (issue #8): ≤ 20 queries uncached and p50 ≤ 100 ms for the programme dashboard. All data is synthetic.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if not __package__:  # run as a file: the repository root in place of bench/ (bench/__init__.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import harness
from bench.harness import BARE, Entry, dashboard_uncached, uncached_dashboard

if TYPE_CHECKING:
    from knowledge.models import LessonPage

ENTRIES: list[Entry] = [
    BARE,
    uncached_dashboard("programme dashboard, uncached (coordinator)", "/dashboard/", "coordinator"),
    uncached_dashboard("programme dashboard, uncached (partner)", "/dashboard/", "partner"),
    uncached_dashboard("municipality page, uncached (lead)", "/dashboard/kiruna/", "lead-kiruna"),
    Entry("programme dashboard, cached (coordinator)", lambda d: "/dashboard/", "coordinator"),
    Entry("municipality page, cached (lead)", lambda d: "/dashboard/kiruna/", "lead-kiruna"),
    Entry(
        "chart download XLSX, uncached",
        lambda d: "/dashboard/data/sprints-by-phase.xlsx",
        "coordinator",
        before=dashboard_uncached,
    ),
]


def build_lessons(*, count: int, offset: int = 0) -> list[LessonPage]:
    """Published lessons (Wagtail pages, added one by one as the import does), some past their review date."""
    from django.utils import timezone

    from knowledge.models import LessonPage
    from knowledge.selectors import knowledge_index
    from themes.models import Municipality, SprintMethod, Visibility

    index = knowledge_index()
    assert index is not None, "the knowledge index page comes from the knowledge app's migrations"
    municipalities = list(Municipality.objects.order_by("slug"))
    methods = list(SprintMethod.objects.all())
    levels = list(Visibility.values)
    lessons = []
    for i in range(offset, offset + count):
        lesson = LessonPage(
            title=f"Lärdom {i} (syntetisk)",
            slug=f"bench-lardom-{i}",
            municipality=municipalities[i % len(municipalities)] if i % 10 else None,
            method=methods[i % len(methods)],
            visibility=levels[i % len(levels)],
            review_by=datetime.date(2026, 1, 1) + datetime.timedelta(days=(i * 5) % 700),
            live=True,
            first_published_at=timezone.now() - datetime.timedelta(days=(i * 3) % 360),
        )
        index.add_child(instance=lesson)
        lessons.append(lesson)
    return lessons


def build_meeting(lessons: list[LessonPage]) -> None:
    """An exchange meeting of six municipalities that discussed the given lessons (reuse across municipalities)."""
    from knowledge.models import ExchangeMeetingPage
    from knowledge.selectors import knowledge_index
    from themes.models import Municipality

    index = knowledge_index()
    assert index is not None
    meeting = ExchangeMeetingPage(title="Erfarenhetsutbyte (syntetiskt)", slug="bench-mote", live=True)
    index.add_child(instance=meeting)
    meeting.participating_municipalities.set(list(Municipality.objects.order_by("slug"))[:6])
    meeting.linked_lessons.set(lessons)
    meeting.save()


def main() -> None:
    parser = harness.page_parser(__doc__)
    harness.add_programme_arguments(parser)
    parser.add_argument("--lessons", type=int, default=300, help="published lessons (default 300)")
    args = parser.parse_args()
    harness.setup_django("dashboard")
    first = max(args.lessons // 10, 14)

    def small() -> harness.Data:
        harness.build_sprints(per_municipality=args.small, results_per_sprint=args.results)
        build_meeting(build_lessons(count=first)[: first // 2])
        return {}

    def grow() -> None:
        harness.build_sprints(
            per_municipality=args.sprints, results_per_sprint=args.results, start_index=args.small
        )
        build_lessons(count=max(args.lessons - first, 0), offset=first)

    measured = harness.measure_growth(ENTRIES, repeat=args.repeat, small=small, grow=grow)
    sizes = {**harness.programme_sizes(), "repeat": args.repeat, **harness.machine()}
    harness.report(
        title=harness.programme_title("dashboard", sizes),
        rows=measured.rows,
        sizes=sizes,
        small=f"@{args.small}/mun",
        out_name="dashboard.json",
    )


if __name__ == "__main__":
    main()
