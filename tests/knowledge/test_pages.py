import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from knowledge.models import KnowledgeIndexPage
from tests.knowledge.factories import make_lesson, make_meeting, make_method_card
from themes.models import Municipality

pytestmark = pytest.mark.django_db


def test_the_migration_puts_the_knowledge_index_at_kunskap_under_the_site_root() -> None:
    index = KnowledgeIndexPage.objects.get()
    site = Site.objects.get(is_default_site=True)
    assert index.get_parent().pk == site.root_page_id
    assert index.url == "/kunskap/"
    assert reverse("knowledge:index") == "/kunskap/"


def test_the_index_is_served_in_swedish_and_english(client: Client) -> None:
    assert client.get("/kunskap/").status_code == 200
    response = client.get("/en/kunskap/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_the_index_names_a_lessons_evidence_level_in_words(client: Client) -> None:
    make_lesson(title="Mätt lärdom", slug="matt-lardom", evidence="measured")
    assert "Evidence: Measured" in client.get("/en/kunskap/").content.decode()


def test_a_lesson_page_shows_its_sections_and_url_ends_with_its_slug(client: Client) -> None:
    lesson = make_lesson(
        slug="kiruna-distanshubb",
        context="<p>Sammanhanget</p>",
        advice="<p>Börja smått</p>",
        evidence="measured",
    )
    assert lesson.url.endswith("/kiruna-distanshubb/")
    html = client.get(lesson.url).content.decode()
    assert "Sammanhanget" in html
    assert "Börja smått" in html
    assert lesson.kind == "lesson"


def test_a_method_card_page_renders_its_steps(client: Client) -> None:
    card = make_method_card(steps="<ol><li>Bjud in nyinflyttade</li></ol>")
    html = client.get(card.url).content.decode()
    assert "Bjud in nyinflyttade" in html
    assert card.kind == "method"


def test_an_exchange_meeting_shows_participants_and_linked_lessons(
    client: Client, kiruna: Municipality, lulea: Municipality
) -> None:
    lesson = make_lesson(title="Välkomstpaket som fungerade")
    meeting = make_meeting(decisions="<p>Vi testar i fler kommuner</p>")
    meeting.participating_municipalities.set([kiruna, lulea])
    meeting.linked_lessons.set([lesson])
    meeting.save_revision().publish()
    html = client.get(meeting.url).content.decode()
    assert "Kiruna" in html
    assert "Luleå" in html
    assert "Välkomstpaket som fungerade" in html
    assert "Vi testar i fler kommuner" in html


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_index_links_each_page_as_wagtail_would_and_shows_a_plain_teaser(
    client: Client, prefix: str
) -> None:
    lesson = make_lesson(
        title="Teaser-lärdom",
        slug="teaser-lardom",
        summary="<p>Familjer <b>bodde</b> en vecka &amp; stannade.</p>",
    )
    card = make_method_card(slug="teaser-metod")
    html = client.get(f"{prefix}/kunskap/").content.decode()
    for page in (lesson, card):
        assert f'href="{prefix}/kunskap/{page.slug}/"' in html
    assert "Familjer bodde en vecka &amp; stannade." in html
