"""Knowledge page benchmark: builds a large knowledge base in a fresh SQLite file, then times the knowledge pages
(uncached) next to a bare Django view.

Run from the repository root: `.venv/bin/python bench/knowledge_pages.py [--lessons 2000] [--repeat 30]`.
Same conventions as bench/pages.py (query counts at a small and at the full size, a bare view as the floor).
Prints a table and writes bench/results/knowledge_pages.json. Targets (issue #5): ≤ 15 queries and p50 ≤ 50 ms
uncached (no page or response cache; only the taxonomy vocabulary is cached) for a lesson page and the
knowledge index, with 2,000 lessons.
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TMP = Path(tempfile.mkdtemp(prefix="stigar-bench-knowledge-"))
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["STIGAR_DATA_DIR"] = str(TMP)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal import urls as portal_urls  # noqa: E402


def bare_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare_view), *portal_urls.urlpatterns]


@dataclass
class Entry:
    name: str
    url: Callable[[dict[str, Any]], str]
    user: str | None
    target_queries: int | None = None
    target_p50_ms: float | None = None


ENTRIES: list[Entry] = [
    Entry("bare Django view", lambda d: "/bench/bare/", None),
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

WORDS = [
    "testvecka",
    "distansarbete",
    "välkomst",
    "förskola",
    "bostad",
    "coworking",
    "medföljande",
    "partner",
    "flyttguide",
    "kampanj",
    "föreningsliv",
    "sommarjobb",
    "värdar",
    "boende",
    "mottagande",
    "kompetens",
    "matchning",
    "energi",
    "tomter",
    "besökare",
]


def build(*, lessons: int, start_index: int = 0) -> dict[str, Any]:
    """Published lessons spread over municipalities, taxonomy and visibility, plus one method card per method."""
    from knowledge.models import LessonPage, MethodCardPage
    from knowledge.selectors import knowledge_index
    from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, WorkPackage

    index = knowledge_index()
    assert index is not None
    municipalities = list(Municipality.objects.all())
    wps = list(WorkPackage.objects.all())
    chain = list(ValueChainStep.objects.all())
    phases = list(RelocationPhase.objects.all())
    methods = list(SprintMethod.objects.all())
    now = timezone.now()
    visibilities = ("public", "partners", "internal")
    with transaction.atomic():
        for number in range(start_index, lessons):
            words = [WORDS[(number * k) % len(WORDS)] for k in (1, 3, 7)]
            lesson = LessonPage(
                title=f"Lärdom {number}: {' '.join(words)}",
                slug=f"larddom-{number}",
                live=True,
                first_published_at=now - datetime.timedelta(hours=number),
                last_published_at=now - datetime.timedelta(hours=number),
                visibility=visibilities[number % 3],
                municipality=None if number % 10 == 0 else municipalities[number % len(municipalities)],
                work_package=wps[number % len(wps)],
                value_chain_step=chain[number % len(chain)],
                method=methods[number % len(methods)],
                evidence=("anecdote", "observed", "measured", "evaluated")[number % 4],
                date=(now - datetime.timedelta(days=number % 700)).date(),
                summary=f"<p>Syntetisk lärdom om {' och '.join(words)}.</p>",
                context="<p>Sammanhanget för lärdomen.</p>",
                what_we_did="<p>Vad vi gjorde.</p>",
                result="<p>Resultatet.</p>",
                advice="<p>Rådet.</p>",
            )
            lesson.relocation_phases.set([phases[number % len(phases)], phases[(number + 2) % len(phases)]])
            lesson.tags.set([words[0], words[1]])
            index.add_child(instance=lesson)
        if not MethodCardPage.objects.exists():
            for method in methods:
                card = MethodCardPage(
                    title=method.label_sv,
                    slug=f"metod-{method.code}",
                    live=True,
                    first_published_at=now,
                    visibility="public",
                    method=method,
                    summary="<p>Metodkort.</p>",
                )
                index.add_child(instance=card)
    lesson = LessonPage.objects.filter(visibility="public").order_by("pk").first()
    card = MethodCardPage.objects.order_by("pk").first()
    assert lesson is not None and card is not None
    return {"lesson_url": lesson.url, "method_url": card.url}


def users() -> None:
    from django.contrib.auth import get_user_model

    from themes.models import Role
    from themes.services import membership_assign

    User = get_user_model()
    for username, role in (("coordinator", Role.COORDINATOR), ("partner", Role.PARTNER)):
        user, _ = User.objects.get_or_create(username=username)
        membership_assign(user=user, role=role)


def clients() -> dict[str | None, Client]:
    from django.contrib.auth import get_user_model

    result: dict[str | None, Client] = {None: Client()}
    for user in get_user_model().objects.all():
        client = Client()
        client.force_login(user)
        result[user.username] = client
    return result


def query_count(client: Client, url: str) -> int:
    # One request first: the taxonomy vocabulary is cached for five minutes, so a steady-state request is
    # counted (a cold one adds five queries).
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def timings(client: Client, url: str, repeat: int) -> list[float]:
    for _ in range(3):  # warm up templates, URL resolver and translation catalogues
        client.get(url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lessons", type=int, default=2000, help="published lessons (default 2000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument(
        "--small", type=int, default=100, help="lessons for the query-growth check (default 100)"
    )
    args = parser.parse_args()

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        call_command("migrate", verbosity=0)
        users()
        started = time.perf_counter()
        data = build(lessons=args.small)
        browsers = clients()
        small_queries = {entry.name: query_count(browsers[entry.user], entry.url(data)) for entry in ENTRIES}
        build(lessons=args.lessons, start_index=args.small)
        build_seconds = time.perf_counter() - started
        from knowledge.models import LessonPage

        rows = []
        for entry in ENTRIES:
            client = browsers[entry.user]
            url = entry.url(data)
            queries = query_count(client, url)
            times = timings(client, url, args.repeat)
            p50 = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[-1]
            rows.append(
                {
                    "page": entry.name,
                    "url": url,
                    "p50_ms": round(p50, 1),
                    "p95_ms": round(p95, 1),
                    "queries": queries,
                    f"queries_at_{args.small}_lessons": small_queries[entry.name],
                    "queries_constant": queries == small_queries[entry.name],
                    "target_queries": entry.target_queries,
                    "target_p50_ms": entry.target_p50_ms,
                    "meets_targets": (entry.target_queries is None or queries <= entry.target_queries)
                    and (entry.target_p50_ms is None or p50 <= entry.target_p50_ms)
                    and queries == small_queries[entry.name],
                }
            )
        sizes = {
            "lessons": LessonPage.objects.count(),
            "repeat": args.repeat,
            "build_seconds": round(build_seconds, 1),
            "database": settings.DATABASES["default"]["ENGINE"],
        }

    print(f"Stigar knowledge page benchmark: {sizes['lessons']} lessons, {args.repeat} requests each")
    header = f"{'page':46} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'@' + str(args.small):>8}  targets"
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
            f"{row[f'queries_at_{args.small}_lessons']:8d}  {verdict}"
        )
    out = ROOT / "bench" / "results" / "knowledge_pages.json"
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
