"""Page benchmark: builds a large programme in a fresh SQLite file, then times pages (uncached) next to a bare Django view.

Run from the repository root: `.venv/bin/python bench/pages.py [--sprints 40] [--results 10] [--lessons 2000] [--repeat 30]`.
Prints a table and writes bench/results/pages.json (shared machinery: bench/harness.py). Targets:
- issue #4: the sprint board and the overview in ≤ 15 queries, constant in the number of sprints, p50 ≤ 50 ms;
- issue #5 (`--lessons 2000`): the knowledge index and a lesson page in ≤ 15 queries and p50 ≤ 50 ms
  (more knowledge pages: bench/knowledge_pages.py; the cached lesson page: bench/page_cache.py);
- issue #8: the dashboard pages in ≤ 20 queries and p50 ≤ 100 ms, uncached (their entries' `before` makes the
  dashboard's cache stale before each request; more: bench/dashboard.py).
All data is synthetic.
"""

from __future__ import annotations

import argparse

from harness import BARE, Entry, setup_django

setup_django("pages")

import harness  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from knowledge_data import build_lessons  # noqa: E402

urlpatterns = harness.urlpatterns()


def dashboard_uncached() -> None:
    """The dashboard caches its figures until a sprint, result or lesson changes; this is what such a change does."""
    from dashboard.cache import invalidate

    invalidate()


ENTRIES: list[Entry] = [
    BARE,
    Entry("sprint board (lead, own municipality)", lambda d: "/sprints/kiruna/", "lead-kiruna", 15, 50),
    Entry("sprint board (anonymous)", lambda d: "/sprints/kiruna/", None, 15, 50),
    Entry("sprint overview (coordinator)", lambda d: "/sprints/", "coordinator", 15, 50),
    Entry("sprint overview (anonymous)", lambda d: "/sprints/", None, 15, 50),
    Entry("sprint page (lead)", lambda d: f"/sprints/kiruna/{d['kiruna_sprint']}/", "lead-kiruna", 25),
    Entry("API sprint list (coordinator)", lambda d: "/api/sprints/", "coordinator", 15),
    Entry("knowledge index (anonymous)", lambda d: "/kunskap/", None, 15, 50),
    Entry("knowledge index (coordinator)", lambda d: "/kunskap/", "coordinator", 15, 50),
    Entry("lesson page (anonymous)", lambda d: d["lesson_url"], None, 15, 50),
    Entry("lesson page (coordinator)", lambda d: d["lesson_url"], "coordinator", 15, 50),
    Entry(
        "programme dashboard, uncached (coordinator)",
        lambda d: "/dashboard/",
        "coordinator",
        20,
        100,
        dashboard_uncached,
    ),
    Entry(
        "municipality dashboard, uncached (lead)",
        lambda d: "/dashboard/kiruna/",
        "lead-kiruna",
        20,
        100,
        dashboard_uncached,
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sprints", type=int, default=40, help="sprints per municipality (default 40)")
    parser.add_argument("--results", type=int, default=10, help="results per sprint (default 10)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument(
        "--small", type=int, default=4, help="sprints per municipality for the query-growth check (default 4)"
    )
    parser.add_argument("--lessons", type=int, default=2000, help="published lessons (default 2000)")
    parser.add_argument(
        "--small-lessons", type=int, default=100, help="lessons for the query-growth check (default 100)"
    )
    args = parser.parse_args()

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        call_command("migrate", verbosity=0)
        harness.users()
        data = harness.build_sprints(per_municipality=args.small, results_per_sprint=args.results)
        data.update(build_lessons(lessons=args.small_lessons))
        browsers = harness.clients()
        small_queries = harness.small_query_counts(ENTRIES, browsers, data)
        harness.build_sprints(
            per_municipality=args.sprints, results_per_sprint=args.results, start_index=args.small
        )
        build_lessons(lessons=args.lessons, start_index=args.small_lessons)
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
            f"Stigar page benchmark: {sizes['sprints']} sprints, {sizes['results']} results, "
            f"{sizes['lessons']} lessons (synthetic), {args.repeat} requests each"
        ),
        rows=rows,
        sizes=sizes,
        small=f"@{args.small}/mun",
        out_name="pages.json",
    )


if __name__ == "__main__":
    main()
