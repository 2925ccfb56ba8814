import os

from django.contrib import admin
from django.urls import include, path

from config.health import healthz, readyz
from timeline.api import api

# Moving the admin off its well-known address cuts the noise of automated login attempts.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path(ADMIN_URL, admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("timeline.urls")),
]
