"""`manage.py invite_user`: invite a person by e-mail (INTERFACES.md); exit 1 with one line on any refusal."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from portal.accounts.services import invitation_create
from themes.models import Municipality, Role
from themes.selectors import municipality_by_code


class Command(BaseCommand):
    help = "Invite a person: sends the invitation e-mail and prints the set-password link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, help="coordinator, lead, analyst or partner")
        parser.add_argument(
            "--municipality", help="SCB code (2584) or slug (kiruna); needed for lead and analyst"
        )
        parser.add_argument("--language", default="sv", help="sv or en: the e-mail's and the page's language")
        parser.add_argument("--json", action="store_true", help="Print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        # Messages of a command are English, like the other commands' (the e-mail follows --language).
        with translation.override("en"):
            role = options["role"]
            if role not in Role.values:
                raise CommandError(f"Unknown role {role!r}: use coordinator, lead, analyst or partner.")
            municipality = None
            if options["municipality"]:
                try:
                    municipality = municipality_by_code(options["municipality"])
                except Municipality.DoesNotExist as exc:
                    raise CommandError(
                        f"No municipality with code or slug {options['municipality']!r}."
                    ) from exc
            try:
                invitation, link = invitation_create(
                    email=options["email"],
                    role=role,
                    municipality=municipality,
                    language=options["language"],
                    skip_permission_checks=True,
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        if options["json"]:
            report = {
                "email": invitation.email,
                "role": invitation.role,
                "municipality": municipality.slug if invitation.municipality_id and municipality else None,
                "link": link,
                "expires": invitation.expires_at.isoformat(),
            }
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write(
                f"Invitation sent to {invitation.email} (expires {invitation.expires_at:%Y-%m-%d %H:%M %Z})."
            )
            self.stdout.write(link)
