"""manage.py import_knowledge: valid files, precise errors, all-or-nothing per file, re-import as a new revision."""

import logging
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from knowledge.models import ExchangeMeetingPage, KnowledgePage, LessonPage, MethodCardPage

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "knowledge"

LESSON = """---
slug: kiruna-remote-work-hub
title: Distansarbetshubb i Kiruna
type: lesson
language: sv
municipality: 2584
work_package: WP1
phase: visit
method: test-week
value_chain: digital
evidence: measured
tags: [distansarbete, coworking]
owner: lead-kiruna
review_by: 2027-06-30
date: 2026-03-14
visibility: public
---
Sammanfattningen före första rubriken.

## Sammanhang

Besökare frågade efter arbetsplatser.

## Vad vi gjorde

En testvecka.

## Result

Sex av åtta laddade ner guiden.

## Råd

Börja smått.

## Övrigt

Det här hamnar i brödtexten.
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_lesson_file_maps_front_matter_and_headings_to_fields(
    tmp_path: Path, lead_kiruna: User
) -> None:
    path = _write(tmp_path, "lesson.md", LESSON)
    call_command("import_knowledge", str(path), "--publish")
    lesson = LessonPage.objects.get(slug="kiruna-remote-work-hub")
    assert lesson.live
    assert lesson.url == "/kunskap/kiruna-remote-work-hub/"
    assert lesson.municipality.slug == "kiruna"
    assert lesson.work_package.code == "WP1"
    assert lesson.method.code == "test-week"
    assert lesson.value_chain_step.code == "digital"
    assert [p.code for p in lesson.relocation_phases.all()] == ["visit"]
    assert sorted(lesson.tags.names()) == ["coworking", "distansarbete"]
    assert lesson.owner.username == "lead-kiruna"
    assert str(lesson.review_by) == "2027-06-30"
    assert str(lesson.date) == "2026-03-14"
    assert lesson.evidence == "measured"
    assert lesson.visibility == "public"
    assert "Sammanfattningen" in lesson.summary
    assert "arbetsplatser" in lesson.context
    assert "testvecka" in lesson.what_we_did
    assert "Sex av åtta" in lesson.result
    assert "Börja smått" in lesson.advice
    assert lesson.body[0].value["heading"] == "Övrigt"


def test_without_publish_the_import_is_a_draft(tmp_path: Path, lead_kiruna: User) -> None:
    call_command("import_knowledge", str(_write(tmp_path, "lesson.md", LESSON)))
    lesson = LessonPage.objects.get(slug="kiruna-remote-work-hub")
    assert not lesson.live
    assert lesson.revisions.count() == 1


def test_reimport_updates_the_same_page_as_a_new_revision(tmp_path: Path, lead_kiruna: User) -> None:
    path = _write(tmp_path, "lesson.md", LESSON)
    call_command("import_knowledge", str(path), "--publish")
    path.write_text(LESSON.replace("Börja smått.", "Börja smått och fråga ofta."), encoding="utf-8")
    call_command("import_knowledge", str(path), "--publish")
    assert LessonPage.objects.filter(slug="kiruna-remote-work-hub").count() == 1
    lesson = LessonPage.objects.get(slug="kiruna-remote-work-hub")
    assert lesson.revisions.count() == 2
    assert "fråga ofta" in lesson.advice


def test_malformed_front_matter_is_reported_with_file_and_line_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = LESSON.replace("tags: [distansarbete, coworking]", "tags: [distansarbete, coworking")
    path = _write(tmp_path, "broken.md", broken)
    with pytest.raises(CommandError):
        call_command("import_knowledge", str(path))
    err = capsys.readouterr().err
    line = broken.splitlines().index("tags: [distansarbete, coworking") + 1
    assert f"{path}:{line}:" in err or f"{path}:{line + 1}:" in err
    assert "malformed front matter" in err
    assert not KnowledgePage.objects.filter(slug="kiruna-remote-work-hub").exists()


def test_an_invalid_value_names_the_line_of_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead_kiruna: User
) -> None:
    path = _write(tmp_path, "bad.md", LESSON.replace("phase: visit", "phase: nowhere"))
    with pytest.raises(CommandError):
        call_command("import_knowledge", str(path))
    line = LESSON.splitlines().index("phase: visit") + 1
    assert f"{path}:{line}: unknown relocation phase 'nowhere'" in capsys.readouterr().err


def test_an_unknown_owner_rejects_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "lesson.md", LESSON.replace("owner: lead-kiruna", "owner: nobody-here"))
    with pytest.raises(CommandError):
        call_command("import_knowledge", str(path))
    assert "unknown owner 'nobody-here'" in capsys.readouterr().err
    assert not LessonPage.objects.exists()


def test_a_bad_file_does_not_stop_the_good_ones_in_a_folder(tmp_path: Path, lead_kiruna: User) -> None:
    _write(tmp_path, "a-good.md", LESSON)
    _write(
        tmp_path,
        "b-bad.md",
        LESSON.replace("kiruna-remote-work-hub", "other").replace("type: lesson", "type: x"),
    )
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("import_knowledge", str(tmp_path))
    assert list(LessonPage.objects.values_list("slug", flat=True)) == ["kiruna-remote-work-hub"]


def test_the_sample_files_in_docs_import_as_three_types(lead_kiruna: User) -> None:
    call_command("import_knowledge", str(EXAMPLES), "--publish", "--owner", "lead-kiruna")
    assert LessonPage.objects.count() == 2
    assert MethodCardPage.objects.get().method.code == "service-safari"
    meeting = ExchangeMeetingPage.objects.get()
    assert str(meeting.date) == "2026-04-20"
    assert "testveckor" in meeting.agenda.lower()
    assert LessonPage.objects.get(slug="pitea-welcome-calls").municipality.slug == "pitea"


def test_an_unknown_default_owner_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="unknown username"):
        call_command("import_knowledge", str(_write(tmp_path, "l.md", LESSON)), "--owner", "ghost")


def _as_type(kind: str, slug: str) -> str:
    """The full-contract LESSON front matter on another page type (its headings then stay in the body)."""
    return LESSON.replace("type: lesson", f"type: {kind}").replace("kiruna-remote-work-hub", slug)


def test_every_contract_field_is_accepted_on_every_type(tmp_path: Path, lead_kiruna: User) -> None:
    for kind in ("lesson", "method", "exchange"):
        _write(tmp_path, f"{kind}.md", _as_type(kind, f"all-fields-{kind}"))
    call_command("import_knowledge", str(tmp_path), "--publish")
    for model in (LessonPage, MethodCardPage, ExchangeMeetingPage):
        page = model.objects.get()
        assert page.municipality.slug == "kiruna"
        assert page.work_package.code == "WP1"
        assert page.method.code == "test-week"
        assert page.value_chain_step.code == "digital"
        assert sorted(page.tags.names()) == ["coworking", "distansarbete"]
        assert str(page.date) == "2026-03-14"
        assert page.visibility == "public"


def test_method_cards_keep_their_evidence_and_meetings_warn_about_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], client: Client, lead_kiruna: User
) -> None:
    _write(tmp_path, "a-method.md", _as_type("method", "evidence-method"))
    meeting = _write(tmp_path, "b-meeting.md", _as_type("exchange", "evidence-meeting"))
    call_command("import_knowledge", str(tmp_path), "--publish")
    out, err = capsys.readouterr()
    card = MethodCardPage.objects.get()
    assert card.evidence == "measured"
    assert 'class="evidence evidence--measured"' in client.get(card.url).content.decode()
    assert ExchangeMeetingPage.objects.get().live
    line = LESSON.splitlines().index("evidence: measured") + 1
    assert (
        err.strip()
        == f"{meeting}:{line}: warning: 'evidence' has no meaning for type 'exchange' and is ignored"
    )
    assert out.splitlines()[-1] == "2 of 2 file(s) imported, 1 warning(s)"


def test_an_ignored_field_is_not_validated_either(tmp_path: Path, lead_kiruna: User) -> None:
    text = _as_type("exchange", "meeting-bad-evidence").replace("evidence: measured", "evidence: anecdotal")
    call_command("import_knowledge", str(_write(tmp_path, "m.md", text)))
    assert ExchangeMeetingPage.objects.filter(slug="meeting-bad-evidence").exists()


def test_a_method_card_with_an_unknown_evidence_level_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead_kiruna: User
) -> None:
    text = _as_type("method", "method-bad-evidence").replace("evidence: measured", "evidence: anecdotal")
    with pytest.raises(CommandError):
        call_command("import_knowledge", str(_write(tmp_path, "m.md", text)))
    assert "evidence 'anecdotal' must be" in capsys.readouterr().err


def test_the_report_is_one_line_per_file_and_a_summary_without_task_runner_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, lead_kiruna: User
) -> None:
    _write(tmp_path, "a.md", LESSON)
    _write(tmp_path, "b.md", _as_type("method", "report-method"))
    with caplog.at_level(logging.INFO):
        call_command("import_knowledge", str(tmp_path), "--publish")
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[-1] == "2 of 2 file(s) imported"
    assert all(line.startswith(str(tmp_path)) and ": created /kunskap/" in line for line in lines[:2])
    assert not [
        r for r in caplog.records if r.name.startswith("django_tasks") and r.levelno < logging.WARNING
    ]
    assert "Task id=" not in out + err + caplog.text
    assert logging.getLogger("django_tasks").level == logging.NOTSET  # restored after the run
