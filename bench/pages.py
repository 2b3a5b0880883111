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

import sys
from pathlib import Path
from typing import TypedDict

if not __package__:  # run as a file: the repository root in place of bench/ (bench/__init__.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import harness
from bench.harness import BARE, Entry, uncached_dashboard
from bench.knowledge_data import build_lessons


class SystemActor(TypedDict):
    """The plans services' arguments for a write of the system (no user, no permission check)."""

    actor: None
    skip_permission_checks: bool


def build_plans(*, items: int, start_index: int = 0) -> None:
    """A plan per municipality for 2026 with `items` needs, goals and activities (each activity serving a goal,
    answering a need and carried by two sprints), tags shared across municipalities, synthetic indicator values and
    synthetic prospects in Desire and Action, through the services."""
    import datetime
    from decimal import Decimal

    from plans import services
    from plans.models import ActionPlan, IndicatorValue
    from sprints.models import Sprint
    from tests.plans.conftest import add_prospects
    from themes.models import Municipality, RelocationPhase, ValueChainStep, WorkPackage

    system: SystemActor = {"actor": None, "skip_permission_checks": True}
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
        # Pseudonymous prospects as the import stores them (an import of 2026), as the plans tests add them.
        add_prospects(municipality, desire=100 * (items - start_index), action=100 * (items - start_index))


def build_notifications(*, count: int, start_index: int = 0) -> None:
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
    uncached_dashboard("programme dashboard, uncached (coordinator)", "/dashboard/", "coordinator"),
    uncached_dashboard("municipality dashboard, uncached (lead)", "/dashboard/kiruna/", "lead-kiruna"),
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
    parser = harness.page_parser(__doc__)
    harness.add_programme_arguments(parser)
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
    harness.setup_django("pages")

    def small() -> harness.Data:
        data = harness.build_sprints(per_municipality=args.small, results_per_sprint=args.results)
        data.update(build_lessons(lessons=args.small_lessons))
        build_plans(items=2)
        build_notifications(count=args.small_notifications)
        return data

    def grow() -> None:
        harness.build_sprints(
            per_municipality=args.sprints, results_per_sprint=args.results, start_index=args.small
        )
        build_lessons(lessons=args.lessons, start_index=args.small_lessons)
        build_plans(items=args.plan_items, start_index=2)
        build_notifications(count=args.notifications, start_index=args.small_notifications)

    measured = harness.measure_growth(ENTRIES, repeat=args.repeat, small=small, grow=grow)

    from conversations.models import Notification
    from plans.models import Activity, Need

    sizes = {
        **harness.programme_sizes(),
        "plan_needs": Need.objects.count(),
        "plan_activities": Activity.objects.count(),
        "notifications": Notification.objects.count(),
        "repeat": args.repeat,
        **harness.machine(),
    }
    harness.report(
        title=harness.programme_title("page", sizes),
        rows=measured.rows,
        sizes=sizes,
        small=f"@{args.small}/mun",
        out_name="pages.json",
    )


if __name__ == "__main__":
    main()
