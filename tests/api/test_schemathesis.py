"""schemathesis over the whole /api/schema/ against a live server, anonymous and signed in as a lead (#17): no
server error and no answer the schema does not describe (status code, content type, headers, body), and a method an
operation does not offer answered 405. Bounded: a fixed seed, a few examples per operation, a time budget per run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from pytest_django.live_server_helper import LiveServer
from rest_framework.authtoken.models import Token

from conversations.services import comment_post
from tests.sprints.conftest import log_result, make_sprint
from themes.models import Municipality, Visibility

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "unsupported_method",
    ]
)
EXAMPLES_PER_OPERATION = 10
SECONDS_PER_RUN = 45


@pytest.fixture
def data(lead_kiruna: User, lead_lulea: User, kiruna: Municipality, lulea: Municipality) -> str:
    """Something for the generated ids to find: sprints of the lead's own and of another municipality, a result and
    a comment on each (small ids, which the generator tries early)."""
    for actor, municipality in ((lead_kiruna, kiruna), (lead_lulea, lulea)):
        for visibility in (Visibility.PUBLIC, Visibility.INTERNAL):
            sprint = make_sprint(actor, municipality, visibility=visibility)
            log_result(actor, sprint)
            comment_post(actor=actor, target=sprint, body=f"Hej @{lead_kiruna.username}", parent=None)
    key: str = Token.objects.create(user=lead_kiruna).key
    return key


def _run(
    url: str, tmp_path: Path, name: str, headers: list[str]
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any] | None]:
    report = tmp_path / f"{name}.json"
    command = [
        SCHEMATHESIS,
        "run",
        f"{url}/api/schema/?format=json",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--max-time",
        str(SECONDS_PER_RUN),
        "--seed",
        "17",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        *headers,
    ]
    # In tmp_path: schemathesis keeps its caches in the working directory.
    run = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=SECONDS_PER_RUN * 3, check=False
    )
    return run, json.loads(report.read_text()) if report.exists() else None


@pytest.mark.parametrize("who", ["anonymous", "lead"])
def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(
    live_server: LiveServer, data: str, tmp_path: Path, who: str
) -> None:
    headers = ["--header", f"Authorization: Token {data}"] if who == "lead" else []
    run, report = _run(live_server.url, tmp_path, who, headers)
    (tmp_path / f"{who}.txt").write_text(run.stdout + run.stderr)
    print(run.stdout[-4000:])  # the summary, shown with -s and on failure
    assert run.returncode == 0, f"see {tmp_path / who}.txt\n" + run.stdout[-6000:] + run.stderr[-2000:]
    assert report is not None
    assert report["operations"]["tested"] == report["operations"]["total"] >= 18  # the whole schema
    assert report["test_cases"]["generated"] > 100
    assert report["test_cases"]["with_failures"] == report["test_cases"]["errored"] == 0
    assert report["failures"] == report["errors"] == []
    if who == "lead":
        # The token was accepted: only the shared segments (for coordinators, analysts and partners, not leads)
        # answered nothing but 403 (schemathesis's "missing_auth" warning).
        refused = set((report["warnings"] or {}).get("missing_auth") or [])
        assert refused <= {"GET /api/insights/shared-segments/"}, refused
    print(who, report["test_cases"], report["operations"])
