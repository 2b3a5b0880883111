"""Dashboard benchmark: builds a large programme in a fresh SQLite file, then times the dashboard pages uncached and cached.

Run from the repository root: `.venv/bin/python bench/dashboard.py [--sprints 40] [--results 10] [--lessons 300] [--repeat 30]`.
Same conventions as bench/pages.py (a bare Django view measured in the same run, query counts at a small and at the full
size). "Uncached" makes the dashboard's cached figures stale before every request (as a change to a sprint or lesson
does), so every request computes every figure; "cached" leaves them in the local-memory cache of the test settings. Prints a table and writes bench/results/dashboard.json. Targets (issue #8): ≤ 20 queries
uncached and p50 ≤ 100 ms for the programme dashboard.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="stigar-bench-dashboard-"))
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["STIGAR_DATA_DIR"] = str(TMP)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from portal import urls as portal_urls  # noqa: E402
from portal.dashboard import cache as dashboard_cache  # noqa: E402


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare_view), *portal_urls.urlpatterns]


@dataclass
class Entry:
    name: str
    url: Callable[[dict[str, Any]], str]
    user: str | None
    cached: bool
    target_queries: int | None = None
    target_p50_ms: float | None = None


ENTRIES: list[Entry] = [
    Entry("bare Django view", lambda d: "/bench/bare/", None, cached=False),
    Entry(
        "programme dashboard, uncached (coordinator)", lambda d: "/dashboard/", "coordinator", False, 20, 100
    ),
    Entry("programme dashboard, uncached (partner)", lambda d: "/dashboard/", "partner", False, 20, 100),
    Entry(
        "municipality page, uncached (lead)", lambda d: "/dashboard/kiruna/", "lead-kiruna", False, 20, 100
    ),
    Entry("programme dashboard, cached (coordinator)", lambda d: "/dashboard/", "coordinator", True),
    Entry("municipality page, cached (lead)", lambda d: "/dashboard/kiruna/", "lead-kiruna", True),
    Entry(
        "chart download XLSX, uncached",
        lambda d: "/dashboard/data/sprints-by-phase.xlsx",
        "coordinator",
        False,
    ),
]


def build_sprints(*, per_municipality: int, results_per_sprint: int, start_index: int = 0) -> None:
    """Bulk-create sprints with phases and results, as bench/pages.py does."""
    from sprints.models import Result, Sprint, Status
    from themes.models import (
        Municipality,
        RelocationPhase,
        SprintMethod,
        ValueChainStep,
        Visibility,
        WorkPackage,
    )

    municipalities = list(Municipality.objects.order_by("slug"))
    phases = list(RelocationPhase.objects.all())
    methods = list(SprintMethod.objects.all())
    wps = list(WorkPackage.objects.all())
    chain = list(ValueChainStep.objects.all())
    statuses = list(Status.values)
    levels = list(Visibility.values)
    new = []
    for m, municipality in enumerate(municipalities):
        for i in range(start_index, per_municipality):
            start = datetime.date(2025, 1, 1) + datetime.timedelta(days=(i * 23 + m * 7) % 700)
            new.append(
                Sprint(
                    municipality=municipality,
                    title=f"Sprint {i} i {municipality.name} (syntetisk)",
                    slug=f"sprint-{i}",
                    goal="Fler ska pröva att bo här.",
                    work_package=wps[i % len(wps)],
                    value_chain_step=chain[i % len(chain)],
                    method=methods[(i + m) % len(methods)],
                    start=start,
                    end=start + datetime.timedelta(days=14 + i % 60),
                    status=statuses[i % len(statuses)],
                    visibility=levels[i % len(levels)],
                    position=i,
                )
            )
    created = Sprint.objects.bulk_create(new, batch_size=500)
    through = Sprint.relocation_phases.through
    through.objects.bulk_create(
        [
            through(sprint_id=sprint.pk, relocationphase_id=phases[(n + k * 2) % len(phases)].pk)
            for n, sprint in enumerate(created)
            for k in range(1 + n % 3)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    Result.objects.bulk_create(
        [
            Result(
                sprint=sprint,
                metric=f"Mått {r}",
                unit="st",
                baseline=Decimal(10),
                target=Decimal(20) if r % 4 else None,
                actual=Decimal(5 + (r * 7 + sprint.pk) % 30),
                date=sprint.end,
            )
            for sprint in created
            for r in range(results_per_sprint)
        ],
        batch_size=1000,
    )


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


def users() -> None:
    from django.contrib.auth import get_user_model

    from themes.models import Municipality, Role
    from themes.services import membership_assign

    User = get_user_model()
    for username, role, municipality in (
        ("coordinator", Role.COORDINATOR, None),
        ("partner", Role.PARTNER, None),
        ("lead-kiruna", Role.LEAD, Municipality.objects.get(slug="kiruna")),
    ):
        user, _ = User.objects.get_or_create(username=username)
        membership_assign(user=user, role=role, municipality=municipality)


def clients() -> dict[str | None, Client]:
    from django.contrib.auth import get_user_model

    result: dict[str | None, Client] = {None: Client()}
    for user in get_user_model().objects.all():
        client = Client()
        client.force_login(user)
        result[user.username] = client
    return result


def get(client: Client, url: str, *, cached: bool) -> HttpResponse:
    if not cached:
        dashboard_cache.invalidate()
    return client.get(url)


def query_count(client: Client, url: str, *, cached: bool) -> int:
    client.get(url)  # the cached entries measure the second request
    if not cached:
        dashboard_cache.invalidate()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def timings(client: Client, url: str, repeat: int, *, cached: bool) -> list[float]:
    for _ in range(3):  # warm up templates, URL resolver and translation catalogues
        client.get(url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = get(client, url, cached=cached)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


def measure(
    entries: list[Entry], browsers: dict[str | None, Client], data: dict[str, Any], repeat: int | None
):
    """Query counts (and timings unless repeat is None) per entry, each with its cache configuration."""
    out = {}
    for entry in entries:
        client, url = browsers[entry.user], entry.url(data)
        queries = query_count(client, url, cached=entry.cached)
        times = timings(client, url, repeat, cached=entry.cached) if repeat else []
        out[entry.name] = (url, queries, times)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sprints", type=int, default=40, help="sprints per municipality (default 40)")
    parser.add_argument("--results", type=int, default=10, help="results per sprint (default 10)")
    parser.add_argument("--lessons", type=int, default=300, help="published lessons (default 300)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument(
        "--small", type=int, default=4, help="sprints per municipality for the query-growth check"
    )
    args = parser.parse_args()

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        call_command("migrate", verbosity=0)
        users()
        build_sprints(per_municipality=args.small, results_per_sprint=args.results)
        first = max(args.lessons // 10, 14)
        build_meeting(build_lessons(count=first)[: first // 2])
        browsers = clients()
        data: dict[str, Any] = {}
        small = measure(ENTRIES, browsers, data, repeat=None)
        build_sprints(per_municipality=args.sprints, results_per_sprint=args.results, start_index=args.small)
        build_lessons(count=max(args.lessons - first, 0), offset=first)
        full = measure(ENTRIES, browsers, data, repeat=args.repeat)

        from knowledge.models import LessonPage
        from sprints.models import Result, Sprint

        sizes = {
            "municipalities": 14,
            "sprints": Sprint.objects.count(),
            "results": Result.objects.count(),
            "lessons": LessonPage.objects.count(),
            "repeat": args.repeat,
            "database": settings.DATABASES["default"]["ENGINE"],
        }

    rows = []
    for entry in ENTRIES:
        url, queries, times = full[entry.name]
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        small_queries = small[entry.name][1]
        rows.append(
            {
                "page": entry.name,
                "url": url,
                "cached": entry.cached,
                "p50_ms": round(p50, 1),
                "p95_ms": round(p95, 1),
                "queries": queries,
                f"queries_at_{args.small}_sprints": small_queries,
                "queries_constant": queries == small_queries,
                "target_queries": entry.target_queries,
                "target_p50_ms": entry.target_p50_ms,
                "meets_targets": (entry.target_queries is None or queries <= entry.target_queries)
                and (entry.target_p50_ms is None or p50 <= entry.target_p50_ms)
                and queries == small_queries,
            }
        )

    print(
        f"Stigar dashboard benchmark: {sizes['sprints']} sprints, {sizes['results']} results, "
        f"{sizes['lessons']} lessons, {args.repeat} requests each"
    )
    header = (
        f"{'page':46} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'@' + str(args.small) + '/mun':>8}  targets"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        verdict = (
            ""
            if row["target_queries"] is None and row["target_p50_ms"] is None
            else ("ok" if row["meets_targets"] else "MISSED")
        )
        print(
            f"{row['page']:46} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['queries']:8d} "
            f"{row[f'queries_at_{args.small}_sprints']:8d}  {verdict}"
        )
    out = ROOT / "bench" / "results" / "dashboard.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "sizes": sizes,
                "pages": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
