"""Full-text search over events, behind one function whatever the database.

Both backends match the events' actors by name or alias: a query that names an actor
("김정은", "Kim Jong Un", "kim jong-un") is widened to every spelling of that actor.
- PostgreSQL: the generated `search_vector` column (GIN index, 'simple' configuration) with
  web-search syntax (`"joint drills" -Hanoi`). Hangul words are matched as prefixes, because
  the parser keeps a run of Hangul as one word ("북한의" must match "북한").
- Elsewhere: every word must appear in the title, summary or location (case-insensitive).
- Korean, on both: a Hangul word is matched as a substring of the Korean and English title,
  summary and place, after a trailing particle is taken off ("북한의" -> "북한"). Korean writes
  particles onto nouns and compounds without spaces ("남북정상회담을"), so neither whole words
  nor prefixes find "정상회담" there; a substring does (trigram indexes on PostgreSQL).
`relevance` scores matches for `sort=relevance`: PostgreSQL's ts_rank, or a portable count.
"""

import hashlib
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from timeline.caching import data_version
from timeline.models import ALIAS_SEPARATOR, Actor, Participation, normalise_name

MAX_WORDS = 10
HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
CJK = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f\u3400-\u9fff\uf900-\ufaff]")
# A search term needs this many letters or digits (one Hangul or Han character is enough).
MIN_TERM = 2
# Matching actors by part of a name needs this many (Latin) or two (Hangul, Han) characters.
MIN_SUBSTRING = 3
MIN_CJK_SUBSTRING = 2
MAX_ACTORS_PER_WORD = 20
TSQUERY_UNSAFE = re.compile(r"[^\w]+", re.UNICODE)


# Particles Korean writes onto a noun, longest first; taken off the end of a query word when at
# least two syllables remain. A substring match makes this safe: "한반도" -> "한반" still finds
# only texts that contain "한반".
PARTICLES = (
    "에서는", "에서의", "으로의", "에서", "에게", "으로", "로서", "처럼", "까지", "부터",
    "와의", "과의", "과", "와", "의", "은", "는", "이", "가", "을", "를", "에", "도", "로", "만",
)  # fmt: skip
# Words Korean readers use for the same thing, matched as one: "합동훈련" is how many write the
# drills the record (and the press) calls "연합훈련"; "북미" is also written "북·미" or "조미".
KOREAN_SYNONYMS = {
    "합동훈련": ("합동훈련", "연합훈련"),
    "연합훈련": ("연합훈련", "합동훈련"),
    "북미": ("북미", "북·미", "조미"),
    "남북": ("남북", "남·북"),
    "한미": ("한미", "한·미"),
}
KOREAN_TEXT_FIELDS = ("title_ko", "summary_ko", "location_ko", "title", "summary", "location")


def korean_stem(word: str) -> str:
    """ "북한의" -> "북한", "정상회담을" -> "정상회담"; anything else unchanged."""
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            return word[: -len(particle)]
    return word


def korean_matches(phrase: str) -> Q:
    """Every Hangul word of `phrase` (stemmed) in one of the Korean or English text fields."""
    condition = Q()
    for word in phrase.split():
        stem = korean_stem(word.strip(".,;:!?\"'()[]"))
        if not stem:
            continue
        any_field = Q()
        for form in KOREAN_SYNONYMS.get(stem, (stem,)):
            for field in KOREAN_TEXT_FIELDS:
                any_field |= Q(**{f"{field}__contains": form})
        condition &= any_field
    return condition


def text_matches(phrase: str) -> Q:
    if HANGUL.search(phrase):
        return korean_matches(phrase)
    return Q(title__icontains=phrase) | Q(summary__icontains=phrase) | Q(location__icontains=phrase)


def actor_events(actor_ids: list[int]) -> Q:
    return Q(pk__in=Participation.objects.filter(actor__in=actor_ids).values("event"))


@dataclass(frozen=True)
class ActorsInQuery:
    """The actors a query names as a whole (by a name or alias), and those whose spellings
    contain each of its words, read in one query."""

    named: list[tuple[int, str, list[str]]]
    by_word: dict[str, list[int]]


