"""`import_batches [--reap] [--retry ID] [--cancel ID] [--json]`: prospect import jobs for operators.

Lists the batches still queued or running and those that failed with their file kept; `--reap` marks batches whose
worker died (lease expired) as failed, `--retry` queues one again, `--cancel` gives it up and deletes its file.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from insights.models import ImportBatch
from insights.services import (
    import_batch_cancel,
    import_batch_retry,
    import_batch_retryable,
    import_batches_reap,
)


class Command(BaseCommand):
    help = "List, reap, retry or cancel prospect import jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reap", action="store_true", help="Mark batches whose worker died as failed")
        parser.add_argument("--retry", type=int, metavar="ID", help="Queue a failed batch again")
        parser.add_argument("--cancel", type=int, metavar="ID", help="Cancel a batch and delete its file")
        parser.add_argument("--json", action="store_true", help="Print JSON")

    def _batch(self, pk: int) -> ImportBatch:
        try:
            return ImportBatch.objects.select_related("municipality").get(pk=pk)
        except ImportBatch.DoesNotExist as exc:
            raise CommandError(f"No import batch {pk}.") from exc

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["reap"]:
                marked = import_batches_reap()
                self.stderr.write(f"{marked} batch(es) marked failed.")
            if options["retry"] is not None:
                batch = import_batch_retry(
                    actor=None, skip_permission_checks=True, batch=self._batch(options["retry"])
                )
                self.stderr.write(f"Batch {batch.pk} queued again (task {batch.task_id}).")
            if options["cancel"] is not None:
                batch = import_batch_cancel(
                    actor=None, skip_permission_checks=True, batch=self._batch(options["cancel"])
                )
                self.stderr.write(f"Batch {batch.pk} cancelled.")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        open_batches = ImportBatch.objects.select_related("municipality").filter(
            status__in=(ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING, ImportBatch.Status.FAILED)
        )
        rows = [
            {
                "id": batch.pk,
                "municipality": batch.municipality.slug,
                "file": batch.file_name,
                "status": batch.status,
                "attempts": batch.attempts,
                "heartbeat_at": batch.heartbeat_at.isoformat() if batch.heartbeat_at else None,
                "retryable": import_batch_retryable(batch),
                "reason": batch.errors[0]["message"] if batch.errors else "",
            }
            for batch in open_batches
            if batch.status != ImportBatch.Status.FAILED or import_batch_retryable(batch)
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write(
                f"{row['id']:>6}  {row['municipality']:<12} {row['status']:<8} attempts={row['attempts']} "
                f"retryable={'yes' if row['retryable'] else 'no'}  {row['file']}  {row['reason']}"
            )
