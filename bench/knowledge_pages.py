"""Knowledge page benchmark: builds a large knowledge base in a fresh SQLite file, then times the knowledge pages
(uncached) next to a bare Django view.

Run from the repository root: `.venv/bin/python bench/knowledge_pages.py [--lessons 2000] [--repeat 30]`.
Same conventions and machinery as bench/pages.py (bench/harness.py). Prints a table and writes
bench/results/knowledge_pages.json. Targets (issue #5): ≤ 15 queries and p50 ≤ 50 ms uncached (no page cache; only
the taxonomy vocabulary is cached) for a lesson page and the knowledge index, with 2,000 synthetic lessons.
"""

from __future__ import annotations

import argparse
import time

from harness import BARE, Entry, setup_django

setup_django("knowledge")

import harness  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from knowledge_data import build_lessons  # noqa: E402

urlpatterns = harness.urlpatterns()

ENTRIES: list[Entry] = [
    BARE,
    Entry("knowledge index (anonymous)", lambda d: "/kunskap/", None, 15, 50),
    Entry("knowledge index (coordinator)", lambda d: "/kunskap/", "coordinator", 15, 50),
    Entry(
        "knowledge index, phase + WP filter (partner)",
        lambda d: "/kunskap/?phase=visit&work_package=WP1",
        "partner",
        15,
        50,
    ),
    Entry("knowledge index, page 10 (coordinator)", lambda d: "/kunskap/?page=10", "coordinator", 15, 50),
    Entry("lesson page (anonymous)", lambda d: d["lesson_url"], None, 15, 50),
    Entry("lesson page (coordinator)", lambda d: d["lesson_url"], "coordinator", 15, 50),
    Entry("method card page (anonymous)", lambda d: d["method_url"], None, 15),
    Entry("RSS feed (anonymous)", lambda d: "/kunskap/flode/rss/", None, 15),
    Entry("monthly digest (partner)", lambda d: "/kunskap/sammanfattning/", "partner", 15),
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lessons", type=int, default=2000, help="published lessons (default 2000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument(
        "--small", type=int, default=100, help="lessons for the query-growth check (default 100)"
    )
    args = parser.parse_args()

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        call_command("migrate", verbosity=0)
        harness.users()
        started = time.perf_counter()
        data = build_lessons(lessons=args.small)
        browsers = harness.clients()
        small_queries = harness.small_query_counts(ENTRIES, browsers, data)
        build_lessons(lessons=args.lessons, start_index=args.small)
        build_seconds = time.perf_counter() - started
        rows = harness.measure(ENTRIES, browsers, data, repeat=args.repeat, small_queries=small_queries)

        from knowledge.models import LessonPage

        sizes = {
            "lessons": LessonPage.objects.count(),
            "repeat": args.repeat,
            "build_seconds": round(build_seconds, 1),
            **harness.machine(),
        }
    harness.report(
        title=f"Stigar knowledge page benchmark: {sizes['lessons']} synthetic lessons, {args.repeat} requests each",
        rows=rows,
        sizes=sizes,
        small=f"@{args.small}",
        out_name="knowledge_pages.json",
    )


if __name__ == "__main__":
    main()
