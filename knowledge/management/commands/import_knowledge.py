"""manage.py import_knowledge PATH [--publish] [--owner USERNAME]: Markdown files with YAML front matter as knowledge pages."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from knowledge.importer import ImportProblem, InvalidFile, markdown_files, parse_file
from knowledge.services import knowledge_page_import


@contextmanager
def _quiet_task_runner() -> Iterator[None]:
    """Wagtail runs its index and reference updates as django-tasks, which log "Task id=… state=RUNNING" at INFO for
    every page saved: the import's report is the per-file lines, so those are kept to warnings while it runs."""
    logger = logging.getLogger("django_tasks")
    level = logger.level
    logger.setLevel(max(logging.WARNING, level))
    try:
        yield
    finally:
        logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Import a folder (or one file) of Markdown files with YAML front matter as knowledge pages. "
        "Idempotent by slug: a re-import updates the page as a new revision. A file with errors imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="A .md file or a folder searched recursively for *.md.")
        parser.add_argument("--publish", action="store_true", help="Publish each imported revision.")
        parser.add_argument("--owner", help="Username that owns pages whose front matter names no owner.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        default_owner = None
        if options["owner"]:
            default_owner = get_user_model().objects.filter(username=options["owner"]).first()
            if default_owner is None:
                raise CommandError(f"--owner: unknown username '{options['owner']}'")
        files = markdown_files(path)
        if not files:
            raise CommandError(f"{path}: no Markdown files (*.md) found")
        with _quiet_task_runner():
            failed, warned = self._import_all(files, default_owner=default_owner, publish=options["publish"])
        summary = f"{len(files) - failed} of {len(files)} file(s) imported"
        if warned:
            summary += f", {warned} warning(s)"
        if failed:
            raise CommandError(f"{summary}; {failed} file(s) had errors and were not imported")
        self.stdout.write(self.style.SUCCESS(summary))

    def _import_all(self, files: list[Path], *, default_owner: Any, publish: bool) -> tuple[int, int]:
        """One line per file on stdout; each error and warning with its path and line on stderr."""
        failed = warned = 0
        for file in files:
            try:
                parsed = parse_file(file, default_owner=default_owner)
                outcome = knowledge_page_import(parsed=parsed, publish=publish)
            except InvalidFile as exc:
                problems = [str(problem) for problem in exc.errors]
            except ValidationError as exc:
                problems = [str(ImportProblem(file, 1, "; ".join(exc.messages)))]
            else:
                verb = "created" if outcome.created else "updated"
                state = "published" if outcome.published else "draft"
                line = f"{file}: {verb} {outcome.page.url} (revision {outcome.revision.pk}, {state})"
                if parsed.warnings:
                    warned += len(parsed.warnings)
                    line += f", {len(parsed.warnings)} warning(s)"
                    for warning in parsed.warnings:
                        self.stderr.write(f"{warning.path}:{warning.line}: warning: {warning.message}")
                self.stdout.write(line)
                continue
            failed += 1
            for problem in problems:
                self.stderr.write(problem)
            self.stdout.write(f"{file}: not imported, {len(problems)} error(s)")
        return failed, warned
