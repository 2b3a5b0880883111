"""Parsing and validation of knowledge Markdown files (INTERFACES.md, "Knowledge import format"), with line numbers."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import yaml
from django.contrib.auth import get_user_model

from themes.models import Municipality, RelocationPhase, SprintMethod, ValueChainStep, Visibility, WorkPackage

from .models import Evidence, Language, PageKind

TYPES = tuple(PageKind.values)
REQUIRED = ("slug", "title", "type", "language")
KNOWN = frozenset(
    {
        *REQUIRED,
        "municipality",
        "work_package",
        "phase",
        "method",
        "value_chain",
        "evidence",
        "tags",
        "owner",
        "review_by",
        "date",
        "visibility",
    }
)
# Fields of the contract a page type has no place for: accepted, reported as a warning and ignored (INTERFACES.md).
# Every other field of KNOWN is stored on every type (the taxonomy, dates and owner live on KnowledgePage).
WITHOUT_MEANING: dict[str, frozenset[str]] = {
    PageKind.LESSON: frozenset(),
    PageKind.METHOD: frozenset(),
    PageKind.EXCHANGE: frozenset({"evidence"}),
}
# Level-2 headings (Swedish or English, case-insensitive) that map to a page field, per type.
SECTION_FIELDS: dict[str, dict[str, str]] = {
    PageKind.LESSON: {
        "sammanhang": "context",
        "context": "context",
        "vad vi gjorde": "what_we_did",
        "what we did": "what_we_did",
        "resultat": "result",
        "result": "result",
        "råd": "advice",
        "advice": "advice",
    },
    PageKind.METHOD: {
        "när": "when_to_use",
        "when to use": "when_to_use",
        "steg": "steps",
        "steps": "steps",
        "tid och kostnad": "time_and_cost",
        "time and cost": "time_and_cost",
        "fallgropar": "pitfalls",
        "pitfalls": "pitfalls",
    },
    PageKind.EXCHANGE: {
        "dagordning": "agenda",
        "agenda": "agenda",
        "anteckningar": "notes",
        "notes": "notes",
        "beslut": "decisions",
        "decisions": "decisions",
    },
}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^(```|~~~)")


@dataclass(frozen=True)
class ImportProblem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class ParsedPage:
    """A validated file: resolved taxonomy objects and HTML for every field."""

    path: Path
    slug: str
    title: str
    kind: str
    language: str
    visibility: str
    fields: dict[str, Any] = field(default_factory=dict)
    phases: list[RelocationPhase] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    owner: Any | None = None
    sections: list[tuple[str, str]] = field(default_factory=list)  # headings that map to no field
    warnings: list[ImportProblem] = field(default_factory=list)  # fields accepted and ignored


class InvalidFile(Exception):
    def __init__(self, errors: list[ImportProblem]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def _html(text: str) -> str:
    text = text.strip()
    return markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html") if text else ""


def split_front_matter(path: Path, text: str) -> tuple[str, int, str, int]:
    """(front matter, its first line number, body, the body's first line number); raises InvalidFile."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise InvalidFile(
            [ImportProblem(path, 1, "the file must start with front matter between '---' lines")]
        )
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "\n".join(lines[1 : number - 1]), 2, "\n".join(lines[number:]), number + 1
    raise InvalidFile([ImportProblem(path, 1, "the front matter is not closed with a '---' line")])