def actors_in_query(words: list[str]) -> ActorsInQuery:
    """Cached per data version: a search asks for it more than once per request."""
    described = hashlib.sha256("\x1f".join(words).encode()).hexdigest()
    key = f"actors-in-query:{data_version()}:{described}"
    found = cache.get(key)
    if found is None:
        found = read_actors_in_query(words)
        cache.set(key, found, 3600)
    return found


def substring_matchable(key: str) -> bool:
    """Whether a word is long enough to match actors by part of a name: "kim" yes, "t" no (it
    is in thousands of names). Hangul and Han characters carry more, so two are enough."""
    return len(key) >= (MIN_CJK_SUBSTRING if CJK.search(key) else MIN_SUBSTRING)


def read_actors_in_query(words: list[str]) -> ActorsInQuery:
    """Actors first, at most MAX_ACTORS_PER_WORD per word (closest spellings first), so that
    the event query joins a short list of ids and cannot turn into a row-by-row plan."""
    phrase_key = normalise_name(" ".join(words))
    named: list[tuple[int, str, list[str]]] = []
    if phrase_key:
        exact = f"{ALIAS_SEPARATOR}{phrase_key}{ALIAS_SEPARATOR}"
        named = list(
            Actor.objects.filter(name_keys__contains=exact)
            .order_by("pk")
            .values_list("pk", "name", "aliases")[:MAX_ACTORS_PER_WORD]
        )
    by_word: dict[str, list[int]] = {}
    for word in words:
        key = normalise_name(word)
        if not key:
            by_word[word] = []
            continue
        # A short word names an actor only as a whole ("UN"), never as a part of a name.
        wanted = key if substring_matchable(key) else f"{ALIAS_SEPARATOR}{key}{ALIAS_SEPARATOR}"
        by_word[word] = list(
            Actor.objects.filter(name_keys__contains=wanted)
            .order_by(Length("name_keys"), "pk")
            .values_list("pk", flat=True)[:MAX_ACTORS_PER_WORD]
        )
    return ActorsInQuery(named=named, by_word=by_word)


def too_short(query: str) -> bool:
    """A query none of whose terms is long enough to be useful ("t", "a b"): it would match
    most of the record. One Hangul or Han character is a word; one Latin letter is not."""
    required, excluded = parse_websearch(query)
    terms = [normalise_name(term) for term in [*required, *excluded]]
    terms = [TSQUERY_UNSAFE.sub("", term) for term in terms]
    return bool(query.strip()) and not any(
        len(term) >= MIN_TERM or CJK.search(term) for term in terms
    )


def uses_postgres_search() -> bool:
    return connection.vendor == "postgresql"


def fulltext_matches(query: str, *, column: str = "search_vector") -> Q:
    """PostgreSQL: the query against the row's own GIN-indexed search_vector.

    A condition on the row itself (not an id subquery), so the planner can either walk the
    timeline's index and stop after a page, or use the GIN index when the words are rare.
    """
    hangul_words = [w for w in query.split() if HANGUL.search(w)]
    other = " ".join(w for w in query.split() if not HANGUL.search(w))
    # Unqualified on purpose: the same condition also runs inside subqueries that alias the
    # events table (facet counts), and no other table in these queries has this column.
    clauses, params = [], []
    if other.strip():
        clauses.append(f"{column} @@ websearch_to_tsquery('simple', %s)")
        params.append(other)
    korean = korean_matches(" ".join(hangul_words)) if hangul_words else Q()
    if not clauses:
        return korean if hangul_words else Q(pk__in=[])
    text = Q(RawSQL("(" + " AND ".join(clauses) + ")", params, output_field=BooleanField()))
    return text & korean if hangul_words else text


def parse_websearch(query: str) -> tuple[list[str], list[str]]:
    """("joint drills" -Hanoi) -> (["joint drills"], ["Hanoi"]): the portable reading of the
    web-search syntax PostgreSQL's websearch_to_tsquery understands."""
    required, excluded = [], []
    for match in re.finditer(r'(-?)"([^"]+)"|(-?)(\S+)', query):
        negative = match.group(1) or match.group(3)
        term = (match.group(2) or match.group(4) or "").strip('"')
        if not term or term.lower() == "or":
            continue
        (excluded if negative else required).append(term)
    return required[:MAX_WORDS], excluded[:MAX_WORDS]


