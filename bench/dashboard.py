"""Dashboard benchmark: builds a large programme in a fresh SQLite file, then times the dashboard pages uncached and cached.

Run from the repository root: `.venv/bin/python bench/dashboard.py [--sprints 40] [--results 10] [--lessons 300] [--repeat 30]`.
Same conventions and machinery as bench/pages.py (bench/harness.py). "Uncached" makes the dashboard's cached figures
stale before every request (as a change to a sprint or lesson does), so every request computes every figure; "cached"
leaves them in the local-memory cache of the test settings. Prints a table and writes bench/results/dashboard.json.
Targets (issue #8): ≤ 20 queries uncached and p50 ≤ 100 ms for the programme dashboard. All data is synthetic.
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any

from harness import BARE, Entry, setup_django

setup_django("dashboard")

import harness  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from dashboard.cache import invalidate as dashboard_uncached  # noqa: E402

urlpatterns = harness.urlpatterns()

ENTRIES: list[Entry] = [
    BARE,
    Entry(
        "programme dashboard, uncached (coordinator)",
        lambda d: "/dashboard/",
        "coordinator",
        20,
        100,
        dashboard_uncached,
    ),
    Entry(
        "programme dashboard, uncached (partner)",
        lambda d: "/dashboard/",
        "partner",
        20,
        100,
        dashboard_uncached,
    ),
    Entry(
        "municipality page, uncached (lead)",
        lambda d: "/dashboard/kiruna/",
        "lead-kiruna",
        20,
        100,
        dashboard_uncached,
    ),
    Entry("programme dashboard, cached (coordinator)", lambda d: "/dashboard/", "coordinator"),
    Entry("municipality page, cached (lead)", lambda d: "/dashboard/kiruna/", "lead-kiruna"),
    Entry(
        "chart download XLSX, uncached",
        lambda d: "/dashboard/data/sprints-by-phase.xlsx",
        "coordinator",
        before=dashboard_uncached,
    ),
]


def build_lessons(*, count: int, offset: int = 0) -> list[Any]:
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


def build_meeting(lessons: list[Any]) -> None:
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
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sprints", type=int, default=40, help="sprints per municipality (default 40)")
    parser.add_argument("--results", type=int, default=10, help="results per sprint (default 10)")
    parser.add_argument("--lessons", type=int, default=300, help="published lessons (default 300)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument(
        "--small", type=int, default=4, help="sprints per municipality for the query-growth check (default 4)"
    )
    args = parser.parse_args()

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        call_command("migrate", verbosity=0)
        harness.users()
        harness.build_sprints(per_municipality=args.small, results_per_sprint=args.results)
        first = max(args.lessons // 10, 14)
        build_meeting(build_lessons(count=first)[: first // 2])
        browsers = harness.clients()
        data: dict[str, Any] = {}
        small_queries = harness.small_query_counts(ENTRIES, browsers, data)
        harness.build_sprints(
            per_municipality=args.sprints, results_per_sprint=args.results, start_index=args.small
        )
        build_lessons(count=max(args.lessons - first, 0), offset=first)
        rows = harness.measure(ENTRIES, browsers, data, repeat=args.repeat, small_queries=small_queries)

        from knowledge.models import LessonPage
        from sprints.models import Result, Sprint

        sizes = {
            "municipalities": 14,
            "sprints": Sprint.objects.count(),
            "results": Result.objects.count(),
            "lessons": LessonPage.objects.count(),
            "repeat": args.repeat,
            **harness.machine(),
        }
    harness.report(
        title=(
            f"Stigar dashboard benchmark: {sizes['sprints']} sprints, {sizes['results']} results, "
            f"{sizes['lessons']} lessons (synthetic), {args.repeat} requests each"
        ),
        rows=rows,
        sizes=sizes,
        small=f"@{args.small}/mun",
        out_name="dashboard.json",
    )


if __name__ == "__main__":
    main()
