"""Fill a (separate) database with N realistic, deterministic synthetic events for benchmarks.

Synthetic rows are recognisable by their slugs ("synthetic-…") and never touch curated rows.
Rows go in with bulk_create in batches of 5 000 inside one transaction, without history.
"""

from __future__ import annotations

import calendar
import random
import sys
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max

from timeline.caching import bump_data_version
from timeline.models import (
    Actor,
    ActorKind,
    Citation,
    Event,
    EventKind,
    EventStatus,
    Participation,
    Role,
    Source,
    SourceKind,
)
from timeline.rendering import render_all

WORDS = [
    "summit",
    "talks",
    "envoy",
    "missile",
    "drill",
    "congress",
    "statement",
    "proposal",
    "visit",
    "sanctions",
    "border",
    "dialogue",
    "denuclearization",
    "peace",
    "treaty",
    "delegation",
    "launch",
    "exercise",
    "hotline",
    "agreement",
    "ministers",
    "leaders",
    "parade",
    "inspection",
    "satellite",
    "reunion",
    "liaison",
    "office",
    "armistice",
]
PLACES = [
    "Seoul",
    "Pyongyang",
    "Panmunjom",
    "Beijing",
    "Washington",
    "Tokyo",
    "Moscow",
    "Hanoi",
    "Singapore",
    "Geneva",
    "Vladivostok",
    "Busan",
    "Kaesong",
    "",
]
# Korean for every word and place above, so that the synthetic record is searchable in Korean
# too (the words map one to one: no extra random draws, the English text stays as it was).
WORDS_KO = dict(
    zip(
        WORDS,
        [
            "정상회담",
            "회담",
            "특사",
            "미사일",
            "훈련",
            "대회",
            "성명",
            "제안",
            "방문",
            "제재",
            "국경",
            "대화",
            "비핵화",
            "평화",
            "조약",
            "대표단",
            "발사",
            "연합훈련",
            "핫라인",
            "합의",
            "장관",
            "정상",
            "열병식",
            "사찰",
            "위성",
            "상봉",
            "연락",
            "사무소",
            "정전",
        ],
        strict=True,
    )
)
PLACES_KO = dict(
    zip(
        PLACES,
        [
            "서울",
            "평양",
            "판문점",
            "베이징",
            "워싱턴",
            "도쿄",
            "모스크바",
            "하노이",
            "싱가포르",
            "제네바",
            "블라디보스토크",
            "부산",
            "개성",
            "",
        ],
        strict=True,
    )
)
COUNTRIES = ["KP", "KR", "US", "CN", "RU", "JP", ""]
PRECISIONS = ["day"] * 8 + ["week", "month", "month", "quarter", "year"]
STATUSES = [EventStatus.OCCURRED] * 17 + [
    EventStatus.SCHEDULED,
    EventStatus.PROPOSED,
    EventStatus.SPECULATED,
    EventStatus.CANCELLED,
]
BATCH = 5000
PUBLISHER_KINDS = {
    "Wire A": SourceKind.WIRE,
    "Wire B": SourceKind.WIRE,
    "Daily C": SourceKind.NEWSPAPER,
    "State media D": SourceKind.OFFICIAL,
}


