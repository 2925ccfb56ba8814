"""Full-text search over events, behind one function so the backend can change underneath.

The portable implementation matches titles, summaries and locations, and the events' actors by
name or alias. A query that names an actor ("김정은", "Kim Jong Un", "kim jong-un") is widened to
every spelling of that actor, so all spellings find the same events. Otherwise every word must
match. PostgreSQL-only speed-ups plug in here without changing any caller.
"""

from django.db.models import Q, QuerySet

from timeline.models import Actor, Participation, normalise_name

MAX_WORDS = 10


def text_matches(phrase: str) -> Q:
    return Q(title__icontains=phrase) | Q(summary__icontains=phrase) | Q(location__icontains=phrase)


def actor_matches(phrase: str) -> Q:
    key = normalise_name(phrase)
    if not key:
        return Q(pk__in=[])
    return Q(pk__in=Participation.objects.filter(actor__name_keys__contains=key).values("event"))


def search_events(events: QuerySet, query: str) -> QuerySet:
    words = query.split()[:MAX_WORDS]
    if not words:
        return events
    phrase = " ".join(words)
    named = list(Actor.objects.named(phrase).values_list("pk", "name", "aliases"))
    if named:
        condition = Q(
            pk__in=Participation.objects.filter(actor__in=[n[0] for n in named]).values("event")
        )
        for _, name, aliases in named:
            for spelling in [name, *aliases]:
                condition |= text_matches(spelling)
        return events.filter(condition)
    for word in words:
        events = events.filter(text_matches(word) | actor_matches(word))
    return events
