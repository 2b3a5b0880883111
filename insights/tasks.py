"""Celery tasks of insights: thin wrappers that take ids, call a service and report progress through their state.

The services queue these tasks, so the services are imported inside each task's body (HackSoft styleguide, "Celery"):
the task module stays importable by the services without a cycle.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from celery import Task, shared_task
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from themes.models import Municipality

from .models import ImportBatch

if TYPE_CHECKING:
    from .services import Progress


def _progress(task: Task) -> Progress:
    def report(step: str, current: int, total: int) -> None:
        task.update_state(state="PROGRESS", meta={"step": step, "current": current, "total": total})

    return report


def _user(user_id: int | None) -> Any:
    return get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None


@shared_task(bind=True, name="insights.tasks.prospects_import_task")
def prospects_import_task(self: Task, batch_id: int, user_id: int) -> dict[str, Any]:
    """Import an uploaded file; a batch that already finished is left alone (the task may be delivered twice)."""
    from .services import import_batch_fail, prospects_import

    batch = ImportBatch.objects.select_related("municipality").get(pk=batch_id)
    if batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
        return {"status": batch.status}
    user = _user(user_id)
    if user is None:
        # Never fall back to a system import: the uploader's rights are what allow this file in.
        import_batch_fail(batch=batch, message="The uploader's account is no longer active.")
        return {"status": ImportBatch.Status.FAILED}
    ImportBatch.objects.filter(pk=batch_id).update(status=ImportBatch.Status.RUNNING)
    try:
        with open(batch.stored_path, "rb") as handle:
            report = prospects_import(
                actor=user,
                municipality=batch.municipality,
                file=handle,
                file_name=batch.file_name,
                source=batch.source,
                batch=batch,
                progress=_progress(self),
            )
    except Exception as exc:
        import_batch_fail(batch=batch, message=f"The import stopped unexpectedly: {type(exc).__name__}")
        raise
    # The upload holds the source's own ids; once the batch has its outcome, the file is not kept.
    Path(batch.stored_path).unlink(missing_ok=True)
    if report.status == "imported":
        transaction.on_commit(lambda: prospects_score_task.delay(batch.municipality_id, user_id))
    return {"status": report.status, "imported": report.imported}


@shared_task(bind=True, name="insights.tasks.prospects_score_task")
def prospects_score_task(self: Task, municipality_id: int, user_id: int | None = None) -> dict[str, Any]:
    """Score a municipality's prospects; running it again simply scores again with the current model.

    Queued by a person (`user_id`), it runs with that person's rights and is refused if they have left since; queued
    by the system (an operator's command, after an import by command), it says so explicitly.
    """
    from .services import prospects_score

    municipality = Municipality.objects.get(pk=municipality_id)
    if user_id is None:
        report = prospects_score(
            actor=None, skip_permission_checks=True, municipality=municipality, progress=_progress(self)
        )
    else:
        user = _user(user_id)
        if user is None:
            raise PermissionDenied("The account that asked for this scoring run is no longer active.")
        report = prospects_score(actor=user, municipality=municipality, progress=_progress(self))
    return report.as_dict()


@shared_task(name="insights.tasks.prospects_expire_task")
def prospects_expire_task() -> int:
    """Beat: delete prospects older than PROSPECT_RETENTION_DAYS."""
    from .services import prospects_expire

    return prospects_expire()
