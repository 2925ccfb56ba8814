import os

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from config.health import healthz, readyz
from timeline.api import api


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Resolved per request: hashed static names exist only after collectstatic.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# Moving the admin off its well-known address cuts the noise of automated login attempts.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

urlpatterns = [
    path("favicon.ico", favicon),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path(ADMIN_URL, admin.site.urls),
    path("api/v1/", api.urls),
]
# The public pages in each language at its own address: /en/…, /ko/….
urlpatterns += i18n_patterns(path("", include("timeline.urls")), prefix_default_language=True)