def span_for(rng: random.Random, precision: str) -> tuple[date, date]:
    day = date(1990, 1, 1) + timedelta(days=rng.randrange(0, 36 * 365))
    if precision == "day":
        return day, day + timedelta(days=rng.choice([0, 0, 0, 1, 2]))
    if precision == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if precision == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "quarter":
        first = 3 * ((day.month - 1) // 3) + 1
        end = date(day.year, first + 2, calendar.monthrange(day.year, first + 2)[1])
        return date(day.year, first, 1), end
    return date(day.year, 1, 1), date(day.year, 12, 31)


class Command(BaseCommand):
    help = "Add N synthetic events (with actors, participants, sources and citations)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--events", type=int, required=True)
        parser.add_argument("--actors", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=20260227)

    def handle(self, *args, events: int, actors: int, seed: int, **options) -> None:
        if events < 1 or events > 5_000_000:
            raise CommandError("--events must be between 1 and 5 000 000")
        if Event.objects.filter(slug__startswith="synthetic-").exists():
            raise CommandError(
                "This database already holds synthetic events; use a fresh database."
            )
        rng = random.Random(seed)
        started = time.perf_counter()
        with transaction.atomic():
            actor_ids = self.make_actors(rng, actors)
            source_ids = self.make_sources(rng, max(events // 3, 10))
            self.make_events(rng, events, actor_ids, source_ids)
            if connection.vendor == "postgresql":
                self.reset_sequences()
            render_all(missing_only=True)  # bulk_create sends no signals
        bump_data_version()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics for the benchmark
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {events} synthetic events in {time.perf_counter() - started:.1f} s."
            )
        )

    def make_actors(self, rng: random.Random, count: int) -> list[int]:
        kinds = [ActorKind.PERSON] * 6 + [
            ActorKind.STATE,
            ActorKind.GOVERNMENT_BODY,
            ActorKind.MILITARY,
            ActorKind.ORGANIZATION,
        ]
        batch = []
        for i in range(count):
            actor = Actor(
                name=f"Synthetic Actor {i}",
                slug=f"synthetic-actor-{i}",
                kind=rng.choice(kinds),
                country=rng.choice(COUNTRIES),
                name_ko=f"가상 행위자 {i}",
                aliases=[f"SA{i}"],
            )
            actor.name_keys = actor.compute_name_keys()
            batch.append(actor)
        Actor.objects.bulk_create(batch, batch_size=BATCH)
        return list(
            Actor.objects.filter(slug__startswith="synthetic-actor-").values_list("pk", flat=True)
        )

    def make_sources(self, rng: random.Random, count: int) -> list[int]:
        batch = []
        for i in range(count):
            publisher = rng.choice(list(PUBLISHER_KINDS))
            published_on = date(1990, 1, 1) + timedelta(days=rng.randrange(0, 36 * 365))
            language = rng.choice(["en", "ko", "zh", "ja"])
            ai_generated = rng.random() < 0.1
            batch.append(
                Source(
                    title=f"Synthetic report {i}",
                    url=f"https://synthetic.invalid/report/{i}",
                    publisher=publisher,
                    published_on=published_on,
                    language=language,
                    ai_generated=ai_generated,
                    # The database holds the AI label and the type in agreement.
                    kind=SourceKind.AI_GENERATED if ai_generated else PUBLISHER_KINDS[publisher],
                )
            )
        Source.objects.bulk_create(batch, batch_size=BATCH)
        return list(
            Source.objects.filter(url__startswith="https://synthetic.invalid/").values_list(
                "pk", flat=True
            )
        )

    def make_events(self, rng, count, actor_ids, source_ids) -> None:
        next_id = (Event.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        kinds = EventKind.values
        roles = Role.values
        written = 0
        while written < count:
            size = min(BATCH, count - written)
            events, participations, citations = [], [], []
            for offset in range(size):
                pk = next_id + written + offset
                precision = rng.choice(PRECISIONS)
                start, end = span_for(rng, precision)
                words = rng.sample(WORDS, 4)
                place = rng.choice(PLACES)
                summary_words = [rng.choice(WORDS) for _ in range(25)]
                events.append(
                    Event(
                        pk=pk,
                        title=f"{words[0].capitalize()} {words[1]} in {place or 'the region'}",
                        slug=f"synthetic-{pk}",
                        title_ko=f"{PLACES_KO[place] or '지역'}에서 {WORDS_KO[words[0]]} "
                        f"{WORDS_KO[words[1]]}",
                        summary=" ".join(summary_words).capitalize() + ".",
                        summary_ko=" ".join(WORDS_KO[w] for w in summary_words) + ".",
                        kind=rng.choice(kinds),
                        start=start,
                        end=end,
                        precision=precision,
                        approximate=rng.random() < 0.05,
                        status=rng.choice(STATUSES),
                        location=place,
                        location_ko=PLACES_KO[place],
                        country=rng.choice(COUNTRIES),
                        publication="published" if rng.random() < 0.97 else "draft",
                        version=1,
                    )
                )
                for actor_id in rng.sample(actor_ids, rng.randint(1, 5)):
                    participations.append(
                        Participation(event_id=pk, actor_id=actor_id, role=rng.choice(roles))
                    )
                for source_id in rng.sample(source_ids, rng.randint(1, 3)):
                    citations.append(
                        Citation(event_id=pk, source_id=source_id, quote=f"Quote {pk}-{source_id}")
                    )
            Event.objects.bulk_create(events)
            Participation.objects.bulk_create(participations)
            Citation.objects.bulk_create(citations)
            written += size
            self.progress(written, count)
        sys.stdout.write("\n")

    def progress(self, done: int, total: int) -> None:
        width = 40
        filled = int(width * done / total)
        sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} events")
        sys.stdout.flush()

    def reset_sequences(self) -> None:
        with connection.cursor() as cursor:
            for table in ("timeline_event", "timeline_participation", "timeline_citation"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
