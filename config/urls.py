from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from config.health import healthz, readyz
from timeline.api import api
from timeline.limits import API_THROTTLES
from timeline.pagecache import cache_patterns_for_anonymous

# django-ninja's own pages (the OpenAPI schema and its interactive docs) are built fresh.
API_DOCS = frozenset({"openapi-json", "openapi-view"})


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Resolved per request: hashed static names exist only after collectstatic.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# Moving the admin off its well-known address cuts the noise of automated login attempts.
ADMIN_URL = settings.ADMIN_URL

urlpatterns = [
    path("favicon.ico", favicon),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path(ADMIN_URL, admin.site.urls),
    # Every API read is cached for anonymous clients, and a cached answer still counts against
    # the client's rate limit.
    path(
        "api/v1/",
        cache_patterns_for_anonymous(api.urls, throttles=API_THROTTLES, except_names=API_DOCS),
    ),
]
# The public pages in each language at its own address: /en/…, /ko/….
urlpatterns += i18n_patterns(path("", include("timeline.urls")), prefix_default_language=True)
