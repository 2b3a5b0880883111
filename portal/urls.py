"""URL configuration. Pages are Swedish at / and English at /en/; machine endpoints have no language prefix."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .accounts import sso
from .accounts import urls as accounts_urls
from .api import wagtail_api_router
from .healthz import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", wagtail_api_router.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/", include("conversations.api_urls")),
    path("api/", include("sprints.api_urls")),
    path("api/", include("sitesearch.api_urls")),
    path("api/", include("insights.api_urls")),
    path("api/", include("plans.api_urls")),
    # Anything else under /api/ ending in a slash is the API's JSON 404 (a path without the slash is still redirected
    # to one with it when that exists, by APPEND_SLASH).
    re_path(r"^api/(?:.*/)?$", views.api_not_found, name="api-not-found"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("conversations.feed_urls")),
    # Single sign-on (OpenID Connect), when configured; the names are mozilla-django-oidc's.
    path("oidc/authenticate/", sso.sign_in, name="oidc_authentication_init"),
    path("oidc/callback/", sso.callback, name="oidc_authentication_callback"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include(accounts_urls.auth_urlpatterns)),
    path("accounts/", include(accounts_urls)),
    path("sprints/", include("sprints.urls")),
    path("insights/", include("insights.urls")),
    path("plans/", include("plans.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("search/", include("sitesearch.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("", include("conversations.urls")),
    path("", include("knowledge.urls")),
    # Wagtail serves the knowledge pages; it must come last because it matches any path.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Machine paths under /api/ answer JSON even when no endpoint matches (portal/views.py).
handler400 = "portal.views.bad_request"
handler404 = "portal.views.not_found"
