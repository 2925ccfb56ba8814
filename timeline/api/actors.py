"""Actors named by published events."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from timeline.api.errors import NotFound, ValidationErrorOut
from timeline.api.params import ActorQuery, is_slug
from timeline.schemas import ActorDetail, ActorOut, LanguageQuery
from timeline.selectors.actors import public_actor, public_actors

router = Router(tags=["actors"])


@router.get(
    "/actors", response={200: list[ActorOut], 422: ValidationErrorOut}, url_name="actor_list"
)
def list_actors(request: HttpRequest, language: Query[LanguageQuery], query: Query[ActorQuery]):
    return public_actors(text=query.q, kind=query.kind, country=query.country)


@router.get(
    "/actors/{slug}",
    response={200: ActorDetail, 404: NotFound, 422: ValidationErrorOut},
    url_name="actor_detail",
)
def get_actor(request: HttpRequest, language: Query[LanguageQuery], slug: str):
    actor = public_actor(slug) if is_slug(slug) else None
    if actor is None:
        return Status(404, {"detail": f"No actor has the slug {slug!r}."})
    return actor
