"""Page benchmark: builds a large programme in a fresh SQLite file, then times pages (uncached) next to a bare Django view.

Run from the repository root: `.venv/bin/python bench/pages.py [--sprints 40] [--results 10] [--lessons 2000] [--repeat 30]`.
Prints a table and writes bench/results/pages.json (shared machinery: bench/harness.py). Targets:
- issue #4: the sprint board and the overview in ≤ 15 queries, constant in the number of sprints, p50 ≤ 50 ms;
- issue #5 (`--lessons 2000`): the knowledge index and a lesson page in ≤ 15 queries and p50 ≤ 50 ms
  (more knowledge pages: bench/knowledge_pages.py; the cached lesson page: bench/page_cache.py);
- issue #8: the dashboard pages in ≤ 20 queries and p50 ≤ 100 ms, uncached (their entries' `before` makes the
  dashboard's cache stale before each request; more: bench/dashboard.py);
- issue #19 (`--plan-items 12`): an action plan page and the 14-municipality matrix in ≤ 15 queries, constant in the
  number of needs, goals and activities, p50 ≤ 50 ms (the matrix with its pipeline counts cached, as between imports);
- issue #15 (`--notifications 5000`): the start page /min-sida/ of Kiruna's lead, with the 560 sprints, 2,000 lessons
  and 5,000 notifications (a third unread), in ≤ 15 queries, constant in data size, p50 ≤ 50 ms.
All data is synthetic.
"""

from __future__ import annotations

import argparse
from typing import Any

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


