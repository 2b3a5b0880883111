import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, WorkPackage
from themes.selectors import municipality_by_code, search_synonyms

pytestmark = pytest.mark.django_db


def test_migrations_load_the_fourteen_municipalities_with_scb_codes() -> None:
    codes = dict(Municipality.objects.values_list("slug", "scb_code"))
    assert len(codes) == 14
    assert codes["kiruna"] == "2584"
    assert codes["lulea"] == "2580"
    assert codes["overtornea"] == "2518"


def test_small_municipalities_are_grouped_into_clusters_and_large_ones_stand_alone() -> None:
    clusters = dict(Municipality.objects.values_list("slug", "cluster"))
    assert {s for s, c in clusters.items() if c == "inland"} == {
        "arjeplog",
        "arvidsjaur",
        "jokkmokk",
        "alvsbyn",
    }
    assert {s for s, c in clusters.items() if c == "torne-valley"} == {
        "haparanda",
        "overtornea",
        "pajala",
        "overkalix",
    }
    assert Municipality.objects.get(slug="lulea").statistics_area == "lulea"
    assert Municipality.objects.get(slug="pajala").statistics_area == "torne-valley"


def test_taxonomy_vocabularies_are_complete() -> None:
    assert list(WorkPackage.objects.values_list("code", flat=True)) == ["WP1", "WP2", "WP3", "WP4"]
    assert ValueChainStep.objects.filter(force="pull").count() == 2
    assert dict(RelocationPhase.objects.values_list("code", "aida_stage")) == {
        "discover": "attention",
        "consider": "interest",
        "visit": "interest",
        "decide": "desire",
        "move": "action",
        "settle": "action",
        "stay": "action",
    }
    assert SprintMethod.objects.count() == 8


def test_labels_follow_the_active_language() -> None:
    phase = RelocationPhase.objects.get(code="visit")
    with translation.override("sv"):
        assert phase.label == "Besöka & pröva"
    with translation.override("en"):
        assert phase.label == "Visit & try"


def test_a_term_code_cannot_be_changed_once_created() -> None:
    method = SprintMethod.objects.get(code="pilot")
    method.code = "pilot-2"
    with pytest.raises(ValidationError):
        method.save()
    method.refresh_from_db()
    assert method.code == "pilot"


def test_a_municipality_keeps_its_slug_and_scb_code() -> None:
    kiruna = Municipality.objects.get(slug="kiruna")
    kiruna.scb_code = "2599"
    with pytest.raises(ValidationError):
        kiruna.full_clean()


def test_scb_codes_outside_norrbotten_are_refused_by_the_database() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Municipality.objects.create(slug="umea", name="Umeå", scb_code="2480", population=1)


@pytest.mark.parametrize("code", ["2584", "kiruna", " Kiruna "])
def test_municipality_by_scb_code_or_slug(code: str) -> None:
    assert municipality_by_code(code).slug == "kiruna"


def test_search_synonyms_contain_sami_meankieli_and_finnish_names() -> None:
    groups = {group[1]: group for group in search_synonyms()}
    assert "Giron" in groups["kiruna"]
    assert "Jåhkåmåhkke" in groups["jokkmokk"]
    assert "Haaparanta" in groups["haparanda"]


def test_the_scoring_core_knows_the_same_aida_stages_as_the_taxonomy() -> None:
    """insights/scoring imports no app (import-linter), so it keeps its own tuple; this keeps the two one list."""
    from insights.scoring.aida import STAGES
    from themes.models import AidaStage

    assert tuple(AidaStage.values) == STAGES


# --- The coordinating team edits labels in the admin; codes stay (issue #17, 8) --------------------------------------


def _work_package_edit_form(wp: WorkPackage) -> dict[str, str | int]:
    return {
        "code": "HACKED",
        "label_sv": "Attraktion, mottagande",
        "label_en": "Attraction, receiving",
        "sort_order": wp.sort_order,
    }


def test_the_coordinating_team_edits_a_taxonomy_label_in_the_admin_and_the_code_stays(client: Client) -> None:
    from django.contrib.auth.models import Group

    from tests.factories import user_with_role

    coordinator = user_with_role("coordinator", username="team")
    assert not coordinator.is_superuser
    granted = set(Group.objects.get(name="Coordinating team").permissions.values_list("codename", flat=True))
    assert {"change_workpackage", "view_workpackage", "change_municipality"} <= granted
    assert "delete_workpackage" not in granted
    wp = WorkPackage.objects.get(code="WP1")
    client.force_login(coordinator)
    url = f"/admin/snippets/themes/workpackage/edit/{wp.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, _work_package_edit_form(wp))
    assert response.status_code == 302, response.content.decode()[:2000]
    wp.refresh_from_db()
    assert (wp.code, wp.label_sv, wp.label_en) == ("WP1", "Attraktion, mottagande", "Attraction, receiving")
    # Terms are not added or deleted by hand: their codes are used in imports, URLs and stored rows.
    assert client.get("/admin/snippets/themes/workpackage/add/").status_code in (302, 403)
    assert client.get(f"/admin/snippets/themes/workpackage/delete/{wp.pk}/").status_code in (302, 403)
    assert WorkPackage.objects.filter(code="WP1").exists()


def test_a_project_lead_cannot_edit_taxonomy_labels(client: Client) -> None:
    from tests.factories import user_with_role

    lead = user_with_role("lead", "kiruna", username="lead")
    wp = WorkPackage.objects.get(code="WP1")
    client.force_login(lead)
    url = f"/admin/snippets/themes/workpackage/edit/{wp.pk}/"
    assert client.get(url).status_code in (302, 403)
    client.post(url, _work_package_edit_form(wp))
    wp.refresh_from_db()
    assert wp.label_sv == "Attraktion och mottagarkapacitet"