def _key_lines(front: str, first_line: int) -> dict[str, int]:
    node = yaml.compose(front, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(key.value): key.start_mark.line + first_line
        for key, _value in node.value
        if hasattr(key, "value")
    }


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(part).strip() for part in value if str(part).strip()]
    return [str(value)]


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def parse_file(path: Path, *, default_owner: Any | None = None) -> ParsedPage:
    """Read and validate one file completely; raises InvalidFile with every problem found and its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidFile([ImportProblem(path, 1, f"not UTF-8 ({exc.reason})")]) from exc
    front, front_line, body, body_line = split_front_matter(path, text.lstrip("\ufeff"))
    try:
        meta = yaml.safe_load(front) if front.strip() else {}
        key_lines = _key_lines(front, front_line)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + front_line if mark is not None else front_line
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidFile([ImportProblem(path, line, f"malformed front matter: {problem}")]) from exc
    if not isinstance(meta, dict):
        raise InvalidFile(
            [ImportProblem(path, front_line, "the front matter must be a mapping of 'key: value'")]
        )

    errors: list[ImportProblem] = []

    def error(key: str | None, message: str) -> None:
        errors.append(ImportProblem(path, key_lines.get(key or "", front_line), message))

    for key in meta:
        if key not in KNOWN:
            error(str(key), f"unknown field '{key}'")
    for key in REQUIRED:
        if meta.get(key) in (None, ""):
            errors.append(ImportProblem(path, front_line, f"missing required field '{key}'"))
    kind = str(meta.get("type") or "").strip()
    warnings: list[ImportProblem] = []
    for key in sorted(WITHOUT_MEANING.get(kind, frozenset()) & set(meta), key=lambda k: key_lines.get(k, 0)):
        warnings.append(
            ImportProblem(
                path,
                key_lines.get(key, front_line),
                f"'{key}' has no meaning for type '{kind}' and is ignored",
            )
        )
        del meta[key]

    slug = str(meta.get("slug") or "").strip()
    if slug and not SLUG.match(slug):
        error("slug", f"slug '{slug}' must be lower-case letters, digits and hyphens")
    if kind and kind not in TYPES:
        error("type", f"type '{kind}' must be one of {', '.join(TYPES)}")
    language = str(meta.get("language") or "").strip()
    if language and language not in Language.values:
        error("language", f"language '{language}' must be sv or en")
    visibility = str(meta.get("visibility") or Visibility.INTERNAL).strip()
    if visibility not in Visibility.values:
        error("visibility", f"visibility '{visibility}' must be public, partners or internal")

    fields: dict[str, Any] = {}
    if meta.get("municipality") not in (None, ""):
        code = str(meta["municipality"]).strip().lower()
        municipality = (
            Municipality.objects.filter(scb_code=code).first()
            or Municipality.objects.filter(slug=code).first()
        )
        if municipality is None:
            error("municipality", f"unknown municipality '{meta['municipality']}' (use its slug or SCB code)")
        fields["municipality"] = municipality
    else:
        fields["municipality"] = None
    lookups: list[tuple[str, str, Any, str]] = [
        ("work_package", "work_package", WorkPackage, "work package"),
        ("method", "method", SprintMethod, "sprint method"),
        ("value_chain", "value_chain_step", ValueChainStep, "value-chain step"),
    ]
    for key, attribute, model, label in lookups:
        value = meta.get(key)
        if value in (None, ""):
            fields[attribute] = None
            continue
        code = str(value).strip()
        term = model.objects.filter(code__iexact=code).first()
        if term is None:
            error(key, f"unknown {label} '{code}'")
        fields[attribute] = term
    phase_codes = _as_list(meta.get("phase"))
    phases = list(RelocationPhase.objects.filter(code__in=phase_codes))
    for code in sorted(set(phase_codes) - {p.code for p in phases}):
        error("phase", f"unknown relocation phase '{code}'")
    if meta.get("evidence") not in (None, ""):
        evidence = str(meta["evidence"]).strip()
        if evidence not in Evidence.values:
            error("evidence", f"evidence '{evidence}' must be anecdote, observed, measured or evaluated")
        else:
            fields["evidence"] = evidence
    for key in ("review_by", "date"):
        if meta.get(key) in (None, ""):
            fields[key] = None
            continue
        try:
            fields[key] = _as_date(meta[key])
        except ValueError:
            error(key, f"{key} '{meta[key]}' is not an ISO date (YYYY-MM-DD)")
    owner = default_owner
    if meta.get("owner") not in (None, ""):
        username = str(meta["owner"]).strip()
        owner = get_user_model().objects.filter(username=username).first()
        if owner is None:
            error("owner", f"unknown owner '{username}'")
    tags = _as_list(meta.get("tags"))

    sections: list[tuple[str, str]] = []
    if kind in SECTION_FIELDS:
        fields.update(_sections(path, body, body_line, kind, errors, sections))
    if errors:
        raise InvalidFile(sorted(errors, key=lambda e: e.line))
    return ParsedPage(
        path=path,
        slug=slug,
        title=str(meta["title"]).strip(),
        kind=kind,
        language=language,
        visibility=visibility,
        fields=fields,
        phases=phases,
        tags=tags,
        owner=owner,
        sections=sections,
        warnings=warnings,
    )


def _sections(
    path: Path,
    body: str,
    first_line: int,
    kind: str,
    errors: list[ImportProblem],
    extra: list[tuple[str, str]],
) -> dict[str, str]:
    """Split the body at level-2 headings (outside code fences): summary, mapped fields, and other sections."""
    mapping = SECTION_FIELDS[kind]
    chunks: list[tuple[str | None, int, list[str]]] = [(None, first_line, [])]
    in_fence = False
    for number, line in enumerate(body.splitlines(), start=first_line):
        if FENCE.match(line.strip()):
            in_fence = not in_fence
        heading = None if in_fence else HEADING.match(line)
        if heading:
            chunks.append((heading.group(1).strip(), number, []))
        else:
            chunks[-1][2].append(line)
    values: dict[str, str] = {"summary": _html("\n".join(chunks[0][2]))}
    seen: dict[str, int] = {}
    for title, title_line, content in chunks[1:]:
        assert title is not None
        name = mapping.get(title.casefold())
        if name is None:
            extra.append((title, _html("\n".join(content))))
            continue
        if name in seen:
            errors.append(
                ImportProblem(path, title_line, f"section '{title}' repeats the one on line {seen[name]}")
            )
            continue
        seen[name] = title_line
        values[name] = _html("\n".join(content))
    return values


def markdown_files(path: Path) -> list[Path]:
    """The files an import of `path` reads: the file itself, or every *.md below the folder, in name order."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.md") if p.is_file())
