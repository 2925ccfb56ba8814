from django.urls import path, register_converter

from timeline import views


class UnicodeSlugConverter:
    """Actor slugs may be Hangul or Hanja; never a NUL byte or a slash."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "timeline"

urlpatterns = [
    path("", views.index, name="index"),
    path("counts/", views.counts, name="counts"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    path("events/<slug:slug>/revisions/", views.event_revisions, name="event_revisions"),
    path("about/", views.about, name="about"),
    path("actors/", views.actor_list, name="actors"),
    path("actors/suggest/", views.actor_suggestions, name="actor_suggestions"),
    path("actors/<uslug:slug>/", views.actor_detail, name="actor"),
    # Any other spelling ("Kim Jong Un", "김정은") redirects to the actor's own page.
    path("actors/<str:slug>/", views.actor_detail, name="actor_alias"),
]
