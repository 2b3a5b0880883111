"""The sprint pages through the test client: what each role may do on every write path, bad input, exports."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from sprints.models import ActivityEvent, Card, Result, ResultAttachment, Sprint, Status
from sprints.uploads import MAX_ATTACHMENT_BYTES
from tests.factories import user_with_role
from tests.sprints.conftest import log_result, make_sprint
from themes.models import Municipality, RelocationPhase, SprintMethod, Visibility, WorkPackage
from themes.permissions import Action, require

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _sprint_post(**overrides: object) -> dict[str, object]:
    data = {
        "title": "Jobbmatchning för medföljande",
        "goal": "Medföljande partner ska få jobb snabbare.",
        "hypothesis": "",
        "work_package": WorkPackage.objects.get(code="WP2").pk,
        "method": SprintMethod.objects.get(code="pilot").pk,
        "relocation_phases": [RelocationPhase.objects.get(code="settle").pk],
        "start": "2026-09-01",
        "end": "2026-12-01",
        "visibility": "internal",
        "status": "idea",
        "team_note": "",
    }
    data.update(overrides)
    return data


def _result_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "metric": "Matchade",
        "unit": "st",
        "baseline": "0",
        "target": "10",
        "actual": "12,5",
        "date": "2026-10-01",
    }
    data.update(overrides)
    return data


@pytest.fixture
def public_sprint(lead_kiruna: User, kiruna: Municipality) -> Sprint:
    sprint = make_sprint(lead_kiruna, kiruna, visibility=Visibility.PUBLIC)
    log_result(lead_kiruna, sprint)
    return sprint


def _write_requests(sprint: Sprint) -> list[tuple[str, str, dict[str, Any]]]:
    """Every write path of the pages: (name, url, POST data)."""
    card = Card.objects.create(sprint=sprint, title="Kort")
    result = sprint.results.first()
    assert result is not None
    slug = sprint.municipality.slug
    return [
        ("create", reverse("sprints:create", args=[slug]), _sprint_post()),
        ("edit", reverse("sprints:edit", args=[slug, sprint.pk]), _sprint_post(title="Nytt namn")),
        ("move", reverse("sprints:move", args=[slug, sprint.pk]), {"status": "running"}),
        (
            "card_create",
            reverse("sprints:card_create", args=[slug, sprint.pk]),
            {"title": "Nytt kort", "column": "todo"},
        ),
        ("card_move", reverse("sprints:card_move", args=[slug, sprint.pk, card.pk]), {"column": "done"}),
        ("result_log", reverse("sprints:result_log", args=[slug, sprint.pk]), _result_post()),
        (
            "attachment_add",
            reverse("sprints:attachment_add", args=[slug, sprint.pk, result.pk]),
            {"file": SimpleUploadedFile("bild.png", PNG)},
        ),
        (
            "retrospective",
            reverse("sprints:retrospective", args=[slug, sprint.pk]),
            {"what_worked": "Det mesta"},
        ),
    ]


REFUSED = ["anonymous", "partner", "analyst_kiruna", "lead_lulea"]
ALLOWED = ["lead_kiruna", "coordinator"]
PATHS = [
    "create",
    "edit",
    "move",
    "card_create",
    "card_move",
    "result_log",
    "attachment_add",
    "retrospective",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("role", REFUSED)
def test_every_write_path_refuses_other_roles_with_403_and_the_permission_message(
    request: pytest.FixtureRequest,
    client: Client,
    role: str,
    path: str,
    public_sprint: Sprint,
    kiruna: Municipality,
) -> None:
    user: User | AnonymousUser = AnonymousUser()
    if role != "anonymous":
        member: User = request.getfixturevalue(role)
        client.force_login(member)
        user = member
    url, data = next((u, d) for name, u, d in _write_requests(public_sprint) if name == path)
    events, results, cards = ActivityEvent.objects.count(), Result.objects.count(), Card.objects.count()
    response = client.post(url, data)
    assert response.status_code == 403
    with pytest.raises(PermissionDenied) as refused:
        require(user, Action.EDIT_SPRINT, municipality=kiruna)
    assert escape(str(refused.value)) in response.content.decode()
    assert (ActivityEvent.objects.count(), Result.objects.count(), Card.objects.count()) == (
        events,
        results,
        cards,
    )
    assert Sprint.objects.count() == 1
    assert Sprint.objects.get().status == "idea"


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("role", ALLOWED)
def test_every_write_path_works_for_the_own_lead_and_the_coordinator(
    request: pytest.FixtureRequest, client: Client, role: str, path: str, public_sprint: Sprint
) -> None:
    client.force_login(request.getfixturevalue(role))
    url, data = next((u, d) for name, u, d in _write_requests(public_sprint) if name == path)
    events = ActivityEvent.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ActivityEvent.objects.count() == events + 1


def test_the_create_form_is_refused_to_a_lead_of_another_municipality(
    client: Client, lead_lulea: User, kiruna: Municipality
) -> None:
    client.force_login(lead_lulea)
    response = client.get(reverse("sprints:create", args=["kiruna"]))
    assert response.status_code == 403
    assert "Du kan bara göra detta för din egen kommun, inte för Kiruna." in response.content.decode()


def test_an_internal_sprint_does_not_exist_for_anonymous_visitors_even_when_writing(
    client: Client, kiruna_sprint: Sprint
) -> None:
    assert client.get(kiruna_sprint.get_absolute_url()).status_code == 404
    assert (
        client.post(
            reverse("sprints:move", args=["kiruna", kiruna_sprint.pk]), {"status": "running"}
        ).status_code
        == 404
    )


def test_end_before_start_is_refused_at_the_end_field_and_nothing_is_saved(
    client: Client, lead_kiruna: User
) -> None:
    client.force_login(lead_kiruna)
    response = client.post(
        reverse("sprints:create", args=["kiruna"]), _sprint_post(start="2026-09-01", end="2026-08-01")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["end"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Sprint.objects.exists()


def test_a_non_numeric_result_is_refused_at_the_field_and_nothing_is_saved(
    client: Client, lead_kiruna: User, public_sprint: Sprint
) -> None:
    client.force_login(lead_kiruna)
    before = Result.objects.count()
    response = client.post(
        reverse("sprints:result_log", args=["kiruna", public_sprint.pk]), _result_post(actual="många")
    )
    assert response.status_code == 400
    assert list(response.context["result_form"].errors) == ["actual"]
    assert Result.objects.count() == before


def test_a_result_with_a_decimal_comma_is_stored_as_a_decimal(
    client: Client, lead_kiruna: User, public_sprint: Sprint
) -> None:
    client.force_login(lead_kiruna)
    client.post(reverse("sprints:result_log", args=["kiruna", public_sprint.pk]), _result_post(actual="12,5"))
    assert str(Result.objects.get(metric="Matchade").actual) == "12.50"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.exe", b"MZ\x90\x00", "inte tillåtna"),
        ("rapport.pdf", PNG, "inte en pdf-fil"),
        ("stor.pdf", b"%PDF-1.7\n" + b"0" * MAX_ATTACHMENT_BYTES, "gränsen är 10 MB"),
    ],
)
def test_a_forbidden_or_too_large_attachment_refuses_the_whole_result(
    client: Client, lead_kiruna: User, public_sprint: Sprint, name: str, content: bytes, message: str
) -> None:
    client.force_login(lead_kiruna)
    before = Result.objects.count()
    data = _result_post(file=SimpleUploadedFile(name, content))
    response = client.post(reverse("sprints:result_log", args=["kiruna", public_sprint.pk]), data)
    assert response.status_code == 400
    errors = response.context["result_form"].errors
    assert list(errors) == ["file"]
    assert message in errors["file"][0]
    assert Result.objects.count() == before
    assert not ResultAttachment.objects.exists()


def test_a_result_with_a_real_pdf_attachment_is_saved_with_it_and_served_only_to_those_who_see_the_sprint(
    client: Client, lead_kiruna: User, kiruna_sprint: Sprint
) -> None:
    client.force_login(lead_kiruna)
    data = _result_post(file=SimpleUploadedFile("bevis.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert (
        client.post(reverse("sprints:result_log", args=["kiruna", kiruna_sprint.pk]), data).status_code == 302
    )
    attachment = ResultAttachment.objects.get()
    url = reverse("sprints:attachment", args=["kiruna", kiruna_sprint.pk, attachment.pk])
    assert client.get(url).getvalue().startswith(b"%PDF")
    client.logout()
    assert client.get(url).status_code == 404


def _attach_zip(
    client: Client, sprint: Sprint, name: str, member: str, content: str
) -> _MonkeyPatchedWSGIResponse:
    """Upload, to the sprint's first result, a zip archive holding one `member` under the file name `name`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, content)
    result = sprint.results.first()
    assert result is not None
    url = reverse("sprints:attachment_add", args=[sprint.municipality.slug, sprint.pk, result.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, buffer.getvalue())}, follow=True)


