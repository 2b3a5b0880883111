"""Knowledge page benchmark: builds a large knowledge base in a fresh SQLite file, then times the knowledge pages
(uncached) next to a bare Django view.

Run from the repository root: `.venv/bin/python bench/knowledge_pages.py [--lessons 2000] [--repeat 30]`.
Same conventions and machinery as bench/pages.py (bench/harness.py). Prints a table and writes
bench/results/knowledge_pages.json. Targets (issue #5): ≤ 15 queries and p50 ≤ 50 ms uncached (no page cache; only
the taxonomy vocabulary is cached) for a lesson page and the knowledge index, with 2,000 synthetic lessons.
"""

from __future__ import annotations

import sys
from pathlib import Path

if not __package__:  # run as a file: the repository root in place of bench/ (bench/__init__.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import harness
from bench.harness import BARE, Entry
from bench.knowledge_data import build_lessons

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
    parser = harness.page_parser(__doc__)
    parser.add_argument("--lessons", type=int, default=2000, help="published lessons (default 2000)")
    parser.add_argument(
        "--small", type=int, default=100, help="lessons for the query-growth check (default 100)"
    )
    args = parser.parse_args()
    harness.setup_django("knowledge")
    measured = harness.measure_growth(
        ENTRIES,
        repeat=args.repeat,
        small=lambda: build_lessons(lessons=args.small),
        grow=lambda: build_lessons(lessons=args.lessons, start_index=args.small),
    )

    from knowledge.models import LessonPage

    sizes = {
        "lessons": LessonPage.objects.count(),
        "repeat": args.repeat,
        "build_seconds": round(measured.build_seconds, 1),
        **harness.machine(),
    }
    harness.report(
        title=f"Stigar knowledge page benchmark: {sizes['lessons']} synthetic lessons, {args.repeat} requests each",
        rows=measured.rows,
        sizes=sizes,
        small=f"@{args.small}",
        out_name="knowledge_pages.json",
    )


if __name__ == "__main__":
    main()
