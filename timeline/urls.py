from django.urls import path

from timeline import views

app_name = "timeline"

urlpatterns = [
    path("", views.index, name="index"),
    path("events/<slug:slug>/", views.event_detail, name="event"),
    path("events/<slug:slug>/revisions/", views.event_revisions, name="event_revisions"),
    path("actors/", views.actor_list, name="actors"),
    path("actors/suggest/", views.actor_suggestions, name="actor_suggestions"),
    path("actors/<str:slug>/", views.actor_detail, name="actor"),
]