def test_a_docx_is_recognised_by_its_content(
    client: Client, lead_kiruna: User, public_sprint: Sprint
) -> None:
    client.force_login(lead_kiruna)
    _attach_zip(client, public_sprint, "plan.docx", "word/document.xml", "<w:document/>")
    assert ResultAttachment.objects.get().original_name == "plan.docx"


def test_a_zip_renamed_to_xlsx_is_refused(client: Client, lead_kiruna: User, public_sprint: Sprint) -> None:
    client.force_login(lead_kiruna)
    response = _attach_zip(client, public_sprint, "data.xlsx", "virus.js", "x")
    assert not ResultAttachment.objects.exists()
    assert "inte en xlsx-fil" in response.content.decode()


def test_the_board_shows_five_columns_and_move_buttons_only_to_those_who_may_move(
    client: Client, lead_kiruna: User, public_sprint: Sprint
) -> None:
    html = client.get(reverse("sprints:board", args=["kiruna"])).content.decode()
    assert html.count('class="board__column') == 5
    assert public_sprint.title in html
    assert "move-form" not in html
    client.force_login(lead_kiruna)
    html = client.get(reverse("sprints:board", args=["kiruna"])).content.decode()
    assert "move-form" in html


def test_moving_one_step_on_by_button_post_redirects_to_the_board_at_the_sprint(
    client: Client, lead_kiruna: User, public_sprint: Sprint
) -> None:
    client.force_login(lead_kiruna)
    response = client.post(reverse("sprints:move", args=["kiruna", public_sprint.pk]), {"status": "planned"})
    assert response["Location"].endswith(f"/sprints/kiruna/#sprint-{public_sprint.pk}")
    public_sprint.refresh_from_db()
    assert public_sprint.status == Status.PLANNED


