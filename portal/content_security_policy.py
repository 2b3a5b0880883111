"""Content-Security-Policy: a strict policy for the portal's own pages, a looser one for the Wagtail admin.

The portal's templates load scripts and styles from its own static files only, so its pages get `script-src 'self'`
without 'unsafe-inline': an injected script or event handler does not run even if one ever got into stored content.
The Wagtail admin (8.x) still writes inline scripts and style attributes and runs its page preview in a frame, so
under /admin/ the policy allows those, and nothing from other origins either.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        admin = getattr(settings, "STIGAR_ADMIN_CONTENT_SECURITY_POLICY", None)
        if not report_only and admin and parts.config is None and request.path_info.startswith("/admin/"):
            parts.config = admin["DIRECTIVES"]
        return parts
