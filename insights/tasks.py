"""Celery tasks of insights: thin wrappers that take ids, call a service and report progress through their state.

The services queue these tasks, so the services are imported inside each task's body (HackSoft styleguide, "Celery"):
the task module stays importable by the services without a cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from celery import Task, shared_task
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from themes.models import Municipality

from .models import ImportBatch
from .progress import IMPORT_DONE, ForwardProgress

if TYPE_CHECKING:
    from .services import Progress


def _progress(task: Task, *, scoring: bool = False) -> Progress:
    """The task's state for the pages: a scoring run's steps on one forward-only bar of its own (insights.progress:
    the score band stretched to 0–100), so its bar does not start over at each step either."""

    def publish(percent: int, step: str) -> None:
        own = round((percent - IMPORT_DONE) * 100 / (100 - IMPORT_DONE)) if scoring else percent
        task.update_state(state="PROGRESS", meta={"step": step, "percent": max(0, own)})

    forward = ForwardProgress(publish, start=IMPORT_DONE if scoring else 0, scoring=scoring)

    def report(step: str, current: int, total: int) -> None:
        forward(step, current, total)

    return report


def _user(user_id: int | None) -> Any:
    return get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None


@shared_task(bind=True, name="insights.tasks.prospects_import_task")
def prospects_import_task(self: Task, batch_id: int, user_id: int) -> dict[str, Any]:
    """Import an uploaded file under the batch's lease; a delivery that is not the batch's current task, or of a
    batch already finished, does nothing (the broker may deliver twice, a retry replaces the task)."""
    from .services import import_batch_discard_file, import_batch_fail, import_batch_run

    batch = ImportBatch.objects.select_related("municipality").get(pk=batch_id)
    if batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
        return {"status": batch.status}
    user = _user(user_id)
    if user is None:
        # Never fall back to a system import: the uploader's rights are what allow this file in.
        import_batch_fail(batch=batch, message="The uploader's account is no longer active.")
        import_batch_discard_file(batch=batch)
        return {"status": ImportBatch.Status.FAILED}
    report = import_batch_run(
        batch=batch, actor=user, task_id=self.request.id or "", progress=_progress(self)
    )
    if report is None:
        return {"status": "superseded"}
    if report.status == "imported":
        from .services import import_batch_scoring_progress

        # The upload's one progress bar goes on through the scoring run (insights.progress).
        import_batch_scoring_progress(batch_id=batch.pk, state="queued")
        transaction.on_commit(
            lambda: prospects_score_task.delay(batch.municipality_id, user_id, batch_id=batch.pk)
        )
    return {"status": report.status, "imported": report.imported}


@shared_task(name="insights.tasks.import_batches_reap_task")
def import_batches_reap_task() -> dict[str, int]:
    """Beat: batches whose worker died are marked failed (retryable); files kept for a retry expire."""
    from .services import import_batches_reap, import_files_expire

    return {"marked_failed": import_batches_reap(), "files_deleted": import_files_expire()}


@shared_task(bind=True, name="insights.tasks.prospects_score_task")
def prospects_score_task(
    self: Task, municipality_id: int, user_id: int | None = None, batch_id: int | None = None
) -> dict[str, Any]:
    """Score a municipality's prospects; running it again simply scores again with the current model.

    Queued by a person (`user_id`), it runs with that person's rights and is refused if they have left since; queued
    by the system (an operator's command, after an import by command), it says so explicitly. After an upload
    (`batch_id`), its progress continues the upload's one bar.
    """
    if batch_id is None:
        return _score(self, municipality_id, user_id, _progress(self, scoring=True))
    from .services import import_batch_scoring_finished, import_batch_scoring_progress

    forward = import_batch_scoring_progress(batch_id=batch_id, state="running")
    task_progress = _progress(self, scoring=True)

    def report(step: str, current: int, total: int) -> None:
        task_progress(step, current, total)
        forward(step, current, total)

    try:
        result = _score(self, municipality_id, user_id, report)
    except Exception:
        import_batch_scoring_finished(batch_id=batch_id, ok=False)
        raise
    import_batch_scoring_finished(batch_id=batch_id, ok=True)
    return result


def _score(self: Task, municipality_id: int, user_id: int | None, progress: Progress) -> dict[str, Any]:
    from .services import prospects_score

    municipality = Municipality.objects.get(pk=municipality_id)
    if user_id is None:
        report = prospects_score(
            actor=None,
            skip_permission_checks=True,
            municipality=municipality,
            progress=progress,
            task_id=self.request.id or "",
        )
    else:
        user = _user(user_id)
        if user is None:
            raise PermissionDenied("The account that asked for this scoring run is no longer active.")
        report = prospects_score(
            actor=user, municipality=municipality, progress=progress, task_id=self.request.id or ""
        )
    return report.as_dict()


@shared_task(name="insights.tasks.prospects_expire_task")
def prospects_expire_task() -> int:
    """Beat: delete prospects older than PROSPECT_RETENTION_DAYS."""
    from .services import prospects_expire

    return prospects_expire()