def test_the_sprint_page_shows_the_chart_with_a_text_alternative_and_the_history(
    client: Client, lead_kiruna: User, public_sprint: Sprint
) -> None:
    html = client.get(public_sprint.get_absolute_url()).content.decode()
    assert '<svg role="img" aria-labelledby="chart-title chart-desc"' in html
    assert "Ansökningar till testveckan: 26" in html  # the chart's <desc>
    assert '<table class="results-table">' in html
    assert "lead-kiruna" in html or "Projektledare" in html


def test_the_create_form_shows_similar_sprints_without_saving_when_asked(
    client: Client, lead_kiruna: User, lead_lulea: User, lulea: Municipality
) -> None:
    other = make_sprint(
        lead_lulea, lulea, title="Jobbmatchning i Luleå", method=SprintMethod.objects.get(code="pilot")
    )
    client.force_login(lead_kiruna)
    response = client.post(reverse("sprints:create", args=["kiruna"]), {**_sprint_post(), "similar": "1"})
    assert other.title in response.content.decode()
    assert Sprint.objects.count() == 1


def test_the_overview_lists_all_fourteen_municipalities_and_anonymous_sees_public_counts_only(
    client: Client, lead_kiruna: User, kiruna: Municipality
) -> None:
    make_sprint(lead_kiruna, kiruna, title="Hemlig", visibility=Visibility.INTERNAL, status=Status.RUNNING)
    response = client.get(reverse("sprints:overview"))
    assert response.status_code == 200
    assert len(response.context["matrix"].rows) == 14
    assert response.context["matrix"].total.total == 0
    assert "Hemlig" not in response.content.decode()


def test_the_overview_exports_csv_and_xlsx(client: Client, coordinator: User, public_sprint: Sprint) -> None:
    client.force_login(coordinator)
    csv_text = client.get(reverse("sprints:export", args=["csv"])).content.decode("utf-8-sig")
    header, row = csv_text.splitlines()[:2]
    assert header.startswith("Kommun;")
    assert public_sprint.title in row
    assert "visit, decide" in row
    response = client.get(reverse("sprints:export", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Sprintar", "Faser", "Arbetspaket"]
    assert workbook["Sprintar"]["B2"].value == public_sprint.title
    assert workbook["Faser"].max_row == 15


def test_the_csv_export_neutralises_formulas(client: Client, lead_kiruna: User, kiruna: Municipality) -> None:
    make_sprint(lead_kiruna, kiruna, title="=HYPERLINK(1)", visibility=Visibility.PUBLIC)
    text = client.get(reverse("sprints:export", args=["csv"])).content.decode("utf-8-sig")
    assert ";'=HYPERLINK(1);" in text


def test_the_navigation_links_to_the_overview(client: Client) -> None:
    assert f'href="{reverse("sprints:overview")}"' in client.get("/").content.decode()


def test_an_analyst_sees_internal_sprints_but_no_edit_controls(client: Client, kiruna_sprint: Sprint) -> None:
    analyst = user_with_role("analyst", "kiruna", username="a2")
    client.force_login(analyst)
    html = client.get(kiruna_sprint.get_absolute_url()).content.decode()
    assert kiruna_sprint.title in html
    assert "Logga ett resultat" not in html