def build_plans(*, items: int, start_index: int = 0) -> dict[str, Any]:
    """A plan per municipality for 2026 with `items` needs, goals and activities (each activity serving a goal,
    answering a need and carried by two sprints), tags shared across municipalities, synthetic indicator values and
    synthetic prospects in Desire and Action, through the services."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from insights.models import ImportBatch, Prospect
    from plans import services
    from plans.models import ActionPlan, IndicatorValue
    from sprints.models import Sprint
    from themes.models import Municipality, RelocationPhase, ValueChainStep, WorkPackage

    system: dict[str, Any] = {"actor": None, "skip_permission_checks": True}
    steps, phases, wps = (
        list(ValueChainStep.objects.all()),
        list(RelocationPhase.objects.all()),
        list(WorkPackage.objects.all()),
    )
    for m, municipality in enumerate(Municipality.objects.order_by("slug")):
        plan = ActionPlan.objects.filter(
            municipality=municipality, period="2026"
        ).first() or services.action_plan_create(
            **system, municipality=municipality, period="2026", visibility="public"
        )
        sprints = list(Sprint.objects.filter(municipality=municipality).order_by("pk")[:8])
        for i in range(start_index, items):
            need = services.need_add(
                **system,
                plan=plan,
                text=f"Behov {i} (syntetiskt)",
                value_chain_step=steps[i % 4],
                relocation_phase=phases[i % len(phases)],
                work_package=wps[i % 4],
                tags=[f"tagg-{i % 6}", "bostäder"],
            )
            goal = services.goal_add(
                **system,
                plan=plan,
                indicator=f"Mått {i % 10}",
                baseline=Decimal(0),
                target=Decimal(10),
                due=datetime.date(2026, 12, 31),
                capacity_indicator="vacant_rental_flats" if i % 3 == 0 else "",
            )
            activity = services.activity_add(
                **system, plan=plan, title=f"Aktivitet {i}", need=need, goal=goal
            )
            for sprint in sprints[i % 4 : i % 4 + 2]:
                services.activity_link_sprint(**system, activity=activity, sprint=sprint)
        IndicatorValue.objects.update_or_create(
            municipality=municipality,
            period="2026",
            kind="vacant_rental_flats",
            date=datetime.date(2026, 3, start_index + 1),
            defaults={"value": Decimal(10 + m), "source": "Syntetiska benchdata", "synthetic": True},
        )
        batch = ImportBatch.objects.create(
            municipality=municipality, file_name="bench.csv", status="imported"
        )
        Prospect.objects.bulk_create(
            Prospect(
                municipality=municipality,
                pseudonym=f"bench-{start_index}-{i}",
                country="DE",
                age_band="25-34",
                household="couple",
                aida_stage=("desire", "action")[i % 2],
                imported_at=timezone.now(),
                batch=batch,
            )
            for i in range(200 * (items - start_index))
        )
    from insights.selectors import pipeline_changed

    pipeline_changed()  # what the import service does
    return {}


def build_notifications(*, count: int, start_index: int = 0) -> dict[str, Any]:
    """`count` notifications for Kiruna's lead about Kiruna's sprints (a third unread), from the coordinator."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from conversations.models import Notification, Verb
    from sprints.models import Sprint

    User = get_user_model()
    lead = User.objects.get(username="lead-kiruna")
    coordinator = User.objects.get(username="coordinator")
    sprints = list(Sprint.objects.filter(municipality__slug="kiruna").values_list("pk", "title")[:50])
    sprint_type = ContentType.objects.get_for_model(Sprint)
    now = timezone.now()
    verbs = [Verb.COMMENTED, Verb.MENTIONED, Verb.RESULT_LOGGED]
    Notification.objects.bulk_create(
        (
            Notification(
                recipient=lead,
                actor=coordinator,
                verb=verbs[i % 3],
                target_type=sprint_type,
                target_id=sprints[i % len(sprints)][0],
                title=sprints[i % len(sprints)][1],
                url=f"/sprints/kiruna/{sprints[i % len(sprints)][0]}/",
                read_at=None if i % 3 == 0 else now,
                emailed_at=now,
            )
            for i in range(start_index, count)
        ),
        batch_size=1000,
    )
    # created_at is auto_now_add: spread the rows over the last months as a year of work would.
    for offset, pk in enumerate(
        Notification.objects.filter(recipient=lead)
        .order_by("pk")
        .values_list("pk", flat=True)[start_index:count:250]
    ):
        Notification.objects.filter(pk__gte=pk, pk__lt=pk + 250).update(
            created_at=now - datetime.timedelta(days=offset)
        )
    return {}


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
    Entry("action plan page (coordinator)", lambda d: "/plans/kiruna/2026/", "coordinator", 15, 50),
    Entry("action plan page (lead, editing)", lambda d: "/plans/kiruna/2026/", "lead-kiruna", 15, 50),
    Entry("action plan page (anonymous)", lambda d: "/plans/kiruna/2026/", None, 15, 50),
    Entry(
        "14-municipality plans matrix (coordinator)",
        lambda d: "/plans/matrix/?period=2026",
        "coordinator",
        15,
        50,
    ),
    Entry("start page /min-sida/ (lead)", lambda d: "/min-sida/", "lead-kiruna", 15, 50),
    Entry("notifications list (lead)", lambda d: "/notiser/", "lead-kiruna", 15, 50),
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
    parser.add_argument(
        "--plan-items", type=int, default=12, help="needs, goals and activities per action plan (default 12)"
    )
    parser.add_argument(
        "--notifications", type=int, default=5000, help="notifications of Kiruna's lead (default 5000)"
    )
    parser.add_argument(
        "--small-notifications",
        type=int,
        default=50,
        help="notifications for the query-growth check (default 50)",
    )
    args = parser.parse_args()

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        call_command("migrate", verbosity=0)
        harness.users()
        data = harness.build_sprints(per_municipality=args.small, results_per_sprint=args.results)
        data.update(build_lessons(lessons=args.small_lessons))
        build_plans(items=2)
        build_notifications(count=args.small_notifications)
        browsers = harness.clients()
        small_queries = harness.small_query_counts(ENTRIES, browsers, data)
        harness.build_sprints(
            per_municipality=args.sprints, results_per_sprint=args.results, start_index=args.small
        )
        build_lessons(lessons=args.lessons, start_index=args.small_lessons)
        build_plans(items=args.plan_items, start_index=2)
        build_notifications(count=args.notifications, start_index=args.small_notifications)
        rows = harness.measure(ENTRIES, browsers, data, repeat=args.repeat, small_queries=small_queries)

        from conversations.models import Notification
        from knowledge.models import LessonPage
        from plans.models import Activity, Need
        from sprints.models import Result, Sprint

        sizes = {
            "municipalities": 14,
            "sprints": Sprint.objects.count(),
            "results": Result.objects.count(),
            "lessons": LessonPage.objects.count(),
            "plan_needs": Need.objects.count(),
            "plan_activities": Activity.objects.count(),
            "notifications": Notification.objects.count(),
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
