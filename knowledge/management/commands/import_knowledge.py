"""manage.py import_knowledge PATH [--publish] [--owner USERNAME]: Markdown files with YAML front matter as knowledge pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from knowledge.importer import ImportProblem, InvalidFile, markdown_files, parse_file
from knowledge.services import knowledge_page_import


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
        failed = 0
        for file in files:
            try:
                parsed = parse_file(file, default_owner=default_owner)
                outcome = knowledge_page_import(parsed=parsed, publish=options["publish"])
            except InvalidFile as exc:
                failed += 1
                for problem in exc.errors:
                    self.stderr.write(str(problem))
                continue
            except ValidationError as exc:
                failed += 1
                self.stderr.write(str(ImportProblem(file, 1, "; ".join(exc.messages))))
                continue
            verb = "created" if outcome.created else "updated"
            state = "published" if outcome.published else "draft"
            self.stdout.write(f"{file}: {verb} {outcome.page.url} (revision {outcome.revision.pk}, {state})")
        summary = f"{len(files) - failed} of {len(files)} file(s) imported"
        if failed:
            raise CommandError(f"{summary}; {failed} file(s) had errors and were not imported")
        self.stdout.write(self.style.SUCCESS(summary))
