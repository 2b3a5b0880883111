"""Tests against real outside services: PostgreSQL, and a real Celery worker on Redis (mandatory with CI=true)."""

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction

from tests.services import redis_available, require
from themes.models import Membership, Municipality


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_schema_and_taxonomy_migrate_on_postgresql() -> None:
    assert connection.vendor == "postgresql"
    assert Municipality.objects.count() == 14
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert int(cursor.fetchone()[0].split(".")[0]) >= 13


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_enforces_the_membership_role_constraint(coordinator: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=coordinator).update(role="lead")


@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_the_heartbeat_task_against_the_shared_database() -> None:
    from portal.models import WorkerHeartbeat
    from portal.tasks import worker_heartbeat
    from tests.worker import running_worker

    require(redis_available(), "needs Redis at 127.0.0.1:6379")
    with running_worker():
        hostname = worker_heartbeat.delay().get(timeout=60)
    assert WorkerHeartbeat.objects.filter(hostname=hostname).exists()