def searches_text_only(query: str) -> bool:
    """True when, on PostgreSQL, `query` finds events through the GIN-indexed column alone (no
    actor is named by it or matched by its words), so every match can be listed from the index."""
    if not uses_postgres_search():
        return False
    required, excluded = parse_websearch(query)
    if not required and not excluded:
        return False
    actors = actors_in_query(required)
    if actors.named and not excluded:
        return False
    if '"' in query or excluded:
        return True
    return not any(actors.by_word.values())


def search_events(events: QuerySet, query: str) -> QuerySet:
    required, excluded = parse_websearch(query)
    if not required and not excluded:
        return events
    actors = actors_in_query(required)
    if actors.named and not excluded:
        condition = actor_events([pk for pk, _, _ in actors.named])
        # The words as typed count too: "북한" names North Korea by its Korean name, which
        # is not among its English spellings.
        spellings = [" ".join(required)]
        spellings += [
            spelling for _, name, aliases in actors.named for spelling in [name, *aliases]
        ]
        for spelling in spellings:
            if uses_postgres_search():
                condition |= fulltext_matches(spelling)
            else:
                condition |= text_matches(spelling)
        return events.filter(condition)
    if uses_postgres_search() and ('"' in query or excluded):
        return events.filter(fulltext_matches(query))
    for term in required:
        condition = fulltext_matches(term) if uses_postgres_search() else text_matches(term)
        # Only OR in actors that exist: an OR with a subquery keeps PostgreSQL off the GIN
        # index, and a rare word would then walk a million rows looking for a page of matches.
        if actors.by_word[term]:
            condition |= actor_events(actors.by_word[term])
        events = events.filter(condition)
    for term in excluded:
        events = events.exclude(text_matches(term))
    return events


def relevance(query: str) -> ExpressionWrapper | RawSQL:
    """How well each event matches `query`, as an integer (so a keyset cursor can seek on
    (relevance, id)), higher first.

    Any required term or phrase counts, and so does any spelling of an actor the query names,
    so "김정은" ranks the events that say "Kim Jong Un" too.
    PostgreSQL: ts_rank over the weighted search_vector (title A, summary B, location C).
    Elsewhere: each term counts 3 in the title, 1 in the summary and 1 in the location, in
    either language.
    """
    required, _ = parse_websearch(query)
    terms = list(required)
    for _, name, aliases in actors_in_query(required).named:
        terms.extend([name, *aliases])
    if uses_postgres_search():
        return ts_rank_score(terms)
    score = Value(0)
    for term in terms:
        for field, weight in (
            ("title", 3),
            ("summary", 1),
            ("location", 1),
            ("title_ko", 3),
            ("summary_ko", 1),
            ("location_ko", 1),
        ):
            score = score + Case(
                When(**{f"{field}__icontains": term}, then=Value(weight)), default=Value(0)
            )
    return ExpressionWrapper(score, output_field=IntegerField())


def ts_rank_score(terms: list[str]) -> RawSQL:
    parts, params = [], []
    for term in terms:
        if HANGUL.search(term):
            # A run of Hangul is one lexeme ("북한의"), so each Hangul word ranks as a prefix.
            lexemes = [TSQUERY_UNSAFE.sub("", word) for word in term.split()]
            tsquery, value = "to_tsquery('simple', %s)", " & ".join(f"{x}:*" for x in lexemes if x)
            if not value:
                continue
        else:
            tsquery, value = "phraseto_tsquery('simple', %s)", term
        # ts_rank alone scores "Kim Yo Jong" for the phrase "Kim Jong Un" (it ignores word
        # order), so a term counts only where it truly matches. Normalisation 32 maps a rank r
        # to r / (r + 1), below 1, so a million steps per term keep the order in an integer.
        parts.append(
            f"CASE WHEN search_vector @@ {tsquery} THEN ts_rank(search_vector, {tsquery}, 32) "
            "ELSE 0 END"
        )
        params.extend([value, value])
    if not parts:
        return RawSQL("0", [], output_field=IntegerField())
    return RawSQL(
        "floor((" + " + ".join(parts) + ") * 1000000)::integer", params, output_field=IntegerField()
    )
