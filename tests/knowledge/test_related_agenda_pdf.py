"""Related knowledge, index filters, the exchange-meeting agenda helper, and PDF downloads."""

import datetime
import io
from typing import cast

import pypdf
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pypdf.generic import DictionaryObject

from knowledge.models import LessonPage
from knowledge.selectors import agenda_proposal, related_knowledge
from sprints import services as sprint_services
from tests.knowledge.factories import make_lesson, make_meeting, make_method_card
from tests.sprints.conftest import make_sprint
from themes.models import Municipality, SprintMethod, WorkPackage

pytestmark = pytest.mark.django_db


def test_related_knowledge_prefers_shared_method_tags_and_words(db: None) -> None:
    method = SprintMethod.objects.get(code="test-week")
    lesson = make_lesson(
        title="Testvecka för distansarbetare i Kiruna", method=method, tags=("distansarbete",)
    )
    close = make_lesson(
        title="Testvecka för distansarbetare i Pajala", method=method, tags=("distansarbete",)
    )
    loose = make_lesson(title="Annonsering på mässor", tags=("distansarbete",))
    card = make_method_card(title="Testvecka", method=method)
    make_lesson(title="Helt orelaterad", phases=())
    internal = make_lesson(title="Testvecka internt", method=method, visibility="internal")
    related = related_knowledge(page=lesson, user=None)
    assert related[0].pk == close.pk
    assert {page.pk for page in related} == {close.pk, loose.pk, card.pk}
    assert internal.pk not in {page.pk for page in related}


def test_a_lesson_page_shows_related_knowledge(client: Client) -> None:
    method = SprintMethod.objects.get(code="hackathon")
    lesson = make_lesson(title="Hackathon om välkomstappen", method=method)
    make_lesson(title="Hackathon om bostadskartan", method=method)
    assert "Hackathon om bostadskartan" in client.get(lesson.url).content.decode()


def test_the_index_filters_by_type_work_package_phase_evidence_and_tag(
    client: Client, kiruna: Municipality
) -> None:
    wp2 = WorkPackage.objects.get(code="WP2")
    make_lesson(
        title="Mätt lärdom", evidence="measured", work_package=wp2, municipality=kiruna, tags=("kompetens",)
    )
    make_lesson(title="Anekdot", evidence="anecdote", phases=("settle",))
    make_method_card(title="Metodkortet")

    def titles(query: str) -> set[str]:
        html = client.get(f"/kunskap/?{query}").content.decode()
        return {t for t in ("Mätt lärdom", "Anekdot", "Metodkortet") if f">{t}</a>" in html}

    assert titles("type=method") == {"Metodkortet"}
    assert titles("work_package=WP2") == {"Mätt lärdom"}
    assert titles("phase=settle") == {"Anekdot"}
    assert titles("evidence=observed") == {"Mätt lärdom"}
    assert titles("tag=kompetens") == {"Mätt lärdom"}
    assert titles("municipality=2584") == {"Mätt lärdom"}
    assert titles("municipality=region") == {"Anekdot", "Metodkortet"}


def test_the_index_paginates(client: Client) -> None:
    for number in range(23):
        make_lesson(title=f"Lärdom nummer {number}", phases=())
    first = client.get("/en/kunskap/").content.decode()
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first
    assert client.get("/en/kunskap/?page=2").content.decode().count('class="card knowledge-item') == 3


def test_a_reserved_slug_is_refused() -> None:
    lesson = LessonPage(title="Flöde", slug="flode")
    with pytest.raises(ValidationError):
        lesson.clean()


def test_the_agenda_proposal_groups_new_lessons_and_finished_sprints_by_phase(
    lead_kiruna: User, kiruna: Municipality, coordinator: User
) -> None:
    today = timezone.localdate()
    make_meeting(title="Förra mötet", date=today - datetime.timedelta(days=30))
    make_lesson(title="Ny om besök", phases=("visit",))
    make_lesson(title="Ny om etablering", phases=("settle",))
    sprint = make_sprint(
        lead_kiruna, kiruna, start=today - datetime.timedelta(days=20), end=today - datetime.timedelta(days=5)
    )
    sprint_services.sprint_close_with_retrospective(actor=lead_kiruna, sprint=sprint, what_worked="Bra")
    proposal = agenda_proposal(user=coordinator, today=today)
    groups = {group["phase"].code: group for group in proposal["groups"] if group["phase"]}
    assert [lesson.title for lesson in groups["visit"]["lessons"]] == ["Ny om besök"]
    assert [lesson.title for lesson in groups["settle"]["lessons"]] == ["Ny om etablering"]
    assert groups["visit"]["sprints"] == [sprint]
    assert groups["decide"]["sprints"] == [sprint]
    assert proposal["since"] == today - datetime.timedelta(days=30)


