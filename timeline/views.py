"""HTML pages: each view renders its page template, or one of its partials for htmx."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from timeline.models import Actor, Event


def index(request: HttpRequest) -> TemplateResponse:
    events = Event.objects.published().chronological().prefetch_related("actors")
    return TemplateResponse(request, "timeline/index.html", {"events": events})


def event_detail(request: HttpRequest, *, slug: str) -> TemplateResponse:
    event = get_object_or_404(Event.objects.published(), slug=slug)
    return TemplateResponse(request, "timeline/event.html", {"event": event})


def actor_list(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "timeline/actors.html", {"actors": Actor.objects.all()})


def actor_detail(request: HttpRequest, *, slug: str) -> TemplateResponse:
    actor = get_object_or_404(Actor, slug=slug)
    return TemplateResponse(request, "timeline/actor.html", {"actor": actor})
