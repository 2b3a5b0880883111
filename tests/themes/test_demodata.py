"""Reading demo/: dataclasses from the YAML files, nested ones included, and errors that name the file and the entry."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from themes.demodata import DemoDataError, demo_path, entry, read_yaml


@dataclass(frozen=True)
class Card:
    title: str
    column: str = "todo"


@dataclass(frozen=True)
class Board:
    name: str
    cards: tuple[Card, ...] = ()
    lead: Card | None = None
    by_name: dict[str, Card] | None = None


def test_entry_builds_nested_dataclasses_and_keeps_defaults() -> None:
    board = entry(
        Board,
        {"name": "B", "cards": [{"title": "a"}, {"title": "b", "column": "done"}], "lead": {"title": "l"}},
        where="x",
    )
    assert board == Board(name="B", cards=(Card("a"), Card("b", "done")), lead=Card("l"))
    assert entry(Board, {"name": "B", "by_name": {"k": {"title": "t"}}}, where="x").by_name == {
        "k": Card("t")
    }


def test_entry_names_unknown_and_missing_keys_with_the_place() -> None:
    with pytest.raises(
        DemoDataError, match=r"sprints.yaml, sprint 3: unknown key 'titel', missing key 'name'"
    ):
        entry(Board, {"titel": "B"}, where="sprints.yaml, sprint 3")
    with pytest.raises(DemoDataError, match=r"x, cards 2: missing key 'title'"):
        entry(Board, {"name": "B", "cards": [{"title": "a"}, {"column": "done"}]}, where="x")
    with pytest.raises(DemoDataError, match="expected a mapping"):
        entry(Board, ["B"], where="x")


def test_every_demo_file_says_it_is_synthetic() -> None:
    files = [
        path
        for path in demo_path().rglob("*")
        if path.suffix in (".yaml", ".md") and path.name != "README.md"
    ]
    assert len(files) > 30
    for path in files:
        head = path.read_text(encoding="utf-8")[:300]
        assert "Synthetic demo data" in head, path


def test_read_yaml_reports_the_file_of_a_broken_document(settings: Settings, tmp_path: Path) -> None:
    settings.BASE_DIR = tmp_path
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "sprints.yaml").write_text("- title: [unclosed\n", encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"sprints\.yaml"):
        read_yaml("sprints.yaml")
