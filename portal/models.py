"""The portal's own small state: the worker's heartbeat that /healthz and the status line read, and invitations."""

from django.db import models

from .accounts.models import Invitation, SingleSignOn

__all__ = ["Invitation", "SingleSignOn", "WorkerHeartbeat"]


class WorkerHeartbeat(models.Model):
    """One row per worker hostname, touched by the beat-scheduled heartbeat task."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
