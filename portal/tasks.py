"""Portal tasks: the worker heartbeat (scheduled by beat every minute)."""

from __future__ import annotations

import socket

from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(name="portal.tasks.worker_heartbeat")
def worker_heartbeat() -> str:
    hostname = socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": timezone.now()})
    return hostname