def test_the_agenda_page_is_for_the_programme_only(client: Client, coordinator: User, partner: User) -> None:
    client.force_login(partner)
    assert client.get("/kunskap/dagordning/").status_code == 403
    client.force_login(coordinator)
    assert client.get("/kunskap/dagordning/").status_code == 200


def test_a_lesson_and_a_meeting_download_as_pdf(client: Client, kiruna: Municipality) -> None:
    lesson = make_lesson(title="Lärdom som PDF", advice="<p>Råd i PDF:en</p>")
    meeting = make_meeting(title="Möte som PDF")
    for page in (lesson, meeting):
        response = client.get(f"/kunskap/pdf/{page.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert f'filename="{page.slug}.pdf"' in response["Content-Disposition"]


def test_the_pdf_of_an_internal_lesson_is_not_found_for_anonymous(client: Client) -> None:
    lesson = make_lesson(title="Intern", visibility="internal")
    assert client.get(f"/kunskap/pdf/{lesson.pk}/").status_code == 404


def test_the_pdf_view_answers_missing_drafts_other_pages_and_hidden_pages_alike(client: Client) -> None:
    from knowledge.selectors import knowledge_index

    hidden = make_lesson(title="Intern", visibility="internal")
    draft = make_lesson(title="Utkast", visibility="public", live=False)
    index = knowledge_index()
    assert index is not None
    missing = LessonPage.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    answers = {
        name: client.get(f"/kunskap/pdf/{pk}/")
        for name, pk in {
            "hidden": hidden.pk,
            "draft": draft.pk,
            "index": index.pk,
            "root": 1,
            "missing": missing,
        }.items()
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 404)
    # The 404 page links its own address (language switch); apart from that the answers are the same.
    bodies = {r.content.decode().replace(r.wsgi_request.path, "PATH") for r in answers.values()}
    assert len(bodies) == 1


def test_pages_link_print_css_and_pdf(client: Client) -> None:
    lesson = make_lesson()
    html = client.get(lesson.url).content.decode()
    assert "knowledge/knowledge.css" in html
    assert f"/kunskap/pdf/{lesson.pk}/" in html


def test_a_renamed_work_package_shows_on_knowledge_pages_at_once(client: Client) -> None:
    make_lesson(title="Med arbetspaket", work_package=WorkPackage.objects.get(code="WP3"), phases=())
    assert "Fysisk planering" in client.get("/kunskap/").content.decode()
    wp3 = WorkPackage.objects.get(code="WP3")
    wp3.label_sv = "Samhällsplanering"
    wp3.save()
    assert "WP3 – Samhällsplanering" in client.get("/kunskap/").content.decode()


SAMI = "Árvvoštallan Giron, Jåhkåmåhkke: čđŋšŧž ČĐŊŠŦŽ"


def test_sami_letters_survive_in_the_pdf_text(client: Client) -> None:
    lesson = make_lesson(title=f"Lärdom {SAMI}", advice=f"<p>Råd: {SAMI}</p><p><i>{SAMI}</i></p>")
    response = client.get(f"/kunskap/pdf/{lesson.pk}/")
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    # Whitespace differs between extractors; the letters must not.
    for word in SAMI.split():
        assert word in text, word
    fonts = {
        str(font.get_object().get("/BaseFont")) for page in reader.pages for font in _fonts_of(page).values()
    }
    assert any("SourceSansPro" in name for name in fonts), fonts


def _fonts_of(page: pypdf.PageObject) -> DictionaryObject:
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    return cast(DictionaryObject, resources["/Font"].get_object())
