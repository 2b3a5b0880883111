"""A login lockout ends AXES_COOLOFF_TIME after it began: failed tries during it do not start it again (#17)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from tests.factories import user_with_role

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
COOL_OFF = timedelta(minutes=2)


class Clock:
    """Axes reads the time from django.utils.timezone.now (and two names imported from it): one clock for all."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime:
        return self.now

    def __enter__(self) -> Clock:
        self._patches = [
            mock.patch(target, self)
            for target in ("django.utils.timezone.now", "axes.handlers.proxy.now", "axes.attempts.now")
        ]
        for patch in self._patches:
            patch.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for patch in self._patches:
            patch.stop()


def _login(client: Client, password: str) -> _MonkeyPatchedWSGIResponse:
    return client.post(
        "/accounts/login/", {"username": "partner", "password": password}, REMOTE_ADDR="10.0.0.7"
    )


def _lock_out_and_keep_trying(client: Client, clock: Clock) -> _MonkeyPatchedWSGIResponse:
    user_with_role("partner", username="partner")
    for _ in range(3):
        _login(client, "wrong")
    assert _login(client, PASSWORD).status_code == 429
    clock.now += COOL_OFF - timedelta(seconds=20)
    assert _login(client, "still-wrong").status_code == 429  # a try during the lockout
    clock.now += timedelta(seconds=30)  # the lockout began COOL_OFF + 10 s ago; the last try was 30 s ago
    return _login(client, PASSWORD)


def test_the_project_does_not_extend_a_lockout_on_a_failed_try() -> None:
    assert settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is False


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=COOL_OFF)
def test_a_failed_try_during_the_lockout_does_not_extend_it(client: Client) -> None:
    with Clock() as clock:
        response = _lock_out_and_keep_trying(client, clock)
    assert response.status_code == 302


@override_settings(
    AXES_ENABLED=True,
    AXES_FAILURE_LIMIT=3,
    AXES_COOLOFF_TIME=COOL_OFF,
    AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT=True,
)
def test_with_axes_default_the_same_tries_would_keep_the_account_locked(client: Client) -> None:
    """The contrast that shows the test above measures the setting, not the clock."""
    with Clock() as clock:
        response = _lock_out_and_keep_trying(client, clock)
    assert response.status_code == 429
