"""Idempotent demo data: demo users for every role, then each app's demo content (sprints, knowledge, insights)."""

from __future__ import annotations

import importlib
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from themes.models import Municipality, Role
from themes.services import membership_assign

# Apps contribute demo content through a `demo.seed(*, stdout)` function, in this order
# (knowledge links to sprints, insights is independent, campaigns link sprints to scored segments, plans link
# sprints, the search glossary comes last).
DEMO_APPS = ("sprints", "knowledge", "insights", "campaigns", "plans", "sitesearch")


def demo_password_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-password"


def demo_password() -> str:
    """The demo users' password: generated once into STIGAR_DATA_DIR, never a fixed value."""
    path = demo_password_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


class Command(BaseCommand):
    help = "Create demo users and demo content (dev settings only). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", help="Password for the demo users (default: generated into STIGAR_DATA_DIR)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "STIGAR_DEMO_ALLOWED", False):
            raise CommandError(
                "seed_demo creates users with a known password and is refused outside dev settings."
            )
        password = options["password"] or demo_password()
        with transaction.atomic():
            users = self.seed_users(password)
        self.stdout.write(f"Demo users: {users} (coordinator, partner, lead-<slug>, analyst-<slug>)")
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))

    def seed_users(self, password: str) -> int:
        User = get_user_model()

        def ensure(
            username: str, *, first: str, last: str, role: Role, municipality: Municipality | None = None
        ) -> None:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            user.email = f"{username}@demo.stigar.local"
            user.set_password(password)
            user.save()
            membership_assign(user=user, role=role, municipality=municipality, skip_permission_checks=True)

        ensure("coordinator", first="Kim", last="Koordinator", role=Role.COORDINATOR)
        ensure("partner", first="Pia", last="Partner", role=Role.PARTNER)
        count = 2
        for municipality in Municipality.objects.order_by("slug"):
            for role, first in ((Role.LEAD, "Projektledare"), (Role.ANALYST, "Analytiker")):
                ensure(
                    f"{role.value}-{municipality.slug}",
                    first=first,
                    last=municipality.name,
                    role=role,
                    municipality=municipality,
                )
                count += 1
        return count
