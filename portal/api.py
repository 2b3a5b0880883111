"""Wagtail's page API (/api/v2/pages/), limited to published public pages."""

from wagtail.api.v2.router import WagtailAPIRouter

from knowledge.api import PublicPagesAPIViewSet

wagtail_api_router = WagtailAPIRouter("wagtailapi")
wagtail_api_router.register_endpoint("pages", PublicPagesAPIViewSet)
