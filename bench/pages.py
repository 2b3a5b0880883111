"""Page benchmark: builds a large programme in a fresh SQLite file, then times pages (uncached) next to a bare Django view.

Run from the repository root: `.venv/bin/python bench/pages.py [--sprints 40] [--results 10] [--repeat 30]`.
Other apps add their pages as entries in ENTRIES (a name, a URL, which user asks, and how to build the URL).
Prints a table and writes bench/results/pages.json. Targets (issue #4): ≤ 15 queries, constant in the number of
sprints, and p50 ≤ 50 ms for the sprint board and the overview.
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
TMP = Path(tempfile.mkdtemp(prefix="stigar-bench-pages-"))
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["STIGAR_DATA_DIR"] = str(TMP)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from portal import urls as portal_urls  # noqa: E402

# The bench mounts one extra, bare view in front of the portal's URLs: the floor every page is compared with.


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare_view), *portal_urls.urlpatterns]


@dataclass
class Entry:
    """One page to measure. `url` gets the built data (ids, slugs); `user` is a username or None (anonymous)."""

    name: str
    url: Callable[[dict[str, Any]], str]
    user: str | None
    target_queries: int | None = None
    target_p50_ms: float | None = None


ENTRIES: list[Entry] = [
    Entry("bare Django view", lambda d: "/bench/bare/", None),
    Entry("sprint board (lead, own municipality)", lambda d: "/sprints/kiruna/", "lead-kiruna", 15, 50),
    Entry("sprint board (anonymous)", lambda d: "/sprints/kiruna/", None, 15, 50),
    Entry("sprint overview (coordinator)", lambda d: "/sprints/", "coordinator", 15, 50),
    Entry("sprint overview (anonymous)", lambda d: "/sprints/", None, 15, 50),
    Entry("sprint page (lead)", lambda d: f"/sprints/kiruna/{d['kiruna_sprint']}/", "lead-kiruna", 25),
    Entry("API sprint list (coordinator)", lambda d: "/api/sprints/", "coordinator", 15),
]


def build(*, sprints_per_municipality: int, results_per_sprint: int, start_index: int = 0) -> dict[str, Any]:
    """Bulk-create sprints (with phases and results) up to `sprints_per_municipality` in each of the 14."""
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
        for i in range(start_index, sprints_per_municipality):
            start = datetime.date(2025, 1, 1) + datetime.timedelta(days=(i * 23 + m * 7) % 700)
            new.append(
                Sprint(
                    municipality=municipality,
                    title=f"Sprint {i} i {municipality.name}: testvecka för distansarbetare",
                    slug=f"sprint-{i}",
                    goal="Fler ska pröva att bo här.",
                    hypothesis="Vi tror att …",
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
    links = []
    for n, sprint in enumerate(created):
        for k in range(1 + n % 3):
            links.append(
                through(sprint_id=sprint.pk, relocationphase_id=phases[(n + k * 2) % len(phases)].pk)
            )
    through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
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
    kiruna = Sprint.objects.filter(municipality__slug="kiruna").order_by("pk").first()
    return {"kiruna_sprint": kiruna.pk if kiruna else 0}


def users() -> None:
    from django.contrib.auth import get_user_model

    from themes.models import Municipality, Role
    from themes.services import membership_assign

    User = get_user_model()
    for username, role, municipality in (
        ("coordinator", Role.COORDINATOR, None),
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


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def timings(client: Client, url: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per request. CPU time is reported too because this machine is shared:
    when other processes compete for the cores, wall time grows while the CPU time a request needs does not."""
    for _ in range(3):  # warm up templates, URL resolver and translation catalogues
        client.get(url)
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sprints", type=int, default=40, help="sprints per municipality (default 40)")
    parser.add_argument("--results", type=int, default=10, help="results per sprint (default 10)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument(
        "--small", type=int, default=4, help="sprints per municipality for the query-growth check"
    )
    args = parser.parse_args()

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        call_command("migrate", verbosity=0)
        users()
        data = build(sprints_per_municipality=args.small, results_per_sprint=args.results)
        browsers = clients()
        small_queries = {entry.name: query_count(browsers[entry.user], entry.url(data)) for entry in ENTRIES}
        build(sprints_per_municipality=args.sprints, results_per_sprint=args.results, start_index=args.small)
        from sprints.models import Result, Sprint

        rows = []
        for entry in ENTRIES:
            client = browsers[entry.user]
            url = entry.url(data)
            queries = query_count(client, url)
            reset_queries()
            times, cpu_times = timings(client, url, args.repeat)
            p50 = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[-1]
            rows.append(
                {
                    "page": entry.name,
                    "url": url,
                    "p50_ms": round(p50, 1),
                    "p95_ms": round(p95, 1),
                    "cpu_p50_ms": round(statistics.median(cpu_times), 1),
                    "queries": queries,
                    f"queries_at_{args.small}_sprints": small_queries[entry.name],
                    "queries_constant": queries == small_queries[entry.name],
                    "target_queries": entry.target_queries,
                    "target_p50_ms": entry.target_p50_ms,
                    "meets_targets": (entry.target_queries is None or queries <= entry.target_queries)
                    and (entry.target_p50_ms is None or p50 <= entry.target_p50_ms)
                    and queries == small_queries[entry.name],
                    # The same verdict on CPU time, which competing processes on a shared machine do not inflate.
                    "meets_targets_on_cpu_time": (
                        entry.target_queries is None or queries <= entry.target_queries
                    )
                    and (entry.target_p50_ms is None or statistics.median(cpu_times) <= entry.target_p50_ms)
                    and queries == small_queries[entry.name],
                }
            )
        sizes = {
            "municipalities": 14,
            "sprints": Sprint.objects.count(),
            "results": Result.objects.count(),
            "repeat": args.repeat,
            "database": settings.DATABASES["default"]["ENGINE"],
            "cpus": os.cpu_count(),
            "load_average_1min_at_end": round(os.getloadavg()[0], 2),
        }

    print(
        f"Stigar page benchmark: {sizes['sprints']} sprints, {sizes['results']} results, {args.repeat} requests each"
    )
    print(f"Load average (1 min) at the end: {sizes['load_average_1min_at_end']} on {sizes['cpus']} CPUs")
    header = (
        f"{'page':42} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'queries':>8} "
        f"{'@' + str(args.small) + '/mun':>8}  targets"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if row["target_queries"] is None and row["target_p50_ms"] is None:
            verdict = ""
        else:
            verdict = ("ok" if row["meets_targets"] else "MISSED") + (
                " (cpu: ok)" if row["meets_targets_on_cpu_time"] else " (cpu: MISSED)"
            )

        print(
            f"{row['page']:42} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['cpu_p50_ms']:8.1f} {row['queries']:8d} "
            f"{row[f'queries_at_{args.small}_sprints']:8d}  {verdict}"
        )
    out = ROOT / "bench" / "results" / "pages.json"
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
